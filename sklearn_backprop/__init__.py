"""sklearn-backprop: a fast, careful backpropagation classifier for scikit-learn."""

from ._classifier import BackpropClassifier
from ._training import TrainingDivergedError

__all__ = ["BackpropClassifier", "TrainingDivergedError"]
__version__ = "0.1.0"
