"""The network itself: weight initialisation, forward pass and backpropagation.

Plain arrays in, plain arrays out. ``coefs[i]`` has shape (units in layer i,
units in layer i + 1) and ``intercepts[i]`` shape (units in layer i + 1,), so
for one hidden layer ``coefs = [W1, W2]`` and ``intercepts = [b1, b2]`` in
the notebook's notation. The arrays may come from any Array API namespace
(``_xp``); on NumPy, the training loop may pass a ``Workspace`` of buffers to
write into (``_fastpaths``, which a reader of the algorithm can skip).
"""

import itertools
import math

import numpy as np
import scipy.sparse as sp

from . import _fastpaths
from ._activations import ACTIVATIONS, DERIVATIVES
from ._losses import OUTPUT_ACTIVATIONS, loss_value, output_delta
from ._xp import into, namespace, to_numpy


def join(coefs, intercepts):
    """The parameters as one list, weights first: what optimizers and L-BFGS update."""
    return [*coefs, *intercepts]


def split(params):
    """``join``'s list back into its weights and its biases (a network has as many of each)."""
    n_layers = len(params) // 2
    return params[:n_layers], params[n_layers:]


def init_params(layer_units, activation, rng, dtype):
    """Draw the initial weights and biases for a network of ``layer_units``.

    Uniform on [-b, b] with Glorot and Bengio's bound ``b = sqrt(k / (fan_in +
    fan_out))``, which keeps the signal's variance steady from layer to layer
    (k = 6; k = 2 for the sigmoid, whose slope at 0 is only 1/4). The notebook
    drew from a standard normal, which saturates sigmoid units of a layer with
    more than a handful of inputs. The draws happen in MLPClassifier's order,
    so the same ``random_state`` gives the same initial network (NumPy arrays,
    packed in one: ``_fastpaths.pack``).
    """
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in itertools.pairwise(layer_units):
        bound = math.sqrt(factor / (fan_in + fan_out))
        coefs.append(rng.uniform(-bound, bound, (fan_in, fan_out)))
        intercepts.append(rng.uniform(-bound, bound, fan_out))
    params = _fastpaths.pack([array.astype(dtype, copy=False) for array in join(coefs, intercepts)])
    return split(params[1])


def check_layer_shapes(coefs, intercepts, layer_units):
    """Refuse weights set or fitted for another architecture than ``layer_units``."""
    expected = list(itertools.pairwise(layer_units))
    found = [tuple(np.shape(coef)) for coef in coefs]
    found_biases = [tuple(np.shape(bias)) for bias in intercepts]
    if found != expected or found_biases != [(units,) for units in layer_units[1:]]:
        raise ValueError(
            f"coefs_ have shapes {found} and intercepts_ {found_biases}, but "
            f"hidden_layer_sizes and the data ask for {expected}; fit with "
            "warm_start=False to start over with the new architecture."
        )


def _matmul(a, b, out):
    return a @ b if out is None else _fastpaths.matmul_into(a, b, out)


class DropoutMasks:
    """Dropout for one batch: per layer input (``X`` first), a mask or None.

    Inverted dropout: a mask holds 0 for a dropped unit and ``1 / keep``
    for a kept one (``keep = 1 - rate``), so that every input's expectation
    is what prediction, which drops nothing, sees.
    """

    def __init__(self, masks, keep):
        self.masks, self.keep = masks, keep

    def apply(self, layer, inputs):
        """The input of ``layer`` with its units dropped (a new array)."""
        mask = self.masks[layer]
        if mask is None:
            return inputs
        if sp.issparse(inputs):  # X
            return inputs.multiply(mask).tocsr()
        return inputs * mask


def forward(X, coefs, intercepts, activation, out_activation, outputs=None, dropout=None):
    """Return the output of every layer, ``X`` first and the predictions last.

    ``out_activation=None`` leaves the output layer as its raw input z (the
    logits). ``outputs`` are NumPy arrays to write each layer's output to;
    new arrays by default. With ``dropout`` (a ``DropoutMasks``), each
    layer reads, and the list holds, its input after dropout.
    """
    activations = [X if dropout is None else dropout.apply(0, X)]
    for layer, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        z = _matmul(activations[-1], coef, None if outputs is None else outputs[layer])
        z += intercept
        if layer < len(coefs) - 1:
            z = ACTIVATIONS[activation](z)
            if dropout is not None:
                z = dropout.apply(layer + 1, z)
        elif out_activation is not None:
            z = OUTPUT_ACTIVATIONS[out_activation](z)
        activations.append(z)
    return activations


