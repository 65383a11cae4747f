"""Prediction and scoring on Dask collections: lazy, chunk by chunk on the workers.

Each chunk of rows goes through the estimator's own NumPy method where it
lives; the result is a Dask array (a Dask scalar for ``score``) that nothing
gathers until the user computes it.
"""

from functools import wraps

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from ._dask_arrays import check_rows, cluster_arrays, empty_like_columns, is_dask_collection
from ._targets import r_squared


def _input(estimator, X):
    """X as a Dask array of whole rows, of the width (and column names) the model was fitted on.

    Row by row needs no Client and no chunk sizes: nothing is computed here.
    """
    (rows,) = cluster_arrays({"X": X}, lengths=None)
    check_rows(rows)
    validate_data(estimator, empty_like_columns(X), reset=False, skip_check_array=True)
    return rows


def _call_on_chunk(chunk, estimator, method, empty):
    """``estimator.method(chunk)``; ``empty`` for a chunk of no rows (filtering leaves them)."""
    if chunk.shape[0] == 0:
        return empty
    names = getattr(estimator, "feature_names_in_", None)
    if names is not None:  # checked on the client: each chunk goes in under those names
        import pandas as pd

        chunk = pd.DataFrame(chunk, columns=names, copy=False)
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
    empty = np.empty((0,) if columns is None else (0, columns), dtype)
    if columns is None:
        return X.map_blocks(
            _call_on_chunk, estimator, method, empty, drop_axis=1, chunks=(X.chunks[0],),
            dtype=dtype, meta=empty,
        )  # fmt: skip
    return X.map_blocks(
        _call_on_chunk, estimator, method, empty, chunks=(X.chunks[0], (columns,)), dtype=dtype,
        meta=empty,
    )  # fmt: skip


def _weighted_mean(values, sample_weight):
    if sample_weight is None:
        return values.mean()
    return (values * sample_weight).sum() / sample_weight.sum()


def score_on_cluster(estimator, X, y, sample_weight=None):
    """Accuracy (classifiers) or R² (regressors) as a lazy Dask scalar."""
    y_pred = predict_on_cluster(estimator, "predict", X)
    named = {"X": X, "y": y, "sample_weight": sample_weight}
    _, y, sample_weight = cluster_arrays(named, lengths=None)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if hasattr(estimator, "classes_"):
        correct = y_pred == y if y.ndim == 1 else (y_pred == y).all(axis=1)
        return _weighted_mean(correct, sample_weight)
    Y, Y_pred = (y[:, None], y_pred[:, None]) if y.ndim == 1 else (y, y_pred)
    weights = 1.0 if sample_weight is None else sample_weight[:, None]
    # (a mean by blocks: the number of rows may be unknown)
    mean = Y.mean(axis=0) if sample_weight is None else (weights * Y).sum(axis=0) / weights.sum()
    residual = (weights * (Y - Y_pred) ** 2).sum(axis=0)
    return r_squared(residual, (weights * (Y - mean) ** 2).sum(axis=0))


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
