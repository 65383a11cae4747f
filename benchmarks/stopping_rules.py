"""Which stopping rule ends training well: epochs budget, hold-out size, patience, monitor.

    python benchmarks/stopping_rules.py [--tables T ...] [--folds 5] [--csv FILE]

Today's estimators behind the preprocessing to come (the standard
ColumnTransformer of ``tabular.py`` fitted on each training fold; the
regression target standardized on it), on the panel's tables and folds.
Three fits per fold replay every rule at once, since a rule only decides
where a trajectory ends and which epoch it keeps:

- ``early_stopping=False``, up to 1000 epochs: ``max_iter`` m gives the
  model after min(m, s) epochs, s the epoch where the training-loss rule
  (tol=1e-4, 10 epochs) fires; a ConvergenceWarning if s > m;
- ``early_stopping=True`` with validation_fraction 0.1 and 0.2 and a
  patience that never ends: the history's validation score (accuracy, R²)
  and loss, replayed through MLPClassifier's patience rule for each
  ``n_iter_no_change``, give the stopping epoch and the best epoch kept;
- ``refit``: the hold-out's best validation-loss epoch (patience 20) as the
  number of epochs (or of optimizer steps) of a fit on every row: the first
  fit's trajectory, followed to that epoch.

A callback scores the test fold after every epoch, and ends a hold-out fit
once both monitors have gone 51 epochs without improving: every rule has
fired by then.
"""

import argparse
import sys
import warnings

import numpy as np
import pandas as pd
from _tabular_data import TABLES
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.preprocessing import StandardScaler
from tabular import SEED, standard_preprocessing

from sklearn_backprop import BackpropClassifier, BackpropRegressor

MAX_EPOCHS = 1000
TOL = 1e-4
BUDGETS = (200, 500, 1000)
FRACTIONS = (0.1, 0.2)
PATIENCES = (10, 20, 50)


class TestScores:
    """Records the test fold's score (and log loss) after every epoch; stops a hold-out fit
    once both validation monitors have gone more than max(PATIENCES) epochs without gain."""

    def __init__(self, X_test, y_test, classification, hold_out):
        self.X_test, self.y_test = X_test, y_test
        self.classification, self.hold_out = classification, hold_out
        self.scores, self.log_losses = [], []

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name != "epoch":
            return False
        if self.classification:
            proba = estimator.predict_proba(self.X_test)
            prediction = estimator.classes_[np.argmax(proba, axis=1)]
            self.scores.append(accuracy_score(self.y_test, prediction))
            self.log_losses.append(log_loss(self.y_test, proba, labels=estimator.classes_))
        else:
            self.scores.append(r2_score(self.y_test, estimator.predict(self.X_test)))
        if not self.hold_out:
            return False
        wait = max(PATIENCES) + 1
        return all(
            patience_stop(curve, wait - 1, higher) is not None
            for curve, higher in [
                (estimator.validation_scores_, True),
                (estimator.validation_loss_curve_, False),
            ]
        )


def patience_stop(values, patience, higher_is_better, tol=TOL):
    """The (1-based) epoch where MLPClassifier's patience rule stops, or None."""
    sign = 1.0 if higher_is_better else -1.0
    best, count = -np.inf, 0
    for epoch, value in enumerate(values, start=1):
        count = count + 1 if sign * value < best + tol else 0
        best = max(best, sign * value)
        if count > patience:
            return epoch
    return None


def best_epoch(values, higher_is_better):
    """The first epoch with the best value (as the estimator keeps it)."""
    values = np.asarray(values) * (1.0 if higher_is_better else -1.0)
    return int(np.argmax(values)) + 1


def fit_recording(model, X_train, y_train, recorder):
    model.set_callbacks(recorder)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    return model


def budget_rows(model, recorder):
    """One row per max_iter: the model after min(m, s) epochs; warned if s > m."""
    stopped = model.n_iter_ if model.n_iter_ < MAX_EPOCHS else np.inf
    rows = []
    for budget in BUDGETS:
        epochs = int(min(budget, stopped))
        rows.append({
            "rule": f"max_iter={budget}", "epochs": epochs, "warned": stopped > budget,
            "score": recorder.scores[epochs - 1],
            "log_loss": recorder.log_losses[epochs - 1] if recorder.log_losses else np.nan,
        })  # fmt: skip
    return rows


def hold_out_rows(model, recorder, fraction):
    """One row per monitor x patience x max_iter, replayed from one fit's history."""
    monitors = {"score": (model.validation_scores_, True)}
    monitors["loss"] = (model.validation_loss_curve_, False)
    rows = []
    for monitor, (curve, higher) in monitors.items():
        for patience in PATIENCES:
            stop = patience_stop(curve, patience, higher)
            for budget in (200, MAX_EPOCHS):
                end = budget if stop is None or stop > budget else stop
                kept = best_epoch(curve[:end], higher)
                rows.append({
                    "rule": f"es vf={fraction} {monitor} n={patience} max_iter={budget}",
                    "epochs": end, "warned": stop is None or stop > budget,
                    "score": recorder.scores[kept - 1],
                    "log_loss": recorder.log_losses[kept - 1] if recorder.log_losses else np.nan,
                })  # fmt: skip
    return rows


