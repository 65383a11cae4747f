"""pytest set-up for the doctests: skip modules whose optional extra is missing."""

import importlib.util

collect_ignore = []
if importlib.util.find_spec("skl2onnx") is None:
    collect_ignore.append("sklearn_backprop/_onnx.py")
if importlib.util.find_spec("matplotlib") is None:
    collect_ignore.append("sklearn_backprop/_plotting.py")
