"""BackpropRegressor as a scikit-learn user sees it: the classifier's tests, for regression."""

import os
import pickle
import signal
import threading
import warnings
from copy import deepcopy

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.datasets import make_friedman1
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_poisson_deviance, mean_squared_error, r2_score
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropRegressor, InconsistentVersionWarning, TrainingDivergedError
from sklearn_backprop._callbacks import CALLBACKS_AVAILABLE

from ._helpers import Recorder, assert_same_weights, quiet, quiet_fit

needs_callbacks = pytest.mark.skipif(
    not CALLBACKS_AVAILABLE, reason="sklearn.callback needs scikit-learn >= 1.9"
)


@pytest.fixture(scope="module")
def friedman():
    """Friedman's first problem, standardised, split 80 / 40: (X, X_val, y, y_val)."""
    X, y = make_friedman1(n_samples=120, noise=1.0, random_state=0)
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    return X[:80], X[80:], y[:80], y[80:]


@pytest.fixture(scope="module")
def data(friedman):
    """(X, y): 80 samples of 10 features, one target."""
    return friedman[0], friedman[2]


@pytest.fixture(scope="module")
def two_targets(data):
    """(X, Y): the same X, two targets."""
    X, y = data
    return X, np.c_[y, X[:, 0] - 2 * X[:, 1]]


def small_reg(**params):
    settings = dict(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=20, random_state=0)
    return BackpropRegressor(**{**settings, **params})


class TestFitAndPredict:
    @pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
    def test_learns_what_a_linear_model_cannot(self, solver):
        X, y = make_friedman1(n_samples=400, noise=0.5, random_state=0)
        X = StandardScaler().fit_transform(X)
        linear = LinearRegression().fit(X[:300], y[:300])
        reg = quiet_fit(
            small_reg(hidden_layer_sizes=(16,), solver=solver, alpha=0.1, learning_rate_init=0.1,
                      max_iter=300, tol=1e-4),
            X[:300],
            y[:300],
        )  # fmt: skip
        assert reg.score(X[300:], y[300:]) > linear.score(X[300:], y[300:]) + 0.02

    def test_one_target_predicts_1d_and_score_is_r2(self, data):
        X, y = data
        reg = quiet_fit(small_reg(), X, y)
        prediction = reg.predict(X)
        assert prediction.shape == (80,)
        assert reg.score(X, y) == pytest.approx(r2_score(y, prediction), rel=1e-12)

    @pytest.mark.parametrize("column", [False, True], ids=["1d-y", "column-y"])
    def test_a_column_y_is_one_target(self, data, column):
        X, y = data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the column vector's DataConversionWarning
            reg = quiet_fit(small_reg(), X, y[:, None] if column else y)
        assert reg.n_outputs_ == 1
        np.testing.assert_array_equal(reg.predict(X), quiet_fit(small_reg(), X, y).predict(X))

    def test_several_targets_predict_2d(self, two_targets):
        X, Y = two_targets
        reg = quiet_fit(small_reg(), X, Y)
        prediction = reg.predict(X)
        assert prediction.shape == (80, 2)
        assert reg.score(X, Y) == pytest.approx(r2_score(Y, prediction), rel=1e-12)

    @pytest.mark.parametrize(
        ("loss", "out_activation"), [("squared_error", "identity"), ("poisson", "exp")]
    )
    def test_fitted_attributes(self, two_targets, loss, out_activation):
        X, Y = two_targets
        reg = quiet_fit(small_reg(hidden_layer_sizes=(6, 5), loss=loss, max_iter=7), X, np.abs(Y))
        assert reg.n_layers_ == 4
        assert reg.n_outputs_ == 2
        assert reg.out_activation_ == out_activation
        assert [c.shape for c in reg.coefs_] == [(10, 6), (6, 5), (5, 2)]
        assert [b.shape for b in reg.intercepts_] == [(6,), (5,), (2,)]
        assert len(reg.loss_curve_) == reg.n_iter_ == 7
        assert reg.loss_ == reg.loss_curve_[-1]
        assert reg.best_loss_ == min(reg.loss_curve_)
        assert reg.t_ == 7 * 80
        assert reg.validation_scores_ is None
        assert not hasattr(reg, "classes_")

    def test_poisson_predicts_positive_values(self, data):
        X, y = data
        reg = quiet_fit(small_reg(loss="poisson"), X, np.round(y))
        assert (reg.predict(X) > 0).all()

    def test_unfitted_predict(self, data):
        with pytest.raises(NotFittedError):
            small_reg().predict(data[0])

    def test_inputs_are_never_modified(self, two_targets):
        X, Y = (array.copy() for array in two_targets)
        sample_weight = np.linspace(0.5, 2, len(Y))
        copies = X.copy(), Y.copy(), sample_weight.copy()
        for array in (X, Y, sample_weight):
            array.flags.writeable = False  # any write raises
        reg = quiet_fit(small_reg(max_iter=3), X, Y, sample_weight=sample_weight)
        reg.partial_fit(X, Y, sample_weight)
        quiet(reg.fit, X, Y, X_val=X[:20], y_val=Y[:20], sample_weight_val=sample_weight[:20])
        reg.predict(X), reg.score(X, Y, sample_weight=sample_weight)
        for array, copy in zip((X, Y, sample_weight), copies, strict=True):
            np.testing.assert_array_equal(array, copy)


