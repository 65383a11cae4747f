"""Each optimizer step against its textbook formula, written out independently.

And the packed step (one array for all parameters) against the step per array."""

from functools import partial

import numpy as np
import pytest

from sklearn_backprop._optimizers import (
    OPTIMIZERS,
    STATE_ARRAYS,
    adam_init,
    adam_step,
    packed_step,
    sgd_init,
    sgd_step,
)
from sklearn_backprop._packing import pack, packed_base, packed_empty


def _params_and_grads(seed=0):
    rng = np.random.RandomState(seed)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2)]
    grads = [[rng.normal(size=p.shape) for p in params] for _ in range(4)]
    return params, grads


@pytest.mark.parametrize("nesterovs_momentum", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_follows_its_formula(momentum, nesterovs_momentum):
    params, grads_per_step = _params_and_grads()
    expected = [p.copy() for p in params]
    velocity = [np.zeros_like(p) for p in params]
    lr = 0.1
    state = sgd_init(params, lr)
    for grads in grads_per_step:
        sgd_step(
            params,
            [g.copy() for g in grads],  # a step uses its grads as scratch space
            state,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
        )
        for i, g in enumerate(grads):
            velocity[i] = momentum * velocity[i] - lr * g
            step = momentum * velocity[i] - lr * g if nesterovs_momentum else velocity[i]
            expected[i] = expected[i] + step
    for got, want in zip(params, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-14)


def test_adam_follows_its_formula():
    params, grads_per_step = _params_and_grads(1)
    expected = [p.copy() for p in params]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    lr, beta_1, beta_2, eps = 0.01, 0.8, 0.95, 1e-8
    state = adam_init(params, lr)
    for t, grads in enumerate(grads_per_step, start=1):
        scratch = [g.copy() for g in grads]  # a step uses its grads as scratch space
        adam_step(params, scratch, state, beta_1=beta_1, beta_2=beta_2, epsilon=eps)
        for i, g in enumerate(grads):
            m[i] = beta_1 * m[i] + (1 - beta_1) * g
            v[i] = beta_2 * v[i] + (1 - beta_2) * g**2
            m_hat = m[i] / (1 - beta_1**t)
            v_hat = v[i] / (1 - beta_2**t)
            # Kingma and Ba's "efficient" form puts epsilon on the corrected scale.
            expected[i] = expected[i] - lr * m_hat / (np.sqrt(v_hat) + eps / np.sqrt(1 - beta_2**t))
    assert state["t"] == len(grads_per_step)
    for got, want in zip(params, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_sgd_with_zero_momentum_is_plain_gradient_descent():
    params, grads_per_step = _params_and_grads(2)
    start = [p.copy() for p in params]
    state = sgd_init(params, 0.5)
    step_grads = [g.copy() for g in grads_per_step[0]]
    sgd_step(params, step_grads, state, momentum=0.0, nesterovs_momentum=True)
    for got, before, grad in zip(params, start, grads_per_step[0], strict=True):
        np.testing.assert_allclose(got, before - 0.5 * grad, rtol=1e-15)


@pytest.mark.parametrize(
    ("optimizer", "settings"),
    [
        ("sgd", {"momentum": 0.9, "nesterovs_momentum": True}),
        ("sgd", {"momentum": 0.5, "nesterovs_momentum": False}),
        ("adam", {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-8}),
    ],
)
def test_packed_step_is_the_step_on_each_array(optimizer, settings):
    init, step = OPTIMIZERS[optimizer]
    params, grads_per_step = _params_and_grads()
    separate = [p.copy() for p in params]
    separate_state = init(separate, 0.1)
    packed = pack(params)[1]
    packed_state = init(packed, 0.1)
    step_packed = packed_step(partial(step, **settings), packed, packed_state)
    for key in STATE_ARRAYS:  # the state's arrays are packed too
        if key in packed_state:
            assert packed_base(packed_state[key]) is not None
    grad_views = packed_empty([p.shape for p in params], params[0].dtype)[1]
    for number, grads in enumerate(grads_per_step):
        if number == 2:  # a schedule changes the rate between steps
            separate_state["learning_rate"] = packed_state["learning_rate"] = 0.03
        for view, grad in zip(grad_views, grads, strict=True):
            view[...] = grad
        step_packed(packed, grad_views)
        step(separate, [g.copy() for g in grads], separate_state, **settings)
    for got, want in zip(packed, separate, strict=True):
        np.testing.assert_array_equal(got, want)
    assert packed_state.keys() == separate_state.keys()
    for key, value in separate_state.items():
        if isinstance(value, list):  # the moments: views of the packed ones
            for got, want in zip(packed_state[key], value, strict=True):
                np.testing.assert_array_equal(got, want)
        else:  # the rate, Adam's step count
            assert packed_state[key] == value


def test_packed_step_refuses_what_is_not_packed():
    params, grads_per_step = _params_and_grads()
    step = partial(sgd_step, momentum=0.9, nesterovs_momentum=True)
    with pytest.raises(ValueError, match="parameters packed in one array"):
        packed_step(step, params, sgd_init(params, 0.1))
    packed = pack(params)[1]
    step_packed = packed_step(step, packed, sgd_init(packed, 0.1))
    with pytest.raises(ValueError, match="packed like the parameters"):
        step_packed(packed, grads_per_step[0])


def test_pack_keeps_packed_arrays_and_copies_the_others():
    params, _ = _params_and_grads()
    flat, views = pack(params)
    assert all(view.base is flat for view in views)
    for view, param in zip(views, params, strict=True):
        np.testing.assert_array_equal(view, param)
    same_flat, same_views = pack(views)
    assert same_flat is flat
    assert all(a is b for a, b in zip(same_views, views, strict=True))
    # Views of one array in another order, or not covering it, are copied.
    for others in (views[::-1], views[:1]):
        other_flat, copies = pack(others)
        assert other_flat is not flat
        for copy, view in zip(copies, others, strict=True):
            np.testing.assert_array_equal(copy, view)
