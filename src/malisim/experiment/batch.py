"""Running an experiment into a results store: start, resume, record, consolidate.

:func:`run_experiment` is the one entry point (``malisim batch`` calls it). A session:

1. loads the experiment (a file or an :class:`~malisim.experiment.design.Experiment`);
2. opens the store: a new folder is created (a non-empty one is refused unless ``resume``);
   resuming checks that neither the experiment (its resolved content: scenarios, points,
   replicates, seed, what is kept) nor the malisim version changed, unless ``force``; then
   deletes orphan chunks and reconstructs every run's state from the status log;
3. submits the runs not yet done (and the failed ones with ``retry_failed``) in execution order;
   each finished run is streamed into the current chunk, committed every ``chunk_runs`` runs or
   ``flush_seconds`` seconds; a failed run is logged with its traceback at once;
4. when every run is done or failed, consolidates the final tables.

Ctrl-C (``KeyboardInterrupt``) commits the runs already finished, logs a ``stopped`` record,
stops the workers and re-raises; a SIGKILL loses at most the runs in flight and those finished
since the last commit. Either way ``resume=True`` completes the batch.
"""

from __future__ import annotations

import errno
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from malisim.core.errors import UserError
from malisim.core.version import __version__
from malisim.experiment.atomic import write_table_atomic
from malisim.experiment.chunks import ChunkWriter
from malisim.experiment.consolidate import consolidate, is_consolidated
from malisim.experiment.design import Experiment, RunSpec
from malisim.experiment.executor_kinds import DASK
from malisim.experiment.executors import WORKER_TIMEOUT, Executor, make_executor
from malisim.experiment.progress import Progress
from malisim.experiment.status_log import StatusLog, StatusScan, scan_status, summarise
from malisim.experiment.store import (
    DESIGN,
    LOCK,
    STORE_FORMAT,
    Store,
    git_commit,
    now_iso,
    package_versions,
)
from malisim.experiment.worker import TABLES, RunOutput, RunTask

#: Errors of a write to the results folder that the user can fix (a full, read-only or
#: quota-bound disk): reported as one line, and the store resumes.
WRITE_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG, errno.EIO}
)

#: Commit the current chunk after this many runs ...
DEFAULT_CHUNK_RUNS = 64
#: ... or this many seconds after its first run, whichever comes first.
DEFAULT_FLUSH_SECONDS = 10.0


@dataclass
class BatchReport:
    """What a call of :func:`run_experiment` did.

    Attributes:
        path: The results folder.
        experiment: The experiment's name.
        total: Runs in the experiment.
        done: Runs done (all sessions).
        failed: Runs failed (all sessions, not retried).
        pending: Runs not done (0 when the batch is complete).
        complete: Every run done or failed and the final tables written.
        ran: Runs finished (done or failed) in this session.
        seconds: Wall time of this session.
        executor: The executor's description.
        failures: ``(run_id, error)`` of failed runs, in design order.
    """

    path: Path
    experiment: str
    total: int
    done: int
    failed: int
    pending: int
    complete: bool
    ran: int = 0
    seconds: float = 0.0
    executor: dict[str, Any] = field(default_factory=dict)
    failures: list[tuple[str, str]] = field(default_factory=list)


def kept_tables(experiment: Experiment) -> tuple[str, ...]:
    """The tables an experiment keeps: outcomes, and series / events on request."""
    keep = {"outcomes": True, "series": experiment.keep_series, "events": experiment.keep_events}
    return tuple(t for t in TABLES if keep[t])


def _experiment_changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Describe how the resolved experiment changed, briefly."""
    changes = []
    for key in ("name", "replicates", "seed", "keep"):
        if old.get(key) != new.get(key):
            changes.append(f"{key} {old.get(key)} -> {new.get(key)}")
    old_s = {s["name"]: s for s in old.get("scenarios", [])}
    new_s = {s["name"]: s for s in new.get("scenarios", [])}
    added = [n for n in new_s if n not in old_s]
    removed = [n for n in old_s if n not in new_s]
    changed = [n for n in new_s if n in old_s and new_s[n] != old_s[n]]
    if added:
        changes.append(f"scenarios added: {', '.join(added)}")
    if removed:
        changes.append(f"scenarios removed: {', '.join(removed)}")
    if changed:
        changes.append(f"scenarios changed: {', '.join(changed)}")
    if old.get("points") != new.get("points"):
        n_old, n_new = len(old.get("points", [])), len(new.get("points", []))
        changes.append(f"design points changed ({n_old} -> {n_new} points)")
    return changes or ["its resolved content differs"]


def _design_table(experiment: Experiment) -> pa.Table:
    frame = experiment.design_frame()
    return pa.Table.from_pandas(frame, preserve_index=False).replace_schema_metadata(None)


def _new_manifest(experiment: Experiment) -> dict[str, Any]:
    return {
        "format": STORE_FORMAT,
        "experiment_name": experiment.name,
        "experiment_file": str(Path(experiment.source).resolve()) if experiment.source else None,
        "experiment_hash": experiment.fingerprint(),
        "malisim_version": __version__,
        "versions": package_versions(),
        "git_commit": git_commit(),
        "host": socket.gethostname(),
        "created": now_iso(),
        "completed": None,
        "runs": experiment.n_runs,
        "experiment": {**experiment.to_dict(), "description": experiment.description},
        "sessions": [],
        "history": [],
    }


def _is_fresh(root: Path) -> bool:
    """Whether a folder holds nothing but what a store's creation writes before its manifest."""
    if not root.exists():
        return True
    allowed = {LOCK, DESIGN, f".{DESIGN}.tmp"}
    return all(p.name in allowed for p in root.iterdir())


