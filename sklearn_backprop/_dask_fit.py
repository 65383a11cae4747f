"""One model trained by L-BFGS on data spread over a Dask cluster (Spark MLlib's way).

Each L-BFGS evaluation sends the weights to the workers; each worker computes
the loss and gradient of the chunks it holds with the core's
``loss_and_gradients``; the sums, weighted by each chunk's total sample
weight, travel up a tree of additions to the client, where scipy's L-BFGS-B
takes its step (``_lbfgs.train_lbfgs``, as in memory). The rows never leave
their workers: only weights and gradients cross the network (and, once, the
input's per-column sums for its standardization, ``_dask_scaling``).
"""

from functools import partial

import numpy as np

from ._dask_arrays import cluster_client
from ._dask_data import aligned, prepare_on_cluster
from ._dask_scaling import learn_scaling_on_cluster, standardize_on_cluster
from ._losses import loss_value
from ._network import Model, join, loss_and_gradients, network_output, split
from ._targets import ClassLabels, r_squared

FAN_IN = 8  # partial sums added per task on the way up the tree


class DaskBackend:
    """Training data on a Dask cluster: prepared, summed over and scored where it lives."""

    in_memory = False  # the gradient computes elsewhere: no buffers of the data's size here
    where = (np, None)  # the weights stay NumPy arrays on the client

    def __init__(self):
        self.client = None

    def check(self, settings, incremental):
        """Refuse what cannot train on a cluster; then find its ``distributed.Client``."""
        if incremental or settings.solver != "lbfgs":
            raise ValueError(
                f"Dask input trains one model only with solver='lbfgs' (got "
                f"solver={settings.solver!r}{', partial_fit' if incremental else ''}): each "
                "L-BFGS iteration sums the gradients of the chunks where they live. For "
                "'sgd' or 'adam', call partial_fit on each chunk in turn (NumPy arrays), or "
                "wrap the model in dask_ml.wrappers.Incremental."
            )
        self.client = cluster_client()

    def prepare(self, estimator, inputs, targets, preparation):
        return prepare_on_cluster(self.client, estimator, inputs, targets, preparation)

    def learned_scaling(self, settings, data):
        """The input's ``(mean, scale)`` from the workers' sums; ``(None, None)`` for mlp_parity."""
        if settings.mlp_parity:
            return None, None
        return learn_scaling_on_cluster(self.client, data.train.X)

    def standardized(self, data_sets, prepared, scaling, inputs, encoded):
        """The ``(train, validation)`` sets, their chunks standardized on the workers.

        In place: the chunks held for this fit (also ``prepared``'s, which
        ``release`` lets go) become their standardized selves.
        """
        if scaling[1] is not None:
            for data_set in data_sets:
                if data_set is not None:
                    standardize_on_cluster(self.client, data_set.X, *scaling)
        return data_sets

    def training_place(self, settings):
        return self.where

    def placed(self, data_set, where):
        return data_set  # it stays on the workers

    def gradient(self, settings, out_activation):
        return ClusterGradient(self.client, settings, out_activation)

    def evaluation(self, validation, settings, out_activation, targets):
        return ClusterEvaluation(self.client, validation.X, settings, out_activation, targets)

    def release(self, data):
        """Let the workers drop the chunks held for this fit."""
        for data_set in (data.train, data.validation):
            if data_set is not None:
                data_set.X.release()


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


def _chunk_gradient(chunk, params, model):
    """One chunk's loss and gradients (no penalty), times its total sample weight."""
    X, Y, sample_weight = (None if array is None else aligned(array) for array in chunk)
    weight = float(X.shape[0] if sample_weight is None else sample_weight.sum())
    if weight == 0:  # nothing to learn from, and its average would divide by zero
        return 0.0, 0.0, [np.zeros_like(param) for param in params]
    coefs, intercepts = split([aligned(param) for param in params])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        value, coef_grads, intercept_grads = loss_and_gradients(
            (X, Y, sample_weight), coefs, intercepts, model
        )
    return value * weight, weight, [grad * weight for grad in join(coef_grads, intercept_grads)]


class ClusterGradient:
    """``loss_and_gradients`` over every chunk on the cluster: the same loss, summed elsewhere.

    Called as the core's function is, with ``X`` the ``ClusterChunks`` (``Y``
    and ``sample_weight`` live in them). The L2 penalty is added here, once,
    on the summed weight, as ``loss_and_gradients`` adds it on the batch's.
    """

    def __init__(self, client, settings, out_activation):
        self.client, self.alpha = client, settings.alpha
        # The penalty is added here, once: alpha=0 on the chunks.
        model = Model(settings.activation, out_activation, settings.loss, alpha=0.0)
        self.chunk_gradient = partial(_chunk_gradient, model=model)

    def __call__(self, batch, coefs, intercepts, workspace=None):
        chunks = batch[0]  # (ClusterChunks, None, None): Y and sample_weight live in its chunks
        params = _weights_future(self.client, join(coefs, intercepts))
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
        return value, *split(grads)


def _chunk_evaluation(chunk, params, *, activation, out_activation, loss, targets):
    """One chunk's validation loss and score figures, times its total weight (sums for R²)."""
    X, Y, sample_weight = (None if array is None else aligned(array) for array in chunk)
    weights = np.ones(X.shape[0], X.dtype) if sample_weight is None else sample_weight
    weight = float(weights.sum())
    if weight == 0:
        return 0.0, 0.0, [np.zeros(1 if isinstance(targets, ClassLabels) else 3 * Y.shape[1])]
    coefs, intercepts = split([aligned(param) for param in params])
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        output = network_output(X, coefs, intercepts, activation, out_activation)
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
    """R² from the sums of w·y, w·y² and w·(y - output)² over the rows (one of each per target)."""
    sums, squares, residuals = np.split(figures, 3)
    return float(r_squared(residuals, squares - sums * sums / weight))


class ClusterEvaluation:
    """The validation loss and score of given weights, on the chunks held on the cluster."""

    def __init__(self, client, chunks, settings, out_activation, targets):
        self.client, self.chunks, self.targets = client, chunks, targets
        self.chunk_evaluation = partial(
            _chunk_evaluation, activation=settings.activation, out_activation=out_activation,
            loss=settings.loss, targets=targets,
        )  # fmt: skip

    def __call__(self, params):
        params = _weights_future(self.client, params)
        parts = [
            self.client.submit(self.chunk_evaluation, chunk, params, pure=False)
            for chunk in self.chunks.futures
        ]
        value, weight, (figures,) = tree_sum(self.client, parts)
        if isinstance(self.targets, ClassLabels):
            return value / weight, float(figures[0] / weight)
        return value / weight, _r_squared(figures, weight)
