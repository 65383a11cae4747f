"""Prediction's input and the network's raw output: where prediction transforms X.

Functions of a fitted estimator, so that both heads' ``predict`` methods
share one path from the user's ``X`` to the output layer's input ``z``.
"""

import numpy as np
from sklearn.utils.validation import check_is_fitted, validate_data

from ._columns import with_readable_names
from ._device import check_same_namespace, input_namespace
from ._network import check_finite_output, network_output
from ._xp import numpy_dtype, to_numpy


def weights_dtype(coef):
    return numpy_dtype(np.asarray(to_numpy(coef)).dtype)


def prediction_input(model, X, method):
    """``X`` checked and converted for the network: where prediction transforms X."""
    check_is_fitted(model)
    xp, device = input_namespace(X)
    check_same_namespace(model.coefs_[0], xp, device, f"{type(model).__name__}.{method}()")
    if model._column_encoder is not None:  # encoded as at fit, checked by name and kind
        return model._column_encoder.transform(X, dtype=weights_dtype(model.coefs_[0]))
    if xp is np:  # converted as fit converts: np.asarray refuses GPU arrays
        X = to_numpy(X)
    X = validate_data(
        model,
        with_readable_names(X),
        accept_sparse=["csr", "csc"],
        dtype=(xp.float64, xp.float32),
        reset=False,
    )
    if xp is not np and X.dtype != model.coefs_[0].dtype:
        # NumPy promotes mixed dtypes in a product; not every library does.
        X = xp.astype(X, model.coefs_[0].dtype)
    return X


def raw_output(model, X, method):
    """The output layer's input z for ``X``, checked finite, in X's namespace."""
    X = prediction_input(model, X, method)
    # Overflow shows up as non-finite outputs, reported below in plain words.
    with np.errstate(over="ignore", invalid="ignore"):
        z = network_output(X, model.coefs_, model.intercepts_, model.activation, None)
    check_finite_output(z)
    return z
