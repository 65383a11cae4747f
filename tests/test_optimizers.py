"""Each optimizer step against its textbook formula, written out independently."""

import numpy as np
import pytest

from sklearn_backprop._optimizers import adam_init, adam_step, sgd_init, sgd_step


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
