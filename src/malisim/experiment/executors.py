"""Executors: where the runs of a batch are computed (serial, local processes, Dask distributed).

Every executor runs :func:`malisim.experiment.worker.execute_run` on :class:`RunTask` objects and
yields :class:`RunOutput` objects back to the parent process as runs finish (in any order); the
parent alone writes the results store. At most a small window of runs (twice the number of
workers) is in flight at once, so neither the parent nor the workers hold more than a few
results, however long the batch.

* :class:`SerialExecutor` runs in the calling process (debugging, tiny batches, tests).
* :class:`LocalExecutor` (the default) uses a :class:`~concurrent.futures.ProcessPoolExecutor`
  with an explicit ``spawn`` context (it never touches the global start method). Workers ignore
  Ctrl-C (the parent handles it and stops them) and exit by themselves if the parent dies
  (SIGKILL), so no orphan keeps computing. A worker that dies mid-run (killed, out of memory)
  breaks the pool: the pool is restarted and the runs in flight are retried once, then recorded
  as failed.
* :class:`DaskExecutor` submits to a Dask distributed scheduler (``tcp://host:port``) or to a
  ``LocalCluster`` it starts. When a worker is lost, Dask reschedules its runs on the others; a
  lost scheduler stops the batch with one message (:class:`ExecutorLost`; Dask's own log lines
  and tracebacks are silenced while the executor is open) so that it can be resumed. A cluster
  with no worker is waited for, up to ``worker_timeout`` seconds (``--worker-timeout``), at
  the start and whenever every worker has left, then the batch stops the same way.

Nothing here is imported by ``import malisim``; multiprocessing and dask are imported when an
executor starts.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from typing import Any

from malisim.core.errors import UserError
from malisim.experiment.executor_kinds import DASK, DEFAULT_EXECUTOR, EXECUTORS, LOCAL, SERIAL
from malisim.experiment.worker import RunOutput, RunTask, execute_run, failed_output

#: How often (seconds) executors yield ``None`` while waiting, so that the parent can flush
#: chunks and print progress.
DEFAULT_TICK = 1.0
#: Attempts of a run whose local worker process died before the run is recorded as failed.
MAX_ATTEMPTS = 2
#: Seconds a Dask batch waits for a worker when its cluster has none (``--worker-timeout``).
WORKER_TIMEOUT = 60.0
#: Longest ``--worker-timeout`` (s): one day.
MAX_WORKER_TIMEOUT = 86_400.0
#: Dask's loggers that print errors (with tracebacks) when the scheduler goes away.
DASK_LOGGERS = ("distributed", "distributed.client", "distributed.core", "distributed.comm")


class ExecutorLost(UserError):
    """The executor itself failed (e.g. the Dask scheduler went away); the batch can resume."""


OnSubmit = Callable[[RunTask], None]


class Executor:
    """Base class: a context manager yielding run outputs as they finish.

    Attributes:
        name: ``serial``, ``local`` or ``dask``.
        workers: Number of workers (processes or Dask threads) when known.
    """

    name = "base"

    def __init__(self) -> None:
        self.workers = 1
        #: Called with a one-line notice for the user (the batch shows it with its progress).
        self.notify: Callable[[str], None] = lambda text: None

    def __enter__(self) -> Executor:
        self.start()
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.terminate()

    def start(self) -> None:
        """Start workers (no-op by default)."""

    def close(self) -> None:
        """Shut down after a complete batch."""

    def terminate(self) -> None:
        """Stop at once (Ctrl-C, errors): runs in flight are abandoned."""
        self.close()

    def info(self) -> dict[str, Any]:
        """Description of the executor for the manifest and the status log."""
        return {"executor": self.name, "workers": self.workers}

    def results(
        self, tasks: Iterator[RunTask], on_submit: OnSubmit, tick: float = DEFAULT_TICK
    ) -> Iterator[RunOutput | None]:
        """Run tasks; yield each output as it finishes, or ``None`` every ``tick`` seconds.

        Args:
            tasks: The runs to do, in the order to submit them.
            on_submit: Called with each task just before it is handed to a worker.
            tick: Longest wait without yielding.
        """
        raise NotImplementedError


class SerialExecutor(Executor):
    """Runs every task in the calling process, one after the other."""

    name = SERIAL

    def results(
        self, tasks: Iterator[RunTask], on_submit: OnSubmit, tick: float = DEFAULT_TICK
    ) -> Iterator[RunOutput | None]:
        """Run tasks one by one in this process (see :meth:`Executor.results`)."""
        for task in tasks:
            on_submit(task)
            yield execute_run(task)


def usable_cores() -> int:
    """Number of CPUs this process may run on (its affinity mask, else ``os.cpu_count()``)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _watch_parent(parent_pid: int) -> None:
    """Exit the worker process as soon as its parent is gone (e.g. killed with SIGKILL)."""
    while True:
        time.sleep(0.5)
        if os.getppid() != parent_pid:
            os._exit(3)


