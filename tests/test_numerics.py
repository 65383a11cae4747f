"""Activations, losses and predictions stay finite and warning-free at extremes."""

import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from scipy.special import expit
from scipy.special import softmax as scipy_softmax
from sklearn.metrics import log_loss

from sklearn_backprop import BackpropClassifier, _fastpaths
from sklearn_backprop._activations import ACTIVATIONS, DERIVATIVES, logistic
from sklearn_backprop._losses import loss_value, softmax
from sklearn_backprop._network import Model, forward, init_params, network_output

DTYPES = [np.float32, np.float64]
REFERENCE = {
    "identity": lambda z: z,
    "logistic": expit,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
}


@pytest.fixture(autouse=True)
def _warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_matches_reference_and_keeps_dtype(name, dtype):
    z = np.linspace(-1000, 1000, 2001).astype(dtype)
    z = np.concatenate([z, np.linspace(-5, 5, 101, dtype=dtype)])
    result = ACTIVATIONS[name](z.copy())
    assert result.dtype == dtype
    assert np.isfinite(result).all()
    with np.errstate(over="ignore"):  # the naive reference may overflow; ours must not
        expected = REFERENCE[name](z.astype(np.float64))
    np.testing.assert_allclose(result, expected, rtol=10 * np.finfo(dtype).eps, atol=1e-7)


@pytest.mark.parametrize("dtype", DTYPES)
def test_tanh_is_within_three_epsilons_everywhere(dtype):
    # Computed through exp for speed: its error is absolute (in units of the
    # range [-1, 1]), not relative to the result as np.tanh's is. 1.5 epsilons
    # here; the bound allows for another platform's exp (numpy's float32 SIMD
    # exp is within 2.5 ulp, which 2 / (1 + e) - 1 halves, plus three roundings).
    small = np.geomspace(1e-30, 1, 1001)
    z = np.concatenate([np.linspace(-30, 30, 200_001), small, -small]).astype(dtype)
    result = ACTIVATIONS["tanh"](z.copy())
    error = np.abs(result.astype(np.float64) - np.tanh(z.astype(np.float64)))
    assert error.max() <= 3 * np.finfo(dtype).eps
    limits = ACTIVATIONS["tanh"](np.array([0.0, 1e4, -1e4, np.inf, -np.inf], dtype))
    np.testing.assert_array_equal(limits, [0, 1, -1, 1, -1])


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_finite_difference(name):
    z = np.linspace(-4, 4, 81) + 0.013  # avoid relu's kink at exactly 0
    step = 1e-6
    numerical = (REFERENCE[name](z + step) - REFERENCE[name](z - step)) / (2 * step)
    output = ACTIVATIONS[name](z.copy())
    analytic = DERIVATIVES[name](output, np.ones_like(z))
    np.testing.assert_allclose(analytic, numerical, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_is_stable(dtype):
    z = np.array([[1000, -1000, 0], [-1000, -1000, -1000], [0.5, 0.25, -3]], dtype=dtype)
    probabilities = softmax(z.copy())
    assert probabilities.dtype == dtype
    np.testing.assert_allclose(probabilities, scipy_softmax(z.astype(float), axis=1), atol=1e-7)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES)
