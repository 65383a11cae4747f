"""Where code written for MLPClassifier or MLPRegressor meets ours: partial_fit, labels."""

import inspect
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier, MLPRegressor

from sklearn_backprop import BackpropClassifier, BackpropRegressor

from .test_notebook import notebook_classifier, notebook_update


def _parameters(method):
    return list(inspect.signature(method).parameters)


@pytest.mark.parametrize(
    ("ours", "theirs"), [(BackpropClassifier, MLPClassifier), (BackpropRegressor, MLPRegressor)]
)
def test_partial_fit_takes_the_arguments_of_scikit_learns_estimator_in_its_order(ours, theirs):
    expected = _parameters(theirs.partial_fit)
    if "sample_weight" not in expected:  # scikit-learn < 1.7 had no weights there
        pytest.skip(f"{theirs.__name__}.partial_fit has no sample_weight here")
    assert _parameters(ours.partial_fit) == expected


def test_weights_passed_by_position_weigh_the_samples(iris):
    X, y = iris
    weights = np.random.RandomState(0).uniform(0, 3, len(y))

    def after_two_calls(*third_argument, **keywords):
        clf = BackpropClassifier(hidden_layer_sizes=(5,), random_state=0, shuffle=False)
        clf.partial_fit(X, y, classes=[0, 1, 2])
        return clf.partial_fit(X, y, *third_argument, **keywords).coefs_[0]

    by_position = after_two_calls(weights)
    np.testing.assert_array_equal(by_position, after_two_calls(sample_weight=weights))
    assert not np.allclose(by_position, after_two_calls())


class TestChangedClasses:
    def test_other_classes_on_a_later_call_are_refused(self, iris):
        X, y = iris
        clf = BackpropClassifier(hidden_layer_sizes=(4,), random_state=0)
        clf.partial_fit(X, y, classes=[0, 1, 2])
        before = [coef.copy() for coef in clf.coefs_]
        with pytest.raises(ValueError, match=r"classes=\[0, 1, 2, 3\] is not the same"):
            clf.partial_fit(X, y, classes=[0, 1, 2, 3])
        np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
        for coef, previous in zip(clf.coefs_, before, strict=True):
            np.testing.assert_array_equal(coef, previous)  # the failed call changed nothing

    def test_the_same_classes_in_another_order_are_the_same(self, iris):
        X, y = iris
        clf = BackpropClassifier(hidden_layer_sizes=(4,), random_state=0)
        clf.partial_fit(X, y, classes=[0, 1, 2]).partial_fit(X, y, classes=[2, 0, 1])
        np.testing.assert_array_equal(clf.classes_, [0, 1, 2])

    @pytest.mark.parametrize("first_call", [True, False])
    def test_multilabel_classes_must_count_the_indicator_columns(self, first_call):
        rng = np.random.RandomState(0)
        X, Y = rng.normal(size=(30, 4)), (rng.rand(30, 3) > 0.5).astype(int)
        clf = BackpropClassifier(hidden_layer_sizes=(4,), random_state=0)
        if not first_call:
            clf.partial_fit(X, Y, classes=[0, 1, 2])
        message = "columns" if first_call else "is not the same"
        with pytest.raises(ValueError, match=message):
            clf.partial_fit(X, Y, classes=[0, 1, 2, 3])


class TestWeightsSetByHand:
    """scikit-learn's worked example: the notebook's W1, b1, W2, b2 on a new estimator."""

    def _weights(self, n_features=3, n_hidden=4, seed=0):
        rng = np.random.RandomState(seed)
        return (
            rng.randn(n_features, n_hidden), rng.randn(n_hidden),
            rng.randn(n_hidden, 1), rng.randn(1),
        )  # fmt: skip

    def test_partial_fit_takes_one_step_from_them(self):
        X, y = np.array([[0, 0, 1], [1, 1, 1]]), np.array([0, 1])
        weights1, bias1, weights2, bias2 = self._weights()
        clf = notebook_classifier(n_samples=2, n_hidden=4)
        clf.coefs_ = [weights1.copy(), weights2.copy()]
        clf.intercepts_ = [bias1.copy(), bias2.copy()]
        with pytest.raises(NotFittedError):
            clf.predict(X)  # weights alone are not a fitted model: no classes yet
        clf.partial_fit(X, y, classes=[0, 1])
        expected = notebook_update(X, y[:, None], weights1, bias1, weights2, bias2)
        got = (clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1])
        for value, reference in zip(got, expected, strict=True):
            np.testing.assert_allclose(value, reference, rtol=0, atol=1e-12)
        assert clf.n_iter_ == 1
        assert clf.t_ == 2
        np.testing.assert_array_equal(clf.classes_, [0, 1])
        assert clf.predict(X).shape == (2,)

    @pytest.mark.parametrize(
        ("shapes", "width"),
        [((3, 4, 2), 3), ((3, 4, 1), 5)],
        ids=["two-outputs-for-binary", "five-features"],
    )
    def test_shapes_that_do_not_fit_the_data_are_named(self, shapes, width):
        n_features, n_hidden, n_outputs = shapes
        rng = np.random.RandomState(0)
        clf = BackpropClassifier(hidden_layer_sizes=(4,), solver="sgd")
        clf.coefs_ = [rng.randn(n_features, n_hidden), rng.randn(n_hidden, n_outputs)]
        clf.intercepts_ = [rng.randn(n_hidden), rng.randn(n_outputs)]
        X = rng.normal(size=(6, width))
        with pytest.raises(ValueError, match=r"coefs_ have shapes \[\(3, 4\)"):
            clf.partial_fit(X, np.arange(6) % 2, classes=[0, 1])
        assert not hasattr(clf, "classes_")  # the failed call left the model as it was


@pytest.mark.parametrize(
    ("estimator", "expected"),
    [(BackpropClassifier, MLPClassifier), (BackpropRegressor, MLPRegressor)],
)
@pytest.mark.parametrize("early_stopping", [True, False])
def test_best_loss_is_none_under_early_stopping_as_in_scikit_learn(
    iris, estimator, expected, early_stopping
):
    X, y = iris
    settings = dict(hidden_layer_sizes=(4,), max_iter=5, early_stopping=early_stopping)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ours = estimator(random_state=0, **settings).fit(X, y)
        theirs = expected(random_state=0, **settings).fit(X, y)
    assert (ours.best_loss_ is None) == (theirs.best_loss_ is None) == early_stopping
    if not early_stopping:
        assert ours.best_loss_ == min(ours.loss_curve_)


@pytest.mark.parametrize(
    "labels",
    [
        pd.Series(["a", "b", pd.NA, "a"], dtype="string"),
        np.array(["a", "b", None, "a"], dtype=object),
        pd.Series(["a", "b", None, "a"]),
        pd.Series(["a", "b", np.nan, "a"], dtype="category"),
        ["a", "b", None, "a"],
    ],
    ids=["string-NA", "object-None", "series-None", "category-NaN", "list-None"],
)
def test_missing_labels_are_named_with_their_position(labels):
    X = np.random.RandomState(0).normal(size=(4, 2))
    with pytest.raises(ValueError, match=r"y has 1 missing label\(s\).*position 2"):
        BackpropClassifier(max_iter=1).fit(X, labels)
