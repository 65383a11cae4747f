"""The package's shape, read from its source: imports flow one way, functions stay narrow."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sklearn_backprop"
MAX_PARAMETERS = 6  # self aside; the estimators' __init__ take scikit-learn's parameter list


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


def functions():
    for name, tree in modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield name, node


def parameter_count(function):
    arguments = function.args
    names = [a.arg for a in arguments.posonlyargs + arguments.args + arguments.kwonlyargs]
    names += [a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None]
    return len([name for name in names if name not in ("self", "cls")])


@pytest.mark.parametrize("module", sorted(modules()))
def test_no_function_takes_more_than_six_parameters(module):
    wide = [
        f"{function.name} ({parameter_count(function)})"
        for name, function in functions()
        if name == module
        and parameter_count(function) > MAX_PARAMETERS
        and not (function.name == "__init__" and module in ("_classifier", "_regressor"))
    ]
    assert not wide, f"{module}: {', '.join(wide)}"


def test_the_parameter_count_counts_what_a_caller_passes():
    tree = ast.parse("def f(self, a, /, b, *rest, c, **more): pass")
    assert parameter_count(tree.body[0]) == 5
