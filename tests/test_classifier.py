"""The estimator's behaviour as a scikit-learn user sees it."""

import pickle
import re
import warnings
from copy import deepcopy

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_digits, make_multilabel_classification
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from sklearn_backprop import BackpropClassifier, TrainingDivergedError

from ._helpers import quiet


def quiet_fit(clf, *args, **kwargs):
    return quiet(clf.fit, *args, **kwargs)


def small_clf(**params):
    settings = dict(hidden_layer_sizes=(10,), learning_rate_init=0.05, max_iter=60, random_state=0)
    return BackpropClassifier(**{**settings, **params})


def test_learns_digits_at_least_as_well_as_mlpclassifier():
    from sklearn.neural_network import MLPClassifier

    X, y = load_digits(return_X_y=True)
    X_train, X_test, y_train, y_test = train_test_split(X / 16, y, stratify=y, random_state=0)
    settings = dict(hidden_layer_sizes=(64,), activation="logistic", random_state=0)
    ours = quiet_fit(BackpropClassifier(**settings), X_train, y_train)
    reference = quiet_fit(MLPClassifier(**settings), X_train, y_train)
    assert ours.score(X_test, y_test) >= reference.score(X_test, y_test)
    assert ours.score(X_test, y_test) > 0.95


@pytest.mark.parametrize("loss", ["log_loss", "squared_error"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_fits_iris_with_every_loss_and_solver(iris, loss, solver):
    X, y = iris
    clf = quiet_fit(small_clf(loss=loss, solver=solver, max_iter=200), X, y)
    assert clf.score(X, y) > 0.9
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[proba.argmax(axis=1)])
    np.testing.assert_allclose(clf.predict_log_proba(X), np.log(proba), rtol=1e-10)


def test_fitted_attributes(iris):
    X, y = iris
    clf = quiet_fit(small_clf(hidden_layer_sizes=(6, 5), max_iter=7), X, y)
    assert clf.n_layers_ == 4
    assert clf.n_outputs_ == 3
    assert clf.out_activation_ == "softmax"
    assert [c.shape for c in clf.coefs_] == [(4, 6), (6, 5), (5, 3)]
    assert [b.shape for b in clf.intercepts_] == [(6,), (5,), (3,)]
    assert len(clf.loss_curve_) == clf.n_iter_ == 7
    assert clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_)
    assert clf.t_ == 7 * 150
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])


@pytest.mark.parametrize(
    ("params", "labels", "message"),
    [
        ({}, "one class", "at least 2 classes"),
        # Fails after the weights' initialisation: 1 of 20 samples held out.
        ({"early_stopping": True, "validation_fraction": 0.05}, "iris", "holds 1 sample"),
    ],
)
def test_a_fit_that_fails_before_training_leaves_the_model_as_it_was(iris, params, labels, message):
    X, y = iris
    X_bad, y_bad = (X, np.zeros(len(X))) if labels == "one class" else (X[::7][:20], y[::7][:20])
    clf = small_clf(max_iter=2, **params)
    with pytest.raises(ValueError, match=message):
        clf.fit(X_bad, y_bad)
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)

    fitted = quiet_fit(small_clf(max_iter=2), X, y)
    check_is_fitted(fitted)
    before = {key: deepcopy(value) for key, value in vars(fitted).items()}
    proba = fitted.predict_proba(X)
    fitted.set_params(**params)
    with pytest.raises(ValueError, match=message):
        fitted.fit(X_bad, y_bad)
    assert vars(fitted).keys() == before.keys()
    np.testing.assert_array_equal(fitted.predict_proba(X), proba)
    assert fitted.loss_curve_ == before["loss_curve_"]


def test_binary_problem_has_one_sigmoid_output(iris):
    X, y = iris
    y = np.where(y == 0, "setosa", "other")
    clf = quiet_fit(small_clf(), X, y)
    assert clf.n_outputs_ == 1
    assert clf.out_activation_ == "logistic"
    np.testing.assert_array_equal(clf.classes_, ["other", "setosa"])
    proba = clf.predict_proba(X)
    assert proba.shape == (150, 2)
    assert set(clf.predict(X)) == {"other", "setosa"}
    assert clf.score(X, y) == 1.0


