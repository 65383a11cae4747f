"""Where the settings mean the same, training matches MLPClassifier step for step.

MLPClassifier is an independent implementation of the same algorithm (same
initialisation, batching, shuffling, losses and optimizer updates), so equal
loss curves and weights after many epochs check the whole training loop.
"""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_backprop import BackpropClassifier, BackpropRegressor

MLP_HAS_SAMPLE_WEIGHT = "sample_weight" in inspect.signature(MLPClassifier.fit).parameters


def _data(kind, dtype=np.float64):
    X, y = make_classification(
        n_samples=450,
        n_features=8,
        n_informative=5,
        n_classes=2 if kind == "binary" else 4,
        random_state=0,
    )
    if kind == "multilabel":
        y = np.stack([y == 0, y % 2 == 1, y > 1], axis=1).astype(int)
    return X.astype(dtype), y


def _fit_both(X, y, sample_weight=None, activation="logistic", **settings):
    # Every setting spelled out: the two defaults differ in activation.
    settings = dict(
        activation=activation,
        hidden_layer_sizes=(7, 5),
        max_iter=15,
        random_state=3,
        learning_rate_init=0.01,
        batch_size=64,
        **settings,
    )
    fit_kwargs = {} if sample_weight is None else {"sample_weight": sample_weight}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = BackpropClassifier(**settings, mlp_parity=True).fit(X, y, **fit_kwargs)
        reference = MLPClassifier(**settings).fit(X, y, **fit_kwargs)
    return ours, reference


def _assert_same_training(ours, reference, rtol, compare_loss_curve=True):
    assert ours.n_iter_ == reference.n_iter_
    if compare_loss_curve and hasattr(reference, "loss_curve_"):
        np.testing.assert_allclose(ours.loss_curve_, reference.loss_curve_, rtol=rtol)
    elif compare_loss_curve:  # L-BFGS: scikit-learn keeps the final loss only
        np.testing.assert_allclose(ours.loss_, reference.loss_, rtol=rtol)
    for got, expected in zip(
        ours.coefs_ + ours.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


@pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
@pytest.mark.parametrize("kind", ["binary", "multiclass", "multilabel"])
def test_training_matches_mlpclassifier(kind, solver, activation):
    X, y = _data(kind)
    ours, reference = _fit_both(X, y, solver=solver, activation=activation)
    _assert_same_training(ours, reference, rtol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), reference.predict_proba(X), atol=1e-12)


@pytest.mark.parametrize("nesterovs_momentum", [True, False])
def test_sgd_momentum_variants_match_mlpclassifier(nesterovs_momentum):
    X, y = _data("multiclass")
    ours, reference = _fit_both(
        X,
        y,
        solver="sgd",
        momentum=0.5,
        nesterovs_momentum=nesterovs_momentum,
        alpha=0.01,
        shuffle=False,
    )
    _assert_same_training(ours, reference, rtol=1e-10)


def test_float32_training_matches_mlpclassifier():
    X, y = _data("multiclass", dtype=np.float32)
    ours, reference = _fit_both(X, y, solver="adam")
    _assert_same_training(ours, reference, rtol=1e-4)


def test_early_convergence_matches_mlpclassifier():
    X, y = _data("binary")
    ours, reference = _fit_both(X, y, solver="adam", tol=0.1, n_iter_no_change=2)
    assert ours.n_iter_ < 15  # the stopping rule fired, and at the same epoch
    _assert_same_training(ours, reference, rtol=1e-10)


@pytest.mark.skipif(not MLP_HAS_SAMPLE_WEIGHT, reason="MLPClassifier has sample_weight from 1.7")
def test_weighted_training_matches_mlpclassifier():
    X, y = _data("multiclass")
    sample_weight = np.random.RandomState(0).uniform(0.1, 3, X.shape[0])
    ours, reference = _fit_both(X, y, sample_weight=sample_weight, solver="adam")
    # Same weights; the epoch losses differ by design: ours weighs each batch's
    # loss by its total sample weight, MLPClassifier by its number of rows.
    _assert_same_training(ours, reference, rtol=1e-10, compare_loss_curve=False)


def _set_weights_as_sklearns_test_fit(model):
    """The attributes scikit-learn's own test_mlp.py test_fit sets by hand: no classes_."""
    model.coefs_ = [np.array([[0.1, 0.2], [0.3, 0.1], [0.5, 0.0]]), np.array([[0.1], [0.2]])]
    model.intercepts_ = [np.array([0.1, 0.1]), np.array([1.0])]
    model.n_outputs_, model.n_layers_, model.n_features_in_ = 1, 3, 3
    model.n_iter_, model.t_, model.learning_rate_ = 0, 0, 0.1
    model.out_activation_ = "logistic"
    model.best_loss_, model.loss_curve_, model._no_improvement_count = np.inf, [], 0
    model._coef_velocity = [np.zeros_like(coef) for coef in model.coefs_]
    model._intercept_velocity = [np.zeros_like(bias) for bias in model.intercepts_]


