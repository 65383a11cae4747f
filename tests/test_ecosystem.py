"""pandas in, model selection around: the estimator inside the scikit-learn ecosystem."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier


@pytest.fixture(scope="module")
def iris_frame():
    data = load_iris(as_frame=True)
    X = data.data
    y = data.target.map(dict(enumerate(data.target_names)))  # 'setosa', ...
    return X, y


def small_clf(**params):
    settings = dict(hidden_layer_sizes=(8,), learning_rate_init=0.05, max_iter=80, random_state=0)
    return BackpropClassifier(**{**settings, **params})


@pytest.fixture(autouse=True)
def _quiet_convergence():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def test_dataframe_and_string_series(iris_frame):
    X, y = iris_frame
    clf = small_clf().fit(X, y)
    np.testing.assert_array_equal(clf.feature_names_in_, X.columns)
    np.testing.assert_array_equal(clf.classes_, ["setosa", "versicolor", "virginica"])
    predictions = clf.predict(X)
    assert set(predictions) <= set(clf.classes_)
    assert clf.score(X, y) > 0.9


def test_categorical_labels(iris_frame):
    X, y = iris_frame
    categorical = y.astype("category")
    from_strings = small_clf().fit(X, y)
    from_categories = small_clf().fit(X, categorical)
    np.testing.assert_array_equal(from_categories.classes_, from_strings.classes_)
    np.testing.assert_array_equal(from_categories.predict(X), from_strings.predict(X))


def test_reordered_columns_are_refused(iris_frame):
    X, y = iris_frame
    clf = small_clf(max_iter=2).fit(X, y)
    with pytest.raises(ValueError, match="feature names"):
        clf.predict(X[X.columns[::-1]])


def test_dataframe_is_not_modified(iris_frame):
    X, y = iris_frame
    X_before, y_before = X.copy(), y.copy()
    small_clf(max_iter=2).fit(X, y).predict_proba(X)
    pd.testing.assert_frame_equal(X, X_before)
    pd.testing.assert_series_equal(y, y_before)


def test_pipeline_in_grid_search_with_two_jobs(iris_frame):
    X, y = iris_frame
    pipeline = Pipeline([("scale", StandardScaler()), ("net", small_clf())])
    search = GridSearchCV(
        pipeline,
        {"net__hidden_layer_sizes": [(2,), (16,)], "net__alpha": [1e-4, 1.0]},
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        n_jobs=2,
    )
    search.fit(X, y)
    assert search.best_score_ > 0.9
    assert search.best_estimator_.predict(X.iloc[:5]).dtype == object
    # The same search in one process finds the same scores, bit for bit.
    serial = GridSearchCV(pipeline, search.param_grid, cv=search.cv, n_jobs=1).fit(X, y)
    np.testing.assert_array_equal(
        serial.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )


def test_cross_val_score(iris_frame):
    X, y = iris_frame
    pipeline = Pipeline([("scale", StandardScaler()), ("net", small_clf())])
    scores = cross_val_score(pipeline, X, y, cv=5)
    assert scores.shape == (5,)
    assert scores.mean() > 0.9
