"""Ours against MLPClassifier across the settings a scikit-learn user reaches for.

    python benchmarks/bench_settings.py [--repeats 3]   # about 3 minutes

``bench_fit.py`` times the issue's network; this script times whole fits in
the other settings a user reaches for, with MLPClassifier's defaults (Adam,
relu) on a 50,000 x 100, 3-class problem, 3 epochs: other input types and
labels, early stopping, sample weights, batch sizes, deeper networks, warm
starts and partial_fit, and scikit-learn's small datasets (until convergence). Each setting is
timed in interleaved rounds; the ratio is ours / MLPClassifier per round,
its median and the range of the middle half, as in ``bench_fit.py``. A
ratio near or above 1 is a setting where we lost our lead: this is how the
early-stopping split that took half a fit was found.
"""

import argparse
import inspect
import time
import warnings

import numpy as np
import pandas as pd
import scipy.sparse as sp
from bench_fit import SameAsMLP, environment, make_data, save_report, settings, side_by_side
from sklearn.datasets import load_breast_cancer, load_digits, load_iris, load_wine
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

LIBRARIES = {"ours": SameAsMLP, "mlp": MLPClassifier}


def settings_cases():
    """Setting name -> a function of the estimator class that runs its fits."""
    X, y = make_data(50_000, 100, 3, np.float32)
    base = settings("adam", 128, 256, 3, "relu")
    rng = np.random.default_rng(0)
    data = {
        "float32 array": (X, y),
        "float64 array": (X.astype(np.float64), y),
        "pandas DataFrame": (pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])]), y),
        "sparse CSR, 5% of entries": (sp.csr_matrix(X * (rng.random(X.shape) < 0.05)), y),
        "string labels": (X, np.array(["ant", "bee", "cat"], dtype=object)[y]),
    }
    cases = {
        name: (lambda cls, X=X_, y=y_: cls(**base).fit(X, y)) for name, (X_, y_) in data.items()
    }
    variants = {
        "early_stopping=True": {"early_stopping": True},
        "batch_size=32": {"batch_size": 32},
        "batch_size=2048": {"batch_size": 2048},
        "hidden_layer_sizes=(256, 128, 64)": {"hidden_layer_sizes": (256, 128, 64)},
        "solver='sgd', learning_rate='invscaling'": {
            "solver": "sgd",
            "learning_rate": "invscaling",
        },
    }
    for name, extra in variants.items():
        cases[name] = lambda cls, extra=extra: cls(**{**base, **extra}).fit(X, y)
    if "sample_weight" in inspect.signature(MLPClassifier.fit).parameters:
        weights = rng.random(X.shape[0])
        cases["sample_weight"] = lambda cls: cls(**base).fit(X, y, sample_weight=weights)
    cases["warm_start, 3 fits of 1 epoch"] = lambda cls: warm_fits(
        cls, {**base, "max_iter": 1}, X, y
    )
    cases["partial_fit, 3 passes"] = lambda cls: partial_fits(cls, base, X, y)
    for loader in (load_iris, load_wine, load_breast_cancer, load_digits):
        X_small, y_small = loader(return_X_y=True)
        X_small = StandardScaler().fit_transform(X_small)
        # MLPClassifier's defaults; ours default to sigmoid units, other work.
        name = f"{loader.__name__[5:]}, MLPClassifier's defaults"
        cases[name] = lambda cls, X=X_small, y=y_small: cls(activation="relu", random_state=0).fit(
            X, y
        )
    return cases


def warm_fits(model_class, params, X, y):
    model = model_class(warm_start=True, **params)
    for _ in range(3):
        model.fit(X, y)


def partial_fits(model_class, params, X, y):
    model = model_class(**params)
    for _ in range(3):
        model.partial_fit(X, y, classes=np.unique(y))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="interleaved rounds per setting")
    args = parser.parse_args()
    rows = []
    for name, run in settings_cases().items():
        times = {key: [] for key in LIBRARIES}
        for _ in range(args.repeats):
            for key, model_class in LIBRARIES.items():
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", ConvergenceWarning)
                    started = time.perf_counter()
                    run(model_class)
                    times[key].append(time.perf_counter() - started)
        row = {"setting": name, **side_by_side(times)}
        rows.append(row)
        low, high = row["ratio_middle_half"]
        print(
            f"{name:42} ours {row['ours_s']:7.3f} s, MLPClassifier {row['mlp_s']:7.3f} s, "
            f"ratio {row['ratio']:.2f} (middle half {low:.2f}-{high:.2f})",
            flush=True,
        )
    save_report({"environment": environment(), "settings": rows}, "settings")


if __name__ == "__main__":
    main()
