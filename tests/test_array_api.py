"""Array API: training and prediction in the input's own library (array-api-strict, PyTorch).

Every case is compared against the same fit on NumPy arrays: one numerical
core serves both, so the weights, loss curves and predictions must agree.
Where a GPU is present, PyTorch's tests run on it too, and so do CuPy's
(benchmarks/on_gpu_machine.sh runs them on a lent GPU machine).
"""

import functools
import importlib.util
import inspect
import pickle
import warnings

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.estimator_checks import check_array_api_input

from sklearn_backprop import (
    BackpropClassifier,
    BackpropRegressor,
    TrainingDivergedError,
    move_to_numpy,
)
from sklearn_backprop._xp import device_of, namespace, to_numpy

from ._helpers import make_problem, quiet_fit

array_api_strict = pytest.importorskip("array_api_strict")
NEW_CHECKS = "device_name" in inspect.signature(check_array_api_input).parameters


def _torch():
    return pytest.importorskip("torch")


def _installed(module):
    return importlib.util.find_spec(module) is not None


def _torch_sees_a_gpu():
    if not _installed("torch"):
        return False
    try:
        import torch

        return torch.cuda.is_available()
    except Exception:  # a broken install: the torch tests skip on importing it
        return False


def _cupy_sees_a_gpu():
    if not _installed("cupy"):
        return False
    try:
        import cupy

        return cupy.cuda.runtime.getDeviceCount() > 0
    except Exception:  # no driver, no CUDA libraries: CuPy fails in many ways
        return False


# PyTorch's devices here: the CPU always, a GPU where there is one (cuBLAS
# rounds products differently and runs asynchronously: what a CPU cannot test).
TORCH_DEVICES = ["cpu", "cuda"] if _torch_sees_a_gpu() else ["cpu"]

# (library, device, dtype): every combination runnable on this machine.
CASES = [
    ("array_api_strict", "CPU_DEVICE", "float64"),
    ("array_api_strict", "device1", "float32"),
    *(("torch", device, dtype) for device in TORCH_DEVICES for dtype in ("float64", "float32")),
    *((("cupy", None, "float64"), ("cupy", None, "float32")) if _cupy_sees_a_gpu() else ()),
]


def to_library(array, library, device_name):
    """``array`` (NumPy) in ``library`` on the named device."""
    if library == "torch":
        return _torch().asarray(array, device=device_name)
    if library == "cupy":
        import cupy

        return cupy.asarray(array)
    return array_api_strict.asarray(array, device=array_api_strict.Device(device_name))


def make_labelled(kind, n_samples, n_features, seed):
    """X and class labels (an indicator matrix for multilabel) for ``kind``."""
    X, Y, _ = make_problem(kind, n_samples, n_features, seed)
    if kind == "multiclass":
        return X, np.argmax(Y, axis=1)
    return X, (Y[:, 0] if kind == "binary" else Y).astype(np.int64)


def assert_in_library_of(result, X):
    assert namespace(result) is namespace(X)
    assert device_of(result) == device_of(X)


def tolerance(dtype):
    return {"float64": 1e-10, "float32": 2e-4}[dtype]


@pytest.fixture(params=TORCH_DEVICES)
def as_tensor(request):
    """NumPy arrays to PyTorch tensors on each of PyTorch's devices here."""
    torch = _torch()
    return functools.partial(torch.asarray, device=request.param)


