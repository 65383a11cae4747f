"""The training loop: epochs of mini-batches, the stopping rule, divergence.

It drives the numerical core (a ``gradient`` function and an optimizer
``step``) and knows nothing about estimators or input validation.
"""

import time

import numpy as np


class TrainingDivergedError(ValueError):
    """Training produced a non-finite loss or weights (the learning rate is too large)."""


def batch_indices(n_samples, batch_size, order=None):
    """Yield the rows of each mini-batch: slices in order, or chunks of ``order``."""
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        yield slice(start, stop) if order is None else order[start:stop]


def run_epoch(X, Y, sample_weight, coefs, intercepts, *, gradient, step, batch_size, order):
    """One pass of mini-batch updates over the data; returns the epoch's mean loss.

    The mean is weighted by each batch's total sample weight, so it is the
    average per-sample loss of the epoch.
    """
    total_loss = total_weight = 0.0
    for rows in batch_indices(X.shape[0], batch_size, order):
        X_batch = X[rows]
        weights = None if sample_weight is None else sample_weight[rows]
        batch_weight = X_batch.shape[0] if weights is None else float(weights.sum())
        if batch_weight == 0:
            # A batch of zero-weight samples carries no information; dividing
            # its gradient by its total weight would give NaN.
            continue
        loss, coef_grads, intercept_grads = gradient(X_batch, Y[rows], weights, coefs, intercepts)
        step(coefs + intercepts, coef_grads + intercept_grads)
        total_loss += loss * batch_weight
        total_weight += batch_weight
    return total_loss / total_weight


def _all_finite(arrays):
    return all(np.isfinite(array).all() for array in arrays)


def train_epochs(
    X,
    Y,
    sample_weight,
    coefs,
    intercepts,
    record,
    *,
    gradient,
    step,
    batch_size,
    max_epochs,
    shuffle,
    rng,
    tol,
    n_iter_no_change,
    verbose,
):
    """Run up to ``max_epochs`` epochs, updating ``coefs`` and ``intercepts`` in place.

    ``record`` carries the training history across calls (``fit``, then
    ``partial_fit``...) and is updated in place, so it is right even when
    training is cut short by an exception: a dict with ``loss_curve`` (a list,
    one loss per epoch, appended to), ``best_loss``, ``no_improvement_count``
    and ``n_iter`` (epochs completed in this call). Training stops early once
    the loss has failed to improve on ``best_loss - tol`` for more than
    ``n_iter_no_change`` epochs in a row, as in MLPClassifier.

    Returns whether that stopping rule fired. Raises TrainingDivergedError,
    with the weights put back to those of the last finite epoch, if the loss
    or the weights stop being finite.
    """
    order = np.arange(X.shape[0]) if shuffle else None
    for _ in range(max_epochs):
        last_good = [param.copy() for param in coefs + intercepts]
        started = time.perf_counter()
        if shuffle:
            # Shuffle indices, not the data: X is never copied.
            rng.shuffle(order)
        # When training diverges, numpy warns of overflow on the way to inf;
        # those warnings are replaced by the one clear error below.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = run_epoch(
                X,
                Y,
                sample_weight,
                coefs,
                intercepts,
                gradient=gradient,
                step=step,
                batch_size=batch_size,
                order=order,
            )
        if not (np.isfinite(loss) and _all_finite(coefs + intercepts)):
            for param, good in zip(coefs + intercepts, last_good, strict=True):
                param[...] = good
            raise TrainingDivergedError(
                f"Training diverged in epoch {len(record['loss_curve']) + 1}: the loss "
                "or the weights became infinite or NaN. The weights are those of the "
                "last finite epoch. Try a smaller learning_rate_init, or scale the "
                "input features (e.g. with StandardScaler)."
            )
        record["loss_curve"].append(loss)
        record["n_iter"] += 1
        if verbose:
            seconds = time.perf_counter() - started
            print(f"Iteration {len(record['loss_curve'])}, loss = {loss:.8f} ({seconds:.2f}s)")
        if loss > record["best_loss"] - tol:
            record["no_improvement_count"] += 1
        else:
            record["no_improvement_count"] = 0
        record["best_loss"] = min(record["best_loss"], loss)
        if record["no_improvement_count"] > n_iter_no_change:
            return True
    return False
