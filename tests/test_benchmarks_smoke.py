"""Smoke test: the benchmark scripts still run (no timing assertions; targets live there)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

RUN_ALL = Path(__file__).resolve().parents[1] / "benchmarks" / "run_all.py"

LABELS = (
    "machine:",
    "nproc",
    "numpy",
    "cpu",
    "== civilians ==",
    "median s/step",
    "updates/s",
    "bytes/agent",
    "peak MB",
    "== model ==",
    "replicate median, build+run",
    "model construction",
    "write_run",
    "peak RSS (whole process)",
    "per-phase time",
    "civilians",
    "== epstein ==",
    "all benchmarks ran",
)


@pytest.mark.slow
def test_run_all_quick() -> None:
    proc = subprocess.run(
        [sys.executable, str(RUN_ALL), "--quick"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    missing = [label for label in LABELS if label not in proc.stdout]
    assert not missing, f"labels missing from the output: {missing}\n{proc.stdout}"
