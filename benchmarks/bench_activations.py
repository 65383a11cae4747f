"""Seconds per epoch for every hidden activation, BackpropClassifier against MLPClassifier.

    python benchmarks/bench_activations.py [--repeats 5]

``bench_fit.py`` measures the issue's network, sigmoid hidden units; a user
coming from MLPClassifier may well keep its default, ``relu``. Same data,
network and SGD settings for both libraries (bench_fit's problems, the
784-feature one on 20,000 rows), float32, interleaved rounds; the ratio is
ours / MLPClassifier per round, its median and the range of the middle half.
"""

import argparse

import numpy as np
from bench_fit import PROBLEMS, compare_fit, environment, make_data, save_report

ACTIVATIONS = ["relu", "tanh", "identity", "logistic"]
FEWER_ROWS = {"mnist": 20_000}  # four activations of the whole problem would take minutes


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="interleaved rounds per fit")
    args = parser.parse_args()
    rows = []
    for key, (_, n_samples, n_features, n_classes) in PROBLEMS.items():
        n_samples = FEWER_ROWS.get(key, n_samples)
        X, y = make_data(n_samples, n_features, n_classes, np.float32)
        for activation in ACTIVATIONS:
            row = {
                "problem": f"{n_samples}x{n_features}, {n_classes} classes",
                "activation": activation,
                **compare_fit(X, y, "sgd", repeats=args.repeats, activation=activation),
            }
            rows.append(row)
            low, high = row["ratio_middle_half"]
            print(
                f"{row['problem']:26} {activation:9} ours {row['ours_s_per_epoch']:.3f} "
                f"s/epoch, MLPClassifier {row['mlp_s_per_epoch']:.3f}, ratio "
                f"{row['ratio']:.2f} (middle half {low:.2f}-{high:.2f})"
            )
    save_report({"environment": environment(), "activations": rows}, "activations")


if __name__ == "__main__":
    main()
