"""Ours at defaults on raw DataFrames against what a scikit-learn user builds by hand.

    python benchmarks/tabular.py [--quick] [--tables T ...] [--models M ...] [--folds 5]
        [--ours-params JSON] [--variant NAME=JSON ...] [--ours-in-pipeline]
        [--markdown FILE]

The panel (``_tabular_data.py``): real tables that ship inside installable
packages, classification and regression, with string, category and boolean
columns and missing values. 5-fold cross-validation, shuffled with a fixed
seed, the same folds for every model. The models:

- ``ours``: BackpropClassifier() / BackpropRegressor() on the raw DataFrame;
- ``mlp``, ``linear``: MLPClassifier / MLPRegressor and LogisticRegression /
  RidgeCV behind a standard ColumnTransformer (SimpleImputer (mean) and
  StandardScaler on numbers, most-frequent SimpleImputer and
  OneHotEncoder(handle_unknown='ignore') on the rest);
- ``hgb``: HistGradientBoosting with categorical_features='from_dtype' (the
  table's string and boolean columns cast to category first, as its docs ask);
- each ``--variant NAME=JSON``: ours with those parameters, a column ``NAME``.

``--ours-in-pipeline`` puts ours and its variants behind the same
ColumnTransformer, and regressors inside TransformedTargetRegressor(
StandardScaler()): today's estimator with the preprocessing to come.
Accuracy (and log loss) for classification, R² for regression. Every fit
records its ConvergenceWarnings and its time; a fit that raises counts as
failed, with the first line of its error.
"""

import argparse
import json
import os
import sys
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from _tabular_data import QUICK, TABLES
from sklearn.base import clone
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_backprop import BackpropClassifier, BackpropRegressor

SEED = 0
BASELINES = ("mlp", "linear", "hgb")


def standard_preprocessing():
    """What a scikit-learn user puts in front of an MLP or a linear model."""
    numbers = make_pipeline(SimpleImputer(), StandardScaler())
    others = make_pipeline(
        SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore")
    )
    return ColumnTransformer([
        ("numbers", numbers, make_column_selector(dtype_include="number")),
        ("others", others, make_column_selector(dtype_exclude="number")),
    ])  # fmt: skip


def as_categories(X):
    """String, object and boolean columns as pandas categories (what 'from_dtype' reads)."""
    others = X.select_dtypes(exclude=["number", "category"]).columns
    return X.astype(dict.fromkeys(others, "category"))


def ours(task, params, in_pipeline):
    """Ours with ``params``, on the raw DataFrame or behind the standard preprocessing."""
    classification = task == "classification"
    model = (BackpropClassifier if classification else BackpropRegressor)(random_state=SEED)
    model.set_params(**params)
    if not in_pipeline:
        return model
    model = make_pipeline(standard_preprocessing(), model)
    if classification:
        return model
    return TransformedTargetRegressor(model, transformer=StandardScaler())


def baseline(name, task):
    classification = task == "classification"
    if name == "hgb":
        hgb = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
        return hgb(categorical_features="from_dtype", random_state=SEED)
    if name == "mlp":
        model = (MLPClassifier if classification else MLPRegressor)(random_state=SEED)
    else:
        model = LogisticRegression() if classification else RidgeCV()
    return make_pipeline(standard_preprocessing(), model)


@dataclass
class Result:
    """One model's folds on one table."""

    scores: list = field(default_factory=list)
    log_losses: list = field(default_factory=list)
    seconds: list = field(default_factory=list)
    convergence_warnings: int = 0
    errors: list = field(default_factory=list)

    def mean(self, values=None):
        values = self.scores if values is None else values
        return np.mean(values) if values and not self.errors else np.nan


def fit_and_score(model, X, y, fold, task, result):
    """Fit on the fold's train rows, score on its test rows; all figures go to ``result``."""
    train, test = fold
    X_train, X_test, y_train, y_test = X.iloc[train], X.iloc[test], y.iloc[train], y.iloc[test]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        started = time.perf_counter()
        try:
            model.fit(X_train, y_train)
        except Exception as error:  # a failed fit is a result: what a user would see
            result.errors.append(f"{type(error).__name__}: {str(error).splitlines()[0]}")
            return
        result.seconds.append(time.perf_counter() - started)
        prediction = model.predict(X_test)
    result.convergence_warnings += any(
        issubclass(warning.category, ConvergenceWarning) for warning in caught
    )
    if task == "classification":
        result.scores.append(accuracy_score(y_test, prediction))
        proba = model.predict_proba(X_test)
        result.log_losses.append(log_loss(y_test, proba, labels=model.classes_))
    else:
        result.scores.append(r2_score(y_test, prediction))


def run_table(name, models, n_folds):
    """Every model's Result on table ``name``, on the same shuffled folds."""
    table = TABLES[name]
    X, y = table.load()
    splitter = StratifiedKFold if table.task == "classification" else KFold
    folds = list(splitter(n_folds, shuffle=True, random_state=SEED).split(X, y))
    results = {}
    for model_name, make in models.items():
        result = results[model_name] = Result()
        data = as_categories(X) if model_name == "hgb" else X
        for fold in folds:
            fit_and_score(clone(make(table.task)), data, y, fold, table.task, result)
    return X, results


def model_makers(args):
    """Column name -> function of the task that builds an unfitted model."""
    makers = {}
    ours_params = json.loads(args.ours_params)
    for name in args.models:
        if name == "ours":
            makers["ours"] = lambda task: ours(task, ours_params, args.ours_in_pipeline)
        else:
            makers[name] = lambda task, name=name: baseline(name, task)
    for variant in args.variant:
        name, _, params = variant.partition("=")
        params = json.loads(params)
        makers[name] = lambda task, p=params: ours(task, p, args.ours_in_pipeline)
    return makers


