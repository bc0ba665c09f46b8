"""A Dask cluster that fails the batch: the scheduler dies mid-batch, or there is no worker.

Each case starts its own scheduler (and worker) on 127.0.0.1 on a free port, in their own
process groups, killed when the test ends. The batch must stop with one ``error:`` line, no Dask
traceback or log line, a non-zero exit, and a store that ``--resume`` completes into tables
byte-identical to an uninterrupted batch. Every wait is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

distributed = pytest.importorskip("distributed")

from batch_support import done_count, same_bytes, write_two_scenario_experiment  # noqa: E402
from malisim.experiment import run_experiment  # noqa: E402
from test_batch_dask import free_port, stop  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_scenario_experiment(tmp_path_factory.mktemp("exp"), "dask_fail", seed=5)


@pytest.fixture(scope="module")
def reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    report = run_experiment(experiment, out, executor="local", workers=2, progress="none")
    assert report.complete and report.done == 16
    return out


@pytest.fixture
def servers(tmp_path: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes the test starts (each in its own process group); all stopped at the end."""
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in reversed(procs):
        stop(proc)


def spawn(procs: list, log: Path, args: list[str]) -> subprocess.Popen[bytes]:
    with open(log, "wb") as out:  # the process keeps its own copy of the file
        proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=ENV,
        )
    procs.append(proc)
    return proc


def start_scheduler(procs: list, tmp_path: Path) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    proc = spawn(procs, tmp_path / "scheduler.log", ["distributed.cli.dask_scheduler",
                 "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"])  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return f"tcp://127.0.0.1:{port}", proc
        except OSError:
            assert proc.poll() is None and time.monotonic() < deadline, "no scheduler"
            time.sleep(0.1)


def batch(experiment: Path, out: Path, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "malisim.cli", "batch", str(experiment), "--out", str(out),
           "--flush-seconds", "0", "--progress", "log", *extra]  # fmt: skip
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENV,
                            start_new_session=True)  # fmt: skip


def finish(proc: subprocess.Popen[bytes]) -> tuple[str, str]:
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:  # pragma: no cover - only on failure
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return out.decode(), err.decode()


def one_error(stderr: str) -> str:
    """The single ``error:`` line of stderr; no traceback, no Dask log line."""
    assert "Traceback" not in stderr and "distributed." not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    return errors[0]


def resume_locally(experiment: Path, out: Path, reference: Path) -> None:
    report = run_experiment(
        experiment, out, executor="local", workers=2, resume=True, progress="none"
    )
    assert report.complete and report.done == 16 and report.failed == 0
    same_bytes(out, reference)


def test_scheduler_dying_mid_batch_stops_with_one_line_and_resumes(
    experiment: Path, reference: Path, tmp_path: Path, servers: list
) -> None:
    address, scheduler = start_scheduler(servers, tmp_path)
    spawn(servers, tmp_path / "worker.log", ["distributed.cli.dask_worker", address,
          "--host", "127.0.0.1", "--nthreads", "1", "--no-dashboard", "--death-timeout", "30",
          "--local-directory", str(tmp_path / "w")])  # fmt: skip
    out = tmp_path / "out"
    proc = batch(experiment, out, "--scheduler", address)
    deadline = time.monotonic() + TIMEOUT
    while done_count(out) < 3:  # the batch is under way: some runs done, others in flight
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "timeout waiting for the first runs"
        time.sleep(0.02)
    os.killpg(scheduler.pid, signal.SIGKILL)
    _, stderr = finish(proc)
    assert proc.returncode == 2
    line = one_error(stderr)
    assert f"lost the Dask scheduler at {address}" in line and "--resume" in line
    assert 3 <= done_count(out) < 16
    resume_locally(experiment, out, reference)


def test_cluster_without_worker_waits_for_the_timeout_then_stops(
    experiment: Path, reference: Path, tmp_path: Path, servers: list
) -> None:
    address, _ = start_scheduler(servers, tmp_path)
    out = tmp_path / "out"
    proc = batch(experiment, out, "--scheduler", address, "--worker-timeout", "2")
    _, stderr = finish(proc)
    assert proc.returncode == 2
    assert f"the Dask cluster at {address} has no worker: waiting up to 2 s" in stderr
    line = one_error(stderr)
    assert line.startswith("error: --worker-timeout: ")
    assert "has had no worker for 2 s" in line and "--resume" in line
    assert done_count(out) == 0
    resume_locally(experiment, out, reference)


def test_worker_timeout_is_checked() -> None:
    from malisim.core.errors import UserError
    from malisim.experiment.executors import make_executor

    for bad in (0, -1, float("nan"), float("inf"), 1e9):
        with pytest.raises(UserError, match="out of range"):
            make_executor("dask", scheduler="tcp://127.0.0.1:1", worker_timeout=bad)
    assert (
        make_executor("dask", scheduler="tcp://127.0.0.1:1", worker_timeout=5).worker_timeout == 5
    )
