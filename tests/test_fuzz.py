"""Property-based fuzzing: any input either works or fails with a clear ValueError/TypeError.

For every generated combination of malformed (or fine) data and parameters,
``fit`` / ``partial_fit`` followed by ``predict_proba`` must either succeed
with finite probabilities (rows summing to 1 outside multilabel), or raise
ValueError or TypeError with a message: never another exception type, a
stream of warnings, or NaN output. FUZZ_EXAMPLES sets the number of cases
(10,000 by default).
"""

import os
import warnings
from collections import Counter

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklearn_backprop import BackpropClassifier

N_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
OUTCOMES = Counter()
MESSAGES = Counter()

SPECIAL_FLOATS = [0.0, 1e300, -1e300, 1e-300, np.nan, np.inf, -np.inf, 1e3]


@st.composite
def floats(draw):
    """Mostly ordinary numbers; now and then one that breaks naive code."""
    if draw(st.integers(0, 29)) == 0:
        return draw(st.sampled_from(SPECIAL_FLOATS))
    return draw(st.floats(-3, 3))


@st.composite
def inputs(draw):
    n_rows = draw(st.sampled_from([0, 1, 2, 3, 5, 8, 8, 12, 12, 12]))
    n_cols = draw(st.sampled_from([0, 1, 2, 3, 3, 3]))
    size = n_rows * n_cols
    values = np.array(draw(st.lists(floats(), min_size=size, max_size=size)), dtype=float)
    X = values.reshape(n_rows, n_cols)
    well_formed = ["float64"] * 8 + ["float32", "int", "bool", "frame", "sparse", "list"] * 2
    malformed = ["str", "complex", "ragged", "1d", "object"]
    kind = draw(st.sampled_from(well_formed + malformed))
    with np.errstate(all="ignore"):
        if kind == "float32":
            X = X.astype(np.float32)
        elif kind == "int":
            X = np.nan_to_num(X).clip(-5, 5).astype(int)
        elif kind == "bool":
            X = X > 0
        elif kind == "str":
            X = X.astype(str)
        elif kind == "complex":
            X = X + 1j
        elif kind == "frame":
            X = pd.DataFrame(X, columns=[f"f{i}" for i in range(n_cols)])
        elif kind == "sparse":
            X = sp.csr_matrix(np.nan_to_num(X))
        elif kind == "list":
            X = X.tolist()
        elif kind == "ragged":
            X = [row[: i % (n_cols + 1)] for i, row in enumerate(X.tolist())]
        elif kind == "1d":
            X = X.ravel()
        elif kind == "object":
            X = X.astype(object)
    return X, n_rows


@st.composite
def targets(draw, n_rows):
    n = draw(st.sampled_from([n_rows, n_rows, n_rows, max(n_rows - 1, 0), n_rows + 1]))
    well_formed = ["int"] * 6 + ["str"] * 3 + ["indicator"] * 2
    kind = draw(st.sampled_from([*well_formed, "float", "nan", "one-class", "column"]))
    labels = np.array(draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), dtype=int)
    if kind == "str":
        return np.array(["cat", "dog", "eel"])[labels]
    if kind == "float":
        return labels + 0.5
    if kind == "nan":
        return np.where(labels == 1, np.nan, labels)
    if kind == "one-class":
        return np.zeros(n, dtype=int)
    if kind == "indicator":
        return np.stack([labels == 0, labels != 1], axis=1).astype(int)
    if kind == "column":
        return labels.reshape(-1, 1)
    return labels


VALID_PARAMS = {
    "hidden_layer_sizes": [(3,), (2, 2), (), 4],
    "activation": ["logistic", "tanh", "relu", "identity"],
    "loss": ["log_loss", "squared_error"],
    "solver": ["sgd", "adam", "lbfgs"],
    "learning_rate_init": [1e-3, 1.0, 1e6],
    "learning_rate": ["constant", "invscaling", "adaptive"],
    "max_iter": [1, 3],
    "batch_size": ["auto", 1, 3],
    "alpha": [0.0, 1e-4, 1e3],
    "early_stopping": [False, False, False, True],
    "class_weight": [None, None, "balanced", {0: 2.0}, {"x": 1.0}],
}
INVALID_PARAMS = {
    "hidden_layer_sizes": [(0,), "a", (2.5,)],
    "activation": ["softplus"],
    "learning_rate_init": [0.0, -1.0],
    "max_iter": [0],
    "batch_size": [0],
    "alpha": [-1.0],
    "class_weight": ["all"],
}


@st.composite
def parameters(draw):
    params = {name: draw(st.sampled_from(options)) for name, options in VALID_PARAMS.items()}
    if draw(st.integers(0, 9)) == 0:  # one case in ten: one invalid parameter
        name = draw(st.sampled_from(sorted(INVALID_PARAMS)))
        params[name] = draw(st.sampled_from(INVALID_PARAMS[name]))
    return {**params, "random_state": 0}


@st.composite
def cases(draw):
    X, n_rows = draw(inputs())
    y = draw(targets(n_rows))
    weights = draw(st.sampled_from([None] * 5 + ["ones", "negative", "zeros", "nan", "short"]))
    sample_weight = {
        None: None,
        "ones": np.ones(n_rows),
        "negative": -np.ones(n_rows),
        "zeros": np.zeros(n_rows),
        "nan": np.full(n_rows, np.nan),
        "short": np.ones(max(n_rows - 1, 0)),
    }[weights]
    method = draw(st.sampled_from(["fit"] * 5 + ["partial_fit"] * 4 + ["predict_unfitted"]))
    return X, y, sample_weight, draw(parameters()), method


def _check_probabilities(clf, X):
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all(), "predict_proba returned non-finite values"
    assert ((proba >= 0) & (proba <= 1)).all()
    if not clf._multilabel:
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


@settings(
    max_examples=N_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@given(case=cases())
def test_any_input_works_or_fails_clearly(case):
    X, y, sample_weight, params, method = case
    clf = BackpropClassifier(**params)
    if method == "partial_fit" and not hasattr(clf, "partial_fit"):
        method = "fit"  # lbfgs has no partial_fit, as scikit-learn's available_if says
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if method == "predict_unfitted":
                clf.predict_proba(X)
            elif method == "partial_fit":
                clf.partial_fit(X, y, classes=_classes_of(y), sample_weight=sample_weight)
                _check_probabilities(clf, X)
            else:
                clf.fit(X, y, sample_weight=sample_weight)
                _check_probabilities(clf, X)
        except (ValueError, TypeError) as raised:
            error = raised
    OUTCOMES[type(error).__name__ if error else "succeeded"] += 1
    MESSAGES[str(error)[:70] if error else ""] += 1
    assert error is None or str(error), f"{type(error).__name__} without a message"
    assert len(caught) <= 3, [str(w.message) for w in caught]


def _classes_of(y):
    try:
        return np.unique(y)
    except TypeError:
        return None


@pytest.fixture(scope="module", autouse=True)
def _report_outcomes():
    yield
    total = sum(OUTCOMES.values())
    print(f"\nfuzzed {total} cases: {dict(OUTCOMES.most_common())}")
    print(f"most common messages: {MESSAGES.most_common(10)}")
