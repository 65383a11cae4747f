"""Backpropagation checked against central finite differences of the loss.

The finite differences go through ``loss_and_gradients`` itself, the very
function the solvers call, so a wrong gradient cannot hide behind a correct
copy of the maths.
"""

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_backprop._fastpaths import Workspace
from sklearn_backprop._network import Model, loss_and_gradients

from ._helpers import TARGET_KINDS, make_network, make_problem

ACTIVATIONS = ["logistic", "tanh", "relu", "identity"]
LOSSES = ["log_loss", "squared_error"]


def _numerical_gradients(loss_of, params, step=1e-6):
    gradients = []
    for param in params:
        gradient = np.zeros_like(param)
        for index in np.ndindex(param.shape):
            original = param[index]
            param[index] = original + step
            loss_plus = loss_of()
            param[index] = original - step
            loss_minus = loss_of()
            param[index] = original
            gradient[index] = (loss_plus - loss_minus) / (2 * step)
        gradients.append(gradient)
    return gradients


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.3], ids=["alpha0", "alpha0.3"])
@pytest.mark.parametrize("kind", TARGET_KINDS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradients_match_finite_differences(activation, loss, kind, alpha, weighted):
    X, Y, out_activation = make_problem(kind)
    coefs, intercepts = make_network(X.shape[1], Y.shape[1], activation=activation)
    sample_weight = np.random.RandomState(2).uniform(0, 3, X.shape[0]) if weighted else None
    model = Model(activation, out_activation, loss, alpha)

    def loss_of():
        return loss_and_gradients((X, Y, sample_weight), coefs, intercepts, model)[0]

    _, coef_grads, intercept_grads = loss_and_gradients(
        (X, Y, sample_weight), coefs, intercepts, model
    )
    numerical = _numerical_gradients(loss_of, coefs + intercepts)
    for analytic, expected in zip(coef_grads + intercept_grads, numerical, strict=True):
        np.testing.assert_allclose(analytic, expected, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("kind", TARGET_KINDS)
@pytest.mark.parametrize("loss", LOSSES)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_float32_gradients_stay_float32_and_agree_with_float64(activation, loss, kind):
    results = {}
    for dtype in (np.float32, np.float64):
        X, Y, out_activation = make_problem(kind, dtype=dtype)
        coefs, intercepts = make_network(X.shape[1], Y.shape[1], activation=activation, dtype=dtype)
        results[dtype] = loss_and_gradients(
            (X, Y, None), coefs, intercepts, Model(activation, out_activation, loss, alpha=0.1)
        )
    loss32, coef32, intercept32 = results[np.float32]
    loss64, coef64, intercept64 = results[np.float64]
    assert all(grad.dtype == np.float32 for grad in coef32 + intercept32)
    np.testing.assert_allclose(loss32, loss64, rtol=1e-5)
    for grad32, grad64 in zip(coef32 + intercept32, coef64 + intercept64, strict=True):
        np.testing.assert_allclose(grad32, grad64, rtol=1e-3, atol=1e-5)


def test_integer_sample_weight_equals_repeating_samples():
    X, Y, out_activation = make_problem("multiclass")
    coefs, intercepts = make_network(X.shape[1], Y.shape[1])
    weights = np.arange(X.shape[0]) % 3  # zeros included: those samples vanish
    model = Model("tanh", out_activation, "log_loss", alpha=0.2)
    weighted = loss_and_gradients((X, Y, weights.astype(float)), coefs, intercepts, model)
    repeated_batch = (X.repeat(weights, axis=0), Y.repeat(weights, axis=0), None)
    repeated = loss_and_gradients(repeated_batch, coefs, intercepts, model)
    np.testing.assert_allclose(weighted[0], repeated[0], rtol=1e-12)
    for got, expected in zip(weighted[1] + weighted[2], repeated[1] + repeated[2], strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "csr"])
@pytest.mark.parametrize(
    ("n_features", "hidden"),
    [(4, (5, 4)), (1, (5,)), (4, (1,))],
    ids=["wide", "one-feature", "one-unit"],
)
@pytest.mark.parametrize("kind", TARGET_KINDS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_workspace_gives_the_gradients_of_the_plain_computation(
    activation, kind, n_features, hidden, sparse
):
    # NumPy training writes into a Workspace and takes shortcuts there (np.dot
    # for outer products, column sums as products with ones); the finite
    # differences above check the plain path, this checks that both agree.
    X, Y, out_activation = make_problem(kind, n_features=n_features)
    X = sp.csr_matrix(X) if sparse else X
    coefs, intercepts = make_network(n_features, Y.shape[1], hidden, activation=activation)
    weights = np.random.RandomState(3).uniform(0, 2, X.shape[0])
    model = Model(activation, out_activation, "log_loss", alpha=0.3)
    workspace = Workspace.for_params(coefs, batch_size=X.shape[0] + 5, dtype=X.dtype)
    for rows in (slice(None), slice(0, 7)):  # a full batch and a shorter last one
        batch = (X[rows], Y[rows], weights[rows])
        expected = loss_and_gradients(batch, coefs, intercepts, model)
        got = loss_and_gradients(batch, coefs, intercepts, model, workspace=workspace)
        np.testing.assert_allclose(got[0], expected[0], rtol=1e-12)
        for grad, expected_grad in zip(got[1] + got[2], expected[1] + expected[2], strict=True):
            np.testing.assert_allclose(grad, expected_grad, rtol=1e-10, atol=1e-15)
