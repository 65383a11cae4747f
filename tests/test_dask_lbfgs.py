"""One model trained by L-BFGS on Dask arrays spread over a LocalCluster of worker processes."""

import os
import signal
import threading
import time

import numpy as np
import pytest

from sklearn_backprop import BackpropClassifier, BackpropRegressor

from ._helpers import Recorder, assert_same_model, dask_problem, local_cluster, quiet_fit

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
# One pytest-xdist worker runs every test that starts a cluster (--dist loadgroup):
# a module's tests share its cluster, and two clusters never compete for the cores.
pytestmark = pytest.mark.xdist_group("dask_cluster")

CHUNK = 40  # rows per chunk: 120 rows make three chunks, spread over two workers


def data(kind, n_samples=120, seed=0):
    return dask_problem(kind, n_samples, seed)


def chunked(*arrays):
    return [None if a is None else da.from_array(a, chunks=(CHUNK, *a.shape[1:])) for a in arrays]


CASES = [
    ("binary", {}, False),
    ("multiclass", {}, False),
    ("multilabel", {}, False),
    ("binary", {}, True),
    ("multiclass", {"class_weight": "balanced"}, False),
    ("multiclass", {"class_weight": {"a": 1.0, "b": 3.0, "c": 0.5}}, True),
    ("regression", {}, True),
    ("binary", {"mlp_parity": True}, True),  # unscaled input, on the cluster as in memory
]


@pytest.mark.parametrize(("kind", "params", "weighted"), CASES)
def test_fit_on_cluster_equals_fit_in_memory(client, kind, params, weighted):
    X, y, sample_weight = data(kind)
    sample_weight = sample_weight if weighted else None
    head = BackpropRegressor if kind == "regression" else BackpropClassifier
    model = head(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=25, random_state=0, **params)
    in_memory = quiet_fit(model, X, y, sample_weight)
    on_cluster = quiet_fit(head(**model.get_params()), *chunked(X, y, sample_weight))
    assert_same_model(in_memory, on_cluster)
    if kind != "regression":
        np.testing.assert_array_equal(on_cluster.classes_, in_memory.classes_)


def test_validation_data_scored_on_the_cluster(client):
    X, y, sample_weight = data("multiclass")
    X_val, y_val, _ = data("multiclass", n_samples=80, seed=1)
    model = BackpropClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=10, random_state=0)
    in_memory = quiet_fit(model, X, y, sample_weight, X_val=X_val, y_val=y_val)
    X_d, y_d, w_d, X_val_d, y_val_d = chunked(X, y, sample_weight, X_val, y_val)
    on_cluster = quiet_fit(BackpropClassifier(**model.get_params()), X_d, y_d, w_d,
                           X_val=X_val_d, y_val=y_val_d)  # fmt: skip
    assert_same_model(in_memory, on_cluster)
    columns = ["epoch", "train_loss", "validation_loss", "validation_score"]
    np.testing.assert_allclose(
        on_cluster.history_[columns].to_numpy(), in_memory.history_[columns].to_numpy(), rtol=1e-6
    )


def test_regression_validation_r2_matches(client):
    X, y, _ = data("regression")
    X_val, y_val, _ = data("regression", n_samples=80, seed=1)
    model = BackpropRegressor(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=8, random_state=0)
    in_memory = quiet_fit(model, X, y, X_val=X_val, y_val=y_val)
    X_d, y_d, X_val_d, y_val_d = chunked(X, y, X_val, y_val)
    on_cluster = quiet_fit(BackpropRegressor(**model.get_params()), X_d, y_d,
                           X_val=X_val_d, y_val=y_val_d)  # fmt: skip
    np.testing.assert_allclose(
        on_cluster.validation_scores_, in_memory.validation_scores_, rtol=1e-6
    )


def test_verbose_prints_each_iteration(client, capsys):
    X, y, _ = data("binary")
    model = BackpropClassifier(hidden_layer_sizes=(3,), solver="lbfgs", max_iter=3, verbose=True)
    quiet_fit(model, *chunked(X, y))
    assert capsys.readouterr().out.count("Iteration") == model.n_iter_ == 3


