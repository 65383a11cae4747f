"""Training data that stays on a Dask cluster: checked, encoded and held chunk by chunk.

``prepare_on_cluster`` is ``_data.prepare`` for Dask collections. The rows are
checked and encoded on the workers that hold them; the client sees only what
it decides with: the chunks' sizes, the labels found, the weight totals.
"""

import math
from dataclasses import dataclass

import numpy as np

from ._data import DataSet, PreparedData
from ._targets import ClassLabels, binarize, class_indices, class_weight_vector, weights_name

DASK_EXTRA = 'pip install "sklearn-backprop[dask]"'


def cluster_client():
    """The ``distributed.Client`` the fit runs on; a ValueError saying what is missing."""
    try:
        import dask.array  # noqa: F401
        import distributed
    except ImportError as error:
        raise ValueError(
            "Training on Dask collections needs dask.distributed, which is not installed: "
            f"{DASK_EXTRA}."
        ) from error
    try:
        return distributed.get_client()
    except ValueError as error:
        raise ValueError(
            "Training on Dask collections needs a connected distributed.Client, e.g. "
            "Client('tcp://scheduler-host:8786') or Client(LocalCluster())."
        ) from error


@dataclass
class ClusterChunks:
    """One future per chunk of rows, each holding ``(X, Y, sample_weight)`` on its worker."""

    futures: list
    shape: tuple
    dtype: object

    def release(self):
        for future in self.futures:
            future.release()


def as_dask_array(data, name, X_name="X"):
    """``data`` as a Dask array (a Dask DataFrame or Series of numeric columns converted)."""
    from ._dask_input import is_dask_collection

    if not is_dask_collection(data):
        raise ValueError(
            f"{X_name} is a Dask collection but {name} is a {type(data).__name__}: pass {name} "
            f"as a Dask array chunked like {X_name} along rows, e.g. "
            f"dask.array.from_array({name}, chunks={X_name}.chunks[0])."
        )
    if hasattr(data, "to_dask_array"):  # a Dask DataFrame or Series
        dtypes = [data.dtype] if data.ndim == 1 else list(data.dtypes)
        if name == "X" and not all(np.dtype(dtype).kind in "biuf" for dtype in dtypes):
            raise ValueError(f"{name} is a Dask DataFrame with non-numeric columns: {dtypes}.")
        data = data.to_dask_array(lengths=True)  # one pass over the partitions for their sizes
    if not hasattr(data, "chunks"):
        raise ValueError(f"{name} is a {type(data).__name__}; pass a Dask array or DataFrame.")
    return data


def check_chunks(X, y, sample_weight):
    """Refuse chunks that cannot be trained on where they are, saying how to fix them."""
    for name, array in (("X", X), ("y", y), ("sample_weight", sample_weight)):
        if array is not None and any(math.isnan(size) for size in array.chunks[0]):
            raise ValueError(
                f"{name} has chunks of unknown size: call {name}.compute_chunk_sizes() first "
                "(or to_dask_array(lengths=True) on a Dask DataFrame)."
            )
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (samples, features), got {X.ndim} dimension(s).")
    if X.numblocks[1] != 1:
        raise ValueError(
            f"X is chunked along its columns ({X.chunks[1]}): each chunk must hold whole rows. "
            "Rechunk it with X.rechunk({1: -1})."
        )
    if np.dtype(X.dtype).kind not in "biuf":
        raise ValueError(f"X must be numeric, got dtype {X.dtype}.")
    for name, array in (("y", y), ("sample_weight", sample_weight)):
        if array is not None and array.shape[0] != X.shape[0]:
            raise ValueError(
                f"X and {name} have inconsistent numbers of samples: {X.shape[0]} and "
                f"{array.shape[0]}."
            )
        if array is not None and array.chunks[0] != X.chunks[0]:
            raise ValueError(
                f"X and {name} are chunked differently along rows ({X.chunks[0]} and "
                f"{array.chunks[0]}): rechunk {name} with {name}.rechunk({{0: X.chunks[0]}})."
            )


def cluster_arrays(X, y, sample_weight, X_name="X"):
    """X, y and sample_weight as Dask arrays chunked alike along rows, X in whole rows."""
    X = as_dask_array(X, X_name, X_name)
    y = as_dask_array(y, "y", X_name)
    if y.ndim == 2:
        y = y.rechunk({1: -1})  # labels are few columns: whole rows cost nothing
    if sample_weight is not None:
        sample_weight = as_dask_array(sample_weight, "sample_weight", X_name)
    check_chunks(X, y, sample_weight)
    return X, y, sample_weight


# -- On the workers -------------------------------------------------------------


def _check_finite(array, name, rows):
    if np.dtype(array.dtype).kind in "fc" and not np.isfinite(array).all():
        raise ValueError(
            f"{name} holds NaN or infinity in {rows} (found on the worker holding them): "
            "drop those samples or impute the values (e.g. with SimpleImputer)."
        )


