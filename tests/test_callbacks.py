"""scikit-learn's callback API (sklearn.callback, 1.9+): hooks per epoch, stopping."""

import json
import os
import warnings
from collections import defaultdict

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier
from sklearn_backprop._callbacks import CALLBACKS_AVAILABLE

from ._helpers import Recorder, quiet_fit

needs_callbacks = pytest.mark.skipif(
    not CALLBACKS_AVAILABLE, reason="sklearn.callback needs scikit-learn >= 1.9"
)


@needs_callbacks
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_hooks_fire_once_per_epoch_with_the_model_after_that_epoch(iris, solver):
    X, y = iris
    recorder = Recorder()
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0, tol=0)
    clf = BackpropClassifier(max_iter=6, **params).set_callbacks(recorder)
    quiet_fit(clf, X, y)

    assert recorder.calls[0] == ("setup", "fit")
    assert recorder.calls[1][:3] == ("begin", "fit", 0)
    assert recorder.calls[-2][:3] == ("end", "fit", 0)
    assert recorder.calls[-1] == ("teardown", "fit")
    begins, ends = recorder.epochs("begin"), recorder.epochs("end")
    assert [call[2] for call in begins] == [call[2] for call in ends] == list(range(6))
    assert recorder.parent_max_subtasks == 6
    for epoch, (*_, fitted) in enumerate(ends, start=1):
        # The model a callback sees after epoch k is the model that k epochs make.
        reference = quiet_fit(BackpropClassifier(max_iter=epoch, **params), X, y)
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
    reference = quiet_fit(BackpropClassifier(max_iter=3, **params), X, y)
    np.testing.assert_allclose(clf.loss_curve_, reference.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(clf.coefs_[0], reference.coefs_[0], rtol=1e-10)


@needs_callbacks
def test_lbfgs_reports_each_iteration(iris):
    X, y = iris
    recorder = Recorder()
    clf = BackpropClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=8, random_state=0)
    quiet_fit(clf.set_callbacks(recorder), X, y)
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
    quiet_fit(clf.set_callbacks(monitor), X, y)
    log = monitor.get_logs().data_as_pandas
    epochs = log[log["task_name"] == "epoch"]
    assert list(epochs["task_id"]) == [0, 1, 2, 3]
    assert epochs["accuracy"].iloc[-1] == clf.score(X, y)


class EpochLog:
    """Auto-propagated, as ProgressBar is: set on a meta-estimator, it reaches the network.

    Each epoch's end appends a line to a file, so that fits in worker processes
    (n_jobs=2) log where the test reads it: the process, and the tasks from the
    outermost fit down to the epoch, as (estimator, task, id).
    """

    max_propagation_depth = None

    def __init__(self, path):
        self.path = path

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        if context.task_name != "epoch":
            return False
        tasks = []
        while context is not None:
            tasks.insert(0, (context.estimator_name, context.task_name, context.task_id))
            context = context.parent
        with open(self.path, "a") as log:
            log.write(json.dumps([os.getpid(), tasks]) + "\n")
        return False

    def lines(self):
        return [json.loads(line) for line in self.path.read_text().splitlines()]

    def epochs_per_fit(self):
        """{the tasks down to a fit of the network: its epochs' ids, in order}."""
        fits = defaultdict(list)
        for _, (*fit, (_, _, epoch)) in self.lines():
            fits[tuple(tuple(task) for task in fit)].append(epoch)
        return dict(fits)

    def processes(self):
        return {process for process, _ in self.lines()}


def progress_bar():
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    # None: bars at every depth (the default, 1, stops above a Pipeline's steps
    # inside a GridSearchCV).
    return ProgressBar(max_propagation_depth=None)


def bars(output, estimator_name):
    return [line for line in output.splitlines() if f"{estimator_name} - fit" in line]


NET = ("BackpropClassifier", "fit")


@needs_callbacks
def test_progress_bar_over_a_pipeline(iris, capsys, tmp_path):
    X, y = iris
    log = EpochLog(tmp_path / "epochs.jsonl")
    net = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0, tol=0)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    quiet_fit(pipe.set_callbacks(progress_bar(), log), X, y)

    # The network is the Pipeline's second step (task 1).
    assert log.epochs_per_fit() == {(("Pipeline", "fit", 0), (*NET, 1)): [0, 1, 2]}
    output = capsys.readouterr().out
    assert len(bars(output, "Pipeline - fit-final-estimator | BackpropClassifier")) == 1
    quiet_fit(net, X, y)  # the Pipeline lent its callbacks to the network for its fit only
    assert len(log.lines()) == 3


