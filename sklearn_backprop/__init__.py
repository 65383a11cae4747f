"""sklearn-backprop: a fast, careful backpropagation classifier for scikit-learn."""

from ._classifier import BackpropClassifier
from ._fitting import move_to_numpy
from ._plotting import LossCurveDisplay
from ._training import TrainingDivergedError
from ._version import InconsistentVersionWarning, __version__

__all__ = [
    "TRUSTED_TYPES",
    "BackpropClassifier",
    "InconsistentVersionWarning",
    "LossCurveDisplay",
    "TrainingDivergedError",
    "__version__",
    "move_to_numpy",
    "to_onnx",
]

# The types skops.io must be told to trust to load a saved model:
# skops.io.load(path, trusted=TRUSTED_TYPES). The fitted state is otherwise
# plain arrays, lists, dicts and numbers, which skops trusts on its own.
TRUSTED_TYPES = ["sklearn_backprop._classifier.BackpropClassifier"]


def to_onnx(clf, X_sample, *, target_opset=None):
    """Export a fitted classifier (or a Pipeline ending in one) to ONNX.

    Needs the ``export`` extra (skl2onnx, onnx); see ``sklearn_backprop._onnx.to_onnx``.
    """
    from ._onnx import to_onnx as convert

    return convert(clf, X_sample, target_opset=target_opset)
