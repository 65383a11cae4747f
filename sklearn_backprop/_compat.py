"""The private scikit-learn helpers this package relies on, imported in one place.

They are not public API, so the supported scikit-learn range is pinned in
``pyproject.toml`` and tested at both ends; a shim for a new release goes here.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import _check_sample_weight

__all__ = ["Interval", "Options", "StrOptions", "_check_sample_weight", "_fit_context"]
