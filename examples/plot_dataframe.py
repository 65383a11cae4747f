# %%
"""
From a DataFrame: strings, missing values and an unscaled target, fitted directly
=================================================================================

The Palmer penguins as the ``palmerpenguins`` package ships them: numbers
in millimetres and grams, two text columns (``island``, ``sex``) and
missing values in both kinds. BackpropClassifier and BackpropRegressor take
the DataFrame as it is; each column's role is decided from its dtype at fit,
shown in ``input_columns_``. Next to them, what a scikit-learn user builds
by hand: a ColumnTransformer (impute and scale the numbers, impute and
one-hot encode the text) in front of MLPClassifier / MLPRegressor.
"""

import sys
import warnings
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
from palmerpenguins import load_penguins
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.model_selection import cross_val_predict, cross_val_score
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_backprop import BackpropClassifier, BackpropRegressor

penguins = load_penguins()
print(penguins.dtypes.to_string(), "\n")
print("missing values per column:", penguins.isna().sum().to_dict())

# %%
# Fitted directly
# ---------------
# The species from the rest of the table; nothing is prepared by hand.
X, species = penguins.drop(columns="species"), penguins["species"]
classifier = BackpropClassifier(random_state=0).fit(X, species)
print("what each column became (input_columns_):")
for column, became in classifier.input_columns_.items():
    print(f"  {column:18} {became}")

# %%
# Against a hand-built pipeline
# -----------------------------
# Five-fold cross-validated accuracy of each, on the same folds.


def hand_built(network):
    """Impute and scale the numbers, impute and one-hot encode the text, then the network."""
    numbers = make_pipeline(SimpleImputer(), StandardScaler())
    text = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    preprocess = ColumnTransformer([
        ("numbers", numbers, make_column_selector(dtype_include="number")),
        ("text", text, make_column_selector(dtype_exclude="number")),
    ])  # fmt: skip
    return make_pipeline(preprocess, network)


classifiers = {
    "BackpropClassifier() on the DataFrame": BackpropClassifier(random_state=0),
    "hand-built pipeline + MLPClassifier()": hand_built(MLPClassifier(random_state=0)),
}
accuracy = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)  # counted in docs/benchmarks.md
    for name, model in classifiers.items():
        accuracy[name] = cross_val_score(model, X, species, cv=5)
        print(f"{name}: accuracy {accuracy[name].mean():.3f}")

# %%
# An unscaled target: body mass in grams
# --------------------------------------
# BackpropRegressor standardizes the target inside and maps its predictions
# back to grams; the hand-built pipeline hands MLPRegressor the grams as
# they are. Rows without a body mass are dropped.
known = penguins.dropna(subset=["body_mass_g"])
X_mass, mass = known.drop(columns="body_mass_g"), known["body_mass_g"]
regressors = {
    "BackpropRegressor() on the DataFrame": BackpropRegressor(random_state=0),
    "hand-built pipeline + MLPRegressor()": hand_built(MLPRegressor(random_state=0)),
}
predicted = {}
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    for name, model in regressors.items():
        predicted[name] = cross_val_predict(model, X_mass, mass, cv=5)
        r2 = 1 - ((mass - predicted[name]) ** 2).sum() / ((mass - mass.mean()) ** 2).sum()
        print(f"{name}: cross-validated R² {r2:.3f}")

# %%
# The figure: accuracy per fold, and predicted against true body mass.
fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
left.boxplot(list(accuracy.values()), tick_labels=["ours, raw", "hand-built"])
left.set(title="species: accuracy per fold", ylabel="accuracy")
for name, values in predicted.items():
    right.scatter(mass, values, s=8, alpha=0.6, label=name)
right.plot([mass.min(), mass.max()], [mass.min(), mass.max()], color="gray", linewidth=1)
right.set(title="body mass (g), cross-validated", xlabel="true", ylabel="predicted")
right.legend(fontsize="small")

# With no display (Agg), plt.show() would draw nothing: save the figure instead.
if "sphinx_gallery" not in sys.modules and matplotlib.get_backend().lower() == "agg":
    path = Path.cwd() / "plot_dataframe.png"
    fig.savefig(path)
    print(f"saved the figure to {path}")
else:
    plt.show()
