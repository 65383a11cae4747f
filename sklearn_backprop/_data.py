"""Data preparation: X, y, weights and a validation set checked, the targets encoded.

``prepare`` returns one ``PreparedData``; classification and regression
differ only in the ``targets`` object they pass (``_targets``). ``hold_out``
splits early stopping's validation set off the training data.
"""

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import validate_data

from ._columns import with_readable_names
from ._compat import _check_sample_weight
from ._targets import check_split_weights
from ._xp import move

NAN_IN_X = "Input X contains NaN."


@dataclass
class DataSet:
    """Inputs, encoded targets (one column per output) and sample weights (None: all 1)."""

    X: object
    Y: object
    sample_weight: object

    def moved(self, xp, device):
        return DataSet(*(move(array, xp, device) for array in (self.X, self.Y, self.sample_weight)))


@dataclass
class PreparedData:
    train: DataSet
    validation: DataSet | None  # the user's X_val, y_val; None until held out


def _validated(estimator, X, y, targets, dtype, reset):
    targets.check_raw(y)
    try:
        X, y = validate_data(
            estimator, with_readable_names(X), y, accept_sparse=["csr", "csc"], multi_output=True,
            y_numeric=targets.y_numeric, dtype=dtype, reset=reset,
        )  # fmt: skip
    except ValueError as error:
        # scikit-learn's message says the estimator takes no NaN at all, but a new
        # model's DataFrame is imputed (a resumed model keeps its first encoding).
        if estimator.mlp_parity or not reset or not str(error).startswith(NAN_IN_X):
            raise
        raise ValueError(
            f"{NAN_IN_X} {type(estimator).__name__} imputes the missing values of a "
            "DataFrame's columns (with a missing indicator), not those of an array: pass "
            "X as a pandas DataFrame, or impute it first (sklearn.impute.SimpleImputer)."
        ) from None
    return X, targets.check(y)


def _sample_weight(sample_weight, X):
    if sample_weight is None:
        return None
    return _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)


def prepare(estimator, inputs, targets, preparation):
    """Validate a fit's data (``FitInputs``) and encode its targets: a ``PreparedData``.

    ``preparation.learn``: the targets are found in ``y`` (a new model, or
    weights set by hand) and the input's width and names recorded on
    ``estimator``, as scikit-learn's ``validate_data`` does; otherwise both
    are checked against the model's.
    """
    learn = preparation.learn
    record = learn or preparation.encoded
    X, y = _validated(estimator, inputs.X, inputs.y, targets, preparation.dtype, record)
    check_input_scale(X)
    sample_weight = _sample_weight(inputs.sample_weight, X)
    if learn:
        targets.learn(y, inputs.classes)
        targets.learn_scale(y, sample_weight)
    else:
        targets.check_resumed(y, inputs.classes, preparation.same_classes)
    Y = targets.encode(y, X.dtype)
    weights, name = targets.weights(Y, sample_weight, X.dtype, "sample_weight", training=True)
    if not preparation.incremental:
        targets.check_learnable(Y, weights, name)
    validation = inputs.validation
    if validation is not None:
        validation = _validation_set(estimator, validation, targets, X.dtype)
    return PreparedData(DataSet(X, Y, weights), validation)


def _validation_set(estimator, validation, targets, dtype):
    """The user's validation data, checked like the training data."""
    X_val, y_val, sample_weight_val = validation
    try:  # the checks of the training data, whose messages say "X", "y"...
        X_val, y_val = _validated(estimator, X_val, y_val, targets, dtype, reset=False)
        Y_val = targets.encode(y_val, dtype)
        sample_weight_val = _sample_weight(sample_weight_val, X_val)
    except ValueError as error:  # ...so say which data they are about
        raise ValueError(
            f"In the validation data (X_val, y_val, sample_weight_val): {error}"
        ) from error
    # Validation samples are weighed as training samples are.
    weights, _ = targets.weights(
        Y_val, sample_weight_val, dtype, "sample_weight_val", training=False
    )
    return DataSet(X_val, Y_val, weights)


def hold_out(train, fraction, rng, stratify):
    """Split ``fraction`` of ``train`` off as early stopping's validation set (as MLPClassifier).

    Returns the training and the validation ``DataSet``.
    """
    arrays = [train.X, train.Y] + ([] if train.sample_weight is None else [train.sample_weight])
    split = train_test_split(*arrays, test_size=fraction, random_state=rng, stratify=stratify)
    X, X_val, Y, Y_val = split[:4]
    sample_weight, sample_weight_val = split[4:] if len(split) > 4 else (None, None)
    if X_val.shape[0] < 2:
        raise ValueError(
            f"The validation set holds {X_val.shape[0]} sample(s): increase "
            "validation_fraction, or pass X_val and y_val."
        )
    if sample_weight is not None:
        check_split_weights(sample_weight, sample_weight_val)
    return DataSet(X, Y, sample_weight), DataSet(X_val, Y_val, sample_weight_val)


def check_input_scale(X):
    """Refuse features so large that a sum of them with weights of order 1 overflows.

    Such products saturate every unit (a sigmoid's output is then exactly 0 or
    1, its gradient 0): the fit would succeed and learn nothing.
    """
    largest = max(abs(float(X.max())), abs(float(X.min())))
    limit = float(np.finfo(X.dtype).max)
    if largest * X.shape[1] > limit:
        raise ValueError(
            f"X holds values up to {largest:.3g}: a sum of its {X.shape[1]} feature(s) with "
            f"weights of order 1 overflows {X.dtype} (largest {limit:.3g}), and the network's "
            "units would saturate and learn nothing. Scale the input (e.g. with "
            "StandardScaler)."
        )
