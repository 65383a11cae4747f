# %%
"""
Quick start: digits with BackpropClassifier, next to MLPClassifier
==================================================================

Trains both classifiers on the same split of the handwritten digits that ship
with scikit-learn, with the same network (one hidden layer of 64 sigmoid
units, Adam, at most 300 epochs), and prints accuracy and training time.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

# %%
# The same settings for both: the parameters carry the same names.
settings = dict(hidden_layer_sizes=(64,), activation="logistic", max_iter=300, random_state=0)
models = {
    "BackpropClassifier": BackpropClassifier(**settings),
    "MLPClassifier": MLPClassifier(**settings),
}
print(f"digits: {X_train.shape[0]} training and {X_test.shape[0]} test images, 10 classes")
for name, model in models.items():
    pipeline = make_pipeline(StandardScaler(), model)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(X_train, y_train)
    seconds = time.perf_counter() - started
    accuracy = pipeline.score(X_test, y_test)
    print(
        f"{name:>20}: test accuracy {accuracy:.4f}, "
        f"{model.n_iter_} epochs in {seconds:.2f} s, final loss {model.loss_:.4f}"
    )
