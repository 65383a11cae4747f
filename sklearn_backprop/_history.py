"""The estimator's observer of training: loss_curve_, validation figures, history_, verbose.

``FitObserver`` is what the training loops report to for an estimator: it
hands each epoch to the estimator to record in its fitted attributes, scores
the validation set, prints with ``verbose`` and passes the epochs on to
``sklearn.callback`` (``_callbacks``). The other functions return the
attributes' values; the estimator sets them.
"""

import numpy as np

from ._training import Observer

HISTORY_COLUMNS = [
    "epoch",
    "train_loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "seconds",
]


def new_history(early_stopping):
    """The record of a newly initialised network; ``best_loss_`` is None under early stopping."""
    return {
        "n_iter_": 0, "loss_curve_": [], "best_loss_": None if early_stopping else np.inf,
        "validation_scores_": None, "validation_loss_curve_": None,
        "best_validation_score_": None, "_history_rows": [],
    }  # fmt: skip


def call_start(fitted, has_validation, early_stopping):
    """What a call to fit or partial_fit changes as it begins, from the ``fitted`` attributes.

    It counts its epochs from 0 and opens the validation lists.
    """
    changes = {"n_iter_": 0}
    if has_validation and fitted["validation_scores_"] is None:
        changes.update(validation_scores_=[], validation_loss_curve_=[])
        changes["best_validation_score_"] = -np.inf
    if early_stopping:
        changes["best_loss_"] = None  # as in MLPClassifier: the validation score is what counts
    elif fitted["best_loss_"] is None:  # early stopping switched off for a warm start
        changes["best_loss_"] = min(fitted["loss_curve_"], default=np.inf)
    return changes


class FitObserver(Observer):
    """Hands each epoch to the estimator's ``record`` and to the callbacks' ``reporter``.

    ``evaluate()`` gives the validation loss and score (None: no validation
    set); ``record(figures)`` takes one epoch's figures (the ``history_``
    columns but ``epoch``) and returns its ``history_`` row.
    """

    def __init__(self, reporter, evaluate, record, *, verbose):
        self.reporter, self.evaluate, self.record = reporter, evaluate, record
        self.verbose = verbose
        self.has_validation = evaluate is not None

    def epoch_begin(self):
        self.reporter.epoch_begin()

    def validate(self):
        return None if self.evaluate is None else self.evaluate()

    def epoch_end(self, train_loss, validation_loss, validation_score, seconds, learning_rate):
        figures = [train_loss, validation_loss, validation_score, learning_rate, seconds]
        row = self.record(dict(zip(HISTORY_COLUMNS[1:], figures, strict=True)))
        if self.verbose:
            _print_epoch(row, not np.isnan(validation_loss))
        return self.reporter.epoch_end()

    def finish(self):
        self.reporter.finish()

    def finite_score(self, loss_watched=False):
        """The validation score (or loss) of the weights as they are; None where loss overflows."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, score = self.evaluate()
        if not np.isfinite(loss):
            return None
        return loss if loss_watched else score


def _print_epoch(row, has_validation):
    line = f"Iteration {row['epoch']}, loss = {row['train_loss']:.8f}"
    if has_validation:
        line += (
            f", validation loss = {row['validation_loss']:.8f}, "
            f"validation score = {row['validation_score']:.6f}"
        )
    print(f"{line} ({row['seconds']:.3f} s)")


def history_frame(rows):
    """``history_``: the rows as a pandas DataFrame (pandas imported only when asked for)."""
    import pandas as pd

    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)
