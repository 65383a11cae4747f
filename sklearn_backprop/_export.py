"""Export and persistence: ONNX through skl2onnx (the ``export`` extra), and skops' trusted types.

skl2onnx and onnx are imported only when an export is asked for, never at
``import sklearn_backprop``.
"""

import numpy as np

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
    (skl2onnx and onnx; onnxruntime to run the model). A model fitted on an
    array takes one float32 input, ``X``. A model fitted on a DataFrame whose
    columns it encodes (``column_transformer_``) takes one input per column,
    named by the column, of shape ``(n_samples, 1)``: float32 for numeric and
    boolean columns, NaN where missing; strings for categorical ones, the
    empty string where missing (a model that saw the empty string as a
    category at fit is refused). The graph encodes them as ``predict`` does:
    median imputation and missing indicators, one-hot columns, a category
    unseen at fit in the infrequent column where there is one, else in none.
    ``onnx_inputs`` turns a DataFrame or an array into that input. Such a
    model is exported on its own, or alone in a Pipeline.

    A BackpropClassifier's graph has two outputs: ``label`` (int64 for
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
    X_sample : array-like of shape (n_samples, n_features) or DataFrame
        A few rows of input, which give the input's width and name; a
        DataFrame with the columns of fit for a model that encodes them.
    target_opset : int, default=None
        The ONNX opset; skl2onnx's latest by default.

    Returns
    -------
    onnx.ModelProto
        Run it with ``onnxruntime.InferenceSession(model.SerializeToString())``
        and ``session.run(None, onnx_inputs(clf, X))``.

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

    A model fitted on a DataFrame with categorical and missing values:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"petal width": X[:, 3], "size": np.where(X[:, 0] > 5.8, "big", None)})
    >>> clf = BackpropClassifier(solver="lbfgs", max_iter=300, random_state=0).fit(frame, y)
    >>> [(graph_input.name, graph_input.type.tensor_type.elem_type)
    ...  for graph_input in to_onnx(clf, frame).graph.input]  # 1: float, 8: string
    [('petal width', 1), ('size', 8)]
    """
    from ._onnx import to_onnx as convert

    return convert(clf, X_sample, target_opset=target_opset)


def onnx_inputs(clf, X):
    """The input of the ONNX graph ``to_onnx`` exports, for ``X``: ``{input name: array}``.

    For a model fitted on a DataFrame whose columns it encodes, ``X`` must be
    a DataFrame with the same columns, of the same kinds, as at fit (as for
    ``predict``); each column becomes an array of shape ``(n_samples, 1)``:
    float32 for numeric and boolean columns, NaN where missing (NaN,
    ``pd.NA``, None), strings for categorical ones, as at fit, the empty
    string where missing. An empty string in ``X`` itself is taken by the
    graph as missing too, where ``predict`` takes it as a category unseen at
    fit. For a model fitted on an array, ``{"X": X as float32}``. Needs
    neither skl2onnx nor onnxruntime.

    Parameters
    ----------
    clf : BackpropClassifier, BackpropRegressor or Pipeline
        The fitted model, as passed to ``to_onnx``.
    X : array-like of shape (n_samples, n_features) or DataFrame
        The input to predict for.

    Returns
    -------
    dict
        The feed for ``onnxruntime.InferenceSession.run(None, feed)``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from sklearn_backprop import BackpropRegressor, onnx_inputs
    >>> X = pd.DataFrame({"rooms": [3.0, np.nan, 4.0, 2.0],
    ...                   "city": pd.Categorical(["Paris", "Lyon", None, "Paris"])})
    >>> reg = BackpropRegressor(solver="lbfgs", random_state=0).fit(X, [300, 200, 400, 250])
    >>> feed = onnx_inputs(reg, X)
    >>> feed["rooms"].ravel()
    array([ 3., nan,  4.,  2.], dtype=float32)
    >>> feed["city"].ravel()
    array(['Paris', 'Lyon', '', 'Paris'], dtype=object)
    """
    model = clf[-1] if hasattr(clf, "steps") else clf
    encoder = getattr(model, "_column_encoder", None)
    if encoder is None:
        return {"X": np.asarray(X, dtype=np.float32)}
    return encoder.onnx_feed(X)


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