@pytest.fixture(autouse=True)
def _dispatch():
    with sklearn.config_context(array_api_dispatch=True):
        yield


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", ["binary", "multiclass"])
def test_fit_and_predict_match_numpy(library, device_name, dtype, solver, kind):
    X, y = make_labelled(kind, n_samples=60, n_features=5, seed=0)
    X = X.astype(dtype)
    params = dict(hidden_layer_sizes=(6, 4), solver=solver, max_iter=8, random_state=0)
    reference = quiet_fit(BackpropClassifier(**params), X, y)
    X_xp, y_xp = to_library(X, library, device_name), to_library(y, library, device_name)
    clf = quiet_fit(BackpropClassifier(**params), X_xp, y_xp)

    for fitted, expected in zip(
        clf.coefs_ + clf.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        assert_in_library_of(fitted, X_xp)
        np.testing.assert_allclose(
            to_numpy(fitted), expected, rtol=tolerance(dtype), atol=tolerance(dtype)
        )
    np.testing.assert_allclose(clf.loss_curve_, reference.loss_curve_, rtol=tolerance(dtype))
    for method in ("predict_proba", "predict_log_proba"):
        result = getattr(clf, method)(X_xp)
        assert_in_library_of(result, X_xp)
        assert str(result.dtype).endswith(dtype)
        np.testing.assert_allclose(
            to_numpy(result), getattr(reference, method)(X), rtol=1e-4, atol=tolerance(dtype)
        )
    predicted = clf.predict(X_xp)
    assert_in_library_of(predicted, X_xp)
    np.testing.assert_array_equal(to_numpy(predicted), reference.predict(X))
    # scikit-learn's accuracy_score on torch sums in torch's default float32.
    assert clf.score(X_xp, y_xp) == pytest.approx(reference.score(X, y), rel=1e-6)


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
@pytest.mark.parametrize("activation", ["identity", "tanh", "relu"])
def test_every_activation_trains_as_on_numpy(library, device_name, dtype, activation):
    # The sigmoid is the test above's default; the other activations and
    # their derivatives have paths of their own outside NumPy (relu's mask).
    X, y = make_labelled("multiclass", n_samples=60, n_features=5, seed=1)
    X = X.astype(dtype)
    params = dict(hidden_layer_sizes=(6,), activation=activation, max_iter=8, random_state=0)
    reference = quiet_fit(BackpropClassifier(solver="sgd", **params), X, y)
    X_xp, y_xp = to_library(X, library, device_name), to_library(y, library, device_name)
    clf = quiet_fit(BackpropClassifier(solver="sgd", **params), X_xp, y_xp)
    for fitted, expected in zip(clf.coefs_, reference.coefs_, strict=True):
        np.testing.assert_allclose(
            to_numpy(fitted), expected, rtol=tolerance(dtype), atol=tolerance(dtype)
        )
    np.testing.assert_allclose(clf.loss_curve_, reference.loss_curve_, rtol=tolerance(dtype))


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
def test_validation_data_weights_and_early_stopping(library, device_name, dtype):
    X, y = make_labelled("multiclass", n_samples=90, n_features=4, seed=1)
    X = X.astype(dtype)
    weights = np.linspace(0.5, 2.0, len(y)).astype(dtype)
    params = dict(hidden_layer_sizes=(5,), early_stopping=True, max_iter=12, random_state=0)
    reference = quiet_fit(BackpropClassifier(**params), X, y, sample_weight=weights)

    def move(array):
        return to_library(array, library, device_name)

    clf = quiet_fit(BackpropClassifier(**params), move(X), move(y), sample_weight=move(weights))
    np.testing.assert_allclose(
        clf.validation_scores_, reference.validation_scores_, rtol=tolerance(dtype)
    )
    np.testing.assert_allclose(
        clf.validation_loss_curve_, reference.validation_loss_curve_, rtol=tolerance(dtype)
    )
    assert clf.best_validation_score_ == pytest.approx(reference.best_validation_score_)


def test_partial_fit_multilabel_and_string_labels_with_torch(as_tensor):
    torch = _torch()
    X, Y = make_labelled("multilabel", n_samples=40, n_features=4, seed=2)
    clf = BackpropClassifier(hidden_layer_sizes=(5,), random_state=0)
    for _ in range(3):
        clf.partial_fit(as_tensor(X), as_tensor(Y), classes=np.arange(Y.shape[1]))
    reference = BackpropClassifier(hidden_layer_sizes=(5,), random_state=0)
    for _ in range(3):
        reference.partial_fit(X, Y, classes=np.arange(Y.shape[1]))
    predicted = clf.predict(as_tensor(X))
    assert isinstance(predicted, torch.Tensor)
    np.testing.assert_array_equal(to_numpy(predicted), reference.predict(X))

    # Labels torch cannot hold stay NumPy; the computation stays on torch.
    labels = np.array(["cat", "dog", "emu"])[make_labelled("multiclass", 40, 4, seed=3)[1]]
    clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(5,), max_iter=5), as_tensor(X), labels)
    assert isinstance(clf.coefs_[0], torch.Tensor)
    assert set(clf.predict(as_tensor(X))) <= {"cat", "dog", "emu"}