class TestSampleWeight:
    @pytest.mark.parametrize("loss", ["squared_error", "poisson"])
    def test_integer_weight_is_repetition_with_lbfgs(self, data, loss):
        X, y = data
        y = np.abs(y)
        weights = np.arange(len(y)) % 3  # 0 removes a sample
        weighted = quiet_fit(small_reg(solver="lbfgs", loss=loss), X, y, sample_weight=weights)
        repeated = quiet_fit(
            small_reg(solver="lbfgs", loss=loss), X.repeat(weights, axis=0), y.repeat(weights)
        )
        np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)
        np.testing.assert_allclose(weighted.predict(X), repeated.predict(X), rtol=1e-9)
        unweighted = quiet_fit(small_reg(solver="lbfgs", loss=loss), X, y)
        assert not np.allclose(unweighted.predict(X), weighted.predict(X))

    def test_score_weighs_samples_as_r2_score(self, data):
        X, y = data
        reg = quiet_fit(small_reg(), X, y)
        weights = np.linspace(0, 2, len(y))
        expected = r2_score(y, reg.predict(X), sample_weight=weights)
        assert reg.score(X, y, sample_weight=weights) == pytest.approx(expected, rel=1e-12)


class TestValidationData:
    @pytest.mark.parametrize(
        ("loss", "metric"),
        [("squared_error", mean_squared_error), ("poisson", mean_poisson_deviance)],
    )
    def test_validation_figures_are_r2_and_loss_of_the_model(self, friedman, loss, metric):
        X, X_val, y, y_val = friedman
        reg = quiet_fit(small_reg(loss=loss, max_iter=7), X, y, X_val=X_val, y_val=y_val)
        assert len(reg.validation_scores_) == len(reg.validation_loss_curve_) == 7
        # Without early stopping the final model is the last epoch's.
        prediction = reg.predict(X_val)
        assert reg.validation_scores_[-1] == pytest.approx(r2_score(y_val, prediction), rel=1e-12)
        # The loss is half the metric, in the units training uses: y standardized
        # by the training target's mean and standard deviation (Poisson: over its mean).
        offset, scale = (0.0, y.mean()) if loss == "poisson" else (y.mean(), y.std())
        expected_loss = metric((y_val - offset) / scale, (prediction - offset) / scale) / 2
        assert reg.validation_loss_curve_[-1] == pytest.approx(expected_loss, rel=1e-12)

    def test_validation_weights_weigh_the_score(self, friedman):
        X, X_val, y, y_val = friedman
        weights = np.linspace(0.1, 3, len(y_val))
        reg = quiet_fit(
            small_reg(max_iter=5), X, y, X_val=X_val, y_val=y_val, sample_weight_val=weights
        )
        expected = r2_score(y_val, reg.predict(X_val), sample_weight=weights)
        assert reg.validation_scores_[-1] == pytest.approx(expected, rel=1e-12)
        assert reg.validation_scores_[-1] != pytest.approx(r2_score(y_val, reg.predict(X_val)))

    def test_several_targets_score_their_mean_r2(self, friedman):
        X, X_val, y, y_val = friedman
        Y, Y_val = np.c_[y, X[:, 0]], np.c_[y_val, X_val[:, 0]]
        reg = quiet_fit(small_reg(max_iter=5), X, Y, X_val=X_val, y_val=Y_val)
        expected = r2_score(Y_val, reg.predict(X_val))
        assert reg.validation_scores_[-1] == pytest.approx(expected, rel=1e-12)

    def test_early_stopping_restores_the_best_epoch(self, friedman):
        X, X_val, y, y_val = friedman
        reg = small_reg(
            hidden_layer_sizes=(64,), learning_rate_init=0.05, early_stopping=True,
            n_iter_no_change=10, tol=0.0, max_iter=300,
        ).fit(X, y, X_val=X_val, y_val=y_val)  # fmt: skip
        assert reg.n_iter_ < 300
        best = max(reg.validation_scores_)
        assert reg.best_validation_score_ == best
        assert reg.validation_scores_[-1] < best  # the last epoch was not the best...
        # ...and the model is the best one.
        assert r2_score(y_val, reg.predict(X_val)) == pytest.approx(best, rel=1e-12)
        assert reg.best_loss_ is None

    def test_early_stopping_holds_out_a_random_fraction(self, data):
        X, y = data
        reg = quiet_fit(small_reg(early_stopping=True, validation_fraction=0.25, max_iter=4), X, y)
        assert len(reg.validation_scores_) == 4
        assert reg.t_ == 4 * 60  # three quarters of the samples trained on
        assert reg.best_loss_ is None

    def test_x_val_needs_y_val(self, data):
        with pytest.raises(ValueError, match="X_val and y_val must be given together"):
            small_reg().fit(*data, X_val=data[0])


