"""How closely onnxruntime reproduces predict_proba, predict and the regressor's predict.

    python benchmarks/onnx_agreement.py

The models of tests/test_export.py: classifiers (4 activations x binary,
multiclass, string-labelled and multilabel targets), for which it prints the
largest probability difference and whether every label matched; regressors
(4 activations x the squared error and Poisson losses x one and two
targets), for which it prints the largest relative difference of the
predictions.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
from sklearn.exceptions import ConvergenceWarning

from sklearn_backprop import BackpropClassifier, BackpropRegressor, to_onnx

sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.test_export import problem, regression  # the tests' own data


def run(model, X):
    session = ort.InferenceSession(to_onnx(model, X).SerializeToString(),
                                   providers=["CPUExecutionProvider"])  # fmt: skip
    return session.run(None, {session.get_inputs()[0].name: X})


def regressors():
    largest = 0.0
    for loss in ["squared_error", "poisson"]:
        for n_targets in [1, 2]:
            for activation in ["logistic", "tanh", "relu", "identity"]:
                X, y = regression(loss, n_targets)
                reg = BackpropRegressor(hidden_layer_sizes=(8, 5), activation=activation,
                                        loss=loss, learning_rate_init=0.01, max_iter=50,
                                        random_state=0).fit(X, y)  # fmt: skip
                (prediction,) = run(reg, X)
                expected = reg.predict(X).reshape(len(X), -1)
                largest = max(largest, float(np.abs(prediction / expected - 1).max()))
    print(f"16 regressors: largest relative prediction difference {largest:.2e}")


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    regressors()
    largest, labels_match = 0.0, True
    for kind in ["binary", "multiclass", "strings", "multilabel"]:
        for activation in ["logistic", "tanh", "relu", "identity"]:
            X, y = problem(kind)
            clf = BackpropClassifier(hidden_layer_sizes=(8, 5), activation=activation,
                                     max_iter=50, random_state=0).fit(X, y)  # fmt: skip
            labels, proba = run(clf, X)
            largest = max(largest, float(np.abs(proba - clf.predict_proba(X)).max()))
            expected = clf.predict(X)
            labels_match &= bool(np.array_equal(labels.astype(expected.dtype), expected))
    print(
        f"16 classifiers: largest |probability difference| {largest:.2e}, "
        f"every label matched: {labels_match}"
    )


if __name__ == "__main__":
    main()
