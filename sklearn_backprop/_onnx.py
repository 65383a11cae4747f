"""ONNX export: converters for skl2onnx, and ``to_onnx`` for a fitted classifier or regressor.

The graph is the forward pass itself: per layer ``MatMul``, ``Add`` and the
activation (built once for both estimators), then the classifier's output
probabilities and labels, or the regressor's output values. skl2onnx and
onnxruntime are optional (``pip install sklearn-backprop[export]``);
importing this module without them raises an ImportError naming the extra.
"""

import numpy as np

try:
    from onnx import TensorProto
    from skl2onnx import to_onnx as _skl2onnx_to_onnx
    from skl2onnx import update_registered_converter
    from skl2onnx.common.data_types import FloatTensorType, Int64TensorType, StringTensorType
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise ImportError(
        "ONNX export needs skl2onnx and onnx: pip install 'sklearn-backprop[export]'"
    ) from error

from ._classifier import BackpropClassifier
from ._columns import as_pandas, is_pandas_frame
from ._onnx_columns import encoded_columns, input_types, inputs_named_by_column
from ._regressor import BackpropRegressor

_HIDDEN_OPS = {"logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "identity": None}
_OUTPUT_OPS = {"identity": "Identity", "exp": "Exp"}  # the regressor's


def _integer_labels(clf):
    # skl2onnx's classifier parser declares the label output int64 for integer
    # (and boolean) classes and string for all others, floats included.
    return clf.classes_.dtype.kind in "iub"


def _label_type(clf):
    if clf._multilabel:
        return Int64TensorType([None, len(clf.classes_)])
    return Int64TensorType([None]) if _integer_labels(clf) else StringTensorType([None])


def _shape_calculator(operator):
    clf = operator.raw_operator
    operator.outputs[0].type = _label_type(clf)
    operator.outputs[1].type = FloatTensorType([None, len(clf.classes_)])


class _Graph:
    """Adds nodes and constants of unique names to skl2onnx's graph."""

    def __init__(self, scope, container):
        self.scope, self.container = scope, container

    def node(self, op_type, inputs, output=None, **attributes):
        """Add an ``op_type`` node; its output is ``output``, else a new name, returned."""
        output = output or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(
            op_type, inputs, output, name=self.scope.get_unique_operator_name(op_type), **attributes
        )
        return output

    def constant(self, seed, values, onnx_type=TensorProto.FLOAT):
        values = np.asarray(values)
        tensor = self.scope.get_unique_variable_name(seed)
        self.container.add_initializer(
            tensor, onnx_type, list(values.shape), values.ravel().tolist()
        )
        return tensor


def _output_layer_input(graph, model, X):
    """The forward pass up to the output layer's activation: per layer MatMul, Add, activation."""
    layer_output = X
    for layer, (coef, intercept) in enumerate(zip(model.coefs_, model.intercepts_, strict=True)):
        product = graph.node(
            "MatMul", [layer_output, graph.constant("coef", coef.astype(np.float32))]
        )
        layer_output = graph.node(
            "Add", [product, graph.constant("intercept", intercept.astype(np.float32))]
        )
        op = _HIDDEN_OPS[model.activation] if layer < len(model.coefs_) - 1 else None
        if op is not None:
            layer_output = graph.node(op, [layer_output])
    return layer_output


def _network_input(graph, model, operator):
    """The forward pass's input: the graph's input, or the encoding of its column inputs."""
    if getattr(model, "_column_encoder", None) is None:
        return operator.inputs[0].full_name
    return encoded_columns(graph, model._column_encoder, operator.inputs)


def _converter(scope, operator, container):
    clf = operator.raw_operator
    graph = _Graph(scope, container)
    logits = _output_layer_input(graph, clf, _network_input(graph, clf, operator))

    if clf.out_activation_ == "softmax":
        probabilities = graph.node("Softmax", [logits], axis=1)
    elif clf._multilabel:
        probabilities = graph.node("Sigmoid", [logits])
    else:  # binary: [sigmoid(-z), sigmoid(z)], as predict_proba computes it
        probabilities = graph.node(
            "Concat",
            [graph.node("Sigmoid", [graph.node("Neg", [logits])]), graph.node("Sigmoid", [logits])],
            axis=1,
        )
    graph.node("Identity", [probabilities], operator.outputs[1].full_name)

    if clf._multilabel:
        above_half = graph.node("Greater", [probabilities, graph.constant("half", np.float32(0.5))])
        graph.node("Cast", [above_half], operator.outputs[0].full_name, to=TensorProto.INT64)
        return
    indices = graph.node("ArgMax", [probabilities], axis=1, keepdims=0)
    if _integer_labels(clf):
        classes = graph.constant("classes", clf.classes_.astype(np.int64), TensorProto.INT64)
    else:
        classes = graph.constant(
            "classes", [str(c).encode() for c in clf.classes_], TensorProto.STRING
        )
    graph.node("Gather", [classes, indices], operator.outputs[0].full_name, axis=0)


def _regressor_shape_calculator(operator):
    operator.outputs[0].type = FloatTensorType([None, operator.raw_operator.n_outputs_])


def _regressor_converter(scope, operator, container):
    reg = operator.raw_operator
    graph = _Graph(scope, container)
    z = _output_layer_input(graph, reg, _network_input(graph, reg, operator))
    # Always 2-D, (n_samples, n_outputs_), as skl2onnx gives MLPRegressor's.
    graph.node(_OUTPUT_OPS[reg.out_activation_], [z], operator.outputs[0].full_name)


update_registered_converter(
    BackpropClassifier,
    "SklearnBackpropClassifier",
    _shape_calculator,
    _converter,
    # skl2onnx's classifier parser applies zipmap, and asks every classifier's
    # converter for nocl (labels as class indices) too: declared, only as off,
    # since this converter gives the labels themselves.
    options={"zipmap": [True, False, "columns"], "nocl": [False]},
)
update_registered_converter(
    BackpropRegressor,
    "SklearnBackpropRegressor",
    _regressor_shape_calculator,
    _regressor_converter,
)


def _column_encoder(clf, X_sample):
    """The encoder of a model that encodes a DataFrame's columns, X_sample checked; else None."""
    model = clf[-1] if hasattr(clf, "steps") else clf
    encoder = getattr(model, "_column_encoder", None)
    if encoder is None:
        return None
    if model is not clf and len(clf.steps) > 1:
        raise ValueError(
            f"The last step of this Pipeline, a {type(model).__name__}, encodes the columns of "
            "a DataFrame, which the steps before it give: ONNX export covers such a model on "
            "its own (or alone in a Pipeline), taking the DataFrame's columns as inputs."
        )
    X_sample = as_pandas(X_sample)
    encoder.onnx_feed(X_sample[:1] if is_pandas_frame(X_sample) else X_sample, "X_sample")
    return encoder


def to_onnx(clf, X_sample, *, target_opset=None):
    """The converter behind ``sklearn_backprop.to_onnx``, documented there."""
    # The zipmap option concerns classifiers only; skl2onnx ignores it for a regressor.
    options = {BackpropClassifier: {"zipmap": False}}
    encoder = _column_encoder(clf, X_sample)
    if encoder is None:
        return _skl2onnx_to_onnx(
            clf,
            np.asarray(X_sample, dtype=np.float32)[:1],
            target_opset=target_opset,
            options=options,
        )
    onnx_model = _skl2onnx_to_onnx(
        clf, initial_types=input_types(encoder), target_opset=target_opset, options=options
    )
    return inputs_named_by_column(onnx_model, encoder)
