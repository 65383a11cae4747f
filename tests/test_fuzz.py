"""Property-based fuzzing: any input either works or fails with a clear ValueError/TypeError.

For every generated combination of malformed (or fine) data and parameters,
``fit`` / ``partial_fit`` followed by ``predict_proba`` (the classifier) or
``predict`` (the regressor) must either succeed with finite output
(probabilities whose rows sum to 1 outside multilabel; predictions of the
targets' shape, non-negative for the Poisson loss), or raise ValueError or
TypeError with a message: never another exception type, a stream of
warnings, or NaN output. FUZZ_EXAMPLES sets the number of cases (10,000 by
default), half for each estimator.
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
from sklearn.utils.validation import _num_samples

from sklearn_backprop import BackpropClassifier, BackpropRegressor

N_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10000"))
CLASSIFIER_EXAMPLES = (N_EXAMPLES + 1) // 2
REGRESSOR_EXAMPLES = max(N_EXAMPLES - CLASSIFIER_EXAMPLES, 1)
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


# The regressor's: its losses, and no class_weight (not one of its parameters).
REGRESSOR_VALID_PARAMS = {
    **{name: options for name, options in VALID_PARAMS.items() if name != "class_weight"},
    "loss": ["squared_error", "poisson"],
}
REGRESSOR_INVALID_PARAMS = {
    **{name: options for name, options in INVALID_PARAMS.items() if name != "class_weight"},
    "loss": ["log_loss"],
}


@st.composite
def parameters(draw, valid=VALID_PARAMS, invalid=INVALID_PARAMS):
    params = {name: draw(st.sampled_from(options)) for name, options in valid.items()}
    if draw(st.integers(0, 9)) == 0:  # one case in ten: one invalid parameter
        name = draw(st.sampled_from(sorted(invalid)))
        params[name] = draw(st.sampled_from(invalid[name]))
    return {**params, "random_state": 0}


@st.composite
def regression_targets(draw, n_rows):
    n = draw(st.sampled_from([n_rows, n_rows, n_rows, max(n_rows - 1, 0), n_rows + 1]))
    well_formed = ["float"] * 5 + ["int", "two-targets", "two-targets", "column", "list"]
    kind = draw(st.sampled_from([*well_formed, "str", "negative", "special", "constant"]))
    values = np.array(draw(st.lists(st.floats(0, 20), min_size=2 * n, max_size=2 * n)))
    y = values[:n]
    if kind == "int":
        return np.round(y).astype(int)
    if kind == "two-targets":
        return values.reshape(n, 2)
    if kind == "column":
        return y.reshape(-1, 1)
    if kind == "list":
        return y.tolist()
    if kind == "str":
        return y.astype(str) if draw(st.booleans()) else np.array(["cat", "dog"] * n)[:n]
    if kind == "negative":
        return y - 10
    if kind == "special":  # NaN, inf, 1e300...
        return np.where(np.arange(n) == 0, draw(st.sampled_from(SPECIAL_FLOATS)), y)
    if kind == "constant":
        return np.full(n, y[0] if n else 0.0)
    return y


@st.composite
def cases(draw, make_targets=targets, make_parameters=parameters):
    X, n_rows = draw(inputs())
    y = draw(make_targets(n_rows))
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
    return X, y, sample_weight, draw(make_parameters()), method


def _check_probabilities(clf, X):
    proba = clf.predict_proba(X)
    assert np.isfinite(proba).all(), "predict_proba returned non-finite values"
    assert ((proba >= 0) & (proba <= 1)).all()
    if not clf._multilabel:
        np.testing.assert_allclose(proba.sum(axis=1), 1, rtol=1e-5)


def _check_predictions(reg, X, y):
    prediction = reg.predict(X)
    assert np.isfinite(prediction).all(), "predict returned non-finite values"
    n_targets = 1 if np.ndim(y) == 1 else np.shape(y)[1]
    assert prediction.shape == (_num_samples(X),) + ((n_targets,) if n_targets > 1 else ())
    if reg.out_activation_ == "exp":
        assert (prediction >= 0).all()  # exp(z) underflows to 0 where z < -745


def _fuzz(estimator, case, fit_and_check, partial_fit_and_check):
    """Run one case: it works, or raises ValueError/TypeError with a message, few warnings."""
    X, y, sample_weight, params, method = case
    error = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            model = estimator(**params)
            if method == "partial_fit" and not hasattr(model, "partial_fit"):
                method = "fit"  # lbfgs has no partial_fit, as scikit-learn's available_if says
            if method == "predict_unfitted":
                getattr(model, "predict_proba", model.predict)(X)
            elif method == "partial_fit":
                partial_fit_and_check(model, X, y, sample_weight)
            else:
                fit_and_check(model, X, y, sample_weight)
        except (ValueError, TypeError) as raised:
            error = raised
    OUTCOMES[f"{estimator.__name__}: {type(error).__name__ if error else 'succeeded'}"] += 1
    MESSAGES[str(error)[:70] if error else ""] += 1
    assert error is None or str(error), f"{type(error).__name__} without a message"
    assert len(caught) <= 3, [str(w.message) for w in caught]


FUZZ_SETTINGS = dict(deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@settings(max_examples=CLASSIFIER_EXAMPLES, **FUZZ_SETTINGS)
@given(case=cases())
def test_any_input_works_or_fails_clearly(case):
    def fit_and_check(clf, X, y, sample_weight):
        clf.fit(X, y, sample_weight=sample_weight)
        _check_probabilities(clf, X)

    def partial_fit_and_check(clf, X, y, sample_weight):
        clf.partial_fit(X, y, classes=_classes_of(y), sample_weight=sample_weight)
        _check_probabilities(clf, X)

    _fuzz(BackpropClassifier, case, fit_and_check, partial_fit_and_check)


@settings(max_examples=REGRESSOR_EXAMPLES, **FUZZ_SETTINGS)
@given(
    case=cases(
        make_targets=regression_targets,
        make_parameters=lambda: parameters(REGRESSOR_VALID_PARAMS, REGRESSOR_INVALID_PARAMS),
    )
)
def test_any_input_works_or_fails_clearly_for_the_regressor(case):
    def fit_and_check(reg, X, y, sample_weight):
        reg.fit(X, y, sample_weight=sample_weight)
        _check_predictions(reg, X, y)

    def partial_fit_and_check(reg, X, y, sample_weight):
        reg.partial_fit(X, y, sample_weight)  # MLPRegressor's argument order
        _check_predictions(reg, X, y)

    _fuzz(BackpropRegressor, case, fit_and_check, partial_fit_and_check)


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
