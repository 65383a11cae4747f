"""LossCurveDisplay draws what history_ holds."""

import sys

import numpy as np
import pytest

from sklearn_backprop import BackpropClassifier, BackpropRegressor, LossCurveDisplay

from ._helpers import quiet

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_curves_with_a_validation_set(iris):
    X, y = iris
    clf = quiet(
        BackpropClassifier(max_iter=12, random_state=0).fit, X, y, X_val=X[::4], y_val=y[::4]
    )
    display = LossCurveDisplay.from_estimator(clf)
    assert sorted(display.lines_) == ["train_loss", "validation_loss", "validation_score"]
    np.testing.assert_array_equal(display.lines_["train_loss"].get_ydata(), clf.loss_curve_)
    np.testing.assert_array_equal(
        display.lines_["validation_score"].get_ydata(), clf.validation_scores_
    )
    np.testing.assert_array_equal(display.lines_["train_loss"].get_xdata(), np.arange(1, 13))
    assert display.score_ax_ is not None
    assert display.ax_.get_title() == "BackpropClassifier"


def test_curves_of_a_regressor(iris):
    X, y = iris[0][:, 1:], iris[0][:, 0]
    reg = quiet(BackpropRegressor(max_iter=8, random_state=0).fit, X, y, X_val=X[::4], y_val=y[::4])
    display = LossCurveDisplay.from_estimator(reg)
    assert sorted(display.lines_) == ["train_loss", "validation_loss", "validation_score"]
    np.testing.assert_array_equal(
        display.lines_["validation_score"].get_ydata(), reg.validation_scores_
    )
    assert display.ax_.get_title() == "BackpropRegressor"


def test_training_loss_only_on_given_axes(iris):
    clf = quiet(BackpropClassifier(max_iter=5, solver="lbfgs").fit, *iris)
    _, ax = plt.subplots()
    display = LossCurveDisplay.from_estimator(clf, ax=ax, name="lbfgs")
    assert list(display.lines_) == ["train_loss"]
    assert display.ax_ is ax
    assert display.score_ax_ is None
    assert ax.get_title() == "lbfgs"


def test_unfitted_estimator():
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(BackpropClassifier())


def test_missing_matplotlib_names_the_extra(iris, monkeypatch):
    clf = quiet(BackpropClassifier(max_iter=2).fit, *iris)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"sklearn-backprop\[plot\]"):
        LossCurveDisplay.from_estimator(clf)
