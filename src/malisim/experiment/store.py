"""The results store: one folder per experiment that no interruption can lose or corrupt.

Layout::

    manifest.json      experiment hash and resolved experiment, versions, git commit, host,
                       sessions (start, end, executor); rewritten atomically at session start/end
    design.parquet     one row per run in design order: index, run_id, scenario, point_id,
                       replicate, seed, fingerprint, the design point's parameters
    status.jsonl       append-only status log, one JSON object per line: session, started,
                       done (with the chunk and row group holding the run), failed (with the
                       traceback), stopped, complete
    outcomes/          chunk files ``sSSS-NNNNN.parquet`` written as runs finish: one row group
    series/            per run (outcomes in long form: outcome, value); series/ and events/
    events/            only when the experiment keeps them
    outcomes.parquet   the consolidated tables, written once when every run is done or failed:
    series.parquet     runs in design order, id columns first (run_id, scenario, point_id,
    events.parquet     replicate[, seed]); outcomes in wide form, one row per run
    .lock              held (flock) by the batch writing the store

Guarantees:

* **Nothing is rewritten in place.** A chunk is written to a temporary file, fsynced and renamed
  (``os.replace``); only then are its runs' ``done`` records appended (and fsynced) to the
  status log. A crash between the two leaves an *orphan* chunk that no record names: it is
  deleted on resume and its runs are run again. A torn last line of the log is skipped.
* **A run is done iff a ``done`` record names it** with the current fingerprint and its chunk
  exists. Resume reruns every other run (pending, or in flight when the batch stopped), so no run
  is lost; the consolidated tables take each run from the chunk its record names, so none is
  duplicated.
* **Byte-identical final tables.** Consolidation reads runs in design order and writes row groups
  whose boundaries depend only on the data, so two complete stores of the same experiment are
  identical byte for byte whatever the executor, the number of workers, the chunking or the
  interruptions.
* **Bounded memory.** The parent holds one chunk writer (runs are streamed into it) and
  consolidation streams row groups; neither grows with the number of runs.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import os
import platform
import socket
import subprocess
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from malisim.core.errors import UserError
from malisim.core.version import __version__
from malisim.experiment.design import RunSpec
from malisim.experiment.worker import TABLES, RunOutput

#: Store format written in the manifest.
STORE_FORMAT = "malisim-results/1"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
STATUS = "status.jsonl"
LOCK = ".lock"
#: A row group of the consolidated series and events tables ends after the run that brings it
#: to this many rows, or to this many runs (bounds the parent's memory while consolidating).
FINAL_ROW_GROUP_ROWS = 65_536
FINAL_ROW_GROUP_RUNS = 64
#: Runs per row group of the consolidated outcomes table.
FINAL_OUTCOME_RUNS = 4096
#: Parquet options of every table written (deterministic bytes for the same content).
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "write_statistics": True}
#: Id columns added in front of the consolidated tables.
ID_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "point_id", "replicate")


def now_iso() -> str:
    """Current UTC time as ISO 8601 text (seconds)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: Path, text: str) -> None:
    """Write a text file atomically (temporary file, fsync, rename)."""
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    _fsync_dir(path.parent)


class _AtomicParquet:
    """A Parquet file written through a temporary file and renamed into place on commit."""

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.schema = schema
        self.writer = pq.ParquetWriter(self.tmp, schema, **PARQUET_OPTIONS)

    def write(self, table: pa.Table, row_group_rows: int | None = None) -> None:
        self.writer.write_table(table, row_group_size=max(1, row_group_rows or table.num_rows))

    def commit(self, sync_dir: bool = True) -> None:
        self.writer.close()  # closing twice is harmless
        _fsync_file(self.tmp)
        os.replace(self.tmp, self.path)
        if sync_dir:
            _fsync_dir(self.path.parent)

    def abort(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


def write_table_atomic(path: Path, table: pa.Table) -> None:
    """Write one Arrow table as a Parquet file atomically (a single row group)."""
    out = _AtomicParquet(path, table.schema)
    try:
        out.write(table)
        out.commit()
    except BaseException:
        out.abort()
        raise


# --------------------------------------------------------------------------------------------
# environment


def package_versions(extra: Iterable[str] = ()) -> dict[str, str]:
    """Versions of Python, malisim and the packages that shape the results."""
    from importlib import metadata

    names = ["numpy", "pandas", "pyarrow", "scipy", "mesa", "pydantic", *extra]
    out = {"python": platform.python_version(), "malisim": __version__}
    for name in names:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_commit() -> str | None:
    """The git commit of the malisim source tree, if it is a checkout (else None).

    ``-dirty`` is appended when any tracked file of the package (model, policies, batch
    machinery, everything under ``src/malisim``) differs from that commit, so that a manifest
    never claims a commit whose code did not run.
    """
    here = Path(__file__).resolve().parents[1]
    try:
        result = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    text = result.stdout.strip()
    if result.returncode != 0 or not text:
        return None
    try:
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "."],
            cwd=here,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        dirty = ""
    return text + ("-dirty" if dirty else "")


