"""Hidden-layer activations and their derivatives.

Every function works on an array of any Array API namespace, in place where
the namespace allows (NumPy: so the training loop can reuse its buffers);
callers use the returned array. Derivatives are written in terms of the activation's *output*
``a = f(z)``, which is what backpropagation has at hand: for the sigmoid,
``f'(z) = a * (1 - a)``, exactly the notebook's ``sigmoid_derivative``.
"""

import math

import numpy as np

from ._xp import into, namespace


def identity(z):
    """Leave ``z`` as it is: ``f(z) = z``."""
    return z


def logistic(z):
    """Apply the sigmoid ``1 / (1 + exp(-z))`` to ``z`` in place.

    ``exp(-z)`` overflows to inf where ``z`` is below about -88 (float32) or
    -709 (float64), and ``1 / (1 + inf)`` is then exactly the sigmoid's limit
    0: that overflow is expected, so its warning is silenced. Relative
    accuracy holds down to the smallest probabilities, which matters for the
    output layer, and this form is the fastest here (docs/benchmarks.md).
    """
    xp = namespace(z)
    with np.errstate(over="ignore", under="ignore"):
        z = into(xp, "negative", z, out=z)
        z = into(xp, "exp", z, out=z)
    z += 1.0
    return into(xp, "divide", 1.0, z, out=z)


def tanh(z):
    """Apply the hyperbolic tangent to ``z`` in place, as ``2 / (1 + exp(-2 z)) - 1``.

    NumPy's own ``tanh`` is not vectorised here and slower (docs/benchmarks.md).
    The error is absolute, a few machine epsilons at most (it depends on
    the platform's ``exp``), where ``np.tanh``'s is relative to the result:
    what counts for a hidden unit is the absolute error, as its output only
    enters weighted sums. ``exp(-2 z)`` overflows to inf below about -44
    (float32) or -355 (float64), where the result is then exactly -1, and
    underflows to 0 above, where it is exactly 1: both are expected, so
    their warnings are silenced.
    """
    xp = namespace(z)
    with np.errstate(over="ignore", under="ignore"):
        z = into(xp, "multiply", z, -2.0, out=z)
        z = into(xp, "exp", z, out=z)
    z += 1.0
    z = into(xp, "divide", 2.0, z, out=z)
    z -= 1.0
    return z


def relu(z):
    """Apply ``max(z, 0)`` to ``z`` in place."""
    # As a clip to [0, inf]: NumPy's maximum against a scalar is not vectorised.
    return into(namespace(z), "clip", z, 0.0, math.inf, out=z)


def identity_derivative(a, delta):
    """Multiply ``delta`` by ``f'(z) = 1``: nothing to do."""
    return delta


def logistic_derivative(a, delta):
    """Multiply ``delta`` in place by the sigmoid's derivative ``a * (1 - a)``."""
    delta *= a
    delta *= 1.0 - a
    return delta


def tanh_derivative(a, delta):
    """Multiply ``delta`` in place by the tanh derivative ``1 - a**2``."""
    delta *= 1.0 - a**2
    return delta


def relu_derivative(a, delta):
    """Zero ``delta`` in place where the unit was off (``a <= 0``).

    A product with the mask: where ``delta`` is already inf or NaN (training
    blowing up) an off unit's entry becomes NaN rather than 0, so the
    gradient says so and the loop reports the divergence.
    """
    # A product rather than ``delta[a <= 0] = 0``: assignment through a
    # boolean mask is far slower in NumPy (docs/benchmarks.md).
    xp = namespace(a)
    unit_on = a > 0
    if xp is not np:  # the standard does not mix booleans into float arithmetic
        unit_on = xp.astype(unit_on, delta.dtype)
    return into(xp, "multiply", delta, unit_on, out=delta)


ACTIVATIONS = {
    "identity": identity,
    "logistic": logistic,
    "tanh": tanh,
    "relu": relu,
}

DERIVATIVES = {
    "identity": identity_derivative,
    "logistic": logistic_derivative,
    "tanh": tanh_derivative,
    "relu": relu_derivative,
}
