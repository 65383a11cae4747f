"""Peak memory that fit allocates beyond its input, BackpropClassifier and MLPClassifier.

    python benchmarks/bench_memory.py

numpy reports its allocations to tracemalloc, so the traced peak during
``fit`` is what training allocated on top of the data already in memory.
"""

import tracemalloc
import warnings

import numpy as np
from bench_fit import make_data, settings
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

from sklearn_backprop import BackpropClassifier


def peak_mib(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        tracemalloc.start()
        model.fit(X, y)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak / 2**20


def main():
    X, y = make_data(60_000, 784, 10, np.float32)
    print(f"input X: {X.nbytes / 2**20:.0f} MiB float32")
    for epochs in (1, 3):
        params = settings("sgd", 128, 256, epochs)
        for name, model in [
            ("BackpropClassifier", BackpropClassifier(**params)),
            ("MLPClassifier", MLPClassifier(**params)),
        ]:
            print(
                f"{name:>18}, {epochs} epoch(s): peak {peak_mib(model, X, y):6.1f} MiB "
                "allocated during fit"
            )


if __name__ == "__main__":
    main()
