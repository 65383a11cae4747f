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


def learn_scaling(X, sample_weight):
    """The weighted ``(mean, scale)`` of each column of ``X`` (float64; mean 0 when sparse)."""
    sparse = sp.issparse(X)
    # Computed on X / max|X|, so that the squares of values near the dtype's
    # largest do not overflow; mean and scale are scaled back.
    max_abs = MaxAbsScaler().fit(X)
    unit = max_abs.transform(X)
    scaler = StandardScaler(with_mean=not sparse).fit(unit, sample_weight=sample_weight)
    magnitude = np.asarray(max_abs.scale_, dtype=np.float64)
    mean = np.zeros(X.shape[1]) if sparse else np.asarray(scaler.mean_, np.float64) * magnitude
    return mean, np.asarray(scaler.scale_, dtype=np.float64) * magnitude


def standardized(X, mean, scale):
    """A standardized copy of ``X`` in its own dtype; sparse input stays sparse."""
    mean, scale = to_numpy(mean), to_numpy(scale)
    if sp.issparse(X):
        X = X.copy()
        inplace_column_scale(X, (1.0 / scale).astype(X.dtype))
        return X
    return ((X - mean.astype(X.dtype)) / scale.astype(X.dtype)).astype(X.dtype, copy=False)


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


def _in_memory(X):
    return isinstance(X, np.ndarray) or sp.issparse(X)


def learned_scaling(settings, train):
    """The input's ``(mean, scale)``, or ``(None, None)`` (mlp_parity, data on a cluster)."""
    if settings.mlp_parity or not _in_memory(train.X):
        return None, None
    return learn_scaling(train.X, train.sample_weight)


def standardized_data(data, mean, scale):
    """``data`` with standardized inputs, where there is a scaling and the data is in memory."""
    if scale is None or not _in_memory(data.train.X):
        return data
    train = replace(data.train, X=standardized(data.train.X, mean, scale))
    validation = data.validation
    if validation is not None:
        validation = replace(validation, X=standardized(validation.X, mean, scale))
    return replace(data, train=train, validation=validation)
