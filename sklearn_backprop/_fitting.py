"""Training bookkeeping: initialisation, validation sets, and the solver runs.

The estimator's fit methods validate input and call into this layer, which
sets up the network and its optimizer, holds out or checks validation data,
and drives the training loops of ``_training``, recording every epoch.
"""

import copy
import itertools
from functools import partial
from numbers import Integral

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._callbacks import SilentReporter, epoch_reporter
from ._history import HistoryMixin
from ._losses import loss_value
from ._network import init_params, loss_and_gradients, network_output
from ._optimizers import (
    ADAPTIVE_DIVISOR,
    ADAPTIVE_FLOOR,
    OPTIMIZERS,
    STATE_ARRAYS,
    invscaling_rate,
    packed_step,
)
from ._packing import pack
from ._targets import (
    binarize,
    check_positive_total,
    check_split_weights,
    check_weighted_classes,
    class_weight_vector,
    fit_classes,
    stratification_codes,
    target_array,
    weigh_classes,
    weights_name,
)
from ._training import train_epochs, train_lbfgs
from ._warn import warn_at_caller
from ._xp import device_of, input_namespace, move, namespace, numpy_dtype, to_numpy


def _finite_score(evaluate):
    """The validation score of the model's current weights, or None where their loss overflows."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        loss, score = evaluate()
    return score if np.isfinite(loss) else None


def _location(array):
    """``(namespace, device)`` of a model's array, as ``input_namespace`` gives them."""
    xp = namespace(array)
    return xp, None if xp is np else device_of(array)


