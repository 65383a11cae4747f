"""What a careful user hits on Dask input, each on a two-worker LocalCluster (issue 24)."""

import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import DataConversionWarning

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._dask_data import _checked_chunk
from sklearn_backprop._dask_fit import _chunk_gradient
from sklearn_backprop._network import Model, init_params, join
from sklearn_backprop._targets import RegressionTargets

from ._helpers import HEADS, assert_same_model, dask_problem, quiet_fit

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

CHUNK = 40


def lbfgs(head, **params):
    settings = {"hidden_layer_sizes": (5,), "solver": "lbfgs", "max_iter": 15, "random_state": 0}
    return head(**{**settings, **params})


def with_an_empty_chunk(*arrays):
    """The arrays without rows 40 to 79, in memory and as Dask arrays whose second chunk is empty.

    As filtering, then ``compute_chunk_sizes()``, leaves them.
    """
    keep = np.ones(len(arrays[0]), bool)
    keep[CHUNK : 2 * CHUNK] = False
    mask = da.from_array(keep, chunks=CHUNK)
    chunked = [da.from_array(a, chunks=(CHUNK, *a.shape[1:]))[mask] for a in arrays]
    chunked = [a.compute_chunk_sizes() for a in chunked]
    assert chunked[0].chunks[0] == (CHUNK, 0, CHUNK)
    return [a[keep] for a in arrays], chunked


@pytest.mark.parametrize("head", HEADS)
def test_an_empty_chunk_trains_as_in_memory(client, head):
    (X, y, sample_weight), on_the_cluster = with_an_empty_chunk(*dask_problem(head))
    in_memory = quiet_fit(lbfgs(head), X, y, sample_weight)
    on_cluster = quiet_fit(lbfgs(head), *on_the_cluster)
    assert_same_model(in_memory, on_cluster)


@pytest.mark.parametrize("head", HEADS)
def test_an_empty_chunk_predicts_and_scores(client, head):
    (X, y, sample_weight), (X_d, y_d, w_d) = with_an_empty_chunk(*dask_problem(head))
    model = quiet_fit(lbfgs(head), X, y)
    methods = ["predict"]
    if head is BackpropClassifier:
        methods += ["predict_proba", "predict_log_proba"]
    for method in methods:
        expected = getattr(model, method)(X)
        np.testing.assert_array_equal(getattr(model, method)(X_d).compute(), expected)
    np.testing.assert_allclose(
        float(model.score(X_d, y_d, w_d).compute()), model.score(X, y, sample_weight), rtol=1e-12
    )


def test_float32_fits_repeat_bit_for_bit(client):
    X, y, _ = dask_problem(BackpropClassifier)
    X_d, y_d = (da.from_array(a, chunks=(CHUNK, *a.shape[1:])) for a in (X.astype(np.float32), y))
    first, second = (quiet_fit(lbfgs(BackpropClassifier, max_iter=40), X_d, y_d) for _ in range(2))
    assert first.coefs_[0].dtype == np.float32
    first, second = (join(model.coefs_, model.intercepts_) for model in (first, second))
    for a, b in zip(first, second, strict=True):
        np.testing.assert_array_equal(a, b)


def misaligned(array):
    """A copy of ``array`` whose address is not a multiple of its item size, as bytes received."""
    buffer = np.empty(array.nbytes + 64, np.uint8)
    start = (-buffer.ctypes.data) % 64 + 1
    copy = np.frombuffer(buffer[start : start + array.nbytes].data, array.dtype)
    copy = copy.reshape(array.shape)
    copy[...] = array
    assert not copy.flags.aligned
    return copy


def test_a_chunk_at_an_odd_address_gives_the_gradient_of_an_aligned_one():
    # The cause of float32 fits differing run to run: an unaligned array makes
    # NumPy's matmul skip BLAS for a loop that adds in another order.
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(100, 6)).astype(np.float32), rng.normal(size=100)
    coefs, intercepts = init_params([6, 8, 1], "logistic", np.random.RandomState(0), np.float32)
    targets = RegressionTargets("squared_error", 1)
    model = Model("logistic", "identity", "squared_error")

    def gradient(X, params):
        X, Y, _ = _checked_chunk(X, y, None, 0, np.float32, targets)
        return _chunk_gradient((X, targets.encode(Y, np.float32), None), params, model)

    params = join(coefs, intercepts)
    expected = gradient(X, params)
    got = gradient(misaligned(X), [misaligned(param) for param in params])
    assert got[0] == expected[0]
    for a, b in zip(got[2], expected[2], strict=True):
        np.testing.assert_array_equal(a, b)


def frame_and_target():
    X, y, _ = dask_problem(BackpropClassifier)
    frame = pd.DataFrame({
        "count": pd.array(np.round(X[:, 0] * 3).astype(int), dtype="Int64"),
        "level": pd.array(X[:, 1], dtype="Float64"),
        "flag": pd.array(X[:, 2] > 0, dtype="boolean"),
        "plain_flag": X[:, 3] > 0.3,
        "value": X[:, 0] - X[:, 3],
    })  # fmt: skip
    return frame, y


