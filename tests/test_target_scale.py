"""BackpropRegressor trains on standardized targets and predicts in the user's units (issue 23).

The reference for each test is the same network trained with
``mlp_parity=True`` (on y itself) on targets the test standardizes by hand:
the two fits run the same arithmetic, so the default model's predictions
must be the reference's mapped back, and its losses the reference's.
"""

import pickle

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, make_regression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropRegressor

from ._helpers import quiet

SETTINGS = dict(hidden_layer_sizes=(6,), learning_rate_init=0.01, max_iter=12, random_state=0)


def regression(n_targets=1, loss="squared_error"):
    """Targets far from the network's scale: mean in the hundreds, spread in the tens."""
    X, y = make_regression(
        n_samples=90, n_features=5, n_informative=4, n_targets=n_targets, noise=3.0,
        random_state=0,
    )  # fmt: skip
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = 300.0 + 20.0 * y / y.std(axis=0)
    return X, (np.exp(y / 200.0).round() if loss == "poisson" else y)


def by_hand(y, sample_weight, loss):
    """What the network trains on, computed independently: ``(offset, scale)`` per target."""
    mean = np.average(y, axis=0, weights=sample_weight)
    if loss == "poisson":
        return 0.0, mean
    return mean, np.sqrt(np.average((y - mean) ** 2, axis=0, weights=sample_weight))


def fit(model, *args, **kwargs):
    return quiet(model.fit, *args, **kwargs)


CASES = {
    "one target": dict(n_targets=1),
    "three targets": dict(n_targets=3),
    "weighted": dict(n_targets=2, weighted=True),
    "poisson": dict(loss="poisson"),
}


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("case", CASES)
def test_trains_on_standardized_targets_and_predicts_in_the_users_units(solver, case):
    options = dict(CASES[case])
    weighted, loss = options.pop("weighted", False), options.pop("loss", "squared_error")
    X, y = regression(loss=loss, **options)
    sample_weight = np.random.RandomState(1).uniform(0.2, 3.0, len(y)) if weighted else None
    # X standardized with the same weights: the input scaling inside then changes nothing.
    X = (X - np.average(X, axis=0, weights=sample_weight)) / np.sqrt(
        np.average((X - np.average(X, axis=0, weights=sample_weight)) ** 2, axis=0,
                   weights=sample_weight)
    )  # fmt: skip
    offset, scale = by_hand(y, sample_weight, loss)
    params = dict(SETTINGS, solver=solver, loss=loss)
    model = fit(BackpropRegressor(**params), X, y, sample_weight=sample_weight)
    reference = fit(
        BackpropRegressor(**params, mlp_parity=True), X, (y - offset) / scale,
        sample_weight=sample_weight,
    )  # fmt: skip
    np.testing.assert_allclose(
        model.predict(X), reference.predict(X) * scale + offset, rtol=1e-10, atol=1e-10
    )
    # loss_curve_ and best_loss_ are in the units training uses.
    np.testing.assert_allclose(model.loss_curve_, reference.loss_curve_, rtol=1e-10)
    assert model.best_loss_ == pytest.approx(reference.best_loss_, rel=1e-10)


def test_the_output_layer_predicts_y_itself():
    # The map back is folded into coefs_ and intercepts_: predict, ONNX and
    # Dask prediction read them as they are.
    X, y = regression()
    model = fit(BackpropRegressor(**SETTINGS), X, y)
    hidden = 1 / (1 + np.exp(-(X @ model.coefs_[0] + model.intercepts_[0])))
    np.testing.assert_allclose(
        hidden @ model.coefs_[1][:, 0] + model.intercepts_[1][0], model.predict(X), rtol=1e-12
    )


def test_validation_losses_are_in_standardized_units_and_scores_are_r2():
    X, y = regression()
    model = fit(BackpropRegressor(**SETTINGS), X[:60], y[:60], X_val=X[60:], y_val=y[60:])
    _, scale = by_hand(y[:60], None, "squared_error")
    prediction = model.predict(X[60:])
    expected = np.mean(((prediction - y[60:]) / scale) ** 2) / 2
    assert model.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-10)
    assert model.validation_scores_[-1] == pytest.approx(model.score(X[60:], y[60:]), rel=1e-10)


