# %%
"""
Learning curves on the digits: per epoch and per training-set size
==================================================================

Two kinds of learning curve for BackpropClassifier on the 8x8 handwritten
digits that ship with scikit-learn, for sigmoid ('logistic'), 'tanh' and
'relu' hidden units:

- per epoch, with ``LossCurveDisplay``: the training loss, the loss on a
  validation set and the validation accuracy as training goes on, with early
  stopping keeping the best epoch;
- per training-set size, with scikit-learn's ``LearningCurveDisplay``: how
  the cross-validated accuracy grows with the number of training images.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import LearningCurveDisplay, ShuffleSplit, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropClassifier, LossCurveDisplay

activations = ["logistic", "tanh", "relu"]

# %%
# The data
# --------
# 1797 images of 64 pixels, ten classes. A fifth is kept as a test set; of the
# rest, a fifth is the validation set that the networks are scored on after
# every epoch. The pixels are standardised with the training images' statistics.
X, y = load_digits(return_X_y=True)
X_rest, X_test, y_rest, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)
X_train, X_val, y_train, y_val = train_test_split(
    X_rest, y_rest, test_size=0.2, stratify=y_rest, random_state=0
)
scaler = StandardScaler().fit(X_train)
X_train, X_val, X_test = (scaler.transform(part) for part in (X_train, X_val, X_test))
print(f"{len(X_train)} training, {len(X_val)} validation and {len(X_test)} test images")

# %%
# Per epoch: LossCurveDisplay
# ---------------------------
# Each network (one hidden layer of 32 units, Adam) gets the validation set
# through ``fit(X, y, X_val=..., y_val=...)``. With ``early_stopping=True``
# training stops once the validation loss has not improved for
# ``n_iter_no_change`` epochs (and 100 optimizer steps), and the weights of its
# best epoch are put back.
# ``LossCurveDisplay.from_estimator`` draws the ``history_`` of each fit: the
# losses on the left axis, the validation accuracy on the right one.
fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), sharey=True)
for ax, activation in zip(axes, activations, strict=True):
    clf = BackpropClassifier(
        hidden_layer_sizes=(32,),
        activation=activation,
        learning_rate_init=0.01,
        early_stopping=True,
        n_iter_no_change=5,
        random_state=0,
    ).fit(X_train, y_train, X_val=X_val, y_val=y_val)
    display = LossCurveDisplay.from_estimator(clf, ax=ax, name=f"activation='{activation}'")
    display.ax_.get_legend().remove()  # one legend for the three panels, below them
    best_epoch = int(np.argmin(clf.validation_loss_curve_)) + 1
    print(
        f"{activation:>8}: {clf.n_iter_} epochs, best validation loss at epoch {best_epoch} "
        f"(validation accuracy {clf.best_validation_score_:.3f}), "
        f"test accuracy {clf.score(X_test, y_test):.3f}"
    )
fig.legend(handles=list(display.lines_.values()), loc="lower center", ncol=3, frameon=False)
fig.tight_layout(rect=(0, 0.08, 1, 1))

# %%
# The sigmoid network needs more epochs than the tanh and ReLU ones to get as
# far (a sigmoid unit's slope is at most 1/4, a tanh unit's 1). For all three
# the training loss keeps falling while the validation loss levels off: from
# there on the networks mostly grow more confident on images they already
# classify correctly, and early stopping ends training some epochs after the
# best validation loss.

# %%
# Per training-set size: LearningCurveDisplay
# -------------------------------------------
# ``LearningCurveDisplay.from_estimator`` refits a scaler and the network on
# growing subsets of the data and scores them on held-out images (three random
# 75/25 splits of the whole set). The networks are trained by full-batch L-BFGS,
# which fits a few hundred images to a training loss near zero in 10 to 20
# iterations, so the 36 fits take a few seconds in all.
fig, ax = plt.subplots(figsize=(8, 4.5))
cv = ShuffleSplit(n_splits=3, test_size=0.25, random_state=0)
train_sizes = np.array([0.1, 0.25, 0.5, 1.0])
for activation in activations:
    model = make_pipeline(
        StandardScaler(),
        BackpropClassifier(
            hidden_layer_sizes=(32,), activation=activation, solver="lbfgs", random_state=0
        ),
    )
    display = LearningCurveDisplay.from_estimator(
        model, X, y, train_sizes=train_sizes, cv=cv, score_type="test", ax=ax,
        line_kw={"marker": "o"}, std_display_style="fill_between",
    )  # fmt: skip
    # Name the curve just drawn after its activation.
    display.lines_[0].set_label(activation)
    scores = display.test_scores.mean(axis=1)
    print(
        f"{activation:>8}: mean test accuracy "
        + ", ".join(
            f"{score:.3f} ({size} images)"
            for size, score in zip(display.train_sizes, scores, strict=True)
        )
    )
# The legend beside the axes, where no curve or band can be.
ax.legend(handles=ax.get_lines(), title="activation", loc="upper left", bbox_to_anchor=(1.02, 1))
ax.set_ylabel("accuracy on held-out images")
ax.set_title("Digits: accuracy against training-set size")
fig.tight_layout()

# %%
# With about 130 training images the networks already classify close to nine
# held-out digits in ten correctly, and every doubling of the training set still
# helps; on the whole set the three activations end within two points of each
# other.

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
