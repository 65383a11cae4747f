"""The training loops: epochs of mini-batches, and full-batch L-BFGS.

They drive the numerical core (a ``gradient`` function and an optimizer
``step``) and report each epoch to the caller; they know nothing about
estimators or input validation.
"""

import threading
import time
from contextlib import contextmanager
from functools import cache, partial
from pathlib import Path

import numpy as np
import scipy
import scipy.optimize
from threadpoolctl import ThreadpoolController

from ._interrupt import sigint_as_flag
from ._network import Workspace
from ._xp import all_finite, copy, device_of, namespace


class TrainingDivergedError(ValueError):
    """Training produced non-finite loss or weights, or outputs that overflow on validation data.

    Typically a learning rate far too large, or unscaled features. A
    ``ValueError``; the model keeps the weights of the epoch before.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_backprop import BackpropClassifier, TrainingDivergedError
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(solver="sgd", activation="identity", learning_rate_init=1e3,
    ...                          max_iter=500, n_iter_no_change=1000)
    >>> try:
    ...     clf.fit(X, y)
    ... except TrainingDivergedError as error:
    ...     print(str(error)[:26])
    Training diverged in epoch
    """


class StoppingRule:
    """MLPClassifier's patience rule on a monitored value (a loss or a score).

    An epoch counts as no improvement unless it beats the best value so far by
    more than ``tol``; training should stop after more than
    ``n_iter_no_change`` such epochs in a row.
    """

    def __init__(self, tol, n_iter_no_change, higher_is_better):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = -np.inf  # of sign * value
        self.no_improvement_count = 0

    def update(self, value):
        """Record one epoch's value; return whether it is the best so far."""
        signed = self.sign * value
        if signed < self.best + self.tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        is_best = signed > self.best
        self.best = max(self.best, signed)
        return is_best

    @property
    def should_stop(self):
        return self.no_improvement_count > self.n_iter_no_change


def batch_indices(n_samples, batch_size, order=None):
    """Yield the rows of each mini-batch: slices in order, or chunks of ``order``."""
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        yield slice(start, stop) if order is None else order[start:stop]


def _gather(array, rows, out):
    """``array[rows]``, written into ``out`` (NumPy) where that is the fast way."""
    if isinstance(rows, slice):
        return array[rows]  # a view: nothing to copy
    if out is None:
        return namespace(array).take(array, rows, axis=0)
    if not isinstance(array, np.ndarray) or not array.flags.c_contiguous:
        # Sparse rows; or a Fortran-ordered array (what pandas often hands
        # over), which np.take reads six times slower than fancy indexing does.
        return array[rows]
    # mode="clip" skips the bounds check that the default mode pays for.
    return array.take(rows, axis=0, out=out[: len(rows)], mode="clip")


def run_epoch(
    X, Y, sample_weight, params, *, gradient, step, batch_size, order, workspace, interrupt=None
):
    """One pass of mini-batch updates over the data; returns the epoch's mean loss.

    ``params`` is ``coefs + intercepts``. The mean is weighted by each batch's
    total sample weight, so it is the average per-sample loss of the epoch. A
    non-finite batch loss ends the epoch at once and is returned as its loss;
    so does ``interrupt.requested`` (see ``sigint_as_flag``), with NaN.
    """
    n_layers = len(params) // 2
    total_loss = total_weight = 0.0
    xp = namespace(params[0])
    inputs, targets = (None, None) if workspace is None else (workspace.inputs, workspace.targets)
    for rows in batch_indices(X.shape[0], batch_size, order):
        X_batch = _gather(X, rows, inputs)
        weights = None if sample_weight is None else _gather(sample_weight, rows, None)
        batch_weight = X_batch.shape[0] if weights is None else float(xp.sum(weights))
        if batch_weight == 0:
            # A batch of zero-weight samples carries no information; dividing
            # its gradient by its total weight would give NaN.
            continue
        loss, coef_grads, intercept_grads = gradient(
            X_batch, _gather(Y, rows, targets), weights, params[:n_layers],
            params[n_layers:], workspace=workspace,
        )  # fmt: skip
        if not np.isfinite(loss):
            return loss  # diverged: stop before the update spreads NaN further
        step(params, coef_grads + intercept_grads)
        total_loss += loss * batch_weight
        total_weight += batch_weight
        if interrupt is not None and interrupt.requested:
            return np.nan
    return total_loss / total_weight


