"""Export and persistence: ONNX through skl2onnx (the ``export`` extra), and skops' trusted types.

skl2onnx and onnx are imported only when an export is asked for, never at
``import sklearn_backprop``.
"""

# The types skops.io must be told to trust to load a saved model:
# skops.io.load(path, trusted=TRUSTED_TYPES). The fitted state is otherwise
# plain arrays, lists, dicts and numbers, which skops trusts on its own, and
# scikit-learn's transformers of a DataFrame's columns (OneHotEncoder's dtype
# is a numpy.dtype).
TRUSTED_TYPES = [
    "sklearn_backprop._classifier.BackpropClassifier",
    "sklearn_backprop._regressor.BackpropRegressor",
    "sklearn_backprop._columns.ColumnEncoder",
    "numpy.dtype",
    # scikit-learn 1.6's ColumnTransformer keeps its remainder columns in this
    # list subclass (later releases store a plain list).
    "sklearn.compose._column_transformer._RemainderColsList",
]


def to_onnx(clf, X_sample, *, target_opset=None):
    """Export a fitted classifier or regressor, or a Pipeline ending in one, to an ONNX model.

    Needs the ``export`` extra: ``pip install "sklearn-backprop[export]"``
    (skl2onnx and onnx; onnxruntime to run the model). The model takes float32
    input. A BackpropClassifier's has two outputs: ``label`` (int64 for
    integer and boolean classes, strings otherwise, as skl2onnx does for its
    own classifiers; the int64 indicator matrix for multilabel targets) and
    ``probabilities`` (as ``predict_proba``, float32). A BackpropRegressor's
    has one, ``variable`` (the name skl2onnx gives MLPRegressor's): the
    predictions as float32 of shape (n_samples, n_outputs_), 2-D also for one
    target, where ``predict`` gives a 1-D array.

    Parameters
    ----------
    clf : BackpropClassifier, BackpropRegressor or Pipeline
        The fitted model (with NumPy arrays: for a model fitted on PyTorch or
        CuPy arrays, export ``move_to_numpy(clf)``).
    X_sample : array-like of shape (n_samples, n_features)
        A few rows of input, which give the input's width and name.
    target_opset : int, default=None
        The ONNX opset; skl2onnx's latest by default.

    Returns
    -------
    onnx.ModelProto
        Run it with ``onnxruntime.InferenceSession(model.SerializeToString())``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_backprop import BackpropClassifier, BackpropRegressor, to_onnx
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
    >>> model = to_onnx(clf, X[:1])
    >>> [output.name for output in model.graph.output]
    ['label', 'probabilities']
    >>> reg = BackpropRegressor(solver="lbfgs", alpha=1.0, random_state=0).fit(X[:, :3], X[:, 3])
    >>> [output.name for output in to_onnx(reg, X[:1, :3]).graph.output]
    ['variable']
    """
    from ._onnx import to_onnx as convert

    return convert(clf, X_sample, target_opset=target_opset)


def register_onnx_converter():
    """Register the converters of BackpropClassifier and BackpropRegressor with skl2onnx.

    For ``skl2onnx.to_onnx``. ``to_onnx`` above registers them too; call this
    before converting with skl2onnx's own functions without having called
    ``to_onnx`` (for a Pipeline holding either estimator among other steps,
    say). It is not done at ``import sklearn_backprop``, which would import
    skl2onnx and onnx for every user. Needs the ``export`` extra.

    Examples
    --------
    >>> import skl2onnx
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_backprop import BackpropClassifier, register_onnx_converter
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(solver="lbfgs", max_iter=500, random_state=0).fit(X, y)
    >>> register_onnx_converter()
    >>> model = skl2onnx.to_onnx(clf, X[:1].astype("float32"))
    >>> [output.name for output in model.graph.output]
    ['output_label', 'output_probability']
    """
    from . import _onnx  # noqa: F401  (registers the converters on import)