class TestHistoryAndDisplay:
    def test_history_has_a_row_per_epoch(self, friedman):
        X, X_val, y, y_val = friedman
        reg = quiet_fit(small_reg(max_iter=4), X, y, X_val=X_val, y_val=y_val)
        history = reg.history_
        assert isinstance(history, pd.DataFrame)
        assert list(history.columns) == [
            "epoch",
            "train_loss",
            "validation_loss",
            "validation_score",
            "learning_rate",
            "seconds",
        ]
        assert history["epoch"].tolist() == [1, 2, 3, 4]
        assert history["train_loss"].tolist() == reg.loss_curve_
        assert history["validation_score"].tolist() == reg.validation_scores_
        assert history["validation_loss"].tolist() == reg.validation_loss_curve_

    def test_partial_fit_adds_rows(self, data):
        reg = small_reg()
        for _ in range(3):
            reg.partial_fit(*data)
        assert reg.history_["epoch"].tolist() == [1, 2, 3]
        assert reg.history_["validation_score"].isna().all()

    def test_loss_curve_display(self, friedman):
        matplotlib = pytest.importorskip("matplotlib")
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from sklearn_backprop import LossCurveDisplay

        X, X_val, y, y_val = friedman
        reg = quiet_fit(small_reg(max_iter=6), X, y, X_val=X_val, y_val=y_val)
        try:
            display = LossCurveDisplay.from_estimator(reg)
            assert sorted(display.lines_) == ["train_loss", "validation_loss", "validation_score"]
            np.testing.assert_array_equal(display.lines_["train_loss"].get_ydata(), reg.loss_curve_)
            np.testing.assert_array_equal(
                display.lines_["validation_score"].get_ydata(), reg.validation_scores_
            )
            assert display.ax_.get_title() == "BackpropRegressor"
        finally:
            plt.close("all")


