"""Input standardization of data on a Dask cluster: learned from the workers' sums, applied there.

``learn_scaling_on_cluster`` is ``_scaling.learn_scaling`` for ``ClusterChunks``:
each worker reduces its chunks to a few numbers per column and the client adds
them up, in three passes over the rows, as ``learn_scaling`` computes in memory:

1. the largest ``|X|`` of each column, by which the values are divided
   (as ``MaxAbsScaler`` does) so that their squares cannot overflow;
2. the total sample weight and the weighted sum of each column: the mean;
3. the weighted sums of each column's deviations from the mean and of their
   squares: the variance, by the corrected two-pass algorithm (Chan, Golub
   and LeVeque), as ``StandardScaler`` computes it.

``standardize_on_cluster`` then standardizes each chunk where it lives, the
validation set's with the training statistics. Only per-column figures cross
the network, never rows.
"""

import numpy as np

from ._dask_data import map_chunks
from ._scaling import standardized

# -- On the workers -------------------------------------------------------------


def _chunk_max_abs(chunk):
    """The largest ``|X|`` of each column of the chunk (zeros for an empty chunk)."""
    X = chunk[0]
    if X.shape[0] == 0:
        return np.zeros(X.shape[1], X.dtype)
    return np.maximum(X.max(axis=0), -X.min(axis=0))  # no |X| the chunk's size


def _chunk_sums(chunk, max_abs, mean=None):
    """The chunk's total weight and weighted column sums of ``X / max_abs`` (float64).

    Given ``mean``: the weighted sums of the deviations from it, and of their squares.
    """
    X, _, sample_weight = chunk
    unit = X / max_abs  # in X's dtype, as MaxAbsScaler's transform divides
    weights = np.ones(X.shape[0]) if sample_weight is None else sample_weight
    weights = weights.astype(np.float64, copy=False)
    if mean is None:
        return np.sum(weights), weights @ unit.astype(np.float64, copy=False)
    # In place where X is float64: one array the chunk's size, not three.
    deviations = np.subtract(unit, mean, out=unit if unit.dtype == np.float64 else None)
    corrections = weights @ deviations
    return corrections, weights @ np.square(deviations, out=deviations)


def _standardized_chunk(chunk, mean, scale):
    X, Y, sample_weight = chunk
    return standardized(X, mean, scale), Y, sample_weight


# -- On the client ----------------------------------------------------------------


def _added(client, parts):
    """The chunks' partial sums gathered and added up column by column, in chunk order."""
    return tuple(sum(column) for column in zip(*client.gather(parts), strict=True))


def _nonzero(max_abs):
    """``max_abs`` with the near-zero maxima made 1 (MaxAbsScaler's ``_handle_zeros_in_scale``)."""
    max_abs = max_abs.copy()
    max_abs[max_abs < 10 * np.finfo(max_abs.dtype).eps] = 1
    return max_abs


def _constant(variance, mean, weight):
    """Columns whose variance is within the two-pass algorithm's rounding of zero.

    StandardScaler's ``_is_constant_feature``: their scale is 1, not a division by ~0.
    """
    eps = np.finfo(np.float64).eps
    return variance <= weight * eps * variance + (weight * mean * eps) ** 2


def learn_scaling_on_cluster(client, chunks):
    """The weighted ``(mean, scale)`` of each column of ``chunks`` (float64), from the workers."""
    maxima = client.gather(map_chunks(client, _chunk_max_abs, chunks.futures))
    max_abs = _nonzero(np.max(maxima, axis=0))
    weight, sums = _added(client, map_chunks(client, _chunk_sums, chunks.futures, max_abs))
    mean = sums / weight
    corrections, squares = _added(
        client, map_chunks(client, _chunk_sums, chunks.futures, max_abs, mean)
    )
    # Clipped: for a constant column, rounding may leave the difference a hair below 0.
    variance = np.maximum((squares - corrections**2 / weight) / weight, 0.0)
    scale = np.sqrt(variance)
    scale[_constant(variance, mean, weight)] = 1.0
    magnitude = max_abs.astype(np.float64)
    return mean * magnitude, scale * magnitude


def standardize_on_cluster(client, chunks, mean, scale):
    """Make each chunk of ``chunks`` (``ClusterChunks``) its standardized self, on its worker.

    The chunks it was made from are released: the new ones keep what they
    were computed from for as long as they need it. A new array on the
    worker, not the chunk changed in place: the chunk may be a view of the
    user's array (a cluster of threads), and a task computed again reads it.
    """
    standardized_futures = map_chunks(client, _standardized_chunk, chunks.futures, mean, scale)
    chunks.release()
    chunks.futures = standardized_futures
