"""Honest failure, untouched inputs, safe persistence, reproducibility, thread safety."""

import os
import pickle
import signal
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.model_selection import GridSearchCV

from sklearn_backprop import BackpropClassifier, BackpropRegressor, InconsistentVersionWarning
from sklearn_backprop._training import StoppingRule

from ._helpers import quiet


class TestCtrlC:
    @pytest.mark.parametrize("solver", ["adam", "lbfgs"])
    def test_keeps_the_last_completed_epoch_and_reraises(self, iris, solver):
        X, y = iris
        # Epochs of a few milliseconds: L-BFGS would converge on fewer rows
        # (in 0.3 s on 3,000) before the interrupt at 0.5 s on a quiet machine.
        X = np.tile(X, (200, 1))
        y = np.tile(y, 200)
        settings = dict(
            solver=solver,
            hidden_layer_sizes=(32,),
            tol=0.0,
            max_fun=10**9,
            n_iter_no_change=np.inf,
            random_state=0,
        )
        clf = BackpropClassifier(max_iter=100_000, **settings)
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                clf.fit(X, y)
        finally:
            timer.cancel()
        # The interrupted model is usable, and says how far it got...
        assert 0 < clf.n_iter_ == len(clf.loss_curve_) == len(clf.history_) < 100_000
        assert np.isfinite(clf.predict_proba(X)).all()
        # ...and holds exactly the weights of its last completed epoch.
        uninterrupted = quiet(BackpropClassifier(max_iter=clf.n_iter_, **settings).fit, X, y)
        for got, expected in zip(clf.coefs_, uninterrupted.coefs_, strict=True):
            np.testing.assert_array_equal(got, expected)

    def test_on_interrupt_stop_returns_the_model(self, iris):
        X, y = np.tile(iris[0], (20, 1)), np.tile(iris[1], 20)
        clf = BackpropClassifier(
            max_iter=100_000, tol=0.0, n_iter_no_change=np.inf, on_interrupt="stop", random_state=0
        )
        timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGINT))
        timer.start()
        try:
            with pytest.warns(UserWarning, match="Training interrupted after"):
                returned = clf.fit(X, y)
        finally:
            timer.cancel()
        assert returned is clf
        assert 0 < clf.n_iter_ == len(clf.history_) < 100_000

    @pytest.mark.parametrize("on_interrupt", ["raise", "stop"])
    def test_with_early_stopping_keeps_the_best_epoch_so_far(self, monkeypatch, on_interrupt):
        # A noisy target that the validation loss stops improving on after epoch
        # 22; Ctrl-C arrives at the end of epoch 26, sent by that epoch's update
        # of the stopping rule, so the fit stops there on any machine.
        X, y = make_classification(300, 20, n_informative=3, flip_y=0.3, random_state=0)
        data = (X[:200], y[:200])
        validation = dict(X_val=X[200:], y_val=y[200:])
        settings = dict(
            hidden_layer_sizes=(64,), learning_rate_init=0.01, tol=0.0,
            n_iter_no_change=np.inf, random_state=0,
        )  # fmt: skip
        last_epoch, update, updates = 26, StoppingRule.update, []

        def update_then_interrupt(rule, value):
            updates.append(value)
            if len(updates) == last_epoch:
                os.kill(os.getpid(), signal.SIGINT)
            return update(rule, value)

        monkeypatch.setattr(StoppingRule, "update", update_then_interrupt)
        clf = BackpropClassifier(max_iter=100, on_interrupt=on_interrupt, **settings)
        if on_interrupt == "raise":
            with pytest.raises(KeyboardInterrupt):
                clf.fit(*data, **validation)
        else:
            with pytest.warns(UserWarning, match="weights of the best one"):
                clf.fit(*data, **validation)
        monkeypatch.undo()
        assert clf.n_iter_ == last_epoch
        assert np.argmin(clf.validation_loss_curve_) < last_epoch - 1  # the best is not the last
        # What a fit of that many epochs ends with: its best epoch's weights.
        uninterrupted = quiet(
            BackpropClassifier(max_iter=last_epoch, **settings).fit, *data, **validation
        )
        for got, expected in zip(clf.coefs_, uninterrupted.coefs_, strict=True):
            np.testing.assert_array_equal(got, expected)

    def test_handler_is_restored_after_fit(self, iris):
        quiet(BackpropClassifier(max_iter=2).fit, *iris)
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


