"""Stochastic gradient descent (with momentum) and Adam, each with its learning-rate schedule.

An optimizer is a small object holding its settings; what changes during
training lives in a ``state`` dict of plain arrays and numbers (so a fitted
model pickles, and loads with skops, without any custom class), which the
estimator keeps between calls. ``params`` and ``grads`` are aligned lists,
``coefs + intercepts``. The current step size is ``state["learning_rate"]``.

A step overwrites ``grads``, using them as scratch space: the training loop
computes new ones for every batch anyway, and temporaries the size of the
weights, allocated on every step, cost as much as the arithmetic (on NumPy;
other Array API namespaces get the same arithmetic with new arrays).
"""

import math

from ._xp import into, namespace


def _zeros_like(params):
    return [namespace(param).zeros_like(param) for param in params]


class SGD:
    """Gradient descent with (Nesterov's) momentum and the schedules of MLPClassifier.

    ``schedule``: 'constant'; 'invscaling', ``learning_rate_init / (t + 1) **
    power_t`` after ``t`` samples; 'adaptive', the rate divided by 5 each time
    training stalls, until it is below 1e-6.
    """

    name = "sgd"
    state_arrays = ("velocities",)
    ADAPTIVE_DIVISOR = 5.0
    ADAPTIVE_FLOOR = 1e-6

    def __init__(
        self, learning_rate_init, *, momentum=0.9, nesterovs_momentum=True,
        schedule="constant", power_t=0.5,
    ):  # fmt: skip
        self.learning_rate_init = learning_rate_init
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.schedule = schedule
        self.power_t = power_t

    def init_state(self, params):
        """The step size and one velocity per parameter, at rest."""
        return {"learning_rate": self.learning_rate_init, "velocities": _zeros_like(params)}

    def step(self, params, grads, state):
        """``v = momentum * v - lr * grad``, then ``param += v``.

        With Nesterov's momentum the step looks one velocity ahead:
        ``param += momentum * v - lr * grad``. With ``momentum=0`` this is
        the plain ``param -= lr * grad`` of the notebook.
        """
        learning_rate, momentum = state["learning_rate"], self.momentum
        xp = namespace(params[0])
        for param, grad, velocity in zip(params, grads, state["velocities"], strict=True):
            grad *= learning_rate
            velocity *= momentum
            velocity -= grad
            if self.nesterovs_momentum:
                param -= grad
                param += into(xp, "multiply", velocity, momentum, out=grad)
            else:
                param += velocity

    def epoch_ends(self, state, samples_seen):
        """Move the rate along its schedule after an epoch; ``samples_seen`` counts all calls."""
        if self.schedule == "invscaling":
            state["learning_rate"] = self.learning_rate_init / (samples_seen + 1) ** self.power_t

    def stalled(self, state):
        """Training stopped improving: lower the rate and return True to go on, or False."""
        if self.schedule == "adaptive" and state["learning_rate"] > self.ADAPTIVE_FLOOR:
            state["learning_rate"] /= self.ADAPTIVE_DIVISOR
            return True
        return False


class Adam:
    """Adam (Kingma and Ba, 2014), bias correction folded into the step size; no schedule."""

    name = "adam"
    state_arrays = ("first_moments", "second_moments")

    def __init__(self, learning_rate_init, *, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.learning_rate_init = learning_rate_init
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init_state(self, params):
        """Step size, step count, and first and second moment estimates at zero."""
        return {
            "learning_rate": self.learning_rate_init,
            "t": 0,
            "first_moments": _zeros_like(params),
            "second_moments": _zeros_like(params),
        }

    def step(self, params, grads, state):
        """``m = b1 m + (1 - b1) g; v = b2 v + (1 - b2) g^2; param -= lr_t m / (sqrt(v) + eps)``."""
        state["t"] += 1
        t, beta_1, beta_2 = state["t"], self.beta_1, self.beta_2
        step_size = state["learning_rate"] * math.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        xp = namespace(params[0])
        moments = zip(params, grads, state["first_moments"], state["second_moments"], strict=True)
        for param, grad, first, second in moments:
            # first = beta_1 * first + (1 - beta_1) * grad, without a temporary
            first -= grad
            first *= beta_1
            first += grad
            second *= beta_2
            grad *= grad
            grad *= 1 - beta_2
            second += grad
            # grad is free now: it holds the step, -step_size * m / (sqrt(v) + eps).
            step = into(xp, "sqrt", second, out=grad)
            step += self.epsilon
            step = into(xp, "divide", first, step, out=step)
            step *= step_size
            param -= step

    def epoch_ends(self, state, samples_seen):
        """Adam keeps its step size."""

    def stalled(self, state):
        """Adam has no schedule to lower: training stops."""
        return False


# The keys of any optimizer's state that hold one array per parameter.
STATE_ARRAYS = SGD.state_arrays + Adam.state_arrays
