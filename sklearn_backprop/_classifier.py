"""BackpropClassifier: the classification head on the shared estimator base."""

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.utils.metaestimators import available_if

from ._base import BackpropEstimator
from ._compat import StrOptions, _fit_context
from ._dask_predict import dask_aware
from ._losses import OUTPUT_ACTIVATIONS
from ._parameters import SHARED_CONSTRAINTS, with_shared_text
from ._targets import ClassLabels
from ._xp import into, namespace, to_numpy


class BackpropClassifier(ClassifierMixin, BackpropEstimator):
    __doc__ = with_shared_text(
        """A feed-forward neural network classifier trained by backpropagation.

    The network of the backpropagation notebook, grown up: sigmoid hidden
    units by default, any number of hidden layers, a sigmoid output (binary
    and multilabel targets) or a softmax output (multiclass targets), trained
    by mini-batch SGD or Adam, or full-batch L-BFGS, on the log loss or the
    notebook's squared error, with an L2 penalty. Parameters that
    MLPClassifier also has carry its name and meaning.

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
    <shared: solver_to_tol>
        validation score, as MLPClassifier) has not improved by ``tol`` for more
    <shared: n_iter_no_change_to_early_stopping>
        of the data, stratified for binary targets. 'auto' is True when
        ``X_val`` is given or ``X`` has 2,000 samples or more. With
        ``mlp_parity``, 'auto' is False and the validation accuracy is
        watched, as in MLPClassifier (which holds out the same samples). With
        ``warm_start`` and ``X_val``, the weights a fit starts from compete.
        Only for 'sgd' and 'adam'.
    <shared: validation_fraction_to_max_fun>

    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight``: a dict
        ``{label: weight}`` (unnamed classes weigh 1), or 'balanced' for
        ``n_samples / (n_classes * np.bincount(y))``. Not for multilabel
        targets; ``partial_fit`` takes a dict only.
    <shared: on_interrupt_to_mlp_parity>
        If True, the estimator is a drop-in for MLPClassifier: it trains the same
        weights at the same settings, with none of the data handling this
        package adds by default. By default, the columns of a pandas DataFrame
        are encoded inside (``column_transformer_``), the network trains
        on standardized input (``input_mean_``, ``input_scale_``),
        and ``max_iter='auto'`` and ``early_stopping='auto'`` stop it by the
        rule described under those parameters; with True they mean
        MLP's 200 epochs and no early stopping.

    Attributes
    ----------
    classes_ : array of shape (n_classes,)
        The class labels (for a multilabel target, the column indices). With
        ``array_api_dispatch``, numeric labels live where the training input
        lives, like every fitted array; other labels stay NumPy.

    coefs_ : list of ndarray
        ``coefs_[i]`` holds the weights from layer i to layer i + 1, shape
        (units in layer i, units in layer i + 1).

    intercepts_ : list of ndarray
        ``intercepts_[i]`` holds the biases of layer i + 1.

    loss_ : float
        The training loss of the last epoch.

    best_loss_ : float
        The lowest training loss of any epoch (iteration for 'lbfgs'), also
        where MLPClassifier leaves it None (early stopping) or unset (lbfgs).

    loss_curve_ : list of float
        The training loss of every epoch (every iteration for 'lbfgs'); with
        ``sample_weight``, each batch counts by its total weight, where
        MLPClassifier counts it by its size (the weights train the same).

    validation_scores_ : list of float or None
        The validation accuracy of every epoch, when there is a validation set.

    validation_loss_curve_ : list of float or None
        The loss of the predictions on the validation set (no penalty term)
        of every epoch, when there is a validation set.

    best_validation_score_ : float or None
        The validation accuracy of the epoch early stopping kept (the best of
        any epoch without it, or with ``mlp_parity``), given a validation set.

    history_ : pandas.DataFrame
        One row per epoch (per iteration for 'lbfgs'), over all calls to
        ``fit`` and ``partial_fit`` since the model was last initialised:
        ``epoch``, ``train_loss``, ``validation_loss``, ``validation_score``,
        ``learning_rate`` and ``seconds``.
    <shared: n_iter_to_n_outputs>
        Number of output units.

    out_activation_ : {'logistic', 'softmax'}
        The output layer's activation.

    See Also
    --------
    sklearn.neural_network.MLPClassifier : The multi-layer perceptron of scikit-learn.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn_backprop import BackpropClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
    >>> clf = BackpropClassifier(hidden_layer_sizes=(16,), learning_rate_init=0.01,
    ...                          max_iter=300, tol=1e-3, random_state=0).fit(X_train, y_train)
    >>> clf.predict(X_test[:5])
    array([2, 1, 0, 2, 0])
    >>> clf.predict_proba(X_test[:2]).round(2)
    array([[0.  , 0.01, 0.99],
           [0.  , 0.98, 0.02]])
    >>> round(clf.score(X_test, y_test), 3)
    0.974
    """
    )

    _parameter_constraints = {
        **SHARED_CONSTRAINTS,
        "loss": [StrOptions({"log_loss", "squared_error"})],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self, hidden_layer_sizes=(100,), activation="logistic", *, loss="log_loss", solver="adam",
        alpha=1e-4, batch_size="auto", learning_rate="constant", learning_rate_init=0.001,
        power_t=0.5, max_iter="auto", shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True, early_stopping="auto",
        validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8, n_iter_no_change=10,
        max_fun=15000, class_weight=None, on_interrupt="raise",
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
        self.class_weight = class_weight
        self.on_interrupt = on_interrupt
        self.dropout = dropout
        self.input_dropout = input_dropout
        self.mlp_parity = mlp_parity

    def _new_targets(self):
        return ClassLabels(self.class_weight)

    def _model_targets(self):
        return ClassLabels.of_model(self, self.class_weight)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Train the network: from random weights, or from the current ones with warm_start.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The training input. float32 trains in float32, anything else
            numeric in float64.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Class labels, or a binary indicator matrix (dense or sparse) for
            multilabel targets.
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
        self : BackpropClassifier
            The fitted classifier.
        """
        validation = self._validation_arguments(X_val, y_val, sample_weight_val)
        return self._fit(X, y, sample_weight, validation=validation, incremental=False)

    @available_if(BackpropEstimator._partial_fit_is_possible)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch over (X, y), continuing from the current weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            A batch of training input.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Its class labels or label indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weight of each sample.
        classes : array-like of shape (n_classes,), default=None
            Every class the model will ever see. Required on the first call
            (unless the model was fitted before); a later call's must be the
            same (for a label indicator y: one entry per column). With
            ``coefs_`` and ``intercepts_`` set by hand on a new model, the
            first call trains from them.

        Returns
        -------
        self : BackpropClassifier
            The updated classifier.
        """
        self._check_partial_fit()
        if self.class_weight == "balanced":
            raise ValueError(
                "class_weight='balanced' needs the whole training set; for partial_fit, "
                "pass class_weight=dict(zip(classes, compute_class_weight('balanced', "
                "classes=classes, y=y_all)))."
            )
        if not hasattr(self, "classes_") and classes is None:
            raise ValueError(
                "classes must be passed on the first call to partial_fit: the model "
                "needs to know every class it will see, e.g. classes=np.unique(y_all)."
            )
        return self._fit(X, y, sample_weight, classes=classes, incremental=True)

    def _predict_proba(self, X, method):
        logits = self._raw_output(X, method)
        xp = namespace(logits)
        if self.n_outputs_ == 1 and not self._multilabel:
            # sigmoid(-z) rather than 1 - sigmoid(z): the latter rounds a small
            # probability such as 1e-21 to 0.
            proba = OUTPUT_ACTIVATIONS["logistic"](xp.concat([-logits, logits], axis=1))
        else:
            proba = OUTPUT_ACTIVATIONS[self.out_activation_](logits)
        # A probability that rounds to exactly 0 or 1 claims a certainty no
        # model has, and its log is -inf; keep it inside (0, 1) by moving it
        # to the nearest representable value there (1 - eps / 2 is the largest
        # float below 1).
        info = xp.finfo(proba.dtype)
        return into(xp, "clip", proba, info.smallest_normal, 1 - info.eps / 2, out=proba)

    @dask_aware
    def predict_proba(self, X):
        """Probability of each class for each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input (with ``array_api_dispatch``, an array of the library and
            device the model was fitted on).

        Returns
        -------
        proba : array of shape (n_samples, n_classes)
            Class probabilities in the order of ``classes_``; rows sum to 1
            except for multilabel targets, where each column is the
            probability of that label on its own. In the input's namespace.
        """
        return self._predict_proba(X, "predict_proba")

    @dask_aware
    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``: finite, as no probability is exactly 0.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input.

        Returns
        -------
        log_proba : array of shape (n_samples, n_classes)
            Log-probabilities, at least ``log(np.finfo(dtype).tiny)`` (about
            -708 in float64, -87 in float32).
        """
        proba = self._predict_proba(X, "predict_log_proba")
        return namespace(proba).log(proba)

    @dask_aware
    def predict(self, X):
        """Predict the class (or, for multilabel targets, the labels) of each sample.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input.

        Returns
        -------
        y_pred : array of shape (n_samples,) or (n_samples, n_labels)
            Predicted class labels, or a label indicator matrix. In the
            input's namespace, except for labels that only NumPy holds
            (strings, objects): then a NumPy array.
        """
        proba = self._predict_proba(X, "predict")
        xp = namespace(proba)
        if self._multilabel:
            return xp.astype(proba > 0.5, xp.int64)
        indices = xp.argmax(proba, axis=1)
        if xp is np or isinstance(self.classes_, np.ndarray):
            # NumPy labels (strings, ...) are picked on the host.
            return self.classes_[to_numpy(indices)]
        return xp.take(self.classes_, indices, axis=0)

    score = dask_aware(ClassifierMixin.score)  # a lazy Dask scalar for Dask input

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
