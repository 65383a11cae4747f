"""Persistence with skops, and ONNX export of both estimators checked against onnxruntime."""

import subprocess
import sys
import textwrap

import numpy as np
import pytest
from sklearn.datasets import load_iris, make_friedman1, make_multilabel_classification
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import (
    TRUSTED_TYPES,
    BackpropClassifier,
    BackpropRegressor,
    register_onnx_converter,
    to_onnx,
)

from ._helpers import quiet, quiet_fit

sio = pytest.importorskip("skops.io")
ort = pytest.importorskip("onnxruntime")
skl2onnx = pytest.importorskip("skl2onnx")


def problem(kind):
    if kind == "multilabel":
        X, y = make_multilabel_classification(n_samples=150, n_classes=3, random_state=0)
    else:
        X, y = load_iris(return_X_y=True)
        if kind == "binary":
            y = (y == 1).astype(int)
        elif kind == "strings":
            y = np.array(["setosa", "versicolor", "virginica"])[y]
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)
    return X, y


def regression(loss, n_targets):
    """float32 X and targets well away from zero, so that relative errors mean something."""
    X, y = make_friedman1(n_samples=100, noise=0.5, random_state=0)
    X = ((X - X.mean(axis=0)) / X.std(axis=0)).astype(np.float32)
    Y = np.c_[y, y / 2 + X[:, 0] ** 2][:, :n_targets]
    if n_targets == 1:
        Y = Y[:, 0]
    return X, np.round(Y) if loss == "poisson" else Y


def run_onnx(model, X):
    """The outputs on X: (labels, probabilities) of a classifier, (values,) of a regressor."""
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return tuple(session.run(None, {session.get_inputs()[0].name: X}))


class TestSkops:
    def test_round_trip_trusting_only_our_class(self, tmp_path):
        X, y = problem("strings")
        clf = quiet_fit(BackpropClassifier(max_iter=20, early_stopping=True, random_state=0), X, y)
        path = tmp_path / "model.skops"
        sio.dump(clf, path)
        # Only the estimator's own class needs trusting; TRUSTED_TYPES names it.
        assert sio.get_untrusted_types(file=path) == [
            "sklearn_backprop._classifier.BackpropClassifier"
        ]
        assert set(sio.get_untrusted_types(file=path)) <= set(TRUSTED_TYPES)
        loaded = sio.load(path, trusted=TRUSTED_TYPES)
        np.testing.assert_array_equal(loaded.predict_proba(X), clf.predict_proba(X))
        np.testing.assert_array_equal(loaded.predict(X), clf.predict(X))
        assert loaded.history_.equals(clf.history_)

    def test_regressor_round_trip_trusting_only_trusted_types(self, tmp_path):
        X, y = regression("squared_error", n_targets=2)
        reg = quiet(BackpropRegressor(max_iter=20, random_state=0).fit, X, y, X_val=X, y_val=y)
        path = tmp_path / "model.skops"
        sio.dump(reg, path)
        assert sio.get_untrusted_types(file=path) == [
            "sklearn_backprop._regressor.BackpropRegressor"
        ]
        loaded = sio.load(path, trusted=TRUSTED_TYPES)
        np.testing.assert_array_equal(loaded.predict(X), reg.predict(X))
        assert loaded.history_.equals(reg.history_)
        loaded.partial_fit(X, y)  # and it trains on
        reg.partial_fit(X, y)
        np.testing.assert_array_equal(loaded.coefs_[0], reg.coefs_[0])

    def test_untrusted_file_is_refused(self, tmp_path):
        X, y = problem("multiclass")
        path = tmp_path / "model.skops"
        sio.dump(quiet_fit(BackpropClassifier(max_iter=2), X, y), path)
        with pytest.raises(sio.exceptions.UntrustedTypesFoundException):
            sio.load(path)

    def test_partial_fit_continues_after_loading(self, tmp_path):
        X, y = problem("multiclass")
        clf = BackpropClassifier(random_state=0).partial_fit(X, y, classes=[0, 1, 2])
        path = tmp_path / "model.skops"
        sio.dump(clf, path)
        loaded = sio.load(path, trusted=TRUSTED_TYPES)
        clf.partial_fit(X, y)
        loaded.partial_fit(X, y)
        np.testing.assert_array_equal(loaded.coefs_[0], clf.coefs_[0])


class TestOnnx:
    @pytest.mark.parametrize("kind", ["binary", "multiclass", "strings", "multilabel"])
    @pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
    def test_matches_predict_proba_and_predict(self, activation, kind):
        X, y = problem(kind)
        clf = quiet_fit(
            BackpropClassifier(
                hidden_layer_sizes=(8, 5), activation=activation, max_iter=50, random_state=0
            ),
            X,
            y,
        )
        labels, probabilities = run_onnx(to_onnx(clf, X), X)
        np.testing.assert_allclose(probabilities, clf.predict_proba(X), atol=1e-5)
        expected = clf.predict(X)
        np.testing.assert_array_equal(labels.astype(expected.dtype), expected)

    def test_pipeline_through_skl2onnx_directly(self):
        register_onnx_converter()  # whether or not an earlier test called to_onnx
        X, y = problem("strings")
        pipeline = quiet_fit(
            make_pipeline(StandardScaler(), BackpropClassifier(max_iter=50, random_state=0)),
            X * 10 + 3,
            y,
        )
        model = skl2onnx.to_onnx(
            pipeline, (X * 10 + 3)[:1], options={BackpropClassifier: {"zipmap": False}}
        )
        labels, probabilities = run_onnx(model, X * 10 + 3)
        np.testing.assert_allclose(probabilities, pipeline.predict_proba(X * 10 + 3), atol=1e-5)
        np.testing.assert_array_equal(labels, pipeline.predict(X * 10 + 3))