@needs_callbacks
class TestCallbacks:
    @pytest.mark.parametrize("solver", ["adam", "lbfgs"])
    def test_a_callback_sees_each_epoch_and_stops_training(self, data, solver):
        X, y = data
        recorder = Recorder(stop_after=3)
        reg = small_reg(solver=solver, max_iter=50, tol=0).set_callbacks(recorder)
        reg.fit(X, y)
        assert reg.n_iter_ == len(reg.loss_curve_) == len(recorder.fitted) == 3
        for epoch, fitted in enumerate(recorder.fitted, start=1):
            reference = quiet_fit(small_reg(solver=solver, max_iter=epoch, tol=0), X, y)
            np.testing.assert_allclose(fitted.predict(X), reference.predict(X), rtol=1e-10)

    def test_scoring_monitor_records_r2(self, data):
        from sklearn.callback import ScoringMonitor

        X, y = data
        monitor = ScoringMonitor(scoring="r2")
        reg = quiet_fit(small_reg(max_iter=4, tol=0).set_callbacks(monitor), X, y)
        log = monitor.get_logs().data_as_pandas
        epochs = log[log["task_name"] == "epoch"]
        assert list(epochs["task_id"]) == [0, 1, 2, 3]
        assert epochs["r2"].iloc[-1] == pytest.approx(reg.score(X, y), rel=1e-12)


class TestTrainingControl:
    def test_divergence_keeps_the_weights_of_the_epoch_before(self, data):
        X, y = data
        # A linear network with a huge step: the weights grow without bound.
        params = dict(
            solver="sgd", learning_rate_init=1e3, activation="identity", n_iter_no_change=1000
        )
        reg = small_reg(max_iter=500, **params)
        with pytest.raises(TrainingDivergedError, match="smaller learning_rate_init"):
            reg.fit(X, y)
        assert 1 < reg.n_iter_ == len(reg.loss_curve_) < 500
        assert np.isfinite(reg.loss_curve_).all()
        before = quiet_fit(small_reg(max_iter=reg.n_iter_, **params), X, y)
        assert_same_weights(reg, before, rtol=0)
        assert np.isfinite(reg.predict(X)).all()

    @pytest.mark.parametrize(
        ("solver", "method"),
        [("sgd", "fit"), ("adam", "fit"), ("lbfgs", "fit"), ("sgd", "partial_fit")],
    )
    def test_divergence_on_a_huge_target_names_the_target(self, data, solver, method):
        X, y = data
        # Trained on y as it is (mlp_parity): by default it is standardized first.
        reg = small_reg(solver=solver, max_iter=5, mlp_parity=True)
        with pytest.raises(TrainingDivergedError, match="Scale the target: y holds values up"):
            getattr(reg, method)(X, y * 1e200)

    def test_divergence_on_a_huge_input_names_the_input(self, data):
        X, y = data
        # mlp_parity: the input as it is (standardized, it would not diverge).
        reg = small_reg(solver="lbfgs", activation="identity", max_iter=5, mlp_parity=True)
        with pytest.raises(TrainingDivergedError, match="scaling the input") as error:
            reg.fit(X * 1e200, y * 1e200)  # the target no larger than the input
        assert "target" not in str(error.value)

    @pytest.mark.parametrize("solver", ["adam", "lbfgs"])
    def test_ctrl_c_keeps_the_last_completed_epoch(self, data, solver):
        X, y = np.tile(data[0], (40, 1)), np.tile(data[1], 40)  # epochs of a few milliseconds
        # On y itself (mlp_parity), L-BFGS needs seconds: the timer fires mid-fit.
        params = dict(solver=solver, tol=0.0, max_fun=10**9, n_iter_no_change=np.inf,
                      mlp_parity=True)  # fmt: skip
        reg = small_reg(max_iter=100_000, **params)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                reg.fit(X, y)
        finally:
            timer.cancel()
        assert 0 < reg.n_iter_ == len(reg.loss_curve_) == len(reg.history_) < 100_000
        uninterrupted = quiet_fit(small_reg(max_iter=reg.n_iter_, **params), X, y)
        assert_same_weights(reg, uninterrupted, rtol=0)

    def test_warm_start_continues(self, data):
        reg = quiet_fit(small_reg(warm_start=True, max_iter=10), *data)
        first_curve = list(reg.loss_curve_)
        quiet_fit(reg, *data)
        assert reg.loss_curve_[:10] == first_curve
        assert len(reg.loss_curve_) == 20
        assert reg.n_iter_ == 10
        assert reg.loss_curve_[10] < first_curve[-1]  # no restart from random weights

    def test_partial_fit_takes_mlpregressors_argument_order(self, data):
        X, y = data
        weights = np.linspace(0.2, 3, len(y))
        positional = small_reg(shuffle=False).partial_fit(X, y, weights)
        keyword = quiet_fit(small_reg(shuffle=False, max_iter=1), X, y, sample_weight=weights)
        assert_same_weights(positional, keyword, rtol=1e-12)
        unweighted = small_reg(shuffle=False).partial_fit(X, y)
        assert not np.allclose(unweighted.coefs_[0], positional.coefs_[0])

    def test_partial_fit_continues_a_fit(self, data):
        settings = dict(shuffle=False, solver="sgd", momentum=0.0)
        longer = quiet_fit(small_reg(max_iter=6, **settings), *data)
        shorter = quiet_fit(small_reg(max_iter=5, **settings), *data).partial_fit(*data)
        assert_same_weights(shorter, longer, rtol=1e-12)
        np.testing.assert_allclose(shorter.loss_curve_, longer.loss_curve_, rtol=1e-12)

    def test_lbfgs_has_no_partial_fit(self):
        assert not hasattr(BackpropRegressor(solver="lbfgs"), "partial_fit")


