"""Prediction and scoring on Dask collections: lazy, chunk by chunk on the workers.

Each chunk of rows goes through the estimator's own NumPy method where it
lives; the result is a Dask array (a Dask scalar for ``score``) that nothing
gathers until the user computes it.
"""

from functools import wraps

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._dask_arrays import as_dask_array, check_chunks, cluster_client, is_dask_collection


def _input(estimator, X):
    """X as a Dask array of whole rows, of the width (and column names) the model was fitted on."""
    cluster_client()  # dask.distributed installed: the same message as fit's if not
    names = getattr(estimator, "feature_names_in_", None)
    columns = getattr(X, "columns", None)
    if names is not None and columns is not None and list(columns) != list(names):
        raise ValueError(
            f"X's columns {list(columns)} are not the feature names seen in fit: {list(names)}."
        )
    X = as_dask_array(X, "X")
    check_chunks(X, None, None)
    if X.shape[1] != estimator.n_features_in_:
        raise ValueError(
            f"X has {X.shape[1]} features, but {type(estimator).__name__} is expecting "
            f"{estimator.n_features_in_} features as input."
        )
    return X


def _call_on_chunk(chunk, estimator, method):
    return getattr(estimator, method)(chunk)


def _output_columns(estimator, method):
    """The width of ``method``'s output, or None for one value per sample."""
    if method in ("predict_proba", "predict_log_proba"):
        return len(estimator.classes_)
    multilabel = getattr(estimator, "_multilabel", False)
    if hasattr(estimator, "classes_"):
        return len(estimator.classes_) if multilabel else None
    return None if estimator.n_outputs_ == 1 else estimator.n_outputs_


def _output_dtype(estimator, method):
    if method != "predict" or not hasattr(estimator, "classes_"):
        return estimator.coefs_[0].dtype
    return np.dtype(np.int64) if estimator._multilabel else estimator.classes_.dtype


def predict_on_cluster(estimator, method, X):
    """``estimator.method(X)`` as a lazy Dask array, computed where X's chunks live."""
    check_is_fitted(estimator)
    X = _input(estimator, X)
    columns = _output_columns(estimator, method)
    dtype = _output_dtype(estimator, method)
    if columns is None:
        return X.map_blocks(
            _call_on_chunk, estimator, method, drop_axis=1, chunks=(X.chunks[0],), dtype=dtype
        )
    return X.map_blocks(
        _call_on_chunk, estimator, method, chunks=(X.chunks[0], (columns,)), dtype=dtype
    )


def _weighted_mean(values, sample_weight):
    if sample_weight is None:
        return values.mean()
    return (values * sample_weight).sum() / sample_weight.sum()


def score_on_cluster(estimator, X, y, sample_weight=None):
    """Accuracy (classifiers) or R² (regressors) as a lazy Dask scalar."""
    X = _input(estimator, X)
    y = as_dask_array(y, "y")
    if sample_weight is not None:
        sample_weight = as_dask_array(sample_weight, "sample_weight")
    check_chunks(X, y, sample_weight)
    y_pred = predict_on_cluster(estimator, "predict", X)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if hasattr(estimator, "classes_"):
        correct = y_pred == y if y.ndim == 1 else (y_pred == y).all(axis=1)
        return _weighted_mean(correct, sample_weight)
    Y, Y_pred = (y[:, None], y_pred[:, None]) if y.ndim == 1 else (y, y_pred)
    weights = 1.0 if sample_weight is None else sample_weight[:, None]
    total_weight = Y.shape[0] if sample_weight is None else sample_weight.sum()
    mean = (weights * Y).sum(axis=0) / total_weight
    residual = (weights * (Y - Y_pred) ** 2).sum(axis=0)
    total = (weights * (Y - mean) ** 2).sum(axis=0)
    return (1.0 - residual / total).mean()


def on_cluster(estimator, method, X, *args, **kwargs):
    """``method`` ('predict', 'predict_proba', 'predict_log_proba', 'score') on Dask input."""
    if method == "score":
        return score_on_cluster(estimator, X, *args, **kwargs)
    return predict_on_cluster(estimator, method, X, *args, **kwargs)


def dask_aware(method):
    """``method(self, X, ...)``, computed chunk by chunk on the cluster when X is a Dask collection.

    The result is then a lazy Dask collection (a Dask scalar for ``score``).
    """

    @wraps(method)
    def dispatching(self, X, *args, **kwargs):
        if is_dask_collection(X):
            return on_cluster(self, method.__name__, X, *args, **kwargs)
        return method(self, X, *args, **kwargs)

    return dispatching
