# %%
"""
Dropout against a tuned L2 penalty on a wide network and little data
====================================================================

A network of 512 sigmoid units trained on 300 of scikit-learn's 8x8 digits
(600 others are the test set)
overfits: it has 38,000 weights for 300 images. Two regularisers fight
that: ``dropout``, which silences a random share of the hidden units on
every batch, and the L2 penalty ``alpha``. This example trains the same
network with no regulariser (``alpha=0``), with ``dropout`` 0.2 and 0.5,
and with the ``alpha`` that a grid search on the training images picks,
for several seeds, and follows the test accuracy and log loss over the
epochs (``X_val``: the test images, scored without dropout after every
epoch).
"""

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, train_test_split

from sklearn_backprop import BackpropClassifier

SEEDS = range(3)
EPOCHS = 150

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(
    X / 16, y, train_size=300, test_size=600, stratify=y, random_state=0
)


def network(**params):
    # Adam at 0.01 and a fixed number of epochs: enough to overfit without a regulariser.
    # The test images are scored every epoch, not stopped on (early_stopping=False).
    return BackpropClassifier(
        hidden_layer_sizes=(512,), learning_rate_init=0.01, max_iter=EPOCHS,
        n_iter_no_change=np.inf, early_stopping=False, **params,
    )  # fmt: skip


def fit(**params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs
        return network(**params).fit(X_train, y_train, X_val=X_test, y_val=y_test)


# %%
# The alpha a grid search picks
# -----------------------------
# Three-fold cross-validation on the 300 training images only, without dropout,
# over penalties from light to heavy (the default, 1e-4, barely differs from none),
# scored by the log loss, which 100 images per fold measure more finely than accuracy.
alphas = [1e-3, 1e-2, 3e-2, 1e-1]
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search = GridSearchCV(
        network(random_state=0), {"alpha": alphas}, cv=3, scoring="neg_log_loss"
    ).fit(X_train, y_train)
tuned_alpha = search.best_params_["alpha"]
print(f"alpha picked by the grid search: {tuned_alpha}")
print("cross-validated log loss by alpha:")
print(pd.Series(-search.cv_results_["mean_test_score"], alphas).round(3).to_string())

# %%
# Every setting, several seeds
# ----------------------------
# The dropout rows train with ``alpha=0`` too: each row is a model of its own.
settings = {
    "no regulariser": {"alpha": 0.0},
    "dropout=0.2": {"alpha": 0.0, "dropout": 0.2},
    "dropout=0.5": {"alpha": 0.0, "dropout": 0.5},
    f"alpha={tuned_alpha}": {"alpha": tuned_alpha},
}
curves = {
    name: [fit(random_state=seed, **params) for seed in SEEDS] for name, params in settings.items()
}


def mean_and_spread(values, digits=3):
    return f"{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}"


table = pd.DataFrame(
    {
        "test accuracy": [
            mean_and_spread([fitted.validation_scores_[-1] for fitted in fits])
            for fits in curves.values()
        ],
        "test log loss": [
            mean_and_spread([fitted.validation_loss_curve_[-1] for fitted in fits])
            for fits in curves.values()
        ],
        "best epoch's log loss": [
            mean_and_spread([min(fitted.validation_loss_curve_) for fitted in fits])
            for fits in curves.values()
        ],
        "best epoch": [
            int(np.median([np.argmin(fitted.validation_loss_curve_) + 1 for fitted in fits]))
            for fits in curves.values()
        ],
    },
    index=pd.Index(list(curves), name="setting"),
)
print(table.to_string())

# %%
# Over the epochs
# ---------------
# The mean over the seeds; the band spans their lowest and highest values.
fig, (loss_ax, accuracy_ax) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
epochs = np.arange(1, EPOCHS + 1)
# A line style and marker each: where two settings' curves meet, both still show.
styles = [("-", "o"), ("--", "s"), (":", "^"), ("-.", "D")]
for (name, fits), (linestyle, marker) in zip(curves.items(), styles, strict=True):
    for ax, attribute in ((loss_ax, "validation_loss_curve_"), (accuracy_ax, "validation_scores_")):
        values = np.array([getattr(fitted, attribute) for fitted in fits])
        (line,) = ax.plot(
            epochs, values.mean(axis=0), label=name, linestyle=linestyle, marker=marker,
            markevery=15, markersize=5,
        )  # fmt: skip
        ax.fill_between(
            epochs, values.min(axis=0), values.max(axis=0), alpha=0.15, color=line.get_color()
        )
loss_ax.set(xlabel="epoch", ylabel="test log loss", yscale="log", ylim=(0.2, 0.6))
accuracy_ax.set(xlabel="epoch", ylabel="test accuracy", ylim=(0.9, 0.96))
accuracy_ax.legend()

# %%
# Show the figures in a window; where none can open (Matplotlib's Agg backend,
# on a server or in CI), ``plt.show()`` would draw nothing, so save them as PNG
# files in the current folder instead.
if plt.get_backend().lower() == "agg":
    for number in plt.get_fignums():
        path = Path(f"{Path(__file__).stem}_figure_{number}.png").resolve()
        plt.figure(number).savefig(path)
        print(f"saved the figure to {path}")
else:
    plt.show()
