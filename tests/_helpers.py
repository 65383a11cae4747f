"""Small problems and helpers shared by the tests."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklearn_backprop._network import init_params

TARGET_KINDS = ["binary", "multiclass", "multilabel"]


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
