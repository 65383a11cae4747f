"""sklearn-backprop: backpropagation neural networks for scikit-learn (the public names)."""

from ._classifier import BackpropClassifier
from ._device import move_to_numpy
from ._export import TRUSTED_TYPES, onnx_inputs, register_onnx_converter, to_onnx
from ._plotting import LossCurveDisplay
from ._regressor import BackpropRegressor
from ._training import TrainingDivergedError
from ._version import InconsistentVersionWarning, __version__

__all__ = [
    "TRUSTED_TYPES",
    "BackpropClassifier",
    "BackpropRegressor",
    "InconsistentVersionWarning",
    "LossCurveDisplay",
    "TrainingDivergedError",
    "__version__",
    "move_to_numpy",
    "onnx_inputs",
    "register_onnx_converter",
    "to_onnx",
]
