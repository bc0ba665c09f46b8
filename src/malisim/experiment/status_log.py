"""The append-only status log (``status.jsonl``) and the state of every run read back from it.

One JSON object per line, appended and never rewritten: ``session`` (a batch starts), ``started``
(a run was handed to a worker), ``done`` (with the chunk and row group holding the run's tables),
``failed`` (with the error and traceback), ``stopped``, ``design`` (the design changed) and
``complete`` (the consolidated tables were written). A torn last line (a writer killed in the
middle of a write) is skipped on reading, and the next writer starts on a new line; so is a
line whose record is not of the log's shape (e.g. hand-edited, ``{"run": 5, "state": []}``),
with one warning (:class:`StatusLogWarning`) per read: its run stays pending and is rerun.

:func:`scan_status` reconstructs, in one streaming pass, the :class:`RunState` of every run of a
design: a run is done iff its last terminal record is ``done`` for its current fingerprint and
its chunk exists.
"""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from malisim.experiment.design import RunSpec


class StatusLogWarning(UserWarning):
    """Lines of a status log were skipped because their records are malformed."""


def _well_formed(rec: Any) -> bool:
    """Whether a decoded line is a record of the log's shape (the keys the readers use)."""
    if not isinstance(rec, dict) or not isinstance(rec.get("event"), str):
        return False
    if any(k in rec and not isinstance(rec[k], str) for k in ("run", "fp", "chunk")):
        return False
    event = rec["event"]
    if event == "done":
        rg = rec.get("rg")
        if not ("run" in rec and "chunk" in rec and isinstance(rg, int)) or isinstance(rg, bool):
            return False
        return rg >= 0
    if event == "failed":
        return "run" in rec and all(
            rec.get(k) is None or isinstance(rec[k], str) for k in ("error", "traceback")
        )
    return True


