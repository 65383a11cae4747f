"""BackpropRegressor: the regression head on the shared estimator base."""

from contextlib import contextmanager

from sklearn.base import RegressorMixin
from sklearn.utils.metaestimators import available_if

from ._base import BackpropEstimator
from ._compat import StrOptions, _fit_context
from ._dask_predict import dask_aware
from ._losses import OUTPUT_ACTIVATIONS
from ._network import check_finite_output
from ._parameters import SHARED_CONSTRAINTS, with_shared_text
from ._target_scale import fold, naming_a_huge_target, unfold
from ._targets import RegressionTargets
from ._xp import namespace


class BackpropRegressor(RegressorMixin, BackpropEstimator):
    __doc__ = with_shared_text(
        """A feed-forward neural network regressor trained by backpropagation.

    The counterpart of BackpropClassifier, and a drop-in for MLPRegressor:
    the same hidden layers (sigmoid units by default, where MLPRegressor's
    are relu), solvers, schedules, stopping rule and extras (sample and
    validation weights, ``X_val``, ``history_``, callbacks, Array API
    input), with an identity output on the squared error or an exponential
    output on the Poisson deviance, for one target or many. Parameters that
    MLPRegressor also has carry its name and meaning.

    By default the network learns each target standardized, ``(y - mean) /
    std`` (weighted by ``sample_weight``), so that the learning rate and
    ``tol`` suit any unit; for 'poisson', ``y / mean``, which keeps a count
    non-negative and only moves the log link by ``log(mean)``. The map back
    is folded into the output layer, so ``coefs_`` and ``intercepts_``
    predict ``y`` itself; ``warm_start`` and ``partial_fit`` keep the first
    fit's statistics. ``mlp_parity=True`` trains on ``y``, as MLPRegressor.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        The number of units in each hidden layer, input side first.

    activation : {'logistic', 'tanh', 'relu', 'identity'}, default='logistic'
        The hidden layers' activation: 'logistic' is the sigmoid
        ``1 / (1 + exp(-z))``, 'tanh' the hyperbolic tangent, 'relu'
        ``max(z, 0)``, 'identity' ``z``.

    loss : {'squared_error', 'poisson'}, default='squared_error'
        The loss minimised, averaged over samples: half the squared error
        summed over the targets (the identity output), or half the Poisson
        deviance (an exponential output, for counts and rates; needs
        ``y >= 0``).
    <shared: solver_to_tol>
        validation score, as MLPRegressor) has not improved by ``tol`` for more
    <shared: n_iter_no_change_to_early_stopping>
        of the data. 'auto' is True when ``X_val`` is given or
        ``X`` has 2,000 samples or more. With ``mlp_parity``, 'auto' is False
        and the validation R² is watched, as in MLPRegressor (which holds out
        the same samples). Only for 'sgd' and 'adam'.
    <shared: validation_fraction_to_max_fun>
    <shared: on_interrupt_to_mlp_parity>
        If True, the estimator is a drop-in for MLPRegressor: it trains the same
        weights at the same settings, with none of the data handling this
        package adds by default. By default, the columns of a pandas DataFrame
        are encoded inside (``column_transformer_``), the network trains
        on standardized input (``input_mean_``, ``input_scale_``) and on a
        standardized target,
        and ``max_iter='auto'`` and ``early_stopping='auto'`` stop it by the
        rule described under those parameters; with True they mean
        MLP's 200 epochs and no early stopping.

    Attributes
    ----------
    coefs_ : list of ndarray
        ``coefs_[i]`` holds the weights from layer i to layer i + 1, shape
        (units in layer i, units in layer i + 1).

    intercepts_ : list of ndarray
        ``intercepts_[i]`` holds the biases of layer i + 1.

    loss_ : float
        The training loss of the last epoch. It and every loss below is in
        training units: on the standardized targets by default (half the
        squared error over each target's variance; 'poisson': half the
        deviance over the target's mean), on ``y`` with ``mlp_parity=True``.

    best_loss_ : float or None
        The lowest training loss of any epoch (iteration for 'lbfgs'); None
        with ``early_stopping``, as in MLPRegressor.

    loss_curve_ : list of float
        The training loss of every epoch (every iteration for 'lbfgs'), in
        training units (see ``loss_``). With several targets the squared
        error is summed over them, where MLPRegressor reports its mean (the
        gradients, and so the weights that 'sgd' and 'adam' train, are the
        same).

    validation_scores_ : list of float or None
        The validation R² of every epoch, when there is a validation set.

    validation_loss_curve_ : list of float or None
        The loss of the predictions on the validation set (no penalty term)
        of every epoch, when there is a validation set, in training units
        (see ``loss_``).

    best_validation_score_ : float or None
        The validation R² of the epoch early stopping kept (the best of
        any epoch without it, or with ``mlp_parity``), given a validation set.

    history_ : pandas.DataFrame
        One row per epoch (per iteration for 'lbfgs'), over all calls to
        ``fit`` and ``partial_fit`` since the model was last initialised:
        ``epoch``, ``train_loss``, ``validation_loss``, ``validation_score``,
        ``learning_rate`` and ``seconds``; losses in training units (see
        ``loss_``).
    <shared: n_iter_to_n_outputs>
        Number of targets.

    out_activation_ : {'identity', 'exp'}
        The output layer's activation.

    See Also
    --------
    sklearn.neural_network.MLPRegressor : The multi-layer perceptron of scikit-learn.
    BackpropClassifier : The classifier on the same network.

    Examples
    --------
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn_backprop import BackpropRegressor
    >>> X, y = make_friedman1(n_samples=500, noise=0.5, random_state=0)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> reg = BackpropRegressor(hidden_layer_sizes=(32,), learning_rate_init=0.01, max_iter=2000,
    ...                         random_state=0).fit(X_train, y_train)
    >>> reg.predict(X_test[:3]).round(1)
    array([14.1, 24.1,  5.3])
    >>> round(reg.score(X_test, y_test), 3)
    0.939
    """
    )

    _parameter_constraints = {
        **SHARED_CONSTRAINTS,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self, hidden_layer_sizes=(100,), activation="logistic", *, loss="squared_error",
        solver="adam", alpha=1e-4, batch_size="auto", learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5, max_iter="auto", shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True, early_stopping="auto",
        validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10,
        max_fun=15000, on_interrupt="raise",
        dropout=0.0, input_dropout=0.0, mlp_parity=False,
    ):  # fmt: skip
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.on_interrupt = on_interrupt
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.mlp_parity = mlp_parity

    def _new_targets(self):
        return RegressionTargets(self.loss, standardize=not self.mlp_parity)

    @contextmanager
    def _in_training_units(self, resume):
        """Train on the standardized targets; after, whatever ended training, fold them back."""
        if resume:
            self._fold_targets(self.coefs_, self.intercepts_, unfold)
        try:
            yield
        finally:
            # The arrays as they are now: training may have moved them to another device.
            self._fold_targets(self.coefs_, self.intercepts_)

    def _fold_targets(self, coefs, intercepts, how=fold):
        """Make weights trained on the standardized targets predict ``y`` itself, in place."""
        if getattr(self, "_target_scale", None) is not None:  # None: trained on y (mlp_parity)
            how(coefs[-1], intercepts[-1], self._target_offset, self._target_scale,
                self.out_activation_)  # fmt: skip

    def _model_targets(self):
        return RegressionTargets.of_model(self, self.loss)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network: from random weights, or from the current ones with warm_start.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input. float32 trains in float32, anything else
            numeric in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            The target values (non-negative for ``loss='poisson'``).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; an integer weight acts like
            repeating the sample. None weighs every sample 1.
        X_val, y_val : array-like, default=None
            A validation set (e.g. the later part of a time series), scored
            after every epoch and stopped on by ``early_stopping``. In a
            Pipeline, pass ``transform_input=["X_val"]`` (metadata routing).
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation samples.

        Returns
        -------
        self : BackpropRegressor
            The fitted regressor.
        """
        validation = self._validation_arguments(X_val, y_val, sample_weight_val)
        with naming_a_huge_target(X, y):
            return self._fit(X, y, sample_weight, validation=validation, incremental=False)

    @available_if(BackpropEstimator._partial_fit_is_possible)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training input.
        y : array-like of shape (n_samples,) or (n_samples, n_targets)
            Its target values, with as many targets as the first call's.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : BackpropRegressor
            The updated regressor.
        """
        self._check_partial_fit()
        with naming_a_huge_target(X, y):
            return self._fit(X, y, sample_weight, incremental=True)

    @dask_aware
    def predict(self, X):
        """Predict the target values of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input (with ``array_api_dispatch``, an array of the library and
            device the model was fitted on).

        Returns
        -------
        y_pred : array of shape (n_samples,) or (n_samples, n_targets)
            The predictions, one column per target (1-D for one target), in
            the input's namespace.
        """
        z = self._raw_output(X, "predict")
        xp = namespace(z)
        output = OUTPUT_ACTIVATIONS[self.out_activation_](z)
        check_finite_output(output)  # exp overflows where its input is large
        return xp.reshape(output, (-1,)) if self.n_outputs_ == 1 else output

    score = dask_aware(RegressorMixin.score)  # a lazy Dask scalar for Dask input

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.positive_only = self.loss == "poisson"  # the checks then give y >= 0
        return tags