def _checked_chunk(X, y, sample_weight, first_row, dtype, targets):
    """One chunk converted and checked where it lives; errors name its rows."""
    rows = f"rows {first_row} to {first_row + X.shape[0] - 1}"
    X = np.asarray(X, dtype=dtype)
    _check_finite(X, "X", rows)
    y = np.asarray(y)
    _check_finite(y, "y", rows)
    targets.check_raw(y)
    y = targets.check(y)
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=dtype)
        _check_finite(sample_weight, "sample_weight", rows)
        if (sample_weight < 0).any():
            raise ValueError(f"sample_weight holds negative values in {rows}.")
    return X, y, sample_weight


def _chunk_labels(chunk):
    """What tells the targets apart: the chunk's distinct labels (rows, if 2-D)."""
    y = chunk[1]
    return np.unique(y, axis=0) if y.ndim == 2 else np.unique(y)


def _encoded_chunk(chunk, targets, dtype):
    X, y, sample_weight = chunk
    return X, targets.encode(y, dtype), sample_weight


def _chunk_totals(chunk, n_classes, multilabel):
    """Per class: samples, and their sample_weight; for regression only the total weight."""
    _, Y, sample_weight = chunk
    weights = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    if n_classes is None:
        return np.array([weights.sum()]), np.array([weights.sum()])
    if multilabel:
        return Y.sum(axis=0), Y.T @ weights
    indices = class_indices(Y)
    counts = np.bincount(indices, minlength=n_classes).astype(np.float64)
    return counts, np.bincount(indices, weights=weights, minlength=n_classes)


def _chunk_sums(chunk, mean=None):
    """Total weight and weighted sums of each target, or of its squared deviation from ``mean``."""
    _, y, sample_weight = chunk
    Y = np.asarray(y, dtype=np.float64).reshape(y.shape[0], -1)
    weights = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    values = Y if mean is None else (Y - mean) ** 2
    return np.sum(weights), weights @ values


def _weighted_chunk(chunk, class_weights, dtype):
    X, Y, sample_weight = chunk
    weights = class_weights[class_indices(Y)].astype(dtype)
    return X, Y, weights if sample_weight is None else sample_weight * weights


# -- On the client ----------------------------------------------------------------


def _map(client, function, futures, *args, **kwargs):
    """``function(chunk, ...)`` on each chunk where it lives; one future per chunk."""
    return [client.submit(function, future, *args, pure=False, **kwargs) for future in futures]


def _load(client, X, y, sample_weight, targets, dtype):
    """Each chunk checked and converted on its worker, and held there (persisted)."""
    import dask

    first_rows = np.cumsum((0, *X.chunks[0]))[:-1]
    y_parts = y.to_delayed().ravel()
    weight_parts = (
        [None] * len(y_parts) if sample_weight is None else sample_weight.to_delayed().ravel()
    )
    checked = dask.delayed(_checked_chunk, pure=True)
    parts = [
        checked(x_part, y_part, weight_part, int(first_row), dtype, targets)
        for x_part, y_part, weight_part, first_row in zip(
            X.to_delayed().ravel(), y_parts, weight_parts, first_rows, strict=True
        )
    ]
    # Persisted: each chunk computed once and held on its worker for every iteration;
    # a chunk lost with its worker is computed again from the graph that made it.
    return client.compute(parts)


def _stand_in_targets(client, chunks):
    """A small y with the same distinct labels as the whole target (found on the workers)."""
    labels = client.gather(_map(client, _chunk_labels, chunks))
    return np.concatenate(labels)


def _moments(client, chunks):
    """The weighted mean and standard deviation of each target, from the workers' sums."""
    parts = client.gather(_map(client, _chunk_sums, chunks))
    weight, sums = (sum(column) for column in zip(*parts, strict=True))
    weight = weight if weight > 0 else np.nan  # all-zero weights: refused once encoded
    mean = sums / weight
    squares = sum(part[1] for part in client.gather(_map(client, _chunk_sums, chunks, mean)))
    return mean, np.sqrt(squares / weight)


def _class_weights(targets, counts):
    """``class_weight`` per class from the class counts ('balanced' as compute_class_weight)."""
    if not isinstance(targets, ClassLabels) or targets.class_weight is None:
        return None
    if targets.multilabel:
        raise ValueError("class_weight is not supported for multilabel targets.")
    classes = targets.classes
    if isinstance(targets.class_weight, str):  # 'balanced'
        return counts.sum() / (len(classes) * counts)
    every_class_once = binarize(classes, classes, False, float)  # a dict needs no counts
    return class_weight_vector(targets.class_weight, classes, every_class_once)


