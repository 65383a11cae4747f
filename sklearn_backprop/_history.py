"""The estimator's observer of training: loss_curve_, validation figures, history_, verbose.

``FitObserver`` is what the training loops report to for an estimator: it
records each epoch in the fitted attributes, scores the validation set,
prints with ``verbose`` and passes the epochs on to ``sklearn.callback``
(``_callbacks``).
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


def reset_history(estimator, early_stopping):
    """The record of a newly initialised network; ``best_loss_`` is None under early stopping."""
    estimator.n_iter_ = 0
    estimator.loss_curve_ = []
    estimator.best_loss_ = None if early_stopping else np.inf
    estimator.validation_scores_ = None
    estimator.validation_loss_curve_ = None
    estimator.best_validation_score_ = None
    estimator._history_rows = []


def start_call(estimator, has_validation, early_stopping):
    """A call to fit or partial_fit begins: count its epochs from 0, open the validation lists."""
    estimator.n_iter_ = 0
    if has_validation and estimator.validation_scores_ is None:
        estimator.validation_scores_ = []
        estimator.validation_loss_curve_ = []
        estimator.best_validation_score_ = -np.inf
    if early_stopping:
        estimator.best_loss_ = None  # as in MLPClassifier: the validation score is what counts
    elif estimator.best_loss_ is None:  # early stopping switched off for a warm start
        estimator.best_loss_ = min(estimator.loss_curve_, default=np.inf)


class FitObserver(Observer):
    """Records each epoch on ``estimator`` and reports it to the callbacks' ``reporter``.

    ``evaluate()`` gives the validation loss and score (None: no validation
    set); ``samples_per_epoch`` is added to ``t_`` after each epoch (0 for
    L-BFGS, which counts no samples).
    """

    def __init__(self, estimator, reporter, evaluate, *, verbose, samples_per_epoch):
        self.estimator, self.reporter, self.evaluate = estimator, reporter, evaluate
        self.verbose, self.samples_per_epoch = verbose, samples_per_epoch
        self.has_validation = evaluate is not None

    def epoch_begin(self):
        self.reporter.epoch_begin()

    def validate(self):
        return None if self.evaluate is None else self.evaluate()

    def epoch_end(self, train_loss, validation_loss, validation_score, seconds, learning_rate):
        self._record(train_loss, validation_loss, validation_score, seconds, learning_rate)
        return self.reporter.epoch_end()

    def finish(self):
        self.reporter.finish()

    def _record(self, train_loss, validation_loss, validation_score, seconds, learning_rate):
        estimator = self.estimator
        estimator.t_ += self.samples_per_epoch
        estimator.n_iter_ += 1
        estimator.loss_curve_.append(train_loss)
        estimator.loss_ = train_loss
        if estimator.best_loss_ is not None:
            estimator.best_loss_ = min(estimator.best_loss_, train_loss)
        has_validation = not np.isnan(validation_loss)
        if has_validation:
            estimator.validation_loss_curve_.append(validation_loss)
            estimator.validation_scores_.append(validation_score)
            estimator.best_validation_score_ = max(
                estimator.best_validation_score_, validation_score
            )
        figures = [len(estimator.loss_curve_), train_loss, validation_loss, validation_score]
        row = dict(zip(HISTORY_COLUMNS, [*figures, learning_rate, seconds], strict=True))
        estimator._history_rows.append(row)
        if self.verbose:
            _print_epoch(row, has_validation)


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
