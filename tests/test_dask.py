"""Hyper-parameter search on a real Dask cluster (two local worker processes)."""

import warnings

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sklearn_backprop import BackpropClassifier

distributed = pytest.importorskip("distributed")
# One pytest-xdist worker runs every test that starts a cluster (--dist loadgroup):
# a module's tests share its cluster, and two clusters never compete for the cores.
pytestmark = pytest.mark.xdist_group("dask_cluster")


def search():
    X, y = load_iris(return_X_y=True)
    grid = {"hidden_layer_sizes": [(4,), (16,)], "alpha": [1e-4, 1.0]}
    return (
        GridSearchCV(
            BackpropClassifier(max_iter=40, learning_rate_init=0.01, random_state=0),
            grid,
            cv=3,
            n_jobs=-1,
        ),
        X,
        y,
    )


def test_grid_search_on_dask_matches_local(client):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        local_search, X, y = search()
        local_search.fit(X, y)
        dask_search, X, y = search()
        with joblib.parallel_config(backend="dask"), distributed.get_task_stream(client) as tasks:
            dask_search.fit(X, y)
    assert dask_search.best_params_ == local_search.best_params_
    np.testing.assert_array_equal(
        dask_search.cv_results_["mean_test_score"], local_search.cv_results_["mean_test_score"]
    )
    # The fits ran as tasks on the cluster's two workers, not in this process.
    workers = {task["worker"] for task in tasks.data}
    assert len(tasks.data) >= 12  # 4 candidates x 3 folds
    assert workers <= set(client.scheduler_info()["workers"])