def iter_status_log(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of the status log, skipping torn (partially written) lines.

    A line that is not a record of the log's shape is skipped too (its run stays pending),
    with one :class:`StatusLogWarning` per read.
    """
    if not path.exists():
        return
    malformed = 0
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                continue  # torn last line of a killed writer
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if not _well_formed(rec):
                malformed += 1
                continue
            yield rec
    if malformed:
        warnings.warn(
            f"{path}: skipped {malformed} malformed line(s) (not records of the status log); "
            "their runs count as pending and run again on --resume",
            StatusLogWarning,
            stacklevel=2,
        )


def read_status_log(path: Path) -> list[dict[str, Any]]:
    """Read the whole status log (see :func:`iter_status_log`)."""
    return list(iter_status_log(path))


class StatusLog:
    """Append-only writer of the status log (one ``write`` per batch of records)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        size = os.fstat(self.fd).st_size
        if size:
            with open(path, "rb") as fh:
                fh.seek(size - 1)
                if fh.read(1) != b"\n":  # a torn last line: start ours on a new line
                    os.write(self.fd, b"\n")

    def append(self, records: Iterable[dict[str, Any]], sync: bool = False) -> None:
        """Append records (each a JSON line); fsync if ``sync``."""
        data = "".join(
            json.dumps(r, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
            for r in records
        ).encode("utf-8")
        if not data:
            return
        view = memoryview(data)
        while view:
            n = os.write(self.fd, view)
            view = view[n:]
        if sync:
            os.fsync(self.fd)

    def close(self) -> None:
        """Close the file."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


@dataclass(slots=True)
class RunState:
    """The state of one run, reconstructed from the status log.

    Attributes:
        state: ``done``, ``failed`` or ``pending``.
        started: Started in a session without a ``done``/``failed`` record since (it was in
            flight when the batch stopped).
        chunk: Chunk holding a done run.
        row_group: Row group of the run in its chunk.
        error: Error of a failed run.
        traceback: Traceback of a failed run.
        stale: The run has results for another fingerprint (the experiment changed).
    """

    state: str = "pending"
    started: bool = False
    chunk: str | None = None
    row_group: int | None = None
    error: str | None = None
    traceback: str | None = None
    stale: bool = False


def run_states(
    records: Iterable[dict[str, Any]],
    runs: Iterable[RunSpec],
    chunk_exists: Any = None,
) -> dict[str, RunState]:
    """Reconstruct the state of every run of the design from the status log.

    The last ``done``/``failed`` record of a run wins, if its fingerprint matches the design's
    (and, for ``done``, if ``chunk_exists(chunk)``); a later ``started`` record marks it in
    flight only if it has no terminal record yet.
    """
    specs = {r.run_id: r for r in runs}
    states = {run_id: RunState() for run_id in specs}
    for rec in records:
        event = rec.get("event")
        state = states.get(rec.get("run", ""))
        if state is None:
            continue
        if event == "started":
            if state.state == "pending":
                state.started = True
            continue
        if event not in ("done", "failed"):
            continue
        if rec.get("fp") != specs[rec["run"]].fingerprint:
            state.stale = True
            continue
        if event == "done":
            if chunk_exists is not None and not chunk_exists(rec["chunk"]):
                continue
            state.state, state.chunk, state.row_group = "done", rec["chunk"], int(rec["rg"])
            state.error = state.traceback = None
        else:
            state.state = "failed"
            state.error, state.traceback = rec.get("error"), rec.get("traceback")
        state.started = False
    return states


@dataclass
class StatusScan:
    """What one pass over the status log tells (see :func:`scan_status`).

    Attributes:
        states: Run id -> state, for every run of the design.
        chunks: Chunks named by a ``done`` record (any other chunk is an orphan).
        sessions: Number of sessions started.
        consolidated: A ``complete`` record follows the last ``done``, ``failed`` or ``design``
            record (the consolidated tables are up to date if they exist).
    """

    states: dict[str, RunState]
    chunks: set[str]
    sessions: int
    consolidated: bool


def scan_status(path: Path, runs: Iterable[RunSpec], chunk_exists: Any = None) -> StatusScan:
    """Read the status log in one streaming pass (memory does not grow with its length)."""
    chunks: set[str] = set()
    counts = {"sessions": 0, "change": -1, "complete": -1}

    def records() -> Iterator[dict[str, Any]]:
        for i, rec in enumerate(iter_status_log(path)):
            event = rec["event"]
            if event == "done" and "chunk" in rec:
                chunks.add(rec["chunk"])
            if event in ("done", "failed", "design"):
                counts["change"] = i
            elif event == "complete":
                counts["complete"] = i
            elif event == "session":
                counts["sessions"] += 1
            yield rec

    states = run_states(records(), runs, chunk_exists)
    return StatusScan(
        states=states,
        chunks=chunks,
        sessions=counts["sessions"],
        consolidated=counts["complete"] > counts["change"],
    )


#: A done run of the design with its state (chunk and row group of its tables).
DoneRun = tuple[RunSpec, RunState]


def done_runs(runs: Iterable[RunSpec], states: dict[str, RunState]) -> list[DoneRun]:
    """The done runs with their states, in design order."""
    return [(r, states[r.run_id]) for r in runs if states[r.run_id].state == "done"]


@dataclass
class StoreSummary:
    """Counts of a store's runs by state (see :func:`summarise`)."""

    total: int = 0
    done: int = 0
    failed: int = 0
    pending: int = 0
    in_flight: int = 0
    stale: int = 0
    failures: list[tuple[str, str, str]] = field(default_factory=list)


def summarise(runs: Iterable[RunSpec], states: dict[str, RunState]) -> StoreSummary:
    """Count runs by state; list the failures (run id, error, traceback) in design order."""
    out = StoreSummary()
    for run in runs:
        st = states[run.run_id]
        out.total += 1
        if st.state == "done":
            out.done += 1
        elif st.state == "failed":
            out.failed += 1
            out.failures.append((run.run_id, st.error or "", st.traceback or ""))
        else:
            out.pending += 1
            out.in_flight += int(st.started)
            out.stale += int(st.stale)
    return out