def refit_rows(full, recorder, hold_out_model, fraction):
    """The hold-out chooses the epochs (best validation loss), a fit on every row runs them.

    ``full`` and ``recorder``: the fit without a hold-out and its test scores,
    which that refit follows epoch for epoch up to its own training-loss stop.
    """
    curve = hold_out_model.validation_loss_curve_
    rows = []
    for patience in (20,):
        stop = patience_stop(curve, patience, False) or len(curve)
        chosen = best_epoch(curve[:stop], False)
        for name, epochs in [("epochs", chosen), ("steps", round(chosen * (1 - fraction)))]:
            end = max(1, min(epochs, full.n_iter_))
            rows.append({
                "rule": f"refit vf={fraction} loss n={patience} same {name}", "epochs": end,
                "warned": False, "score": recorder.scores[end - 1],
                "log_loss": recorder.log_losses[end - 1] if recorder.log_losses else np.nan,
            })  # fmt: skip
    return rows


def prepared_fold(X, y, fold, classification):
    """The fold's data through the standard preprocessing (and target scaling), fitted on train."""
    train, test = fold
    preprocess = standard_preprocessing()
    X_train = preprocess.fit_transform(X.iloc[train])
    X_test = preprocess.transform(X.iloc[test])
    y_train, y_test = y.iloc[train].to_numpy(), y.iloc[test].to_numpy()
    if not classification:
        scaler = StandardScaler().fit(y_train.reshape(-1, 1))
        y_train, y_test = (scaler.transform(v.reshape(-1, 1)).ravel() for v in (y_train, y_test))
    return X_train, X_test, y_train, y_test


def fold_rows(X, y, fold, classification):
    X_train, X_test, y_train, y_test = prepared_fold(X, y, fold, classification)
    estimator = (BackpropClassifier if classification else BackpropRegressor)(
        random_state=SEED, max_iter=MAX_EPOCHS
    )
    full_scores = TestScores(X_test, y_test, classification, hold_out=False)
    full = fit_recording(clone(estimator), X_train, y_train, full_scores)
    rows = budget_rows(full, full_scores)
    for fraction in FRACTIONS:
        model = clone(estimator).set_params(
            early_stopping=True, validation_fraction=fraction, n_iter_no_change=np.inf
        )
        recorder = TestScores(X_test, y_test, classification, hold_out=True)
        rows += hold_out_rows(fit_recording(model, X_train, y_train, recorder), recorder, fraction)
        rows += refit_rows(full, full_scores, model, fraction)
    return rows


def table_rows(name, n_folds):
    table = TABLES[name]
    X, y = table.load()
    classification = table.task == "classification"
    splitter = (StratifiedKFold if classification else KFold)(
        n_folds, shuffle=True, random_state=SEED
    )
    rows = []
    for index, fold in enumerate(splitter.split(X, y)):
        for row in fold_rows(X, y, fold, classification):
            rows.append({"table": name, "task": table.task, "fold": index, **row})
    return rows


def summarize(frame):
    """Per rule: mean score by task, change against today's default, warnings, epochs."""
    means = frame.groupby(["rule", "table", "task"], as_index=False)[["score", "log_loss"]].mean()
    today = means[means.rule == "max_iter=200"].set_index("table")["score"]
    means["change"] = means["score"] - means["table"].map(today)
    rows = {}
    for rule, group in means.groupby("rule"):
        fits = frame[frame.rule == rule]
        row = {}
        for task, part in group.groupby("task"):
            key = "acc" if task == "classification" else "R²"
            row[f"mean {key}"] = part["score"].mean()
            row[f"worst change {key}"] = part["change"].min()
        row["mean log loss"] = group["log_loss"].mean()
        row["fits warned"] = int(fits["warned"].sum())
        row["median epochs"] = fits["epochs"].median()
        rows[rule] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", nargs="+", choices=list(TABLES), default=list(TABLES))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--csv", help="write every fold's row here")
    args = parser.parse_args(argv)
    rows = []
    for name in args.tables:
        rows += table_rows(name, args.folds)
        print(f"{name} done", file=sys.stderr, flush=True)
        frame = pd.DataFrame(rows)
        if args.csv:
            frame.to_csv(args.csv, index=False)
    with pd.option_context("display.width", 200, "display.max_rows", 100):
        print(summarize(frame).round(4).to_string())


if __name__ == "__main__":
    main()
