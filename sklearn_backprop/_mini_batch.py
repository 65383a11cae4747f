"""One call's mini-batch training: batches drawn in order, each one a gradient step.

``mini_batch_run`` builds a ``MiniBatchRun`` for ``_training.train_epochs``,
which runs its epochs; on NumPy parameters it takes NumPy's fast paths
(``_fastpaths``: packed weights, a workspace of batch buffers).
"""

from dataclasses import dataclass
from functools import partial

import numpy as np

from ._dropout import DropoutSampler
from ._fastpaths import Workspace, gather_rows, packed_step
from ._network import split
from ._xp import namespace


@dataclass
class MiniBatchRun:
    """One call's mini-batch training: the data, the parameters and how to step them."""

    X: object
    Y: object
    sample_weight: object
    params: list
    gradient: object
    step: object
    batch_size: int
    workspace: object
    dropout: object  # a DropoutSampler, or None
    optimizer: object
    state: dict  # the optimizer's, updated in place
    rng: object  # for the shuffles

    def epoch(self, order, interrupt_check):
        """One pass of updates over the data; returns the epoch's mean loss.

        The mean is weighted by each batch's total sample weight. A non-finite
        batch loss ends the epoch at once and is returned; so does Ctrl-C,
        with NaN.
        """
        coefs, intercepts = split(self.params)
        total_loss = total_weight = 0.0
        xp = namespace(self.params[0])
        inputs, targets = (self.workspace.inputs, self.workspace.targets) if self.workspace else (
            None, None
        )  # fmt: skip
        for rows in _batch_rows(self.X.shape[0], self.batch_size, order):
            X_batch = gather_rows(self.X, rows, inputs)
            weights = (
                None if self.sample_weight is None else gather_rows(self.sample_weight, rows, None)
            )
            batch_weight = X_batch.shape[0] if weights is None else float(xp.sum(weights))
            if batch_weight == 0:
                continue  # no information, and its gradient would divide by zero
            dropout = None if self.dropout is None else self.dropout.draw(X_batch.shape[0])
            batch = (X_batch, gather_rows(self.Y, rows, targets), weights)
            loss, coef_grads, intercept_grads = self.gradient(
                batch, coefs, intercepts, workspace=self.workspace, dropout=dropout
            )
            if not np.isfinite(loss):
                return loss  # diverged: stop before the update spreads NaN further
            self.step(self.params, coef_grads + intercept_grads)
            total_loss += loss * batch_weight
            total_weight += batch_weight
            if interrupt_check():
                return np.nan
        return total_loss / total_weight


def _batch_rows(n_samples, batch_size, order=None):
    """Yield the rows of each mini-batch: slices in order, or chunks of ``order``."""
    for start in range(0, n_samples, batch_size):
        stop = min(start + batch_size, n_samples)
        yield slice(start, stop) if order is None else order[start:stop]


def mini_batch_run(data, params, state, *, gradient, settings, rng):
    """A ``MiniBatchRun`` of the settings' optimizer on ``data`` (a ``DataSet``).

    ``state``: the optimizer's; ``rng`` draws the shuffles and dropout masks.
    NumPy parameters take NumPy's fast paths (``_fastpaths``).
    """
    optimizer, batch_size = settings.optimizer(), settings.batch_size_for(data.X.shape[0])
    coefs = split(params)[0]
    if namespace(params[0]) is np:
        step = packed_step(optimizer.step, params, state, optimizer.state_arrays)
        workspace = Workspace.for_params(coefs, batch_size, params[0].dtype)
    else:
        step, workspace = partial(optimizer.step, state=state), None
    rates = settings.dropout_rates()
    dropout = None if rates is None else DropoutSampler(rates, rng, coefs)
    return MiniBatchRun(
        data.X, data.Y, data.sample_weight, params, gradient, step, batch_size, workspace,
        dropout, optimizer, state, rng,
    )  # fmt: skip
