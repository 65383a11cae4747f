# %%
"""
The notebook's backpropagation step, through BackpropClassifier
===============================================================

The notebook builds a 3-4-1 sigmoid network, draws its weights from a standard
normal, runs one forward pass on two samples and applies one backpropagation
update with learning rate 1, summing over the samples. Here the estimator
performs that very update and the result is compared with the notebook's code,
in numbers and in a figure of what the step changed.
"""

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from sklearn_backprop import BackpropClassifier

# %%
# The notebook's data: two samples of three inputs, one binary target.
X = np.array([[0, 0, 1], [1, 1, 1]])
y = np.array([0, 1])

# The notebook draws unseeded random normal weights; a seed makes this repeatable.
rng = np.random.default_rng(0)
weights1, bias1 = rng.standard_normal((3, 4)), rng.standard_normal(4)
weights2, bias2 = rng.standard_normal((4, 1)), rng.standard_normal(1)

# %%
# The estimator's settings that make one ``partial_fit`` the notebook's step:
# its squared error and sigmoid units, plain gradient descent over the whole
# batch in order, no penalty, and a learning rate of n_samples because the
# estimator averages the gradient where the notebook sums it. ``mlp_parity``
# keeps the raw inputs: by default they would be standardized before the step.
clf = BackpropClassifier(
    hidden_layer_sizes=(4,),
    activation="logistic",
    loss="squared_error",
    solver="sgd",
    momentum=0.0,
    alpha=0.0,
    shuffle=False,
    batch_size=len(X),
    learning_rate_init=len(X),
    mlp_parity=True,
)
# The notebook's weights, set by hand as W1, W2 and b1, b2; the first
# partial_fit trains from them (and checks their shapes against X and the classes).
clf.coefs_ = [weights1.copy(), weights2.copy()]
clf.intercepts_ = [bias1.copy(), bias2.copy()]
clf.partial_fit(X, y, classes=[0, 1])  # one backpropagation step

print("Updated weights and biases after backpropagation:")
print("Weights1:", clf.coefs_[0])
print("Bias1:", clf.intercepts_[0])
print("Weights2:", clf.coefs_[1])
print("Bias2:", clf.intercepts_[1])


# %%
# The notebook's own update, line for line, for comparison.
def sigmoid(x):
    return 1 / (1 + np.exp(-x))


a1 = sigmoid(X @ weights1 + bias1)
output = sigmoid(a1 @ weights2 + bias2)
delta2 = (output - y[:, None]) * output * (1 - output)
delta1 = (delta2 @ weights2.T) * a1 * (1 - a1)
notebook = [
    weights1 - X.T @ delta1,
    bias1 - delta1.sum(axis=0),
    weights2 - a1.T @ delta2,
    bias2 - delta2.sum(axis=0),
]
ours = [clf.coefs_[0], clf.intercepts_[0], clf.coefs_[1], clf.intercepts_[1]]
difference = max(np.abs(a - b).max() for a, b in zip(ours, notebook, strict=True))
print(f"Largest difference from the notebook's update: {difference:.1e}")

# %%
# What the step changed: every weight and bias before and after it, the
# estimator's update as bars, the notebook's as dots on top of them.
before = np.concatenate([weights1.ravel(), bias1, weights2.ravel(), bias2])
after = {
    "BackpropClassifier": np.concatenate([part.ravel() for part in ours]),
    "the notebook": np.concatenate([part.ravel() for part in notebook]),
}
positions = np.arange(len(before))
fig, ax = plt.subplots(figsize=(8, 3.6))
ax.bar(positions, after["BackpropClassifier"] - before, label="BackpropClassifier's step")
ax.plot(positions, after["the notebook"] - before, "o", color="black", label="the notebook's step")
ax.axhline(0, color="grey", linewidth=0.8)
sizes = np.array([weights1.size, bias1.size, weights2.size, bias2.size])
starts = np.cumsum(sizes) - sizes
for start in starts[1:]:
    ax.axvline(start - 0.5, color="grey", linestyle=":")
ax.set_xticks(starts + (sizes - 1) / 2, ["Weights1", "Bias1", "Weights2", "Bias2"])
ax.set_ylabel("change made by the step")
ax.set_title("One backpropagation step, parameter by parameter")
ax.legend()
fig.tight_layout()

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
