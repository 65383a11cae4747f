"""The package's shape, read from its source: imports flow one way."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_backprop"


def modules():
    return {path.stem: ast.parse(path.read_text(), str(path)) for path in PACKAGE.glob("*.py")}


def package_imports(tree):
    """The package's modules that ``tree`` imports, lazily (inside functions) or not."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            if node.module is None:  # from . import _fastpaths
                found.update(alias.name for alias in node.names)
            else:
                found.add(node.module.split(".")[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
            "sklearn_backprop."
        ):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                alias.name.split(".")[1]
                for alias in node.names
                if alias.name.startswith("sklearn_backprop.")
            )
    return found


def import_graph():
    trees = modules()
    return {name: package_imports(tree) & set(trees) for name, tree in trees.items()}


def find_cycle(graph):
    """A list of modules that import each other in a circle, or None."""
    state = {}  # name -> "open" while on the current path, "done" after

    def visit(name, path):
        state[name] = "open"
        for imported in sorted(graph[name]):
            if state.get(imported) == "open":
                return [*path[path.index(imported) :], imported]
            if imported not in state and (cycle := visit(imported, [*path, imported])):
                return cycle
        state[name] = "done"
        return None

    for name in sorted(graph):
        if name not in state and (cycle := visit(name, [name])):
            return cycle
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_lazy_imports_are_seen():
    tree = ast.parse("def f():\n    from ._dask_fit import DaskBackend\n    from . import _xp\n")
    assert package_imports(tree) == {"_dask_fit", "_xp"}


def test_no_two_modules_import_each_other_even_lazily():
    assert find_cycle(import_graph()) is None


def test_the_core_imports_no_estimator():
    graph = import_graph()
    for core in ["_activations", "_losses", "_network", "_optimizers", "_fastpaths"]:
        assert not graph[core] & {"_base", "_classifier", "_regressor", "_fit_call"}, core