def open_store(
    out: str | Path, experiment: Experiment, *, resume: bool, force: bool
) -> tuple[Store, dict[str, Any], bool]:
    """Create or reopen a results store for an experiment and take its lock.

    Args:
        out: The results folder.
        experiment: The experiment.
        resume: Continue an existing store (an empty or missing folder is created).
        force: Resume even if the experiment or the malisim version changed.

    Returns:
        ``(store, manifest, created)``.

    Raises:
        UserError: If the folder is not empty and ``resume`` is false, is not a results store,
            belongs to a changed experiment or version (without ``force``), or is locked.
    """
    store = Store(out)
    root = store.root
    if root.exists() and not root.is_dir():
        raise UserError("output path exists and is a file", file=str(root))
    if not resume and not _is_fresh(root):
        if store.is_store():
            raise UserError(
                "this folder already holds a results store; pass --resume to continue it (or "
                "choose another --out); nothing was changed",
                file=str(root),
            )
        raise UserError(
            "output folder exists and is not empty; choose another --out (nothing was changed)",
            file=str(root),
        )
    if resume and not _is_fresh(root) and not store.is_store():
        raise UserError(
            "cannot resume: not a malisim results folder (no manifest.json); choose another --out",
            file=str(root),
        )
    store.lock()
    try:
        if not store.is_store():
            write_table_atomic(store.design_path, _design_table(experiment))
            manifest = _new_manifest(experiment)
            store.write_manifest(manifest)
            return store, manifest, True
        manifest = store.read_manifest()
        if manifest.get("format") != STORE_FORMAT:
            raise UserError(
                f"cannot resume: unknown store format {manifest.get('format')!r} "
                f"(this malisim writes {STORE_FORMAT})",
                file=str(root),
            )
        problems = []
        version_changed = manifest.get("malisim_version") != __version__
        if version_changed:
            problems.append(
                f"it was started with malisim {manifest.get('malisim_version')}, this is "
                f"{__version__}"
            )
        new_hash = experiment.fingerprint()
        experiment_changed = manifest.get("experiment_hash") != new_hash
        if experiment_changed:
            old = {k: v for k, v in manifest["experiment"].items() if k != "description"}
            changes = "; ".join(_experiment_changes(old, experiment.to_dict()))
            problems.append(f"the experiment changed since it was started ({changes})")
        if problems and not force:
            raise UserError(
                "cannot resume: "
                + ", and ".join(problems)
                + ". Resuming would mix results; choose another --out, or pass --force to "
                "keep the runs that are unaffected and run the rest",
                file=str(root),
            )
        if problems:
            manifest.setdefault("history", []).append(
                {
                    "replaced": now_iso(),
                    "experiment_hash": manifest.get("experiment_hash"),
                    "malisim_version": manifest.get("malisim_version"),
                    "reason": "; ".join(problems),
                }
            )
            manifest["malisim_version"] = __version__
            manifest["versions"] = package_versions()
            if experiment_changed:
                write_table_atomic(store.design_path, _design_table(experiment))
                manifest.update(
                    experiment_name=experiment.name,
                    experiment_hash=new_hash,
                    runs=experiment.n_runs,
                    experiment={**experiment.to_dict(), "description": experiment.description},
                    completed=None,
                )
                log = StatusLog(store.status_path)
                try:
                    log.append([{"event": "design", "time": now_iso(), "hash": new_hash}], True)
                finally:
                    log.close()
            store.write_manifest(manifest)
        return store, manifest, False
    except BaseException:
        store.unlock()
        raise


def _tasks(experiment: Experiment, todo: list[RunSpec]) -> Iterator[RunTask]:
    for run in todo:
        yield RunTask(
            index=run.index,
            run_id=run.run_id,
            scenario=experiment.run_scenario(run),
            params=dict(experiment.points[run.point_index].params),
            seed=run.seed,
            keep_series=experiment.keep_series,
            keep_events=experiment.keep_events,
        )


