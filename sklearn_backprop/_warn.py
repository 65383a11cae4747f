"""Warnings attributed to the user's line, not to the package's internals."""

import os
import sys
import warnings
from pathlib import Path

import sklearn.base

_PACKAGE = str(Path(__file__).parent) + os.sep
# scikit-learn's _fit_context wraps fit and partial_fit in a function of this file.
_SKLEARN_BASE = sklearn.base.__file__


def warn_at_caller(message, category=UserWarning):
    """``warnings.warn`` at the first frame outside this package and scikit-learn's fit wrapper.

    A fixed ``stacklevel`` would count the package's own calls, which differ
    from one warning to the next; the user's line (or scikit-learn's, for a
    fit inside a search) is what ``-W`` filters and tracebacks should show.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and (
        frame.f_code.co_filename.startswith(_PACKAGE) or frame.f_code.co_filename == _SKLEARN_BASE
    ):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
