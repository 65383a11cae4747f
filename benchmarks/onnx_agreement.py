"""How closely onnxruntime reproduces predict_proba and predict after to_onnx.

    python benchmarks/onnx_agreement.py

The models of tests/test_export.py (4 activations x binary, multiclass,
string-labelled and multilabel targets); prints the largest probability
difference and whether every label matched.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
from sklearn.exceptions import ConvergenceWarning

from sklearn_backprop import BackpropClassifier, to_onnx

sys.path.insert(0, str(Path(__file__).parents[1]))
from tests.test_export import problem  # the tests' own data


def main():
    warnings.simplefilter("ignore", ConvergenceWarning)
    largest, labels_match = 0.0, True
    for kind in ["binary", "multiclass", "strings", "multilabel"]:
        for activation in ["logistic", "tanh", "relu", "identity"]:
            X, y = problem(kind)
            clf = BackpropClassifier(hidden_layer_sizes=(8, 5), activation=activation,
                                     max_iter=50, random_state=0).fit(X, y)  # fmt: skip
            session = ort.InferenceSession(to_onnx(clf, X).SerializeToString(),
                                           providers=["CPUExecutionProvider"])  # fmt: skip
            labels, proba = session.run(None, {session.get_inputs()[0].name: X})
            largest = max(largest, float(np.abs(proba - clf.predict_proba(X)).max()))
            expected = clf.predict(X)
            labels_match &= bool(np.array_equal(labels.astype(expected.dtype), expected))
    print(
        f"16 models: largest |probability difference| {largest:.2e}, "
        f"every label matched: {labels_match}"
    )


if __name__ == "__main__":
    main()