def score_table(panel, models, key="score"):
    """Table x model means: ``key`` 'score' (accuracy or R²) or 'log_loss'."""
    rows = {}
    for name, (X, results) in panel.items():
        table = TABLES[name]
        if key == "log_loss" and table.task != "classification":
            continue
        metric = "accuracy" if table.task == "classification" else "R²"
        row = {"metric": "log loss" if key == "log_loss" else metric}
        row |= {"rows": len(X), "columns": X.shape[1]}
        for model, result in results.items():
            row[model] = result.mean(result.log_losses if key == "log_loss" else None)
        rows[name] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def clear_wins_and_losses(panel, model):
    """Tables where ``model`` beats ours (loses to ours) by over 2 standard errors of the folds.

    The folds are the same for every model, so the test is on the paired
    differences of the fold scores; a failed model counts as a clear loss
    (where both failed, as neither).
    """
    wins = losses = 0
    for _, results in panel.values():
        theirs, ours_ = results[model], results["ours"]
        if theirs.errors and ours_.errors:
            continue
        if theirs.errors or ours_.errors:
            wins, losses = wins + bool(ours_.errors), losses + bool(theirs.errors)
            continue
        differences = np.subtract(theirs.scores, ours_.scores)
        error = differences.std(ddof=1) / np.sqrt(len(differences))
        wins += differences.mean() > 2 * error
        losses += differences.mean() < -2 * error
    return wins, losses


def summary(panel, models):
    """Per model: mean rank, wins/losses against ours, warnings, failures, fit time."""
    scores = score_table(panel, models)[list(models)]
    ranks = scores.rank(axis=1, ascending=False, method="average", na_option="bottom")
    filled = scores.fillna(-np.inf)  # a failed model loses to any that fitted
    rows = {}
    for model in models:
        results = [results[model] for _, results in panel.values()]
        seconds = [s for result in results for s in result.seconds]
        errors = Counter(error for result in results for error in result.errors)
        row = {"mean rank": ranks[model].mean()}
        if "ours" in models:
            wins = (filled[model] > filled["ours"]).sum()
            losses = (filled[model] < filled["ours"]).sum()
            row["wins/losses vs ours"] = "" if model == "ours" else f"{wins}/{losses}"
            clear = clear_wins_and_losses(panel, model)
            row["clear wins/losses"] = "" if model == "ours" else "{}/{}".format(*clear)
        r2 = [score for (name, score) in scores[model].items() if TABLES[name].task == "regression"]
        row["R² < 0"] = sum(score < 0 for score in r2)
        row["fits with ConvergenceWarning"] = sum(r.convergence_warnings for r in results)
        row["failed fits"] = sum(len(r.errors) for r in results)
        row["median fit s"] = np.median(seconds) if seconds else np.nan
        row["most common error"] = errors.most_common(1)[0][0] if errors else ""
        rows[model] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def markdown(frame, digits=3):
    """``frame`` as a Markdown table (no tabulate needed); numbers to ``digits`` places."""

    def cell(value):
        if isinstance(value, float | np.floating):
            return "fail" if np.isnan(value) else f"{value:.{digits}f}"
        return str(value)

    lines = ["| | " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|---" * (frame.shape[1] + 1) + "|")
    for index, row in frame.iterrows():
        lines.append(f"| {index} | " + " | ".join(cell(value) for value in row) + " |")
    return "\n".join(lines)


def report(panel, models, args):
    n_fits = args.folds * len(panel)
    lines = [
        f"Command: `python {' '.join(sys.argv)}`",
        f"{len(panel)} tables, {args.folds}-fold CV, {n_fits} fits per model; "
        f"{args.threads} thread(s) per fit on {os.cpu_count()} CPU cores.",
        "",
        "Mean accuracy (classification) or R² (regression) over the folds; "
        "'fail': at least one fit failed.",
        "",
        markdown(score_table(panel, models)),
    ]
    log_losses = score_table(panel, models, "log_loss")
    if not log_losses.empty:
        lines += ["", "Mean log loss (classification, lower is better):", "", markdown(log_losses)]
    lines += ["", f"Per model (rank 1 is best; of {n_fits} fits):", ""]
    lines += [markdown(summary(panel, models), digits=2)]
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=list(TABLES))
    parser.add_argument(
        "--models", nargs="+", choices=["ours", *BASELINES], default=["ours", *BASELINES]
    )
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="3 tables, 2 folds: a smoke test")
    parser.add_argument("--ours-params", default="{}", help="JSON: ours' parameters")
    parser.add_argument("--variant", action="append", default=[], metavar="NAME=JSON")
    parser.add_argument("--ours-in-pipeline", action="store_true")
    parser.add_argument("--markdown", help="also write the report to this file")
    parser.add_argument(
        "--threads", type=int, default=1,
        help="BLAS and OpenMP threads per fit (one: on a shared machine, OpenMP's "
        "waiting threads can make HistGradientBoosting 20x slower)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if args.quick:
        args.tables, args.folds = QUICK, 2
    return args


def main(argv=None):
    args = parse_args(argv)
    models = model_makers(args)
    panel = {}
    for name in args.tables:
        started = time.perf_counter()
        with threadpool_limits(args.threads):
            panel[name] = run_table(name, models, args.folds)
        print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    text = report(panel, models, args)
    print(text)
    if args.markdown:
        with open(args.markdown, "w") as file:
            file.write(text + "\n")


if __name__ == "__main__":
    main()
