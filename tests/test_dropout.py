"""Dropout: the gradient through fixed masks, reproducibility, where it applies and where not."""

import numpy as np
import pytest
import sklearn
from sklearn.datasets import load_digits
from sklearn.metrics import log_loss
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._dropout import DropoutSampler
from sklearn_backprop._network import DropoutMasks, loss_and_gradients
from sklearn_backprop._xp import to_numpy

from ._helpers import TARGET_KINDS, make_network, make_problem, quiet
from .test_gradients import _numerical_gradients


def _fixed_masks(n_rows, widths, rates, seed=5):
    rng = np.random.RandomState(seed)
    masks = [
        None if rate == 0 else (rng.rand(n_rows, width) >= rate) / (1 - rate)
        for width, rate in zip(widths, rates, strict=True)
    ]
    return DropoutMasks(masks, [1 - rate for rate in rates])


OUTPUTS = {kind: None for kind in TARGET_KINDS} | {"regression": "identity", "counts": "exp"}


def _problem(kind):
    if kind in TARGET_KINDS:
        return make_problem(kind)
    X, _, _ = make_problem("binary")
    Y = np.random.RandomState(3).rand(X.shape[0], 2) * 3
    return X, Y, OUTPUTS[kind]


@pytest.mark.parametrize("kind", [*TARGET_KINDS, "regression", "counts"])
@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
def test_gradients_through_fixed_masks_match_finite_differences(activation, kind):
    X, Y, out_activation = _problem(kind)
    loss = {"regression": "squared_error", "counts": "poisson"}.get(kind, "log_loss")
    coefs, intercepts = make_network(X.shape[1], Y.shape[1], activation=activation)
    dropout = _fixed_masks(X.shape[0], [X.shape[1], 5, 4], [0.2, 0.5, 0.3])
    settings = dict(
        activation=activation, out_activation=out_activation, loss=loss, alpha=0.1,
        dropout=dropout,
    )  # fmt: skip

    def loss_of():
        return loss_and_gradients(X, Y, None, coefs, intercepts, **settings)[0]

    _, coef_grads, intercept_grads = loss_and_gradients(X, Y, None, coefs, intercepts, **settings)
    numerical = _numerical_gradients(loss_of, coefs + intercepts)
    for analytic, expected in zip(coef_grads + intercept_grads, numerical, strict=True):
        np.testing.assert_allclose(analytic, expected, rtol=1e-5, atol=1e-8)
    # The masks changed the gradient: the check is not the one without dropout.
    plain = loss_and_gradients(X, Y, None, coefs, intercepts, **{**settings, "dropout": None})
    assert not np.allclose(plain[1][0], coef_grads[0])


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits(return_X_y=True)
    return X[:300] / 16, y[:300]


def _fit(estimator, X, y, **params):
    settings = dict(hidden_layer_sizes=(32,), max_iter=4, random_state=0, dropout=0.3)
    return quiet(estimator(**{**settings, **params}).fit, X, y)


@pytest.mark.parametrize("estimator", [BackpropClassifier, BackpropRegressor])
def test_a_fit_with_dropout_is_repeated_bit_for_bit_and_differs_without(digits, estimator):
    X, y = digits
    first, second = _fit(estimator, X, y), _fit(estimator, X, y)
    pairs = zip(first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_, strict=True)
    for a, b in pairs:
        np.testing.assert_array_equal(a, b)
    without = _fit(estimator, X, y, dropout=0.0)
    assert not np.allclose(without.coefs_[0], first.coefs_[0])
    # Prediction drops nothing: the same input, the same output, every time.
    np.testing.assert_array_equal(first.predict(X), first.predict(X))


@pytest.mark.parametrize("zero", [0.0, [0.0, 0.0], (0, 0)], ids=["scalar", "list", "tuple"])
def test_zero_dropout_is_the_fit_without_it_bit_for_bit(digits, zero):
    X, y = digits
    plain = _fit(BackpropClassifier, X, y, dropout=0.0, hidden_layer_sizes=(8, 6))
    given = _fit(BackpropClassifier, X, y, dropout=zero, hidden_layer_sizes=(8, 6))
    pairs = zip(plain.coefs_ + plain.intercepts_, given.coefs_ + given.intercepts_, strict=True)
    for a, b in pairs:
        np.testing.assert_array_equal(a, b)
    assert plain.loss_curve_ == given.loss_curve_


def test_each_batch_draws_new_masks_with_the_rates_statistics():
    rng = np.random.RandomState(0)
    coefs = [np.zeros((50, 40)), np.zeros((40, 3))]
    sampler = DropoutSampler([0.2, 0.5], rng, coefs)
    first, second = sampler.draw(400), sampler.draw(400)
    assert not np.array_equal(first.masks[1], second.masks[1])
    for masks in (first, second):
        for mask, rate in zip(masks.masks, [0.2, 0.5], strict=True):
            np.testing.assert_array_equal(np.unique(mask), [0.0, 1 / (1 - rate)])
            # 20,000 and 16,000 draws: the dropped share within 4 standard errors.
            dropped = np.mean(mask == 0)
            assert abs(dropped - rate) < 4 * np.sqrt(rate * (1 - rate) / mask.size)