@pytest.mark.parametrize("kind", ["multiclass", "multilabel", "regression"])
def test_predictions_are_lazy_and_equal_numpy(client, kind):
    X, y, sample_weight = data(kind)
    head = BackpropRegressor if kind == "regression" else BackpropClassifier
    model = quiet_fit(head(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=10), X, y)
    X_d, y_d, w_d = chunked(X, y, sample_weight)
    methods = ["predict"] if kind == "regression" else ["predict", "predict_proba"]
    for method in methods:
        lazy = getattr(model, method)(X_d)
        assert isinstance(lazy, da.Array)
        assert lazy.chunks[0] == X_d.chunks[0]
        expected = getattr(model, method)(X)
        assert isinstance(expected, np.ndarray)
        np.testing.assert_array_equal(lazy.compute(), expected)
    score = model.score(X_d, y_d, w_d)
    assert isinstance(score, da.Array)
    np.testing.assert_allclose(float(score.compute()), model.score(X, y, sample_weight), rtol=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_stochastic_solvers_say_what_works(client, solver):
    X, y, _ = data("binary")
    with pytest.raises(ValueError, match=r"solver='lbfgs'.*partial_fit.*Incremental"):
        BackpropClassifier(solver=solver).fit(*chunked(X, y))


def bad_input(case):
    """(X, y) for one kind of bad Dask input."""
    X, y, _ = data("binary")
    X_d, y_d = chunked(X, y)
    if case == "unknown chunk sizes":
        return X_d[X_d[:, 0] > -10], y_d[X_d[:, 0] > -10]
    if case == "rows chunked differently":
        return X_d, y_d.rechunk(30)
    if case == "columns chunked":
        return X_d.rechunk((CHUNK, 2)), y_d
    if case == "NaN":
        X = X.copy()
        X[77, 2] = np.nan
        return da.from_array(X, chunks=(CHUNK, 4)), y_d
    if case == "inf in y":
        y = y.astype(float)
        y[5] = np.inf
        return X_d, da.from_array(y, chunks=CHUNK)
    return X_d, y  # a NumPy y


BAD_INPUT = {
    "unknown chunk sizes": r"unknown size: call X.compute_chunk_sizes\(\)",
    "rows chunked differently": r"X and y are chunked differently along rows.*rechunk",
    "columns chunked": r"chunked along its columns.*rechunk",
    "NaN": r"X holds NaN or infinity in rows 40 to 79",
    "inf in y": r"y holds NaN or infinity in rows 0 to 39",
    "NumPy y": r"X is a Dask collection but y is a ndarray",
}


@pytest.mark.parametrize("case", list(BAD_INPUT))
def test_bad_input_is_named(client, case):
    model = BackpropClassifier(solver="lbfgs", max_iter=5, random_state=0)
    X, y = bad_input(case)
    with pytest.raises(ValueError, match=BAD_INPUT[case]):
        model.fit(X, y)
    assert not hasattr(model, "coefs_")  # a failed fit leaves the model as it was


def test_without_dask_distributed_says_which_extra(monkeypatch):
    import sys

    X, y, _ = data("binary")
    X_d, y_d = chunked(X, y)
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed
    with pytest.raises(ValueError, match=r'pip install "sklearn-backprop\[dask\]"'):
        BackpropClassifier(solver="lbfgs").fit(X_d, y_d)


def kill_one_worker_after(client, model, n_iterations):
    """Kill a worker process (SIGKILL, by its id) once the fit has run ``n_iterations``."""
    pids = client.run(os.getpid)

    def watch():
        while len(getattr(model, "loss_curve_", [])) < n_iterations:
            time.sleep(0.005)
        os.kill(next(iter(pids.values())), signal.SIGKILL)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_worker_lost_mid_fit_loses_nothing():
    X, y, _ = data("multiclass", n_samples=400)
    params = {"hidden_layer_sizes": (5,), "solver": "lbfgs", "max_iter": 40, "tol": 0.0}
    expected = quiet_fit(BackpropClassifier(random_state=0, **params), X, y)
    with local_cluster() as cluster, distributed.Client(cluster, timeout="60s") as client:
        X_d, y_d = chunked(X, y)
        model = BackpropClassifier(random_state=0, **params)
        watcher = kill_one_worker_after(client, model, 5)
        quiet_fit(model, X_d, y_d)
        watcher.join(timeout=30)
        assert not watcher.is_alive()  # the kill happened, mid-fit
        assert model.n_iter_ > 5
    assert_same_model(expected, model)


def test_a_dask_dataframe_and_series_train_as_their_numpy_values(client):
    dd = pytest.importorskip("dask.dataframe")
    pd = pytest.importorskip("pandas")
    X, y, _ = data("binary")
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    model = BackpropClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=10, random_state=0)
    in_memory = quiet_fit(model, frame, y)
    on_cluster = quiet_fit(
        BackpropClassifier(**model.get_params()),
        dd.from_pandas(frame, npartitions=3), dd.from_pandas(pd.Series(y), npartitions=3),
    )  # fmt: skip
    assert_same_model(in_memory, on_cluster)
    np.testing.assert_array_equal(on_cluster.feature_names_in_, ["a", "b", "c", "d"])


def test_callbacks_see_each_iteration_as_an_epoch(client):
    from sklearn_backprop._callbacks import CALLBACKS_AVAILABLE

    if not CALLBACKS_AVAILABLE:
        pytest.skip("sklearn.callback needs scikit-learn >= 1.9")
    X, y, _ = data("binary")
    recorder = Recorder(stop_after=4)
    model = BackpropClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=25, random_state=0)
    on_cluster = quiet_fit(model.set_callbacks(recorder), *chunked(X, y))
    ends = recorder.epochs("end")
    assert [call[2] for call in ends[:4]] == [0, 1, 2, 3]
    assert on_cluster.n_iter_ == 4  # the callback's request stopped the cluster's L-BFGS
    reference = quiet_fit(BackpropClassifier(**{**model.get_params(), "max_iter": 4}), X, y)
    assert_same_model(reference, on_cluster)
