"""sklearn-backprop: a fast, careful backpropagation classifier for scikit-learn."""

from ._classifier import BackpropClassifier
from ._training import TrainingDivergedError
from ._version import InconsistentVersionWarning, __version__

__all__ = [
    "BackpropClassifier",
    "InconsistentVersionWarning",
    "TrainingDivergedError",
    "__version__",
]