class TestBadInput:
    @pytest.mark.parametrize(
        ("make_y", "message"),
        [
            (lambda y: np.where(np.arange(len(y)) == 3, np.nan, y), "Input y contains NaN"),
            (lambda y: np.where(np.arange(len(y)) == 3, np.inf, y), "Input y contains infinity"),
            (lambda y: np.array(["a", "b"] * (len(y) // 2)), "could not convert string to float"),
            (lambda y: y + 1j, "Complex data not supported"),
            (lambda y: y[:-1], "inconsistent numbers of samples"),
            (lambda y: y.reshape(-1, 1, 1), "dim 3"),
        ],
        ids=["nan", "inf", "strings", "complex", "length", "3d"],
    )
    def test_bad_y(self, data, make_y, message):
        X, y = data
        with pytest.raises(ValueError, match=message):
            small_reg().fit(X, make_y(y))

    @pytest.mark.parametrize("method", ["fit", "partial_fit"])
    def test_negative_y_with_poisson(self, data, method):
        X, y = data
        y = y - 15  # some below zero
        with pytest.raises(ValueError, match=r"loss='poisson' needs non-negative y.*negative"):
            getattr(small_reg(loss="poisson"), method)(X, y)

    def test_negative_y_val_with_poisson(self, friedman):
        X, X_val, y, y_val = friedman
        with pytest.raises(ValueError, match=r"^In the validation data .*non-negative y"):
            small_reg(loss="poisson").fit(X, y, X_val=X_val, y_val=y_val - 100)

    def test_y_val_with_another_number_of_targets(self, friedman):
        X, X_val, y, y_val = friedman
        with pytest.raises(ValueError, match=r"^In the validation data .*y has 2 target\(s\)"):
            small_reg().fit(X, y, X_val=X_val, y_val=np.c_[y_val, y_val])

    def test_another_number_of_targets_on_partial_fit(self, data):
        X, y = data
        reg = small_reg().partial_fit(X, y)
        with pytest.raises(ValueError, match=r"y has 2 target\(s\), but the model was fitted on 1"):
            reg.partial_fit(X, np.c_[y, y])

    def test_another_number_of_targets_on_warm_start(self, two_targets):
        X, Y = two_targets
        reg = quiet_fit(small_reg(warm_start=True, max_iter=2), X, Y)
        with pytest.raises(ValueError, match=r"y has 1 target\(s\), but the model was fitted on 2"):
            reg.fit(X, Y[:, 0])

    def test_class_weight_is_not_a_parameter(self):
        with pytest.raises(TypeError, match="class_weight"):
            BackpropRegressor(class_weight="balanced")
        with pytest.raises(ValueError, match="Invalid parameter 'class_weight'"):
            BackpropRegressor().set_params(class_weight="balanced")

    def test_classes_is_not_an_argument_of_partial_fit(self, data):
        with pytest.raises(TypeError, match="classes"):
            small_reg().partial_fit(*data, classes=[0, 1])

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"loss": "log_loss"}, r"'loss' parameter .* among .*'poisson'"),
            ({"alpha": -1.0}, r"'alpha' parameter .* range \[0.0, inf\)"),
        ],
    )
    def test_invalid_parameters(self, data, params, message):
        with pytest.raises(ValueError, match=message):
            small_reg(**params).fit(*data)

    @pytest.mark.parametrize(
        ("bad_call", "message"),
        [
            (lambda reg, X, y: reg.fit(X, np.where(X[:, 0] > 1, np.nan, y)), "NaN"),
            (lambda reg, X, y: reg.set_params(loss="poisson").fit(X, y - 15), "non-negative"),
            (lambda reg, X, y: reg.set_params(warm_start=True).fit(X, np.c_[y, y]), "target"),
            (lambda reg, X, y: reg.partial_fit(X, np.c_[y, y]), "target"),
            (lambda reg, X, y: reg.fit(X, y, X_val=X[:5], y_val=np.c_[y, y][:5]), "target"),
        ],
        ids=["nan-y", "poisson-negative", "warm-targets", "partial-targets", "y-val-targets"],
    )  # fmt: skip
    def test_a_failed_fit_leaves_the_model_as_it_was(self, data, bad_call, message):
        X, y = data
        reg = quiet_fit(small_reg(), X, y)
        before = {key: deepcopy(value) for key, value in vars(reg).items()}
        prediction = reg.predict(X)
        with pytest.raises(ValueError, match=message):
            bad_call(reg, X, y)
        assert vars(reg).keys() == before.keys()
        np.testing.assert_array_equal(reg.predict(X), prediction)
        assert reg.loss_curve_ == before["loss_curve_"]