def _init_local_worker(parent_pid: int) -> None:
    """Initialise a local worker: ignore Ctrl-C (the parent handles it), watch the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    import malisim.scenario.runner  # noqa: F401  (import the model before the first run)


class LocalExecutor(Executor):
    """Runs tasks in local worker processes started with the ``spawn`` method.

    Args:
        workers: Number of processes (default: all cores).
    """

    name = LOCAL

    def __init__(self, workers: int | None = None) -> None:
        super().__init__()
        self.workers = int(workers or usable_cores())
        if self.workers < 1:
            raise UserError("--workers must be at least 1", key="--workers")
        self._pool: Any = None

    def start(self) -> None:
        """Start the process pool."""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=_init_local_worker,
            initargs=(os.getpid(),),
        )

    def close(self) -> None:
        """Shut the pool down, waiting for workers to exit."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def terminate(self) -> None:
        """Kill the worker processes and shut the pool down."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        # (taken before the shutdown, which drops the pool's reference to it)
        writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
        for proc in processes:
            try:
                proc.kill()
            except (OSError, ValueError, AttributeError):  # pragma: no cover - already gone
                pass
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            proc.join(timeout=5)
        # a worker killed while it was sending a result leaves the pool's manager thread waiting
        # for the rest of the message, and the interpreter waiting for that thread at exit (a
        # Ctrl-C that never ended the batch); closing this process's end of the result pipe, the
        # only one left open, gives the reader an end of file instead
        if writer is not None:
            try:
                writer.close()
            except OSError:  # pragma: no cover - already closed
                pass

    def results(
        self, tasks: Iterator[RunTask], on_submit: OnSubmit, tick: float = DEFAULT_TICK
    ) -> Iterator[RunOutput | None]:
        """Run tasks in the pool (see :meth:`Executor.results`)."""
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        window = 2 * self.workers
        pending: dict[Any, tuple[RunTask, int]] = {}
        source = iter(tasks)
        retry: list[tuple[RunTask, int]] = []

        def submit(task: RunTask, attempt: int) -> None:
            on_submit(task)
            pending[self._pool.submit(execute_run, task)] = (task, attempt)

        while True:
            while retry and len(pending) < window:
                submit(*retry.pop(0))
            while len(pending) < window:
                task = next(source, None)
                if task is None:
                    break
                submit(task, 1)
            if not pending:
                return
            done, _ = wait(list(pending), timeout=tick, return_when=FIRST_COMPLETED)
            if not done:
                yield None
                continue
            broken = False
            for fut in sorted(done, key=lambda f: pending[f][0].index):
                task, attempt = pending.pop(fut)
                try:
                    out = fut.result()
                except BrokenProcessPool:
                    broken = True
                    retry.append((task, attempt))
                    continue
                except Exception as exc:  # e.g. a task that cannot be pickled
                    out = failed_output(
                        task, f"{type(exc).__name__}: {exc}", traceback.format_exc()
                    )
                yield out
            if broken:
                # every run in flight is lost with the pool: restart it and retry them once
                retry += list(pending.values())
                pending.clear()
                self.terminate()
                self.start()
                again = []
                for task, attempt in sorted(retry, key=lambda r: r[0].index):
                    if attempt >= MAX_ATTEMPTS:
                        yield failed_output(
                            task,
                            "WorkerDied: the worker process died while running this run "
                            f"({attempt} attempts; killed, or out of memory?)",
                        )
                    else:
                        again.append((task, attempt + 1))
                retry = again


def worker_environ() -> dict[str, Any]:
    """The environment of the worker processes of the local Dask cluster malisim starts.

    Dask's defaults (``distributed.nanny.pre-spawn-environ``) without ``MALLOC_TRIM_THRESHOLD_``:
    distributed sets it to 65536 bytes so that workers hand freed memory back to the system
    early, but then glibc serves every numpy temporary larger than that with its own mmap and
    munmap, and the model's monthly arrays (tens of thousands of agents) pay a page fault per
    page on every step. A run is a short-lived task with a bounded footprint, so the glibc
    default is the better trade (benchmarks/README.md gives the measured difference). An external
    cluster is configured by whoever starts it (docs/experiments.md says how; the same holds for
    :func:`worker_config`'s profiler setting).
    """
    from dask import config as dask_config

    environ = dict(dask_config.get("distributed.nanny.pre-spawn-environ", default={}) or {})
    environ["MALLOC_TRIM_THRESHOLD_"] = None  # the nanny leaves out variables set to None
    return environ


def worker_config() -> dict[str, Any]:
    """The Dask configuration of the local cluster malisim starts (its nannies pass it on).

    The workers' environment of :func:`worker_environ`, and no statistical profiler: a Dask
    worker samples the stack of every thread each 10 ms on its event loop
    (``distributed.worker.profile``) for the dashboard's profile page, which the local cluster
    does not serve (``dashboard_address`` is None) and nothing in malisim reads; the sampling took
    3-8% of a run's CPU time on top of the run (benchmarks/README.md). Results do not depend on
    either setting.
    """
    return {
        "distributed.nanny.pre-spawn-environ": worker_environ(),
        "distributed.worker.profile.enabled": False,
    }


class DaskExecutor(Executor):
    """Runs tasks on a Dask distributed cluster.

    Args:
        scheduler: Address of a running scheduler (``tcp://host:port``), or None to start a
            ``LocalCluster``.
        local_workers: Worker processes of the local cluster (one thread each).
        connect_timeout: Seconds to wait for the scheduler.
        worker_timeout: Seconds to wait for a worker when the cluster has none.
    """

    name = DASK

    def __init__(
        self,
        scheduler: str | None = None,
        local_workers: int | None = None,
        connect_timeout: float = 30.0,
        worker_timeout: float = WORKER_TIMEOUT,
    ) -> None:
        super().__init__()
        self.scheduler = scheduler
        self.local_workers = local_workers
        self.connect_timeout = connect_timeout
        self.worker_timeout = worker_timeout
        self.workers = int(local_workers or 0)
        self._client: Any = None
        self._cluster: Any = None
        self._pending: dict[str, tuple[Any, RunTask]] = {}
        self._log_levels: dict[str, int] = {}

    def _where(self) -> str:
        return f"the Dask cluster at {self.scheduler}" if self.scheduler else "the Dask cluster"

    def _lost(self) -> ExecutorLost:
        """The error for a scheduler that went away (stopped, or the connection broke)."""
        return ExecutorLost(
            f"lost the Dask scheduler{' at ' + self.scheduler if self.scheduler else ''} (it "
            "stopped or the connection broke); the runs finished so far are saved: start the "
            "cluster again and rerun with --resume"
        )

    def _no_worker(self, since: str) -> ExecutorLost:
        return ExecutorLost(
            f"{self._where()} has had no worker for {self.worker_timeout:g} s ({since}); the "
            "runs finished so far are saved: start workers (dask worker ADDRESS) and rerun "
            "with --resume, or wait longer with --worker-timeout",
            key="--worker-timeout",
        )

    def _connected(self) -> bool:
        return self._client is not None and self._client.status == "running"

    def _quiet_logs(self) -> None:
        """Silence Dask's error logs (a lost scheduler is reported once, by the batch)."""
        for name in DASK_LOGGERS:
            logger = logging.getLogger(name)
            self._log_levels.setdefault(name, logger.level)
            logger.setLevel(logging.CRITICAL + 1)

    def _restore_logs(self) -> None:
        for name, level in self._log_levels.items():
            logging.getLogger(name).setLevel(level)
        self._log_levels.clear()

    def _wait_for_worker(self, since: str) -> None:
        """Wait up to ``worker_timeout`` seconds for a worker; raise ExecutorLost if none."""
        self.notify(
            f"{self._where()} has no worker: waiting up to {self.worker_timeout:g} s for one "
            "(--worker-timeout)"
        )
        try:
            self._client.wait_for_workers(1, timeout=self.worker_timeout)
        except Exception:  # dask's TimeoutError, or the scheduler went away meanwhile
            if not self._connected():
                raise self._lost() from None
            raise self._no_worker(since) from None

    def start(self) -> None:
        """Connect to the scheduler, or start a local cluster."""
        try:
            from dask import config as dask_config
            from distributed import Client, LocalCluster
        except ImportError:
            raise UserError(
                "the Dask executor needs dask.distributed: pip install 'malisim[distributed]'"
            ) from None
        if self.scheduler:
            self._quiet_logs()
            try:
                self._client = Client(
                    self.scheduler, timeout=self.connect_timeout, set_as_default=False
                )
            except OSError as exc:
                self._restore_logs()
                raise UserError(
                    f"cannot connect to the Dask scheduler at {self.scheduler}: {exc}",
                    key="--scheduler",
                ) from None
            if self._nthreads() == 0:
                try:
                    self._wait_for_worker("since the batch started")
                except BaseException:
                    self.terminate()
                    raise
        else:
            n = int(self.local_workers or usable_cores())
            with dask_config.set(worker_config()):
                self._cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self._client = Client(self._cluster, set_as_default=False)
            self.workers = n

    def _nthreads(self) -> int:
        try:
            return int(sum(self._client.nthreads().values()))
        except Exception:  # pragma: no cover - scheduler unreachable
            return 0

    def info(self) -> dict[str, Any]:
        """Executor, scheduler address and the number of worker threads now."""
        return {
            "executor": self.name,
            "workers": self._nthreads() if self._client is not None else self.workers,
            "scheduler": self.scheduler or "LocalCluster",
        }

    def close(self) -> None:
        """Close the client (and the local cluster)."""
        client, self._client = self._client, None
        cluster, self._cluster = self._cluster, None
        if client is not None:
            try:
                client.close(timeout=10)
            except Exception:  # pragma: no cover - best effort on a failing scheduler
                pass
        if cluster is not None:
            try:
                cluster.close(timeout=10)
            except Exception:  # pragma: no cover
                pass
        self._restore_logs()

    def terminate(self) -> None:
        """Cancel the runs in flight and close."""
        if self._client is not None and self._pending:
            try:
                self._client.cancel([fut for fut, _ in self._pending.values()], force=True)
            except Exception:  # pragma: no cover
                pass
        self._pending.clear()
        self.close()

    def results(
        self, tasks: Iterator[RunTask], on_submit: OnSubmit, tick: float = DEFAULT_TICK
    ) -> Iterator[RunOutput | None]:
        """Run tasks on the cluster (see :meth:`Executor.results`)."""
        from concurrent.futures import CancelledError

        from distributed import as_completed

        token = uuid.uuid4().hex[:12]
        source = iter(tasks)
        pending = self._pending
        finished = as_completed(loop=self._client.loop, with_results=False)
        last_yield = time.monotonic()
        window, window_at = 4, -1e9
        while True:
            if time.monotonic() - window_at > 5.0:  # workers come and go: ask now and then
                if not self._connected():
                    raise self._lost()
                threads = self._nthreads()
                if threads == 0 and self.scheduler and self._connected():
                    self._wait_for_worker("since every worker left")  # raises if none comes
                window, window_at = max(4, 2 * threads), time.monotonic()
            while len(pending) < window:
                task = next(source, None)
                if task is None:
                    break
                on_submit(task)
                key = f"malisim-run-{token}-{task.index}"
                try:
                    fut = self._client.submit(execute_run, task, key=key, pure=False)
                except Exception:
                    if not self._connected():
                        raise self._lost() from None
                    raise
                pending[key] = (fut, task)
                finished.add(fut)
            if not pending:
                return
            done = finished.next_batch(block=False)
            if not done:
                if time.monotonic() - last_yield >= tick:
                    last_yield = time.monotonic()
                    yield None
                time.sleep(0.02)
                continue
            for fut in sorted(done, key=lambda f: pending[f.key][1].index):
                _, task = pending.pop(fut.key)
                try:
                    out = fut.result()
                except CancelledError:
                    raise self._lost() from None
                except Exception as exc:  # e.g. KilledWorker after repeated worker deaths
                    if not self._connected():  # not the run's fault: it stays pending
                        raise self._lost() from None
                    out = failed_output(
                        task, f"{type(exc).__name__}: {exc}", traceback.format_exc()
                    )
                fut.release()
                last_yield = time.monotonic()
                yield out


def make_executor(
    kind: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    worker_timeout: float = WORKER_TIMEOUT,
) -> Executor:
    """Build an executor from command-line style options.

    Args:
        kind: ``serial``, ``local`` or ``dask``; default ``dask`` if ``scheduler`` or
            ``dask_local`` is given, else ``local``.
        workers: Worker processes of the local executor (default: all cores).
        scheduler: Dask scheduler address (``tcp://host:port``).
        dask_local: Start a Dask ``LocalCluster`` with this many workers.
        worker_timeout: Seconds a Dask batch waits for a worker when its cluster has none
            (above 0, at most :data:`MAX_WORKER_TIMEOUT`).

    Returns:
        The executor (not started).

    Raises:
        UserError: For contradictory options.
    """
    if kind is None:
        kind = DASK if (scheduler or dask_local) else DEFAULT_EXECUTOR
    if kind not in EXECUTORS:
        raise UserError(
            f"unknown executor {kind!r}", key="--executor", allowed=", ".join(EXECUTORS)
        )
    if kind != DASK and (scheduler or dask_local):
        raise UserError(
            f"--scheduler and --dask-local need the dask executor, not {kind!r}", key="--executor"
        )
    if scheduler and dask_local:
        raise UserError(
            "give either --scheduler (an existing cluster) or --dask-local N, not both",
            key="--dask-local",
        )
    if workers is not None and workers < 1:
        raise UserError("must be at least 1", key="--workers")
    if dask_local is not None and dask_local < 1:
        raise UserError("must be at least 1", key="--dask-local")
    if not (isinstance(worker_timeout, int | float) and 0 < worker_timeout <= MAX_WORKER_TIMEOUT):
        raise UserError(
            f"{worker_timeout} is out of range",
            key="--worker-timeout",
            allowed=f"a number of seconds above 0 and at most {MAX_WORKER_TIMEOUT:g}",
        )
    if kind == SERIAL:
        if workers not in (None, 1):
            raise UserError("the serial executor has one worker", key="--workers")
        return SerialExecutor()
    if kind == LOCAL:
        return LocalExecutor(workers)
    if workers is not None:
        raise UserError(
            "with the dask executor, give --dask-local N (or start workers yourself and pass "
            "--scheduler)",
            key="--workers",
        )
    if scheduler and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise UserError(
            f"{scheduler!r} is not a scheduler address",
            key="--scheduler",
            allowed="tcp://host:port",
        )
    return DaskExecutor(
        scheduler=scheduler, local_workers=dask_local, worker_timeout=float(worker_timeout)
    )
