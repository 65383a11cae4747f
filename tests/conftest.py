"""Fixtures shared by the tests."""

import pytest
from sklearn.datasets import load_iris


@pytest.fixture(scope="module")
def iris():
    """Iris, standardised: (X, y)."""
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


@pytest.fixture(scope="module")
def client():
    """A ``distributed.Client`` on a two-worker LocalCluster (``_helpers.local_cluster``).

    One per test module: a search's task count (``test_dask``) depends on
    how warm the workers are.
    """
    distributed = pytest.importorskip("distributed")
    from ._helpers import local_cluster

    with local_cluster() as cluster, distributed.Client(cluster, timeout="60s") as client:
        yield client
