"""LossCurveDisplay: training curves from ``history_``, in scikit-learn's Display style."""

import numpy as np
from sklearn.utils.validation import check_is_fitted


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "LossCurveDisplay needs matplotlib: pip install 'sklearn-backprop[plot]'"
        ) from error
    return plt


_LOSS_LABELS = {"train_loss": "training loss", "validation_loss": "validation loss"}


class LossCurveDisplay:
    """Training loss, validation loss and validation score per epoch.

    Build it with ``LossCurveDisplay.from_estimator(clf)``, or from a
    ``history_`` DataFrame and call ``plot``. The losses share the left axis;
    the validation score, when there is one, has its own axis on the right.

    Parameters
    ----------
    history : pandas.DataFrame
        A fitted classifier's or regressor's ``history_``.
    name : str, default=None
        Shown in the title.

    Attributes
    ----------
    ax_ : matplotlib Axes
        The axes of the losses.
    score_ax_ : matplotlib Axes or None
        The twin axes of the validation score, if it was drawn.
    figure_ : matplotlib Figure
        The figure holding them.
    lines_ : dict of str to matplotlib Line2D
        The drawn curves, by column of ``history``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_backprop import BackpropClassifier, LossCurveDisplay
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(early_stopping=True, random_state=0)
    >>> display = LossCurveDisplay.from_estimator(clf.fit(X, y))
    >>> sorted(display.lines_)
    ['train_loss', 'validation_loss', 'validation_score']
    """

    def __init__(self, history, *, name=None):
        self.history = history
        self.name = name

    def plot(self, ax=None):
        """Draw the curves on ``ax`` (a new figure's axes by default).

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Where to draw; a new figure by default.

        Returns
        -------
        display : LossCurveDisplay
            This display, with ``ax_``, ``figure_`` and ``lines_`` set.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import pandas as pd
        >>> from sklearn_backprop import LossCurveDisplay
        >>> history = pd.DataFrame({"epoch": [1, 2, 3], "train_loss": [1.0, 0.6, 0.5],
        ...                         "validation_loss": float("nan"),
        ...                         "validation_score": float("nan")})
        >>> sorted(LossCurveDisplay(history).plot().lines_)
        ['train_loss']
        """
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots()
        epochs = self.history["epoch"].to_numpy()
        self.lines_ = {}
        for column, label in _LOSS_LABELS.items():
            values = self.history[column].to_numpy()
            if not np.isnan(values).all():
                (self.lines_[column],) = ax.plot(epochs, values, label=label)
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        self.score_ax_ = None
        scores = self.history["validation_score"].to_numpy()
        if not np.isnan(scores).all():
            self.score_ax_ = ax.twinx()
            (self.lines_["validation_score"],) = self.score_ax_.plot(
                epochs, scores, color="tab:green", label="validation score"
            )
            self.score_ax_.set_ylabel("validation score")
        handles = list(self.lines_.values())
        ax.legend(handles, [line.get_label() for line in handles], loc="best")
        if self.name:
            ax.set_title(self.name)
        self.ax_, self.figure_ = ax, ax.figure
        return self

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None):
        """Plot the curves of a fitted BackpropClassifier or BackpropRegressor.

        Parameters
        ----------
        estimator : BackpropClassifier or BackpropRegressor
            A fitted classifier (validation score: accuracy) or regressor (R²).
        ax : matplotlib Axes, default=None
            Where to draw; a new figure by default.
        name : str, default=None
            The title; the estimator's class name by default.

        Returns
        -------
        display : LossCurveDisplay
            The display, drawn.

        Examples
        --------
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import matplotlib.pyplot as plt
        >>> from sklearn.datasets import load_wine
        >>> from sklearn.preprocessing import scale
        >>> from sklearn_backprop import BackpropClassifier, LossCurveDisplay
        >>> X, y = load_wine(return_X_y=True)
        >>> clf = BackpropClassifier(solver="lbfgs", max_iter=30, random_state=0)
        >>> fig, (left, right) = plt.subplots(1, 2)
        >>> display = LossCurveDisplay.from_estimator(clf.fit(scale(X), y), ax=right)
        >>> display.ax_ is right, display.ax_.get_xlabel()
        (True, 'epoch')
        """
        check_is_fitted(estimator)
        name = type(estimator).__name__ if name is None else name
        return cls(estimator.history_, name=name).plot(ax=ax)
