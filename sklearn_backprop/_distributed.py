"""One model trained by L-BFGS on data spread over a Dask cluster (Spark MLlib's way).

Each L-BFGS evaluation sends the weights to the workers; each worker computes
the loss and gradient of the chunks it holds with the core's
``loss_and_gradients``; the sums, weighted by each chunk's total sample
weight, travel up a tree of additions to the client, where scipy's L-BFGS-B
takes its step (``_lbfgs.train_lbfgs``, as in memory). The rows never leave
their workers: only weights and gradients cross the network.
"""

from functools import partial

import numpy as np
from sklearn.utils import check_random_state

from ._base import _restored_on_failure
from ._callbacks import epoch_reporter
from ._cluster_data import cluster_client, prepare_on_cluster
from ._history import FitObserver
from ._losses import loss_value
from ._network import loss_and_gradients, network_output
from ._targets import ClassLabels
from ._training import TrainingSettings

FAN_IN = 8  # partial sums added per task on the way up the tree


def _check_solver(settings, incremental):
    if incremental or settings.solver != "lbfgs":
        raise ValueError(
            f"Dask input trains one model only with solver='lbfgs' (got "
            f"solver={settings.solver!r}{', partial_fit' if incremental else ''}): each "
            "L-BFGS iteration sums the gradients of the chunks where they live. For "
            "'sgd' or 'adam', call partial_fit on each chunk in turn (NumPy arrays), or "
            "wrap the model in dask_ml.wrappers.Incremental."
        )


def fit_on_cluster(estimator, X, y, sample_weight, classes, validation, incremental):
    """``fit`` on Dask collections: the data checked, encoded and trained on where it lives."""
    # L-BFGS only: nothing is held out, whatever early_stopping says.
    settings = TrainingSettings.from_params(estimator.get_params(deep=False)).for_fit(
        0, validation is not None, incremental
    )
    _check_solver(settings, incremental)
    client = cluster_client()
    resume = settings.warm_start and hasattr(estimator, "coefs_")
    with _restored_on_failure(estimator):
        rng = check_random_state(estimator.random_state)
        data = estimator._set_up(
            settings, X, y, sample_weight, validation, classes, resume, False, rng,
            prepare=partial(prepare_on_cluster, client),
        )  # fmt: skip
    held = [data.train.X] + ([] if data.validation is None else [data.validation.X])
    try:
        gradient = ClusterGradient(client, settings, estimator.out_activation_)
        evaluate = None
        if data.validation is not None:
            evaluate = ClusterEvaluation(client, estimator, data.validation.X, settings.loss)
        reporter = epoch_reporter(estimator, X, y, sample_weight, settings.max_iter + 1)
        observer = FitObserver(
            estimator, reporter, evaluate, verbose=settings.verbose, samples_per_epoch=0
        )
        with estimator._in_training_units(resume):
            estimator._train(settings, data.train, observer, rng, False, None, gradient=gradient)
    finally:
        for chunks in held:
            chunks.release()
    observer.finish()
    return estimator


def _add_up(*parts):
    """Partial sums ``(value, weight, arrays)`` added, in the order given."""
    value, weight, arrays = parts[0]
    arrays = [array.copy() for array in arrays]
    for more_value, more_weight, more_arrays in parts[1:]:
        value, weight = value + more_value, weight + more_weight
        for array, more in zip(arrays, more_arrays, strict=True):
            array += more
    return value, weight, arrays


def tree_sum(client, parts):
    """The sum of the parts' futures, added up on the workers in a fixed order.

    Fixed: whichever worker holds what, the sums run in the same order, so a
    fit that lost a worker ends with the same weights as one that did not.
    """
    while len(parts) > 1:
        groups = [parts[start : start + FAN_IN] for start in range(0, len(parts), FAN_IN)]
        parts = [client.submit(_add_up, *group, pure=False) for group in groups]
    return parts[0].result()


def _held(params):
    return params


def _weights_future(client, params):
    """The weights held on one worker, sent on to the others once, not once per chunk's task.

    A task's result, not scattered data: if its worker dies, the task runs again.
    """
    return client.submit(_held, list(params), pure=False)