# --------------------------------------------------------------------------------------------
# the status log


def iter_status_log(path: Path) -> Iterator[dict[str, Any]]:
    """Yield the records of the status log, skipping a torn (partially written) line."""
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for raw in fh:
            if not raw.endswith(b"\n"):
                continue  # torn last line of a killed writer
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                continue
            if isinstance(rec, dict) and "event" in rec:
                yield rec


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


# --------------------------------------------------------------------------------------------
# the store


class Store:
    """A results folder (see the module docstring for the layout).

    Args:
        root: The folder.
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self._lock_fd: int | None = None

    # paths ---------------------------------------------------------------------------------

    @property
    def manifest_path(self) -> Path:
        """``manifest.json``."""
        return self.root / MANIFEST

    @property
    def design_path(self) -> Path:
        """``design.parquet``."""
        return self.root / DESIGN

    @property
    def status_path(self) -> Path:
        """``status.jsonl``."""
        return self.root / STATUS

    def chunk_dir(self, table: str) -> Path:
        """Folder of a table's chunk files."""
        return self.root / table

    def chunk_path(self, table: str, chunk: str) -> Path:
        """Path of a chunk file."""
        return self.root / table / f"{chunk}.parquet"

    def final_path(self, table: str) -> Path:
        """Path of a consolidated table."""
        return self.root / f"{table}.parquet"

    # state ---------------------------------------------------------------------------------

    def is_store(self) -> bool:
        """Whether the folder holds a manifest."""
        return self.manifest_path.is_file()

    def read_manifest(self) -> dict[str, Any]:
        """Read ``manifest.json``."""
        try:
            return json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise UserError(
                "not a malisim results folder (no manifest.json)", file=str(self.root)
            ) from None
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"cannot read manifest.json: {exc}", file=str(self.root)) from None

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write ``manifest.json`` atomically."""
        atomic_write_text(
            self.manifest_path, json.dumps(manifest, indent=2, sort_keys=False, default=str) + "\n"
        )

    def read_status(self) -> list[dict[str, Any]]:
        """Read the status log."""
        return read_status_log(self.status_path)

    def kept_tables(self, manifest: dict[str, Any] | None = None) -> tuple[str, ...]:
        """The tables this store keeps (``outcomes`` always)."""
        keep = (manifest or self.read_manifest())["experiment"]["keep"]
        return tuple(t for t in TABLES if t == "outcomes" or keep.get(t))

    def chunk_exists_fn(self, tables: tuple[str, ...]) -> Any:
        """A cached ``chunk -> bool`` telling whether a chunk exists for every kept table."""
        cache: dict[str, bool] = {}
        present = {t: _listing(self.chunk_dir(t)) for t in tables}

        def exists(chunk: str) -> bool:
            if chunk not in cache:
                cache[chunk] = all(f"{chunk}.parquet" in present[t] for t in tables)
            return cache[chunk]

        return exists

    # lock ----------------------------------------------------------------------------------

    def lock(self) -> None:
        """Take the store's lock, or refuse if another batch holds it."""
        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            holder = _read_lock(fd)
            os.close(fd)
            raise UserError(
                f"another batch is writing to this folder ({holder or 'unknown process'})",
                file=str(self.root),
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"pid {os.getpid()} on {socket.gethostname()}\n".encode())
        self._lock_fd = fd

    def unlock(self) -> None:
        """Release the lock."""
        if self._lock_fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._lock_fd, 0)
            os.close(self._lock_fd)
            self._lock_fd = None

    def running(self) -> str | None:
        """Who holds the lock now (``pid N on host``), or None if no batch is running."""
        path = self.root / LOCK
        if not path.exists():
            return None
        fd = os.open(path, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except OSError:
                return _read_lock(fd) or "another process"
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def remove_orphans(self, referenced: set[str], tables: Iterable[str]) -> int:
        """Delete temporary files and the chunks not in ``referenced``; return the count.

        Args:
            referenced: The chunks named by ``done`` records (:attr:`StatusScan.chunks`).
            tables: The tables whose chunk folders to clean.
        """
        removed = 0
        for table in tables:
            folder = self.chunk_dir(table)
            if not folder.is_dir():
                continue
            for path in folder.iterdir():
                orphan = path.name.endswith(".tmp") or (
                    path.suffix == ".parquet" and path.stem not in referenced
                )
                if orphan:
                    path.unlink()
                    removed += 1
        for path in self.root.glob(".*.tmp"):
            path.unlink()
            removed += 1
        return removed


def _listing(folder: Path) -> set[str]:
    return set(os.listdir(folder)) if folder.is_dir() else set()


def _read_lock(fd: int) -> str:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return os.read(fd, 200).decode("utf-8", "replace").strip()
    except OSError:  # pragma: no cover
        return ""


# --------------------------------------------------------------------------------------------
# chunk writing


class ChunkWriter:
    """Streams finished runs into the current chunk (one row group per run and table).

    Runs are written to temporary files as they arrive, so the parent holds one run at a time;
    :meth:`commit` renames the files into place and then appends the runs' ``done`` records.

    Args:
        store: The store.
        log: The status log.
        session: The session number (part of chunk names).
        tables: The tables to write.
    """

    def __init__(self, store: Store, log: StatusLog, session: int, tables: tuple[str, ...]):
        self.store = store
        self.log = log
        self.session = session
        self.tables = tables
        self.seq = 0
        self.files: dict[str, _AtomicParquet] = {}
        self.records: list[dict[str, Any]] = []
        self.opened_at = 0.0
        for table in tables:
            self.store.chunk_dir(table).mkdir(parents=True, exist_ok=True)

    @property
    def name(self) -> str:
        """Name of the current chunk."""
        return f"s{self.session:03d}-{self.seq:05d}"

    @property
    def n_runs(self) -> int:
        """Runs in the current (uncommitted) chunk."""
        return len(self.records)

    def add(self, output: RunOutput, spec: RunSpec, now: float) -> None:
        """Write one finished run into the current chunk."""
        tables = {t: output.tables[t] for t in self.tables}
        if self.files and any(not _castable(tables[t], self.files[t].schema) for t in self.tables):
            self.commit()  # another schema: start a new chunk
        if not self.files:
            self.opened_at = now
            while any(self.store.chunk_path(t, self.name).exists() for t in self.tables):
                self.seq += 1  # never replace an existing chunk
            for t in self.tables:
                path = self.store.chunk_path(t, self.name)
                self.files[t] = _AtomicParquet(path, tables[t].schema)
        for t in self.tables:
            table = tables[t]
            out = self.files[t]
            if table.schema != out.schema:
                table = table.cast(out.schema)
            out.write(table)
        self.records.append(
            {
                "event": "done",
                "run": spec.run_id,
                "fp": spec.fingerprint,
                "chunk": self.name,
                "rg": len(self.records),
                "seconds": round(output.seconds, 3),
                "cpu_seconds": round(output.cpu_seconds, 3),
                "finished": round(time.time(), 3),
                "worker": output.worker,
                "session": self.session,
            }
        )

    def due(self, now: float, max_runs: int, max_seconds: float) -> bool:
        """Whether the current chunk should be committed."""
        return bool(self.records) and (
            len(self.records) >= max_runs or now - self.opened_at >= max_seconds
        )

    def commit(self) -> int:
        """Rename the chunk's files into place, then log its runs as done; return the count."""
        if not self.files:
            return 0
        files, self.files = self.files, {}
        records, self.records = self.records, []
        try:
            for out in files.values():
                out.writer.close()
                groups = pq.read_metadata(out.tmp).num_row_groups
                if groups != len(records):  # row group i must hold the chunk's i-th run
                    raise RuntimeError(
                        f"chunk {out.path} has {groups} row groups for {len(records)} runs"
                    )
                out.commit(sync_dir=False)
            for t in self.tables:
                _fsync_dir(self.store.chunk_dir(t))
        except BaseException:
            for out in files.values():
                out.abort()
            raise
        self.seq += 1
        self.log.append(records, sync=True)
        return len(records)

    def abort(self) -> None:
        """Drop the current chunk (its runs will be rerun)."""
        for out in self.files.values():
            out.abort()
        self.files, self.records = {}, []


def _castable(table: pa.Table, schema: pa.Schema) -> bool:
    if table.schema == schema:
        return True
    if table.schema.names != schema.names:
        return False
    try:
        table.slice(0, 0).cast(schema)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, ValueError):
        return False
    return True


