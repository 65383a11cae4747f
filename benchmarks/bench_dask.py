"""Wall time of a grid search run locally and on a two-worker Dask LocalCluster.

    python benchmarks/bench_dask.py

The same GridSearchCV (digits, 4 candidates x 3 folds) with joblib's local
backend (n_jobs=2) and with the Dask backend; prints both times and whether
the results agree. The local time includes starting joblib's worker processes,
the Dask time does not include starting the cluster. On one 2-core machine
Dask adds no cores: the point of the backend is a cluster of many machines.
"""

import time
import warnings

import joblib
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV

from sklearn_backprop import BackpropClassifier


def search():
    grid = {"hidden_layer_sizes": [(16,), (64,)], "alpha": [1e-4, 1e-2]}
    model = BackpropClassifier(max_iter=100, random_state=0)
    return GridSearchCV(model, grid, cv=3, n_jobs=2)


def main():
    import distributed

    X, y = load_digits(return_X_y=True)
    X = X / 16
    warnings.simplefilter("ignore", ConvergenceWarning)
    started = time.perf_counter()
    local = search().fit(X, y)
    local_seconds = time.perf_counter() - started
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 dashboard_address=":0", host="127.0.0.1") as cluster,
        distributed.Client(cluster),
    ):  # fmt: skip
        started = time.perf_counter()
        with joblib.parallel_config(backend="dask"):
            remote = search().fit(X, y)
        dask_seconds = time.perf_counter() - started
    same_scores = np.array_equal(remote.cv_results_["mean_test_score"],
                                 local.cv_results_["mean_test_score"])  # fmt: skip
    print(
        f"local (n_jobs=2): {local_seconds:.1f} s; Dask, 2 workers: {dask_seconds:.1f} s; "
        f"same best_params_: {remote.best_params_ == local.best_params_}; "
        f"same scores: {same_scores}"
    )


if __name__ == "__main__":
    main()
