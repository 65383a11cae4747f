# %%
"""
Regression next to MLPRegressor: diabetes and Friedman #1
=========================================================

BackpropRegressor on two regression problems that ship with scikit-learn,
beside MLPRegressor with the same hidden layer, penalty and epochs. Each
keeps its own default hidden activation: the notebook's sigmoid for ours,
relu for MLPRegressor's. MLPRegressor gets its features and target
standardised, as its users do (``TransformedTargetRegressor`` puts the
predictions back in the target's units); ours takes the raw data, since it
standardises both inside (``mlp_parity=True`` would turn that off).
"""

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.compose import TransformedTargetRegressor
from sklearn.datasets import load_diabetes, make_friedman1
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_backprop import BackpropRegressor

datasets = {
    "diabetes": load_diabetes(return_X_y=True),
    "Friedman #1": make_friedman1(n_samples=1000, noise=1.0, random_state=0),
}
models = {"BackpropRegressor (sigmoid)": BackpropRegressor, "MLPRegressor (relu)": MLPRegressor}


def as_users_fit(network):
    """MLPRegressor between a feature scaler and a target scaler; ours as it is."""
    if isinstance(network, BackpropRegressor):
        return network
    return TransformedTargetRegressor(
        make_pipeline(StandardScaler(), network), transformer=StandardScaler()
    )


def network_of(regressor):
    return regressor.regressor_[-1] if hasattr(regressor, "regressor_") else regressor


# %%
# Fit both on each data set
# -------------------------
# 32 hidden units, ``alpha=1e-2``, up to 500 epochs of Adam; the test R² of
# each, and its predictions against the truth.
fitted = {}
for data_name, (X, y) in datasets.items():
    X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    for model_name, model in models.items():
        network = model(hidden_layer_sizes=(32,), alpha=1e-2, max_iter=500, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # 500 epochs, as compared
            regressor = as_users_fit(network).fit(X_train, y_train)
        score = regressor.score(X_test, y_test)
        fitted[data_name, model_name] = (regressor, X_test, y_test, score)
        print(f"{data_name:12} {model_name:28} test R² {score:.3f}")

# %%
# Predictions against the truth
# -----------------------------
# One panel per data set and model; the closer the points to the diagonal,
# the better.
fig, axes = plt.subplots(2, 2, figsize=(9, 8), layout="constrained")
for ax, ((data_name, model_name), (regressor, X_test, y_test, score)) in zip(
    axes.ravel(), fitted.items(), strict=True
):
    ax.scatter(y_test, regressor.predict(X_test), s=8, alpha=0.6)
    low, high = y_test.min(), y_test.max()
    ax.plot([low, high], [low, high], color="gray", linewidth=1)
    title = f"{data_name}: {model_name}\ntest R² {score:.3f}"
    ax.set(title=title, xlabel="true", ylabel="predicted")

# %%
# The training loss per epoch
# ---------------------------
# Ours records ``history_`` (and ``loss_curve_``, as MLPRegressor does); both
# minimise half the squared error of the standardised target.
fig, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
for ax, data_name in zip(axes, datasets, strict=True):
    for model_name in models:
        network = network_of(fitted[data_name, model_name][0])
        ax.plot(network.loss_curve_, label=model_name)
    ax.set(title=data_name, xlabel="epoch", ylabel="training loss", yscale="log")
    ax.legend()

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
