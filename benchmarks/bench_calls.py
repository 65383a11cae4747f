"""Per-call costs side by side with MLPClassifier: small partial_fit chunks, one-row predictions.

    python benchmarks/bench_calls.py [--repeats 15]

Where each call does little work, what a call costs around the arithmetic
(input validation, target encoding, set-up) decides the speed. Each round
times ours and then MLPClassifier's on the same fitted-alike models; the
ratio is ours / MLPClassifier per round, its median and the range of the
middle half of the rounds, as in ``bench_fit.py``.
"""

import argparse
import time
import timeit
import warnings

import numpy as np
from bench_fit import SameAsMLP, environment, save_report, side_by_side
from sklearn.datasets import load_digits, make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier

LIBRARIES = {"ours": SameAsMLP, "mlp": MLPClassifier}


def partial_fit_seconds(model_class, X, y, chunks):
    """Seconds for ``partial_fit`` over ``chunks`` (arrays of row indices), from a new model."""
    model = model_class(hidden_layer_sizes=(64,), activation="logistic", random_state=0)
    started = time.perf_counter()
    model.partial_fit(X[chunks[0]], y[chunks[0]], classes=np.unique(y))
    for rows in chunks[1:]:
        model.partial_fit(X[rows], y[rows])
    return time.perf_counter() - started


def one_row_seconds(method, row, number=300):
    """Best of three timings of ``number`` calls of ``method(row)``, per call."""
    return min(timeit.repeat(lambda: method(row), number=number, repeat=3)) / number


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15, help="rounds per measurement")
    args = parser.parse_args()
    report = {"environment": environment(), "calls": []}

    X, y = make_classification(20_000, 20, n_informative=10, n_classes=3, random_state=0)
    chunks = np.array_split(np.arange(X.shape[0]), 100)
    measurements = {
        "partial_fit, 100 chunks of 200 rows": {
            key: (lambda cls=cls: partial_fit_seconds(cls, X, y, chunks))
            for key, cls in LIBRARIES.items()
        }
    }
    X_digits, y_digits = load_digits(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        models = {
            key: cls(activation="logistic", max_iter=20, random_state=0).fit(X_digits, y_digits)
            for key, cls in LIBRARIES.items()
        }
    row = X_digits[:1]
    for method in ("predict_proba", "predict"):
        measurements[f"{method}, one digits row"] = {
            key: (lambda model=model, method=method: one_row_seconds(getattr(model, method), row))
            for key, model in models.items()
        }

    for name, measure in measurements.items():
        times = {key: [] for key in LIBRARIES}
        for _ in range(args.repeats):
            for key in LIBRARIES:
                times[key].append(measure[key]())
        result = {"measurement": name, **side_by_side(times)}
        report["calls"].append(result)
        low, high = result["ratio_middle_half"]
        print(
            f"{name:38} ours {result['ours_s'] * 1e3:8.3f} ms, MLPClassifier "
            f"{result['mlp_s'] * 1e3:8.3f} ms, ratio {result['ratio']:.2f} "
            f"(middle half of {args.repeats} rounds {low:.2f}-{high:.2f})"
        )
    save_report(report, "calls")


if __name__ == "__main__":
    main()