def network_output(X, coefs, intercepts, activation, out_activation):
    """The network's output for ``X``: the last of ``forward``'s arrays.

    On NumPy, many rows go through a block at a time (``_fastpaths.row_blocks``):
    less memory, and each block's activations still in the cache.
    """
    blocks = _fastpaths.row_blocks(X, coefs)
    if blocks is None:
        return forward(X, coefs, intercepts, activation, out_activation)[-1]
    for block, outputs in blocks:
        forward(block, coefs, intercepts, activation, out_activation, outputs)
    return blocks.result


def check_finite_output(output):
    xp = namespace(output)
    finite = xp.isfinite(output)
    if not xp.all(finite):
        bad_rows = to_numpy(~xp.all(finite, axis=1))
        raise ValueError(
            f"The network's output overflows for {bad_rows.sum()} sample(s), e.g. "
            f"row {np.flatnonzero(bad_rows)[0]}: their feature values are too large "
            "for it. Scale the input (e.g. with StandardScaler), as for training."
        )


def _buffers(workspace, n_samples, n_layers):
    """Where a backward pass writes: the workspace's arrays, or None for new ones."""
    if workspace is None:
        nothing = [None] * n_layers
        return nothing, nothing, nothing, nothing, nothing, None
    outputs, deltas = workspace.batch(n_samples)
    return (
        outputs, deltas, workspace.coef_grads, workspace.intercept_grads,
        workspace.penalty_grads, workspace.ones,
    )  # fmt: skip


def _squared_norm(xp, array):
    # Elsewhere than NumPy the sum stays on the device: read back once, not per layer.
    return _fastpaths.squared_norm(array) if xp is np else xp.sum(array * array)


def loss_and_gradients(
    X, Y, sample_weight, coefs, intercepts, *, activation, out_activation, loss, alpha,
    workspace=None, dropout=None,
):  # fmt: skip
    """The loss on (X, Y) and its gradient with respect to every weight and bias.

    The loss is the weighted average per-sample loss plus the L2 penalty
    ``alpha / 2 * sum(||W||^2)`` spread over the batch's total weight. With
    ``sample_weight=None`` every sample weighs 1, and an integer weight is the
    same as repeating the sample. ``dropout`` (a ``DropoutMasks``): the loss
    and gradients of the thinned network those masks leave.

    Returns
    -------
    loss : float
    coef_grads, intercept_grads : lists of arrays shaped like coefs, intercepts
        The workspace's arrays when one is given: valid until the next call.
    """
    xp = namespace(coefs[0])
    n_samples = X.shape[0]
    buffers = _buffers(workspace, n_samples, len(coefs))
    activations = forward(X, coefs, intercepts, activation, out_activation, buffers[0], dropout)
    total_weight = float(n_samples if sample_weight is None else xp.sum(sample_weight))
    penalty = float(sum(_squared_norm(xp, coef) for coef in coefs))
    value = loss_value(loss, out_activation, Y, activations[-1], sample_weight)
    value += 0.5 * alpha * penalty / total_weight

    # delta is dLoss/dz for the current layer, one row per sample: the
    # notebook's delta2, then delta1. Dividing it by the total weight up
    # front makes every gradient below an average at no extra pass.
    delta = output_delta(loss, out_activation, Y, activations[-1], out=buffers[1][-1])
    if sample_weight is not None:
        delta *= sample_weight[:, None]
    delta *= 1.0 / total_weight
    grads = _backward(delta, activations, coefs, alpha / total_weight, activation, buffers, dropout)
    return value, *grads


def _backward(delta, activations, coefs, penalty_rate, activation, buffers, dropout):
    """Backpropagate the output layer's ``delta``: the gradients of every weight and bias."""
    xp = namespace(coefs[0])
    _, deltas, coef_grads, intercept_grads, penalty_grads, ones = buffers
    coef_grads, intercept_grads = list(coef_grads), list(intercept_grads)
    derivative = DERIVATIVES[activation]
    for layer in range(len(coefs) - 1, -1, -1):
        coef_grads[layer] = _matmul(activations[layer].T, delta, coef_grads[layer])
        coef_grads[layer] += into(
            xp, "multiply", coefs[layer], penalty_rate, out=penalty_grads[layer]
        )
        if ones is None:
            intercept_grads[layer] = xp.sum(delta, axis=0)
        else:
            intercept_grads[layer] = _fastpaths.column_sums(delta, ones, intercept_grads[layer])
        if layer > 0:  # the input layer's delta is never needed
            delta = _matmul(delta, coefs[layer].T, deltas[layer - 1])
            outputs = activations[layer]
            if dropout is not None and dropout.masks[layer] is not None:
                delta *= dropout.masks[layer]  # a dropped unit passes nothing back
                outputs = outputs * dropout.keep[layer]  # a kept unit's output before dropout
            delta = derivative(outputs, delta)
    return coef_grads, intercept_grads