@needs_callbacks
@pytest.mark.parametrize("n_jobs", [1, 2])
@pytest.mark.parametrize("in_pipeline", [False, True], ids=["net", "pipeline"])
def test_progress_bar_over_a_grid_search(iris, capsys, tmp_path, n_jobs, in_pipeline):
    X, y = iris
    log = EpochLog(tmp_path / "epochs.jsonl")
    net = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0, tol=0)
    if in_pipeline:
        search = GridSearchCV(
            Pipeline([("scale", StandardScaler()), ("net", net)]),
            {"net__alpha": [1e-4, 1e-2]},
            cv=2,
            n_jobs=n_jobs,
        )
    else:
        search = GridSearchCV(net, {"alpha": [1e-4, 1e-2]}, cv=2, n_jobs=n_jobs)
    quiet_fit(search.set_callbacks(progress_bar(), log), X, y)

    # Two candidates times two folds are the search's tasks 0 to 3, the refit
    # is the GridSearchCV's task 1; each ran its three epochs.
    root, search_task = ("GridSearchCV", "fit", 0), ("GridSearchCV", "search", 0)
    fits = [(root, search_task, (*NET, split)) for split in range(4)] + [(root, (*NET, 1))]
    if in_pipeline:
        fits = [(*fit[:-1], ("Pipeline", "fit", fit[-1][2]), (*NET, 1)) for fit in fits]
    assert log.epochs_per_fit() == {fit: [0, 1, 2] for fit in fits}
    assert (log.processes() == {os.getpid()}) == (n_jobs == 1)  # n_jobs=2: from workers
    output = capsys.readouterr().out
    assert len(bars(output, "GridSearchCV")) == 1
    assert len(bars(output, "BackpropClassifier")) == 5


@needs_callbacks
def test_progress_bar_by_default_has_no_bars_inside_a_searched_pipeline(iris, capsys):
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, y = iris
    net = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    search = GridSearchCV(pipe, {"net__alpha": [1e-4, 1e-2]}, cv=2)
    quiet_fit(search.set_callbacks(ProgressBar()), X, y)  # max_propagation_depth=1
    output = capsys.readouterr().out
    assert len(bars(output, "Pipeline")) == 5
    assert bars(output, "BackpropClassifier") == []


@needs_callbacks
def test_progress_bar_set_on_the_net_in_a_pipeline_is_refused(iris):
    X, y = iris
    net = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    pipe.named_steps["net"].set_callbacks(progress_bar())
    with pytest.raises(TypeError, match=r"\(BackpropClassifier\) of a meta-estimator \(Pipeline\)"):
        quiet_fit(pipe, X, y)
    # What the user guide says to do instead: take it off the step, set it on
    # the Pipeline.
    pipe.named_steps["net"].set_callbacks()
    quiet_fit(pipe.set_callbacks(progress_bar()), X, y)
    assert pipe.named_steps["net"].n_iter_ == 3


@needs_callbacks
@pytest.mark.parametrize("in_pipeline", [False, True], ids=["net", "pipeline"])
def test_progress_bar_set_below_a_grid_search_fails_every_fit(iris, in_pipeline):
    X, y = iris
    estimator = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    if in_pipeline:
        estimator = Pipeline([("scale", StandardScaler()), ("net", estimator)])
    grid = {f"{'net__' if in_pipeline else ''}alpha": [1e-4, 1e-2]}
    search = GridSearchCV(estimator.set_callbacks(progress_bar()), grid, cv=2)
    # GridSearchCV catches each fit's TypeError and reports them together.
    name = type(estimator).__name__
    message = rf"(?s)All the 4 fits failed.*\({name}\) of a meta-estimator \(GridSearchCV\)"
    with pytest.raises(ValueError, match=message):
        quiet_fit(search, X, y)


@needs_callbacks
def test_scoring_monitor_on_the_net_in_a_pipeline_scores_what_the_net_is_given(iris):
    from sklearn.callback import ScoringMonitor

    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")
    params = dict(hidden_layer_sizes=(5,), learning_rate_init=0.05, random_state=0, tol=0)
    net = BackpropClassifier(max_iter=3, **params).set_callbacks(monitor)
    pipe = Pipeline([("scale", StandardScaler()), ("net", net)])
    X_shifted = X + 5  # the network scores 2/3 on it scaled back, 1/3 as it is
    quiet_fit(pipe, X_shifted, y)
    log = monitor.get_logs().data_as_pandas
    epochs = log[log["task_name"] == "epoch"]
    assert list(epochs["task_id"]) == [0, 1, 2]
    assert epochs["accuracy"].iloc[-1] == pipe.score(X_shifted, y) != net.score(X_shifted, y)


@needs_callbacks
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_scoring_monitor_stays_on_the_net_in_a_grid_search(iris, n_jobs):
    from sklearn.callback import ScoringMonitor

    X, y = iris
    monitor = ScoringMonitor(scoring="accuracy")  # not auto-propagated: set where it scores
    net = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0, tol=0)
    search = GridSearchCV(net.set_callbacks(monitor), {"alpha": [1e-4, 1e-2]}, cv=2, n_jobs=n_jobs)
    quiet_fit(search, X, y)
    log = monitor.get_logs().data_as_pandas
    epochs = log[log["task_name"] == "epoch"]
    assert epochs.groupby("parent_task_id_path")["task_id"].apply(list).to_dict() == {
        **{(0, 0, split): [0, 1, 2] for split in range(4)},
        (0, 1): [0, 1, 2],
    }


@pytest.mark.skipif(CALLBACKS_AVAILABLE, reason="scikit-learn >= 1.9 has sklearn.callback")
def test_older_scikit_learn_says_what_callbacks_need(iris):
    X, y = iris
    clf = BackpropClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0)
    with pytest.raises(ImportError, match=r"scikit-learn >= 1\.9"):
        clf.set_callbacks(object())
    quiet_fit(clf, X, y)  # and training works as always
    assert clf.n_iter_ == 3
