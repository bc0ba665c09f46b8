"""A results folder that cannot be written mid-batch (a full disk): one message, then resume.

The writes of the batch store are made to fail with ``ENOSPC`` after a few commits (a chunk
file, or the status log), as on a disk that fills up; the batch must stop with a UserError that
names the folder and says to resume, and ``--resume`` (once the disk has room) must end with
tables byte-identical to an uninterrupted batch.
"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from batch_support import done_count, same_bytes, write_two_scenario_experiment
from malisim.cli.main import main
from malisim.core.errors import UserError
from malisim.experiment import run_experiment
from malisim.experiment.atomic import AtomicParquet
from malisim.experiment.status_log import StatusLog

OPTIONS = {"executor": "serial", "progress": "none", "flush_seconds": 0}


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_scenario_experiment(tmp_path_factory.mktemp("exp"), "disk_full", seed=3)


@pytest.fixture(scope="module")
def reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    assert run_experiment(experiment, out, **OPTIONS).complete
    return out


def fill_disk_after(monkeypatch: pytest.MonkeyPatch, cls: type, method: str, calls: int) -> None:
    """Make ``cls.method`` raise ENOSPC from its ``calls + 1``-th call on."""
    original = getattr(cls, method)
    count = {"n": 0}

    def full(self, *args, **kwargs):
        count["n"] += 1
        if count["n"] > calls:
            raise OSError(errno.ENOSPC, "No space left on device", str(getattr(self, "path", "")))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(cls, method, full)


@pytest.mark.parametrize(
    ("cls", "method", "calls"),
    [(AtomicParquet, "commit", 7), (StatusLog, "append", 12)],
    ids=["chunk-file", "status-log"],
)
def test_a_full_disk_stops_the_batch_with_one_message_and_it_resumes(
    experiment, reference, tmp_path, monkeypatch, cls, method, calls
):
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        fill_disk_after(patch, cls, method, calls)
        with pytest.raises(UserError) as caught:
            run_experiment(experiment, out, **OPTIONS)
    err = caught.value
    assert err.file == str(out)
    assert "No space left on device" in err.message and "--resume" in err.message
    assert 0 < done_count(out) < 16
    report = run_experiment(experiment, out, resume=True, **OPTIONS)  # the disk has room again
    assert report.complete and report.done == 16 and report.failed == 0
    same_bytes(out, reference)


def test_the_command_line_prints_one_line_for_a_full_disk(
    experiment, tmp_path, monkeypatch, capsys
):
    fill_disk_after(monkeypatch, AtomicParquet, "commit", 7)
    out = tmp_path / "out"
    code = main(["batch", str(experiment), "--out", str(out), "--executor", "serial",
                 "--progress", "none", "--flush-seconds", "0"])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err
    (line,) = [x for x in err.splitlines() if x.startswith("error:")]
    assert str(out) in line and "No space left on device" in line