def test_predicting_from_another_namespace_is_refused(as_tensor):
    X, y = make_labelled("binary", n_samples=30, n_features=3, seed=0)
    clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(3,), max_iter=3), as_tensor(X), y)
    for method in ("predict", "predict_proba", "predict_log_proba"):
        with pytest.raises(
            ValueError, match=rf"BackpropClassifier\.{method}\(\) must use the same"
        ):
            getattr(clf, method)(X)
    # Without dispatch, torch input becomes NumPy, which the torch model refuses.
    with (
        sklearn.config_context(array_api_dispatch=False),
        pytest.raises(ValueError, match="move_to_numpy"),
    ):
        clf.predict(as_tensor(X))


def test_move_to_numpy_gives_an_independent_numpy_model(as_tensor):
    torch = _torch()
    X, y = make_labelled("multiclass", n_samples=40, n_features=3, seed=0)
    clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(4,), max_iter=4), as_tensor(X), y)
    on_host = move_to_numpy(clf)
    assert all(isinstance(coef, np.ndarray) for coef in on_host.coefs_ + on_host.intercepts_)
    proba = clf.predict_proba(as_tensor(X))
    assert_in_library_of(proba, as_tensor(X))
    np.testing.assert_allclose(on_host.predict_proba(X), to_numpy(proba))
    restored = pickle.loads(pickle.dumps(on_host))
    np.testing.assert_array_equal(restored.predict(X), on_host.predict(X))
    before = on_host.coefs_[0].copy()
    clf.partial_fit(as_tensor(X), y)  # training the original leaves the copy alone
    np.testing.assert_array_equal(on_host.coefs_[0], before)
    assert isinstance(clf.coefs_[0], torch.Tensor)


def test_without_dispatch_other_arrays_are_converted_to_numpy(as_tensor):
    X, y = make_labelled("binary", n_samples=30, n_features=3, seed=0)
    with sklearn.config_context(array_api_dispatch=False):
        clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(3,), max_iter=3), as_tensor(X), y)
        assert isinstance(clf.coefs_[0], np.ndarray)
        assert isinstance(clf.predict_proba(as_tensor(X)), np.ndarray)


def test_without_dispatch_arrays_numpy_cannot_read_are_converted_as_in_fit():
    # np.asarray (scikit-learn's conversion) refuses array-api-strict's second
    # device, as it refuses a tensor on a GPU; fit converts them, so must predict.
    X, y = make_labelled("binary", n_samples=30, n_features=3, seed=0)
    X_elsewhere = to_library(X, "array_api_strict", "device1")
    with sklearn.config_context(array_api_dispatch=False):
        clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(3,), max_iter=3), X_elsewhere, y)
        for method in ("predict", "predict_proba", "predict_log_proba"):
            np.testing.assert_array_equal(
                getattr(clf, method)(X_elsewhere), getattr(clf, method)(X)
            )