# --------------------------------------------------------------------------------------------
# reading runs back in design order


class _RowGroups:
    """Reads a run's row group from its chunk, keeping a few chunk files open."""

    def __init__(self, store: Store, table: str, max_open: int = 4) -> None:
        self.store = store
        self.table = table
        self.max_open = max_open
        self.files: OrderedDict[str, pq.ParquetFile] = OrderedDict()

    def file(self, chunk: str) -> pq.ParquetFile:
        pf = self.files.pop(chunk, None)
        if pf is None:
            pf = pq.ParquetFile(self.store.chunk_path(self.table, chunk))
            if len(self.files) >= self.max_open:
                _, old = self.files.popitem(last=False)
                old.close()
        self.files[chunk] = pf
        return pf

    def read(self, chunk: str, row_group: int, columns: list[str] | None = None) -> pa.Table:
        return self.file(chunk).read_row_group(row_group, columns=columns, use_threads=False)

    def close(self) -> None:
        for pf in self.files.values():
            pf.close()
        self.files.clear()


DoneRun = tuple[RunSpec, RunState]


def _id_arrays(specs: list[RunSpec], counts: list[int] | None = None) -> dict[str, pa.Array]:
    """Id columns for runs (each repeated ``counts[i]`` times if given)."""
    reps = np.asarray(counts if counts is not None else [1] * len(specs), dtype=np.int64)

    def col(values: list[Any], kind: pa.DataType) -> pa.Array:
        return pa.array(np.repeat(np.asarray(values, dtype=object), reps).tolist(), kind)

    return {
        "run_id": col([s.run_id for s in specs], pa.string()),
        "scenario": col([s.scenario for s in specs], pa.string()),
        "point_id": col([s.point_id for s in specs], pa.string()),
        "replicate": pa.array(np.repeat([s.replicate for s in specs], reps), pa.int64()),
    }


