"""Targets as the network sees them: class labels binarized, or regression values.

Classification and regression differ here only: ``ClassLabels`` and
``RegressionTargets`` give the data preparation (``_data``) the same methods.
"""

import numpy as np
import scipy.sparse as sp
from sklearn.utils import column_or_1d
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target

from ._target_scale import standardized, target_statistics, weighted_moments
from ._xp import device_of, namespace
from ._xp import to_numpy as to_host


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
    # sorts among them (label_binarize gives the same after validating again).
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
    samples. A class of a single sample cannot be split in two: then the
    split is random too (where MLPClassifier raises train_test_split's error).
    """
    if Y.shape[1] != 1:
        return None
    codes = class_indices(Y)
    return codes if np.bincount(codes).min() >= 2 else None


def r_squared(residual, total):
    """R² averaged over the targets, from each one's residual and total sums of squares.

    r2_score's rule for a constant target (no total): 1 if predicted exactly,
    else 0. On NumPy arrays, or lazily on Dask's (``np.where`` dispatches).
    """
    residual, total = residual.astype(np.float64), total.astype(np.float64)
    constant = total <= 0  # sums of squares taken apart by chunks may round below 0
    fitted = 1.0 - residual / np.where(constant, 1.0, total)
    return np.where(constant, np.where(residual == 0, 1.0, 0.0), fitted).mean()


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


def check_no_missing_labels(y):
    """Refuse missing labels (None, NaN, pd.NA), saying where, before anything sorts them."""
    if sp.issparse(y) or (isinstance(y, np.ndarray) and y.dtype.kind in "biuf"):
        return  # numeric input: scikit-learn's own check names NaN in y
    import pandas as pd

    values = np.asarray(y, dtype=object)
    if values.ndim != 1:
        return
    missing = np.flatnonzero(pd.isna(values))
    if missing.size:
        raise ValueError(
            f"y has {missing.size} missing label(s) (None, NaN or pd.NA), e.g. at position "
            f"{missing[0]}: drop those samples or give them a label."
        )


class ClassLabels:
    """Classification targets: labels found and binarized, and ``class_weight`` applied."""

    y_numeric = False
    standardize = False  # 0/1 targets need no scaling

    def __init__(self, class_weight=None, classes=None, multilabel=False):
        self.class_weight = class_weight
        self.classes, self.multilabel = classes, multilabel
        self.class_weights = None  # per class, once computed from the training targets

    @classmethod
    def of_model(cls, estimator, class_weight):
        """The targets a fitted classifier was trained on."""
        return cls(class_weight, to_host(estimator.classes_), estimator._multilabel)

    def fitted_attributes(self):
        return {"classes_": self.classes, "_multilabel": self.multilabel}

    @property
    def n_outputs(self):
        return 1 if len(self.classes) == 2 and not self.multilabel else len(self.classes)

    def out_activation(self, loss):
        return "softmax" if not self.multilabel and len(self.classes) > 2 else "logistic"

    def check_raw(self, y):
        check_no_missing_labels(y)

    def check(self, y):
        y = target_array(y)
        check_classification_targets(y)
        return y

    def learn(self, y, classes=None):
        self.classes, self.multilabel = fit_classes(y, classes)
        if classes is not None and self.multilabel and len(classes) != len(self.classes):
            raise ValueError(
                f"classes has {len(classes)} entries, but the label indicator matrix y has "
                f"{len(self.classes)} columns: classes must name one per column."
            )

    def learn_scale(self, y, sample_weight):
        pass  # class labels are encoded 0/1: nothing to standardize

    def check_resumed(self, y, classes, warm_start):
        """A later fit's targets against the model's: the same classes (warm start, ``classes``)."""
        if classes is not None:
            given = (
                np.unique(column_or_1d(classes)) if not self.multilabel else np.arange(len(classes))
            )
            if not np.array_equal(given, self.classes):
                raise ValueError(
                    f"classes={np.asarray(classes).tolist()} is not the same as on the first "
                    f"call to partial_fit (or fit), which had {self.classes.tolist()}."
                )
        if warm_start:
            found, _ = fit_classes(y)
            if not np.array_equal(found, self.classes):
                raise ValueError(
                    "warm_start needs y to have the same classes as the previous fit: "
                    f"had {self.classes.tolist()}, y has {found.tolist()}."
                )

    def encode(self, y, dtype):
        return binarize(y, self.classes, self.multilabel, dtype)

    def weights(self, Y, sample_weight, dtype, name, *, training):
        """Each sample's weight, ``sample_weight`` times its class's, checked (None: all 1)."""
        if training and self.class_weight is not None:
            if self.multilabel:
                raise ValueError("class_weight is not supported for multilabel targets.")
            self.class_weights = class_weight_vector(self.class_weight, self.classes, Y)
        full_name = weights_name(sample_weight, self.class_weights, name)
        if sample_weight is None and self.class_weights is not None and not training:
            full_name += " on the validation data"  # the class weights alone: say where
        weights = weigh_classes(sample_weight, self.class_weights, Y, dtype)
        if weights is not None:
            check_positive_total(weights, full_name, "learn from" if training else "score")
        return weights, full_name

    def check_learnable(self, Y, weights, name):
        if weights is not None and not self.multilabel:
            check_weighted_classes(Y, weights, name)

    def stratify(self, Y):
        return stratification_codes(Y)

    def score(self, Y, output, sample_weight):
        """Accuracy of the network's ``output`` against the encoded targets ``Y``."""
        xp = namespace(output)
        if self.multilabel:
            correct = xp.all((output > 0.5) == (Y > 0.5), axis=1)
        elif Y.shape[1] == 1:
            correct = (output[:, 0] > 0.5) == (Y[:, 0] > 0.5)
        else:
            correct = xp.argmax(output, axis=1) == xp.argmax(Y, axis=1)
        if sample_weight is None:
            return int(xp.count_nonzero(correct)) / correct.shape[0]
        correct_weight = xp.sum(xp.astype(correct, sample_weight.dtype) * sample_weight)
        return float(correct_weight) / float(xp.sum(sample_weight))


class RegressionTargets:
    """Regression targets: float values, one column or many (``n_outputs``)."""

    y_numeric = True

    def __init__(self, loss, n_outputs=None, *, standardize=False, offset=None, scale=None):
        self.loss, self.n_outputs, self.standardize = loss, n_outputs, standardize
        self.offset, self.scale = offset, scale  # training units: (y - offset) / scale

    @classmethod
    def of_model(cls, estimator, loss):
        """The targets of a fitted regressor, in the units its first fit chose."""
        offset, scale = (
            getattr(estimator, "_target_offset", None),
            getattr(estimator, "_target_scale", None),
        )
        if scale is not None:
            offset, scale = np.asarray(offset), np.asarray(scale)
        return cls(loss, estimator.n_outputs_, offset=offset, scale=scale)

    def fitted_attributes(self):
        # Lists of floats: host-side numbers, whatever library the weights live in.
        if self.scale is None:
            return {"_target_offset": None, "_target_scale": None}
        return {"_target_offset": self.offset.tolist(), "_target_scale": self.scale.tolist()}

    def out_activation(self, loss):
        return "exp" if loss == "poisson" else "identity"

    def check_raw(self, y):
        pass

    def check(self, y):
        return target_array(y)

    def learn(self, y, classes=None):
        self.n_outputs = 1 if y.ndim == 1 else y.shape[1]

    def learn_scale(self, y, sample_weight):
        """Standardize with the (weighted) moments of ``y``, if asked to (``_target_scale``)."""
        if self.standardize:
            self.use_moments(*weighted_moments(self._values(y, np.float64), sample_weight))

    def use_moments(self, mean, std):
        self.offset, self.scale = target_statistics(mean, std, self.loss)

    def check_resumed(self, y, classes, warm_start):
        n_outputs = 1 if y.ndim == 1 else y.shape[1]
        if n_outputs != self.n_outputs:
            raise ValueError(
                f"y has {n_outputs} target(s), but the model was fitted on {self.n_outputs}; "
                "fit with warm_start=False to start over with the new targets."
            )

    def encode(self, y, dtype):
        Y = self._values(y, dtype)
        return Y if self.scale is None else standardized(Y, self.offset, self.scale)

    def _values(self, y, dtype):
        Y = np.asarray(y, dtype=dtype)
        Y = Y[:, None] if Y.ndim == 1 else Y  # (no reshape: a chunk on a cluster may be empty)
        if Y.shape[1] != self.n_outputs:  # validation targets, against the training ones
            raise ValueError(
                f"y has {Y.shape[1]} target(s), but the training y has {self.n_outputs}."
            )
        if self.loss == "poisson" and (Y < 0).any():
            raise ValueError(
                f"loss='poisson' needs non-negative y (counts, rates); y holds "
                f"{np.count_nonzero(Y < 0)} negative value(s), e.g. {Y[Y < 0][0]}."
            )
        return Y

    def weights(self, Y, sample_weight, dtype, name, *, training):
        if sample_weight is not None:
            check_positive_total(sample_weight, name, "learn from" if training else "score")
        return sample_weight, name

    def check_learnable(self, Y, weights, name):
        pass

    def stratify(self, Y):
        return None

    def score(self, Y, output, sample_weight):
        """The coefficient of determination R², averaged over the targets (as r2_score)."""
        xp = namespace(output)
        if sample_weight is None:
            sample_weight = xp.ones(Y.shape[0], dtype=Y.dtype, device=device_of(Y))
        weights = sample_weight[:, None]
        mean = xp.sum(weights * Y, axis=0) / xp.sum(sample_weight)
        residual = xp.sum(weights * (Y - output) ** 2, axis=0)
        total = xp.sum(weights * (Y - mean) ** 2, axis=0)
        return float(r_squared(to_host(residual), to_host(total)))
