"""Small problems and helpers shared by the tests."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_backprop import BackpropClassifier, BackpropRegressor
from sklearn_backprop._network import init_params, join

TARGET_KINDS = ["binary", "multiclass", "multilabel"]
HEADS = [BackpropClassifier, BackpropRegressor]


def make_problem(kind, n_samples=12, n_features=4, seed=0, dtype=np.float64):
    """Random inputs, binarized targets and the output activation for ``kind``."""
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, n_features)).astype(dtype)
    if kind == "binary":
        Y = (rng.rand(n_samples, 1) > 0.5).astype(dtype)
        out_activation = "logistic"
    elif kind == "multiclass":
        Y = np.eye(3, dtype=dtype)[rng.randint(0, 3, n_samples)]
        out_activation = "softmax"
    else:
        Y = (rng.rand(n_samples, 3) > 0.5).astype(dtype)
        out_activation = "logistic"
    return X, Y, out_activation


def make_network(
    n_features, n_outputs, hidden=(5, 4), activation="logistic", seed=1, dtype=np.float64, scale=1.0
):
    """Initial weights for a small network, optionally scaled up."""
    rng = np.random.RandomState(seed)
    coefs, intercepts = init_params([n_features, *hidden, n_outputs], activation, rng, dtype)
    return [c * scale for c in coefs], [b * scale for b in intercepts]


def quiet(function, *args, **kwargs):
    """Call ``function``, silencing the ConvergenceWarning of deliberately short fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return function(*args, **kwargs)


def quiet_fit(model, *args, **kwargs):
    """``model.fit``, silencing the ConvergenceWarning of deliberately short fits."""
    return quiet(model.fit, *args, **kwargs)


def assert_same_weights(ours, reference, rtol):
    for got, expected in zip(
        join(ours.coefs_, ours.intercepts_), join(reference.coefs_, reference.intercepts_),
        strict=True,
    ):  # fmt: skip
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=rtol)


def assert_same_model(in_memory, on_cluster):
    """The same iterations, weights and losses, to the rounding of sums taken in another order."""
    assert on_cluster.n_iter_ == in_memory.n_iter_
    for expected, found in zip(
        join(in_memory.coefs_, in_memory.intercepts_),
        join(on_cluster.coefs_, on_cluster.intercepts_),
        strict=True,
    ):
        np.testing.assert_allclose(found, expected, rtol=1e-6, atol=1e-6 * np.abs(expected).max())
    np.testing.assert_allclose(on_cluster.loss_curve_, in_memory.loss_curve_, rtol=1e-6)


def dask_problem(kind, n_samples=120, seed=0):
    """X, y and sample weights of ``kind`` (a head: its usual kind) for the Dask tests."""
    kind = {BackpropClassifier: "binary", BackpropRegressor: "regression"}.get(kind, kind)
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 4))
    if kind == "binary":
        y = (X[:, 0] + X[:, 1] ** 2 > 1).astype(int)
    elif kind == "multiclass":
        y = np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 2] > 0.5)]
    elif kind == "multilabel":
        y = np.stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] > 0.3], axis=1).astype(int)
    else:
        y = X @ np.array([1.0, -2.0, 0.5, 0.0]) + np.sin(X[:, 0])
    return X, y, rng.uniform(0, 2, n_samples)


def local_cluster():
    """Two worker processes of one thread, on loopback: the chunks really live elsewhere.

    The dashboard on a free port: None still binds 8787, which another cluster may hold.
    """
    import distributed

    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
        dashboard_address=":0",
    )  # fmt: skip
