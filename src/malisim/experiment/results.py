"""Reading a results store back: :func:`load_results` and the ``malisim status`` report.

:class:`Results` gives the store's tables as pandas DataFrames, read on first access::

    res = malisim.load_results("results/policy_comparison")
    res.outcomes    # one row per done run: run_id, scenario, point_id, replicate, seed, outcomes
    res.design      # one row per run: ids, seed, fingerprint, design point parameters
    res.series      # monthly series of every done run (if kept), id columns first
    res.events      # event logs (if kept)
    res.status      # one row per run: state (done / failed / pending), error
    res.manifest    # the manifest (dict)

A complete store is read from its consolidated tables; an incomplete one (still running, or
interrupted) from its chunks, giving the runs done so far in the same design order and layout.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from malisim.core.errors import UserError
from malisim.experiment.consolidate import is_consolidated, outcome_batches, table_batches
from malisim.experiment.design import DESIGN_ID_COLUMNS, RunSpec
from malisim.experiment.progress import format_seconds
from malisim.experiment.status_log import (
    RunState,
    StatusScan,
    StoreSummary,
    done_runs,
    scan_status,
    summarise,
)
from malisim.experiment.store import Store, runs_from_design
from malisim.experiment.worker import TABLES

#: Id columns every consolidated table starts with (checked when it is read).
TABLE_ID_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "point_id", "replicate")

#: What reading a damaged Parquet file can raise (pyarrow's errors, pandas' metadata parsing).
_READ_ERRORS = (pa.ArrowException, OSError, ValueError, KeyError, TypeError, IndexError)


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def read_parquet_file(
    path: Path, required: tuple[str, ...] = (), columns: list[str] | None = None
) -> pd.DataFrame:
    """Read a table of a results folder, refusing a missing, damaged or foreign file clearly.

    Args:
        path: The Parquet file.
        required: Columns the file must have.
        columns: Columns to read (default: all).

    Raises:
        UserError: Naming the file: it is missing, not a readable Parquet file (zero bytes,
            garbage, damaged metadata) or lacks a required (or requested) column.
    """
    if not path.is_file():
        raise UserError(
            "missing from the results folder (deleted or moved?); rerun the batch with --resume "
            "to rebuild it, or use a complete copy of the folder",
            file=str(path),
        )
    try:
        names = pq.read_schema(path).names
    except _READ_ERRORS as exc:
        raise UserError(
            f"not a readable Parquet file ({_first_line(exc)}); the file is damaged or was "
            "replaced",
            file=str(path),
        ) from None
    wanted = [*required, *(c for c in columns or () if c not in required)]
    missing = [c for c in wanted if c not in names]
    if missing:
        raise UserError(
            f"lacks the column(s) {', '.join(missing)}; it is not the table malisim wrote "
            "(damaged or replaced)",
            file=str(path),
        )
    try:
        if columns is None:
            return pd.read_parquet(path)
        return pq.read_table(path, columns=columns).to_pandas()
    except _READ_ERRORS as exc:
        raise UserError(
            f"not a readable Parquet table ({type(exc).__name__}: {_first_line(exc)}); the file "
            "is damaged or its metadata was edited",
            file=str(path),
        ) from None


class Results:
    """The tables of a results store, as pandas DataFrames read on first access.

    Args:
        path: The results folder.

    Raises:
        UserError: If the folder is not a results store.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.store = Store(self.path)
        if not self.path.is_dir():
            raise UserError("results folder not found", file=str(self.path))
        self.manifest: dict[str, Any] = self.store.read_manifest()

    def __repr__(self) -> str:
        s = self.summary
        state = "complete" if self.complete else "incomplete"
        return (
            f"Results({str(self.path)!r}: {self.manifest.get('experiment_name')!r}, {s.total} "
            f"runs, {s.done} done, {s.failed} failed, {s.pending} pending, {state})"
        )

    @property
    def tables(self) -> tuple[str, ...]:
        """The tables the experiment keeps (``outcomes`` always)."""
        return self.store.kept_tables(self.manifest)

    @cached_property
    def design(self) -> pd.DataFrame:
        """The design table."""
        return read_parquet_file(self.store.design_path, DESIGN_ID_COLUMNS)

    @cached_property
    def runs(self) -> list[RunSpec]:
        """The runs in design order."""
        path = str(self.store.design_path)
        try:
            runs = runs_from_design(self.design)
        except (ValueError, TypeError, OverflowError) as exc:
            raise UserError(
                f"a run's index, replicate or seed is not a whole number ({_first_line(exc)}); "
                "the design table is damaged or was edited",
                file=path,
            ) from None
        if len({r.run_id for r in runs}) < len(runs):
            raise UserError(
                "the same run_id on several rows; the design table is damaged or was edited",
                file=path,
            )
        return runs

    @cached_property
    def _scan(self) -> StatusScan:
        return scan_status(
            self.store.status_path, self.runs, self.store.chunk_exists_fn(self.tables)
        )

    @property
    def states(self) -> dict[str, RunState]:
        """Run id -> state, from the status log."""
        return self._scan.states

    @property
    def summary(self) -> StoreSummary:
        """Counts of runs by state."""
        return summarise(self.runs, self.states)

    @property
    def complete(self) -> bool:
        """Whether every run is done or failed and the consolidated tables are written."""
        return self.summary.pending == 0 and is_consolidated(self.store, self._scan, self.tables)

    def _table(self, name: str) -> pd.DataFrame:
        if name not in self.tables:
            raise UserError(
                f"this experiment did not keep {name} (set keep: {{{name}: true}} in the "
                "experiment file)",
                file=str(self.path),
            )
        if self.complete:
            return read_parquet_file(self.store.final_path(name), TABLE_ID_COLUMNS)
        done = done_runs(self.runs, self.states)
        try:
            if name == "outcomes":
                batches = list(outcome_batches(self.store, done))
            else:
                batches = list(table_batches(self.store, name, done))
        except _READ_ERRORS as exc:
            raise UserError(
                f"cannot read the chunk files of the unfinished {name} table "
                f"({type(exc).__name__}: {_first_line(exc)}); they are damaged or were edited",
                file=str(self.store.chunk_dir(name)),
            ) from None
        return pa.concat_tables(batches).to_pandas()

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """Run-level outcomes, one row per done run in design order."""
        return self._table("outcomes")

    @cached_property
    def series(self) -> pd.DataFrame:
        """Monthly national and regional series of every done run (if kept)."""
        return self._table("series")

    @cached_property
    def events(self) -> pd.DataFrame:
        """Event logs of every done run (if kept)."""
        return self._table("events")

    @cached_property
    def status(self) -> pd.DataFrame:
        """One row per run: run_id, scenario, point_id, replicate, state, in_flight, error."""
        rows = []
        for run in self.runs:
            st = self.states[run.run_id]
            rows.append(
                (
                    run.run_id,
                    run.scenario,
                    run.point_id,
                    run.replicate,
                    st.state,
                    st.started,
                    st.error,
                )
            )
        return pd.DataFrame(
            rows,
            columns=["run_id", "scenario", "point_id", "replicate", "state", "in_flight", "error"],
        )

    def read(self, name: str, columns: list[str] | None = None) -> pd.DataFrame:
        """Read some columns of a consolidated table (cheaper than the whole table).

        Args:
            name: ``outcomes``, ``series`` or ``events``.
            columns: Columns to read (default: all).
        """
        if name not in TABLES:
            raise UserError(f"unknown table {name!r}", allowed=", ".join(TABLES))
        if not self.complete:
            frame = self._table(name)
            return frame if columns is None else frame[columns]
        return read_parquet_file(self.store.final_path(name), TABLE_ID_COLUMNS, columns)


