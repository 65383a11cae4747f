"""The scikit-learn layer that BackpropClassifier and BackpropRegressor share.

Parameters (their constraints in ``_parameters``), the fit / partial_fit /
warm_start flow, pickling, tags and the Array API device policy. A head (``_classifier``,
``_regressor``) adds its targets (``_new_targets``, ``_model_targets``), its
output and its ``predict``. ``_fit`` is the one fit flow for all data: it
reads the parameters once into a ``FitCall`` (``_fit_call``) whose backend,
where the data lives (``_memory``, ``_dask_fit``), prepares the data and
supplies the loss, gradient and validation scoring; ``_training`` and
``_lbfgs`` train. Prediction transforms X in one place, ``_raw_output``
(``_prediction``).
"""

from contextlib import contextmanager
from dataclasses import replace
from functools import partial

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted

from ._callbacks import CallbackSupportMixin, SilentReporter, epoch_reporter
from ._columns import column_attributes, column_encoder, encoded
from ._data import hold_out
from ._device import location, moved_classes, moved_weights
from ._fastpaths import pack
from ._fit_call import FitCall, FitInputs, Preparation, restored_on_failure
from ._history import FitObserver, call_start, history_frame, new_history
from ._interrupt import interrupted_message
from ._lbfgs import train_lbfgs
from ._mini_batch import mini_batch_run
from ._network import check_layer_shapes, init_params, join, split
from ._prediction import raw_output, weights_dtype
from ._scaling import fold, unfold
from ._training import train_epochs
from ._version import VersionedPickleMixin
from ._warn import warn_at_caller
from ._xp import move, namespace, to_numpy


