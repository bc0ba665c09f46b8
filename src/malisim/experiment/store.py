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

import numpy as np

from malisim.core.errors import UserError
from malisim.core.folders import check_folder_path
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
        """Read ``manifest.json`` and check its shape (see :func:`check_manifest`).

        Raises:
            UserError: If the folder has no manifest, or it is not valid JSON of the shape
                malisim writes (the error names the file and the key).
        """
        path = self.manifest_path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise UserError(
                "not a malisim results folder (no manifest.json)", file=str(self.root)
            ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the manifest: {_reason(exc)}", file=str(path)) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(
                f"not valid JSON ({exc.msg})", file=str(path), line=exc.lineno
            ) from None
        except RecursionError:
            raise UserError("not valid JSON: nested too deeply", file=str(path)) from None
        return check_manifest(data, str(path))

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
        check_folder_path(self.root)
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


def _reason(exc: BaseException) -> str:
    """The first line of an exception's text (or its type when it has none)."""
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


_JSON_TYPES = {dict: "an object", list: "a list", str: "text", int: "a number", float: "a number"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _need(value: Any, types: tuple[type, ...], what: str, file: str, key: str) -> None:
    """Refuse ``value`` unless it is one of ``types`` (bool never counts as a number)."""
    if isinstance(value, bool) and bool not in types:
        ok = False
    else:
        ok = isinstance(value, types)
    if not ok:
        raise UserError(
            f"should be {what}, found {_kind(value)}; the manifest was edited or is damaged",
            file=file,
            key=key,
        )


def _require(node: dict[str, Any], name: str, file: str, key: str) -> Any:
    if name not in node:
        raise UserError(
            "missing; the manifest was edited or is damaged (malisim writes this key)",
            file=file,
            key=key,
        )
    return node[name]


#: Top-level manifest keys that hold text (or null) when present.
_TEXT_KEYS = (
    "format", "experiment_file", "experiment_hash", "malisim_version", "git_commit", "host",
    "created", "completed",
)  # fmt: skip


def check_manifest(data: Any, file: str) -> dict[str, Any]:
    """Check that a parsed manifest has the shape the readers rely on; return it unchanged.

    Checked: a JSON object with ``experiment_name`` (text) and ``experiment`` (an object with
    ``keep`` (an object), ``scenarios`` (a list of objects with a text ``name``) and, if
    present, ``points`` (a list of objects) and ``replicates`` (a whole number)); ``sessions``
    (a list of objects whose ``started``/``ended`` are ISO date-times) and ``versions`` (an
    object), if present; the other provenance keys are text or null.

    Args:
        data: The parsed ``manifest.json``.
        file: The manifest's path, named in errors.

    Raises:
        UserError: Naming the file and the dotted key that is missing or of the wrong type.
    """
    if not isinstance(data, dict):
        raise UserError(
            f"should be a JSON object, found {_kind(data)}; the manifest was edited or is damaged",
            file=file,
        )
    _need(_require(data, "experiment_name", file, "experiment_name"), (str,), "text", file,
          "experiment_name")  # fmt: skip
    for name in _TEXT_KEYS:
        if data.get(name) is not None:
            _need(data[name], (str,), "text", file, name)
    exp = _require(data, "experiment", file, "experiment")
    _need(exp, (dict,), "an object", file, "experiment")
    _need(_require(exp, "keep", file, "experiment.keep"), (dict,), "an object", file,
          "experiment.keep")  # fmt: skip
    scenarios = _require(exp, "scenarios", file, "experiment.scenarios")
    _need(scenarios, (list,), "a list", file, "experiment.scenarios")
    for i, scenario in enumerate(scenarios):
        key = f"experiment.scenarios[{i}]"
        _need(scenario, (dict,), "an object", file, key)
        _need(_require(scenario, "name", file, f"{key}.name"), (str,), "text", file, f"{key}.name")
        if scenario.get("params") is not None:
            _need(scenario["params"], (dict,), "an object", file, f"{key}.params")
        if scenario.get("policies") is not None:
            _need(scenario["policies"], (list,), "a list", file, f"{key}.policies")
            for j, policy in enumerate(scenario["policies"]):
                _need(policy, (dict,), "an object", file, f"{key}.policies[{j}]")
    if "points" in exp:
        _need(exp["points"], (list,), "a list", file, "experiment.points")
        for i, point in enumerate(exp["points"]):
            _need(point, (dict,), "an object", file, f"experiment.points[{i}]")
    if exp.get("replicates") is not None:
        _need(exp["replicates"], (int,), "a whole number", file, "experiment.replicates")
    if data.get("versions") is not None:
        _need(data["versions"], (dict,), "an object", file, "versions")
    sessions = data.get("sessions")
    if sessions is not None:
        _need(sessions, (list,), "a list", file, "sessions")
        for i, session in enumerate(sessions):
            _need(session, (dict,), "an object", file, f"sessions[{i}]")
            for name in ("started", "ended"):
                _check_time(session.get(name), file, f"sessions[{i}].{name}")
    return data


def _check_time(value: Any, file: str, key: str) -> None:
    if value is None:
        return
    _need(value, (str,), "an ISO date-time", file, key)
    try:
        datetime.datetime.fromisoformat(value)
    except ValueError:
        raise UserError(
            f"should be an ISO date-time such as 2024-01-31T12:00:00+00:00, found {value!r}",
            file=file,
            key=key,
        ) from None


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
    draws = (
        design["posterior_draw"].to_numpy()
        if "posterior_draw" in design.columns
        else np.full(len(design), -1)
    )
    for row, draw in zip(design[columns].itertuples(index=False), draws, strict=True):
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
                draw=int(draw),
            )
        )
    return runs