# What a user can do about a divergence, by solver: L-BFGS has no learning rate.
_REMEDY = (
    "Try a smaller learning_rate_init, or scale the input features (e.g. with StandardScaler)."
)
_LBFGS_REMEDY = "Try scaling the input features (e.g. with StandardScaler), or a larger alpha."
_NON_FINITE = "the loss or the weights became infinite or NaN"
_VALIDATION_OVERFLOW = (
    "the network's output on the validation data overflowed (its loss is not finite); "
    "scale the validation data as the training data"
)


def _diverged(where, what=_NON_FINITE, remedy=_REMEDY):
    """The error for a divergence in ``where`` ("epoch 3", "iteration 0")."""
    return TrainingDivergedError(
        f"Training diverged in {where}: {what}. The model keeps the weights of the one "
        f"before. {remedy}"
    )


def train_epochs(
    X,
    Y,
    sample_weight,
    params,
    *,
    gradient,
    step,
    batch_size,
    max_epochs,
    shuffle,
    rng,
    tol,
    n_iter_no_change,
    evaluate,
    on_epoch_begin,
    on_epoch_end,
    on_stall,
    early_stopping,
    start_score=None,
):
    """Run up to ``max_epochs`` epochs of mini-batch training on ``params`` in place.

    ``on_epoch_begin()`` announces each epoch. After it, ``evaluate()`` (or
    None) gives the validation loss and score, and ``on_epoch_end(train_loss,
    validation_loss, validation_score, seconds)`` records them and returns
    whether to stop (a callback's request). A StoppingRule(tol, n_iter_no_change) watches the
    validation score with ``early_stopping``, the training loss otherwise;
    when it says stop, ``on_stall()`` may still ask to go on (after lowering
    the learning rate).
    With ``early_stopping``, ``params`` end as they were at the best
    validation score; ``start_score``, the validation score of the weights
    training starts from, makes them a candidate too.

    Returns whether training stopped before ``max_epochs`` (converged, or
    stopped on request).
    Raises TrainingDivergedError, with the weights of the last finite epoch,
    if the loss or the weights stop being finite, and KeyboardInterrupt, with
    the weights of the last completed epoch, on Ctrl-C.
    """
    xp = namespace(params[0])
    order = np.arange(X.shape[0]) if shuffle else None
    # NumPy reuses one set of buffers for every batch (see _network); other
    # namespaces allocate, as their libraries expect.
    workspace = (
        Workspace.for_params(params[: len(params) // 2], batch_size, params[0].dtype)
        if xp is np
        else None
    )
    stopping = StoppingRule(tol, n_iter_no_change, higher_is_better=early_stopping)
    best_params = None
    if early_stopping and start_score is not None:
        stopping.best = stopping.sign * start_score
        best_params = [copy(xp, param) for param in params]
    stopped_early = False
    with sigint_as_flag() as interrupt:
        for epoch in range(1, max_epochs + 1):
            on_epoch_begin()
            started = time.perf_counter()
            if shuffle:
                rng.shuffle(order)  # shuffle indices, not the data: X is never copied
            epoch_order = order
            if shuffle and xp is not np:
                # The same NumPy random stream in every namespace: the same batches.
                epoch_order = xp.asarray(order, device=device_of(X))
            loss, (validation_loss, validation_score) = _epoch_or_restore(
                epoch, params, interrupt, evaluate, partial(
                    run_epoch, X, Y, sample_weight, params, gradient=gradient, step=step,
                    batch_size=batch_size, order=epoch_order, workspace=workspace,
                    interrupt=interrupt,
                ),
            )  # fmt: skip
            seconds = time.perf_counter() - started
            stop_requested = on_epoch_end(loss, validation_loss, validation_score, seconds)
            if stopping.update(validation_score if early_stopping else loss) and early_stopping:
                best_params = [copy(xp, param) for param in params]
            if stop_requested:
                stopped_early = True
                break
            if stopping.should_stop:
                if not on_stall():
                    stopped_early = True
                    break
                stopping.no_improvement_count = 0
    if best_params is not None:
        _assign(params, best_params)
    return stopped_early


def _assign(params, values):
    for param, value in zip(params, values, strict=True):
        param[...] = value


def _epoch_or_restore(epoch, params, interrupt, evaluate, run):
    """``run()`` one epoch, then ``evaluate()`` it (or None); on Ctrl-C or divergence,
    put ``params`` back and raise.

    Returns the epoch's loss and the validation loss and score (NaN without
    ``evaluate``).
    """
    xp = namespace(params[0])
    last_good = [copy(xp, param) for param in params]
    validation = (np.nan, np.nan)
    try:
        # When training diverges, numpy warns of overflow on the way to inf;
        # those warnings are replaced by the one clear error below.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = run()
            diverged = not (np.isfinite(loss) and all(all_finite(xp, param) for param in params))
            if evaluate is not None and not diverged:
                validation = evaluate()
        if interrupt.requested:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        _assign(params, last_good)  # the weights of the last completed epoch
        raise
    if diverged:
        _assign(params, last_good)
        raise _diverged(f"epoch {epoch}")
    if evaluate is not None and not np.isfinite(validation[0]):
        # Finite weights whose outputs overflow on the validation data: the
        # log loss is finite whenever the probabilities are numbers at all.
        _assign(params, last_good)
        raise _diverged(f"epoch {epoch}", _VALIDATION_OVERFLOW)
    return loss, validation


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


def train_lbfgs(
    X, Y, sample_weight, params, *, gradient, max_iter, max_fun, tol, evaluate,
    on_epoch_begin, on_epoch_end,
):  # fmt: skip
    """Minimise the full-batch loss with scipy's L-BFGS-B, ``params`` updated in place.

    ``on_epoch_begin`` and ``on_epoch_end`` are called for each L-BFGS
    iteration as for an epoch (scipy only reports ends, so the next iteration
    is announced when the last one ends, and the last one announced may
    never run). Returns scipy's OptimizeResult (``nit``, ``success``,
    ``message``) with ``stop_requested``: whether ``on_epoch_end`` ended it.
    """
    n_layers = len(params) // 2
    stop_requested = False
    # One set of buffers for every evaluation, as for mini-batches: arrays
    # of n_samples rows, allocated afresh per evaluation, cost page faults
    # each time (digits: 10.9 against 4.7 ms an evaluation).
    workspace = Workspace.for_params(params[:n_layers], X.shape[0], params[0].dtype, gather=False)
    on_epoch_begin()
    started = time.perf_counter()

    def loss_and_gradient(vector):
        current = _from_vector(vector, params)
        loss, coef_grads, intercept_grads = gradient(
            X, Y, sample_weight, current[:n_layers], current[n_layers:], workspace=workspace
        )
        return loss, _as_vector(coef_grads + intercept_grads)  # a copy: the next call reuses them

    iteration, validation_overflow = 0, False

    def callback(intermediate_result):
        nonlocal started, stop_requested, iteration, validation_overflow
        iteration += 1
        before = [param.copy() for param in params] if evaluate else None
        _assign(params, _from_vector(intermediate_result.x, params))
        validation_loss, validation_score = evaluate() if evaluate else (np.nan, np.nan)
        if evaluate is not None and not np.isfinite(validation_loss):
            _assign(params, before)  # as a divergence of the mini-batch solvers does
            validation_overflow = True
            raise StopIteration
        seconds = time.perf_counter() - started
        stop_requested = on_epoch_end(
            intermediate_result.fun, validation_loss, validation_score, seconds
        )
        if interrupt.requested or stop_requested:
            raise StopIteration  # scipy's way to end the minimisation from a callback
        on_epoch_begin()
        started = time.perf_counter()

    with (
        sigint_as_flag() as interrupt,
        np.errstate(over="ignore", invalid="ignore", divide="ignore"),
        _scipy_blas_on_one_thread(),
    ):
        # On Ctrl-C, params hold the last completed iteration's weights.
        result = scipy.optimize.minimize(
            loss_and_gradient,
            _as_vector(params),
            method="L-BFGS-B",
            jac=True,
            callback=callback,
            options={"maxiter": max_iter, "maxfun": max_fun, "gtol": tol},
        )
    if interrupt.requested:
        raise KeyboardInterrupt
    if validation_overflow:
        raise _diverged(f"iteration {iteration}", _VALIDATION_OVERFLOW, _LBFGS_REMEDY)
    final = _from_vector(result.x, params)
    if not all(np.isfinite(value).all() for value in final) or not np.isfinite(result.fun):
        raise _diverged(f"iteration {result.nit}", remedy=_LBFGS_REMEDY)
    _assign(params, final)
    result.stop_requested = stop_requested
    return result


_scipy_blas_users = 0  # L-BFGS fits running now, in any thread (see below)
_scipy_blas_lock = threading.Lock()
_scipy_blas_limit = None  # threadpoolctl's limiter, while any fit runs


@contextmanager
def _scipy_blas_on_one_thread():
    """Limit the BLAS that scipy brings of its own (not NumPy's) to one thread, for a while.

    L-BFGS-B calls BLAS for vector operations the size of the parameters,
    through scipy's BLAS; scipy's wheels ship an OpenBLAS of their own
    beside NumPy's. With two threads each, the threads of one library
    spin waiting for work on the cores the other's need, and every
    evaluation's matrix products (NumPy's) ran 2.5 to 3x slower (digits:
    a whole fit 0.24 against 0.68 s). One thread costs scipy's vector
    operations nothing measurable. Where scipy uses NumPy's BLAS (the same
    library, elsewhere on disk: conda, system packages) nothing changes.

    Fits in threads of one process (joblib's threading backend) overlap: the
    limit is set by the first to start and lifted by the last to end, so
    that none lifts it under another and the library is left as it was
    found, not at the one thread that a later fit saw when it started.
    """
    global _scipy_blas_users, _scipy_blas_limit
    scipy_blas = _scipy_own_blas()
    if scipy_blas is None:
        yield
        return
    with _scipy_blas_lock:
        if _scipy_blas_users == 0:
            _scipy_blas_limit = scipy_blas.limit(limits=1)
        _scipy_blas_users += 1
    try:
        yield
    finally:
        with _scipy_blas_lock:
            _scipy_blas_users -= 1
            if _scipy_blas_users == 0:
                _scipy_blas_limit.restore_original_limits()
                _scipy_blas_limit = None


@cache
def _scipy_own_blas():
    """A controller of the BLAS libraries inside scipy's own folders, or None if there are none.

    Found once per process: listing the loaded libraries takes 3.4 ms, a
    quarter of a small L-BFGS fit (wine). Scipy's BLAS is loaded with
    ``scipy.optimize``, which this module imports, so none can come later.
    """
    package = Path(scipy.__file__).resolve().parent  # resolved: site-packages may be a link
    scipy_dirs = [package, package.with_name("scipy.libs")]
    controller = ThreadpoolController()
    paths = [
        library.filepath
        for library in controller.lib_controllers
        if library.user_api == "blas"
        and any(Path(library.filepath).resolve().is_relative_to(d) for d in scipy_dirs)
    ]
    return controller.select(filepath=paths) if paths else None
