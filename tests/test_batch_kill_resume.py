"""Killing a real ``malisim batch`` process part-way and resuming it loses, duplicates and
corrupts nothing: the final tables are identical, byte for byte, to an uninterrupted batch.

Each test starts ``python -m malisim.cli batch`` (local executor, two worker processes, every
finished run committed at once) on 2 scenarios x 8 replicates of one year, polls the status log
until a given number of runs are done, kills it (SIGKILL of the parent only, or of the whole
process group as when a machine is lost; SIGINT as Ctrl-C), checks that no worker survives its
parent, resumes with ``malisim batch --resume`` (in this process) and compares the final
tables with a reference batch.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psutil
import pytest

from batch_support import done_count, same_bytes, write_two_scenario_experiment
from malisim.cli.main import main
from malisim.experiment import format_status, load_results, run_experiment

TIMEOUT = 120


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_scenario_experiment(tmp_path_factory.mktemp("exp"), "kill_test", seed=5)


@pytest.fixture(scope="module")
def reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    report = run_experiment(experiment, out, executor="serial", progress="none")
    assert report.complete and report.done == 16
    return out


def start_batch(experiment: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "malisim.cli", "batch", str(experiment), "--out", str(out),
           "--flush-seconds", "0", "--progress", "log", *extra]  # fmt: skip
    return subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        preexec_fn=default_sigint,
    )


def default_sigint() -> None:
    """Give the batch the default Ctrl-C handling, whatever this test process inherited.

    A job started in the background by a non-interactive shell (``cmd &``, ``nohup``, some CI
    runners) inherits SIGINT *ignored*, and a Python process that starts with SIGINT ignored
    keeps ignoring it: the batch would then run to the end and exit 0, as a real Ctrl-C in a
    terminal never would.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def wait_for_done(out: Path, n: int, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        count = done_count(out)
        if count >= n:
            return count
        if proc.poll() is not None:
            raise AssertionError(f"batch ended before {n} runs were done: {proc.communicate()}")
        time.sleep(0.01)
    raise AssertionError(f"timeout waiting for {n} runs")


def kill(proc: subprocess.Popen[bytes], group: bool, sig: int = signal.SIGKILL) -> None:
    """Kill the batch (and with ``group`` its workers too); check no worker survives."""
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children, "the local executor should have worker processes"
    if group:
        os.killpg(proc.pid, sig)
    else:
        proc.send_signal(sig)
    proc.wait(timeout=TIMEOUT)
    _, alive = psutil.wait_procs(children, timeout=15)
    for p in alive:  # pragma: no cover - only on failure
        p.kill()
    assert not alive, f"worker processes survived their parent: {alive}"


def resume(experiment: Path, out: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    """Resume in this process through the command line's entry point."""
    capsys.readouterr()
    code = main(["batch", str(experiment), "--out", str(out), "--resume", "--progress", "none",
                 *extra])  # fmt: skip
    text = capsys.readouterr().out
    assert code == 0, text
    return text


def check_identical(out: Path, reference: Path) -> None:
    same_bytes(out, reference)
    records = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines() if x]
    done = Counter(r["run"] for r in records if r["event"] == "done")
    assert len(done) == 16 and set(done.values()) == {1}, "a run was recorded done twice"
    assert load_results(out).complete


@pytest.mark.parametrize(
    "kill_after,group",
    [(1, False), (3, True), (6, False)],
    ids=["after-1-parent", "after-3-process-group", "after-6-parent"],
)
def test_sigkill_then_resume_gives_identical_tables(
    experiment: Path,
    reference: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kill_after: int,
    group: bool,
) -> None:
    out = tmp_path / "out"
    proc = start_batch(experiment, out, "--workers", "2")
    try:
        wait_for_done(out, kill_after, proc)
        kill(proc, group)
    finally:
        if proc.poll() is None:  # pragma: no cover - only on failure
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    res = load_results(out)
    assert not res.complete
    assert res.summary.done >= kill_after and res.summary.pending > 0
    assert not (out / "outcomes.parquet").exists()

    if kill_after == 6:  # a second kill during the resumed batch
        proc = start_batch(experiment, out, "--workers", "2", "--resume")
        try:
            wait_for_done(out, res.summary.done + 2, proc)
            kill(proc, group=False)
        finally:
            if proc.poll() is None:  # pragma: no cover
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    status = format_status(out)
    assert "stopped: killed" in status and "--resume" in status
    text = resume(experiment, out, capsys, "--executor", "serial")
    assert "16 of 16 runs done, 0 failed" in text
    check_identical(out, reference)


def test_ctrl_c_stops_cleanly_and_resume_completes(
    experiment: Path, reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    proc = start_batch(experiment, out, "--workers", "2")
    try:
        wait_for_done(out, 2, proc)
        kill(proc, group=True, sig=signal.SIGINT)  # Ctrl-C reaches the whole process group
        _, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:  # pragma: no cover
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    # the signal must have reached a running batch for the test to mean anything
    assert done_count(out) < 16, "the batch finished before the signal (was SIGINT ignored?)"
    assert proc.returncode == 130
    assert b"--resume" in err and b"interrupted" in err
    records = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    assert records[-1]["event"] == "stopped" and records[-1]["reason"] == "interrupted"
    assert json.loads((out / "manifest.json").read_text())["sessions"][0]["outcome"] == (
        "interrupted"
    )
    resume(experiment, out, capsys, "--executor", "serial")
    check_identical(out, reference)


def test_terminate_ends_the_pool_when_a_worker_died_in_the_middle_of_a_result() -> None:
    """The Ctrl-C hang: the pool's reader thread waits for the rest of a half-sent result.

    A worker killed while it sends a result leaves the message's length and part of its bytes
    in the pipe; the pool's manager thread then waits for the rest, and the interpreter for that
    thread at exit. Here the half-sent message is written by this process (which holds the
    pipe's other end), then ``terminate`` must leave no thread waiting.
    """
    import struct

    from malisim.experiment.executors import LocalExecutor

    executor = LocalExecutor(workers=1)
    executor.start()
    pool = executor._pool
    assert pool.submit(abs, -1).result(timeout=TIMEOUT) == 1  # the manager thread runs
    manager = pool._executor_manager_thread
    writer = pool._result_queue._writer
    os.write(writer.fileno(), struct.pack("!i", 500_000) + b"\0" * 1000)  # half a message
    time.sleep(1.0)  # the reader now waits for the other 499,000 bytes
    assert manager.is_alive()
    executor.terminate()
    manager.join(timeout=20)
    assert not manager.is_alive(), "the pool's manager thread still waits for a result"