class TestInputsAreNotModified:
    def test_read_only_memory_map(self, iris, tmp_path):
        X, y = iris
        path = tmp_path / "X.npy"
        np.save(path, X)
        X_map = np.load(path, mmap_mode="r")  # writing to it raises
        weights = np.load(_saved(tmp_path / "w.npy", np.linspace(0.5, 2, len(y))), mmap_mode="r")
        clf = quiet(BackpropClassifier(max_iter=3).fit, X_map, y, sample_weight=weights)
        clf.partial_fit(X_map, y, sample_weight=weights)
        clf.predict(X_map), clf.predict_proba(X_map), clf.predict_log_proba(X_map)
        np.testing.assert_array_equal(X_map, X)

    def test_dataframe_with_validation_data(self, iris):
        X, y = iris
        frame = pd.DataFrame(X, columns=list("abcd"))
        before = frame.copy()
        quiet(
            BackpropClassifier(max_iter=3, early_stopping=True).fit,
            frame,
            y,
            X_val=frame.iloc[::5],
            y_val=y[::5],
        )
        pd.testing.assert_frame_equal(frame, before)


def _saved(path, array):
    np.save(path, array)
    return path


class TestPersistence:
    def test_other_package_version_warns(self, iris):
        clf = quiet(BackpropClassifier(max_iter=2).fit, *iris)
        state = clf.__getstate__()
        state["_sklearn_backprop_version"] = "0.0.1"
        restored = BackpropClassifier.__new__(BackpropClassifier)
        with pytest.warns(InconsistentVersionWarning, match="saved by sklearn-backprop 0.0.1"):
            restored.__setstate__(state)
        np.testing.assert_array_equal(restored.predict_proba(iris[0]), clf.predict_proba(iris[0]))

    def test_same_version_is_silent(self, iris):
        clf = quiet(BackpropClassifier(max_iter=2).fit, *iris)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            pickle.loads(pickle.dumps(clf))

    def test_pickled_mid_partial_fit_continues_identically(self, iris):
        clf = BackpropClassifier(random_state=0).partial_fit(*iris, classes=[0, 1, 2])
        restored = pickle.loads(pickle.dumps(clf))
        for _ in range(3):
            clf.partial_fit(*iris)
            restored.partial_fit(*iris)
        np.testing.assert_array_equal(restored.coefs_[0], clf.coefs_[0])
        assert restored.loss_curve_ == clf.loss_curve_


def test_grid_search_is_bit_identical_for_any_n_jobs(iris):
    grid = {"hidden_layer_sizes": [(4,), (8,)], "alpha": [1e-4, 1e-1]}
    searches = [
        quiet(
            GridSearchCV(
                BackpropClassifier(max_iter=30, random_state=0), grid, cv=3, n_jobs=n_jobs
            ).fit,
            *iris,
        )
        for n_jobs in (1, 2)
    ]
    np.testing.assert_array_equal(
        searches[0].cv_results_["mean_test_score"], searches[1].cv_results_["mean_test_score"]
    )
    assert searches[0].best_params_ == searches[1].best_params_
    np.testing.assert_array_equal(
        searches[0].best_estimator_.coefs_[0], searches[1].best_estimator_.coefs_[0]
    )


