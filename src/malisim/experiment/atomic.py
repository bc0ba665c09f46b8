"""Atomic writes: a file appears whole under its name or not at all, and survives a crash.

Every file of a results store is written to a temporary sibling (``.NAME.tmp``), flushed and
fsynced, then renamed into place with :func:`os.replace`, and the folder is fsynced so that the
rename itself is durable. A crash leaves at most a temporary file, which the store deletes on
resume (:meth:`malisim.experiment.store.Store.remove_orphans`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

#: Parquet options of every table written (deterministic bytes for the same content).
PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "write_statistics": True}


def fsync_dir(path: Path) -> None:
    """Fsync a folder, so that renames into it are durable (where the platform allows)."""
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


def fsync_file(path: Path) -> None:
    """Fsync a file's content to disk."""
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
    fsync_dir(path.parent)


class AtomicParquet:
    """A Parquet file written through a temporary file and renamed into place on commit.

    Args:
        path: The file's final name.
        schema: The schema of every table written into it.
    """

    def __init__(self, path: Path, schema: pa.Schema) -> None:
        self.path = path
        self.tmp = path.with_name(f".{path.name}.tmp")
        self.schema = schema
        self.writer = pq.ParquetWriter(self.tmp, schema, **PARQUET_OPTIONS)

    def write(self, table: pa.Table, row_group_rows: int | None = None) -> None:
        """Append a table (one row group, or row groups of ``row_group_rows`` rows)."""
        self.writer.write_table(table, row_group_size=max(1, row_group_rows or table.num_rows))

    def commit(self, sync_dir: bool = True) -> None:
        """Close, fsync and rename the file into place (and fsync its folder if ``sync_dir``)."""
        self.writer.close()  # closing twice is harmless
        fsync_file(self.tmp)
        os.replace(self.tmp, self.path)
        if sync_dir:
            fsync_dir(self.path.parent)

    def abort(self) -> None:
        """Close and delete the temporary file; the final name is left as it was."""
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()


def write_table_atomic(path: Path, table: pa.Table) -> None:
    """Write one Arrow table as a Parquet file atomically (a single row group)."""
    out = AtomicParquet(path, table.schema)
    try:
        out.write(table)
        out.commit()
    except BaseException:
        out.abort()
        raise
