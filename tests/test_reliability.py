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
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sklearn_backprop import BackpropClassifier, InconsistentVersionWarning


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


class TestCtrlC:
    @pytest.mark.parametrize("solver", ["adam", "lbfgs"])
    def test_keeps_the_last_completed_epoch_and_reraises(self, iris, solver):
        X, y = iris
        X = np.tile(X, (20, 1))  # epochs of a few milliseconds
        y = np.tile(y, 20)
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
        with pytest.raises(ValueError, match="Input X contains NaN"):
            BackpropClassifier().fit(X, y, X_val=X_val, y_val=y[:10])

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
            ({"activation": "softplus"}, r"'activation' parameter .* 'identity'"),
        ],
    )
    def test_invalid_parameters(self, iris, params, message):
        with pytest.raises(ValueError, match=message):
            BackpropClassifier(**params).fit(*iris)
