"""Input standardization: learned at the first fit, trained on, folded into the first layer.

The network trains on standardized inputs, ``(X - mean) / scale`` with
statistics weighted by ``sample_weight`` (scikit-learn's ``StandardScaler``);
sparse input is scaled but not centred, so that it stays sparse. After
training the map is folded into the first layer,

    W1 <- W1 / scale[:, None],   b1 <- b1 - (mean / scale) @ W1,

so that ``coefs_`` act on the raw input and prediction, ONNX export, Array
API and Dask prediction need no change. A later fit that continues
(``warm_start``, ``partial_fit``) unfolds first, with the statistics of the
first fit. Data on a Dask cluster gets the same statistics and the same
standardization, computed on the workers that hold the chunks
(``_dask_scaling``; each backend supplies the two steps to the fit flow).
"""

from dataclasses import replace

import numpy as np
import scipy.sparse as sp
from sklearn.preprocessing import MaxAbsScaler, StandardScaler
from sklearn.utils.sparsefuncs import inplace_column_scale

from ._xp import device_of, move, namespace, to_numpy

_ROWS_PER_BLOCK = 8192  # the statistics read dense X a block of rows at a time


def _row_blocks(X):
    return [
        slice(start, start + _ROWS_PER_BLOCK) for start in range(0, X.shape[0], _ROWS_PER_BLOCK)
    ]


def _rows_of(X, rows):
    # X[:] would copy a sparse matrix; a dense one is only viewed.
    return X if rows == slice(None) else X[rows]


def _fit_by_blocks(scaler, max_abs, X, blocks, sample_weight):
    """``scaler.partial_fit`` on each block of ``X / max|X|``, in float64."""
    for rows in blocks:
        # float32 sums across blocks would round (1e-8 on near-zero means).
        weights = None if sample_weight is None else sample_weight[rows].astype(np.float64)
        block = max_abs.transform(_rows_of(X, rows))
        block = block if sp.issparse(block) else block.astype(np.float64, copy=False)
        scaler.partial_fit(block, sample_weight=weights)


def learn_scaling(X, sample_weight):
    """The weighted ``(mean, scale)`` of each column of ``X`` (float64; mean 0 when sparse).

    Dense ``X`` is read by blocks of rows (scikit-learn's ``partial_fit``), so that
    the memory used stays a block's whatever the number of rows.
    """
    sparse = sp.issparse(X)
    blocks = [slice(None)] if sparse else _row_blocks(X)
    if sample_weight is not None:  # zero-weight blocks count for nothing, and would divide by 0
        kept = [rows for rows in blocks if np.sum(sample_weight[rows]) > 0]
        blocks = kept or [slice(None)]
    # Computed on X / max|X|, so that the squares of values near the dtype's
    # largest do not overflow; mean and scale are scaled back.
    max_abs = MaxAbsScaler()
    for rows in blocks:
        max_abs.partial_fit(_rows_of(X, rows))
    scaler = StandardScaler(with_mean=not sparse)
    # A constant column's variance can round below 0; StandardScaler takes the
    # square root before it gives such columns scale 1, which is what they get.
    with np.errstate(invalid="ignore"):
        _fit_by_blocks(scaler, max_abs, X, blocks, sample_weight)
    magnitude = np.asarray(max_abs.scale_, dtype=np.float64)
    mean = np.zeros(X.shape[1]) if sparse else np.asarray(scaler.mean_, np.float64) * magnitude
    return mean, np.asarray(scaler.scale_, dtype=np.float64) * magnitude


def standardized(X, mean, scale, *, in_place=False):
    """``X`` standardized, in its own dtype: a copy, or ``X`` itself where ``in_place``.

    Dense input takes no temporary beyond the result; sparse input stays sparse.
    """
    mean, scale = to_numpy(mean), to_numpy(scale)
    if sp.issparse(X):
        X = X if in_place else X.copy()
        inplace_column_scale(X, (1.0 / scale).astype(X.dtype))
        return X
    result = X if in_place else np.empty_like(X)
    np.subtract(X, mean.astype(X.dtype), out=result)
    result /= scale.astype(X.dtype)
    return result


def _in_place_of(array, values):
    """``values`` (NumPy) in the namespace, on the device and in the dtype of ``array``."""
    xp = namespace(array)
    device = None if xp is np else device_of(array)
    moved = move(values, xp, device)
    return xp.astype(moved, array.dtype) if xp is not np else moved.astype(array.dtype)


def fold(coefs, intercepts, mean, scale):
    """Make the first layer, trained on standardized input, act on raw input; in place.

    In place, so that an array taken from ``coefs_`` stays the model's.
    Returns ``coefs, intercepts``.
    """
    coef, intercept = coefs[0], intercepts[0]
    intercept -= _in_place_of(coef, mean / scale) @ coef
    coef /= namespace(coef).reshape(_in_place_of(coef, scale), (-1, 1))
    return coefs, intercepts


def unfold(coefs, intercepts, mean, scale):
    """The inverse of ``fold``: the first layer for standardized input, in place."""
    coef, intercept = coefs[0], intercepts[0]
    coef *= namespace(coef).reshape(_in_place_of(coef, scale), (-1, 1))
    intercept += _in_place_of(coef, mean / scale) @ coef
    return coefs, intercepts


def learned_scaling(settings, train):
    """The input's ``(mean, scale)`` in memory, or ``(None, None)`` with mlp_parity."""
    if settings.mlp_parity:
        return None, None
    return learn_scaling(train.X, train.sample_weight)


def _owned(prepared, given):
    """Whether ``prepared`` (the fit's copy of ``given``) may be changed: it is no view of it."""
    if given is prepared:
        return False
    if isinstance(given, np.ndarray) and isinstance(prepared, np.ndarray):
        return not np.may_share_memory(given, prepared)
    return False  # other inputs (DataFrames, tensors, sparse): not worth proving; copied


def _standardized_set(data_set, scaling, made_by_fit, given):
    if data_set is None:
        return None
    in_place = made_by_fit or _owned(data_set.X, given)
    return replace(data_set, X=standardized(data_set.X, *scaling, in_place=in_place))


def standardized_sets(data_sets, prepared, scaling, inputs, encoded):
    """The ``(train, validation)`` sets with inputs standardized by ``scaling`` (mean, scale).

    As they are without a scaling. Data on a cluster has its own
    (``_dask_scaling``). ``prepared``: the
    data before the split; ``inputs`` (``FitInputs``): what the user passed,
    never changed. The fit's own copies (``encoded`` DataFrame columns, a
    converted dtype, the split's parts) are standardized in place.
    """
    train, validation = data_sets
    if scaling[1] is None:
        return data_sets
    held_out = train.X is not prepared.train.X  # the split made copies
    given_validation = None if inputs.validation is None else inputs.validation[0]
    return (
        _standardized_set(train, scaling, encoded or held_out, inputs.X),
        _standardized_set(validation, scaling, encoded or held_out, given_validation),
    )