def _chunk_gradient(chunk, params, *, activation, out_activation, loss):
    """One chunk's loss and gradients (no penalty), times its total sample weight."""
    X, Y, sample_weight = chunk
    weight = float(X.shape[0] if sample_weight is None else sample_weight.sum())
    if weight == 0:  # nothing to learn from, and its average would divide by zero
        return 0.0, 0.0, [np.zeros_like(param) for param in params]
    n_layers = len(params) // 2
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value, coef_grads, intercept_grads = loss_and_gradients(
            X, Y, sample_weight, params[:n_layers], params[n_layers:], activation=activation,
            out_activation=out_activation, loss=loss, alpha=0.0,
        )  # fmt: skip
    return value * weight, weight, [grad * weight for grad in coef_grads + intercept_grads]


class ClusterGradient:
    """``loss_and_gradients`` over every chunk on the cluster: the same loss, summed elsewhere.

    Called as the core's function is, with ``X`` the ``ClusterChunks`` (``Y``
    and ``sample_weight`` live in them). The L2 penalty is added here, once,
    on the summed weight, as ``loss_and_gradients`` adds it on the batch's.
    """

    def __init__(self, client, settings, out_activation):
        self.client, self.alpha = client, settings.alpha
        self.chunk_gradient = partial(
            _chunk_gradient, activation=settings.activation, out_activation=out_activation,
            loss=settings.loss,
        )  # fmt: skip

    def __call__(self, chunks, Y, sample_weight, coefs, intercepts, workspace=None):
        params = _weights_future(self.client, coefs + intercepts)
        parts = [
            self.client.submit(self.chunk_gradient, chunk, params, pure=False)
            for chunk in chunks.futures
        ]
        value, weight, grads = tree_sum(self.client, parts)
        penalty = sum(float(np.sum(coef * coef)) for coef in coefs)
        value = value / weight + 0.5 * self.alpha * penalty / weight
        grads = [grad / weight for grad in grads]
        for grad, coef in zip(grads, coefs, strict=False):
            grad += (self.alpha / weight) * coef
        return value, grads[: len(coefs)], grads[len(coefs) :]


def _chunk_evaluation(chunk, params, *, activation, out_activation, loss, targets):
    """One chunk's validation loss and score figures, times its total weight (sums for R²)."""
    X, Y, sample_weight = chunk
    weights = np.ones(X.shape[0], X.dtype) if sample_weight is None else sample_weight
    weight = float(weights.sum())
    if weight == 0:
        return 0.0, 0.0, [np.zeros(1 if isinstance(targets, ClassLabels) else 3 * Y.shape[1])]
    n_layers = len(params) // 2
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        output = network_output(X, params[:n_layers], params[n_layers:], activation, out_activation)
        value = loss_value(loss, out_activation, Y, output, sample_weight)
    if isinstance(targets, ClassLabels):
        figures = np.array([targets.score(Y, output, sample_weight) * weight])
    else:
        column_weights = weights[:, None]
        figures = np.concatenate([
            (column_weights * Y).sum(axis=0), (column_weights * Y * Y).sum(axis=0),
            (column_weights * (Y - output) ** 2).sum(axis=0),
        ])  # fmt: skip
    return value * weight, weight, [figures]


def _r_squared(figures, weight):
    """R² averaged over the targets from the sums of w·y, w·y² and w·(y - output)²."""
    sums, squares, residuals = np.split(figures, 3)
    totals = squares - sums * sums / weight
    scores = [
        (1.0 if residual == 0 else 0.0) if total <= 0 else 1.0 - residual / total
        for residual, total in zip(residuals.tolist(), totals.tolist(), strict=True)
    ]
    return float(np.mean(scores))


class ClusterEvaluation:
    """The validation loss and score of the estimator's current weights, on the cluster."""

    def __init__(self, client, estimator, chunks, loss):
        self.client, self.estimator, self.chunks = client, estimator, chunks
        self.targets = estimator._model_targets()
        self.chunk_evaluation = partial(
            _chunk_evaluation, activation=estimator.activation,
            out_activation=estimator.out_activation_, loss=loss, targets=self.targets,
        )  # fmt: skip

    def __call__(self):
        estimator = self.estimator
        params = _weights_future(self.client, estimator.coefs_ + estimator.intercepts_)
        parts = [
            self.client.submit(self.chunk_evaluation, chunk, params, pure=False)
            for chunk in self.chunks.futures
        ]
        value, weight, (figures,) = tree_sum(self.client, parts)
        if isinstance(self.targets, ClassLabels):
            return value / weight, float(figures[0] / weight)
        return value / weight, _r_squared(figures, weight)
