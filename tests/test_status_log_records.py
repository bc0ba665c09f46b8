"""Wrongly typed records in ``status.jsonl`` are skipped like torn lines (issue 14).

A hand-edited or corrupted status log may hold JSON lines that are not records of its shape
(a run id that is a number, a row group that is text, ...). Reading it must not crash: such
lines are skipped with one warning, their runs count as pending, and ``--resume`` reruns them
into tables byte-identical to an untouched batch.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from batch_support import same_bytes, write_two_scenario_experiment
from malisim.experiment import load_experiment, run_experiment
from malisim.experiment.status_log import StatusLogWarning, read_status_log, scan_status

OPTIONS = {"executor": "serial", "progress": "none", "flush_seconds": 0}
BAD = [
    {"run_id": 5, "state": []},
    {"event": "done", "run": 5},
    {"event": "done", "run": ["x"], "fp": "f", "chunk": "c", "rg": 0},
    {"event": ["done"], "run": "a"},
    {"event": "started", "run": {"a": 1}},
]


def test_malformed_records_are_skipped_with_one_warning_and_resume(tmp_path: Path) -> None:
    (tmp_path / "exp").mkdir()
    experiment = write_two_scenario_experiment(tmp_path / "exp", "typed", seed=4)
    reference = tmp_path / "ref"
    assert run_experiment(experiment, reference, **OPTIONS).complete
    out = tmp_path / "out"
    shutil.copytree(reference, out)
    log = out / "status.jsonl"
    records = read_status_log(log)
    first_done = next(r for r in records if r["event"] == "done")
    # the first run's done record gets a row group that is text: it must count as not done
    bad_done = {**first_done, "rg": "zero"}
    lines = [json.dumps(r) for r in records if r is not first_done]
    lines += [json.dumps(r) for r in [*BAD, bad_done]]
    log.write_text("\n".join(lines) + "\n")
    for p in out.glob("*.parquet"):
        if p.name != "design.parquet":
            p.unlink()  # the consolidated tables go: resume writes them again
    runs = load_experiment(experiment).runs()
    with pytest.warns(StatusLogWarning, match="skipped 6 malformed line") as caught:
        scan = scan_status(log, runs)
    assert len(caught) == 1
    assert scan.states[first_done["run"]].state == "pending"
    assert sum(s.state == "done" for s in scan.states.values()) == 15
    with pytest.warns(StatusLogWarning):
        report = run_experiment(experiment, out, resume=True, **OPTIONS)
    assert report.complete and report.done == 16 and report.ran == 1
    same_bytes(out, reference)
