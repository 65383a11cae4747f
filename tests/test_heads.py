"""Behaviour both heads share, each test run on BackpropClassifier and BackpropRegressor."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_iris, make_friedman1

from sklearn_backprop import BackpropClassifier

from ._helpers import HEADS, assert_same_weights, quiet_fit

SMALL = {  # test_classifier's small_clf and test_regressor's small_reg
    "BackpropClassifier": dict(
        hidden_layer_sizes=(10,), learning_rate_init=0.05, max_iter=60, random_state=0
    ),
    "BackpropRegressor": dict(
        hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=20, random_state=0
    ),
}


def small(head, **params):
    return head(**{**SMALL[head.__name__], **params})


def problem(head):
    """test_classifier's iris, test_regressor's Friedman data (80 samples), standardised."""
    if head is BackpropClassifier:
        X, y = load_iris(return_X_y=True)
    else:
        X, y = make_friedman1(n_samples=120, noise=1.0, random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return (X, y) if head is BackpropClassifier else (X[:80], y[:80])


def output(model, X):
    """What the head predicts continuously: probabilities, or the regression values."""
    return model.predict_proba(X) if isinstance(model, BackpropClassifier) else model.predict(X)


@pytest.mark.parametrize("head", HEADS)
def test_same_random_state_gives_bit_identical_models(head):
    X, y = problem(head)
    first = quiet_fit(small(head, random_state=42), X, y)
    second = quiet_fit(small(head, random_state=42), X, y)
    other = quiet_fit(small(head, random_state=43), X, y)
    assert_same_weights(first, second, rtol=0)
    assert first.loss_curve_ == second.loss_curve_
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
@pytest.mark.parametrize("head", HEADS)
def test_float32_trains_and_predicts_in_float32(head, dtype, expected):
    X, y = problem(head)
    X = (X * 10).astype(dtype)
    model = quiet_fit(small(head, max_iter=3), X, y)
    assert all(c.dtype == expected for c in model.coefs_ + model.intercepts_)
    assert output(model, X).dtype == expected
    assert isinstance(model.loss_, float)


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
@pytest.mark.parametrize("head", HEADS)
def test_sparse_input_gives_the_dense_result(head, container):
    X, y = problem(head)
    X = np.where(np.abs(X) < 0.5, 0, X)
    # At the defaults sparse input is scaled but not centred, dense input
    # centred too: tests/test_scaling.py checks each against its reference.
    dense = quiet_fit(small(head, max_iter=10, mlp_parity=True), X, y)
    sparse = quiet_fit(small(head, max_iter=10, mlp_parity=True), container(X), y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(output(sparse, container(X)), output(dense, X), rtol=1e-10)
