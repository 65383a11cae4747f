"""Input standardization of Dask data: statistics from the workers' sums, applied on the workers."""

import itertools

import numpy as np
import pytest

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._dask_data import ClusterChunks
from sklearn_backprop._dask_scaling import learn_scaling_on_cluster
from sklearn_backprop._scaling import learn_scaling

from ._helpers import HEADS, assert_same_model, dask_problem, quiet_fit

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
pytestmark = pytest.mark.xdist_group("dask_cluster")

CHUNK = 40
# Columns whose scales and offsets differ by orders of magnitude: unscaled, they train badly.
MAGNITUDES, OFFSETS = np.array([1e-3, 1.0, 1e3, 10.0]), np.array([5.0, -2.0, 1e3, 0.0])


def skewed(head, n_samples=120, seed=0):
    """``dask_problem``'s X, y and sample weights, with columns of very different magnitudes."""
    X, y, sample_weight = dask_problem(head, n_samples, seed)
    return X * MAGNITUDES + OFFSETS, y, sample_weight


def chunked(*arrays):
    return [None if a is None else da.from_array(a, chunks=(CHUNK, *a.shape[1:])) for a in arrays]


def lbfgs(head, **params):
    settings = {"hidden_layer_sizes": (5,), "solver": "lbfgs", "max_iter": 10, "random_state": 0}
    return head(**{**settings, **params})


def held(client, X, sample_weight, sizes):
    """``ClusterChunks`` of rows of X and weights cut at ``sizes``, as a fit holds them."""
    edges = np.cumsum((0, *sizes))
    parts = [
        (X[start:stop], None, None if sample_weight is None else sample_weight[start:stop])
        for start, stop in itertools.pairwise(edges)
    ]
    return ClusterChunks(client.scatter(parts, hash=False), X.shape, X.dtype)


def columns_of_every_kind(dtype, n_samples):
    """Columns a scaler must handle: offset, tiny, huge, constant, zero.

    Huge: the squares of its values overflow the dtype, their sum does not.
    """
    rng = np.random.default_rng(0)
    X = np.column_stack([
        rng.normal(size=n_samples) * 2.0 + 1e3, rng.normal(size=n_samples) * 1e-6,
        rng.uniform(-1, 1, n_samples) * float(np.finfo(dtype).max) ** 0.6, np.full(n_samples, 7.5),
        np.zeros(n_samples),
    ])  # fmt: skip
    return X.astype(dtype), rng.uniform(0, 2, n_samples)


# Chunk sizes (an empty chunk among them); 10,000 rows: learn_scaling reads several blocks.
SIZES = {100: (30, 0, 45, 25), 10_000: (3_000, 0, 4_500, 2_500)}
CASES = [
    (n_samples, dtype, weighted)
    for n_samples in SIZES
    for dtype in (np.float64, np.float32)
    for weighted in (True, False)
]


def exact_scaling(X, sample_weight):
    """The weighted mean and standard deviation of ``X / max|X|`` in float64, scaled back.

    StandardScaler's rules: a zero column's maximum is 1, a constant column's scale 1.
    """
    magnitude = np.abs(X).max(axis=0)
    magnitude[magnitude == 0] = 1
    unit = (X / magnitude).astype(np.float64)  # divided in X's dtype, as MaxAbsScaler does
    weights = np.ones(len(X)) if sample_weight is None else sample_weight.astype(np.float64)
    mean = np.average(unit, axis=0, weights=weights)
    std = np.sqrt(np.average((unit - mean) ** 2, axis=0, weights=weights))
    std[np.ptp(unit, axis=0) == 0] = 1.0
    return mean * magnitude, std * magnitude


def statistics_on_the_cluster(client, n_samples, dtype, weighted):
    X, sample_weight = columns_of_every_kind(dtype, n_samples)
    sample_weight = sample_weight.astype(dtype) if weighted else None
    scaling = learn_scaling_on_cluster(client, held(client, X, sample_weight, SIZES[n_samples]))
    return X, sample_weight, scaling


@pytest.mark.parametrize(("n_samples", "dtype", "weighted"), CASES)
def test_statistics_from_the_workers_are_exact(client, n_samples, dtype, weighted):
    X, sample_weight, (mean, scale) = statistics_on_the_cluster(client, n_samples, dtype, weighted)
    expected_mean, expected_scale = exact_scaling(X, sample_weight)
    assert np.isfinite(scale).all()
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-12, atol=0)
    np.testing.assert_allclose(scale, expected_scale, rtol=1e-12, atol=0)
    assert scale[4] == 1.0  # the zero column: scale 1, as StandardScaler's
    assert scale[3] == 7.5  # the constant column: 1 on X / max|X|, as learn_scaling's


