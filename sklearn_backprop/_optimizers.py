"""Stochastic gradient descent (with momentum), Adam, and learning-rate schedules.

Each optimizer is an ``init`` function returning its state, a dict of plain
arrays and numbers (so a fitted model pickles, and loads with skops, without
any custom class), and a ``step`` function that updates the parameters in
place. ``params`` and ``grads`` are aligned lists, ``coefs + intercepts``. The
current step size is ``state["learning_rate"]``, which the schedules change.

A step overwrites ``grads``, using them as scratch space: the training loop
computes new ones for every batch anyway, and temporaries the size of the
weights, allocated on every step, cost as much as the arithmetic (on NumPy;
other Array API namespaces get the same arithmetic with new arrays).
"""

import math

from ._packing import pack, packed_base
from ._xp import into, namespace

# The keys of an optimizer state that hold one array per parameter.
STATE_ARRAYS = ("velocities", "first_moments", "second_moments")


def sgd_init(params, learning_rate):
    """State of SGD: the step size and one velocity per parameter, at rest."""
    return {
        "learning_rate": learning_rate,
        "velocities": [namespace(param).zeros_like(param) for param in params],
    }


def sgd_step(params, grads, state, *, momentum, nesterovs_momentum):
    """One SGD step: ``v = momentum * v - lr * grad``, then ``param += v``.

    With Nesterov's momentum the step looks one velocity ahead:
    ``param += momentum * v - lr * grad``. With ``momentum=0`` this is the
    plain ``param -= lr * grad`` of the notebook.
    """
    learning_rate = state["learning_rate"]
    xp = namespace(params[0])
    for param, grad, velocity in zip(params, grads, state["velocities"], strict=True):
        grad *= learning_rate
        velocity *= momentum
        velocity -= grad
        if nesterovs_momentum:
            param -= grad
            param += into(xp, "multiply", velocity, momentum, out=grad)
        else:
            param += velocity


def adam_init(params, learning_rate):
    """State of Adam: step size, step count, first and second moment estimates."""
    return {
        "learning_rate": learning_rate,
        "t": 0,
        "first_moments": [namespace(param).zeros_like(param) for param in params],
        "second_moments": [namespace(param).zeros_like(param) for param in params],
    }


def adam_step(params, grads, state, *, beta_1, beta_2, epsilon):
    """One Adam step (Kingma and Ba, 2014), bias correction folded into the rate."""
    state["t"] += 1
    t = state["t"]
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
        step += epsilon
        step = into(xp, "divide", first, step, out=step)
        step *= step_size
        param -= step


OPTIMIZERS = {"sgd": (sgd_init, sgd_step), "adam": (adam_init, adam_step)}


def invscaling_rate(learning_rate_init, samples_seen, power_t):
    """The 'invscaling' schedule: ``lr_init / (samples_seen + 1) ** power_t``."""
    return learning_rate_init / (samples_seen + 1) ** power_t


# 'adaptive' divides the rate by this when training stalls, down to the floor.
ADAPTIVE_DIVISOR = 5.0
ADAPTIVE_FLOOR = 1e-6


def packed_step(step, params, state):
    """``step`` on NumPy parameters, gradients and optimizer state packed into one array each.

    The arithmetic of a step is elementwise, so one call on the packed
    arrays does for every parameter what a call per parameter does, with
    the same result; for a small network, those calls' overhead is most of
    the step's time (SGD: 46 against 26 us a step for 100 inputs, 128
    hidden units, float32). ``params`` must be packed already (see
    ``_packing``; the model's weights are, from ``init_params`` on); the
    state's arrays are packed here. Returns the packed step, which expects
    gradients packed the same way (the Workspace's).
    """
    flat_params = packed_base(params)
    if flat_params is None:
        raise ValueError("packed_step needs parameters packed in one array (_packing.pack).")
    flat_moments = {}
    for key in STATE_ARRAYS:
        if key in state:
            flat_moments[key], state[key] = pack(state[key])

    def step_packed(params, grads):
        flat_grads = grads[0].base
        if flat_grads is None or flat_grads.size != flat_params.size:
            raise ValueError("packed_step needs the gradients packed like the parameters.")
        # The step reads the current learning rate and counts steps in the
        # state: hand it the state with the packed arrays, then keep its counts.
        flat_state = {**state, **{key: [flat] for key, flat in flat_moments.items()}}
        step([flat_params], [flat_grads], flat_state)
        state.update({key: flat_state[key] for key in state if key not in flat_moments})

    return step_packed
