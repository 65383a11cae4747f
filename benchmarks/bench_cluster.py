"""Distributed L-BFGS on a two-worker LocalCluster against the same fit in memory and Spark.

Usage: ``python benchmarks/bench_cluster.py {cluster,memory,spark} [--rows N] [--iterations K]``;
each prints one JSON line (seconds per L-BFGS iteration, final loss or accuracy, the
client's peak memory). The rows are made chunk by chunk from per-chunk seeds, so the
three see the same data, and on the cluster the client never holds them. Spark
(``pip install pyspark``, Java 17) is a benchmark dependency only.
"""

import argparse
import json
import resource
import time
import warnings

import numpy as np

N_FEATURES, CHUNK_ROWS, HIDDEN = 100, 100_000, 10


def make_chunk(index, rows):
    """Rows of chunk ``index``: features and a binary label, the same wherever made."""
    rng = np.random.default_rng(index)
    X = rng.normal(size=(rows, N_FEATURES))
    y = (X[:, 0] + 0.5 * X[:, 1] * X[:, 2] - X[:, 3] > 0).astype(np.int64)
    return X, y


def chunk_sizes(n_rows):
    sizes = [CHUNK_ROWS] * (n_rows // CHUNK_ROWS)
    return sizes + ([n_rows % CHUNK_ROWS] if n_rows % CHUNK_ROWS else [])


def peak_memory_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def model(iterations):
    from sklearn_backprop import BackpropClassifier

    return BackpropClassifier(
        hidden_layer_sizes=(HIDDEN,), activation="logistic", solver="lbfgs",
        max_iter=iterations, tol=0.0, random_state=0,
    )  # fmt: skip


def timed_fit(clf, *data):
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(*data)
    return time.perf_counter() - started


def on_cluster(n_rows, iterations):
    import dask
    import dask.array as da
    import distributed

    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=":0") as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip
        parts = [dask.delayed(make_chunk)(i, rows) for i, rows in enumerate(chunk_sizes(n_rows))]
        X = da.concatenate([da.from_delayed(p[0], (r, N_FEATURES), float) for p, r in
                            zip(parts, chunk_sizes(n_rows), strict=True)])  # fmt: skip
        y = da.concatenate([da.from_delayed(p[1], (r,), np.int64) for p, r in
                            zip(parts, chunk_sizes(n_rows), strict=True)])  # fmt: skip
        memory_before = peak_memory_mb()
        clf = model(iterations)
        seconds = timed_fit(clf, X, y)
        accuracy = float(clf.score(X, y).compute())
        del client
    return {"where": "cluster", "rows": n_rows, "seconds": seconds, "iterations": clf.n_iter_,
            "seconds_per_iteration": float(clf.history_["seconds"].mean()),
            "final_loss": clf.loss_, "accuracy": accuracy,
            "client_peak_mb_before_fit": memory_before,
            "client_peak_mb": peak_memory_mb()}  # fmt: skip


def in_memory(n_rows, iterations):
    chunks = [make_chunk(i, rows) for i, rows in enumerate(chunk_sizes(n_rows))]
    X = np.concatenate([chunk[0] for chunk in chunks])
    y = np.concatenate([chunk[1] for chunk in chunks])
    del chunks
    clf = model(iterations)
    seconds = timed_fit(clf, X, y)
    return {"where": "memory", "rows": n_rows, "seconds": seconds, "iterations": clf.n_iter_,
            "seconds_per_iteration": float(clf.history_["seconds"].mean()),
            "final_loss": clf.loss_, "accuracy": clf.score(X, y),
            "peak_mb": peak_memory_mb()}  # fmt: skip


def on_spark(n_rows, iterations):
    from pyspark.ml.classification import MultilayerPerceptronClassifier
    from pyspark.ml.evaluation import MulticlassClassificationEvaluator
    from pyspark.ml.linalg import Vectors
    from pyspark.sql import SparkSession

    spark = (SparkSession.builder.master("local[2]").config("spark.driver.memory", "8g")
             .config("spark.driver.host", "127.0.0.1").config("spark.ui.enabled", "false")
             .getOrCreate())  # fmt: skip
    sizes = chunk_sizes(n_rows)

    def rows_of(index):
        X, y = make_chunk(index, sizes[index])
        return [(float(label), Vectors.dense(row)) for row, label in zip(X, y, strict=True)]

    data = spark.sparkContext.parallelize(range(len(sizes)), len(sizes)).flatMap(rows_of)
    frame = spark.createDataFrame(data, ["label", "features"]).cache()
    frame.count()  # made and cached before timing, as our chunks are persisted first
    mlp = MultilayerPerceptronClassifier(
        layers=[N_FEATURES, HIDDEN, 2], maxIter=iterations, tol=0.0, solver="l-bfgs", seed=0
    )
    started = time.perf_counter()
    fitted = mlp.fit(frame)
    seconds = time.perf_counter() - started
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(
        fitted.transform(frame)
    )
    spark.stop()
    return {"where": "spark", "rows": n_rows, "seconds": seconds, "iterations": iterations,
            "seconds_per_iteration": seconds / iterations, "accuracy": accuracy}  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("where", choices=["cluster", "memory", "spark"])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--iterations", type=int, default=10)
    args = parser.parse_args()
    run = {"cluster": on_cluster, "memory": in_memory, "spark": on_spark}[args.where]
    print(json.dumps(run(args.rows, args.iterations)), flush=True)
