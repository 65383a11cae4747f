"""Reporting a fit's epochs to scikit-learn's callbacks (``sklearn.callback``, 1.9+).

``fit`` is one task whose subtasks are the epochs (L-BFGS iterations for
``solver='lbfgs'``). A callback sees each epoch begin and end, can score the
model as it stands after the epoch (``fitted_estimator``), and can ask
training to stop by returning True from ``on_fit_task_end``. On an older
scikit-learn the estimator trains as always and ``set_callbacks`` says what
it needs.
"""

import sklearn

from ._device import input_namespace
from ._scaling import fold
from ._xp import copy, move, namespace

try:
    from sklearn.callback import CallbackSupportMixin

    CALLBACKS_AVAILABLE = True
except ImportError:  # scikit-learn < 1.9
    CALLBACKS_AVAILABLE = False

    class CallbackSupportMixin:
        """Stands in for sklearn.callback.CallbackSupportMixin before scikit-learn 1.9."""

        def set_callbacks(self, *callbacks):
            """Callbacks need scikit-learn 1.9 or newer; this raises ImportError."""
            raise ImportError(
                "Callbacks (sklearn.callback) need scikit-learn >= 1.9; scikit-learn "
                f"{sklearn.__version__} is installed. Upgrade with "
                "pip install 'scikit-learn>=1.9', or train without callbacks."
            )


class EpochReporter:
    """Opens the fit task, then one subtask per epoch, on the estimator's callbacks.

    ``X``, ``y`` and ``sample_weight`` are what the user passed to ``fit``, so
    a scoring callback scores the model on the data as the user sees it.
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs):
        self._estimator = estimator
        self._home = input_namespace(X)  # where the estimator's arrays live after fit
        self._data = {"X": X, "y": y}
        self._data["metadata"] = None if sample_weight is None else {"sample_weight": sample_weight}
        self._context = estimator._init_callback_context(max_subtasks=max_epochs)
        self._context.call_on_fit_task_begin(estimator=estimator, **self._data)
        self._epoch = None

    def _weights(self):
        # Callable, so the copies are only made when a callback asks for the
        # fitted estimator; copies, because training updates the arrays in place;
        # moved to where the data lives (L-BFGS trains on NumPy arrays).
        # Folded as at the end of fit: a callback predicts in the user's units.
        estimator = self._estimator
        xp = namespace(estimator.coefs_[0])
        coefs = [copy(xp, coef) for coef in estimator.coefs_]
        intercepts = [copy(xp, bias) for bias in estimator.intercepts_]
        estimator._fold_targets(coefs, intercepts)
        coefs = [move(coef, *self._home) for coef in coefs]
        intercepts = [move(bias, *self._home) for bias in intercepts]
        if estimator.input_scale_ is not None:  # the copies, made for raw input
            coefs, intercepts = fold(
                coefs, intercepts, estimator.input_mean_, estimator.input_scale_
            )
        return {"coefs_": coefs, "intercepts_": intercepts}

    def epoch_begin(self):
        self._epoch = self._context.subcontext(task_name="epoch")
        self._epoch.call_on_fit_task_begin(
            estimator=self._estimator, reconstruction_attributes=self._weights, **self._data
        )

    def epoch_end(self):
        """End the epoch's task; returns whether a callback asked to stop training."""
        epoch, self._epoch = self._epoch, None
        return epoch.call_on_fit_task_end(
            estimator=self._estimator, reconstruction_attributes=self._weights, **self._data
        )

    def finish(self):
        if self._epoch is not None:
            # L-BFGS opens the next iteration before it knows it is done; that
            # iteration never ran, so it ends as an empty task (as scikit-learn's
            # LogisticRegression does).
            self._epoch.call_on_fit_task_end(estimator=self._estimator)
        self._context.call_on_fit_task_end(
            estimator=self._estimator, reconstruction_attributes=self._weights, **self._data
        )


class SilentReporter:
    """The reporter when callbacks are unavailable (scikit-learn < 1.9) or not wanted."""

    def epoch_begin(self):
        pass

    def epoch_end(self):
        return False

    def finish(self):
        pass


def epoch_reporter(estimator, X, y, sample_weight, max_epochs):
    if not CALLBACKS_AVAILABLE:
        return SilentReporter()
    return EpochReporter(estimator, X, y, sample_weight, max_epochs)