@pytest.mark.parametrize("loss", ["squared_error", "poisson"])
def test_warm_start_continues_with_the_statistics_of_the_first_fit(loss):
    X, y = regression(loss=loss)
    offset, scale = by_hand(y, None, loss)
    model = fit(BackpropRegressor(**SETTINGS, loss=loss, warm_start=True), X, y)
    reference = BackpropRegressor(**SETTINGS, loss=loss, warm_start=True, mlp_parity=True)
    fit(reference, X, (y - offset) / scale)
    # The second fit sees a shifted target: the statistics stay the first fit's.
    shifted = y + (50.0 if loss == "squared_error" else 3.0)
    fit(model, X, shifted)
    fit(reference, X, (shifted - offset) / scale)
    np.testing.assert_allclose(model.loss_curve_, reference.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(
        model.predict(X), reference.predict(X) * scale + offset, rtol=1e-10, atol=1e-10
    )


def test_partial_fit_keeps_the_statistics_of_the_first_batch():
    X, y = regression()
    X = (X - X[:45].mean(axis=0)) / X[:45].std(axis=0)  # as the first batch scales its input
    offset, scale = by_hand(y[:45], None, "squared_error")
    model = BackpropRegressor(**SETTINGS)
    reference = BackpropRegressor(**SETTINGS, mlp_parity=True)
    for rows in (slice(0, 45), slice(45, 90), slice(0, 90)):
        model.partial_fit(X[rows], y[rows])
        reference.partial_fit(X[rows], (y[rows] - offset) / scale)
    np.testing.assert_allclose(
        model.predict(X), reference.predict(X) * scale + offset, rtol=1e-10, atol=1e-10
    )


def test_a_pickled_model_predicts_and_continues_as_the_original():
    X, y = regression(n_targets=2)
    model = fit(BackpropRegressor(**SETTINGS, warm_start=True), X, y)
    copy = pickle.loads(pickle.dumps(model))
    np.testing.assert_array_equal(copy.predict(X), model.predict(X))
    np.testing.assert_array_equal(fit(copy, X, y).predict(X), fit(model, X, y).predict(X))


def test_a_constant_target_is_predicted():
    X, _ = regression()
    # Its standard deviation is 0: it trains with scale 1, as StandardScaler would.
    # (An L-BFGS fit to its gradient tolerance: within a few hundredths.)
    model = fit(BackpropRegressor(**SETTINGS, solver="lbfgs"), X, np.full(len(X), 7.5))
    np.testing.assert_allclose(model.predict(X), 7.5, atol=0.05)


def test_mlp_parity_trains_on_y_itself():
    X, y = regression()
    parity = fit(BackpropRegressor(**SETTINGS, mlp_parity=True), X, y)
    default = fit(BackpropRegressor(**SETTINGS), X, y)
    # Raw targets in the hundreds: the loss starts near y's mean square over two.
    assert parity.loss_curve_[0] > 1000 > 1 > default.loss_curve_[0]


def test_diabetes_is_learned_at_the_defaults():
    # The case: R² -2.6 on y itself (mlp_parity), 0.49 in
    # TransformedTargetRegressor(StandardScaler()); a StandardScaler in front.
    X, y = load_diabetes(return_X_y=True)
    model = make_pipeline(StandardScaler(), BackpropRegressor(random_state=0))
    fit(model, X[:350], y[:350])
    assert model.score(X[350:], y[350:]) > 0.4


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_a_huge_target_trains_as_its_standardized_self(solver):
    # On y itself such a target diverges (test_regressor); its squares would overflow.
    X, y = regression()
    params = dict(SETTINGS, solver=solver)
    huge = fit(BackpropRegressor(**params), X, y * 1e200)
    model = fit(BackpropRegressor(**params), X, y)
    np.testing.assert_allclose(huge.predict(X) / 1e200, model.predict(X), rtol=1e-8)
