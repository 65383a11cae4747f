"""The network itself: weight initialisation, forward pass and backpropagation.

Plain arrays in, plain arrays out. ``coefs[i]`` has shape (units in layer i,
units in layer i + 1) and ``intercepts[i]`` shape (units in layer i + 1,), so
for one hidden layer ``coefs = [W1, W2]`` and ``intercepts = [b1, b2]`` in
the notebook's notation.
"""

import itertools

import numpy as np

from ._activations import ACTIVATIONS, DERIVATIVES
from ._losses import OUTPUT_ACTIVATIONS, loss_value, output_delta


def init_params(layer_units, activation, rng, dtype):
    """Draw the initial weights and biases for a network of ``layer_units``.

    Uniform on [-b, b] with Glorot and Bengio's bound ``b = sqrt(k / (fan_in +
    fan_out))``, which keeps the signal's variance steady from layer to layer
    (k = 6; k = 2 for the sigmoid, whose slope at 0 is only 1/4). The notebook
    drew from a standard normal, which saturates sigmoid units of a layer with
    more than a handful of inputs. The draws happen in MLPClassifier's order,
    so the same ``random_state`` gives the same initial network.
    """
    factor = 2.0 if activation == "logistic" else 6.0
    coefs, intercepts = [], []
    for fan_in, fan_out in itertools.pairwise(layer_units):
        bound = np.sqrt(factor / (fan_in + fan_out))
        coef = rng.uniform(-bound, bound, (fan_in, fan_out))
        intercept = rng.uniform(-bound, bound, fan_out)
        coefs.append(coef.astype(dtype, copy=False))
        intercepts.append(intercept.astype(dtype, copy=False))
    return coefs, intercepts


def forward(X, coefs, intercepts, activation, out_activation):
    """Return the output of every layer, ``X`` first and the predictions last.

    ``out_activation=None`` leaves the output layer as its raw input z (the
    logits), from which log-probabilities are computed without ``log(0)``.
    """
    activations = [X]
    for layer, (coef, intercept) in enumerate(zip(coefs, intercepts, strict=True)):
        z = activations[-1] @ coef
        z += intercept
        if layer < len(coefs) - 1:
            ACTIVATIONS[activation](z)
        elif out_activation is not None:
            OUTPUT_ACTIVATIONS[out_activation](z)
        activations.append(z)
    return activations


def loss_and_gradients(
    X, Y, sample_weight, coefs, intercepts, *, activation, out_activation, loss, alpha
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
    """
    activations = forward(X, coefs, intercepts, activation, out_activation)
    total_weight = X.shape[0] if sample_weight is None else sample_weight.sum()
    penalty = sum(np.vdot(coef, coef) for coef in coefs)
    value = loss_value(loss, out_activation, Y, activations[-1], sample_weight)
    value += 0.5 * alpha * float(penalty) / float(total_weight)

    # delta is dLoss/dz for the current layer, one row per sample, the
    # notebook's delta2 then delta1.
    delta = output_delta(loss, out_activation, Y, activations[-1])
    if sample_weight is not None:
        delta *= sample_weight[:, np.newaxis]
    derivative = DERIVATIVES[activation]
    n_layers = len(coefs)
    coef_grads, intercept_grads = [None] * n_layers, [None] * n_layers
    for layer in range(n_layers - 1, -1, -1):
        coef_grad = activations[layer].T @ delta
        coef_grad += alpha * coefs[layer]
        coef_grad /= total_weight
        coef_grads[layer] = coef_grad
        intercept_grads[layer] = delta.sum(axis=0) / total_weight
        if layer > 0:  # the input layer's delta is never needed
            delta = derivative(activations[layer], delta @ coefs[layer].T)
    return value, coef_grads, intercept_grads