def _check_weights(targets, weighted_counts, name):
    """The checks of ``_data.prepare`` on the weight totals: something to learn from."""
    if name and not weighted_counts.any():
        raise ValueError(f"{name} is zero for every sample: nothing to learn from.")
    single_label = isinstance(targets, ClassLabels) and not targets.multilabel
    if name and single_label and np.count_nonzero(weighted_counts) < 2:
        raise ValueError(
            f"{name} leaves only one class with positive weight; "
            "BackpropClassifier needs samples of at least 2 classes."
        )


def _encode(client, chunks, targets, dtype, shape, weights_given, *, training):
    """Targets encoded and class weights applied on the workers; totals checked here."""
    encoded = _map(client, _encoded_chunk, chunks, targets, dtype)
    n_classes = len(targets.classes) if isinstance(targets, ClassLabels) else None
    multilabel = getattr(targets, "multilabel", False)
    totals = client.gather(_map(client, _chunk_totals, encoded, n_classes, multilabel))
    counts, weighted_counts = (sum(parts) for parts in zip(*totals, strict=True))
    if training:
        targets.class_weights = _class_weights(targets, counts)
    class_weights = getattr(targets, "class_weights", None)
    name = weights_name(
        weights_given or None, class_weights, "sample_weight" if training else "sample_weight_val"
    )
    if class_weights is not None:
        weighted_counts = weighted_counts * class_weights
        encoded = _map(client, _weighted_chunk, encoded, class_weights, dtype)
    if training:
        _check_weights(targets, weighted_counts, name)
    elif name and not weighted_counts.any():
        raise ValueError(f"{name} is zero for every sample: nothing to score.")
    return ClusterChunks(encoded, shape, np.dtype(dtype))


def _record_features(estimator, X_given, n_features, reset):
    """``n_features_in_`` (and a DataFrame's ``feature_names_in_``), as validate_data records."""
    if not reset:
        if n_features != estimator.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(estimator).__name__} is expecting "
                f"{estimator.n_features_in_} features as input."
            )
        return
    estimator.n_features_in_ = n_features
    columns = getattr(X_given, "columns", None)
    if columns is not None and all(isinstance(column, str) for column in columns):
        estimator.feature_names_in_ = np.asarray(list(columns), dtype=object)
    elif hasattr(estimator, "feature_names_in_"):
        del estimator.feature_names_in_


def _training_dtype(X_dtype, dtype):
    if isinstance(dtype, tuple):  # a new model: float32 trains in float32, all else in float64
        return np.dtype(np.float32 if X_dtype == np.float32 else np.float64)
    return np.dtype(dtype)


def _load_and_encode(client, X, y, sample_weight, targets, dtype, *, training):
    chunks = _load(client, X, y, sample_weight, targets, dtype)
    try:
        if training is not None:
            training(_stand_in_targets(client, chunks))  # targets learnt or checked
            if targets.standardize and targets.scale is None:
                targets.use_moments(*_moments(client, chunks))
        return _encode(
            client, chunks, targets, dtype, X.shape, sample_weight is not None,
            training=training is not None,
        )  # fmt: skip
    finally:
        for future in chunks:
            future.release()  # the encoded chunks keep what they were computed from


def prepare_on_cluster(client, estimator, X, y, sample_weight, validation, targets, *, dtype,
                       reset, learn, classes=None, warm_start=False,
                       incremental=False):  # fmt: skip
    """``_data.prepare`` for Dask collections: a ``PreparedData`` of ``ClusterChunks``."""
    X_given = X
    X, y, sample_weight = cluster_arrays(X, y, sample_weight)
    dtype = _training_dtype(X.dtype, dtype)
    _record_features(estimator, X_given, X.shape[1], reset)

    def learn_or_check(stand_in):
        if learn:
            targets.learn(stand_in, classes)
        else:
            targets.check_resumed(stand_in, classes, warm_start)

    train = _load_and_encode(client, X, y, sample_weight, targets, dtype, training=learn_or_check)
    try:
        held_out = _validation(client, estimator, validation, targets, dtype)
        return PreparedData(
            DataSet(train, None, None), None if held_out is None else DataSet(held_out, None, None)
        )
    except BaseException:
        train.release()
        raise


def _validation(client, estimator, validation, targets, dtype):
    if validation is None:
        return None
    try:  # the checks of the training data, whose messages say "X", "y"...
        X_val, y_val, sample_weight_val = cluster_arrays(*validation, X_name="X_val")
        _record_features(estimator, None, X_val.shape[1], reset=False)
        return _load_and_encode(
            client, X_val, y_val, sample_weight_val, targets, dtype, training=None
        )
    except ValueError as error:  # ...so say which data they are about
        raise ValueError(
            f"In the validation data (X_val, y_val, sample_weight_val): {error}"
        ) from error
