"""pytest set-up: scipy's Array API mode, BLAS threads under xdist, doctests of missing extras."""

import importlib.util
import os

# scikit-learn's array_api_dispatch needs scipy's Array API mode, which is
# read when scipy is first imported: set it before any test imports scipy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

collect_ignore = []
if importlib.util.find_spec("skl2onnx") is None:
    collect_ignore.append("sklearn_backprop/_onnx.py")
    collect_ignore.append("sklearn_backprop/_onnx_columns.py")
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("sklearn_backprop/_plotting.py")


def pytest_configure(config):
    """Under pytest-xdist, one BLAS thread per worker: a worker per core already.

    Two workers' BLAS threads on the same two cores spin against each other.
    threadpoolctl's limit, not an environment variable, so that a test may
    still raise it (the thread-count tests set two threads).
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import numpy  # noqa: F401  (load the BLAS libraries the limit applies to)
        import scipy.linalg  # noqa: F401
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")


# The modules whose tests take longest (10-45 s each: the fuzz tests, the
# examples run as scripts): run first, so that under pytest-xdist no worker
# starts one of them while the other has nothing left to do.
SLOWEST_FIRST = ("tests/test_fuzz.py", "tests/test_examples.py")


def pytest_collection_modifyitems(config, items):
    """The slowest modules first; the export doctests skipped where the export extra is missing."""
    import pytest

    items.sort(key=lambda item: not item.nodeid.startswith(SLOWEST_FIRST))  # stable
    skip = pytest.mark.skip(reason="to_onnx needs the export extra (skl2onnx)")
    if importlib.util.find_spec("skl2onnx") is not None:
        return
    for item in items:
        if item.name.rsplit(".", 1)[-1] in {"to_onnx", "register_onnx_converter"}:
            item.add_marker(skip)
