"""Smoke test: the benchmark scripts still run (no timing assertions; targets live there)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
RUN_ALL = BENCHMARKS / "run_all.py"
sys.path.insert(0, str(BENCHMARKS))
import history  # noqa: E402  (benchmarks/history.py)

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
    "== ui ==",
    "page click (CPU)",
    "== report ==",
    "report, all figures (CPU)",
    "all benchmarks ran",
    "history: no earlier record",
    "record:",
)


@pytest.mark.slow
def test_run_all_quick(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, str(RUN_ALL), "--quick", "--history", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    missing = [label for label in LABELS if label not in proc.stdout]
    assert not missing, f"labels missing from the output: {missing}\n{proc.stdout}"
    # one JSON record per benchmark, with the commit, the mode and CPU time beside wall time
    records = {
        name: [json.loads(line) for line in (tmp_path / f"{name}.jsonl").read_text().splitlines()]
        for name in ("civilians", "model", "epstein", "ui", "report")
    }
    assert all(len(r) == 1 for r in records.values()), records
    model = records["model"][0]
    assert model["quick"] is True and model["commit"]
    assert {"build_run_s", "build_run_cpu_s", "peak_rss_mb"} <= set(model["figures"])


def _record(figures: dict[str, float], quick: bool, commit: str) -> dict:
    machine = {"malisim": "0.0", "date": "2026-12-07"}
    return history.make_record("model", figures, machine, quick, commit)


def test_history_compares_with_the_last_record_of_the_same_mode(tmp_path: Path) -> None:
    assert history.last_record(tmp_path, "model", quick=False) is None
    history.append_record(tmp_path, _record({"build_run_s": 1.0}, quick=False, commit="aaa"))
    history.append_record(tmp_path, _record({"build_run_s": 9.0}, quick=True, commit="bbb"))
    with (tmp_path / "model.jsonl").open("a") as fh:
        fh.write('{"truncated": \n')  # a run killed while writing: skipped, not fatal
    previous = history.last_record(tmp_path, "model", quick=False)
    assert previous is not None and previous["commit"] == "aaa"  # the quick run is not compared
    text = history.compare(previous, _record({"build_run_s": 0.5, "x": 2.0}, False, "ccc"))
    assert "against aaa" in text
    assert "0.500" in text  # now / previous
    assert "new" in text  # a figure the previous record did not have


def test_history_keeps_numbers_only() -> None:
    record = _record({"a": 1, "b": float("nan"), "c": True, "d": 2.5}, quick=False, commit="x")
    assert record["figures"] == {"a": 1.0, "d": 2.5}
    assert record["commit"] == "x"