@pytest.mark.parametrize("params", [{"dropout": 0.2}, {"input_dropout": 0.1}], ids=str)
def test_lbfgs_refuses_dropout(digits, params):
    X, y = digits
    with pytest.raises(ValueError, match=r"dropout.*solver='sgd' or 'adam'"):
        BackpropClassifier(solver="lbfgs", **params).fit(X, y)
    quiet(BackpropClassifier(solver="lbfgs", dropout=0.0, max_iter=3).fit, X, y)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (-0.1, InvalidParameterError),
        (1.0, InvalidParameterError),
        (float("nan"), InvalidParameterError),
        ("0.5", InvalidParameterError),
        ([0.2, 0.3], ValueError),  # two rates, one hidden layer
        ([0.2, 1.5], ValueError),
        ([np.nan], ValueError),
        (["a"], ValueError),
    ],
    ids=["negative", "one", "nan", "string", "wrong-length", "above-one", "nan-list", "strings"],
)
def test_bad_dropout_values_are_named_at_fit(digits, value, error):
    X, y = digits
    clf = BackpropClassifier(hidden_layer_sizes=(8,), dropout=value, max_iter=1)
    with pytest.raises(error, match="dropout"):
        clf.fit(X, y)


def test_bad_input_dropout_is_named(digits):
    with pytest.raises(InvalidParameterError, match="input_dropout"):
        BackpropClassifier(input_dropout=1.0).fit(*digits)


def test_validation_figures_are_computed_without_dropout(digits):
    X, y = digits
    X_val, y_val = X[200:], y[200:]
    clf = quiet(
        BackpropClassifier(hidden_layer_sizes=(32,), dropout=0.5, input_dropout=0.2,
                           max_iter=3, random_state=0).fit,
        X[:200], y[:200], X_val=X_val, y_val=y_val,
    )  # fmt: skip
    # The last epoch's weights are the model's (no early stopping): its own,
    # mask-free predictions give the recorded figures.
    assert clf.validation_scores_[-1] == clf.score(X_val, y_val)
    expected_loss = log_loss(y_val, clf.predict_proba(X_val), labels=clf.classes_)
    assert clf.validation_loss_curve_[-1] == pytest.approx(expected_loss, rel=1e-10)


def test_per_layer_rates_and_input_dropout_train_a_deeper_network(digits):
    X, y = digits
    clf = _fit(
        BackpropClassifier, X, y, hidden_layer_sizes=(32, 16), dropout=[0.5, 0.0],
        input_dropout=0.2, max_iter=30, learning_rate_init=0.01,
    )  # fmt: skip
    assert clf.score(X, y) > 0.8


# -- Array API: masks drawn where the weights live ------------------------------

LIBRARIES = ["array_api_strict", "torch"]


def _converter(name):
    """NumPy arrays to ``name``'s arrays (on the CPU)."""
    module = pytest.importorskip(name)
    if name == "torch":
        return lambda array: module.asarray(array, device="cpu")
    return module.asarray


@pytest.mark.parametrize("library", LIBRARIES)
def test_masks_are_drawn_in_the_weights_library_with_the_rates_statistics(library):
    to_library = _converter(library)
    coefs = [to_library(np.zeros((50, 40))), to_library(np.zeros((40, 3)))]
    sampler = DropoutSampler([0.2, 0.5], np.random.RandomState(0), coefs)
    first, second = sampler.draw(400), sampler.draw(400)
    for mask, rate in zip(first.masks, [0.2, 0.5], strict=True):
        assert type(mask) is type(coefs[0])
        values = to_numpy(mask)
        np.testing.assert_allclose(np.unique(values), [0.0, 1 / (1 - rate)], rtol=1e-15)
        assert abs(np.mean(values == 0) - rate) < 4 * np.sqrt(rate * (1 - rate) / values.size)
    assert not np.array_equal(to_numpy(first.masks[1]), to_numpy(second.masks[1]))


@pytest.mark.parametrize("library", LIBRARIES)
def test_fits_with_dropout_in_the_inputs_library(digits, library):
    to_library = _converter(library)
    X, y = digits
    settings = dict(hidden_layer_sizes=(16,), dropout=0.3, input_dropout=0.1, max_iter=3)
    with sklearn.config_context(array_api_dispatch=True):
        fitted = [
            quiet(BackpropClassifier(random_state=0, **settings).fit, to_library(X), to_library(y))
            for _ in range(2)
        ]
        proba = fitted[0].predict_proba(to_library(X))
    assert type(proba) is type(to_library(X))
    first, second = (to_numpy(model.coefs_[0]) for model in fitted)
    np.testing.assert_array_equal(first, second)  # reproducible in every library
    assert np.isfinite(first).all()


def test_input_dropout_on_sparse_input_trains_as_on_dense(digits):
    import scipy.sparse as sp

    X, y = digits
    # Parity: at the defaults sparse input is scaled but not centred (test_scaling.py).
    settings = dict(
        hidden_layer_sizes=(16,), input_dropout=0.2, dropout=0.2, max_iter=2, mlp_parity=True
    )
    dense = _fit(BackpropClassifier, X, y, **settings)
    sparse = _fit(BackpropClassifier, sp.csr_matrix(X), y, **settings)
    for a, b in zip(dense.coefs_, sparse.coefs_, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
