"""Fixtures shared by the tests."""

import pytest
from sklearn.datasets import load_iris


@pytest.fixture(scope="module")
def iris():
    """Iris, standardised: (X, y)."""
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y