def test_sigmoid_keeps_tiny_probabilities_accurate(dtype):
    # The output sigmoid must be accurate relative to the probability itself,
    # since its log is taken: sigmoid(-80) is 1.8e-35, not 0.
    z = np.array([-80.0, -40.0, -20.0, 0.0, 20.0], dtype=dtype)
    expected = 1 / (1 + np.exp(-z.astype(np.float64)))
    np.testing.assert_allclose(logistic(z.copy()), expected, rtol=10 * np.finfo(dtype).eps)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    ("loss", "out_activation"),
    [("log_loss", "logistic"), ("log_loss", "softmax"), ("squared_error", "logistic")],
)
def test_losses_are_finite_for_saturated_wrong_predictions(loss, out_activation, dtype):
    y_true = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    y_prob = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    value = loss_value(loss, out_activation, y_true, y_prob)
    assert np.isfinite(value)
    assert value >= 1  # confidently wrong is expensive, not free


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_training_and_prediction_on_huge_inputs_emit_no_warnings(kind, dtype):
    rng = np.random.RandomState(0)
    X = (rng.normal(size=(60, 5)) * 1e3).astype(dtype)
    if kind == "multilabel":
        y = (rng.rand(60, 3) > 0.5).astype(int)
    else:
        y = rng.randint(0, 2 if kind == "binary" else 3, 60)
    clf = BackpropClassifier(
        hidden_layer_sizes=(8,), max_iter=5, n_iter_no_change=100, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # ConvergenceWarning after 5 epochs
        clf.fit(X, y)
    # Saturate every unit: weights a thousand times too large.
    clf.coefs_ = [coef * 1e3 for coef in clf.coefs_]
    proba = clf.predict_proba(X)
    log_proba = clf.predict_log_proba(X)
    assert proba.dtype == dtype
    assert np.isfinite(proba).all()
    assert np.isfinite(log_proba).all()
    assert ((proba > 0) & (proba < 1)).all()  # saturated, yet never exactly 0 or 1
    if kind != "multilabel":
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    np.testing.assert_allclose(np.exp(log_proba), proba, atol=1e-6)


@pytest.mark.parametrize("out_activation", [None, "softmax", "logistic"])
@pytest.mark.parametrize(
    ("X_dtype", "coef_dtype"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.float32, np.float64)],
)
def test_network_output_in_blocks_equals_the_whole_forward_pass(
    monkeypatch, X_dtype, coef_dtype, out_activation
):
    # 2 kB blocks: 20-row blocks at the widest layer (13 float64 units), so
    # 107 rows make five full blocks and a short one.
    monkeypatch.setattr(_fastpaths, "_BLOCK_BYTES", 20 * 13 * 8)
    monkeypatch.setattr(_fastpaths, "_MIN_BLOCK_ROWS", 1)
    rng = np.random.default_rng(0)
    coefs, intercepts = init_params([6, 13, 5, 4], "tanh", np.random.RandomState(0), coef_dtype)
    X = rng.normal(size=(107, 6)).astype(X_dtype)
    expected = forward(X, coefs, intercepts, Model("tanh", out_activation))[-1]
    got = network_output(X, coefs, intercepts, "tanh", out_activation)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)
    # The same from a Fortran-ordered and from a sparse X (which goes whole).
    np.testing.assert_array_equal(
        network_output(np.asfortranarray(X), coefs, intercepts, "tanh", out_activation), expected
    )
    # Sparse products add up in another order: equal to rounding.
    sparse = network_output(sp.csr_matrix(X), coefs, intercepts, "tanh", out_activation)
    tolerance = 1e-6 if np.float32 in (X_dtype, coef_dtype) and X_dtype == coef_dtype else 1e-12
    np.testing.assert_allclose(sparse, expected, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_log_losses_equal_scikit_learns(n_outputs, dtype, weighted):
    rng = np.random.default_rng(0)
    weights = rng.uniform(0.5, 2, 40) if weighted else None
    tolerance = 1e-5 if dtype == np.float32 else 1e-12
    # Independent sigmoid outputs: the sum over outputs of each one's log loss.
    Y = (rng.random((40, n_outputs)) > 0.5).astype(dtype)
    P = rng.uniform(0.01, 0.99, (40, n_outputs)).astype(dtype)
    expected = sum(log_loss(Y[:, j], P[:, j], sample_weight=weights) for j in range(n_outputs))
    got = loss_value(
        "log_loss", "logistic", Y, P, None if weights is None else weights.astype(dtype)
    )
    np.testing.assert_allclose(got, expected, rtol=tolerance)
    if n_outputs > 1:  # softmax outputs against one-hot rows
        labels = rng.integers(0, n_outputs, 40)
        P = scipy_softmax(rng.normal(size=(40, n_outputs)), axis=1).astype(dtype)
        expected = log_loss(labels, P, sample_weight=weights, labels=range(n_outputs))
        one_hot = np.eye(n_outputs, dtype=dtype)[labels]
        got = loss_value(
            "log_loss", "softmax", one_hot, P, None if weights is None else weights.astype(dtype)
        )
        np.testing.assert_allclose(got, expected, rtol=tolerance)