@pytest.mark.parametrize(
    ("n_samples", "dtype", "weighted"),
    CASES,
)
def test_statistics_from_the_workers_equal_learn_scaling_in_memory(
    client, n_samples, dtype, weighted
):
    X, sample_weight, (mean, scale) = statistics_on_the_cluster(client, n_samples, dtype, weighted)
    expected_mean, expected_scale = learn_scaling(X, sample_weight)
    np.testing.assert_allclose(mean, expected_mean, rtol=1e-12, atol=0)
    np.testing.assert_allclose(scale, expected_scale, rtol=1e-12, atol=0)


@pytest.mark.parametrize("head", HEADS)
def test_a_fit_at_the_defaults_scales_as_in_memory(client, head):
    X, y, sample_weight = skewed(head)
    in_memory = quiet_fit(lbfgs(head), X, y, sample_weight)
    on_cluster = quiet_fit(lbfgs(head), *chunked(X, y, sample_weight))
    np.testing.assert_allclose(on_cluster.input_mean_, in_memory.input_mean_, rtol=1e-12)
    np.testing.assert_allclose(on_cluster.input_scale_, in_memory.input_scale_, rtol=1e-12)
    assert_same_model(in_memory, on_cluster)
    np.testing.assert_allclose(on_cluster.predict(X), in_memory.predict(X), rtol=1e-6)


def test_mlp_parity_trains_on_the_input_as_it_is(client):
    X, y, sample_weight = skewed(BackpropClassifier)
    model = quiet_fit(lbfgs(BackpropClassifier, mlp_parity=True), *chunked(X, y, sample_weight))
    assert model.input_mean_ is None
    assert model.input_scale_ is None


@pytest.mark.parametrize("head", HEADS)
def test_validation_data_is_standardized_with_the_training_statistics(client, head):
    X, y, sample_weight = skewed(head)
    # Other statistics than the training data's: scaled with its own, it would score otherwise.
    X_val, y_val, _ = skewed(head, n_samples=80, seed=1)
    X_val = X_val * 1.5 + 3.0
    in_memory = quiet_fit(lbfgs(head), X, y, sample_weight, X_val=X_val, y_val=y_val)
    X_d, y_d, w_d, X_val_d, y_val_d = chunked(X, y, sample_weight, X_val, y_val)
    on_cluster = quiet_fit(lbfgs(head), X_d, y_d, w_d, X_val=X_val_d, y_val=y_val_d)
    assert_same_model(in_memory, on_cluster)
    np.testing.assert_allclose(
        on_cluster.validation_loss_curve_, in_memory.validation_loss_curve_, rtol=1e-6
    )
    np.testing.assert_allclose(
        on_cluster.validation_scores_, in_memory.validation_scores_, rtol=1e-6
    )


@pytest.mark.parametrize("first_fit_on", ["cluster", "memory"])
def test_a_warm_start_keeps_the_first_fits_statistics(client, first_fit_on):
    X, y, sample_weight = skewed(BackpropRegressor)
    X_more, y_more, _ = skewed(BackpropRegressor, seed=1)
    X_more = X_more * 2.0 - 1.0  # the statistics of the second fit's data differ
    first_data = (
        chunked(X, y, sample_weight) if first_fit_on == "cluster" else (X, y, sample_weight)
    )
    model = quiet_fit(lbfgs(BackpropRegressor, warm_start=True), *first_data)
    mean, scale = model.input_mean_.copy(), model.input_scale_.copy()
    quiet_fit(model, *chunked(X_more, y_more))
    np.testing.assert_array_equal(model.input_mean_, mean)
    np.testing.assert_array_equal(model.input_scale_, scale)
    in_memory = quiet_fit(lbfgs(BackpropRegressor, warm_start=True), X, y, sample_weight)
    quiet_fit(in_memory, X_more, y_more)
    assert_same_model(in_memory, model)


def received_bytes(monkeypatch):
    """A list that records the size of everything the client receives from the workers."""
    from dask.sizeof import sizeof

    received = []
    gather = distributed.Client._gather  # what gather, compute and Future.result all await

    async def recorded(self, futures, *args, **kwargs):
        result = await gather(self, futures, *args, **kwargs)
        received.append(sizeof(result))
        return result

    monkeypatch.setattr(distributed.Client, "_gather", recorded)
    return received


def test_the_statistics_come_from_the_workers_not_the_rows(client, monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20_000, 4)) * MAGNITUDES + OFFSETS
    y = (X[:, 0] > 5).astype(int)
    X_val, y_val = X[:2_000] * 1.5, y[:2_000]
    arrays = [da.from_array(a, chunks=5_000) for a in (X, y, X_val, y_val)]
    received = received_bytes(monkeypatch)
    arrays[0][:1000].compute()  # the record sees rows that do come to the client
    assert sum(received) >= 1000 * 4 * 8
    received.clear()
    model = quiet_fit(lbfgs(BackpropClassifier, max_iter=3), *arrays[:2],
                      X_val=arrays[2], y_val=arrays[3])  # fmt: skip
    assert model.input_scale_ is not None
    assert 0 < sum(received) < (X.nbytes + X_val.nbytes) / 50
