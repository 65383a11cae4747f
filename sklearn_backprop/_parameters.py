"""The parameters both estimators share: their constraints and the text documenting them.

The classifier's and the regressor's docstrings describe the shared
parameters and attributes in the same words; each keeps its own text and
names a shared passage by a ``<shared: name>`` line, filled in here, so that
the two cannot drift apart.
"""

from numbers import Integral, Real

import numpy as np

from ._compat import Interval, Options, StrOptions

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

_SHARED_TEXT = {
    "solver_to_tol": """
    solver : {'adam', 'sgd', 'lbfgs'}, default='adam'
        'sgd' is stochastic gradient descent with (Nesterov's) momentum,
        'adam' the Adam method of Kingma and Ba, both on mini-batches;
        'lbfgs' is scipy's quasi-Newton L-BFGS-B on the whole data set, often
        the best choice for small data.

    alpha : float, default=1e-4
        Strength of the L2 penalty ``alpha / 2 * sum(||W||^2)`` on the weights
        (not the biases), divided by the batch's total sample weight.

    batch_size : int or 'auto', default='auto'
        Samples per mini-batch; 'auto' is ``min(200, n_samples)``. Not used
        by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        The step size schedule of 'sgd'. 'invscaling' uses
        ``learning_rate_init / (t + 1) ** power_t`` after ``t`` samples;
        'adaptive' divides the step by 5 each time the stopping rule fires,
        and stops once it is below 1e-6.

    learning_rate_init : float, default=0.001
        The initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        The exponent of the 'invscaling' schedule.

    max_iter : int or 'auto', default='auto'
        Maximum number of epochs (passes over the training data) of 'sgd' and
        'adam', or of iterations of 'lbfgs'. 'auto' is 1000 epochs that end
        training without a ConvergenceWarning, as part of the stopping rule (a
        fit still improving by then overfits); 200, which warn, for 'lbfgs'
        and with ``mlp_parity``.

    shuffle : bool, default=True
        Whether to visit the samples in a new random order every epoch.

    random_state : int, RandomState instance or None, default=None
        Seeds the initial weights, the validation split and the shuffling;
        an int makes ``fit`` reproducible bit for bit.

    tol : float, default=1e-4
        Training stops once the monitored value (the training loss, or the
        validation loss with ``early_stopping``; with ``mlp_parity`` the""",
    "n_iter_no_change_to_early_stopping": """\
        than ``n_iter_no_change`` epochs in a row. For 'lbfgs' it is the
        gradient tolerance.

    verbose : bool or int, default=False
        Print one line per epoch (per iteration for 'lbfgs'): the losses,
        the validation score and the time taken.

    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights (for up to
        ``max_iter`` further epochs) instead of starting afresh.

    momentum : float, default=0.9
        Momentum of the 'sgd' solver, in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool or 'auto', default='auto'
        Whether to stop when the validation loss stops improving, and keep
        the weights of its best epoch. The validation set is ``X_val``,
        ``y_val`` when given to ``fit``, else a random ``validation_fraction``""",
    "validation_fraction_to_max_fun": """
    validation_fraction : float, default=0.1
        The share of the training data held out for early stopping, in (0, 1).

    beta_1, beta_2 : float, default=0.9, 0.999
        Decay rates of Adam's first and second moment estimates, in [0, 1).

    epsilon : float, default=1e-8
        Adam's guard against division by zero.

    n_iter_no_change : int or np.inf, default=10
        Training stops after ``n_iter_no_change + 1`` epochs in a row
        without an improvement of ``tol``; ``np.inf`` never stops early. On
        the validation loss, it waits 100 optimizer steps at least.

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.""",
    "on_interrupt_to_mlp_parity": """
    on_interrupt : {'raise', 'stop'}, default='raise'
        What Ctrl-C during training does once the model holds the weights of
        the last completed epoch (with early stopping, of the best epoch so
        far, as when training ends): 'raise' re-raises KeyboardInterrupt to
        the caller, 'stop' ends training there with a warning and returns the
        model, as if ``max_iter`` had been reached.

    dropout : float or array-like of float, default=0.0
        Inverted dropout on the hidden units while training with 'sgd' or
        'adam': each batch, every hidden unit's output is set to 0 with this
        probability (one rate for every hidden layer, or one per hidden
        layer, each in [0, 1)) and the others are scaled by
        ``1 / (1 - rate)``, so that prediction, which drops nothing, needs
        no change. Masks come from ``random_state``, a new one per batch;
        ``loss_curve_`` is the loss with the masks applied, validation
        figures are computed without them. Not for 'lbfgs'.

    input_dropout : float, default=0.0
        The same for the input features, in [0, 1).

    mlp_parity : bool, default=False""",
    "n_iter_to_n_outputs": """
    n_iter_ : int
        The number of epochs (iterations for 'lbfgs') run by the last call to
        ``fit`` or ``partial_fit``.

    t_ : int
        The number of training samples seen by the stochastic solvers.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the features seen during ``fit``, when ``X`` had string
        column names.

    column_transformer_ : ColumnTransformer or None
        The fitted scikit-learn transformer that encodes a DataFrame's
        columns, decided by their dtype: numeric and boolean columns have
        missing values (NaN, ``pd.NA``) imputed by the median, with an
        indicator column; category, string and object columns are one-hot
        encoded, missing values as a category, at most 20 columns each (the
        rarest categories grouped as infrequent); a category unseen at fit is
        encoded as infrequent, or as zeros. Fixed by the first fit. None where
        X goes as it is: arrays, DataFrames of plain numbers without missing
        values, ``mlp_parity=True``.

    input_columns_ : dict or None
        What each DataFrame column became, in words: ``{column: description}``.
        None where ``column_transformer_`` is.

    input_mean_, input_scale_ : ndarray of shape (n_inputs,) or None
        The network trains on ``(X - input_mean_) / input_scale_`` (X after
        ``column_transformer_``): statistics of the first fit, weighted by
        ``sample_weight``; the mean is 0 for sparse input, which is scaled,
        not centred. The map is folded into ``coefs_[0]`` and
        ``intercepts_[0]``, which act on the raw input. None with
        ``mlp_parity=True``.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int""",
}


def with_shared_text(docstring):
    """``docstring`` with each ``<shared: name>`` line replaced by the shared passage."""
    for name, text in _SHARED_TEXT.items():
        docstring = docstring.replace(f"    <shared: {name}>", text)
    return docstring
