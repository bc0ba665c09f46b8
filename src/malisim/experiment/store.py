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

This module holds the folder itself (:class:`Store`: paths, manifest, lock, orphan removal), the
provenance written into the manifest (versions, git commit) and the runs read back from the
design table. The rest of the machinery is one module per concern: atomic writes
(:mod:`~malisim.experiment.atomic`), the status log and the run states read from it
(:mod:`~malisim.experiment.status_log`), chunk writing (:mod:`~malisim.experiment.chunks`) and
consolidation (:mod:`~malisim.experiment.consolidate`).
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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from malisim.core.errors import UserError
from malisim.core.version import __version__
from malisim.experiment.atomic import atomic_write_text
from malisim.experiment.design import RunSpec
from malisim.experiment.status_log import read_status_log
from malisim.experiment.worker import TABLES

#: Store format written in the manifest.
STORE_FORMAT = "malisim-results/1"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
STATUS = "status.jsonl"
LOCK = ".lock"


def now_iso() -> str:
    """Current UTC time as ISO 8601 text (seconds)."""
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


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
