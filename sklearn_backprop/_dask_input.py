"""Telling Dask input apart, without importing Dask (an optional extra: ``[dask]``).

The estimators' methods divert Dask collections here to ``_distributed``
(training) and ``_dask_predict`` (prediction); NumPy input never reaches either.
"""

import sys
from functools import wraps


def is_dask_collection(data):
    """Whether ``data`` is a Dask collection (array, DataFrame, Series).

    Dask cannot have made one unless it is imported already, so ``sys.modules``
    answers without importing it.
    """
    return sys.modules.get("dask") is not None and hasattr(type(data), "__dask_graph__")


def dask_aware(method):
    """``method(self, X, ...)``, computed chunk by chunk on the cluster when X is a Dask collection.

    The result is then a lazy Dask collection (a Dask scalar for ``score``).
    """

    @wraps(method)
    def dispatching(self, X, *args, **kwargs):
        if is_dask_collection(X):
            from ._dask_predict import on_cluster

            return on_cluster(self, method.__name__, X, *args, **kwargs)
        return method(self, X, *args, **kwargs)

    return dispatching
