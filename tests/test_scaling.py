"""Numeric input standardized by default, folded into the first layer (issue 23, points 2 and 5)."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.datasets import load_breast_cancer, load_iris
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier, BackpropRegressor, TrainingDivergedError
from sklearn_backprop._scaling import _ROWS_PER_BLOCK, fold, learn_scaling, standardized, unfold

from ._helpers import quiet

HEADS = [BackpropClassifier, BackpropRegressor]


def _unscaled_problem(head, n_samples=60, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n_samples, 4)) * [1.0, 100.0, 0.01, 5.0] + [0.0, 500.0, 3.0, -2.0]
    if head is BackpropClassifier:
        return X, (X[:, 1] > 500.0).astype(int)
    # A standardized target: the regressor's own target scaling is then the identity.
    y = X[:, 1] + rng.normal(size=n_samples)
    return X, (y - y.mean()) / y.std()


def _first_layer_for_raw_input(model, mean, scale):
    return model.coefs_[0] / scale[:, None], model.intercepts_[0] - (mean / scale) @ model.coefs_[0]


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_training_on_raw_input_is_training_on_standardized_input_folded(head, solver):
    X, y = _unscaled_problem(head)
    settings = {"hidden_layer_sizes": (5,), "solver": solver, "max_iter": 30, "random_state": 0}
    ours = quiet(head(**settings).fit, X, y)
    scaler = StandardScaler().fit(X)
    reference = quiet(head(**settings, mlp_parity=True).fit, scaler.transform(X), y)
    coef, intercept = _first_layer_for_raw_input(reference, scaler.mean_, scaler.scale_)
    np.testing.assert_allclose(ours.coefs_[0], coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.intercepts_[0], intercept, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.coefs_[1], reference.coefs_[1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(ours.input_mean_, scaler.mean_)
    np.testing.assert_allclose(ours.input_scale_, scaler.scale_)


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_mlp_parity_trains_on_the_input_as_it_is(head):
    X, y = _unscaled_problem(head)
    model = quiet(head(hidden_layer_sizes=(3,), max_iter=5, mlp_parity=True).fit, X, y)
    assert model.input_mean_ is None
    assert model.input_scale_ is None


def test_unscaled_input_is_as_good_as_a_standard_scaler_pipeline():
    X, y = load_breast_cancer(return_X_y=True)
    train, test = np.arange(len(y)) % 3 != 0, np.arange(len(y)) % 3 == 0
    scaler = StandardScaler().fit(X[train])
    raw = quiet(BackpropClassifier(random_state=0).fit, X[train], y[train])
    scaled = quiet(
        BackpropClassifier(random_state=0, mlp_parity=True).fit,
        scaler.transform(X[train]),
        y[train],
    )
    unscaled = quiet(BackpropClassifier(random_state=0, mlp_parity=True).fit, X[train], y[train])
    by_hand = scaled.score(scaler.transform(X[test]), y[test])
    assert raw.score(X[test], y[test]) >= by_hand - 1e-12
    assert unscaled.score(X[test], y[test]) < by_hand  # what the default scaling fixes


def test_statistics_are_weighted_by_sample_weight():
    X, y = _unscaled_problem(BackpropRegressor, n_samples=20)
    weights = np.random.RandomState(1).randint(0, 4, len(y))
    settings = {"hidden_layer_sizes": (3,), "max_iter": 2, "random_state": 0}
    weighted = quiet(BackpropRegressor(**settings).fit, X, y, sample_weight=weights)
    repeated = quiet(
        BackpropRegressor(**settings).fit, np.repeat(X, weights, 0), np.repeat(y, weights)
    )
    np.testing.assert_allclose(weighted.input_mean_, repeated.input_mean_, rtol=1e-12)
    np.testing.assert_allclose(weighted.input_scale_, repeated.input_scale_, rtol=1e-12)
    unweighted = quiet(BackpropRegressor(**settings).fit, X, y)
    assert not np.allclose(weighted.input_mean_, unweighted.input_mean_)


def test_sparse_input_is_scaled_without_densifying_nor_centring():
    X, y = _unscaled_problem(BackpropClassifier)
    X[np.median(X, axis=0) > X] = 0.0
    X_sparse = sp.csr_array(X)
    scaled = standardized(X_sparse, np.zeros(4), np.array([1.0, 2.0, 4.0, 8.0]))
    assert sp.issparse(scaled)
    assert scaled.nnz == X_sparse.nnz
    np.testing.assert_allclose(scaled.toarray(), X / [1.0, 2.0, 4.0, 8.0])
    np.testing.assert_array_equal(X_sparse.toarray(), X)  # the input is left as it was
    settings = {"hidden_layer_sizes": (4,), "solver": "lbfgs", "max_iter": 20, "random_state": 0}
    model = quiet(BackpropClassifier(**settings).fit, X_sparse, y)
    np.testing.assert_array_equal(model.input_mean_, np.zeros(4))
    scale = StandardScaler(with_mean=False).fit(X).scale_
    reference = quiet(BackpropClassifier(**settings, mlp_parity=True).fit, X / scale, y)
    np.testing.assert_allclose(model.coefs_[0], reference.coefs_[0] / scale[:, None], rtol=1e-9)
    np.testing.assert_allclose(model.predict_proba(X_sparse), reference.predict_proba(X / scale))


def test_fold_and_unfold_are_inverse_and_predict_the_same():
    rng = np.random.RandomState(0)
    coefs = [rng.normal(size=(3, 4)), rng.normal(size=(4, 1))]
    intercepts = [rng.normal(size=4), rng.normal(size=1)]
    given = [array.copy() for array in coefs + intercepts]
    mean, scale = rng.normal(size=3), rng.uniform(0.5, 2.0, 3)
    X = rng.normal(size=(5, 3))
    standardized_output = ((X - mean) / scale) @ coefs[0] + intercepts[0]
    raw_coefs, raw_intercepts = fold(coefs, intercepts, mean, scale)
    assert raw_coefs[0] is coefs[0]  # in place: the model's arrays stay its own
    np.testing.assert_allclose(X @ raw_coefs[0] + raw_intercepts[0], standardized_output)
    unfold(raw_coefs, raw_intercepts, mean, scale)
    for array, original in zip(coefs + intercepts, given, strict=True):
        np.testing.assert_allclose(array, original, rtol=1e-12)


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_partial_fit_keeps_the_statistics_of_its_first_call(head):
    X, y = _unscaled_problem(head, n_samples=80)
    first, second = slice(0, 40), slice(40, 80)
    extra = {"classes": [0, 1]} if head is BackpropClassifier else {}
    model = head(hidden_layer_sizes=(4,), random_state=0, shuffle=False)
    model.partial_fit(X[first], y[first], **extra)
    mean, scale = model.input_mean_.copy(), model.input_scale_.copy()
    model.partial_fit(X[second] * 3.0, y[second], **extra)
    np.testing.assert_array_equal(model.input_mean_, mean)
    np.testing.assert_array_equal(model.input_scale_, scale)
    # Two steps on raw input are two steps of the parity model on input standardized once.
    # A regressor's target is standardized by the first call's statistics too.
    regression = head is BackpropRegressor
    offset, spread = (y[first].mean(), y[first].std()) if regression else (0.0, 1.0)
    reference = head(hidden_layer_sizes=(4,), random_state=0, shuffle=False, mlp_parity=True)
    reference.partial_fit((X[first] - mean) / scale, (y[first] - offset) / spread, **extra)
    reference.partial_fit((X[second] * 3.0 - mean) / scale, (y[second] - offset) / spread, **extra)
    np.testing.assert_allclose(model.coefs_[1], reference.coefs_[1] * spread, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(
        model.coefs_[0], reference.coefs_[0] / scale[:, None], rtol=1e-9, atol=1e-12
    )


@pytest.mark.parametrize("head", HEADS, ids=lambda head: head.__name__)
def test_warm_start_continues_from_the_same_model(head):
    X, y = _unscaled_problem(head)
    settings = {"hidden_layer_sizes": (4,), "solver": "sgd", "random_state": 0, "shuffle": False}
    twice = quiet(head(**settings, max_iter=3, warm_start=True).fit, X, y)
    quiet(twice.fit, X, y)
    reference = head(**settings, max_iter=3, warm_start=True, mlp_parity=True)
    Z = (X - twice.input_mean_) / twice.input_scale_
    quiet(reference.fit, Z, y)
    quiet(reference.fit, Z, y)
    np.testing.assert_allclose(twice.coefs_[1], reference.coefs_[1], rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(twice.predict(X), reference.predict(Z), rtol=1e-9, atol=1e-12)


def test_a_diverged_fit_keeps_the_weights_before_for_raw_input():
    X, y = load_iris(return_X_y=True)
    settings = {"solver": "sgd", "activation": "identity", "learning_rate_init": 1e3,
                "max_iter": 500, "n_iter_no_change": 1000, "random_state": 0}  # fmt: skip
    model, reference = (
        BackpropClassifier(**settings),
        BackpropClassifier(**settings, mlp_parity=True),
    )
    with pytest.raises(TrainingDivergedError):
        model.fit(X, y)
    scaler = StandardScaler().fit(X)
    with pytest.raises(TrainingDivergedError):
        reference.fit(scaler.transform(X), y)
    assert model.n_iter_ == reference.n_iter_
    coef, intercept = _first_layer_for_raw_input(reference, scaler.mean_, scaler.scale_)
    np.testing.assert_allclose(model.coefs_[0], coef, rtol=1e-9)
    np.testing.assert_allclose(model.intercepts_[0], intercept, rtol=1e-9)


def test_statistics_read_by_blocks_of_rows_equal_standard_scalers():
    rng = np.random.RandomState(0)
    n_samples = 2 * _ROWS_PER_BLOCK + 100
    X = rng.normal(size=(n_samples, 3)) * [1.0, 1e150, 1e-3] + [5.0, 3e150, 0.0]
    X[:, 2] = 7.0  # constant: scale 1, as StandardScaler gives it
    weights = rng.uniform(0.0, 2.0, n_samples)
    weights[:_ROWS_PER_BLOCK] = 0.0  # a whole block that counts for nothing
    mean, scale = learn_scaling(X, weights)
    unit = X / np.abs(X).max(axis=0)  # the weighted moments, in one pass each
    expected_mean = np.average(unit, axis=0, weights=weights)
    spread = np.sqrt(np.average((unit - expected_mean) ** 2, axis=0, weights=weights))
    magnitude = np.abs(X).max(axis=0)
    np.testing.assert_allclose(mean, expected_mean * magnitude, rtol=1e-12)
    np.testing.assert_allclose(scale[:2], (spread * magnitude)[:2], rtol=1e-12)
    assert scale[2] == 7.0  # 1 on X / max|X|: the column's magnitude once scaled back


def _allocated_by_fit(model, *args, **kwargs):
    tracemalloc.start()
    try:
        quiet(model.fit, *args, **kwargs)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("early_stopping", [False, True])
def test_fit_makes_at_most_one_copy_of_the_input_and_never_changes_it(early_stopping):
    X, y = _unscaled_problem(BackpropClassifier, n_samples=30_000)
    X = np.hstack([X] * 10)  # 9.6 MB: the network's own buffers are far smaller
    given = X.copy()
    model = BackpropClassifier(
        hidden_layer_sizes=(4,), max_iter=1, batch_size=1000, early_stopping=early_stopping
    )
    allocated = _allocated_by_fit(model, X, y)
    np.testing.assert_array_equal(X, given)
    # The split's parts (early stopping) or one standardized copy, not both.
    assert X.nbytes < allocated < 1.5 * X.nbytes


def test_the_fits_own_copies_are_standardized_in_place_and_the_users_left_alone():
    X, y = _unscaled_problem(BackpropClassifier, n_samples=200)
    frame = pd.DataFrame(X, columns=list("abcd")).astype({"a": "Float64"})
    frame.loc[3, "a"] = pd.NA  # encoded: the encoder's array is the fit's own
    X_val = frame.iloc[:50].copy()
    given, given_val = frame.copy(), X_val.copy()
    model = BackpropClassifier(hidden_layer_sizes=(4,), max_iter=3, random_state=0)
    quiet(model.fit, frame, y, X_val=X_val, y_val=y[:50])
    pd.testing.assert_frame_equal(frame, given)
    pd.testing.assert_frame_equal(X_val, given_val)
    as_ints = (X * 10).astype(np.int64)  # converted to float: the copy is the fit's own
    X_before = as_ints.copy()
    quiet(model.fit, as_ints, y, X_val=as_ints[:50], y_val=y[:50])
    np.testing.assert_array_equal(as_ints, X_before)
