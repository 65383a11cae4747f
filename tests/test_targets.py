"""The 0/1 encoding of class labels the network trains on."""

import numpy as np
import pytest
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import label_binarize

from sklearn_backprop._targets import binarize, fit_classes, stratification_codes

LABELS = {
    "int": np.array([3, 1, 2, 3, 1, 1]),
    "float": np.array([1.0, -1.0, 2.0, 1.0, 2.0, 2.0]),
    "str": np.array(["cat", "dog", "ant", "dog", "cat", "cat"]),
    "object": np.array(["b", "a", "c", "a", "b", "c"], dtype=object),
    "bool": np.array([True, False, False, True, True, False]),
    "binary-int": np.array([7, 2, 2, 7, 2, 7]),
    "binary-str": np.array(["yes", "no", "no", "yes", "no", "yes"]),
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kind", LABELS)
def test_binarize_matches_label_binarize(kind, dtype):
    y = LABELS[kind]
    classes, multilabel = fit_classes(y)
    Y = binarize(y, classes, multilabel, dtype)
    assert Y.dtype == dtype
    np.testing.assert_array_equal(Y, label_binarize(y, classes=classes))


def test_binarize_takes_labels_of_another_dtype_that_equal_the_classes():
    classes = np.array([0, 1, 2])
    Y = binarize(np.array([2.0, 0.0, 1.0]), classes, False, np.float64)
    np.testing.assert_array_equal(Y, np.eye(3)[[2, 0, 1]])


@pytest.mark.parametrize(
    ("classes", "y", "unseen"),
    [
        (np.array([0, 1, 2]), np.array([0, 3, 1]), "[3]"),
        (np.array(["a", "b"]), np.array(["a", "c", "d"]), "['c', 'd']"),
        (np.array([1, 2, 3]), np.array(["1", "2"]), "['1', '2']"),
    ],
)
def test_binarize_refuses_labels_outside_the_classes(classes, y, unseen):
    with pytest.raises(ValueError, match=r"y holds labels " + unseen.replace("[", r"\[")):
        binarize(y, classes, False, np.float64)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_stratification_codes_split_as_the_target_column_does(dtype):
    # MLPClassifier stratifies by its 0/1 target column (2-D); unequal class
    # sizes, so that the order of the classes changes the split.
    y = np.random.default_rng(0).choice(2, 300, p=[0.3, 0.7])
    Y = binarize(y, np.arange(2), False, dtype)
    rows = np.arange(len(y))
    for seed in range(3):
        expected = train_test_split(rows, test_size=0.1, random_state=seed, stratify=Y)
        got = train_test_split(
            rows, test_size=0.1, random_state=seed, stratify=stratification_codes(Y)
        )
        np.testing.assert_array_equal(got[0], expected[0])
        np.testing.assert_array_equal(got[1], expected[1])


@pytest.mark.parametrize("n_classes", [3, 12])
def test_multiclass_and_multilabel_hold_outs_are_random_as_in_mlpclassifier(n_classes):
    y = np.arange(60) % n_classes
    assert stratification_codes(binarize(y, np.arange(n_classes), False, np.float64)) is None
    Y = (np.random.default_rng(0).random((60, 3)) > 0.5).astype(float)
    assert stratification_codes(Y) is None