@pytest.mark.parametrize(
    "columns", [["count", "level", "flag"], ["value", "plain_flag"], ["count", "value"]]
)
def test_nullable_and_bool_columns_train_as_in_memory(client, columns):
    frame, y = frame_and_target()
    frame = frame[columns]
    in_memory = quiet_fit(lbfgs(BackpropClassifier), frame, y)
    on_cluster = quiet_fit(
        lbfgs(BackpropClassifier),
        dd.from_pandas(frame, npartitions=3), dd.from_pandas(pd.Series(y), npartitions=3),
    )  # fmt: skip
    assert_same_model(in_memory, on_cluster)


@pytest.mark.parametrize("dtype", ["category", "string", "object"])
def test_text_and_category_columns_are_named(client, dtype):
    frame, y = frame_and_target()
    frame["colour"] = pd.Series(np.where(y == 1, "red", "blue")).astype(dtype)
    model = lbfgs(BackpropClassifier)
    with pytest.raises(ValueError, match=r"non-numeric columns \['colour'\].*encode"):
        model.fit(dd.from_pandas(frame, npartitions=3), dd.from_pandas(pd.Series(y), 3))
    assert not hasattr(model, "coefs_")


def test_score_of_a_constant_target_is_r2_scores(client):
    X, y, _ = dask_problem(BackpropRegressor)
    model = quiet_fit(lbfgs(BackpropRegressor), X, y)
    constant = np.full_like(y, 3.0)
    X_d, y_d = (da.from_array(a, chunks=(CHUNK, *a.shape[1:])) for a in (X, constant))
    assert model.score(X, constant) == 0.0
    assert float(model.score(X_d, y_d).compute()) == 0.0


@pytest.mark.parametrize(
    ("which", "message"),
    [
        ("X", r"^y is a Dask collection but X is a ndarray"),
        ("X_val", r"X is a Dask collection but X_val is a ndarray"),
    ],
)
def test_mixed_inputs_say_which_is_which(client, which, message):
    X, y, _ = dask_problem(BackpropClassifier)
    X_d, y_d = (da.from_array(a, chunks=(CHUNK, *a.shape[1:])) for a in (X, y))
    model = lbfgs(BackpropClassifier)
    inputs = ((X, y_d), {}) if which == "X" else ((X_d, y_d), {"X_val": X, "y_val": y_d})
    with pytest.raises(ValueError, match=message) as error:
        model.fit(*inputs[0], **inputs[1])
    assert f"{which} is a Dask collection but {which} is" not in str(error.value)


def test_predict_needs_no_client_nor_chunk_sizes(monkeypatch):
    X, y, _ = dask_problem(BackpropClassifier)
    model = quiet_fit(lbfgs(BackpropClassifier), X, y)
    X_d = da.from_array(X, chunks=(CHUNK, 4))
    X_d = X_d[X_d[:, 0] > -10]  # every row, in chunks of unknown size
    monkeypatch.setitem(sys.modules, "distributed", None)  # no Client, not even installed
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lazy = model.predict_proba(X_d)
        np.testing.assert_array_equal(lazy.compute(scheduler="sync"), model.predict_proba(X))


class CountTasks:
    """Counts the tasks Dask's local schedulers run while it is active."""

    def __enter__(self):
        from dask.callbacks import Callback

        self.count = 0
        self.callback = Callback(pretask=lambda *args: setattr(self, "count", self.count + 1))
        self.callback.__enter__()
        return self

    def __exit__(self, *exc):
        self.callback.__exit__(*exc)


@pytest.mark.parametrize("head", HEADS)
def test_predict_and_score_on_a_dask_dataframe_compute_nothing(head):
    import dask

    X, y, _ = dask_problem(head)
    X = pd.DataFrame(X, columns=list("abcd"))
    model = quiet_fit(lbfgs(head), X, y)
    frame = dd.from_pandas(X, npartitions=3)
    target = dd.from_pandas(pd.Series(y), npartitions=3)
    with dask.config.set(scheduler="sync"), CountTasks() as tasks:
        prediction, score = model.predict(frame), model.score(frame, target)
        assert tasks.count == 0
        np.testing.assert_array_equal(prediction.compute(), model.predict(X))
        assert float(score.compute()) == pytest.approx(model.score(X, y), rel=1e-12)
    assert tasks.count > 0


@pytest.mark.parametrize("head", HEADS)
def test_a_column_vector_y_warns_once_on_the_client(client, head):
    X, y, _ = dask_problem(head)
    X_d, y_d = (da.from_array(a, chunks=(CHUNK, *a.shape[1:])) for a in (X, y))
    with pytest.warns(DataConversionWarning, match="column-vector y") as record:
        column = quiet_fit(lbfgs(head), X_d, y_d[:, None])
    assert len([w for w in record if w.category is DataConversionWarning]) == 1
    assert_same_model(quiet_fit(lbfgs(head), X_d, y_d), column)
