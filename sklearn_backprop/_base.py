"""The scikit-learn layer that BackpropClassifier and BackpropRegressor share.

Parameters and their constraints, the fit / partial_fit / warm_start flow,
pickling, tags and the Array API device policy. A head (``_classifier``,
``_regressor``) adds its targets (``_new_targets``, ``_model_targets``), its
output and its ``predict``; the fit flow reads the parameters once into a
``TrainingSettings`` and hands the rest to ``_data`` and ``_training``.
"""

import itertools
from contextlib import contextmanager
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ._callbacks import CallbackSupportMixin, SilentReporter, epoch_reporter
from ._compat import Interval, Options, StrOptions
from ._dask_input import is_dask_collection
from ._data import hold_out, prepare
from ._device import check_same_namespace, input_namespace, location, move_classes, move_weights
from ._dropout import DropoutSampler
from ._fastpaths import pack
from ._history import FitObserver, history_frame, reset_history, start_call
from ._lbfgs import train_lbfgs
from ._losses import loss_value
from ._network import init_params, loss_and_gradients, network_output
from ._training import TrainingSettings, mini_batch_run, train_epochs
from ._version import VersionedPickleMixin
from ._warn import warn_at_caller
from ._xp import namespace, numpy_dtype, to_numpy

SHARED_CONSTRAINTS = {
    "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
    "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
    "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
    "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "power_t": [Interval(Real, 0, None, closed="left")],
    "max_iter": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "tol": [Interval(Real, 0, None, closed="left")],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "early_stopping": ["boolean", StrOptions({"auto"})],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
    "max_fun": [Interval(Integral, 1, None, closed="left")],
    "on_interrupt": [StrOptions({"raise", "stop"})],
    "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    "input_dropout": [Interval(Real, 0, 1, closed="left")],
    "mlp_parity": ["boolean"],
}


@contextmanager
def _restored_on_failure(estimator):
    """Put every attribute back if the block raises: a failed fit leaves the model as it was.

    The fit's set-up only rebinds attributes, so a shallow copy is enough.
    """
    before = dict(vars(estimator))
    try:
        yield
    except BaseException:
        vars(estimator).clear()
        vars(estimator).update(before)
        raise


