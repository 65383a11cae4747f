# %%
"""
A pandas workflow: mixed columns, missing values, string labels, a grid search
==============================================================================

A DataFrame as real data comes: numeric and categorical columns, some values
missing, and a text target. A ColumnTransformer imputes, scales and one-hot
encodes, BackpropClassifier learns, and GridSearchCV tunes the network's size
and its L2 penalty; the results come back as a DataFrame, and the best model's
training curve as a figure.
"""

import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from sklearn_backprop import BackpropClassifier, LossCurveDisplay

# %%
# The data: customers of a made-up subscription service, and whether they
# stayed, upgraded or left.
rng = np.random.default_rng(0)
n = 1500
frame = pd.DataFrame({
    "age": rng.normal(40, 12, n).round(),
    "monthly_spend": rng.gamma(2.0, 30.0, n).round(2),
    "support_calls": rng.poisson(1.5, n).astype(float),
    "plan": rng.choice(["basic", "standard", "premium"], n, p=[0.5, 0.3, 0.2]),
    "region": rng.choice(["north", "south", "east", "west"], n),
})  # fmt: skip
score = (0.03 * frame["monthly_spend"] - 0.8 * frame["support_calls"]
         + frame["plan"].map({"basic": -1.0, "standard": 0.0, "premium": 1.5})
         + rng.normal(0, 1, n))  # fmt: skip
outcome = pd.cut(score, [-np.inf, -1.0, 1.5, np.inf], labels=["left", "stayed", "upgraded"])
for column in ["age", "monthly_spend", "plan"]:  # some answers are missing
    frame.loc[rng.random(n) < 0.05, column] = np.nan
X_train, X_test, y_train, y_test = train_test_split(
    frame, outcome.astype(str), stratify=outcome, random_state=0
)
print(frame.head(), "\n")
print(f"{frame.isna().sum().sum()} missing values; classes {sorted(set(outcome.astype(str)))}")

# %%
# Preprocessing by column type, then the network.
preprocess = ColumnTransformer([
    ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
     ["age", "monthly_spend", "support_calls"]),
    ("categories", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                 OneHotEncoder(handle_unknown="ignore")),
     ["plan", "region"]),
])  # fmt: skip
model = Pipeline([
    ("preprocess", preprocess),
    ("net", BackpropClassifier(max_iter=150, learning_rate_init=0.01, random_state=0)),
])  # fmt: skip

# %%
# Tune the hidden layer's size and the L2 penalty.
search = GridSearchCV(
    model,
    {"net__hidden_layer_sizes": [(8,), (32,)], "net__alpha": [1e-4, 1e-1]},
    cv=3,
    n_jobs=2,
)
with warnings.catch_warnings():
    warnings.simplefilter("ignore", ConvergenceWarning)
    search.fit(X_train, y_train)
results = pd.DataFrame(search.cv_results_)[
    ["param_net__hidden_layer_sizes", "param_net__alpha", "mean_test_score", "rank_test_score"]
].sort_values("rank_test_score")
print(results.to_string(index=False), "\n")
print(f"best: {search.best_params_}, test accuracy {search.score(X_test, y_test):.3f}")
print("predictions:", search.predict(X_test.head(5)).tolist())

# %%
# The best model, refitted on the whole training set, keeps the loss of every
# epoch in ``history_``; ``LossCurveDisplay`` draws it.
best_net = search.best_estimator_.named_steps["net"]
display = LossCurveDisplay.from_estimator(best_net, name="best model")
best = search.best_params_
display.ax_.set_title(
    f"hidden_layer_sizes={best['net__hidden_layer_sizes']}, alpha={best['net__alpha']}"
)
display.figure_.tight_layout()

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
