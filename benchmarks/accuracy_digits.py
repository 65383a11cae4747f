"""Test accuracy on the digits data, BackpropClassifier against MLPClassifier.

    python benchmarks/accuracy_digits.py

Five stratified 75/25 splits of scikit-learn's bundled digits, standardised,
one hidden layer of 64 units, Adam, and each library's default activation
(ours: the sigmoid, MLPClassifier's: relu) at 200 and 400 epochs, and both with
the sigmoid at 200. Prints the mean test accuracy of each.
"""

import warnings

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier

CONTENDERS = {
    # mlp_parity: MLP's 200 epochs and stopping rule, so that only the activation differs.
    "BackpropClassifier (sigmoid), 200 epochs": (BackpropClassifier, {"mlp_parity": True}),
    "BackpropClassifier (sigmoid), 400 epochs": (
        BackpropClassifier,
        {"mlp_parity": True, "max_iter": 400},
    ),
    "MLPClassifier (relu), 200 epochs": (MLPClassifier, {}),
    "MLPClassifier (sigmoid), 200 epochs": (MLPClassifier, {"activation": "logistic"}),
}


def main():
    X, y = load_digits(return_X_y=True)
    scores = {name: [] for name in CONTENDERS}
    for seed in range(5):
        X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=seed)
        for name, (model_class, params) in CONTENDERS.items():
            model = model_class(hidden_layer_sizes=(64,), random_state=seed, **params)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                pipeline = make_pipeline(StandardScaler(), model).fit(X_train, y_train)
            scores[name].append(pipeline.score(X_test, y_test))
    for name, values in scores.items():
        print(
            f"{name:42} mean test accuracy {np.mean(values):.4f} "
            f"(splits: {', '.join(f'{v:.3f}' for v in values)})"
        )


if __name__ == "__main__":
    main()
