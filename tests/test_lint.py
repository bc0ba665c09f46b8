"""Lint and format: ``ruff check`` and ``ruff format --check`` pass on the whole repository.

The rules are in pyproject.toml (``[tool.ruff]``); the pre-commit hooks run the same checks.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PATHS = ["src", "tests", "scripts", "benchmarks"]


@pytest.mark.parametrize(
    ("what", "args"),
    [("ruff check", ["check", "--no-cache"]), ("ruff format --check", ["format", "--check"])],
)
def test_ruff(what: str, args: list[str]):
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, (
        f"{what} failed (run `ruff check --fix` / `ruff format` on the files it names):\n"
        + result.stdout[-6000:]
        + result.stderr[-2000:]
    )
