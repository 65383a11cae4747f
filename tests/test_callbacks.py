"""scikit-learn's callback API (sklearn.callback, 1.9+): hooks per epoch, stopping."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sklearn_backprop import BackpropClassifier
from sklearn_backprop._callbacks import CALLBACKS_AVAILABLE

needs_callbacks = pytest.mark.skipif(
    not CALLBACKS_AVAILABLE, reason="sklearn.callback needs scikit-learn >= 1.9"
)


class Recorder:
    """Records every hook call; asks to stop after ``stop_after`` epochs."""

    def __init__(self, stop_after=None):
        self.stop_after = stop_after
        self.calls = []

    def setup(self, estimator, context):
        self.calls.append(("setup", context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, fitted_estimator=None):
        self.calls.append(("begin", context.task_name, context.task_id, fitted_estimator))

    def on_fit_task_end(self, estimator, context, *, X=None, fitted_estimator=None):
        self.calls.append(("end", context.task_name, context.task_id, fitted_estimator))
        if context.task_name == "epoch":
            self.parent_max_subtasks = context.parent.max_subtasks
            return self.stop_after is not None and context.task_id + 1 >= self.stop_after
        return False

    def epochs(self, hook):
        return [call for call in self.calls if call[0] == hook and call[1] == "epoch"]


def fit_quietly(clf, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return clf.fit(X, y)


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_hooks_fire_once_per_epoch_with_the_model_after_that_epoch(iris, solver):
    X, y = iris
    recorder = Recorder()
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0, tol=0)
    clf = BackpropClassifier(max_iter=6, **params).set_callbacks(recorder)
    fit_quietly(clf, X, y)

    assert recorder.calls[0] == ("setup", "fit")
    assert recorder.calls[1][:3] == ("begin", "fit", 0)
    assert recorder.calls[-2][:3] == ("end", "fit", 0)
    assert recorder.calls[-1] == ("teardown", "fit")
    begins, ends = recorder.epochs("begin"), recorder.epochs("end")
    assert [call[2] for call in begins] == [call[2] for call in ends] == list(range(6))
    assert recorder.parent_max_subtasks == 6
    for epoch, (*_, fitted) in enumerate(ends, start=1):
        # The model a callback sees after epoch k is the model that k epochs make.
        reference = fit_quietly(BackpropClassifier(max_iter=epoch, **params), X, y)
        for seen, expected in zip(fitted.coefs_, reference.coefs_, strict=True):
            np.testing.assert_array_equal(seen, expected)
        np.testing.assert_array_equal(fitted.predict_proba(X), reference.predict_proba(X))


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_a_callback_stops_training(iris, solver):
    X, y = iris
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0, tol=0)
    recorder = Recorder(stop_after=3)
    clf = BackpropClassifier(max_iter=50, **params).set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # a requested stop is no failure
        clf.fit(X, y)
    assert clf.n_iter_ == 3
    assert len(clf.loss_curve_) == 3
    assert len(recorder.epochs("end")) == 3
    reference = fit_quietly(BackpropClassifier(max_iter=3, **params), X, y)
    np.testing.assert_allclose(clf.loss_curve_, reference.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(clf.coefs_[0], reference.coefs_[0], rtol=1e-10)


@needs_callbacks
def test_lbfgs_reports_each_iteration(iris):
    X, y = iris
    recorder = Recorder()
    clf = BackpropClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=8, random_state=0)
    fit_quietly(clf.set_callbacks(recorder), X, y)
    ends = recorder.epochs("end")
    scored = [call for call in ends if call[3] is not None]
    assert len(scored) == clf.n_iter_ == 8
    # scipy reports an iteration's end only: the one announced after the last
    # never ran, and ends empty, as in scikit-learn's LogisticRegression.
    assert len(recorder.epochs("begin")) == len(ends) == 9
    assert ends[-1][3] is None
    np.testing.assert_array_equal(scored[-1][3].coefs_[0], clf.coefs_[0])


@needs_callbacks
def test_partial_fit_does_not_report(iris):
    X, y = iris
    recorder = Recorder()
    clf = BackpropClassifier(hidden_layer_sizes=(5,), random_state=0).set_callbacks(recorder)
    clf.partial_fit(X, y, classes=np.unique(y))
    assert recorder.calls == []


@needs_callbacks
def test_scoring_monitor_records_the_score_after_each_epoch(iris):
    from sklearn.callback import ScoringMonitor

    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    clf = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=4, random_state=0, tol=0)
    fit_quietly(clf.set_callbacks(monitor), X, y)
    log = monitor.get_logs().data_as_pandas
    epochs = log[log["task_name"] == "epoch"]
    assert list(epochs["task_id"]) == [0, 1, 2, 3]
    assert epochs["accuracy"].iloc[-1] == clf.score(X, y)


@needs_callbacks
def test_progress_bar_nested_in_grid_search(iris, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, y = iris
    search = GridSearchCV(
        BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0),
        {"alpha": [1e-4, 1e-2]},
        cv=2,
    ).set_callbacks(ProgressBar(max_propagation_depth=None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    output = capsys.readouterr().out
    assert "BackpropClassifier - fit" in output
    assert "GridSearchCV - fit" in output


@pytest.mark.skipif(CALLBACKS_AVAILABLE, reason="scikit-learn >= 1.9 has sklearn.callback")
def test_older_scikit_learn_says_what_callbacks_need(iris):
    X, y = iris
    clf = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    with pytest.raises(ImportError, match=r"scikit-learn >= 1\.9"):
        clf.set_callbacks(object())
    fit_quietly(clf, X, y)  # and training works as always
    assert clf.n_iter_ == 3
