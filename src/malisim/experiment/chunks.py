"""Chunk files: finished runs streamed into Parquet files, one row group per run and table.

The parent process writes the runs arriving from the workers into the current chunk
(``outcomes/sSSS-NNNNN.parquet`` and, when kept, the same name under ``series/`` and ``events/``)
through temporary files. Committing a chunk renames its files into place (fsynced) and only then
appends its runs' ``done`` records to the status log (fsynced): a crash between the two leaves an
orphan chunk that no record names, deleted on resume, and its runs are run again.
"""

from __future__ import annotations

import time
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from malisim.experiment.atomic import AtomicParquet, fsync_dir
from malisim.experiment.design import RunSpec
from malisim.experiment.status_log import StatusLog
from malisim.experiment.store import Store
from malisim.experiment.worker import RunOutput


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
        self.files: dict[str, AtomicParquet] = {}
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
                self.files[t] = AtomicParquet(path, tables[t].schema)
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
                fsync_dir(self.store.chunk_dir(t))
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
