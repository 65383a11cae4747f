"""Training: the settings, the mini-batch loop, stopping and divergence (L-BFGS: ``_lbfgs``).

The estimator reads its hyper-parameters once into a ``TrainingSettings``;
the loops take that object, the parameters (``coefs + intercepts``, updated in
place), a ``gradient`` function of the core, and one ``Observer`` to report
each epoch to (history, callbacks, validation scoring and Ctrl-C are the
observer's business). They know nothing about estimators or input validation.
"""

import math
import time
from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from functools import partial
from numbers import Integral

import numpy as np

from ._dropout import dropout_rates
from ._interrupt import sigint_as_flag
from ._optimizers import SGD, Adam
from ._warn import warn_at_caller
from ._xp import all_finite, copy, device_of, namespace


class TrainingDivergedError(ValueError):
    """Training produced non-finite loss or weights, or outputs that overflow on validation data.

    Typically a learning rate far too large. With ``mlp_parity=True``, which
    trains on the input and a regressor's target as given, also unscaled
    features, or an unscaled target, which the message then names; by default
    both are standardized first. Raised by ``fit`` and ``partial_fit``; a
    ``ValueError``. The model keeps the weights of the epoch (for
    ``solver='lbfgs'``, the iteration) before.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_backprop import BackpropClassifier, TrainingDivergedError
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = BackpropClassifier(solver="sgd", activation="identity", learning_rate_init=1e3,
    ...                          max_iter=500, n_iter_no_change=1000)
    >>> try:
    ...     clf.fit(X, y)
    ... except TrainingDivergedError as error:
    ...     print(str(error)[:26])
    Training diverged in epoch
    """


# 'auto': a hold-out for early stopping from this many training samples on, and a
# budget of epochs that the training-loss rule stops before on nearly every table
# of benchmarks/tabular.py. Below it a hold-out costs small tables data; from 2,000
# rows it costs at most 0.008 there, and without it 1,000 epochs overfit a noisy
# 3,000-row table (wages_males: R² 0.02 against 0.26; docs/benchmarks.md).
AUTO_HOLD_OUT_SAMPLES = 2_000
AUTO_MAX_EPOCHS = 1000
# Early stopping on the validation loss waits at least this many optimizer steps:
# a sigmoid network's validation loss rises for tens of steps before it falls.
MIN_PATIENCE_STEPS = 100