def load_results(path: str | Path) -> Results:
    """Open a results store (see :class:`Results`).

    Args:
        path: The results folder written by ``malisim batch`` or :func:`run_experiment`.

    Returns:
        The results; tables are read on first access.
    """
    return Results(path)


def resume_command(manifest: dict[str, Any], path: Path, retry_failed: bool = False) -> str:
    """The command that resumes a store."""
    exp = manifest.get("experiment_file") or "EXPERIMENT.yaml"
    try:
        exp = str(Path(exp).relative_to(Path.cwd()))
    except ValueError:
        pass
    return f"malisim batch {exp} --out {path} --resume" + (
        " --retry-failed" if retry_failed else ""
    )


def format_status(path: str | Path, tracebacks: bool = False, max_failures: int = 20) -> str:
    """The text of ``malisim status DIR``: done / failed / pending, why, and what to do.

    Args:
        path: The results folder.
        tracebacks: Show the traceback of each failure (else the error line).
        max_failures: Failures listed at most.
    """
    res = Results(path)
    man = res.manifest
    exp = man.get("experiment", {})
    s = res.summary
    n_scen, n_points = len(exp.get("scenarios", [])), len(exp.get("points", []))
    lines = [
        f"{res.path}: experiment {man.get('experiment_name')!r} "
        f"({n_scen} scenario(s) x {n_points} point(s) x {exp.get('replicates')} replicate(s) "
        f"= {s.total} runs), malisim {man.get('malisim_version')}",
        f"  done     {s.done:>7}",
        f"  failed   {s.failed:>7}"
        + (f"   rerun them with: {resume_command(man, res.path, True)}" if s.failed else ""),
    ]
    running = res.store.running()
    pending = f"  pending  {s.pending:>7}"
    if s.pending:
        why = []
        if s.in_flight and running:
            why.append(f"{s.in_flight} started and not yet saved")
        elif s.in_flight:
            why.append(f"{s.in_flight} in flight when the batch stopped")
        not_started = s.pending - s.in_flight
        if not_started:
            why.append(f"{not_started} not started")
        if s.stale:
            why.append(f"{s.stale} with results of an earlier version of the experiment")
        pending += f"   ({'; '.join(why)})"
    lines.append(pending)
    sessions = man.get("sessions", [])
    if running:
        state = f"running ({running})"
    elif res.complete:
        state = f"complete (consolidated tables written {man.get('completed') or ''})".rstrip()
    elif s.pending == 0:
        state = "every run finished, tables not consolidated: run --resume to write them"
    else:
        last = sessions[-1] if sessions else {}
        stopped = last.get("outcome", "not started")
        if stopped == "running":
            stopped = "killed (no clean stop recorded)"
        state = f"stopped: {stopped}; continue with: {resume_command(man, res.path)}"
    lines.append(f"  state: {state}")
    for sess in sessions:
        start, end = sess.get("started"), sess.get("ended")
        took = ""
        if start and end:
            import datetime

            secs = (
                datetime.datetime.fromisoformat(end) - datetime.datetime.fromisoformat(start)
            ).total_seconds()
            took = f", {format_seconds(secs)}"
        lines.append(
            f"  session {sess.get('session')}: {start} {sess.get('executor', '?')} x"
            f"{sess.get('workers', '?')} on {sess.get('host', '?')}, "
            f"{sess.get('runs_finished', 0)} of {sess.get('runs_to_do', '?')} runs{took}, "
            f"{sess.get('outcome')}"
        )
    if s.failures:
        lines.append("failures:")
        for run_id, error, tb in s.failures[:max_failures]:
            lines.append(f"  {run_id}: {error}")
            if tracebacks and tb:
                lines += [f"      {t}" for t in tb.rstrip().splitlines()]
        if len(s.failures) > max_failures:
            lines.append(f"  ... and {len(s.failures) - max_failures} more")
        if not tracebacks:
            lines.append("  (tracebacks: malisim status DIR --tracebacks, or status.jsonl)")
    return "\n".join(lines)