def run_experiment(
    experiment: Experiment | str | Path,
    out: str | Path,
    *,
    executor: Executor | str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    worker_timeout: float = WORKER_TIMEOUT,
    resume: bool = False,
    force: bool = False,
    retry_failed: bool = False,
    progress: str = "auto",
    log_every: float = 30.0,
    chunk_runs: int = DEFAULT_CHUNK_RUNS,
    flush_seconds: float = DEFAULT_FLUSH_SECONDS,
    stream: TextIO | None = None,
) -> BatchReport:
    """Run an experiment into a results folder (or resume it).

    Args:
        experiment: An :class:`Experiment` or the path of an experiment file.
        out: The results folder (must be new or empty unless ``resume``).
        executor: ``"serial"``, ``"local"`` (default), ``"dask"``, or an :class:`Executor`.
        workers: Local worker processes (default: all cores).
        scheduler: Dask scheduler address, ``tcp://host:port``.
        dask_local: Start a Dask ``LocalCluster`` with this many workers.
        worker_timeout: Seconds a Dask batch waits for a worker when its cluster has none
            (at the start, or after every worker left) before it stops, resumable.
        resume: Continue the batch in ``out`` (runs done are kept, the others run).
        force: Resume even if the experiment or the malisim version changed: runs whose
            fingerprint (scenario, parameters, seed) is unchanged are kept, the rest run.
        retry_failed: Run the failed runs again.
        progress: ``auto`` (a bar on a terminal, log lines otherwise), ``bar``, ``log``,
            ``none``.
        log_every: Seconds between progress log lines.
        chunk_runs: Commit a chunk after this many runs ...
        flush_seconds: ... or this many seconds after its first run.
        stream: Where progress goes (default: standard error).

    Returns:
        What was done; ``report.complete`` tells whether every run is done or failed and the
        final tables are written.

    Note:
        The local executor starts its workers with the ``spawn`` method, which re-imports the
        calling script: a script that calls this function must do so under
        ``if __name__ == "__main__":`` (notebooks and the command line need nothing).

    Raises:
        UserError: For a bad experiment, a refused output folder or bad executor options, or
            when the results folder cannot be written mid-way (a full or read-only disk): the
            runs committed before are kept and ``resume`` continues.
        KeyboardInterrupt: On Ctrl-C, after the finished runs are committed.
    """
    from malisim.experiment.config import load_experiment

    t0 = time.monotonic()
    exp = experiment if isinstance(experiment, Experiment) else load_experiment(experiment)
    ex = (
        executor
        if isinstance(executor, Executor)
        else make_executor(executor, workers, scheduler, dask_local, worker_timeout)
    )
    if chunk_runs < 1:
        raise UserError("must be at least 1", key="chunk_runs")
    tables = kept_tables(exp)
    store, manifest, _ = open_store(out, exp, resume=resume, force=force)
    ran = 0
    info: dict[str, Any] = ex.info()
    try:
        runs = exp.runs()
        scan = scan_status(store.status_path, runs, store.chunk_exists_fn(tables))
        store.remove_orphans(scan.chunks, TABLES)
        states = scan.states
        todo = [
            r
            for r in runs
            if states[r.run_id].state == "pending"
            or (retry_failed and states[r.run_id].state == "failed")
        ]
        if todo:
            ran, info = _run_session(
                store,
                manifest,
                exp,
                todo,
                scan,
                ex,
                tables,
                resume=resume,
                force=force,
                retry_failed=retry_failed,
                progress=progress,
                log_every=log_every,
                chunk_runs=chunk_runs,
                flush_seconds=flush_seconds,
                stream=stream,
            )
            scan = scan_status(store.status_path, runs, store.chunk_exists_fn(tables))
            states = scan.states
        summary = summarise(runs, states)
        complete = summary.pending == 0
        if complete and not is_consolidated(store, scan, tables):
            consolidate(store, runs, states, tables)
            log = StatusLog(store.status_path)
            try:
                log.append(
                    [
                        {
                            "event": "complete",
                            "time": now_iso(),
                            "done": summary.done,
                            "failed": summary.failed,
                        }
                    ],
                    sync=True,
                )
            finally:
                log.close()
            manifest["completed"] = now_iso()
            store.write_manifest(manifest)
    except OSError as exc:
        if exc.errno not in WRITE_ERRNOS:
            raise
        raise UserError(
            f"cannot write the results folder: {exc.strerror or exc}"
            + (f" ({exc.filename})" if exc.filename else "")
            + "; the runs committed so far are saved: make room (or make it writable) and "
            "rerun with --resume",
            file=str(store.root),
        ) from None
    finally:
        store.unlock()
    return BatchReport(
        path=store.root,
        experiment=exp.name,
        total=summary.total,
        done=summary.done,
        failed=summary.failed,
        pending=summary.pending,
        complete=complete,
        ran=ran,
        seconds=time.monotonic() - t0,
        executor=info,
        failures=[(run_id, error) for run_id, error, _ in summary.failures],
    )


