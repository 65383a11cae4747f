"""BackpropRegressor's sigmoid default against MLPRegressor's relu, each at its defaults.

    python benchmarks/regression_defaults.py [--seeds 5]

Targets and features scaled (StandardScaler, TransformedTargetRegressor), as
users do; 32 hidden units, 500 epochs, alpha=1e-2; test R² over a few
train/test splits and seeds, mean and spread. The user guide quotes it.
"""

import argparse
import warnings

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropRegressor

DATASETS = {
    "load_diabetes": lambda: load_diabetes(return_X_y=True),
    "make_friedman1": lambda: make_friedman1(n_samples=1000, noise=1.0, random_state=0),
}
MODELS = {
    "BackpropRegressor (logistic)": BackpropRegressor,
    "MLPRegressor (relu)": MLPRegressor,
}


def test_r2(model, X, y, seed):
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=seed)
    network = model(hidden_layer_sizes=(32,), max_iter=500, alpha=1e-2, random_state=seed)
    pipeline = TransformedTargetRegressor(
        make_pipeline(StandardScaler(), network), transformer=StandardScaler()
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(X_train, y_train)
    return pipeline.score(X_test, y_test)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print("| data | model | test R² (mean ± sd over seeds) |")
    print("|---|---|---|")
    for data_name, load in DATASETS.items():
        X, y = load()
        for model_name, model in MODELS.items():
            scores = [test_r2(model, X, y, seed) for seed in range(args.seeds)]
            print(f"| {data_name} | {model_name} | {np.mean(scores):.3f} ± {np.std(scores):.3f} |")


if __name__ == "__main__":
    main()
