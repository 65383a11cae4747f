"""The Array API policy: where an estimator computes, where its arrays live, and moving them.

Input checks run on the host with NumPy (the same checks and messages for
every library); training runs where X lives (``array_api_dispatch``), except
L-BFGS, which is scipy's and needs NumPy; the fitted arrays end where X
lives.
"""

import copy as copy_module

import array_api_compat
import numpy as np
from sklearn import get_config
from sklearn.utils.validation import check_is_fitted

from ._optimizers import STATE_ARRAYS
from ._xp import device_of, move, namespace, to_numpy


def input_namespace(X):
    """Where the estimator computes for input ``X``: ``(xp, device)``.

    The input's own library and device when scikit-learn's
    ``array_api_dispatch`` is on and ``X`` is an array of a library other
    than NumPy; NumPy (``(np, None)``) otherwise, converting as scikit-learn does.
    """
    if isinstance(X, np.ndarray):  # first: get_config() copies the configuration
        return np, None
    if not get_config()["array_api_dispatch"] or not array_api_compat.is_array_api_obj(X):
        return np, None
    return array_api_compat.array_namespace(X), array_api_compat.device(X)


def location(array):
    """``(namespace, device)`` of a model's array, as ``input_namespace`` gives them."""
    xp = namespace(array)
    return xp, None if xp is np else device_of(array)


def check_same_namespace(model_array, xp, device, caller):
    """Refuse input computing in ``(xp, device)`` for a model whose arrays live elsewhere.

    The wording follows scikit-learn's ``check_same_namespace``.
    """
    model_xp = namespace(model_array)
    if model_xp is xp and (xp is np or device_of(model_array) == device):
        return
    model_device = device_of(model_array)
    where = "NumPy" if xp is np else f"{xp.__name__} on {device}"
    raise ValueError(
        f"Inputs passed to {caller} must use the same namespace and the same device as "
        "those passed to fit(): the model's arrays are "
        f"{model_xp.__name__} on {model_device}, the input computes in {where}. Pass X "
        "from the library and device of the training data, with "
        "sklearn.set_config(array_api_dispatch=True), or move the model with "
        "sklearn_backprop.move_to_numpy(model)."
    )


def moved_weights(coefs, intercepts, optimizer_state, xp, device):
    """The weights, biases and optimizer state in namespace ``xp`` on ``device``."""
    state = dict(optimizer_state)
    for key in STATE_ARRAYS:
        if key in state:
            state[key] = [move(array, xp, device) for array in state[key]]
    return (
        [move(coef, xp, device) for coef in coefs],
        [move(intercept, xp, device) for intercept in intercepts],
        state,
    )


def moved_classes(classes, xp, device):
    """A classifier's labels in ``xp`` on ``device`` where every library can hold them."""
    # Labels that every library can hold and index; strings, objects and
    # unsigned integers (torch cannot index those) stay NumPy.
    if classes is not None and to_numpy(classes).dtype.kind in "bif":
        return move(classes, xp, device)
    return classes


def move_to_numpy(estimator):
    """Return a copy of a fitted model whose arrays are NumPy arrays on the host.

    A model fitted on PyTorch, CuPy or other Array API arrays (with
    ``sklearn.set_config(array_api_dispatch=True)``) keeps its weights in
    that library, on that device. This copy predicts NumPy input, pickles
    without the library installed, and exports with ``to_onnx`` or skops.
    The model itself is unchanged.

    Parameters
    ----------
    estimator : BackpropClassifier or BackpropRegressor
        A fitted model.

    Returns
    -------
    estimator : BackpropClassifier or BackpropRegressor
        A copy with every weight, bias and optimizer state as NumPy arrays.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_backprop import BackpropClassifier, move_to_numpy
    >>> X, y = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]), [0, 1, 1, 0]
    >>> clf = BackpropClassifier(hidden_layer_sizes=(3,), solver="lbfgs", random_state=0)
    >>> on_host = move_to_numpy(clf.fit(X, y))
    >>> type(on_host.coefs_[0]).__name__
    'ndarray'
    """
    check_is_fitted(estimator)
    state = estimator._optimizer_state
    arrays = [
        *estimator.coefs_, *estimator.intercepts_,
        *(array for key in STATE_ARRAYS for array in state.get(key, [])),
    ]  # fmt: skip
    if hasattr(estimator, "classes_"):
        arrays.append(estimator.classes_)
    if estimator.input_scale_ is not None:
        arrays += [estimator.input_mean_, estimator.input_scale_]
    # deepcopy copies everything else (the history too, so the two models
    # train independently) and takes these NumPy copies in place of the arrays,
    # without first copying them on their device.
    memo = {id(array): np.array(to_numpy(array)) for array in arrays}
    callbacks = getattr(estimator, "_skl_callbacks", None)
    memo[id(callbacks)] = callbacks  # callbacks are shared, as clone shares them
    return copy_module.deepcopy(estimator, memo)
