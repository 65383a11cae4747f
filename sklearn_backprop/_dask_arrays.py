"""Dask collections on the client: told apart, checked and turned into Dask arrays.

``is_dask_collection`` answers without importing Dask (an optional extra,
``[dask]``); the rest runs only on Dask input, for training (``_dask_data``)
and prediction (``_dask_predict``) alike.
"""

import math
import sys

import numpy as np

DASK_EXTRA = 'pip install "sklearn-backprop[dask]"'


def is_dask_collection(data):
    """Whether ``data`` is a Dask collection (array, DataFrame, Series).

    Dask cannot have made one unless it is imported already, so ``sys.modules``
    answers without importing it.
    """
    return sys.modules.get("dask") is not None and hasattr(type(data), "__dask_graph__")


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


def as_dask_array(data, name, X_name="X"):
    """``data`` as a Dask array (a Dask DataFrame or Series of numeric columns converted)."""
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


def empty_like_columns(data):
    """No rows, ``data``'s columns: what scikit-learn's checks of width and names read.

    A Dask DataFrame's ``_meta`` (its empty pandas frame), or an empty NumPy
    array as wide as a Dask array.
    """
    if hasattr(data, "columns"):
        return data._meta
    return np.empty((0, *data.shape[1:]))