def outcome_batches(store: Store, done: list[DoneRun]) -> Iterator[pa.Table]:
    """Yield the wide outcomes table of done runs (design order) in batches of runs.

    Columns: run_id, scenario, point_id, replicate, seed, then every outcome in order of first
    appearance over the runs in design order (missing values where a run has no such outcome,
    e.g. the yearly outcomes of years outside its horizon).
    """
    reader = _RowGroups(store, "outcomes")
    try:
        names: list[str] = []
        known: set[str] = set()
        seen_keys: set[tuple[str, ...]] = set()
        for _, state in done:  # pass 1: the columns
            assert state.chunk is not None and state.row_group is not None
            keys = tuple(
                reader.read(state.chunk, state.row_group, ["outcome"])["outcome"].to_pylist()
            )
            if keys in seen_keys:
                continue
            seen_keys.add(keys)
            for key in keys:
                if key not in known:
                    known.add(key)
                    names.append(key)
        position = {name: j for j, name in enumerate(names)}
        schema = pa.schema(
            [
                ("run_id", pa.string()),
                ("scenario", pa.string()),
                ("point_id", pa.string()),
                ("replicate", pa.int64()),
                ("seed", pa.int64()),
                *((name, pa.float64()) for name in names),
            ]
        )
        if not done:
            yield schema.empty_table()
            return
        for start in range(0, len(done), FINAL_OUTCOME_RUNS):  # pass 2: the values
            batch = done[start : start + FINAL_OUTCOME_RUNS]
            values = np.full((len(batch), len(names)), np.nan)
            for i, (_, state) in enumerate(batch):
                assert state.chunk is not None and state.row_group is not None
                tbl = reader.read(state.chunk, state.row_group)
                cols = [position[k] for k in tbl["outcome"].to_pylist()]
                values[i, cols] = tbl["value"].to_numpy()
            specs = [spec for spec, _ in batch]
            arrays = _id_arrays(specs)
            arrays["seed"] = pa.array([s.seed for s in specs], pa.int64())
            for j, name in enumerate(names):
                arrays[name] = pa.array(values[:, j], pa.float64())
            yield pa.table(arrays, schema=schema)
    finally:
        reader.close()


