"""Side-by-side timing of the L-BFGS solver: BackpropClassifier against MLPClassifier.

    python benchmarks/bench_lbfgs.py [--repeats 5]

The same network (one hidden layer of 128 sigmoid units; 100 for digits, as
MLPClassifier's default), the same data and a fixed number of L-BFGS
iterations (``tol=0``), fitted in turn, ours then theirs, in each round. The
ratio is ours / MLPClassifier per round, as in ``bench_fit.py``: its median
and the range of the middle half of the rounds. Results go to
benchmarks/results/ with numpy's BLAS configuration.
"""

import argparse
import time
import warnings

import numpy as np
from bench_fit import SameAsMLP, environment, make_data, save_report, side_by_side
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler


def problems():
    X, y = load_digits(return_X_y=True)
    yield "digits 1797x64, 10 classes", StandardScaler().fit_transform(X), y, 100
    # float64 only: in float32 the two libraries' gradients differ by rounding
    # (summation order), L-BFGS's line search amplifies that, and the fits soon
    # take different numbers of evaluations: no longer the same work.
    yield "20000x784, 10 classes", *make_data(20_000, 784, 10, np.float64), 128
    yield "50000x20, 2 classes", *make_data(50_000, 20, 2, np.float64), 128


def fit_seconds(model_class, X, y, hidden, max_iter):
    model = model_class(
        hidden_layer_sizes=(hidden,), activation="logistic", solver="lbfgs",
        max_iter=max_iter, tol=0.0, random_state=0,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        started = time.perf_counter()
        model.fit(X, y)
    return time.perf_counter() - started, model.n_iter_


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="rounds per problem")
    parser.add_argument("--max-iter", type=int, default=30, help="L-BFGS iterations per fit")
    args = parser.parse_args()
    report = {"environment": environment(), "lbfgs": []}
    for name, X, y, hidden in problems():
        times, iterations = {"ours": [], "mlp": []}, {}
        for _ in range(args.repeats):
            for key, model_class in (("ours", SameAsMLP), ("mlp", MLPClassifier)):
                seconds, iterations[key] = fit_seconds(model_class, X, y, hidden, args.max_iter)
                times[key].append(seconds)
        row = {"problem": name, "dtype": X.dtype.name, "iterations": iterations}
        row.update(side_by_side(times))
        report["lbfgs"].append(row)
        low, high = row["ratio_middle_half"]
        print(
            f"lbfgs {name:28} {row['dtype']:8} ours {row['ours_s']:.3f} s "
            f"({iterations['ours']} iterations), MLPClassifier {row['mlp_s']:.3f} "
            f"({iterations['mlp']}), ratio {row['ratio']:.2f} "
            f"(middle half of {args.repeats} rounds {low:.2f}-{high:.2f})"
        )
    save_report(report, "lbfgs")


if __name__ == "__main__":
    main()