def test_divergence_and_bad_input_are_reported_on_torch(as_tensor):
    torch = _torch()
    X, y = make_labelled("multiclass", n_samples=60, n_features=3, seed=0)
    # A linear network with a huge step: the weights grow until the loss overflows.
    clf = BackpropClassifier(
        solver="sgd", learning_rate_init=1e3, activation="identity", max_iter=500,
        n_iter_no_change=1000,
    )  # fmt: skip
    with pytest.raises(TrainingDivergedError, match="smaller learning_rate_init"):
        clf.fit(as_tensor(X), y)
    assert all(bool(torch.isfinite(coef).all()) for coef in clf.coefs_)
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        BackpropClassifier().fit(as_tensor(X_nan), y)


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
def test_scikit_learns_array_api_check_with_values(library, device_name, dtype):
    if not NEW_CHECKS and (device_name == "device1" or library in ("torch", "cupy")):
        # Older checks convert device1 arrays with np.asarray, which array-api-strict
        # refuses, and compare torch's (and CuPy's) float32 accuracy_score to NumPy's at float64
        # tolerance: limits of the check, not of the estimator.
        pytest.skip("scikit-learn < 1.8's array API check cannot check this case")
    if NEW_CHECKS:
        device = {"device_name": device_name}
    else:  # scikit-learn < 1.8 takes the device itself
        is_strict = library == "array_api_strict"
        device = {"device": array_api_strict.Device(device_name) if is_strict else device_name}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_array_api_input(
            "BackpropClassifier",
            BackpropClassifier(hidden_layer_sizes=(5,), max_iter=20, random_state=0),
            array_namespace=library,
            dtype_name=dtype,
            check_values=True,
            **device,
        )


def test_a_scoring_callback_sees_the_model_where_the_data_lives_with_lbfgs(as_tensor):
    callback = pytest.importorskip("sklearn.callback")
    X, y = make_labelled("multiclass", n_samples=40, n_features=3, seed=0)
    monitor = callback.ScoringMonitor(scoring="accuracy")
    clf = BackpropClassifier(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=3)
    quiet_fit(clf.set_callbacks(monitor), as_tensor(X), as_tensor(y))
    log = monitor.get_logs().data_as_pandas
    scores = log[log["task_name"] == "epoch"]["accuracy"].dropna()
    assert len(scores) == 3
    assert scores.iloc[-1] == pytest.approx(clf.score(as_tensor(X), as_tensor(y)))


class FailingSetup:
    def setup(self, estimator, context):
        raise RuntimeError("setup failed")

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context):
        pass

    def on_fit_task_end(self, estimator, context):
        return False


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_a_fit_failing_before_training_leaves_the_model_where_it_was(solver, as_tensor):
    pytest.importorskip("sklearn.callback")
    X, y = make_labelled("binary", n_samples=30, n_features=3, seed=0)
    clf = BackpropClassifier(hidden_layer_sizes=(3,), solver=solver, max_iter=3, warm_start=True)
    quiet_fit(clf, X, y)  # a NumPy model
    before = [coef.copy() for coef in clf.coefs_]
    with pytest.raises(RuntimeError, match="setup failed"):
        clf.set_callbacks(FailingSetup()).fit(as_tensor(X), as_tensor(y))
    assert all(isinstance(coef, np.ndarray) for coef in [*clf.coefs_, clf.classes_])
    for coef, expected in zip(clf.coefs_, before, strict=True):
        np.testing.assert_array_equal(coef, expected)


def test_a_torch_model_predicts_input_of_another_dtype(as_tensor):
    torch = _torch()
    X, y = make_labelled("multiclass", n_samples=30, n_features=3, seed=0)
    clf = quiet_fit(
        BackpropClassifier(hidden_layer_sizes=(4,), max_iter=3), as_tensor(X).float(), y
    )
    expected = clf.predict_proba(as_tensor(X).float())
    for X_other in (as_tensor(X), as_tensor(np.round(X * 10)).long()):
        proba = clf.predict_proba(X_other)
        assert proba.dtype == torch.float32
        assert_in_library_of(proba, X_other)
    np.testing.assert_allclose(
        to_numpy(clf.predict_proba(as_tensor(X))), to_numpy(expected), rtol=1e-6
    )


def test_unsigned_labels_stay_numpy_and_predict_on_torch(as_tensor):
    X, y = make_labelled("multiclass", n_samples=30, n_features=3, seed=0)
    labels = (y + 5).astype(np.uint32)
    clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(4,), max_iter=3), as_tensor(X), labels)
    assert isinstance(clf.classes_, np.ndarray)
    assert set(clf.predict(as_tensor(X)).tolist()) <= {5, 6, 7}


