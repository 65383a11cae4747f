"""Class labels, their 0/1 encoding for the network, and per-sample weights."""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import column_or_1d
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import type_of_target


def fit_classes(y, classes=None):
    """The sorted classes of ``y`` (or ``classes``), and whether ``y`` is multilabel."""
    target_type = type_of_target(y, input_name="y")
    if target_type == "multilabel-indicator":
        return np.arange(y.shape[1]), True
    if target_type not in ("binary", "multiclass"):
        raise ValueError(
            "BackpropClassifier supports binary, multiclass and multilabel-indicator "
            f"targets, got a {target_type!r} target."
        )
    found = np.unique(y if classes is None else column_or_1d(classes))
    if len(found) < 2:
        holds = f"only one class: {found.tolist()[0]!r}" if len(found) else "no class"
        raise ValueError(
            f"BackpropClassifier needs samples of at least 2 classes, but the data holds {holds}."
        )
    return found, False


def binarize(y, classes, multilabel, dtype):
    """Targets as a 0/1 matrix of ``dtype``: one column for binary targets, else one per class."""
    if multilabel:
        if y.ndim != 2 or y.shape[1] != len(classes):
            raise ValueError(
                f"y must be a label indicator matrix with {len(classes)} columns, as "
                f"in the first fit, got shape {y.shape}."
            )
        if not np.isin(y, (0, 1)).all():
            raise ValueError("A multilabel indicator matrix y must hold only 0 and 1.")
        return np.asarray(y, dtype=dtype)
    if y.ndim != 1:
        raise ValueError(f"This model was fitted on a 1-D target; got y of shape {y.shape}.")
    unseen = np.setdiff1d(y, classes)
    if unseen.size:
        raise ValueError(
            f"y holds labels {unseen.tolist()} that are not among the classes "
            f"{classes.tolist()} given on the first call to fit or partial_fit."
        )
    # Every label is one of the sorted classes now: its column is where it
    # sorts among them. (label_binarize gives the same, after validation that
    # costs ~0.9 ms a call: most of a small partial_fit.)
    columns = np.searchsorted(classes, y)
    if len(classes) == 2:
        return (columns == 1).astype(dtype)[:, None]
    Y = np.zeros((y.shape[0], len(classes)), dtype)
    Y[np.arange(y.shape[0]), columns] = 1
    return Y


def class_indices(Y):
    """The index in ``classes`` of each sample's class, from the binarized targets."""
    return Y[:, 0].astype(int) if Y.shape[1] == 1 else Y.argmax(axis=1)


def class_weight_vector(class_weight, classes, Y):
    """The weight of each class in ``classes`` from ``class_weight`` ('balanced' or a dict)."""
    if isinstance(class_weight, dict):
        unknown = set(class_weight) - set(classes.tolist())
        if unknown:
            raise ValueError(
                f"class_weight names classes {sorted(unknown, key=str)} that are not "
                f"among the classes {classes.tolist()}."
            )
        # A negative weight would have training maximise that class's loss.
        invalid = {
            label: weight for label, weight in class_weight.items() if not _is_weight(weight)
        }
        if invalid:
            raise ValueError(
                f"class_weight must give each class a finite, non-negative weight; got {invalid}."
            )
    # compute_class_weight's 'balanced' weighs by the class counts in y.
    return compute_class_weight(class_weight, classes=classes, y=classes[class_indices(Y)])


def weigh_classes(sample_weight, class_weights, Y, dtype):
    """``sample_weight`` (None: all 1) times each sample's class weight."""
    if class_weights is None:
        return sample_weight
    weights = class_weights[class_indices(Y)].astype(dtype)
    return weights if sample_weight is None else sample_weight * weights


def _is_weight(value):
    """Whether ``value`` is a finite, non-negative number."""
    try:
        weight = float(value)
    except (TypeError, ValueError):
        return False
    return bool(np.isfinite(weight) and weight >= 0)


def weights_name(sample_weight, class_weights, sample_weight_name="sample_weight"):
    """How an error should name the weights in play: what the user gave."""
    given = [sample_weight_name] if sample_weight is not None else []
    given += ["class_weight"] if class_weights is not None else []
    return " times ".join(given)


def check_positive_total(weights, name, purpose="learn from"):
    """Refuse weights that are zero for every sample: nothing could be learned or scored."""
    if not weights.any():
        raise ValueError(f"{name} is zero for every sample: nothing to {purpose}.")


def check_weighted_classes(Y, sample_weight, name="sample_weight"):
    """Refuse weights (``name`` in the message) that leave fewer than two classes to learn from."""
    weighted_classes = np.unique(class_indices(Y)[sample_weight > 0])
    if len(weighted_classes) < 2:
        raise ValueError(
            f"{name} leaves only one class with positive weight; "
            "BackpropClassifier needs samples of at least 2 classes."
        )


def stratification_codes(Y):
    """What early stopping's hold-out is stratified by: as in MLPClassifier, binary targets only.

    One integer per sample (its class) for one output column, None (a random
    split) for multiclass and multilabel targets. MLPClassifier passes its
    0/1 target column, which ``train_test_split`` turns into strings; the
    integers sort as they do, so the same random state holds out the same
    samples.
    """
    return class_indices(Y) if Y.shape[1] == 1 else None


def target_array(y):
    """Validated ``y`` as the targets' code reads it: dense, and 1-D if it has one column."""
    if sp.issparse(y):  # a sparse label indicator matrix, which MLPClassifier takes too
        y = y.toarray()
    if y.ndim == 2 and y.shape[1] == 1:
        y = column_or_1d(y, warn=True)
    return y


def check_split_weights(train_weights, validation_weights):
    """Refuse a random hold-out that left one side with no weight: it could not be used."""
    for part, weights in (("validation", validation_weights), ("training", train_weights)):
        if not weights.any():
            raise ValueError(
                f"Every sample of the {part} set that early_stopping's random hold-out "
                "left has zero weight (sample_weight, class_weight): nothing to "
                f"{'score' if part == 'validation' else 'learn from'}. Change "
                "validation_fraction or random_state, or pass X_val, y_val and "
                "sample_weight_val."
            )
