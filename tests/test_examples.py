"""Every example runs to completion and prints what it promises."""

import os
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
        "best validation accuracy",
        "logistic: mean test accuracy",
        "relu: mean test accuracy",
    ],
    "out_of_core_csv.py": ["streamed in chunks: test accuracy", "difference:"],
    "plot_regression.py": [
        "diabetes     BackpropRegressor (sigmoid)  test R²",
        "Friedman #1  MLPRegressor (relu)          test R²",
    ],
    "quickstart.py": ["BackpropClassifier: test accuracy", "MLPClassifier: test accuracy"],
    "seed_notebook.py": ["Weights1:", "Largest difference from the notebook's update"],
}


def test_every_example_is_checked():
    assert {path.name for path in EXAMPLES} == set(EXPECTED_OUTPUT)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda path: path.name)
def test_example_runs(path):
    # Agg: the plotting examples' plt.show() returns at once, with no display.
    result = subprocess.run(
        [sys.executable, str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "MPLBACKEND": "Agg"},
    )
    assert result.returncode == 0, result.stderr
    for expected in EXPECTED_OUTPUT[path.name]:
        assert expected in result.stdout
