"""Each optimizer step against its textbook formula, written out independently.

And the packed step (one array for all parameters) against the step per array."""

import numpy as np
import pytest

from sklearn_backprop._fastpaths import pack, packed_base, packed_empty, packed_step
from sklearn_backprop._optimizers import SGD, STATE_ARRAYS, Adam


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
    sgd = SGD(lr, momentum=momentum, nesterovs_momentum=nesterovs_momentum)
    state = sgd.init_state(params)
    for grads in grads_per_step:
        sgd.step(params, [g.copy() for g in grads], state)  # grads are its scratch space
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
    adam = Adam(lr, beta_1=beta_1, beta_2=beta_2, epsilon=eps)
    state = adam.init_state(params)
    for t, grads in enumerate(grads_per_step, start=1):
        scratch = [g.copy() for g in grads]  # a step uses its grads as scratch space
        adam.step(params, scratch, state)
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
    sgd = SGD(0.5, momentum=0.0, nesterovs_momentum=True)
    state = sgd.init_state(params)
    sgd.step(params, [g.copy() for g in grads_per_step[0]], state)
    for got, before, grad in zip(params, start, grads_per_step[0], strict=True):
        np.testing.assert_allclose(got, before - 0.5 * grad, rtol=1e-15)


@pytest.mark.parametrize(
    "optimizer",
    [
        SGD(0.1, momentum=0.9, nesterovs_momentum=True),
        SGD(0.1, momentum=0.5, nesterovs_momentum=False),
        Adam(0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8),
    ],
    ids=["sgd-nesterov", "sgd", "adam"],
)
def test_packed_step_is_the_step_on_each_array(optimizer):
    params, grads_per_step = _params_and_grads()
    separate = [p.copy() for p in params]
    separate_state = optimizer.init_state(separate)
    packed = pack(params)[1]
    packed_state = optimizer.init_state(packed)
    step_packed = packed_step(optimizer.step, packed, packed_state, optimizer.state_arrays)
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
        optimizer.step(separate, [g.copy() for g in grads], separate_state)
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
    sgd = SGD(0.1)
    with pytest.raises(ValueError, match="parameters packed in one array"):
        packed_step(sgd.step, params, sgd.init_state(params), sgd.state_arrays)
    packed = pack(params)[1]
    step_packed = packed_step(sgd.step, packed, sgd.init_state(packed), sgd.state_arrays)
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


def test_invscaling_follows_its_formula_and_adaptive_divides_down_to_its_floor():
    sgd = SGD(0.2, schedule="invscaling", power_t=0.25)
    state = sgd.init_state([np.zeros(2)])
    sgd.epoch_ends(state, samples_seen=99)
    assert state["learning_rate"] == pytest.approx(0.2 / 100**0.25, rel=1e-15)
    assert not sgd.stalled(state)  # no schedule to lower: stop
    adaptive = SGD(1e-5, schedule="adaptive")
    state = adaptive.init_state([np.zeros(2)])
    adaptive.epoch_ends(state, samples_seen=99)
    assert state["learning_rate"] == 1e-5
    assert adaptive.stalled(state)
    assert state["learning_rate"] == pytest.approx(2e-6, rel=1e-15)
    assert adaptive.stalled(state)  # 2e-6 is above the floor: divided once more
    assert state["learning_rate"] == pytest.approx(4e-7, rel=1e-15)
    assert not adaptive.stalled(state)
    assert state["learning_rate"] == pytest.approx(4e-7, rel=1e-15)
