"""The network itself: weight initialisation, forward pass and backpropagation.

Plain arrays in, plain arrays out. ``coefs[i]`` has shape (units in layer i,
units in layer i + 1) and ``intercepts[i]`` shape (units in layer i + 1,), so
for one hidden layer ``coefs = [W1, W2]`` and ``intercepts = [b1, b2]`` in
the notebook's notation.

The arrays may come from any Array API namespace (``_xp``). On NumPy the
training loop calls ``loss_and_gradients`` thousands of times per epoch with
batches of one size, so it can pass a ``Workspace``: arrays allocated once
and overwritten by every batch. Allocating fresh arrays of this size on
each call costs page faults, not just a malloc; reusing them is most of the
difference between this loop and MLPClassifier's.
"""

import itertools

import numpy as np
import scipy.sparse as sp

from ._activations import ACTIVATIONS, DERIVATIVES
from ._losses import OUTPUT_ACTIVATIONS, loss_value, output_delta
from ._packing import pack, packed_empty
from ._xp import into, namespace


def init_params(layer_units, activation, rng, dtype):
    """Draw the initial weights and biases for a network of ``layer_units``.

    Uniform on [-b, b] with Glorot and Bengio's bound ``b = sqrt(k / (fan_in +
    fan_out))``, which keeps the signal's variance steady from layer to layer
    (k = 6; k = 2 for the sigmoid, whose slope at 0 is only 1/4). The notebook
    drew from a standard normal, which saturates sigmoid units of a layer with
    more than a handful of inputs. The draws happen in MLPClassifier's order,
    so the same ``random_state`` gives the same initial network (NumPy arrays,
    in every namespace: the caller moves them), packed in one array for
    ``_optimizers.packed_step``.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in itertools.pairwise(layer_units):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    params = pack([array.astype(dtype, copy=False) for array in coefs + intercepts])[1]
    return params[: len(coefs)], params[len(coefs) :]


class Workspace:
    """The NumPy arrays one batch of training writes to, for batches of up to ``batch_size`` rows.

    ``batch(n)`` gives views for a batch of ``n`` rows (the last batch of an
    epoch is often shorter). ``gather=False`` leaves out the buffers that
    mini-batches gather their rows of X and Y into (``inputs``, ``targets``):
    full-batch training reads X and Y as they are.
    """

    def __init__(self, layer_units, batch_size, dtype, gather=True):
        self.activations = [np.empty((batch_size, units), dtype) for units in layer_units[1:]]
        self.deltas = [np.empty((batch_size, units), dtype) for units in layer_units[1:]]
        self.inputs = self.targets = None
        if gather:
            self.inputs = np.empty((batch_size, layer_units[0]), dtype)
            self.targets = np.empty((batch_size, layer_units[-1]), dtype)
        # The gradients are views of one array, in the parameters' order
        # (coefs, then intercepts), for _optimizers.packed_step.
        n_layers = len(layer_units) - 1
        shapes = [*itertools.pairwise(layer_units), *((units,) for units in layer_units[1:])]
        grads = packed_empty(shapes, dtype)[1]
        self.coef_grads, self.intercept_grads = grads[:n_layers], grads[n_layers:]
        self.penalty_grads = [np.empty_like(grad) for grad in self.coef_grads]
        self.ones = np.ones(batch_size, dtype)  # see _column_sums

    @classmethod
    def for_params(cls, coefs, batch_size, dtype, gather=True):
        layer_units = [coefs[0].shape[0]] + [coef.shape[1] for coef in coefs]
        return cls(layer_units, batch_size, dtype, gather)

    def batch(self, n_rows):
        return [array[:n_rows] for array in self.activations], [d[:n_rows] for d in self.deltas]


def _matmul(a, b, out=None):
    """``a @ b``, written into ``out`` (NumPy only) without a temporary for dense ``a``."""
    if out is None:
        return a @ b
    if not isinstance(a, np.ndarray):  # sparse input: scipy's product allocates
        out[...] = a @ b
        return out
    if a.shape[-1] == 1:
        # An outer product (backpropagating through a layer of one unit, a
        # binary output): np.matmul does not hand it to BLAS and takes 8x
        # longer than np.dot, which does (256 x 1 by 1 x 128, float32: 63
        # against 8 us); each entry is the same single product either way.
        return np.dot(a, b, out=out)
    return np.matmul(a, b, out=out)


def _column_sums(delta, ones, out):
    """``delta.sum(axis=0)``, into ``out`` on NumPy where ``ones`` is a vector of ones."""
    if ones is None:
        return into(namespace(delta), "sum", delta, axis=0, out=out)
    # As a product with a vector of ones (BLAS): np.sum reduces along the
    # first axis 5x slower (256 x 128, float32: 16 against 3 us).
    return np.matmul(ones[: delta.shape[0]], delta, out=out)


def _squared_norm(xp, array):
    # np.vdot needs no temporary the size of the weights. Elsewhere the sum
    # stays on the device, so that the penalty is read back once, not per layer.
    return float(np.vdot(array, array)) if xp is np else xp.sum(array * array)


def forward(X, coefs, intercepts, activation, out_activation, outputs=None):
    """Return the output of every layer, ``X`` first and the predictions last.

    ``out_activation=None`` leaves the output layer as its raw input z (the
    logits). ``outputs`` are NumPy arrays to write each layer's output to;
    new arrays by default.
    """
    activations = [X]
    for layer, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        z = _matmul(activations[-1], coef, out=None if outputs is None else outputs[layer])
        z += intercept
        if layer < len(coefs) - 1:
            z = ACTIVATIONS[activation](z)
        elif out_activation is not None:
            z = OUTPUT_ACTIVATIONS[out_activation](z)
        activations.append(z)
    return activations


# Rows per block in ``network_output``: the widest hidden layer's block takes about
# this many bytes, which stay in the CPU's cache between the layers, but a block
# has at least _MIN_BLOCK_ROWS rows: each block reads all the weights again,
# and a wide layer's product over a few rows runs at a fraction of the
# machine's rate (hidden width 16,384: 32-row blocks took 1.18x the time of
# the whole array, 1,024-row blocks 0.72x).
_BLOCK_BYTES = 2**21
_MIN_BLOCK_ROWS = 1024


def network_output(X, coefs, intercepts, activation, out_activation):
    """The network's output for ``X``: the last of ``forward``'s arrays, in less time and memory.

    A dense NumPy ``X`` goes through the network a block of rows at a time,
    into one preallocated result: each block's hidden activations are
    still in the cache when the next layer reads them, and a prediction
    needs one block's activations beyond its result however many rows
    ``X`` has. Other inputs, and inputs no longer than the smallest block,
    go through ``forward`` whole.
    """
    # A few rows would make one block anyway; skipping the bookkeeping is
    # a third of the network's time on one row (37 against 25 us, digits).
    few_rows = X.shape[0] <= _MIN_BLOCK_ROWS
    if namespace(coefs[0]) is not np or sp.issparse(X) or len(coefs) == 1 or few_rows:
        return forward(X, coefs, intercepts, activation, out_activation)[-1]
    dtype = np.result_type(X, coefs[0])
    widths = [coef.shape[1] for coef in coefs]
    block_rows = max(_MIN_BLOCK_ROWS, _BLOCK_BYTES // (dtype.itemsize * max(widths[:-1])))
    hidden = [np.empty((min(block_rows, X.shape[0]), width), dtype) for width in widths[:-1]]
    result = np.empty((X.shape[0], widths[-1]), dtype)
    for start in range(0, X.shape[0], block_rows):
        block = X[start : start + block_rows]
        outputs = [array[: block.shape[0]] for array in hidden] + [
            result[start : start + block.shape[0]]
        ]
        forward(block, coefs, intercepts, activation, out_activation, outputs)
    return result


def loss_and_gradients(
    X,
    Y,
    sample_weight,
    coefs,
    intercepts,
    *,
    activation,
    out_activation,
    loss,
    alpha,
    workspace=None,
):
    """The loss on (X, Y) and its gradient with respect to every weight and bias.

    The loss is the weighted average per-sample loss plus the L2 penalty
    ``alpha / 2 * sum(||W||^2)`` spread over the batch's total weight. With
    ``sample_weight=None`` every sample weighs 1, and an integer weight is the
    same as repeating the sample.

    Returns
    -------
    loss : float
    coef_grads, intercept_grads : lists of arrays shaped like coefs, intercepts
        The workspace's arrays when one is given: valid until the next call.
    """
    xp = namespace(coefs[0])
    n_samples, n_layers = X.shape[0], len(coefs)
    if workspace is None:
        outputs = deltas = coef_grads = intercept_grads = penalty_grads = [None] * n_layers
        ones = None
    else:
        outputs, deltas = workspace.batch(n_samples)
        coef_grads, intercept_grads = workspace.coef_grads, workspace.intercept_grads
        penalty_grads, ones = workspace.penalty_grads, workspace.ones
    activations = forward(X, coefs, intercepts, activation, out_activation, outputs)
    total_weight = float(n_samples if sample_weight is None else xp.sum(sample_weight))
    penalty = float(sum(_squared_norm(xp, coef) for coef in coefs))
    value = loss_value(loss, out_activation, Y, activations[-1], sample_weight)
    value += 0.5 * alpha * penalty / total_weight

    # delta is dLoss/dz for the current layer, one row per sample: the
    # notebook's delta2, then delta1. Dividing it by the total weight up
    # front makes every gradient below an average at no extra pass.
    delta = output_delta(loss, out_activation, Y, activations[-1], out=deltas[-1])
    if sample_weight is not None:
        delta *= sample_weight[:, None]
    delta *= 1.0 / total_weight
    derivative = DERIVATIVES[activation]
    coef_grads, intercept_grads = list(coef_grads), list(intercept_grads)
    for layer in range(n_layers - 1, -1, -1):
        coef_grads[layer] = _matmul(activations[layer].T, delta, out=coef_grads[layer])
        coef_grads[layer] += into(
            xp, "multiply", coefs[layer], alpha / total_weight, out=penalty_grads[layer]
        )
        intercept_grads[layer] = _column_sums(delta, ones, out=intercept_grads[layer])
        if layer > 0:  # the input layer's delta is never needed
            delta = _matmul(delta, coefs[layer].T, out=deltas[layer - 1])
            delta = derivative(activations[layer], delta)
    return value, coef_grads, intercept_grads