def test_move_to_numpy_copies_the_history_too(as_tensor):
    X, y = make_labelled("binary", n_samples=30, n_features=3, seed=0)
    clf = quiet_fit(BackpropClassifier(hidden_layer_sizes=(3,), max_iter=3), as_tensor(X), y)
    on_host = move_to_numpy(clf)
    clf.partial_fit(as_tensor(X), y)
    assert (on_host.n_iter_, len(on_host.loss_curve_), len(on_host.history_)) == (3, 3, 3)
    assert len(clf.loss_curve_) == 4


def test_dask_arrays_are_not_gathered_for_a_stochastic_solver():
    # Dask input trains on the cluster (L-BFGS, tests/test_dask_lbfgs.py); the
    # mini-batch solvers say what works rather than gathering X on the client.
    dask_array = pytest.importorskip("dask.array")
    X, y = make_labelled("binary", n_samples=40, n_features=3, seed=0)
    with (
        sklearn.config_context(array_api_dispatch=False),
        pytest.raises(ValueError, match=r"solver='lbfgs'.*partial_fit.*Incremental"),
    ):
        BackpropClassifier(hidden_layer_sizes=(3,), max_iter=3, random_state=0).fit(
            dask_array.from_array(X, chunks=20), dask_array.from_array(y, chunks=20)
        )


# -- BackpropRegressor -----------------------------------------------------------------


def make_regression_targets(X, n_targets, loss):
    """Smooth targets of X, non-negative for the Poisson loss; 1-D for one target."""
    Y = np.c_[np.sin(X[:, 0]) + X[:, 1], X[:, 2] * X[:, 3]][:, :n_targets]
    if loss == "poisson":
        Y = np.exp(Y / 2)
    return Y[:, 0] if n_targets == 1 else Y


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize(
    ("loss", "n_targets"), [("squared_error", 1), ("squared_error", 2), ("poisson", 2)]
)
def test_regressor_fit_and_predict_match_numpy(
    library, device_name, dtype, solver, loss, n_targets
):
    X = make_problem("binary", n_samples=60, n_features=4, seed=0)[0].astype(dtype)
    y = make_regression_targets(X, n_targets, loss).astype(dtype)
    params = dict(hidden_layer_sizes=(6, 4), solver=solver, loss=loss, max_iter=8, random_state=0)
    reference = quiet_fit(BackpropRegressor(**params), X, y)
    X_xp, y_xp = to_library(X, library, device_name), to_library(y, library, device_name)
    reg = quiet_fit(BackpropRegressor(**params), X_xp, y_xp)

    for fitted, expected in zip(
        reg.coefs_ + reg.intercepts_, reference.coefs_ + reference.intercepts_, strict=True
    ):
        assert_in_library_of(fitted, X_xp)
        np.testing.assert_allclose(
            to_numpy(fitted), expected, rtol=tolerance(dtype), atol=tolerance(dtype)
        )
    np.testing.assert_allclose(reg.loss_curve_, reference.loss_curve_, rtol=tolerance(dtype))
    predicted = reg.predict(X_xp)
    assert_in_library_of(predicted, X_xp)
    assert str(predicted.dtype).endswith(dtype)
    assert tuple(predicted.shape) == reference.predict(X).shape
    np.testing.assert_allclose(
        to_numpy(predicted), reference.predict(X), rtol=1e-4, atol=tolerance(dtype)
    )
    assert reg.score(X_xp, y_xp) == pytest.approx(reference.score(X, y), rel=tolerance(dtype))


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
@pytest.mark.parametrize("validation", ["X_val", "early_stopping"])
def test_regressor_validation_scores_are_numpys(library, device_name, dtype, validation):
    X = make_problem("binary", n_samples=90, n_features=4, seed=1)[0].astype(dtype)
    y = make_regression_targets(X, 1, "squared_error").astype(dtype)
    weights = np.linspace(0.5, 2.0, len(y)).astype(dtype)
    params = dict(hidden_layer_sizes=(5,), max_iter=12, random_state=0)
    if validation == "X_val":
        kwargs = dict(X_val=X[60:], y_val=y[60:], sample_weight_val=weights[60:])
        X, y, weights = X[:60], y[:60], weights[:60]
    else:
        params["early_stopping"] = True
        kwargs = {}
    reference = quiet_fit(BackpropRegressor(**params), X, y, sample_weight=weights, **kwargs)

    def move(array):
        return to_library(array, library, device_name)

    reg = quiet_fit(
        BackpropRegressor(**params), move(X), move(y), sample_weight=move(weights),
        **{name: move(array) for name, array in kwargs.items()},
    )  # fmt: skip
    np.testing.assert_allclose(
        reg.validation_scores_, reference.validation_scores_, rtol=tolerance(dtype)
    )
    np.testing.assert_allclose(
        reg.validation_loss_curve_, reference.validation_loss_curve_, rtol=tolerance(dtype)
    )
    assert all(isinstance(score, float) for score in reg.validation_scores_)


