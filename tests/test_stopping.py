"""The stopping rule at defaults (issue 23): the auto budget and hold-out, validation loss."""

import math
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._training import AUTO_HOLD_OUT_SAMPLES, AUTO_MAX_EPOCHS, MIN_PATIENCE_STEPS

from ._helpers import quiet

HEADS = [BackpropClassifier, BackpropRegressor]


def problem(n_samples, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 3))
    return X, (X[:, 0] + 0.5 * X[:, 1] > 0).astype(int)


def fit_without_warnings(model, *args, **kwargs):
    """Fit, turning any warning (a ConvergenceWarning above all) into an error."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return model.fit(*args, **kwargs)


@pytest.mark.parametrize("head", HEADS)
def test_the_auto_budget_ends_training_without_a_convergence_warning(head):
    # tol=0: every epoch that lowers the loss at all counts; only the budget stops it.
    X, y = problem(12)
    model = fit_without_warnings(head(hidden_layer_sizes=(2,), tol=0.0, random_state=0), X, y)
    assert model.n_iter_ == AUTO_MAX_EPOCHS


@pytest.mark.parametrize("head", HEADS)
def test_a_budget_the_user_sets_still_warns_when_it_runs_out(head):
    X, y = problem(12)
    model = head(hidden_layer_sizes=(2,), tol=0.0, random_state=0, max_iter=AUTO_MAX_EPOCHS)
    with pytest.warns(ConvergenceWarning, match=rf"maximum iterations \({AUTO_MAX_EPOCHS}\)"):
        model.fit(X, y)


@pytest.mark.parametrize("head", HEADS)
def test_mlp_parity_has_mlps_budget_of_200_and_warns(head):
    X, y = problem(12)
    model = head(hidden_layer_sizes=(2,), tol=0.0, random_state=0, mlp_parity=True)
    with pytest.warns(ConvergenceWarning, match=r"maximum iterations \(200\)"):
        model.fit(X, y)
    assert model.n_iter_ == 200


def test_defaults_stop_by_the_training_loss_rule_without_a_warning(iris):
    clf = fit_without_warnings(BackpropClassifier(random_state=0), *iris)
    assert 200 < clf.n_iter_ < AUTO_MAX_EPOCHS  # past MLPClassifier's budget, by the rule
    assert clf.validation_scores_ is None  # small data: nothing held out
    assert clf.score(*iris) > 0.95


@pytest.mark.parametrize("head", HEADS)
def test_auto_holds_out_a_validation_set_from_large_data_only(head):
    X, y = problem(AUTO_HOLD_OUT_SAMPLES)
    params = dict(hidden_layer_sizes=(2,), max_iter=2, random_state=0)
    large = quiet(head(**params).fit, X, y)
    assert len(large.validation_scores_) == 2  # scored on a hold-out...
    assert large.best_loss_ is None  # ...and stopped on it, as with early_stopping=True
    small = quiet(head(**params).fit, X[1:], y[1:])
    assert small.validation_scores_ is None
    parity = quiet(head(**params, mlp_parity=True).fit, X, y)
    assert parity.validation_scores_ is None


@pytest.mark.parametrize("head", HEADS)
def test_auto_stops_on_the_users_validation_set(head):
    X, y = problem(80)
    params = dict(hidden_layer_sizes=(4,), learning_rate_init=0.05, random_state=0, tol=0.5)
    # tol=0.5: no epoch improves the validation loss enough; patience ends the fit.
    model = fit_without_warnings(head(**params), X[:60], y[:60], X_val=X[60:], y_val=y[60:])
    assert model.best_loss_ is None
    assert model.n_iter_ < AUTO_MAX_EPOCHS
    scored_only = quiet(head(**params, mlp_parity=True).fit, X[:60], y[:60], X_val=X[60:],
                        y_val=y[60:])  # fmt: skip
    assert scored_only.best_loss_ is not None  # scored only: the training loss stopped it
    assert len(scored_only.validation_scores_) == scored_only.n_iter_


@pytest.mark.parametrize(("batch_size", "batches"), [("auto", 1), (30, 3), (10, 9)])
def test_validation_loss_patience_spans_a_minimum_of_optimizer_steps(batch_size, batches):
    # tol so large that no epoch counts as an improvement: the first epoch sets
    # the best, and training ends once patience is exceeded, two epochs later.
    X, y = problem(100)  # 90 samples to train on, 10 held out
    params = dict(hidden_layer_sizes=(3,), early_stopping=True, tol=10.0, random_state=0)
    clf = fit_without_warnings(BackpropClassifier(**params, batch_size=batch_size), X, y)
    assert clf.n_iter_ == max(10, math.ceil(MIN_PATIENCE_STEPS / batches)) + 2
    parity = quiet(BackpropClassifier(**params, batch_size=batch_size, mlp_parity=True).fit, X, y)
    assert parity.n_iter_ == 10 + 2  # MLPClassifier's n_iter_no_change, in epochs


def test_early_stopping_on_a_small_three_class_table_no_longer_stops_at_the_start():
    # The case: MLPClassifier's rule (accuracy on a 10% hold-out,
    # patience 10) stops after about 20 epochs, before the sigmoid network
    # has left its first plateau.
    X, y = load_wine(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
    scaler = StandardScaler().fit(X_train)
    X_train, X_test = scaler.transform(X_train), scaler.transform(X_test)
    clf = BackpropClassifier(early_stopping=True, random_state=0)
    fit_without_warnings(clf, X_train, y_train)
    as_mlp = quiet(BackpropClassifier(early_stopping=True, random_state=0, mlp_parity=True).fit,
                   X_train, y_train)  # fmt: skip
    assert as_mlp.n_iter_ < 30 < 100 < clf.n_iter_
    assert clf.score(X_test, y_test) > 0.95 > as_mlp.score(X_test, y_test)


@pytest.mark.parametrize("head", HEADS)
def test_partial_fit_runs_at_the_auto_default_and_refuses_a_hold_out(head):
    X, y = problem(40)
    extra = {"classes": [0, 1]} if head is BackpropClassifier else {}
    model = head(hidden_layer_sizes=(2,), random_state=0).partial_fit(X, y, **extra)
    assert model.n_iter_ == 1
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping=True"):
        head(early_stopping=True).partial_fit(X, y, **extra)


def test_auto_holds_out_at_random_where_a_class_has_a_single_sample():
    # A stratified split needs two samples of each class; the user asked for no hold-out.
    X, y = problem(AUTO_HOLD_OUT_SAMPLES)
    y = np.zeros(len(y), dtype=int)
    y[7] = 1
    clf = quiet(BackpropClassifier(hidden_layer_sizes=(2,), max_iter=2, random_state=0).fit, X, y)
    assert len(clf.validation_scores_) == 2