def _run_session(
    store: Store,
    manifest: dict[str, Any],
    exp: Experiment,
    todo: list[RunSpec],
    scan: StatusScan,
    ex: Executor,
    tables: tuple[str, ...],
    *,
    resume: bool,
    force: bool,
    retry_failed: bool,
    progress: str,
    log_every: float,
    chunk_runs: int,
    flush_seconds: float,
    stream: TextIO | None,
) -> tuple[int, dict[str, Any]]:
    """Run the runs of ``todo`` in one session; return (runs finished, executor info)."""
    session_no = 1 + scan.sessions
    by_index = {r.index: r for r in todo}
    states = scan.states.values()
    done_before = sum(1 for s in states if s.state == "done")
    failed_before = sum(1 for s in states if s.state == "failed") * (not retry_failed)
    session: dict[str, Any] = {
        "session": session_no,
        "started": now_iso(),
        "ended": None,
        "outcome": "running",
        "host": socket.gethostname(),
        "resume": resume,
        "force": force,
        "retry_failed": retry_failed,
        "runs_to_do": len(todo),
    }
    manifest.setdefault("sessions", []).append(session)
    log = StatusLog(store.status_path)
    chunk = ChunkWriter(store, log, session_no, tables)
    bar = Progress(
        exp.n_runs, done_before, failed_before, mode=progress, stream=stream, every=log_every
    )
    ran = 0
    shown_failures = 0
    info = ex.info()

    def on_submit(task: RunTask) -> None:
        log.append([{"event": "started", "run": task.run_id, "session": session_no}])

    def handle(out: RunOutput) -> None:
        nonlocal ran, shown_failures
        spec = by_index[out.index]
        if out.ok and out.version != __version__:
            out = RunOutput(
                out.index,
                out.run_id,
                False,
                {},
                seconds=out.seconds,
                worker=out.worker,
                error=f"VersionMismatch: worker {out.worker} runs malisim {out.version}, "
                f"the batch {__version__}",
            )
        ran += 1
        if out.ok:
            chunk.add(out, spec, time.monotonic())
            bar.add(True)
            return
        log.append(
            [
                {
                    "event": "failed",
                    "run": spec.run_id,
                    "fp": spec.fingerprint,
                    "error": out.error,
                    "traceback": out.traceback,
                    "seconds": round(out.seconds, 3),
                    "worker": out.worker,
                    "session": session_no,
                }
            ],
            sync=True,
        )
        bar.add(False)
        if shown_failures < 5:
            bar.message(f"run {spec.run_id} failed: {out.error}")
        shown_failures += 1

    outcome = "interrupted"
    ex.notify = bar.message
    try:
        with ex:
            info = ex.info()
            session.update(info)
            if info.get("executor") == DASK:
                manifest["versions"] = package_versions(["dask", "distributed"])
            store.write_manifest(manifest)
            log.append([{"event": "session", "time": now_iso(), **session}], sync=True)
            for out in ex.results(_tasks(exp, Experiment.execution_order(todo)), on_submit):
                if out is not None:
                    handle(out)
                if chunk.due(time.monotonic(), chunk_runs, flush_seconds):
                    chunk.commit()
                bar.poll()
            chunk.commit()
        outcome = "finished"
    except BaseException as exc:
        outcome = "interrupted" if isinstance(exc, KeyboardInterrupt) else f"error: {exc!r}"
        try:
            chunk.commit()
        except BaseException:
            chunk.abort()
        raise
    finally:
        bar.close()
        try:
            _record_stop(store, manifest, log, session, session_no, outcome, ran)
        finally:
            log.close()
    return ran, info


def _record_stop(
    store: Store,
    manifest: dict[str, Any],
    log: StatusLog,
    session: dict[str, Any],
    session_no: int,
    outcome: str,
    ran: int,
) -> None:
    """Log how the session ended and update the manifest (best effort after a failure).

    After a failure (a full or unwritable disk, most often) these writes may fail too; the
    store does not need them to resume, so that error is dropped and the first one reported.
    """
    try:
        if outcome != "finished":
            log.append(
                [{"event": "stopped", "time": now_iso(), "session": session_no, "reason": outcome}],
                sync=True,
            )
        session.update(ended=now_iso(), outcome=outcome, runs_finished=ran)
        store.write_manifest(manifest)
    except OSError:
        if outcome == "finished":
            raise
