"""Output activations, losses and the error signal at the output layer.

A loss here is the *average over samples* (weighted by ``sample_weight``) of a
per-sample loss *summed over outputs*. Averaging, rather than the notebook's
summing, makes the learning rate independent of the batch size; summing over
outputs keeps the notebook's ``delta2 = (a2 - y) * a2 * (1 - a2)`` unchanged.
"""

from ._activations import logistic
from ._xp import into, namespace


def softmax(z):
    """Turn each row of ``z`` into probabilities, in place.

    The row maximum is subtracted first so that ``exp`` never overflows.
    """
    xp = namespace(z)
    z -= xp.max(z, axis=1, keepdims=True)
    z = into(xp, "exp", z, out=z)
    z /= xp.sum(z, axis=1, keepdims=True)
    return z


def identity(z):
    """The regression output for the squared error: ``z`` itself."""
    return z


def exp(z):
    """The regression output for the Poisson loss, ``exp(z)`` in place: always positive."""
    return into(namespace(z), "exp", z, out=z)


OUTPUT_ACTIVATIONS = {"logistic": logistic, "softmax": softmax, "identity": identity, "exp": exp}


def _mean_over_samples(losses, sample_weight):
    """The (weighted) mean over rows of ``losses``, summed over its columns if 2-D."""
    # np.average and np.mean do the same with enough Python overhead to show
    # in a training loop that calls this once per mini-batch; one sum over
    # all entries also skips a reduction along the short rows.
    xp = namespace(losses)
    if sample_weight is None:
        return float(xp.sum(losses)) / losses.shape[0]
    return float(xp.sum(sample_weight @ losses)) / float(xp.sum(sample_weight))


def binary_log_loss(y_true, y_prob, sample_weight=None):
    """Cross-entropy of independent sigmoid outputs (binary, multilabel) against 0/1 targets."""
    # Each output's loss is minus the log of the probability it gave to what
    # was observed: p where the target is 1, 1 - p where it is 0 (one log an
    # output, not two). A saturated output is exactly 0 or 1 in floating
    # point; the floor at the dtype's epsilon keeps the log finite and caps
    # the loss of one output at about 36 (float64) or 16 (float32).
    xp = namespace(y_prob)
    observed_prob = xp.where(y_true > 0, y_prob, 1 - y_prob)
    eps = xp.finfo(y_prob.dtype).eps
    log_probs = xp.log(into(xp, "maximum", observed_prob, eps, out=observed_prob))
    return -_mean_over_samples(log_probs, sample_weight)  # the sign on the mean, not every entry


def categorical_log_loss(y_true, y_prob, sample_weight=None):
    """Cross-entropy of softmax outputs against one-hot targets (multiclass)."""
    # With one-hot rows, the cross-entropy is minus the log of the probability
    # given to the true class: one log per sample instead of one per class.
    xp = namespace(y_prob)
    true_class_prob = xp.vecdot(y_true, y_prob)  # a third of the time of sum(y_true * y_prob)
    eps = xp.finfo(y_prob.dtype).eps
    log_probs = xp.log(into(xp, "maximum", true_class_prob, eps, out=true_class_prob))
    return -_mean_over_samples(log_probs, sample_weight)


def squared_error(y_true, y_prob, sample_weight=None):
    """Half the squared error, summed over outputs: the notebook's loss."""
    return _mean_over_samples(0.5 * (y_prob - y_true) ** 2, sample_weight)


def poisson(y_true, y_pred, sample_weight=None):
    """Half the Poisson deviance, ``y log(y / p) - y + p`` summed over outputs (0 log 0 = 0)."""
    xp = namespace(y_pred)
    positive = y_true > 0
    safe_true = xp.where(positive, y_true, xp.ones_like(y_true))  # no log(0) computed
    log_ratio = xp.where(positive, y_true * xp.log(safe_true / y_pred), xp.zeros_like(y_true))
    return _mean_over_samples(log_ratio - y_true + y_pred, sample_weight)


def loss_value(loss, out_activation, y_true, y_prob, sample_weight=None):
    """Evaluate ``loss`` ('log_loss', 'squared_error', 'poisson') for this output layer."""
    if loss == "squared_error":
        return squared_error(y_true, y_prob, sample_weight)
    if loss == "poisson":
        return poisson(y_true, y_prob, sample_weight)
    if out_activation == "softmax":
        return categorical_log_loss(y_true, y_prob, sample_weight)
    return binary_log_loss(y_true, y_prob, sample_weight)


def output_delta(loss, out_activation, y_true, y_prob, out=None):
    """Gradient of the per-sample loss with respect to the output layer's input z.

    Where the output activation is the loss's canonical link (log loss with
    the sigmoid or softmax, squared error with the identity, Poisson with
    exp), the chain rule collapses to ``y_prob - y_true``. The squared error
    of a classifier's outputs is not: the sigmoid contributes ``p * (1 - p)``
    (the notebook's delta2) and the softmax its Jacobian ``diag(p) - p p^T``.
    Written to ``out`` when given.
    """
    xp = namespace(y_prob)
    residual = into(xp, "subtract", y_prob, y_true, out=out)
    if loss == "log_loss" or out_activation in ("identity", "exp"):
        return residual
    if out_activation == "logistic":
        residual *= y_prob
        residual *= 1 - y_prob
        return residual
    projection = xp.sum(y_prob * residual, axis=1, keepdims=True)
    residual -= projection
    residual *= y_prob
    return residual