class TestEcosystem:
    @pytest.mark.parametrize("round_trip", ["pickle", "clone-then-fit"])
    def test_round_trips_keep_predictions(self, two_targets, round_trip):
        X, Y = two_targets
        reg = quiet_fit(small_reg(), X, Y)
        if round_trip == "pickle":
            restored = pickle.loads(pickle.dumps(reg))
        else:
            restored = quiet_fit(clone(reg), X, Y)
        np.testing.assert_array_equal(restored.predict(X), reg.predict(X))

    def test_pickled_mid_partial_fit_continues_identically(self, data):
        reg = small_reg().partial_fit(*data)
        restored = pickle.loads(pickle.dumps(reg))
        for _ in range(2):
            reg.partial_fit(*data)
            restored.partial_fit(*data)
        assert_same_weights(restored, reg, rtol=0)

    def test_other_package_version_warns(self, data):
        reg = quiet_fit(small_reg(max_iter=2), *data)
        state = reg.__getstate__()
        state["_sklearn_backprop_version"] = "0.0.1"
        restored = BackpropRegressor.__new__(BackpropRegressor)
        with pytest.warns(InconsistentVersionWarning, match="saved by sklearn-backprop 0.0.1"):
            restored.__setstate__(state)
        np.testing.assert_array_equal(restored.predict(data[0]), reg.predict(data[0]))

    def test_pipeline_with_standard_scaler(self, friedman):
        X, X_val, y, y_val = friedman
        shift = 1000.0  # unscaled, the network would learn nothing in 50 epochs
        pipeline = quiet_fit(
            make_pipeline(StandardScaler(), small_reg(learning_rate_init=0.05, max_iter=50)),
            X * 50 + shift,
            y,
        )
        assert pipeline.score(X_val * 50 + shift, y_val) > 0.5

    def test_grid_search(self, data):
        grid = {"hidden_layer_sizes": [(2,), (8,)], "alpha": [1e-4, 1.0]}
        search = quiet(GridSearchCV(small_reg(solver="lbfgs"), grid, cv=3).fit, *data)
        assert search.cv_results_["mean_test_score"].shape == (4,)
        assert search.best_score_ == max(search.cv_results_["mean_test_score"])
        assert search.best_estimator_.score(*data) > 0.5

    def test_cross_val_score_is_r2(self, data):
        X, y = data
        scores = quiet(cross_val_score, small_reg(solver="lbfgs"), X, y, cv=2)
        first = quiet_fit(small_reg(solver="lbfgs"), X[40:], y[40:])
        assert scores[0] == pytest.approx(r2_score(y[:40], first.predict(X[:40])), rel=1e-12)