class TrainingMixin(HistoryMixin):
    """Sets up and runs training for BackpropClassifier (reads its parameters)."""

    def __setstate__(self, state):
        super().__setstate__(state)
        # A pickle (or a deep copy) stores each weight array on its own. Packed
        # again now rather than at the next fit, they are the arrays that
        # training will update, as they were before pickling.
        if hasattr(self, "coefs_") and namespace(*self.coefs_) is np:
            self._pack_weights()

    def __sklearn_is_fitted__(self):
        # What check_is_fitted asks: the weights exist (what fit, partial_fit
        # and warm_start test too). Without this method it scans every
        # attribute's name, 14 against 3 us: a tenth of a one-row prediction.
        return hasattr(self, "coefs_")

    def _pack_weights(self):
        """Make the NumPy weights views of one array (``_packing``); a no-op if they are."""
        params = pack(self.coefs_ + self.intercepts_)[1]
        self.coefs_, self.intercepts_ = params[: len(self.coefs_)], params[len(self.coefs_) :]

    def _validated_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(isinstance(size, Integral) and size > 0 for size in sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers, got {self.hidden_layer_sizes!r}."
            )
        return [int(size) for size in sizes]

    def _checked_inputs(
        self, X, y, sample_weight, classes, validation, hidden_layer_sizes, resume, incremental
    ):
        """Validate everything a fit needs; of the model, sets only the input's width and names.

        Returns X, the binarized targets Y, the classes, whether the target is
        multilabel, the training sample weights and the validation set.
        """
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=numpy_dtype(self.coefs_[0].dtype) if resume else (np.float64, np.float32),
            reset=not resume,
        )  # fmt: skip
        y = target_array(y)
        check_classification_targets(y)
        if resume:
            classes, multilabel = to_numpy(self.classes_), self._multilabel
            if self.warm_start and not incremental:
                self._check_same_classes(y)
            self._check_weight_shapes(X.shape[1], hidden_layer_sizes, len(classes), multilabel)
        else:
            classes, multilabel = fit_classes(y, classes)
        Y = binarize(y, classes, multilabel, X.dtype)
        class_weights = self._class_weights(classes, multilabel, Y)
        sample_weight = self._training_weights(
            X, Y, sample_weight, class_weights, multilabel, incremental
        )
        validation = self._validation_set(validation, X.dtype, classes, multilabel, class_weights)
        return X, Y, classes, multilabel, sample_weight, validation

    def _check_same_classes(self, y):
        classes, _ = fit_classes(y)
        previous = to_numpy(self.classes_)
        if not np.array_equal(classes, previous):
            raise ValueError(
                "warm_start needs y to have the same classes as the previous fit: "
                f"had {previous.tolist()}, y has {classes.tolist()}."
            )

    def _class_weights(self, classes, multilabel, Y):
        """The weight of each class from ``class_weight``, or None."""
        if self.class_weight is None:
            return None
        if multilabel:
            raise ValueError("class_weight is not supported for multilabel targets.")
        return class_weight_vector(self.class_weight, classes, Y)

    def _training_weights(self, X, Y, sample_weight, class_weights, multilabel, incremental):
        """Each sample's weight: ``sample_weight`` times its class's weight, or None."""
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
        name = weights_name(sample_weight, class_weights)
        sample_weight = weigh_classes(sample_weight, class_weights, Y, X.dtype)
        if sample_weight is not None:
            check_positive_total(sample_weight, name)
            if not incremental and not multilabel:
                check_weighted_classes(Y, sample_weight, name)
        return sample_weight

    def _validation_set(self, validation, dtype, classes, multilabel, class_weights):
        """The user's validation data, checked like the training data, or None."""
        if validation is None:
            return None
        X_val, y_val, sample_weight_val = validation
        try:  # the checks of the training data, whose messages say "X", "y"...
            X_val, y_val = validate_data(
                self, X_val, y_val, accept_sparse=["csr", "csc"], multi_output=True,
                dtype=dtype, reset=False,
            )  # fmt: skip
            y_val = target_array(y_val)
            Y_val = binarize(y_val, classes, multilabel, dtype)
            if sample_weight_val is not None:
                sample_weight_val = _check_sample_weight(
                    sample_weight_val, X_val, dtype=dtype, ensure_non_negative=True
                )
        except ValueError as error:  # ...so say which data they are about
            raise ValueError(
                f"In the validation data (X_val, y_val, sample_weight_val): {error}"
            ) from error
        # Validation samples are weighed as training samples are.
        name = weights_name(sample_weight_val, class_weights, "sample_weight_val")
        if sample_weight_val is None:  # the class weights alone: say where
            name += " on the validation data"
        sample_weight_val = weigh_classes(sample_weight_val, class_weights, Y_val, dtype)
        if sample_weight_val is not None:
            check_positive_total(sample_weight_val, name, "score")
        return X_val, Y_val, sample_weight_val

    def _initialize(self, n_features, hidden_layer_sizes, n_outputs, dtype, rng):
        multiclass = not self._multilabel and len(self.classes_) > 2
        self.out_activation_ = "softmax" if multiclass else "logistic"
        layer_units = [n_features, *hidden_layer_sizes, n_outputs]
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = n_outputs
        self.coefs_, self.intercepts_ = init_params(layer_units, self.activation, rng, dtype)
        self.t_ = 0
        self._reset_history()

    def _start_optimizer(self):
        # The state records its solver, so that changing solver between calls
        # to partial_fit starts a new one instead of misreading the old.
        if self.solver in OPTIMIZERS:
            init_optimizer, _ = OPTIMIZERS[self.solver]
            state = init_optimizer(self.coefs_ + self.intercepts_, self.learning_rate_init)
            self._optimizer_state = {**state, "solver": self.solver}
        else:
            self._optimizer_state = {"solver": self.solver}

    def _check_weight_shapes(self, n_features, hidden_layer_sizes, n_classes, multilabel):
        n_outputs = 1 if n_classes == 2 and not multilabel else n_classes
        layer_units = [n_features, *hidden_layer_sizes, n_outputs]
        expected = list(itertools.pairwise(layer_units))
        found = [tuple(coef.shape) for coef in self.coefs_]
        if found != expected:
            raise ValueError(
                f"coefs_ have shapes {found}, but hidden_layer_sizes and the data ask "
                f"for {expected}; fit with warm_start=False to start over with the new "
                "architecture."
            )

    def _training_and_validation_sets(self, X, Y, sample_weight, rng, validation, incremental):
        """The training data, and the validation data (X_val, Y_val, weights) or None."""
        if validation is not None:
            X_val, Y_val, sample_weight_val = validation
        elif self.early_stopping and not incremental and self.solver != "lbfgs":
            # After the weights' initialisation, as in MLPClassifier, so that
            # the same random_state holds out the same samples.
            stratify = stratification_codes(Y)
            arrays = [X, Y] if sample_weight is None else [X, Y, sample_weight]
            split = train_test_split(
                *arrays, test_size=self.validation_fraction, random_state=rng, stratify=stratify
            )
            X, X_val, Y, Y_val = split[:4]
            sample_weight, sample_weight_val = split[4:] if len(split) > 4 else (None, None)
            if X_val.shape[0] < 2:
                raise ValueError(
                    f"The validation set holds {X_val.shape[0]} sample(s): increase "
                    "validation_fraction, or pass X_val and y_val."
                )
            if sample_weight is not None:
                check_split_weights(sample_weight, sample_weight_val)
        else:
            return (X, Y, sample_weight), None
        return (X, Y, sample_weight), (X_val, Y_val, sample_weight_val)

    def _evaluate(self, X_val, Y_val, sample_weight_val):
        probabilities = network_output(
            X_val, self.coefs_, self.intercepts_, self.activation, self.out_activation_
        )
        loss = loss_value(self.loss, self.out_activation_, Y_val, probabilities, sample_weight_val)
        xp = namespace(probabilities)
        if self._multilabel:
            correct = xp.all((probabilities > 0.5) == (Y_val > 0.5), axis=1)
        elif Y_val.shape[1] == 1:
            correct = (probabilities[:, 0] > 0.5) == (Y_val[:, 0] > 0.5)
        else:
            correct = xp.argmax(probabilities, axis=1) == xp.argmax(Y_val, axis=1)
        if sample_weight_val is None:
            return loss, int(xp.count_nonzero(correct)) / correct.shape[0]
        correct_weight = xp.sum(xp.astype(correct, sample_weight_val.dtype) * sample_weight_val)
        return loss, float(correct_weight) / float(xp.sum(sample_weight_val))

    def _gradient(self):
        return partial(
            loss_and_gradients, activation=self.activation,
            out_activation=self.out_activation_, loss=self.loss, alpha=self.alpha,
        )  # fmt: skip

    def _fit(self, X, y, sample_weight, *, incremental, classes=None, validation=None):
        given = (X, y, sample_weight)  # what callbacks score the model on
        # Input checks run on the host with NumPy (the same checks and messages
        # for every library); training runs where X lives, except for L-BFGS,
        # which is scipy's and needs NumPy. The fitted arrays end where X lives.
        xp, device = input_namespace(X)
        train_xp = np if self.solver == "lbfgs" else xp
        X, y, sample_weight = to_numpy(X), to_numpy(y), to_numpy(sample_weight)
        validation_given = validation is not None
        if validation_given:
            validation = tuple(to_numpy(array) for array in validation)
        hidden_layer_sizes = self._validated_hidden_layer_sizes()
        resume = (incremental or self.warm_start) and hasattr(self, "coefs_")
        # A fit that fails before training starts (bad input, a validation set
        # too small to hold out) leaves the model as it was, an unfitted one
        # unfitted: every step below only rebinds attributes, so a shallow
        # copy of them is enough to put them back.
        attributes_before = dict(vars(self))
        try:
            X, Y, classes, multilabel, sample_weight, validation = self._checked_inputs(
                X, y, sample_weight, classes, validation, hidden_layer_sizes, resume, incremental
            )
            rng = check_random_state(self.random_state)
            if not resume:
                self.classes_, self._multilabel = classes, multilabel
                self._initialize(X.shape[1], hidden_layer_sizes, Y.shape[1], X.dtype, rng)
            state = getattr(self, "_optimizer_state", None)
            if not incremental or state is None or state["solver"] != self.solver:
                self._start_optimizer()
            train, validation = self._training_and_validation_sets(
                X, Y, sample_weight, rng, validation, incremental
            )
        except Exception:
            vars(self).clear()
            vars(self).update(attributes_before)
            raise
        # Where the model's arrays go after this call: back where they were if
        # anything fails before training starts, where X lives once it has.
        home = _location(self.coefs_[0]) if resume else (xp, device)
        try:
            self._move_classes(xp, device)
            self._move_weights(train_xp, device)
            train = [move(array, train_xp, device) for array in train]
            evaluate = None
            if validation is not None:
                validation = [move(array, train_xp, device) for array in validation]
                evaluate = partial(self._evaluate, *validation)
            # partial_fit is one step of the user's own loop: callbacks follow fit only.
            reporter = (
                SilentReporter()
                if incremental
                else epoch_reporter(self, *given, self.max_iter + (self.solver == "lbfgs"))
            )
            home = (xp, device)
            start_score = None
            if resume and validation_given and self.early_stopping and not incremental:
                # A warm start scored on the user's fixed validation set: its
                # weights compete with the epochs' (see train_epochs). On a
                # random hold-out they would be scored on samples they were
                # trained on.
                start_score = _finite_score(evaluate)
            self._train(train, evaluate, rng, incremental, reporter, start_score)
        finally:
            self._move_weights(*home)
            self._move_classes(*home)
        reporter.finish()
        return self

    def _train(self, train, evaluate, rng, incremental, reporter, start_score):
        try:
            if self.solver == "lbfgs":
                self._fit_lbfgs(*train, evaluate, reporter)
            else:
                self._fit_stochastic(*train, evaluate, rng, incremental, reporter, start_score)
        except KeyboardInterrupt:
            if self.on_interrupt == "raise":
                raise
            warn_at_caller(
                f"Training interrupted after {self.n_iter_} epoch(s); the model holds "
                "the weights of the last completed one.",
                UserWarning,
            )

    def _move_weights(self, xp, device):
        """Move the weights and the optimizer's state to namespace ``xp`` on ``device``."""
        self.coefs_ = [move(coef, xp, device) for coef in self.coefs_]
        self.intercepts_ = [move(intercept, xp, device) for intercept in self.intercepts_]
        state = self._optimizer_state
        for key in STATE_ARRAYS:
            if key in state:
                state[key] = [move(array, xp, device) for array in state[key]]

    def _move_classes(self, xp, device):
        # Labels that every library can hold and index with move; strings,
        # objects and unsigned integers (torch cannot index those) stay NumPy.
        if to_numpy(self.classes_).dtype.kind in "bif":
            self.classes_ = move(self.classes_, xp, device)

    def _fit_stochastic(
        self, X, Y, sample_weight, evaluate, rng, incremental, reporter, start_score
    ):
        n_samples = X.shape[0]
        _, optimizer_step = OPTIMIZERS[self.solver]
        state = self._optimizer_state
        if self.solver == "sgd":
            step_settings = {
                "momentum": self.momentum,
                "nesterovs_momentum": self.nesterovs_momentum,
            }
        else:
            step_settings = {"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon}

        def on_epoch_end(*figures):
            self.t_ += n_samples
            self._record_epoch(*figures, learning_rate=state["learning_rate"])
            if self.solver == "sgd" and self.learning_rate == "invscaling":
                state["learning_rate"] = invscaling_rate(
                    self.learning_rate_init, self.t_, self.power_t
                )
            return reporter.epoch_end()

        def on_stall():
            adaptive = self.solver == "sgd" and self.learning_rate == "adaptive"
            if adaptive and state["learning_rate"] > ADAPTIVE_FLOOR:
                state["learning_rate"] /= ADAPTIVE_DIVISOR
                return True
            return False

        early_stopping = self.early_stopping and evaluate is not None
        self._start_call(validation=evaluate is not None)
        step = partial(optimizer_step, **step_settings)
        if namespace(self.coefs_[0]) is np:
            self._pack_weights()  # already packed, unless moved or replaced since
            step = packed_step(step, self.coefs_ + self.intercepts_, state)
        else:
            step = partial(step, state=state)
        stopped_early = train_epochs(
            X, Y, sample_weight, self.coefs_ + self.intercepts_,
            gradient=self._gradient(),
            step=step,
            batch_size=self._batch_size(n_samples),
            max_epochs=1 if incremental else self.max_iter,
            shuffle=self.shuffle, rng=rng,
            tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            evaluate=evaluate, on_epoch_begin=reporter.epoch_begin,
            on_epoch_end=on_epoch_end, on_stall=on_stall, early_stopping=early_stopping,
            start_score=start_score,
        )  # fmt: skip
        if early_stopping and start_score is not None:  # the weights it started from may have won
            self.best_validation_score_ = max(self.best_validation_score_, start_score)
        if not incremental and not stopped_early:
            warn_at_caller(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached and "
                "the optimization hasn't converged yet.",
                ConvergenceWarning,
            )

    def _fit_lbfgs(self, X, Y, sample_weight, evaluate, reporter):
        def on_epoch_end(*figures):
            self._record_epoch(*figures, learning_rate=np.nan)
            return reporter.epoch_end()

        self._start_call(validation=evaluate is not None)
        result = train_lbfgs(
            X, Y, sample_weight, self.coefs_ + self.intercepts_,
            gradient=self._gradient(), max_iter=self.max_iter, max_fun=self.max_fun,
            tol=self.tol, evaluate=evaluate,
            on_epoch_begin=reporter.epoch_begin, on_epoch_end=on_epoch_end,
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

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warn_at_caller(
                f"batch_size={self.batch_size} is larger than the {n_samples} samples; "
                f"using batches of {n_samples}."
            )
        return min(self.batch_size, n_samples)


def move_to_numpy(estimator):
    """Return a copy of a fitted model whose arrays are NumPy arrays on the host.

    A model fitted on PyTorch, CuPy or other Array API arrays (with
    ``sklearn.set_config(array_api_dispatch=True)``) keeps its weights in
    that library, on that device. This copy predicts NumPy input, pickles
    without the library installed, and exports with ``to_onnx`` or skops.
    The model itself is unchanged.

    Parameters
    ----------
    estimator : BackpropClassifier
        A fitted model.

    Returns
    -------
    estimator : BackpropClassifier
        A copy with every weight, bias and optimizer state as NumPy arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_backprop import BackpropClassifier, move_to_numpy
    >>> X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]), [0, 1, 1, 0]
    >>> clf = BackpropClassifier(hidden_layer_sizes=(3,), max_iter=5, random_state=0)
    >>> on_host = move_to_numpy(clf.fit(X, y))
    >>> type(on_host.coefs_[0]).__name__
    'ndarray'
    """
    check_is_fitted(estimator)
    state = estimator._optimizer_state
    arrays = [
        estimator.classes_, *estimator.coefs_, *estimator.intercepts_,
        *(array for key in STATE_ARRAYS for array in state.get(key, [])),
    ]  # fmt: skip
    # deepcopy copies everything else (the history too, so the two models
    # train independently) and takes these NumPy copies in place of the arrays,
    # without first copying them on their device.
    memo = {id(array): np.array(to_numpy(array)) for array in arrays}
    callbacks = getattr(estimator, "_skl_callbacks", None)
    memo[id(callbacks)] = callbacks  # callbacks are shared, as clone shares them
    return copy.deepcopy(estimator, memo)