class TestOnnxRegressor:
    @pytest.mark.parametrize("n_targets", [1, 2])
    @pytest.mark.parametrize("loss", ["squared_error", "poisson"])
    @pytest.mark.parametrize("activation", ["logistic", "tanh", "relu", "identity"])
    def test_matches_predict(self, activation, loss, n_targets):
        X, y = regression(loss, n_targets)
        reg = quiet_fit(
            BackpropRegressor(
                hidden_layer_sizes=(8, 5), activation=activation, loss=loss,
                learning_rate_init=0.01, max_iter=50, random_state=0,
            ),
            X,
            y,
        )  # fmt: skip
        model = to_onnx(reg, X)
        (prediction,) = run_onnx(model, X)
        assert [output.name for output in model.graph.output] == ["variable"]
        assert prediction.shape == (len(X), n_targets)
        assert prediction.dtype == np.float32
        np.testing.assert_allclose(prediction, reg.predict(X).reshape(len(X), -1), rtol=1e-5)

    def test_output_is_named_as_skl2onnx_names_mlpregressors(self):
        X, y = regression("squared_error", n_targets=1)
        reference = quiet_fit(MLPRegressor(hidden_layer_sizes=(3,), max_iter=5), X, y)
        reg = quiet_fit(BackpropRegressor(hidden_layer_sizes=(3,), max_iter=5), X, y)
        names = [output.name for output in skl2onnx.to_onnx(reference, X[:1]).graph.output]
        assert [output.name for output in to_onnx(reg, X).graph.output] == names

    @pytest.mark.parametrize("convert", ["to_onnx", "skl2onnx"])
    def test_pipeline(self, convert):
        X, y = regression("squared_error", n_targets=1)
        X = X * 10 + 3
        pipeline = quiet_fit(
            make_pipeline(StandardScaler(), BackpropRegressor(max_iter=50, random_state=0)), X, y
        )
        if convert == "skl2onnx":
            register_onnx_converter()  # whether or not an earlier test called to_onnx
            model = skl2onnx.to_onnx(pipeline, X[:1])
        else:
            model = to_onnx(pipeline, X)
        (prediction,) = run_onnx(model, X)
        np.testing.assert_allclose(prediction[:, 0], pipeline.predict(X), rtol=1e-5)


def test_skl2onnx_needs_the_converter_registered_first():
    # In a fresh process: registration is global, and any earlier test in
    # this one may have done it already.
    script = textwrap.dedent(
        """
        import numpy as np, skl2onnx
        from sklearn.datasets import load_iris
        from sklearn_backprop import BackpropClassifier, register_onnx_converter
        X, y = load_iris(return_X_y=True)
        clf = BackpropClassifier(solver="lbfgs", max_iter=5).fit(X, y)
        try:
            skl2onnx.to_onnx(clf, X[:1].astype(np.float32))
        except Exception as error:
            print("before:", type(error).__name__)
        register_onnx_converter()
        model = skl2onnx.to_onnx(clf, X[:1].astype(np.float32))
        print("after:", [output.name for output in model.graph.output])
        """
    )
    result = subprocess.run(
        [sys.executable, "-W", "ignore", "-c", script], capture_output=True, text=True, check=True
    )
    assert "before: MissingShapeCalculator" in result.stdout
    assert "after: ['output_label', 'output_probability']" in result.stdout


@pytest.mark.parametrize("kind", ["binary", "strings"])
def test_skl2onnx_default_zipmap_gives_each_rows_probabilities_by_class(kind):
    # skl2onnx's default output for a classifier: a dict per row.
    register_onnx_converter()
    X, y = problem(kind)
    clf = quiet_fit(BackpropClassifier(max_iter=30, random_state=0), X, y)
    labels, rows = run_onnx(skl2onnx.to_onnx(clf, X[:1]), X)
    expected = clf.predict_proba(X)
    assert [sorted(row) for row in rows] == [sorted(clf.classes_.tolist())] * len(X)
    probabilities = np.array([[row[c] for c in clf.classes_.tolist()] for row in rows])
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)
    np.testing.assert_array_equal(labels, clf.predict(X))


def test_skl2onnx_refuses_class_indices_for_labels():
    register_onnx_converter()
    X, y = problem("strings")
    clf = quiet_fit(BackpropClassifier(max_iter=5, random_state=0), X, y)
    with pytest.raises(ValueError, match="nocl"):
        skl2onnx.to_onnx(clf, X[:1], options={BackpropClassifier: {"nocl": True}})


def test_onnx_float_labels_come_back_as_their_strings():
    X, y = problem("binary")
    y = y.astype(float) * 3  # float classes 0.0 and 3.0
    clf = quiet_fit(BackpropClassifier(max_iter=30, random_state=0), X, y)
    labels, _ = run_onnx(to_onnx(clf, X), X)
    np.testing.assert_array_equal(labels, clf.predict(X).astype(str))
