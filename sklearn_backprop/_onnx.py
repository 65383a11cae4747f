"""ONNX export: a converter for skl2onnx, and ``to_onnx`` for a fitted classifier.

The graph is the forward pass itself: per layer ``MatMul``, ``Add`` and the
activation, then the output probabilities and the labels. skl2onnx and
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

_HIDDEN_OPS = {"logistic": "Sigmoid", "tanh": "Tanh", "relu": "Relu", "identity": None}


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


def _converter(scope, operator, container):
    clf = operator.raw_operator

    def name(seed):
        return scope.get_unique_variable_name(seed)

    def node(op_type, inputs, **attributes):
        output = name(op_type.lower())
        container.add_node(
            op_type, inputs, output, name=scope.get_unique_operator_name(op_type), **attributes
        )
        return output

    def constant(seed, values, onnx_type=TensorProto.FLOAT):
        values = np.asarray(values)
        tensor = name(seed)
        container.add_initializer(tensor, onnx_type, list(values.shape), values.ravel().tolist())
        return tensor

    layer_output = operator.inputs[0].full_name
    for layer, (coef, intercept) in enumerate(zip(clf.coefs_, clf.intercepts_, strict=True)):
        product = node("MatMul", [layer_output, constant("coef", coef.astype(np.float32))])
        layer_output = node("Add", [product, constant("intercept", intercept.astype(np.float32))])
        op = _HIDDEN_OPS[clf.activation] if layer < len(clf.coefs_) - 1 else None
        if op is not None:
            layer_output = node(op, [layer_output])
    logits = layer_output

    if clf.out_activation_ == "softmax":
        probabilities = node("Softmax", [logits], axis=1)
    elif clf._multilabel:
        probabilities = node("Sigmoid", [logits])
    else:  # binary: [sigmoid(-z), sigmoid(z)], as predict_proba computes it
        probabilities = node(
            "Concat", [node("Sigmoid", [node("Neg", [logits])]), node("Sigmoid", [logits])], axis=1
        )
    container.add_node(
        "Identity",
        [probabilities],
        operator.outputs[1].full_name,
        name=scope.get_unique_operator_name("Identity"),
    )

    if clf._multilabel:
        above_half = node("Greater", [probabilities, constant("half", np.float32(0.5))])
        container.add_node(
            "Cast",
            [above_half],
            operator.outputs[0].full_name,
            to=TensorProto.INT64,
            name=scope.get_unique_operator_name("Cast"),
        )
        return
    indices = node("ArgMax", [probabilities], axis=1, keepdims=0)
    if clf.classes_.dtype.kind in "iub":
        classes = constant("classes", clf.classes_.astype(np.int64), TensorProto.INT64)
    else:
        classes = constant("classes", [str(c).encode() for c in clf.classes_], TensorProto.STRING)
    container.add_node(
        "Gather",
        [classes, indices],
        operator.outputs[0].full_name,
        axis=0,
        name=scope.get_unique_operator_name("Gather"),
    )


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


def to_onnx(clf, X_sample, *, target_opset=None):
    """The converter behind ``sklearn_backprop.to_onnx``, documented there."""
    return _skl2onnx_to_onnx(
        clf,
        np.asarray(X_sample, dtype=np.float32)[:1],
        target_opset=target_opset,
        options={BackpropClassifier: {"zipmap": False}},
    )
