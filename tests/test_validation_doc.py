"""docs/validation.md stays in step with the pattern set (regenerate: scripts/gen_validation.py)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from malisim.analysis.targets import load_targets
from malisim.analysis.validation import PATTERN_COLUMNS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_the_validation_page_covers_every_documented_figure():
    table = pd.read_csv(DOCS / "validation_patterns.csv")
    assert tuple(table.columns) == PATTERN_COLUMNS
    shipped = {t.name for t in load_targets()}
    assert set(table["target"]) == shipped, (
        "docs/validation.md is out of date: run python scripts/gen_validation.py"
    )
    page = (DOCS / "validation.md").read_text(encoding="utf-8")
    assert "python scripts/gen_validation.py" in page
    # one table row per figure and scenario, misses included
    statuses = ("| **miss** |", "| hit |", "| not simulated |", "| no value |", "| no tolerance |")
    rows = [line for line in page.splitlines() if line.startswith(statuses)]
    assert len(rows) == len(table)
    assert sum(line.startswith("| **miss** |") for line in rows) == (table.status == "miss").sum()
    assert "Out-of-sample" in page and "In-sample" in page
