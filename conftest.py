"""pytest set-up: scipy's Array API mode; doctests of missing extras skipped."""

import importlib.util
import os

# scikit-learn's array_api_dispatch needs scipy's Array API mode, which is
# read when scipy is first imported: set it before any test imports scipy.
os.environ.setdefault("SCIPY_ARRAY_API", "1")

collect_ignore = []
if importlib.util.find_spec("skl2onnx") is None:
    collect_ignore.append("sklearn_backprop/_onnx.py")
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("sklearn_backprop/_plotting.py")


def pytest_collection_modifyitems(config, items):
    """Skip the export doctests where the export extra is missing."""
    import pytest

    skip = pytest.mark.skip(reason="to_onnx needs the export extra (skl2onnx)")
    if importlib.util.find_spec("skl2onnx") is not None:
        return
    for item in items:
        if item.name.rsplit(".", 1)[-1] in {"to_onnx", "register_onnx_converter"}:
            item.add_marker(skip)
