"""Per-epoch training records: loss_curve_, validation figures, history_ and verbose."""

import numpy as np
from sklearn.utils.validation import check_is_fitted

HISTORY_COLUMNS = [
    "epoch",
    "train_loss",
    "validation_loss",
    "validation_score",
    "learning_rate",
    "seconds",
]


class HistoryMixin:
    """Keeps the record of every epoch since the network was initialised."""

    def _reset_history(self):
        self.n_iter_ = 0
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self.validation_scores_ = None
        self.validation_loss_curve_ = None
        self.best_validation_score_ = None
        self._history_rows = []

    def _start_call(self, validation):
        """A call to fit or partial_fit begins; ``validation``: it has a validation set."""
        self.n_iter_ = 0
        if validation and self.validation_scores_ is None:
            self.validation_scores_ = []
            self.validation_loss_curve_ = []
            self.best_validation_score_ = -np.inf

    def _record_epoch(
        self, train_loss, validation_loss, validation_score, seconds, *, learning_rate
    ):
        self.n_iter_ += 1
        self.loss_curve_.append(train_loss)
        self.loss_ = train_loss
        self.best_loss_ = min(self.best_loss_, train_loss)
        has_validation = not np.isnan(validation_loss)
        if has_validation:
            self.validation_loss_curve_.append(validation_loss)
            self.validation_scores_.append(validation_score)
            self.best_validation_score_ = max(self.best_validation_score_, validation_score)
        row = dict(
            zip(
                HISTORY_COLUMNS,
                [
                    len(self.loss_curve_),
                    train_loss,
                    validation_loss,
                    validation_score,
                    learning_rate,
                    seconds,
                ],
                strict=True,
            )
        )
        self._history_rows.append(row)
        if self.verbose:
            line = f"Iteration {row['epoch']}, loss = {train_loss:.8f}"
            if has_validation:
                line += (
                    f", validation loss = {validation_loss:.8f}, "
                    f"validation score = {validation_score:.6f}"
                )
            print(f"{line} ({seconds:.3f} s)")

    @property
    def history_(self):
        """One row per epoch: losses, validation score, learning rate, seconds."""
        check_is_fitted(self)
        import pandas as pd  # imported here: only this attribute needs pandas

        return pd.DataFrame(self._history_rows, columns=HISTORY_COLUMNS)