def test_multilabel_indicator_targets():
    X, Y = make_multilabel_classification(n_samples=200, n_classes=4, random_state=0)
    clf = quiet_fit(small_clf(max_iter=200), X / X.max(), Y)
    proba = clf.predict_proba(X / X.max())
    assert proba.shape == Y.shape
    np.testing.assert_array_equal(clf.predict(X / X.max()), (proba > 0.5).astype(int))
    np.testing.assert_array_equal(clf.classes_, np.arange(4))
    assert clf.score(X / X.max(), Y) > 0.5  # subset accuracy, far above chance (1/16)


def test_sparse_label_indicator_matrix_trains_as_the_dense_one():
    # MLPClassifier takes a sparse indicator y too; so do the validation targets.
    X, Y = make_multilabel_classification(n_samples=60, n_classes=3, random_state=0)
    X = X / X.max()
    dense = quiet_fit(small_clf(max_iter=5), X, Y)
    sparse = quiet_fit(small_clf(max_iter=5), X, sp.csr_matrix(Y))
    np.testing.assert_array_equal(sparse.coefs_[0], dense.coefs_[0])
    validated = small_clf(max_iter=5)
    quiet(validated.fit, X, Y, X_val=X[:20], y_val=sp.csr_matrix(Y[:20]))
    assert len(validated.validation_scores_) == 5


def test_same_random_state_gives_bit_identical_models(iris):
    X, y = iris
    first = quiet_fit(small_clf(random_state=42), X, y)
    second = quiet_fit(small_clf(random_state=42), X, y)
    other = quiet_fit(small_clf(random_state=43), X, y)
    for a, b in zip(
        first.coefs_ + first.intercepts_, second.coefs_ + second.intercepts_, strict=True
    ):
        np.testing.assert_array_equal(a, b)
    assert first.loss_curve_ == second.loss_curve_
    assert not np.array_equal(first.coefs_[0], other.coefs_[0])


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_float32_trains_and_predicts_in_float32(iris, dtype, expected):
    X, y = iris
    X = (X * 10).astype(dtype)
    clf = quiet_fit(small_clf(max_iter=3), X, y)
    assert all(c.dtype == expected for c in clf.coefs_ + clf.intercepts_)
    assert clf.predict_proba(X).dtype == expected


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_input_gives_the_dense_result(iris, container):
    X, y = iris
    X = np.where(np.abs(X) < 0.5, 0, X)
    # At the defaults sparse input is scaled but not centred, dense input
    # centred too: tests/test_scaling.py checks each against its reference.
    dense = quiet_fit(small_clf(max_iter=10, mlp_parity=True), X, y)
    sparse = quiet_fit(small_clf(max_iter=10, mlp_parity=True), container(X), y)
    np.testing.assert_allclose(sparse.loss_curve_, dense.loss_curve_, rtol=1e-12)
    np.testing.assert_allclose(
        sparse.predict_proba(container(X)), dense.predict_proba(X), rtol=1e-10
    )


@pytest.mark.parametrize("round_trip", ["pickle", "joblib", "clone-then-fit"])
def test_round_trips_keep_predictions(iris, tmp_path, round_trip):
    X, y = iris
    clf = quiet_fit(small_clf(), X, y)
    if round_trip == "pickle":
        restored = pickle.loads(pickle.dumps(clf))
    elif round_trip == "joblib":
        joblib.dump(clf, tmp_path / "model.joblib")
        restored = joblib.load(tmp_path / "model.joblib")
    else:
        restored = quiet_fit(clone(clf), X, y)
    np.testing.assert_array_equal(restored.predict_proba(X), clf.predict_proba(X))