class BackpropEstimator(CallbackSupportMixin, VersionedPickleMixin, BaseEstimator):
    """What both estimators share; a head supplies its targets, output and predict."""

    def __setstate__(self, state):
        super().__setstate__(state)
        # A pickle stores each weight array on its own: packed again now, they
        # are the arrays that training updates, as before pickling.
        if hasattr(self, "coefs_") and namespace(*self.coefs_) is np:
            self._pack_weights()

    def __sklearn_is_fitted__(self):
        # Faster than check_is_fitted's scan of every attribute's name.
        return hasattr(self, "coefs_") and hasattr(self, "n_outputs_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.array_api_support = True
        return tags

    @property
    def history_(self):
        """One row per epoch: losses, validation score, learning rate, seconds."""
        check_is_fitted(self)
        return history_frame(self._history_rows)

    def _pack_weights(self):
        """Make the NumPy weights views of one array (``_fastpaths.pack``); a no-op if they are."""
        params = pack(self.coefs_ + self.intercepts_)[1]
        self.coefs_, self.intercepts_ = params[: len(self.coefs_)], params[len(self.coefs_) :]

    def _validation_arguments(self, X_val, y_val, sample_weight_val):
        if (X_val is None) != (y_val is None):
            raise ValueError("X_val and y_val must be given together.")
        if sample_weight_val is not None and X_val is None:
            raise ValueError("sample_weight_val was given without X_val and y_val.")
        return None if X_val is None else (X_val, y_val, sample_weight_val)

    def _partial_fit_is_possible(self):
        """What ``available_if`` asks before offering ``partial_fit``."""
        if self.solver == "lbfgs":
            raise AttributeError(
                "partial_fit needs a stochastic solver ('sgd' or 'adam'); "
                "'lbfgs' always works on the whole data set."
            )
        return True

    def _check_partial_fit(self):
        if not isinstance(self.early_stopping, str) and self.early_stopping:  # 'auto' holds none
            raise ValueError(
                "partial_fit does not support early_stopping=True: it runs one epoch on "
                "the data it is given, with nothing held out."
            )

    # -- fit ------------------------------------------------------------------

    def _fit(self, X, y, sample_weight, *, incremental, classes=None, validation=None):
        if is_dask_collection(X) or is_dask_collection(y):  # data spread over a cluster
            from ._distributed import fit_on_cluster

            return fit_on_cluster(self, X, y, sample_weight, classes, validation, incremental)
        settings = TrainingSettings.from_params(self.get_params(deep=False)).for_fit(
            _num_samples(X), validation is not None, incremental
        )
        given = (X, y, sample_weight)  # what callbacks score the model on
        xp, device = input_namespace(X)
        X, y, sample_weight = to_numpy(X), to_numpy(y), to_numpy(sample_weight)
        if validation is not None:
            validation = tuple(to_numpy(array) for array in validation)
        resume = (incremental or settings.warm_start) and hasattr(self, "coefs_")
        with _restored_on_failure(self):
            rng = check_random_state(self.random_state)
            data = self._set_up(
                settings, X, y, sample_weight, validation, classes, resume, incremental, rng
            )
            train, validation_data = self._split(settings, data, incremental, rng)
        with self._in_training_units(resume):
            self._train_where_X_lives(
                settings, train, validation_data, given, (xp, device), rng,
                incremental=incremental, resume=resume, user_validation=validation is not None,
            )  # fmt: skip
        return self

    def _set_up(self, settings, X, y, sample_weight, validation, classes, resume, incremental, rng,
                prepare=prepare):  # fmt: skip
        """Validate the data; initialise the network, or check the one to resume from.

        ``prepare``: ``_data.prepare``, or ``_distributed``'s for data on a cluster.
        """
        fitted_names = ["n_outputs_", *self._new_targets().fitted_attributes()]  # classes_, ...
        fitted = resume and all(hasattr(self, name) for name in fitted_names)  # not set by hand
        targets = self._model_targets() if fitted else self._new_targets()
        data = prepare(
            self, X, y, sample_weight, validation, targets,
            dtype=self._weights_dtype() if resume else (np.float64, np.float32),
            reset=not fitted, learn=not fitted, classes=classes,
            warm_start=settings.warm_start, incremental=incremental,
        )  # fmt: skip
        n_features = data.train.X.shape[1]
        if not fitted:
            for name, value in targets.fitted_attributes().items():
                setattr(self, name, value)
            self.out_activation_ = targets.out_activation(settings.loss)
        if resume:
            self._check_weight_shapes(n_features, settings.hidden_layer_sizes, targets.n_outputs)
        if not resume:
            layer_units = [n_features, *settings.hidden_layer_sizes, targets.n_outputs]
            self.coefs_, self.intercepts_ = init_params(
                layer_units, settings.activation, rng, data.train.X.dtype
            )
        if not fitted:
            self._start_network(targets.n_outputs, settings, data.train.X.dtype)
        self._start_optimizer(settings, restart=not incremental or not self._continues(settings))
        return data

    @contextmanager
    def _in_training_units(self, resume):
        """Within the block, the weights in the units training uses (a head may train in others).

        ``resume``: the weights are a fitted model's, in the units ``predict`` uses.
        """
        yield

    def _fold_targets(self, coefs, intercepts):
        """Copies of weights in training units made the ones ``predict`` uses (callbacks' view)."""

    def _weights_dtype(self):
        return numpy_dtype(np.asarray(to_numpy(self.coefs_[0])).dtype)

    def _start_network(self, n_outputs, settings, dtype):
        self.coefs_ = [np.asarray(to_numpy(coef), dtype=dtype) for coef in self.coefs_]
        self.intercepts_ = [np.asarray(to_numpy(b), dtype=dtype) for b in self.intercepts_]
        self._pack_weights()
        self.n_layers_ = len(self.coefs_) + 1
        self.n_outputs_ = n_outputs
        self.t_ = 0
        self._optimizer_state = {"solver": None}
        reset_history(self, settings.early_stopping and settings.solver != "lbfgs")

    def _continues(self, settings):
        # partial_fit continues the optimizer's state unless the solver changed.
        return self._optimizer_state.get("solver") == settings.solver

    def _start_optimizer(self, settings, restart):
        # The state records its solver, so that changing solver between calls
        # to partial_fit starts a new one instead of misreading the old.
        if not restart:
            return
        optimizer = settings.optimizer()
        state = {} if optimizer is None else optimizer.init_state(self.coefs_ + self.intercepts_)
        self._optimizer_state = {**state, "solver": settings.solver}

    def _check_weight_shapes(self, n_features, hidden_layer_sizes, n_outputs):
        layer_units = [n_features, *hidden_layer_sizes, n_outputs]
        expected = list(itertools.pairwise(layer_units))
        found = [tuple(np.shape(coef)) for coef in self.coefs_]
        found_biases = [tuple(np.shape(bias)) for bias in self.intercepts_]
        if found != expected or found_biases != [(units,) for units in layer_units[1:]]:
            raise ValueError(
                f"coefs_ have shapes {found} and intercepts_ {found_biases}, but "
                f"hidden_layer_sizes and the data ask for {expected}; fit with "
                "warm_start=False to start over with the new architecture."
            )

    def _split(self, settings, data, incremental, rng):
        """The training set, and the validation set (the user's, held out, or None)."""
        hold = settings.early_stopping and not incremental and settings.solver != "lbfgs"
        if data.validation is None and hold:
            # After the weights' initialisation, as in MLPClassifier, so that
            # the same random_state holds out the same samples.
            stratify = self._model_targets().stratify(data.train.Y)
            return hold_out(data.train, settings.validation_fraction, rng, stratify)
        return data.train, data.validation

    # -- training -------------------------------------------------------------

    def _train_where_X_lives(self, settings, train, validation, given, where, rng, *,
                             incremental, resume, user_validation):  # fmt: skip
        """Move the model to where training runs, train, and leave it where X lives."""
        xp, device = where
        train_xp = np if settings.solver == "lbfgs" else xp  # L-BFGS is scipy's: NumPy
        # Back where they were if anything fails before training starts.
        home = location(self.coefs_[0]) if resume else where
        try:
            move_classes(self, xp, device)
            move_weights(self, train_xp, device)
            train = train.moved(train_xp, device)
            evaluate = None
            if validation is not None:
                validation = validation.moved(train_xp, device)
                evaluate = partial(
                    self._evaluate, validation.X, validation.Y, validation.sample_weight
                )
            # partial_fit is one step of the user's own loop: callbacks follow fit only.
            reporter = (
                SilentReporter()
                if incremental
                else epoch_reporter(self, *given, settings.max_iter + (settings.solver == "lbfgs"))
            )
            home = where
            observer = FitObserver(
                self, reporter, evaluate, verbose=settings.verbose,
                samples_per_epoch=0 if settings.solver == "lbfgs" else train.X.shape[0],
            )  # fmt: skip
            start_score = None
            if resume and user_validation and settings.early_stopping and not incremental:
                # A warm start scored on the user's fixed validation set: its
                # weights compete with the epochs'. On a random hold-out they
                # would be scored on samples they were trained on.
                start_score = _finite_score(evaluate, settings.monitors_validation_loss)
            self._train(settings, train, observer, rng, incremental, start_score)
            if self._stops_early(settings, observer) and settings.monitors_validation_loss:
                # The score of the epoch kept for its validation loss.
                self.best_validation_score_ = _finite_score(evaluate, loss_watched=False)
        finally:
            move_weights(self, *home)
            move_classes(self, *home)
        observer.finish()

    def _train(self, settings, train, observer, rng, incremental, start_score, gradient=None):
        start_call(self, observer.has_validation, self._stops_early(settings, observer))
        try:
            if settings.solver == "lbfgs":
                self._fit_lbfgs(settings, train, observer, gradient)
            else:
                self._fit_stochastic(settings, train, observer, rng, incremental, start_score)
        except KeyboardInterrupt:
            if settings.on_interrupt == "raise":
                raise
            warn_at_caller(
                f"Training interrupted after {self.n_iter_} epoch(s); the model holds "
                "the weights of the last completed one.",
                UserWarning,
            )

    @staticmethod
    def _stops_early(settings, observer):
        return settings.early_stopping and settings.solver != "lbfgs" and observer.has_validation

    def _gradient(self, settings):
        return partial(
            loss_and_gradients, activation=settings.activation,
            out_activation=self.out_activation_, loss=settings.loss, alpha=settings.alpha,
        )  # fmt: skip

    def _fit_stochastic(self, settings, train, observer, rng, incremental, start_score):
        optimizer, state = settings.optimizer(), self._optimizer_state
        if namespace(self.coefs_[0]) is np:
            self._pack_weights()  # already packed, unless moved or replaced since
        rates = settings.dropout_rates()
        run = mini_batch_run(
            train.X, train.Y, train.sample_weight, self.coefs_ + self.intercepts_,
            gradient=self._gradient(settings), optimizer=optimizer, state=state,
            batch_size=settings.batch_size_for(train.X.shape[0]),
            dropout=None if rates is None else DropoutSampler(rates, rng, self.coefs_),
        )  # fmt: skip
        stopped_early = train_epochs(
            run, settings, optimizer, state, observer, rng,
            max_epochs=1 if incremental else settings.max_iter, samples_seen=self.t_,
            start_score=start_score,
        )  # fmt: skip
        by_score = not settings.monitors_validation_loss
        if self._stops_early(settings, observer) and start_score is not None and by_score:
            # The weights it started from may have won.
            self.best_validation_score_ = max(self.best_validation_score_, start_score)
        if not incremental and not stopped_early and settings.warns_at_budget:
            warn_at_caller(
                f"Stochastic optimizer: maximum iterations ({settings.max_iter}) reached and "
                "the optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    def _fit_lbfgs(self, settings, train, observer, gradient=None):
        """``gradient``: the core's on the data in memory, or ``_distributed``'s on a cluster."""
        result = train_lbfgs(
            train.X, train.Y, train.sample_weight, self.coefs_ + self.intercepts_,
            gradient=gradient or self._gradient(settings), settings=settings, observer=observer,
            workspace=gradient is None,
        )  # fmt: skip
        # The final loss, also when L-BFGS stopped before its first iteration.
        self.loss_ = float(result.fun)
        self.best_loss_ = min(self.best_loss_, self.loss_)
        if not result.success and not result.stop_requested:
            warn_at_caller(
                f"lbfgs failed to converge after {result.nit} iterations "
                f"({result.message}). Increase max_iter or max_fun, or scale the data.",
                ConvergenceWarning,
            )

    def _evaluate(self, X_val, Y_val, sample_weight_val):
        """The validation loss (no penalty) and score of the current weights."""
        output = network_output(
            X_val, self.coefs_, self.intercepts_, self.activation, self.out_activation_
        )
        loss = loss_value(self.loss, self.out_activation_, Y_val, output, sample_weight_val)
        return loss, self._model_targets().score(Y_val, output, sample_weight_val)

    # -- prediction -----------------------------------------------------------

    def _raw_output(self, X, method):
        """The output layer's input z for ``X``, checked finite, in X's namespace."""
        check_is_fitted(self)
        xp, device = input_namespace(X)
        check_same_namespace(self.coefs_[0], xp, device, f"{type(self).__name__}.{method}()")
        if xp is np:  # converted as fit converts: np.asarray refuses GPU arrays
            X = to_numpy(X)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(xp.float64, xp.float32), reset=False
        )
        if xp is not np and X.dtype != self.coefs_[0].dtype:
            # NumPy promotes mixed dtypes in a product; not every library does.
            X = xp.astype(X, self.coefs_[0].dtype)
        # Overflow shows up as non-finite outputs, reported below in plain words.
        with np.errstate(over="ignore", invalid="ignore"):
            z = network_output(X, self.coefs_, self.intercepts_, self.activation, None)
        check_finite_output(z)
        return z


def check_finite_output(output):
    xp = namespace(output)
    finite = xp.isfinite(output)
    if not xp.all(finite):
        bad_rows = to_numpy(~xp.all(finite, axis=1))
        raise ValueError(
            f"The network's output overflows for {bad_rows.sum()} sample(s), e.g. "
            f"row {np.flatnonzero(bad_rows)[0]}: their feature values are too large "
            "for it. Scale the input (e.g. with StandardScaler), as for training."
        )


def _finite_score(evaluate, loss_watched):
    """The validation loss or score of the current weights; None where their loss overflows."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss, score = evaluate()
    if not np.isfinite(loss):
        return None
    return loss if loss_watched else score


def _num_samples(X):
    """Rows of ``X``, without computing a Dask collection (whose unknown size is NaN)."""
    shape = getattr(X, "shape", None)
    return shape[0] if shape is not None else np.asarray(X).shape[0]  # lists, __array__ objects
