# %%
"""
Quick start: digits with BackpropClassifier, next to MLPClassifier
==================================================================

Trains both classifiers on the same split of the handwritten digits that ship
with scikit-learn, with the same network (one hidden layer of 64 sigmoid
units, Adam, at most 100 epochs), prints their test accuracy and draws their
training loss per epoch. Then a table as it comes: scikit-learn's diabetes
data in its own units, with a text column, given to ``BackpropRegressor()``
as it is, next to ``MLPRegressor`` behind the usual ``ColumnTransformer``.
For training speed, see the benchmarks (``docs/benchmarks.md``): one fit's
seconds on a machine that may be busy or just started say little.
"""

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
from sklearn.compose import make_column_transformer
from sklearn.datasets import load_diabetes, load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_val_score, train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_backprop import BackpropClassifier, BackpropRegressor

X, y = load_digits(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, stratify=y, random_state=0)

# %%
# The same settings for both: the parameters carry the same names.
settings = dict(hidden_layer_sizes=(64,), activation="logistic", max_iter=100, random_state=0)
models = {
    "BackpropClassifier": BackpropClassifier(**settings),
    "MLPClassifier": MLPClassifier(**settings),
}
print(f"digits: {X_train.shape[0]} training and {X_test.shape[0]} test images, 10 classes")
for name, model in models.items():
    pipeline = make_pipeline(StandardScaler(), model)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        pipeline.fit(X_train, y_train)
    accuracy = pipeline.score(X_test, y_test)
    print(
        f"{name:>20}: test accuracy {accuracy:.4f}, "
        f"{model.n_iter_} epochs, final loss {model.loss_:.4f}"
    )
print("Training speed: see docs/benchmarks.md (medians of repeated, interleaved runs).")

# %%
# Both record the training loss of every epoch in ``loss_curve_``. With the same
# settings and seed they start from the same weights, and here the curves all but
# coincide: MLPClassifier's is drawn dashed over ours.
fig, ax = plt.subplots(figsize=(6.4, 4))
styles = {"BackpropClassifier": dict(linewidth=5, alpha=0.5), "MLPClassifier": dict(ls="--")}
for name, model in models.items():
    ax.plot(range(1, model.n_iter_ + 1), model.loss_curve_, label=name, **styles[name])
ax.set_yscale("log")
ax.set_xlabel("epoch")
ax.set_ylabel("training loss (log scale)")
ax.set_title("Digits, one hidden layer of 64 sigmoid units")
ax.legend()
fig.tight_layout()

# %%
# A table as it comes: ages in years, blood pressure in mm Hg, the target (a
# disease score from 25 to 346) in its own units, and sex as text. The defaults
# encode the text column, standardize the inputs and the target inside, and stop
# by themselves; MLPRegressor needs the ColumnTransformer, and still does not
# scale the target.
X_table, y_table = load_diabetes(return_X_y=True, as_frame=True, scaled=False)
X_table = X_table.assign(sex=X_table["sex"].map({1: "one", 2: "two"}))
by_hand = make_pipeline(
    make_column_transformer((OneHotEncoder(), ["sex"]), remainder=StandardScaler()),
    MLPRegressor(random_state=0),
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # MLPRegressor's 200 epochs run out
    r2_ours = cross_val_score(BackpropRegressor(random_state=0), X_table, y_table).mean()
    r2_by_hand = cross_val_score(by_hand, X_table, y_table).mean()
print(f"diabetes as a table ({X_table.shape[0]} rows, 'sex' as text), R² over 5 folds:")
print(f"  BackpropRegressor() on the raw table: {r2_ours:.3f}")
print(f"  MLPRegressor behind a ColumnTransformer: {r2_by_hand:.3f}")

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