def test_inputs_are_never_modified(iris):
    X, y = iris
    X = X.copy()
    y_str = np.array(["a", "b", "c"])[y]
    sample_weight = np.linspace(0.5, 2, len(y))
    copies = X.copy(), y_str.copy(), sample_weight.copy()
    for array in (X, y_str, sample_weight):
        array.flags.writeable = False  # any write raises
    clf = quiet_fit(small_clf(max_iter=3), X, y_str, sample_weight=sample_weight)
    clf.partial_fit(X, y_str, sample_weight=sample_weight)
    clf.predict(X), clf.predict_proba(X), clf.predict_log_proba(X), clf.score(X, y_str)
    for array, copy in zip((X, y_str, sample_weight), copies, strict=True):
        np.testing.assert_array_equal(array, copy)


def test_convergence_warning_only_when_max_iter_is_reached(iris):
    X, y = iris
    with pytest.warns(ConvergenceWarning, match=r"maximum iterations \(3\) reached"):
        small_clf(max_iter=3).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        clf = small_clf(max_iter=500, tol=1e-2, n_iter_no_change=3).fit(X, y)
    assert clf.n_iter_ < 500


def test_verbose_prints_one_line_per_epoch(iris, capsys):
    X, y = iris
    quiet_fit(small_clf(max_iter=4, verbose=True), X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 4
    assert re.match(r"Iteration 4, loss = \d+\.\d{8}", lines[-1])


def test_divergence_is_reported_and_leaves_finite_weights(iris):
    X, y = iris
    # A linear network with a huge step: the weights grow without bound until
    # the loss overflows.
    clf = small_clf(
        solver="sgd",
        learning_rate_init=1e3,
        activation="identity",
        max_iter=500,
        n_iter_no_change=1000,
    )
    with pytest.raises(TrainingDivergedError, match="smaller learning_rate_init"):
        clf.fit(X, y)
    assert all(np.isfinite(w).all() for w in clf.coefs_ + clf.intercepts_)
    assert 1 < clf.n_iter_ == len(clf.loss_curve_) < 500
    assert np.isfinite(clf.loss_curve_).all()


def test_validation_output_overflow_is_reported_as_divergence():
    # Features of 1e10 and relu units: the weights stay finite through an
    # epoch, but the outputs on the held-out data overflow to NaN
    # probabilities; no overflow warning escapes (the suite makes them errors).
    X = np.random.RandomState(0).randn(60, 4).astype(np.float32) * np.float32(1e10)
    # mlp_parity: features as they are (scaled, they would not overflow).
    clf = small_clf(
        activation="relu", solver="sgd", max_iter=3, early_stopping=True, mlp_parity=True
    )
    with pytest.raises(TrainingDivergedError, match="output on the validation data overflowed"):
        clf.fit(X, np.array([0, 1, 2] * 20))
    assert all(np.isfinite(w).all() for w in clf.coefs_ + clf.intercepts_)
    assert np.isfinite(clf.validation_scores_).all()


def test_lbfgs_validation_output_overflow_is_reported_as_divergence(iris, monkeypatch):
    # The scoring reports a NaN validation loss from the second iteration on,
    # as overflowing outputs give (which L-BFGS's small weights rarely reach).
    X, y = iris
    scored = []
    evaluate = BackpropClassifier._evaluate

    def overflowing_after_one(self, *validation):
        scored.append(True)
        loss, score = evaluate(self, *validation)
        return (loss if len(scored) == 1 else np.nan), score

    monkeypatch.setattr(BackpropClassifier, "_evaluate", overflowing_after_one)
    clf = small_clf(solver="lbfgs", max_iter=5)
    with pytest.raises(TrainingDivergedError, match="iteration 2: the network's output on the"):
        clf.fit(X, y, X_val=X[:20], y_val=y[:20])
    monkeypatch.undo()
    # The model holds the weights of the first iteration.
    assert clf.n_iter_ == 1
    first = quiet_fit(small_clf(solver="lbfgs", max_iter=1), X, y)
    np.testing.assert_array_equal(clf.coefs_[0], first.coefs_[0])


def test_lbfgs_divergence_advice_has_no_learning_rate():
    X = np.random.RandomState(0).randn(60, 4) * 1e200  # the first loss overflows
    clf = small_clf(activation="identity", solver="lbfgs", max_iter=5, mlp_parity=True)
    with pytest.raises(TrainingDivergedError, match="diverged in iteration 0") as error:
        clf.fit(X, np.array([0, 1] * 30))
    assert "learning_rate_init" not in str(error.value)
    assert "StandardScaler" in str(error.value)


@pytest.mark.parametrize(
    ("params", "category"),
    [
        ({"solver": "sgd", "max_iter": 2}, ConvergenceWarning),
        ({"solver": "lbfgs", "max_iter": 2}, ConvergenceWarning),
        ({"batch_size": 1000, "max_iter": 50, "tol": 1.0}, UserWarning),
    ],
)
def test_warnings_point_at_the_callers_line(iris, params, category):
    # Not at the package's internals: -W filters by module, and the user
    # wants to see which of their calls warned.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        small_clf(**params).fit(*iris)
    ours = [warning for warning in caught if warning.category is category]
    assert ours
    assert all(warning.filename == __file__ for warning in ours)


class TestBadInput:
    def test_single_class(self, iris):
        X, _ = iris
        with pytest.raises(ValueError, match=r"at least 2 classes.*only one class: 'a'"):
            small_clf().fit(X, ["a"] * len(X))

    def test_continuous_target(self, iris):
        X, _ = iris
        with pytest.raises(ValueError, match="Unknown label type"):
            small_clf().fit(X, np.linspace(0, 1, len(X)))

    @pytest.mark.parametrize("sizes", [(0,), (5, -1), (3.5,)])
    def test_hidden_layer_sizes(self, iris, sizes):
        X, y = iris
        with pytest.raises(ValueError, match="hidden_layer_sizes"):
            small_clf(hidden_layer_sizes=sizes).fit(X, y)

    def test_negative_sample_weight(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match="Negative values in data passed to `sample_weight`"):
            small_clf().fit(X, y, sample_weight=np.full(len(y), -1.0))

    def test_all_zero_sample_weight(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match=r"non-zero|zero for every sample"):
            small_clf().fit(X, y, sample_weight=np.zeros(len(y)))

    def test_sample_weight_leaving_one_class(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match="only one class with positive weight"):
            small_clf().fit(X, y, sample_weight=(y == 1).astype(float))

    def test_nan_sample_weight(self, iris):
        X, y = iris
        weights = np.ones(len(y))
        weights[3] = np.nan
        with pytest.raises(ValueError, match="sample_weight contains NaN"):
            small_clf().fit(X, y, sample_weight=weights)

    def test_wrong_number_of_features_at_predict(self, iris):
        X, y = iris
        clf = quiet_fit(small_clf(max_iter=2), X, y)
        with pytest.raises(ValueError, match="expecting 4 features"):
            clf.predict(X[:, :3])

    def test_batch_size_larger_than_data_warns(self, iris):
        X, y = iris
        with pytest.warns(UserWarning, match="batch_size=1000 is larger than the 150 samples"):
            quiet_fit(small_clf(batch_size=1000, max_iter=2), X, y)


class TestPartialFit:
    def test_classes_required_on_first_call(self, iris):
        X, y = iris
        with pytest.raises(ValueError, match="classes must be passed on the first call"):
            small_clf().partial_fit(X, y)

    def test_label_outside_classes(self, iris):
        X, y = iris
        clf = small_clf().partial_fit(X, y, classes=[0, 1, 2])
        with pytest.raises(ValueError, match=r"labels \[7\] that are not among the classes"):
            clf.partial_fit(X[:5], [0, 1, 7, 2, 1])

    def test_classes_can_arrive_later(self, iris):
        X, y = iris
        clf = small_clf()
        clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1, 2])
        assert clf.out_activation_ == "softmax"
        assert clf.predict_proba(X).shape == (150, 3)
        for _ in range(60):
            clf.partial_fit(X, y)
        assert clf.score(X, y) > 0.9

    def test_one_epoch_per_call_and_history_grows(self, iris):
        X, y = iris
        clf = small_clf()
        for call in range(1, 4):
            clf.partial_fit(X, y, classes=np.unique(y))
            assert clf.n_iter_ == 1
            assert len(clf.loss_curve_) == call
            assert clf.t_ == call * len(X)

    def test_continues_after_fit_and_matches_longer_fit(self, iris):
        X, y = iris
        settings = dict(shuffle=False, solver="sgd", momentum=0.0)
        longer = quiet_fit(small_clf(max_iter=6, **settings), X, y)
        shorter = quiet_fit(small_clf(max_iter=5, **settings), X, y).partial_fit(X, y)
        np.testing.assert_allclose(shorter.coefs_[0], longer.coefs_[0], rtol=1e-12)
        np.testing.assert_allclose(shorter.loss_curve_, longer.loss_curve_, rtol=1e-12)

    def test_after_architecture_change_asks_for_fit(self, iris):
        X, y = iris
        clf = small_clf().partial_fit(X, y, classes=[0, 1, 2])
        clf.set_params(hidden_layer_sizes=(3,))
        with pytest.raises(ValueError, match="warm_start=False to start over"):
            clf.partial_fit(X, y)

    def test_survives_a_joblib_round_trip_between_calls(self, iris, tmp_path):
        X, y = iris
        clf = small_clf().partial_fit(X, y, classes=[0, 1, 2])
        joblib.dump(clf, tmp_path / "model.joblib")
        restored = joblib.load(tmp_path / "model.joblib")
        clf.partial_fit(X, y)
        restored.partial_fit(X, y)
        np.testing.assert_array_equal(restored.coefs_[0], clf.coefs_[0])