def test_partial_fit_trains_weights_set_by_hand_as_mlpclassifier_does():
    X, y = np.array([[0.6, 0.8, 0.7]]), np.array([0])
    settings = dict(
        solver="sgd", learning_rate_init=0.1, alpha=0.1, activation="logistic",
        random_state=1, max_iter=1, hidden_layer_sizes=2, momentum=0,
    )  # fmt: skip
    ours, reference = BackpropClassifier(**settings, mlp_parity=True), MLPClassifier(**settings)
    for model in (ours, reference):
        _set_weights_as_sklearns_test_fit(model)
        model.partial_fit(X, y, classes=[0, 1])
    np.testing.assert_array_equal(ours.classes_, [0, 1])
    _assert_same_training(ours, reference, rtol=1e-10, compare_loss_curve=False)
    # scikit-learn's worked example: one step from the weights set above.
    np.testing.assert_allclose(ours.coefs_[1], [[0.04706], [0.154089]], atol=1e-3)
    np.testing.assert_allclose(ours.intercepts_[1], [0.9235], atol=1e-3)
    np.testing.assert_allclose(ours.predict_proba(X)[0, 1], 0.739, atol=1e-3)


# -- BackpropRegressor against MLPRegressor ------------------------------------

MLP_HAS_POISSON = "loss" in inspect.signature(MLPRegressor).parameters


def _regression_data(n_targets=1, loss="squared_error"):
    X, y = make_regression(
        n_samples=300, n_features=6, n_informative=4, n_targets=n_targets, noise=5.0,
        random_state=0,
    )  # fmt: skip
    y = (y - y.mean(axis=0)) / y.std(axis=0)
    if loss == "poisson":
        y = np.exp(y / 2)  # positive, count-like rates
    return X, y


def _fit_both_regressors(X, y, **settings):
    defaults = dict(  # every setting spelled out: the two defaults differ in activation
        activation="logistic", hidden_layer_sizes=(7, 5), max_iter=15, random_state=3,
        learning_rate_init=0.01, batch_size=64,
    )  # fmt: skip
    settings = {**defaults, **settings}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = BackpropRegressor(**settings, mlp_parity=True).fit(X, y)
        reference = MLPRegressor(**settings).fit(X, y)
    return ours, reference


@pytest.mark.parametrize(
    "loss",
    [
        "squared_error",
        pytest.param(
            "poisson",
            marks=pytest.mark.skipif(not MLP_HAS_POISSON, reason="MLPRegressor has it from 1.7"),
        ),
    ],
)
@pytest.mark.parametrize("activation", ["logistic", "relu"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_regression_matches_mlpregressor(solver, activation, loss):
    X, y = _regression_data(loss=loss)
    loss_setting = {} if loss == "squared_error" else {"loss": loss}
    ours, reference = _fit_both_regressors(
        X, y, solver=solver, activation=activation, **loss_setting
    )
    _assert_same_training(ours, reference, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), reference.predict(X), rtol=1e-10, atol=1e-12)
    assert ours.predict(X).shape == reference.predict(X).shape == (300,)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_multi_target_regression_trains_the_weights_of_mlpregressor(solver):
    # Our loss sums the squared error over targets, MLPRegressor's averages
    # it; the gradients, and so the weights, are the same.
    X, y = _regression_data(n_targets=3)
    ours, reference = _fit_both_regressors(X, y, solver=solver, activation="relu")
    _assert_same_training(ours, reference, rtol=1e-10, compare_loss_curve=False)
    assert ours.predict(X).shape == (300, 3)


@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_multi_target_loss_curve_against_mlpregressors(alpha):
    # What the user guide states: MLPRegressor reports the squared error
    # averaged over the k targets plus the same L2 penalty p, so its epoch loss
    # is (ours - p) / k + p; ours / k only where alpha=0. One batch per epoch:
    # p is that of the weights the epoch starts from.
    X, y = _regression_data(n_targets=3)
    settings = dict(
        solver="sgd", activation="relu", hidden_layer_sizes=(7, 5), alpha=alpha,
        batch_size=X.shape[0], learning_rate_init=0.01, random_state=3,
    )  # fmt: skip
    ours, reference = BackpropRegressor(**settings, mlp_parity=True), MLPRegressor(**settings)
    ours.partial_fit(X, y)
    reference.partial_fit(X, y)
    for _ in range(4):
        penalty = 0.5 * alpha * sum(np.sum(coef**2) for coef in ours.coefs_) / X.shape[0]
        ours.partial_fit(X, y)
        reference.partial_fit(X, y)
        expected = (ours.loss_curve_[-1] - penalty) / y.shape[1] + penalty
        np.testing.assert_allclose(reference.loss_curve_[-1], expected, rtol=1e-10)


def test_regression_early_stopping_matches_mlpregressor():
    X, y = _regression_data()
    ours, reference = _fit_both_regressors(
        X, y, solver="adam", early_stopping=True, n_iter_no_change=3, tol=1e-2, max_iter=60
    )
    assert ours.n_iter_ < 60
    assert ours.best_loss_ is None
    assert reference.best_loss_ is None
    np.testing.assert_allclose(ours.validation_scores_, reference.validation_scores_, rtol=1e-10)
    _assert_same_training(ours, reference, rtol=1e-10)