class BackpropEstimator(CallbackSupportMixin, VersionedPickleMixin, BaseEstimator):
    """What both estimators share; a head supplies its targets, output and predict."""

    # What a model fitted before inputs were encoded and scaled holds (issue 23).
    _column_encoder = input_mean_ = input_scale_ = None

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
        self.coefs_, self.intercepts_ = split(pack(self._params())[1])

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
        """The one fit flow: where the data lives (``call.backend``) supplies its steps."""
        inputs = FitInputs(X, y, sample_weight, validation, classes)
        call = FitCall.start(
            self.get_params(deep=False), inputs, incremental=incremental,
            has_weights=hasattr(self, "coefs_"),
        )  # fmt: skip
        backend = call.backend
        with restored_on_failure(self):
            targets, preparation = self._targets_for(call)
            encoder = self._column_encoder_for(call, inputs.X)
            network_inputs = encoded(encoder, inputs)  # a DataFrame's columns as numbers
            preparation = replace(preparation, encoded=encoder is not None)
            data = backend.prepare(self, network_inputs, targets, preparation)
            try:
                self._learn_input_handling(call, data, encoder)
                self._start(call, data, targets)
                # Standardized after the split, whose copies it may then overwrite.
                train, validation = backend.standardized(
                    self._split(call, data, targets), data,
                    (self.input_mean_, self.input_scale_), inputs, encoder is not None,
                )  # fmt: skip
            except BaseException:
                backend.release(data)
                raise
        try:
            with (
                self._trained_on_standardized_input(call.resume),
                self._in_training_units(call.resume),
            ):
                self._train_where_X_lives(call, (train, validation), targets, inputs)
        finally:
            backend.release(data)
        return self

    def _column_encoder_for(self, call, X):
        """The encoder of a DataFrame's columns: a new model's own, a resumed model's kept."""
        if self._resumes_fitted_model(call):
            return self._column_encoder
        return column_encoder(X, call.settings.mlp_parity)

    def _learn_input_handling(self, call, data, encoder):
        """A new model records its columns' encoding and its input scaling (``_scaling``)."""
        if not self._resumes_fitted_model(call):
            self._column_encoder = encoder
            self.column_transformer_, self.input_columns_ = column_attributes(encoder)
            self.input_mean_, self.input_scale_ = call.backend.learned_scaling(call.settings, data)
        if encoder is not None:  # the user's columns, not the encoded ones
            self.feature_names_in_, self.n_features_in_ = encoder.names(), len(encoder.kinds)

    @contextmanager
    def _in_training_units(self, resume):
        """Within the block, the output layer in the units training uses (the regressor's).

        ``resume``: the weights are a fitted model's, in the units ``predict`` uses.
        """
        yield

    def _fold_targets(self, coefs, intercepts):
        """Copies of weights in training units made the ones ``predict`` uses (callbacks' view)."""

    @contextmanager
    def _trained_on_standardized_input(self, resume):
        """Train on standardized input (``_scaling``); ``coefs_`` act on raw input after."""
        mean, scale = self.input_mean_, self.input_scale_
        if scale is not None and resume:  # weights to resume from act on raw input
            self.coefs_, self.intercepts_ = unfold(self.coefs_, self.intercepts_, mean, scale)
        try:
            yield
        finally:
            if scale is not None:
                self.coefs_, self.intercepts_ = fold(self.coefs_, self.intercepts_, mean, scale)
                where = location(self.coefs_[0])  # the statistics live where the weights do
                self.input_mean_, self.input_scale_ = move(mean, *where), move(scale, *where)

    def _resumes_fitted_model(self, call):
        """Whether the fit continues a fitted model, not weights set by hand (no classes_, ...)."""
        fitted_names = ["n_outputs_", *self._new_targets().fitted_attributes()]
        return call.resume and all(hasattr(self, name) for name in fitted_names)

    def _targets_for(self, call):
        """The targets object to prepare the data with, and how to prepare it."""
        fitted = self._resumes_fitted_model(call)
        targets = self._model_targets() if fitted else self._new_targets()
        preparation = Preparation(
            dtype=weights_dtype(self.coefs_[0]) if call.resume else (np.float64, np.float32),
            learn=not fitted, same_classes=call.settings.warm_start and not call.incremental,
            incremental=call.incremental,
        )  # fmt: skip
        return targets, preparation

    def _start(self, call, data, targets):
        """Initialise the network, or check the one to resume from."""
        settings = call.settings
        fitted = self._resumes_fitted_model(call)
        n_features, dtype = data.train.X.shape[1], data.train.X.dtype
        if not fitted:
            for name, value in targets.fitted_attributes().items():
                setattr(self, name, value)
            self.out_activation_ = targets.out_activation(settings.loss)
        if call.resume:
            layer_units = [n_features, *settings.hidden_layer_sizes, targets.n_outputs]
            check_layer_shapes(self.coefs_, self.intercepts_, layer_units)
        else:
            layer_units = [n_features, *settings.hidden_layer_sizes, targets.n_outputs]
            self.coefs_, self.intercepts_ = init_params(
                layer_units, settings.activation, call.rng, dtype
            )
        if not fitted:
            self._start_network(targets.n_outputs, settings, dtype)
        restart = not call.incremental or not self._continues(settings)
        self._start_optimizer(settings, restart)

    def _start_network(self, n_outputs, settings, dtype):
        self.coefs_ = [np.asarray(to_numpy(coef), dtype=dtype) for coef in self.coefs_]
        self.intercepts_ = [np.asarray(to_numpy(b), dtype=dtype) for b in self.intercepts_]
        self._pack_weights()
        self.n_layers_ = len(self.coefs_) + 1
        self.n_outputs_ = n_outputs
        self.t_ = 0
        self._optimizer_state = {"solver": None}
        vars(self).update(new_history(settings.early_stopping and settings.solver != "lbfgs"))

    def _continues(self, settings):
        # partial_fit continues the optimizer's state unless the solver changed.
        return self._optimizer_state.get("solver") == settings.solver

    def _start_optimizer(self, settings, restart):
        # The state records its solver, so that changing solver between calls
        # to partial_fit starts a new one instead of misreading the old.
        if not restart:
            return
        optimizer = settings.optimizer()
        state = {} if optimizer is None else optimizer.init_state(self._params())
        self._optimizer_state = {**state, "solver": settings.solver}

    def _params(self):
        """The weights and biases as one list (arrays shared, not copied)."""
        return join(self.coefs_, self.intercepts_)

    def _split(self, call, data, targets):
        """The training set, and the validation set (the user's, held out, or None)."""
        settings = call.settings
        hold = settings.early_stopping and not call.incremental and settings.solver != "lbfgs"
        if data.validation is None and hold:
            # After the weights' initialisation, as in MLPClassifier, so that
            # the same random_state holds out the same samples.
            stratify = targets.stratify(data.train.Y)
            return hold_out(data.train, settings.validation_fraction, call.rng, stratify)
        return data.train, data.validation

    # -- training -------------------------------------------------------------

    def _move_to(self, where, train_where):
        """The labels to ``where`` (input's place), the weights to ``train_where``."""
        self.coefs_, self.intercepts_, self._optimizer_state = moved_weights(
            self.coefs_, self.intercepts_, self._optimizer_state, *train_where
        )
        if hasattr(self, "classes_"):
            self.classes_ = moved_classes(self.classes_, *where)

    def _train_where_X_lives(self, call, data_sets, targets, inputs):
        """Move the model to where training runs, train, and leave it where X lives."""
        settings, backend = call.settings, call.backend
        train_where = backend.training_place(settings)
        # Back where they were if anything fails before training starts.
        home = location(self.coefs_[0]) if call.resume else backend.where
        try:
            self._move_to(backend.where, train_where)
            train, validation = (
                None if data_set is None else backend.placed(data_set, train_where)
                for data_set in data_sets
            )
            observer = self._observer(call, train, validation, targets, inputs)
            home = backend.where
            start_score = None
            warm_scored = call.resume and inputs.validation is not None and not call.incremental
            if warm_scored and settings.early_stopping:
                # A warm start scored on the user's fixed validation set: its
                # weights compete with the epochs'. On a random hold-out they
                # would be scored on samples they were trained on.
                start_score = observer.finite_score(settings.monitors_validation_loss)
            self._train(call, train, observer, start_score)
            if self._stops_early(settings, observer) and settings.monitors_validation_loss:
                # The score of the epoch kept for its validation loss.
                self.best_validation_score_ = observer.finite_score()
        finally:
            self._move_to(home, home)
        observer.finish()

    def _observer(self, call, train, validation, targets, inputs):
        """The observer of this call's epochs: history, validation, callbacks, verbose."""
        settings = call.settings
        evaluate = None
        if validation is not None:
            evaluation = call.backend.evaluation(
                validation, settings, self.out_activation_, targets
            )
            evaluate = partial(self._evaluate, evaluation)
        # partial_fit is one step of the user's own loop: callbacks follow fit only.
        reporter = (
            SilentReporter()
            if call.incremental
            else epoch_reporter(
                self, inputs.X, inputs.y, inputs.sample_weight,
                settings.max_iter + (settings.solver == "lbfgs"),
            )
        )  # fmt: skip
        # L-BFGS counts no samples in t_.
        samples = 0 if settings.solver == "lbfgs" else train.X.shape[0]
        record = partial(self._record_epoch, samples)
        return FitObserver(reporter, evaluate, record, verbose=settings.verbose)

    def _record_epoch(self, samples, figures):
        """One epoch's figures in the fitted attributes; returns its ``history_`` row."""
        loss, validation_loss = figures["train_loss"], figures["validation_loss"]
        self.t_ += samples
        self.n_iter_ += 1
        self.loss_curve_.append(loss)
        self.loss_ = loss
        if self.best_loss_ is not None:
            self.best_loss_ = min(self.best_loss_, loss)
        if not np.isnan(validation_loss):
            score = figures["validation_score"]
            self.validation_loss_curve_.append(validation_loss)
            self.validation_scores_.append(score)
            self.best_validation_score_ = max(self.best_validation_score_, score)
        row = {"epoch": len(self.loss_curve_), **figures}
        self._history_rows.append(row)
        return row

    def _train(self, call, train, observer, start_score):
        settings = call.settings
        vars(self).update(
            call_start(vars(self), observer.has_validation, self._stops_early(settings, observer))
        )
        try:
            if settings.solver == "lbfgs":
                self._fit_lbfgs(call, train, observer)
            else:
                self._fit_stochastic(call, train, observer, start_score)
        except KeyboardInterrupt:
            if settings.on_interrupt == "raise":
                raise
            kept_best = self._stops_early(settings, observer)
            warn_at_caller(interrupted_message(self.n_iter_, kept_best), UserWarning)

    @staticmethod
    def _stops_early(settings, observer):
        return settings.early_stopping and settings.solver != "lbfgs" and observer.has_validation

    def _fit_stochastic(self, call, train, observer, start_score):
        settings = call.settings
        if namespace(self.coefs_[0]) is np:
            self._pack_weights()  # already packed, unless moved or replaced since
        run = mini_batch_run(
            train, self._params(), self._optimizer_state, settings=settings, rng=call.rng,
            gradient=call.backend.gradient(settings, self.out_activation_),
        )  # fmt: skip
        stopped_early = train_epochs(
            run, settings, observer, max_epochs=1 if call.incremental else settings.max_iter,
            samples_seen=self.t_, start_score=start_score,
        )  # fmt: skip
        by_score = not settings.monitors_validation_loss
        if self._stops_early(settings, observer) and start_score is not None and by_score:
            # The weights it started from may have won.
            self.best_validation_score_ = max(self.best_validation_score_, start_score)
        if not call.incremental and not stopped_early and settings.warns_at_budget:
            warn_at_caller(
                f"Stochastic optimizer: maximum iterations ({settings.max_iter}) reached and "
                "the optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    def _fit_lbfgs(self, call, train, observer):
        settings, backend = call.settings, call.backend
        result = train_lbfgs(
            train, self._params(), gradient=backend.gradient(settings, self.out_activation_),
            settings=settings, observer=observer, workspace=backend.in_memory,
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

    def _evaluate(self, evaluation):
        """The validation loss (no penalty) and score of the current weights."""
        return evaluation(self._params())

    # -- prediction -----------------------------------------------------------

    def _raw_output(self, X, method):
        """The output layer's input z for ``X``, checked finite, in X's namespace."""
        return raw_output(self, X, method)
