"""BackpropClassifier: input validation and bookkeeping over the numerical core."""

import itertools
import warnings
from functools import partial
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import label_binarize
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from ._compat import Interval, Options, StrOptions, _fit_context
from ._losses import OUTPUT_ACTIVATIONS, log_output
from ._network import forward, init_params, loss_and_gradients
from ._optimizers import OPTIMIZERS
from ._training import train_epochs


class BackpropClassifier(ClassifierMixin, BaseEstimator):
    """A feed-forward neural network classifier trained by backpropagation.

    The network of the backpropagation notebook, grown up: sigmoid hidden
    units by default, any number of hidden layers, a sigmoid output (binary
    and multilabel targets) or a softmax output (multiclass targets), trained
    by mini-batch SGD or Adam on the log loss or the notebook's squared error,
    with an L2 penalty. Parameters that MLPClassifier also has carry its name
    and meaning.

    Parameters
    ----------
    hidden_layer_sizes : array-like of int, default=(100,)
        The number of units in each hidden layer, input side first.

    activation : {'logistic', 'tanh', 'relu', 'identity'}, default='logistic'
        The hidden layers' activation: 'logistic' is the sigmoid
        ``1 / (1 + exp(-z))``, 'tanh' the hyperbolic tangent, 'relu'
        ``max(z, 0)``, 'identity' ``z``.

    loss : {'log_loss', 'squared_error'}, default='log_loss'
        The loss minimised. 'log_loss' is the cross-entropy of the predicted
        probabilities; 'squared_error' is half the squared distance between
        the probabilities and the one-hot targets, summed over outputs, as in
        the notebook. Either is averaged over samples.

    solver : {'adam', 'sgd'}, default='adam'
        'sgd' is stochastic gradient descent with (Nesterov's) momentum,
        'adam' the Adam method of Kingma and Ba.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / 2 * sum(||W||^2)`` on the weights
        (not the biases), divided by the batch's total sample weight.

    batch_size : int or 'auto', default='auto'
        Samples per mini-batch; 'auto' is ``min(200, n_samples)``.

    learning_rate_init : float, default=0.001
        The step size.

    max_iter : int, default=200
        Maximum number of epochs (passes over the training data).

    shuffle : bool, default=True
        Whether to visit the samples in a new random order every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights and the shuffling; an int makes ``fit``
        reproducible bit for bit.

    tol : float, default=1e-4
        Training stops once the loss has not improved by at least ``tol`` for
        ``n_iter_no_change`` consecutive epochs.

    verbose : bool, default=False
        Print the loss after every epoch.

    momentum : float, default=0.9
        Momentum of the 'sgd' solver, in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's guard against division by zero.

    n_iter_no_change : int or np.inf, default=10
        Epochs without an improvement of ``tol`` before training stops.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The class labels (for a multilabel target, the column indices).

    coefs_ : list of ndarray
        ``coefs_[i]`` holds the weights from layer i to layer i + 1, shape
        (units in layer i, units in layer i + 1).

    intercepts_ : list of ndarray
        ``intercepts_[i]`` holds the biases of layer i + 1.

    loss_ : float
        The training loss of the last epoch.

    best_loss_ : float
        The lowest training loss of any epoch.

    loss_curve_ : list of float
        The training loss of every epoch.

    n_iter_ : int
        The number of epochs run by the last call to ``fit`` or ``partial_fit``.

    t_ : int
        The number of training samples seen, over all calls.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during ``fit``, when ``X`` had string
        column names.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of output units.

    out_activation_ : {'logistic', 'softmax'}
        The output layer's activation.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : scikit-learn's multi-layer perceptron.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn_backprop import BackpropClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> clf = BackpropClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                          max_iter=300, random_state=0).fit(X_train, y_train)
    >>> clf.predict(X_test[:5])
    array([2, 1, 0, 2, 0])
    >>> clf.predict_proba(X_test[:2]).round(2)
    array([[0., 0., 1.],
           [0., 1., 0.]])
    >>> round(clf.score(X_test, y_test), 3)
    0.974
    """

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "solver": [StrOptions({"sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [
            Interval(Integral, 1, None, closed="left"),
            Options(Real, {np.inf}),
        ],
    }

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="logistic",
        *,
        loss="log_loss",
        solver="adam",
        alpha=1e-4,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        momentum=0.9,
        nesterovs_momentum=True,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Train the network from random initial weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input. float32 trains in float32, anything else
            numeric in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix for multilabel targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample; an integer weight acts like
            repeating the sample. None weighs every sample 1.

        Returns
        -------
        self : BackpropClassifier
            The fitted classifier.
        """
        return self._fit(X, y, sample_weight, classes=None, incremental=False)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training input.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its class labels or label indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class the model will ever see. Required on the first call
            (unless the model was fitted before), ignored afterwards.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.

        Returns
        -------
        self : BackpropClassifier
            The updated classifier.
        """
        return self._fit(X, y, sample_weight, classes=classes, incremental=True)

    def _fit(self, X, y, sample_weight, *, classes, incremental):
        hidden_layer_sizes = self._validated_hidden_layer_sizes()
        first_call = not (incremental and hasattr(self, "coefs_"))
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32) if first_call else self.coefs_[0].dtype,
            reset=first_call,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first_call:
            self._set_classes(y, classes, incremental)
        Y = self._binarize(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=X.dtype, ensure_non_negative=True
            )
            self._check_weighted_classes(Y, sample_weight, incremental)

        rng = check_random_state(self.random_state)
        if first_call:
            self._initialize(X.shape[1], hidden_layer_sizes, Y.shape[1], X.dtype, rng)
        else:
            self._check_weight_shapes(X.shape[1], hidden_layer_sizes, Y.shape[1])
        self._run_training(X, Y, sample_weight, rng, incremental)
        return self

    def _validated_hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if np.iterable(sizes) else [sizes]
        if not all(isinstance(size, Integral) and size > 0 for size in sizes):
            raise ValueError(
                f"hidden_layer_sizes must hold positive integers, got {self.hidden_layer_sizes!r}."
            )
        return [int(size) for size in sizes]

    def _set_classes(self, y, classes, incremental):
        if incremental and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the model "
                "needs to know every class it will see, e.g. classes=np.unique(y_all)."
            )
        target_type = type_of_target(y, input_name="y")
        if target_type == "multilabel-indicator":
            self.classes_ = np.arange(y.shape[1])
        elif target_type in ("binary", "multiclass"):
            self.classes_ = np.unique(y if classes is None else column_or_1d(classes))
        else:
            raise ValueError(
                f"BackpropClassifier supports binary, multiclass and multilabel-indicator "
                f"targets, got a {target_type!r} target."
            )
        if len(self.classes_) < 2:
            raise ValueError(
                "BackpropClassifier needs samples of at least 2 classes, but the data "
                f"holds only one class: {self.classes_.tolist()[0]!r}."
            )
        self._multilabel = target_type == "multilabel-indicator"

    def _binarize(self, y):
        if self._multilabel:
            if y.ndim != 2 or y.shape[1] != len(self.classes_):
                raise ValueError(
                    f"y must be a label indicator matrix with {len(self.classes_)} "
                    f"columns, as in the first fit, got shape {y.shape}."
                )
            return np.asarray(y, dtype=float)
        if y.ndim != 1:
            raise ValueError(f"This model was fitted on a 1-D target; got y of shape {y.shape}.")
        unseen = np.setdiff1d(y, self.classes_)
        if unseen.size:
            raise ValueError(
                f"y holds labels {unseen.tolist()} that are not among the classes "
                f"{self.classes_.tolist()} given on the first call to fit or partial_fit."
            )
        return label_binarize(y, classes=self.classes_).astype(float)

    def _check_weighted_classes(self, Y, sample_weight, incremental):
        if not sample_weight.any():
            raise ValueError("sample_weight is zero for every sample: nothing to learn from.")
        if incremental or self._multilabel:
            return
        if Y.shape[1] == 1:  # binary: the single column marks the positive class
            has_weight = [sample_weight[Y[:, 0] == 0].any(), sample_weight[Y[:, 0] == 1].any()]
        else:
            has_weight = (sample_weight @ Y) > 0
        if np.count_nonzero(has_weight) < 2:
            raise ValueError(
                "sample_weight leaves only one class with positive weight; "
                "BackpropClassifier needs samples of at least 2 classes."
            )

    def _initialize(self, n_features, hidden_layer_sizes, n_outputs, dtype, rng):
        multiclass = not self._multilabel and len(self.classes_) > 2
        self.out_activation_ = "softmax" if multiclass else "logistic"
        layer_units = [n_features, *hidden_layer_sizes, n_outputs]
        self.n_layers_ = len(layer_units)
        self.n_outputs_ = n_outputs
        self.coefs_, self.intercepts_ = init_params(layer_units, self.activation, rng, dtype)
        self.n_iter_ = 0
        self.t_ = 0
        self.loss_curve_ = []
        self.best_loss_ = np.inf
        self._no_improvement_count = 0
        init_optimizer, _ = OPTIMIZERS[self.solver]
        self._optimizer_state = init_optimizer(self.coefs_ + self.intercepts_)

    def _check_weight_shapes(self, n_features, hidden_layer_sizes, n_outputs):
        layer_units = [n_features, *hidden_layer_sizes, n_outputs]
        expected = [(a, b) for a, b in itertools.pairwise(layer_units)]
        found = [coef.shape for coef in self.coefs_]
        if found != expected:
            raise ValueError(
                f"coefs_ have shapes {found}, but hidden_layer_sizes and the data ask "
                f"for {expected}; call fit to start over with the new architecture."
            )

    def _run_training(self, X, Y, sample_weight, rng, incremental):
        n_samples = X.shape[0]
        batch_size = self._batch_size(n_samples)
        _, optimizer_step = OPTIMIZERS[self.solver]
        record = {
            "loss_curve": self.loss_curve_,
            "best_loss": self.best_loss_,
            "no_improvement_count": self._no_improvement_count,
            "n_iter": 0,
        }
        try:
            stopped = train_epochs(
                X,
                Y.astype(X.dtype, copy=False),
                sample_weight,
                self.coefs_,
                self.intercepts_,
                record,
                gradient=partial(
                    loss_and_gradients,
                    activation=self.activation,
                    out_activation=self.out_activation_,
                    loss=self.loss,
                    alpha=self.alpha,
                ),
                step=partial(
                    optimizer_step, state=self._optimizer_state, **self._optimizer_hyperparameters()
                ),
                batch_size=batch_size,
                max_epochs=1 if incremental else self.max_iter,
                shuffle=self.shuffle,
                rng=rng,
                tol=self.tol,
                n_iter_no_change=self.n_iter_no_change,
                verbose=self.verbose,
            )
        finally:
            self.n_iter_ = record["n_iter"]
            self.t_ += self.n_iter_ * n_samples
            self.best_loss_ = record["best_loss"]
            self._no_improvement_count = record["no_improvement_count"]
            if self.loss_curve_:
                self.loss_ = self.loss_curve_[-1]
        if not incremental and not stopped:
            warnings.warn(
                f"Stochastic optimizer: maximum iterations ({self.max_iter}) reached and "
                "the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=2,
            )

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warnings.warn(
                f"batch_size={self.batch_size} is larger than the {n_samples} samples; "
                f"using batches of {n_samples}.",
                stacklevel=2,
            )
        return min(self.batch_size, n_samples)

    def _optimizer_hyperparameters(self):
        if self.solver == "sgd":
            return {
                "learning_rate": self.learning_rate_init,
                "momentum": self.momentum,
                "nesterovs_momentum": self.nesterovs_momentum,
            }
        return {
            "learning_rate": self.learning_rate_init,
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }

    def _logits(self, X):
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
        )
        return forward(X, self.coefs_, self.intercepts_, self.activation, None)[-1]

    def predict_proba(self, X):
        """Probability of each class for each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``; rows sum to 1
            except for multilabel targets, where each column is the
            probability of that label on its own.
        """
        logits = self._logits(X)
        output = OUTPUT_ACTIVATIONS[self.out_activation_](logits)
        if self.n_outputs_ == 1 and not self._multilabel:
            return np.hstack([1 - output, output])
        return output

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``, computed without taking ``log(0)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Log-probabilities, finite even where a probability rounds to 0.
        """
        logits = self._logits(X)
        if self.n_outputs_ == 1 and not self._multilabel:
            return log_output(np.hstack([-logits, logits]), "logistic")
        return log_output(logits, self.out_activation_)

    def predict(self, X):
        """Predict the class (or, for multilabel targets, the labels) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            Predicted class labels, or a label indicator matrix.
        """
        proba = self.predict_proba(X)
        if self._multilabel:
            return (proba > 0.5).astype(int)
        return self.classes_[np.argmax(proba, axis=1)]

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.classifier_tags.multi_label = True
        return tags
