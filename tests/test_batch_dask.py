"""The Dask executor: a real scheduler and two workers as separate processes on loopback, one
worker killed mid-batch, and results identical, byte for byte, to the local executor.

Every server listens on 127.0.0.1 on a free port, is started in its own session and killed
(with its children) when the test ends; every wait is bounded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

distributed = pytest.importorskip("distributed")

from batch_support import done_count, same_bytes, write_two_scenario_experiment  # noqa: E402
from malisim.experiment import load_results, run_experiment  # noqa: E402

TIMEOUT = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop a server and its children (its own process group), bounded in time."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def experiment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_two_scenario_experiment(tmp_path_factory.mktemp("exp"), "dask_test", seed=9)


@pytest.fixture(scope="module")
def local_reference(experiment: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ref") / "out"
    report = run_experiment(experiment, out, executor="local", workers=2, progress="none")
    assert report.complete and report.done == 16
    return out


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A scheduler and two single-threaded workers, each a separate process group."""
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "logs"
    logs.mkdir()
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = open(logs / f"{name}.log", "wb")  # closed below: the process keeps its copy
        proc = subprocess.Popen(
            [sys.executable, "-m", *args], stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True, cwd=tmp_path,
        )  # fmt: skip
        log.close()
        procs.append(proc)
        return proc

    try:
        spawn("scheduler", ["distributed.cli.dask_scheduler", "--host", "127.0.0.1",
                            "--port", str(port), "--no-dashboard"])  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or procs[0].poll() is not None:
                    raise AssertionError((logs / "scheduler.log").read_text()) from None
                time.sleep(0.1)
        workers = []
        for i in range(2):
            folder = str(tmp_path / f"w{i}")
            args = ["distributed.cli.dask_worker", address, "--host", "127.0.0.1",
                    "--nthreads", "1", "--nworkers", "1", "--no-dashboard", "--name", f"w{i}",
                    "--death-timeout", "60", "--local-directory", folder]  # fmt: skip
            workers.append(spawn(f"worker{i}", args))
        with distributed.Client(address, timeout=60, set_as_default=False) as client:
            client.wait_for_workers(2, timeout=90)
        yield address, workers
    finally:
        for proc in reversed(procs):
            stop(proc)


def done_pids(out: Path) -> list[int]:
    """Worker process ids of the runs done so far."""
    pids = []
    for line in (out / "status.jsonl").read_text().splitlines():
        if '"event":"done"' in line:
            pids.append(int(json.loads(line)["worker"].rsplit(":", 1)[1]))
    return pids


def test_scheduler_and_two_workers_survive_a_killed_worker(
    cluster: tuple[str, list[subprocess.Popen[bytes]]],
    experiment: Path,
    local_reference: Path,
    tmp_path: Path,
) -> None:
    address, workers = cluster
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "malisim.cli", "batch", str(experiment), "--out", str(out),
           "--scheduler", address, "--flush-seconds", "0", "--progress", "log"]  # fmt: skip
    batch = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             start_new_session=True)  # fmt: skip
    victim = {p.pid for p in psutil.Process(workers[0].pid).children(recursive=True)}
    try:
        # wait until the worker to be killed has done runs (so it is busy mid-batch), then
        # kill it with its nanny, as when a machine is lost
        deadline = time.monotonic() + TIMEOUT
        while not (done_count(out) >= 3 and victim & set(done_pids(out))):
            assert batch.poll() is None, batch.communicate()
            assert time.monotonic() < deadline, "timeout waiting for the first runs"
            time.sleep(0.01)
        os.killpg(workers[0].pid, signal.SIGKILL)
        killed_at = time.time()
        workers[0].wait(timeout=30)
        stdout, stderr = batch.communicate(timeout=TIMEOUT)
    finally:
        if batch.poll() is None:  # pragma: no cover - only on failure
            os.killpg(batch.pid, signal.SIGKILL)
            batch.wait()
    assert batch.returncode == 0, stderr.decode()
    assert b"16 of 16 runs done, 0 failed" in stdout
    assert done_count(out) == 16
    records = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    after = [r for r in records if r["event"] == "done" and r["finished"] > killed_at + 0.5]
    assert after, "runs should finish after the worker was killed"
    assert not victim & {int(r["worker"].rsplit(":", 1)[1]) for r in after}
    same_bytes(out, local_reference)
    session = load_results(out).manifest["sessions"][0]
    assert session["executor"] == "dask" and session["scheduler"] == address


def test_dask_local_cluster_matches_local_executor(
    experiment: Path, local_reference: Path, tmp_path: Path
) -> None:
    report = run_experiment(
        experiment, tmp_path / "out", executor="dask", dask_local=2, progress="none"
    )
    assert report.complete and report.done == 16
    same_bytes(tmp_path / "out", local_reference)
