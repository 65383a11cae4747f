# %%
"""
Decision surfaces of sigmoid, tanh and ReLU networks
====================================================

Three BackpropClassifier networks that differ only in their hidden units'
``activation`` ('logistic', the notebook's sigmoid, 'tanh' and 'relu') learn
the same two-dimensional toy problem, two interleaved half moons with noise.
Each panel shades the predicted probability of the orange class over the
plane, with the training points on top, and its title gives the test accuracy.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.lines import Line2D
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

from sklearn_backprop import BackpropClassifier

# %%
# The data
# --------
# 400 points in two classes whose boundary is curved, so that no straight line
# separates them: the hidden layer has to bend it. A quarter is held out to
# measure accuracy on points the networks never saw.
X, y = make_moons(n_samples=400, noise=0.25, random_state=0)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)
print(f"{len(X_train)} training and {len(X_test)} test points")

# %%
# Three networks
# --------------
# One hidden layer of 16 units, trained by full-batch L-BFGS (the quickest
# solver on a few hundred samples) from the same seed, with an L2 penalty
# ``alpha=0.1`` that keeps the weights small so that the networks do not chase
# the noise; only the activation changes. Sigmoid and tanh units give smooth
# boundaries; ReLU units are piecewise linear, so the ReLU network's boundary is
# made of straight pieces.
activations = ["logistic", "tanh", "relu"]
models = {
    activation: BackpropClassifier(
        hidden_layer_sizes=(16,),
        activation=activation,
        solver="lbfgs",
        alpha=0.1,
        max_iter=1000,
        random_state=0,
    ).fit(X_train, y_train)
    for activation in activations
}
for activation, model in models.items():
    print(
        f"{activation:>8}: test accuracy {model.score(X_test, y_test):.3f}, "
        f"{model.n_iter_} L-BFGS iterations, final training loss {model.loss_:.3f}"
    )

# %%
# The surfaces
# ------------
# Each network's probability of class 1 on a grid over the plane; the black
# line is where it crosses 0.5, the decision boundary. Points are coloured by
# their true class: training points are circles, test points crosses.
x_min, y_min = X.min(axis=0) - 0.5
x_max, y_max = X.max(axis=0) + 0.5
grid_x, grid_y = np.meshgrid(np.linspace(x_min, x_max, 200), np.linspace(y_min, y_max, 200))
grid = np.column_stack([grid_x.ravel(), grid_y.ravel()])

fig, axes = plt.subplots(1, 3, figsize=(13, 4.3), sharex=True, sharey=True)
for ax, (activation, model) in zip(axes, models.items(), strict=True):
    probability = model.predict_proba(grid)[:, 1].reshape(grid_x.shape)
    shades = np.linspace(0, 1, 11)
    ax.contourf(grid_x, grid_y, probability, levels=shades, cmap="PuOr_r", alpha=0.45)
    ax.contour(grid_x, grid_y, probability, levels=[0.5], colors="black", linewidths=1.5)
    ax.scatter(*X_train.T, c=y_train, cmap="PuOr_r", edgecolors="black", linewidths=0.5, s=25)
    ax.scatter(*X_test.T, c=y_test, cmap="PuOr_r", marker="X", edgecolors="black", s=40)
    ax.set_title(f"activation='{activation}'\ntest accuracy {model.score(X_test, y_test):.3f}")
    ax.set_xlabel("feature 0")
axes[0].set_ylabel("feature 1")
# One legend for the three panels, below them: what the markers and the line mean.
colours = plt.get_cmap("PuOr_r")
point = dict(linestyle="", markeredgecolor="black", markersize=7)
handles = [
    Line2D([], [], marker="o", markerfacecolor=colours(0.0), label="class 0", **point),
    Line2D([], [], marker="o", markerfacecolor=colours(1.0), label="class 1", **point),
    Line2D([], [], marker="o", markerfacecolor="white", label="training point", **point),
    Line2D([], [], marker="X", markerfacecolor="white", label="test point", **point),
    Line2D([], [], color="black", linewidth=1.5, label="decision boundary (probability 0.5)"),
]
fig.legend(handles=handles, loc="lower center", ncol=len(handles), frameon=False)
fig.tight_layout(rect=(0, 0.07, 1, 1))

# %%
# On this problem all three reach a similar accuracy; what differs is the shape
# of the boundary away from the data, where the network has to extrapolate.

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
