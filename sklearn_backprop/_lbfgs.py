"""Training by scipy's L-BFGS-B on the whole data set, reporting each iteration as an epoch."""

import math
import time

import numpy as np
import scipy.optimize

from ._fastpaths import Workspace, scipy_blas_on_one_thread
from ._network import join, split
from ._training import LBFGS_REMEDY, VALIDATION_OVERFLOW, assign, diverged, validation_figures


def _as_vector(arrays):
    """The arrays end to end in one new float64 vector (scipy's L-BFGS-B works in float64)."""
    return np.concatenate([array.ravel() for array in arrays]).astype(np.float64, copy=False)


def _from_vector(vector, like):
    """Arrays shaped like ``like`` from ``vector``: views of it where the dtype is float64."""
    arrays, start = [], 0
    for array in like:
        piece = vector[start : start + array.size].reshape(array.shape)
        arrays.append(piece.astype(array.dtype, copy=False))
        start += array.size
    return arrays


class _LbfgsProgress:
    """scipy's callback: each L-BFGS iteration reported to the observer as an epoch."""

    def __init__(self, params, observer):
        self.params, self.observer = params, observer
        self.iteration, self.stop_requested, self.validation_overflow = 0, False, False
        self.started = None

    def begin(self):
        self.observer.epoch_begin()
        self.started = time.perf_counter()

    def __call__(self, intermediate_result):
        self.iteration += 1
        before = [param.copy() for param in self.params] if self.observer.has_validation else None
        assign(self.params, _from_vector(intermediate_result.x, self.params))
        validation_loss, validation_score = validation_figures(self.observer)
        if self.observer.has_validation and not np.isfinite(validation_loss):
            assign(self.params, before)  # as a divergence of the mini-batch solvers does
            self.validation_overflow = True
            raise StopIteration
        seconds = time.perf_counter() - self.started
        self.stop_requested = self.observer.epoch_end(
            intermediate_result.fun, validation_loss, validation_score, seconds, math.nan
        )
        if self.observer.interrupted or self.stop_requested:
            raise StopIteration  # scipy's way to end the minimisation from a callback
        self.begin()


def train_lbfgs(data, params, *, gradient, settings, observer, workspace=True):
    """Minimise the full-batch loss with scipy's L-BFGS-B, ``params`` updated in place.

    Each iteration is reported as an epoch (scipy only reports ends, so the
    next iteration is announced when the last one ends, and the last one
    announced may never run). Returns scipy's OptimizeResult (``nit``,
    ``success``, ``message``) with ``stop_requested``: whether the observer
    ended it. ``data``: a ``DataSet``, or the ``gradient``'s own handle on data
    held elsewhere (``_dask_fit``: ``workspace=False``, no buffers of X's size
    on this machine then).
    """
    X, Y, sample_weight = data.X, data.Y, data.sample_weight
    shape = (split(params)[0], X.shape[0], params[0].dtype)
    workspace = Workspace.for_params(*shape, gather=False) if workspace else None

    def loss_and_gradient(vector):
        coefs, intercepts = split(_from_vector(vector, params))
        loss, coef_grads, intercept_grads = gradient(
            X, Y, sample_weight, coefs, intercepts, workspace=workspace
        )
        return loss, _as_vector(join(coef_grads, intercept_grads))  # a copy: the next call reuses

    progress = _LbfgsProgress(params, observer)
    with (
        observer.listening(),
        np.errstate(over="ignore", invalid="ignore", divide="ignore"),
        scipy_blas_on_one_thread(),
    ):
        progress.begin()
        # On Ctrl-C, params hold the last completed iteration's weights.
        result = scipy.optimize.minimize(
            loss_and_gradient, _as_vector(params), method="L-BFGS-B", jac=True,
            callback=progress,
            options={
                "maxiter": settings.max_iter, "maxfun": settings.max_fun, "gtol": settings.tol,
            },
        )  # fmt: skip
        interrupted = observer.interrupted
    if interrupted:
        raise KeyboardInterrupt
    if progress.validation_overflow:
        raise diverged(f"iteration {progress.iteration}", VALIDATION_OVERFLOW, LBFGS_REMEDY)
    final = _from_vector(result.x, params)
    if not all(np.isfinite(value).all() for value in final) or not np.isfinite(result.fun):
        raise diverged(f"iteration {result.nit}", remedy=LBFGS_REMEDY)
    assign(params, final)
    result.stop_requested = progress.stop_requested
    return result
