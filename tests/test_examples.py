"""Every example runs to completion on its own, copied anywhere (as the gallery's
download is), prints what it promises and, with no display, saves its figures
and says where."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = sorted((Path(__file__).parents[1] / "examples").glob("*.py"))
EXPECTED_OUTPUT = {
    "pandas_workflow.py": ["mean_test_score", "best: {", "test accuracy"],
    "plot_decision_surfaces.py": [
        "logistic: test accuracy",
        "tanh: test accuracy",
        "relu: test accuracy",
    ],
    "plot_digits_learning_curves.py": [
        "best validation loss at epoch",
        "logistic: mean test accuracy",
        "relu: mean test accuracy",
    ],
    "out_of_core_csv.py": ["streamed in chunks: test accuracy", "difference:"],
    "plot_dataframe.py": [
        "what each column became (input_columns_):",
        "BackpropClassifier() on the DataFrame: accuracy",
        "BackpropRegressor() on the DataFrame: cross-validated R²",
    ],
    "plot_dropout.py": ["alpha picked by the grid search", "no regulariser", "dropout=0.5"],
    "plot_regression.py": [
        "diabetes     BackpropRegressor (sigmoid)  test R²",
        "Friedman #1  MLPRegressor (relu)          test R²",
    ],
    "quickstart.py": [
        "BackpropClassifier: test accuracy",
        "MLPClassifier: test accuracy",
        "docs/benchmarks.md",
        "BackpropRegressor() on the raw table:",
        "MLPRegressor behind a ColumnTransformer:",
    ],
    "seed_notebook.py": ["Weights1:", "Largest difference from the notebook's update"],
}
# What an example prints as the difference from a reference, and its bound.
DIFFERENCES = {"seed_notebook.py": (r"Largest difference from the notebook's update: (\S+)", 1e-12)}
# What an example prints of ours, then of the alternative: ours must be the better.
BETTER = {
    "quickstart.py": (
        r"BackpropRegressor\(\) on the raw table: (\S+)",
        r"MLPRegressor behind a ColumnTransformer: (\S+)",
    )
}
FIGURES = {"plot_digits_learning_curves.py": 2, "plot_regression.py": 2}  # the others: one
# Under pytest-xdist each worker has a core (conftest.py): the example it starts
# gets one BLAS thread too, not threads that spin against the other worker's.
ONE_BLAS_THREAD_UNDER_XDIST = (
    {name: "1" for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    if os.environ.get("PYTEST_XDIST_WORKER")
    else {}
)
SAVED = re.compile(r"^saved the figure to (.+\.png)$", re.MULTILINE)


def test_every_example_is_checked():
    assert {path.name for path in EXAMPLES} == set(EXPECTED_OUTPUT)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs(path, tmp_path):
    # Copied alone into an empty folder: it may import nothing from beside it.
    # Agg, as on a machine with no display: plt.show() would draw nothing, so
    # the example saves its figures, in the folder it runs in.
    copy = shutil.copy(path, tmp_path)
    result = subprocess.run(
        [sys.executable, copy],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=tmp_path,
        env={**os.environ, "MPLBACKEND": "Agg", **ONE_BLAS_THREAD_UNDER_XDIST},
    )
    assert result.returncode == 0, result.stderr
    for expected in EXPECTED_OUTPUT[path.name]:
        assert expected in result.stdout
    if path.name in DIFFERENCES:
        pattern, bound = DIFFERENCES[path.name]
        assert float(re.search(pattern, result.stdout).group(1)) <= bound, result.stdout
    if path.name in BETTER:
        ours, theirs = (float(re.search(p, result.stdout).group(1)) for p in BETTER[path.name])
        assert ours > max(theirs, 0.0), result.stdout
    saved = [Path(name) for name in SAVED.findall(result.stdout)]
    assert len(saved) == FIGURES.get(path.name, 1), result.stdout
    assert len(set(saved)) == len(saved), "a figure overwrote another"
    for figure in saved:
        assert figure.parent == tmp_path
        assert figure.name.startswith(path.stem)
        assert figure.stat().st_size > 10_000  # a PNG with something drawn in it