def test_regressor_move_to_numpy_and_partial_fit_on_torch(as_tensor):
    torch = _torch()
    X = make_problem("binary", n_samples=40, n_features=4, seed=0)[0]
    Y = make_regression_targets(X, 2, "squared_error")
    reg, reference = (BackpropRegressor(hidden_layer_sizes=(5,), random_state=0) for _ in "ab")
    for _ in range(3):
        reg.partial_fit(as_tensor(X), as_tensor(Y), as_tensor(np.ones(len(Y))))
        reference.partial_fit(X, Y, np.ones(len(Y)))
    assert isinstance(reg.coefs_[0], torch.Tensor)
    np.testing.assert_allclose(to_numpy(reg.predict(as_tensor(X))), reference.predict(X))
    on_host = move_to_numpy(reg)
    assert all(isinstance(coef, np.ndarray) for coef in on_host.coefs_ + on_host.intercepts_)
    np.testing.assert_allclose(on_host.predict(X), to_numpy(reg.predict(as_tensor(X))))
    with pytest.raises(ValueError, match=r"BackpropRegressor\.predict\(\) must use the same"):
        reg.predict(X)


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
def test_scikit_learns_array_api_check_on_the_regressor(library, device_name, dtype):
    if not NEW_CHECKS and (device_name == "device1" or library in ("torch", "cupy")):
        pytest.skip("scikit-learn < 1.8's array API check cannot check this case")
    if NEW_CHECKS:
        device = {"device_name": device_name}
    else:
        is_strict = library == "array_api_strict"
        device = {"device": array_api_strict.Device(device_name) if is_strict else device_name}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check_array_api_input(
            "BackpropRegressor",
            BackpropRegressor(hidden_layer_sizes=(5,), max_iter=20, random_state=0),
            array_namespace=library,
            dtype_name=dtype,
            check_values=True,
            **device,
        )


@pytest.mark.parametrize(("library", "device_name", "dtype"), CASES)
@pytest.mark.parametrize("head", [BackpropClassifier, BackpropRegressor])
def test_unscaled_input_is_standardized_as_on_numpy(library, device_name, dtype, head):
    # Columns of very different magnitudes: without the scaling the fits would differ.
    X, y = make_labelled("binary", n_samples=60, n_features=3, seed=1)
    X = (X * [1.0, 1e3, 1e-3] + [0.0, 5e3, -2.0]).astype(dtype)
    y = y if head is BackpropClassifier else X[:, 1] / 1e3 + y
    params = dict(hidden_layer_sizes=(5,), solver="adam", max_iter=5, random_state=0)
    reference = quiet_fit(head(**params), X, y)
    X_xp = to_library(X, library, device_name)
    model = quiet_fit(head(**params), X_xp, to_library(y, library, device_name))

    for fitted, expected in [
        (model.input_mean_, reference.input_mean_),
        (model.input_scale_, reference.input_scale_),
        (model.coefs_[0], reference.coefs_[0]),
    ]:
        assert_in_library_of(fitted, X_xp)
        np.testing.assert_allclose(to_numpy(fitted), expected, rtol=tolerance(dtype))
    np.testing.assert_allclose(reference.input_scale_, X.std(axis=0), rtol=1e-3)