def test_concurrent_predictions_match_sequential_ones(iris):
    X, y = iris
    clf = quiet(BackpropClassifier(max_iter=20, random_state=0).fit, X, y)
    chunks = [X[i::8] for i in range(8)] * 4
    expected = [clf.predict_proba(chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(clf.predict_proba, chunks))
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_array_equal(a, b)


class TestBadInputNamesTheProblem:
    @pytest.mark.parametrize(
        ("make_input", "message"),
        [
            (lambda X, y: (np.where(X > 2, np.nan, X), y), "Input X contains NaN"),
            (lambda X, y: (np.where(X > 2, np.inf, X), y), "Input X contains infinity"),
            (lambda X, y: (X, np.where(np.arange(len(y)) == 3, np.nan, y)), "Input y contains"),
            (lambda X, y: (X[:0], y[:0]), "0 sample"),
            (lambda X, y: (X[:, 0], y), "Expected 2D array"),
            (lambda X, y: (X.astype(complex), y), "Complex data not supported"),
            (lambda X, y: (np.full(X.shape, "a"), y), "could not convert"),
            (lambda X, y: ([[1.0, 2.0], [3.0]] * 75, y), "inhomogeneous|setting an array"),
            (lambda X, y: (X, y[:-1]), "inconsistent numbers of samples"),
            (lambda X, y: (X[:1], y[:1]), "at least 2 classes"),
            (lambda X, y: (X, y + 0.5), "Unknown label type"),
        ],
        ids=["nan-X", "inf-X", "nan-y", "empty", "1d-X", "complex", "strings", "ragged",
             "length-mismatch", "one-sample", "continuous-y"],
    )  # fmt: skip
    def test_fit(self, iris, make_input, message):
        X, y = make_input(*iris)
        with pytest.raises(ValueError, match=message):
            BackpropClassifier(max_iter=2).fit(X, y)

    def test_nan_in_validation_data(self, iris):
        X, y = iris
        X_val = X[:10].copy()
        X_val[0, 0] = np.nan
        with pytest.raises(ValueError, match=r"^In the validation data .*Input X contains NaN"):
            BackpropClassifier().fit(X, y, X_val=X_val, y_val=y[:10])
        weights = np.ones(10)
        weights[3] = np.inf
        with pytest.raises(ValueError, match=r"^In the validation data .*sample_weight contains"):
            BackpropClassifier().fit(X, y, X_val=X[:10], y_val=y[:10], sample_weight_val=weights)

    def test_predict_with_renamed_columns(self, iris):
        X, y = iris
        frame = pd.DataFrame(X, columns=list("abcd"))
        clf = quiet(BackpropClassifier(max_iter=2).fit, frame, y)
        with pytest.raises(ValueError, match="Feature names unseen at fit time"):
            clf.predict(frame.rename(columns={"a": "z"}))

    @pytest.mark.parametrize(
        ("params", "message"),
        [
            ({"alpha": -1.0}, r"'alpha' parameter .* range \[0.0, inf\)"),
            ({"learning_rate_init": 0}, r"'learning_rate_init' parameter .* range \(0.0, inf\)"),
            ({"momentum": 1.5}, r"'momentum' parameter .* range \[0.0, 1.0\]"),
            (
                {"activation": "softplus"},
                r"'activation' parameter .* among .*'tanh'.*Got 'softplus'",
            ),
        ],
    )
    def test_invalid_parameters(self, iris, params, message):
        with pytest.raises(ValueError, match=message):
            BackpropClassifier(**params).fit(*iris)


class TestFailuresLeaveTheModelAsItWas:
    """A fit or partial_fit that fails on bad input changes nothing."""

    @pytest.mark.parametrize(
        ("bad_call", "message"),
        [
            (lambda clf, X, y: clf.fit(X[:, :2], y, sample_weight=-np.ones(len(y))),
             "Negative values"),
            (lambda clf, X, y: clf.fit(X[:, :2], y, X_val=X[:5], y_val=y[:5]),
             "X has 4 features"),
            (lambda clf, X, y: clf.fit(X, y, X_val=X[:5], y_val=[0, 1, 7, 0, 1]),
             "not among the classes"),
        ],
        ids=["negative-weights", "x-val-width", "y-val-label"],
    )  # fmt: skip
    def test_refit_with_bad_input(self, iris, bad_call, message):
        X, y = iris
        clf = quiet(BackpropClassifier(max_iter=30, random_state=0).fit, X, y)
        before = clf.predict_proba(X), list(clf.loss_curve_), clf.n_features_in_
        with pytest.raises(ValueError, match=message):
            bad_call(clf, X, y)
        np.testing.assert_array_equal(clf.predict_proba(X), before[0])
        assert clf.loss_curve_ == before[1]
        assert clf.n_features_in_ == before[2]

    def test_changing_solver_between_partial_fits_starts_a_new_optimizer(self, iris):
        clf = BackpropClassifier(solver="sgd", random_state=0).partial_fit(*iris, classes=[0, 1, 2])
        clf.set_params(solver="adam").partial_fit(*iris)
        reference = BackpropClassifier(solver="sgd", random_state=0)
        reference.partial_fit(*iris, classes=[0, 1, 2])
        reference.set_params(solver="adam", warm_start=True, max_iter=1)
        quiet(reference.fit, *iris)  # a fresh Adam from the same weights
        np.testing.assert_array_equal(clf.coefs_[0], reference.coefs_[0])


class TestMoreBadInput:
    def test_partial_fit_chunk_without_weight(self, iris):
        X, y = iris
        clf = BackpropClassifier(class_weight={0: 0.0})
        with pytest.raises(ValueError, match="class_weight is zero for every sample"):
            clf.partial_fit(X[y == 0], y[y == 0], classes=[0, 1, 2])

    @pytest.mark.parametrize("weight", [-1.0, np.nan, np.inf, "a", None])
    def test_class_weight_must_be_finite_and_non_negative(self, iris, weight):
        # A negative weight would train the network away from that class.
        with pytest.raises(ValueError, match=r"finite, non-negative weight; got \{0: "):
            BackpropClassifier(class_weight={0: weight}, max_iter=5).fit(*iris)

    def test_weights_that_leave_one_class_are_named_for_what_was_given(self, iris):
        X, y = iris
        X, y = X[y < 2], y[y < 2]
        with pytest.raises(ValueError, match=r"^class_weight leaves only one class"):
            BackpropClassifier(class_weight={0: 0.0}, max_iter=5).fit(X, y)
        weights = np.ones(len(y))
        with pytest.raises(ValueError, match=r"^sample_weight times class_weight leaves only"):
            BackpropClassifier(class_weight={0: 0.0}, max_iter=5).fit(X, y, sample_weight=weights)
        weights[y == 1] = 0
        with pytest.raises(ValueError, match=r"^sample_weight leaves only one class"):
            BackpropClassifier(max_iter=5).fit(X, y, sample_weight=weights)

    @pytest.mark.parametrize(("seed", "part"), [(4, "validation"), (7, "training")])
    def test_early_stopping_hold_out_with_no_weight_on_one_side(self, seed, part):
        # Two weighted samples of 30: the random half held out may take both,
        # or neither. Either side with no weight would divide by zero.
        X = np.random.RandomState(0).randn(30, 3)
        y = np.array([0, 1] * 15)
        weights = np.r_[np.ones(2), np.zeros(28)]
        clf = BackpropClassifier(
            hidden_layer_sizes=(5,), max_iter=3, early_stopping=True, validation_fraction=0.5,
            random_state=seed,
        )  # fmt: skip
        with pytest.raises(ValueError, match=f"Every sample of the {part} set that early_stop"):
            clf.fit(X, y, sample_weight=weights)
        assert not hasattr(clf, "coefs_")  # the failed fit left it unfitted

    def test_class_weight_leaving_no_validation_weight(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match=r"^class_weight on the validation data is zero"):
            BackpropClassifier(class_weight={0: 0.0}).fit(X, y, X_val=X[:9], y_val=y[:9])

    def test_all_zero_validation_weights(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match=r"non-zero|sample_weight_val is zero for every"):
            BackpropClassifier().fit(X, y, X_val=X[:9], y_val=y[:9], sample_weight_val=np.zeros(9))

    def test_validation_weights_without_validation_data(self, iris):
        with pytest.raises(ValueError, match="sample_weight_val was given without X_val"):
            BackpropClassifier().fit(*iris, sample_weight_val=np.ones(3))

    def test_empty_classes(self, iris):
        with pytest.raises(ValueError, match="holds no class"):
            BackpropClassifier().partial_fit(*iris, classes=[])

    def test_multilabel_values_other_than_0_and_1(self):
        X = np.random.RandomState(0).normal(size=(20, 3))
        Y = np.stack([np.arange(20) % 2, np.arange(20) % 3 == 0], axis=1).astype(int) * 2
        with pytest.raises(ValueError, match="must hold only 0 and 1"):
            BackpropClassifier().fit(X, Y)


class TestFeaturesNearTheFloatMaximum:
    """Products with weights of order 1 overflow: the units saturate and learn nothing."""

    OVERFLOW = "a sum of its 3 feature.*overflows float.*Scale the input"

    @staticmethod
    def huge_problem(dtype=np.float64):
        rng = np.random.RandomState(0)
        X = (np.finfo(dtype).max * rng.uniform(size=(20, 3))).astype(dtype)
        return X, np.arange(20) % 2

    @pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
    @pytest.mark.parametrize("head", [BackpropClassifier, BackpropRegressor])
    def test_fit_refuses_it(self, head, solver):
        X, y = self.huge_problem()
        model = head(solver=solver, max_iter=5)
        with pytest.raises(ValueError, match=self.OVERFLOW):
            model.fit(X, y)
        assert not hasattr(model, "coefs_")  # the failed fit left it unfitted

    @pytest.mark.parametrize("dtype", [np.float32, np.float64])
    def test_partial_fit_refuses_it_and_keeps_the_model(self, iris, dtype):
        X, y = iris
        clf = BackpropClassifier(random_state=0).partial_fit(X.astype(dtype), y, classes=[0, 1, 2])
        before = [coef.copy() for coef in clf.coefs_]
        X_huge, _ = self.huge_problem(dtype)
        with pytest.raises(ValueError, match=self.OVERFLOW.replace("3", "4")):
            clf.partial_fit(np.hstack([X_huge[:3], X_huge[:3, :1]]), y[:3])
        for kept, coef in zip(before, clf.coefs_, strict=True):
            np.testing.assert_array_equal(kept, coef)

    def test_large_features_whose_sums_are_finite_still_train(self):
        X, y = self.huge_problem()
        quiet(BackpropClassifier(max_iter=2).fit, X / np.finfo(float).max * 1e300, y)


def test_lbfgs_converging_at_once_still_reports_its_loss(iris):
    clf = BackpropClassifier(solver="lbfgs", tol=1e6).fit(*iris)
    assert clf.n_iter_ == 0
    assert np.isfinite(clf.loss_)