@dataclass(frozen=True)
class TrainingSettings:
    """The hyper-parameters that shape training, read once from an estimator's parameters."""

    hidden_layer_sizes: tuple
    activation: str
    loss: str
    solver: str
    alpha: float
    batch_size: object
    learning_rate: str
    learning_rate_init: float
    power_t: float
    max_iter: object  # an int, or 'auto' until ``for_fit`` decides
    shuffle: bool
    random_state: object
    tol: float
    verbose: object
    warm_start: bool
    momentum: float
    nesterovs_momentum: bool
    early_stopping: object  # a bool, or 'auto' until ``for_fit`` decides
    validation_fraction: float
    beta_1: float
    beta_2: float
    epsilon: float
    n_iter_no_change: object
    max_fun: int
    on_interrupt: str
    dropout: object
    input_dropout: float
    mlp_parity: bool
    warns_at_budget: bool = True  # False where the 'auto' budget is part of the stopping rule

    @classmethod
    def from_params(cls, params):
        """Settings from ``estimator.get_params()``; checks ``hidden_layer_sizes``."""
        settings = {field.name: params[field.name] for field in fields(cls) if field.name in params}
        sizes = settings["hidden_layer_sizes"]
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(isinstance(size, Integral) and size > 0 for size in sizes):
            raise ValueError(
                "hidden_layer_sizes must hold positive integers, got "
                f"{params['hidden_layer_sizes']!r}."
            )
        settings["hidden_layer_sizes"] = tuple(int(size) for size in sizes)
        settings["dropout"] = dropout_rates(settings["dropout"], len(sizes))
        dropping = any(settings["dropout"]) or settings["input_dropout"] > 0
        if settings["solver"] == "lbfgs" and dropping:
            raise ValueError(
                "dropout and input_dropout need solver='sgd' or 'adam': L-BFGS needs a "
                "deterministic objective, and dropout draws new masks for every batch."
            )
        return cls(**settings)

    @property
    def monitors_validation_loss(self):
        """Early stopping watches the validation loss; MLPClassifier's watches its score."""
        return not self.mlp_parity

    def for_fit(self, n_samples, user_validation, incremental):
        """The settings of one call, with 'auto' decided for its data (see ``AUTO_*``).

        ``early_stopping='auto'`` holds out a validation set on large data only
        (so small fits keep every row), and stops on the user's ``X_val`` when
        given; ``max_iter='auto'`` is a budget of ``AUTO_MAX_EPOCHS`` epochs
        that ends training without a ConvergenceWarning: where the training
        loss is still improving by ``tol`` after it, the test loss no longer is.
        ``mlp_parity`` gives MLPClassifier's values, False and 200.
        """
        stochastic = self.solver != "lbfgs"
        early_stopping, max_iter = self.early_stopping, self.max_iter
        if isinstance(early_stopping, str):  # 'auto'
            large = n_samples >= AUTO_HOLD_OUT_SAMPLES
            early_stopping = not (self.mlp_parity or incremental) and (user_validation or large)
        auto_budget = isinstance(max_iter, str)
        if auto_budget:
            max_iter = AUTO_MAX_EPOCHS if stochastic and not self.mlp_parity else 200
        return replace(
            self, early_stopping=bool(early_stopping), max_iter=max_iter,
            warns_at_budget=not (auto_budget and stochastic and not self.mlp_parity),
        )  # fmt: skip

    def patience(self, batches_per_epoch, on_validation):
        """Epochs without improvement that stop training: ``n_iter_no_change``, or more.

        Early stopping on the validation loss waits ``MIN_PATIENCE_STEPS``
        optimizer steps at least, however few batches an epoch has.
        """
        if self.mlp_parity or not on_validation:
            return self.n_iter_no_change
        return max(self.n_iter_no_change, math.ceil(MIN_PATIENCE_STEPS / batches_per_epoch))

    def dropout_rates(self):
        """The dropout rate of each layer's input (X first), or None without dropout."""
        rates = [self.input_dropout, *self.dropout]
        return rates if any(rates) else None

    def optimizer(self):
        """The mini-batch optimizer of ``solver`` (None for 'lbfgs')."""
        if self.solver == "sgd":
            return SGD(
                self.learning_rate_init, momentum=self.momentum,
                nesterovs_momentum=self.nesterovs_momentum, schedule=self.learning_rate,
                power_t=self.power_t,
            )  # fmt: skip
        if self.solver == "adam":
            return Adam(
                self.learning_rate_init, beta_1=self.beta_1, beta_2=self.beta_2,
                epsilon=self.epsilon,
            )  # fmt: skip
        return None

    def batch_size_for(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warn_at_caller(
                f"batch_size={self.batch_size} is larger than the {n_samples} samples; "
                f"using batches of {n_samples}."
            )
        return min(self.batch_size, n_samples)


class Observer:
    """What a training loop reports to. This one records nothing; estimators extend it.

    ``validate()`` gives the validation loss and score of the weights as they
    stand, or None without a validation set; ``epoch_end`` gets one epoch's
    figures and returns whether to stop. ``listening()`` turns Ctrl-C into
    ``interrupted`` for its duration.
    """

    has_validation = False
    _interrupt = None

    def epoch_begin(self):
        pass

    def validate(self):
        return None

    def epoch_end(self, train_loss, validation_loss, validation_score, seconds, learning_rate):
        return False

    @contextmanager
    def listening(self):
        """Within the block, Ctrl-C sets ``interrupted`` instead of raising (``_interrupt``)."""
        with sigint_as_flag() as interrupt:
            self._interrupt = interrupt
            yield self

    @property
    def interrupted(self):
        return self._interrupt is not None and self._interrupt.requested


class StoppingRule:
    """MLPClassifier's patience rule on a monitored value (a loss or a score).

    An epoch counts as no improvement unless it beats the best value so far by
    more than ``tol``; training should stop after more than
    ``n_iter_no_change`` such epochs in a row.
    """

    def __init__(self, tol, n_iter_no_change, higher_is_better):
        self.tol = tol
        self.n_iter_no_change = n_iter_no_change
        self.sign = 1.0 if higher_is_better else -1.0
        self.best = -np.inf  # of sign * value
        self.no_improvement_count = 0

    def update(self, value):
        """Record one epoch's value; return whether it is the best so far."""
        signed = self.sign * value
        if signed < self.best + self.tol:
            self.no_improvement_count += 1
        else:
            self.no_improvement_count = 0
        is_best = signed > self.best
        self.best = max(self.best, signed)
        return is_best

    @property
    def should_stop(self):
        return self.no_improvement_count > self.n_iter_no_change


# What a user can do about a divergence, by solver: L-BFGS has no learning rate.
REMEDY = "Try a smaller learning_rate_init, or scale the input features (e.g. with StandardScaler)."
LBFGS_REMEDY = "Try scaling the input features (e.g. with StandardScaler), or a larger alpha."
NON_FINITE = "the loss or the weights became infinite or NaN"
VALIDATION_OVERFLOW = (
    "the network's output on the validation data overflowed (its loss is not finite); "
    "scale the validation data as the training data"
)


def diverged(where, what=NON_FINITE, remedy=REMEDY):
    """The error for a divergence in ``where`` ("epoch 3", "iteration 0")."""
    return TrainingDivergedError(
        f"Training diverged in {where}: {what}. The model keeps the weights of the one "
        f"before. {remedy}"
    )


def assign(params, values):
    for param, value in zip(params, values, strict=True):
        param[...] = value


def validation_figures(observer):
    figures = observer.validate()
    return (np.nan, np.nan) if figures is None else figures


def train_epochs(run, settings, observer, *, max_epochs, samples_seen, start_score=None):
    """Run up to ``max_epochs`` epochs of ``run`` (a ``MiniBatchRun``); params change in place.

    The StoppingRule watches the validation loss with ``early_stopping``
    (and a validation set; its score with ``mlp_parity``, as MLPClassifier),
    the training loss otherwise; when it fires, the optimizer's schedule may
    lower the rate and go on. With early stopping the params end at the best
    epoch; ``start_score``, the watched value of the weights training starts
    from, makes them a candidate too.

    Returns whether training stopped before ``max_epochs``. Raises
    TrainingDivergedError, with the last finite epoch's weights, and
    KeyboardInterrupt on Ctrl-C, with the weights training would end with
    there: the last completed epoch's, or with early stopping the best one's.
    """
    params, n_samples = run.params, run.X.shape[0]
    optimizer, state = run.optimizer, run.state
    xp = namespace(params[0])
    early_stopping = settings.early_stopping and observer.has_validation
    by_score = early_stopping and not settings.monitors_validation_loss
    patience = settings.patience(math.ceil(n_samples / run.batch_size), early_stopping)
    stopping = StoppingRule(settings.tol, patience, higher_is_better=by_score)
    best = _Best(params, stopping, start_score if early_stopping else None)
    order = np.arange(n_samples) if settings.shuffle else None
    with observer.listening(), _best_on_interrupt(best, params):
        for epoch in range(1, max_epochs + 1):
            observer.epoch_begin()
            started = time.perf_counter()
            if settings.shuffle:
                run.rng.shuffle(order)  # shuffle indices, not the data: X is never copied
            # The same NumPy random stream in every namespace: the same batches.
            epoch_order = (
                order if order is None or xp is np else xp.asarray(order, device=device_of(run.X))
            )
            loss, figures = _epoch_or_restore(epoch, params, observer, partial(
                run.epoch, epoch_order, lambda: observer.interrupted
            ))  # fmt: skip
            samples_seen += n_samples
            learning_rate = state["learning_rate"]
            optimizer.epoch_ends(state, samples_seen)
            seconds = time.perf_counter() - started
            stop_requested = observer.epoch_end(loss, *figures, seconds, learning_rate)
            watched = (figures[1] if by_score else figures[0]) if early_stopping else loss
            if stopping.update(watched) and early_stopping:
                best.keep(params)
            if stop_requested or (stopping.should_stop and not optimizer.stalled(state)):
                break
            if stopping.should_stop:
                stopping.no_improvement_count = 0
        else:
            best.restore(params)
            return False
    best.restore(params)
    return True


@contextmanager
def _best_on_interrupt(best, params):
    """On Ctrl-C, the best epoch's weights where early stopping keeps one, as at the end."""
    try:
        yield
    except KeyboardInterrupt:
        best.restore(params)
        raise


class _Best:
    """The weights of the best validation score so far, for early stopping."""

    def __init__(self, params, stopping, start_score):
        self.values = None
        if start_score is not None:
            stopping.best = stopping.sign * start_score
            self.keep(params)

    def keep(self, params):
        xp = namespace(params[0])
        self.values = [copy(xp, param) for param in params]

    def restore(self, params):
        if self.values is not None:
            assign(params, self.values)


def _epoch_or_restore(epoch, params, observer, run):
    """``run()`` one epoch, then validate it; on Ctrl-C or divergence put ``params`` back, raise.

    Returns the epoch's loss and the validation loss and score (NaN without
    a validation set).
    """
    xp = namespace(params[0])
    last_good = [copy(xp, param) for param in params]
    figures = (np.nan, np.nan)
    try:
        # Overflow warnings on the way to inf give way to the one clear error below.
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss = run()
            finite = np.isfinite(loss) and all(all_finite(xp, param) for param in params)
            if finite:
                figures = validation_figures(observer)
        if observer.interrupted:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        assign(params, last_good)  # the weights of the last completed epoch
        raise
    if not finite:
        assign(params, last_good)
        raise diverged(f"epoch {epoch}")
    if observer.has_validation and not np.isfinite(figures[0]):
        # Finite weights whose outputs overflow on the validation data.
        assign(params, last_good)
        raise diverged(f"epoch {epoch}", VALIDATION_OVERFLOW)
    return loss, figures
