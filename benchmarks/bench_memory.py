"""Peak memory that fit and predict_proba allocate beyond their input, ours and MLPClassifier's.

    python benchmarks/bench_memory.py                 # 60,000 x 784 float32 (179 MiB)
    python benchmarks/bench_memory.py --rows 700000   # 2.0 GiB, ours only

numpy reports its allocations to tracemalloc, so the traced peak during
``fit`` (``predict_proba``) is what it allocated on top of the data already in memory.
"""

import argparse
import tracemalloc
import warnings
from functools import partial

import numpy as np
from bench_fit import make_data, settings
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_backprop import BackpropClassifier


def peak_mib(method, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tracemalloc.start()
        method(*args)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 2**20


def large_data(n_rows, n_features=784, n_classes=10, chunk=50_000):
    """make_data's distribution, built in float32 chunks to keep the build itself small."""
    X = np.empty((n_rows, n_features), np.float32)
    y = np.empty(n_rows, int)
    for start in range(0, n_rows, chunk):
        part_X, part_y = make_data(
            min(chunk, n_rows - start), n_features, n_classes, np.float32, seed=start
        )
        X[start : start + len(part_y)], y[start : start + len(part_y)] = part_X, part_y
    return X, y


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=60_000)
    args = parser.parse_args()
    X, y = large_data(args.rows)
    print(f"input X: {X.nbytes / 2**20:.0f} MiB float32")
    # At the defaults ours holds out a validation set from 10,000 rows (a copy of X,
    # which it then standardizes in place); MLPClassifier does with early_stopping=True.
    models = [
        ("BackpropClassifier", BackpropClassifier),
        ("  mlp_parity=True", partial(BackpropClassifier, mlp_parity=True)),
        ("  early_stopping=False", partial(BackpropClassifier, early_stopping=False)),
    ]
    if args.rows <= 100_000:
        models.append(("MLPClassifier", MLPClassifier))
        models.append(("  early_stopping=True", partial(MLPClassifier, early_stopping=True)))
    fitted = {}
    for epochs in (1, 3):
        params = settings("sgd", 128, 256, epochs)
        for name, model_class in models:
            model = model_class(**params)
            peak = peak_mib(model.fit, X, y)
            fitted[name] = model
            print(f"{name:>22}, {epochs} epoch(s): peak {peak:6.1f} MiB allocated during fit")
    result_mib = X.shape[0] * 10 * X.itemsize / 2**20
    for name, model in list(fitted.items())[::3]:  # BackpropClassifier, MLPClassifier
        peak = peak_mib(model.predict_proba, X)
        print(
            f"{name:>22}, predict_proba: peak {peak:6.1f} MiB allocated "
            f"(the result itself: {result_mib:.1f} MiB)"
        )


if __name__ == "__main__":
    main()
