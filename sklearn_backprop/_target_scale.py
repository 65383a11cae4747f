"""Regression targets in the units the network trains in, and the output layer folded back.

By default ``BackpropRegressor`` trains on each target standardized by its
mean and standard deviation (weighted by ``sample_weight``), so that the
same learning rate, initialisation and stopping tolerance suit a target in
millimetres and one in kilometres. The Poisson loss models a count through
``exp``: it trains on the count divided by its mean, which keeps zeros zero
and counts non-negative. After training, the map back to the user's units is
folded into the output layer (``fold``), so that ``coefs_`` and
``intercepts_`` predict ``y`` itself: ``predict``, ONNX export and Dask
prediction need nothing more.

For an identity output ``y = scale * z + offset``: ``W <- W * scale`` and
``b <- b * scale + offset``. For the exponential output
``y = scale * exp(z) = exp(z + log(scale))``: ``b <- b + log(scale)``.
"""

from contextlib import contextmanager

import numpy as np
from sklearn.utils import check_array

from ._dask_arrays import is_dask_collection
from ._training import LBFGS_REMEDY, REMEDY, TrainingDivergedError
from ._xp import device_of, namespace, to_numpy


def weighted_moments(Y, sample_weight):
    """The mean and standard deviation of each column of ``Y`` (float64), weighted.

    With integer weights, the same as for the data with each row repeated
    that many times (a population standard deviation, no correction).
    """
    Y = np.asarray(Y, dtype=np.float64)
    weights = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if weights is not None and not weights.any():
        weights = None  # refused with a clear message by the weights' own check, later
    # Divided by the largest magnitude first: the squares of a huge target do not overflow.
    magnitude = np.max(np.abs(Y), axis=0, initial=0.0)
    magnitude = np.where(np.isfinite(magnitude) & (magnitude > 0), magnitude, 1.0)
    Y = Y / magnitude
    mean = np.average(Y, axis=0, weights=weights)
    variance = np.average((Y - mean) ** 2, axis=0, weights=weights)
    return mean * magnitude, np.sqrt(variance) * magnitude


def target_statistics(mean, std, loss):
    """``(offset, scale)`` per target: the network trains on ``(y - offset) / scale``.

    A constant target keeps scale 1 (as StandardScaler); a Poisson target
    whose mean is 0 keeps its own units.
    """
    if loss == "poisson":
        return np.zeros_like(mean), np.where(mean > 0, mean, 1.0)
    # Rounding leaves a constant target a standard deviation of a few ulps of its mean.
    negligible = std <= 10 * np.finfo(np.float64).eps * np.maximum(np.abs(mean), 1.0)
    return mean, np.where(negligible, 1.0, std)


def standardized(Y, offset, scale):
    """``(Y - offset) / scale`` in ``Y``'s dtype (a new array)."""
    return ((Y - offset) / scale).astype(Y.dtype, copy=False)


def _as_layer(values, like):
    xp = namespace(like)
    if xp is np:
        return np.asarray(values, dtype=like.dtype)
    return xp.asarray(np.asarray(values), dtype=like.dtype, device=device_of(like))


def fold(coef, intercept, offset, scale, out_activation):
    """Make the output layer's ``coef``, ``intercept`` predict in the user's units (in place)."""
    if out_activation == "exp":
        intercept += _as_layer(np.log(scale), intercept)
        return
    coef *= _as_layer(scale, coef)
    intercept *= _as_layer(scale, intercept)
    intercept += _as_layer(offset, intercept)


def unfold(coef, intercept, offset, scale, out_activation):
    """The inverse of ``fold``: the output layer in the units training uses (in place)."""
    if out_activation == "exp":
        intercept -= _as_layer(np.log(scale), intercept)
        return
    intercept -= _as_layer(offset, intercept)
    intercept /= _as_layer(scale, intercept)
    coef /= _as_layer(scale, coef)


def _largest_magnitude(values):
    values = check_array(to_numpy(values), accept_sparse=True, ensure_2d=False, dtype=float)
    return float(abs(values).max()) if values.size else 0.0


@contextmanager
def naming_a_huge_target(X, y):
    """A divergence's advice names the target where it, not the input, is what is huge."""
    try:
        yield
    except TrainingDivergedError as error:
        if is_dask_collection(X) or is_dask_collection(y):
            raise  # not gathered to the client for advice
        target, inputs = _largest_magnitude(y), _largest_magnitude(X)
        if target <= 1e3 * max(inputs, 1.0):  # not orders of magnitude beyond the input
            raise
        message = str(error).removesuffix(REMEDY).removesuffix(LBFGS_REMEDY)
        raise TrainingDivergedError(
            f"{message}Scale the target: y holds values up to {target:.3g} (X up to "
            f"{inputs:.3g}), e.g. with TransformedTargetRegressor(regressor=..., "
            "transformer=StandardScaler()), which also scales predict's output back."
        ) from error
