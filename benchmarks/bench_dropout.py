"""What dropout costs per epoch: the same fit with and without it, side by side.

    python benchmarks/bench_dropout.py [--problem mnist] [--rounds 5] [--epochs 3]

Each round fits the bench_fit problem's network (128 sigmoid units, batches
of 256, SGD) once per setting, in turn, in one process; the figures are the
median seconds per epoch (from ``history_``) and its ratio to the fit without
dropout. Dropout draws a mask per batch and hidden layer (and for the input
with ``input_dropout``) and multiplies by it forward and backward.
"""

import argparse
import json
import warnings

import numpy as np
from bench_fit import PROBLEMS, make_data
from sklearn.exceptions import ConvergenceWarning

from sklearn_backprop import BackpropClassifier

SETTINGS = {
    "none": {},
    "dropout=0.2": {"dropout": 0.2},
    "dropout=0.5": {"dropout": 0.5},
    "dropout=0.5, input_dropout=0.2": {"dropout": 0.5, "input_dropout": 0.2},
}


def seconds_per_epoch(X, y, epochs, **params):
    # mlp_parity: at the defaults, 60,000 rows would hold 10% out for early stopping.
    clf = BackpropClassifier(
        hidden_layer_sizes=(128,), solver="sgd", batch_size=256, learning_rate_init=0.01,
        max_iter=epochs, tol=0.0, n_iter_no_change=10**9, random_state=0, mlp_parity=True,
        **params,
    )  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    return float(clf.history_["seconds"].median())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problem", default="mnist", choices=list(PROBLEMS))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    args = parser.parse_args()
    _, n_samples, n_features, n_classes = PROBLEMS[args.problem]
    X, y = make_data(n_samples, n_features, n_classes, args.dtype)
    times = {name: [] for name in SETTINGS}
    for _ in range(args.rounds):
        for name, params in SETTINGS.items():
            times[name].append(seconds_per_epoch(X, y, args.epochs, **params))
    medians = {name: float(np.median(values)) for name, values in times.items()}
    result = {
        "problem": args.problem,
        "dtype": args.dtype,
        "seconds_per_epoch_median": medians,
        "ratio_to_none": {name: value / medians["none"] for name, value in medians.items()},
        "rounds": args.rounds,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
