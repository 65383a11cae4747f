"""Dask collections on the client: told apart, checked and turned into Dask arrays.

``is_dask_collection`` answers without importing Dask (an optional extra,
``[dask]``); the rest runs only on Dask input, for training (``_dask_data``)
and prediction (``_dask_predict``) alike.
"""

import math
import sys

import numpy as np
from sklearn.exceptions import DataConversionWarning

from ._warn import warn_at_caller

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


def as_dask_array(data, name, *, lengths=True):
    """``data`` (a Dask array, DataFrame or Series) as a Dask array.

    A DataFrame's columns become one number dtype (nullable and boolean
    columns too, as in memory); ``lengths``: count the partitions' rows (one
    pass over them, which training needs), or leave the sizes unknown.
    """
    if hasattr(data, "to_dask_array"):  # a Dask DataFrame or Series
        data = _numeric_frame(data, name).to_dask_array(lengths=lengths)
    if not hasattr(data, "chunks"):
        raise ValueError(f"{name} is a {type(data).__name__}; pass a Dask array or DataFrame.")
    return data


def _numeric_frame(data, name):
    """A Dask DataFrame or Series of one NumPy dtype: X's columns numbers, y's as they come."""
    from pandas.api.types import is_extension_array_dtype, is_numeric_dtype

    dtypes = {data.name: data.dtype} if data.ndim == 1 else dict(data.dtypes)
    if not name.startswith("X"):  # labels: strings are fine; nullable ones as NumPy's
        dtype = data.dtype
        return data.astype(dtype.numpy_dtype) if hasattr(dtype, "numpy_dtype") else data
    text = [column for column, dtype in dtypes.items() if not is_numeric_dtype(dtype)]
    if text:
        raise ValueError(
            f"{name} is a Dask DataFrame with non-numeric columns {text} "
            f"({[str(dtypes[column]) for column in text]}): encode them as numbers first, "
            "e.g. with dask_ml.preprocessing.Categorizer and DummyEncoder."
        )
    kinds = {str(dtype) for dtype in dtypes.values()}
    plain = not any(is_extension_array_dtype(dtype) for dtype in dtypes.values())
    if len(kinds) == 1 and plain and np.dtype(next(iter(dtypes.values()))).kind in "iuf":
        return data
    # Mixed, nullable or boolean columns: floats, as validate_data makes them in memory.
    return data.astype(np.float32 if kinds == {"float32"} else np.float64)


def check_rows(X):
    """Refuse an X that cannot be read a chunk of whole rows at a time."""
    if X.ndim != 2:
        raise ValueError(f"X must be 2-D (samples, features), got {X.ndim} dimension(s).")
    if X.numblocks[1] != 1:
        raise ValueError(
            f"X is chunked along its columns ({X.chunks[1]}): each chunk must hold whole rows. "
            "Rechunk it with X.rechunk({1: -1})."
        )
    if np.dtype(X.dtype).kind not in "biuf":
        raise ValueError(f"X must be numeric, got dtype {X.dtype}.")


def check_chunks(X, y, sample_weight):
    """Refuse chunks that cannot be trained on where they are, saying how to fix them."""
    for name, array in (("X", X), ("y", y), ("sample_weight", sample_weight)):
        if array is not None and any(math.isnan(size) for size in array.chunks[0]):
            raise ValueError(
                f"{name} has chunks of unknown size: call {name}.compute_chunk_sizes() first "
                "(or to_dask_array(lengths=True) on a Dask DataFrame)."
            )
    check_rows(X)
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


def cluster_arrays(named, reference=None, *, lengths=True):
    """``named`` ({"X": X, "y": y, ...}) as Dask arrays, in its order (None stays None).

    Every one must be a Dask collection; ``reference`` names one that is,
    for the message (the first of ``named`` that is, by default).
    """
    if reference is None:
        reference = next(name for name, data in named.items() if is_dask_collection(data))
    arrays = {}
    for name, data in named.items():
        if data is not None and not is_dask_collection(data):
            raise ValueError(
                f"{reference} is a Dask collection but {name} is a {type(data).__name__}: pass "
                f"{name} as a Dask array chunked like {reference} along rows, e.g. "
                f"dask.array.from_array({name}, chunks={reference}.chunks[0])."
            )
        arrays[name] = None if data is None else as_dask_array(data, name, lengths=lengths)
    return list(arrays.values())


def training_target(y):
    """y as training reads it: a column vector warns once, here, and becomes 1-D, as in memory."""
    if y.ndim == 2 and y.shape[1] == 1:
        warn_at_caller(
            "A column-vector y was passed when a 1d array was expected. Please change the "
            "shape of y to (n_samples, ), for example using ravel().",
            DataConversionWarning,
        )
        return y[:, 0]
    return y.rechunk({1: -1}) if y.ndim == 2 else y  # whole rows of labels cost nothing


def empty_like_columns(data):
    """No rows, ``data``'s columns: what scikit-learn's checks of width and names read.

    A Dask DataFrame's ``_meta`` (its empty pandas frame), or an empty NumPy
    array as wide as a Dask array.
    """
    if hasattr(data, "columns"):
        return data._meta
    return np.empty((0, *data.shape[1:]))