def _conform(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """Give a run's table the common schema (casting, and adding missing columns as nulls)."""
    if table.schema == schema:
        return table
    columns = []
    for fld in schema:
        if fld.name in table.column_names:
            columns.append(table[fld.name].cast(fld.type))
        else:
            columns.append(pa.nulls(table.num_rows, fld.type))
    return pa.Table.from_arrays(columns, schema=schema)


def table_batches(store: Store, table: str, done: list[DoneRun]) -> Iterator[pa.Table]:
    """Yield a series or events table of done runs in design order, with id columns in front.

    Row-group boundaries (at run boundaries, after ``FINAL_ROW_GROUP_ROWS`` rows or
    ``FINAL_ROW_GROUP_RUNS`` runs) depend only on the runs' data, never on how they were
    chunked.
    """
    reader = _RowGroups(store, table)
    try:
        schemas: list[pa.Schema] = []
        seen: set[str] = set()
        for _, state in done:
            assert state.chunk is not None
            if state.chunk not in seen:
                seen.add(state.chunk)
                schema = reader.file(state.chunk).schema_arrow
                if schema not in schemas:
                    schemas.append(schema)
        data_schema = pa.unify_schemas(schemas) if schemas else pa.schema([])
        ids = _id_arrays([], [])
        full = pa.schema([pa.field(n, a.type) for n, a in ids.items()] + list(data_schema))
        if not done:
            yield full.empty_table()
            return
        parts: list[pa.Table] = []
        specs: list[RunSpec] = []
        rows = 0

        def batch() -> pa.Table:
            data = pa.concat_tables(parts).combine_chunks()
            ids = _id_arrays(specs, [p.num_rows for p in parts])
            return pa.Table.from_arrays([*ids.values(), *data.columns], schema=full)

        for spec, state in done:
            assert state.chunk is not None and state.row_group is not None
            parts.append(_conform(reader.read(state.chunk, state.row_group), data_schema))
            specs.append(spec)
            rows += parts[-1].num_rows
            if rows >= FINAL_ROW_GROUP_ROWS or len(parts) >= FINAL_ROW_GROUP_RUNS:
                yield batch()
                parts, specs, rows = [], [], 0
        if parts:
            yield batch()
    finally:
        reader.close()


def done_runs(runs: Iterable[RunSpec], states: dict[str, RunState]) -> list[DoneRun]:
    """The done runs with their states, in design order."""
    return [(r, states[r.run_id]) for r in runs if states[r.run_id].state == "done"]


def consolidate(
    store: Store, runs: Iterable[RunSpec], states: dict[str, RunState], tables: Iterable[str]
) -> None:
    """Write the consolidated tables (atomically, each once) from the chunks of the done runs.

    Args:
        store: The store.
        runs: Every run of the design, in design order.
        states: The runs' states.
        tables: The tables kept (``outcomes`` and possibly ``series``, ``events``).
    """
    done = done_runs(runs, states)
    tables = list(tables)
    for table in tables:
        batches = (
            outcome_batches(store, done)
            if table == "outcomes"
            else table_batches(store, table, done)
        )
        out: _AtomicParquet | None = None
        try:
            pool = pa.default_memory_pool()
            for batch in batches:
                if out is None:
                    out = _AtomicParquet(store.final_path(table), batch.schema)
                out.write(batch)
                del batch
                pool.release_unused()  # hand freed buffers back: flat memory over long batches
            assert out is not None
            out.commit()
        except BaseException:
            if out is not None:
                out.abort()
            raise
    for table in TABLES:
        if table not in tables and store.final_path(table).exists():
            store.final_path(table).unlink()


def runs_from_design(design: Any) -> list[RunSpec]:
    """Rebuild the runs (design order) from a design table (``design.parquet``)."""
    scenarios: dict[str, int] = {}
    points: dict[str, int] = {}
    runs = []
    columns = ["index", "run_id", "scenario", "point_id", "replicate", "seed", "fingerprint"]
    for row in design[columns].itertuples(index=False):
        runs.append(
            RunSpec(
                index=int(row.index),
                run_id=str(row.run_id),
                scenario=str(row.scenario),
                scenario_index=scenarios.setdefault(str(row.scenario), len(scenarios)),
                point_id=str(row.point_id),
                point_index=points.setdefault(str(row.point_id), len(points)),
                replicate=int(row.replicate),
                seed=int(row.seed),
                fingerprint=str(row.fingerprint),
            )
        )
    return runs


def is_consolidated(store: Store, scan: StatusScan, tables: Iterable[str]) -> bool:
    """Whether the consolidated tables exist and are up to date with the status log."""
    return scan.consolidated and all(store.final_path(t).exists() for t in tables)


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