def test_zero_weight_is_removal_and_integer_weight_is_repetition(iris):
    X, y = iris
    weights = np.arange(len(y)) % 3
    settings = dict(batch_size=150, shuffle=False, max_iter=20)  # one batch for both
    weighted = quiet_fit(small_clf(**settings), X, y, sample_weight=weights)
    repeated = quiet_fit(small_clf(**settings), X.repeat(weights, axis=0), y.repeat(weights))
    np.testing.assert_allclose(weighted.loss_curve_, repeated.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), rtol=1e-9)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_training_updates_the_models_arrays_in_place(iris, solver):
    # As in MLPClassifier: an array taken from coefs_ or intercepts_ stays the
    # model's, through partial_fit and warm-started fits (the NumPy fast path
    # trains the parameters packed in one array, and must not swap them out).
    X, y = iris
    clf = BackpropClassifier(solver=solver, random_state=0, max_iter=3, warm_start=True)
    quiet(clf.partial_fit, X, y, classes=np.unique(y))
    arrays = clf.coefs_ + clf.intercepts_
    before = [array.copy() for array in arrays]
    quiet(clf.partial_fit, X, y)
    quiet(clf.fit, X, y)
    for array, model_array, old in zip(arrays, clf.coefs_ + clf.intercepts_, before, strict=True):
        assert array is model_array
        assert not np.array_equal(array, old)


@pytest.mark.parametrize("round_trip", ["pickle", "deepcopy"])
def test_a_restored_model_updates_its_arrays_in_place(iris, round_trip):
    X, y = iris
    clf = BackpropClassifier(random_state=0, max_iter=3)
    quiet(clf.partial_fit, X, y, classes=np.unique(y))
    restored = pickle.loads(pickle.dumps(clf)) if round_trip == "pickle" else deepcopy(clf)
    arrays = restored.coefs_ + restored.intercepts_
    before = [array.copy() for array in arrays]
    quiet(restored.partial_fit, X, y)
    for array, model_array, old in zip(
        arrays, restored.coefs_ + restored.intercepts_, before, strict=True
    ):
        assert array is model_array
        assert not np.array_equal(array, old)
