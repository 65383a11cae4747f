"""Training data that stays on a Dask cluster: checked, encoded and held chunk by chunk.

``prepare_on_cluster`` is ``_data.prepare`` for Dask collections. The rows are
checked and encoded on the workers that hold them; the client sees only what
it decides with: the chunks' sizes, the labels found, the weight totals
(and, in ``_dask_scaling``, the input's per-column sums).
"""

from dataclasses import dataclass

import numpy as np
from sklearn.utils.validation import validate_data

from ._dask_arrays import check_chunks, cluster_arrays, empty_like_columns, training_target
from ._data import DataSet, PreparedData
from ._targets import ClassLabels, binarize, class_indices, class_weight_vector, weights_name


@dataclass
class ClusterChunks:
    """One future per chunk of rows, each holding ``(X, Y, sample_weight)`` on its worker."""

    futures: list
    shape: tuple
    dtype: object

    def release(self):
        for future in self.futures:
            future.release()


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
    X = aligned(X, dtype)
    _check_finite(X, "X", rows)
    y = np.asarray(y)
    _check_finite(y, "y", rows)
    targets.check_raw(y)
    y = targets.check(y)
    if sample_weight is not None:
        sample_weight = aligned(sample_weight, dtype)
        _check_finite(sample_weight, "sample_weight", rows)
        if (sample_weight < 0).any():
            raise ValueError(f"sample_weight holds negative values in {rows}.")
    return X, y, sample_weight


def aligned(array, dtype=None):
    """``array`` at an address its item size divides, copied if it is not.

    Arrays a worker receives (a chunk moved to another worker too) are views
    of the bytes that came in, at any offset; NumPy's matmul skips BLAS for a
    loop that adds in another order on unaligned ones (float32, measured), so
    the same fit would change from run to run.
    """
    return np.require(array, dtype=dtype, requirements="A")


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
    Y = np.asarray(y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y  # (no reshape: the chunk may be empty)
    weights = np.ones(Y.shape[0]) if sample_weight is None else sample_weight
    values = Y if mean is None else (Y - mean) ** 2
    return np.sum(weights), weights @ values


def _weighted_chunk(chunk, class_weights, dtype):
    X, Y, sample_weight = chunk
    weights = class_weights[class_indices(Y)].astype(dtype)
    return X, Y, weights if sample_weight is None else sample_weight * weights


# -- On the client ----------------------------------------------------------------


def map_chunks(client, function, futures, *args, **kwargs):
    """``function(chunk, ...)`` on each chunk where it lives; one future per chunk."""
    return [client.submit(function, future, *args, pure=False, **kwargs) for future in futures]


def _load(client, arrays, targets, dtype):
    """Each chunk of ``arrays`` (X, y, sample_weight) checked and converted, held on its worker."""
    import dask

    X, y, sample_weight = arrays
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
    labels = client.gather(map_chunks(client, _chunk_labels, chunks))
    return np.concatenate(labels)


def _moments(client, chunks):
    """The weighted mean and standard deviation of each target, from the workers' sums."""
    parts = client.gather(map_chunks(client, _chunk_sums, chunks))
    weight, sums = (sum(column) for column in zip(*parts, strict=True))
    weight = weight if weight > 0 else np.nan  # all-zero weights: refused once encoded
    mean = sums / weight
    squares = sum(part[1] for part in client.gather(map_chunks(client, _chunk_sums, chunks, mean)))
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


def _encode(client, chunks, targets, dtype, weights_given, *, training):
    """Targets encoded and class weights applied on the workers; totals checked here."""
    encoded = map_chunks(client, _encoded_chunk, chunks, targets, dtype)
    n_classes = len(targets.classes) if isinstance(targets, ClassLabels) else None
    multilabel = getattr(targets, "multilabel", False)
    totals = client.gather(map_chunks(client, _chunk_totals, encoded, n_classes, multilabel))
    counts, weighted_counts = (sum(parts) for parts in zip(*totals, strict=True))
    if training:
        targets.class_weights = _class_weights(targets, counts)
    class_weights = getattr(targets, "class_weights", None)
    name = weights_name(
        weights_given or None, class_weights, "sample_weight" if training else "sample_weight_val"
    )
    if class_weights is not None:
        weighted_counts = weighted_counts * class_weights
        encoded = map_chunks(client, _weighted_chunk, encoded, class_weights, dtype)
    if training:
        _check_weights(targets, weighted_counts, name)
    elif name and not weighted_counts.any():
        raise ValueError(f"{name} is zero for every sample: nothing to score.")
    return encoded


def _training_dtype(X_dtype, dtype):
    if isinstance(dtype, tuple):  # a new model: float32 trains in float32, all else in float64
        return np.dtype(np.float32 if X_dtype == np.float32 else np.float64)
    return np.dtype(dtype)


def _load_and_encode(client, arrays, targets, dtype, *, training):
    """``ClusterChunks`` of ``arrays`` (X, y, sample_weight); ``training`` learns the targets."""
    chunks = _load(client, arrays, targets, dtype)
    try:
        if training is not None:
            training(_stand_in_targets(client, chunks))  # targets learnt or checked
            if targets.standardize and targets.scale is None:
                targets.use_moments(*_moments(client, chunks))
        weights_given = arrays[2] is not None
        encoded = _encode(
            client, chunks, targets, dtype, weights_given, training=training is not None
        )
        return ClusterChunks(encoded, arrays[0].shape, np.dtype(dtype))
    finally:
        for future in chunks:
            future.release()  # the encoded chunks keep what they were computed from


def prepare_on_cluster(client, estimator, inputs, targets, preparation):
    """``_data.prepare`` for Dask collections: a ``PreparedData`` of ``ClusterChunks``."""
    named = {"X": inputs.X, "y": inputs.y, "sample_weight": inputs.sample_weight}
    X, y, sample_weight = cluster_arrays(named)
    y = training_target(y)
    check_chunks(X, y, sample_weight)
    dtype = _training_dtype(X.dtype, preparation.dtype)
    # The width and column names recorded or checked as in memory (validate_data's checks).
    validate_data(
        estimator, empty_like_columns(inputs.X), reset=preparation.learn, skip_check_array=True
    )

    def learn_or_check(stand_in):
        if preparation.learn:
            targets.learn(stand_in, inputs.classes)
        else:
            targets.check_resumed(stand_in, inputs.classes, preparation.same_classes)

    arrays = (X, y, sample_weight)
    train = _load_and_encode(client, arrays, targets, dtype, training=learn_or_check)
    try:
        held_out = _validation(client, estimator, inputs.validation, targets, dtype)
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
        named = dict(zip(("X_val", "y_val", "sample_weight_val"), validation, strict=True))
        X_val, y_val, sample_weight_val = cluster_arrays(named, reference="X")
        y_val = training_target(y_val)
        check_chunks(X_val, y_val, sample_weight_val)
        validate_data(
            estimator, empty_like_columns(validation[0]), reset=False, skip_check_array=True
        )
        arrays = (X_val, y_val, sample_weight_val)
        return _load_and_encode(client, arrays, targets, dtype, training=None)
    except ValueError as error:  # ...so say which data they are about
        raise ValueError(
            f"In the validation data (X_val, y_val, sample_weight_val): {error}"
        ) from error
