"""Consolidation: the chunks of the done runs read back in design order into the final tables.

``outcomes.parquet`` (wide: one row per run), and when kept ``series.parquet`` and
``events.parquet`` (long: the runs' rows one after the other), each with the run's id columns in
front, are written once, atomically, when every run is done or failed. Runs are read in design
order from the chunk and row group their ``done`` record names, and the row groups written have
boundaries that depend only on the data, so two complete stores of the same experiment are
identical byte for byte whatever the executor, the number of workers, the chunking or the
interruptions. Memory stays bounded: row groups are streamed, a few chunk files are open at once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from malisim.experiment.atomic import AtomicParquet
from malisim.experiment.design import RunSpec
from malisim.experiment.status_log import DoneRun, RunState, StatusScan, done_runs
from malisim.experiment.store import Store
from malisim.experiment.worker import TABLES

#: A row group of the consolidated series and events tables ends after the run that brings it
#: to this many rows, or to this many runs (bounds the parent's memory while consolidating).
FINAL_ROW_GROUP_ROWS = 65_536
FINAL_ROW_GROUP_RUNS = 64
#: Runs per row group of the consolidated outcomes table.
FINAL_OUTCOME_RUNS = 4096
#: Id columns added in front of the consolidated tables.
ID_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "point_id", "replicate")


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
        out: AtomicParquet | None = None
        try:
            pool = pa.default_memory_pool()
            for batch in batches:
                if out is None:
                    out = AtomicParquet(store.final_path(table), batch.schema)
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


def is_consolidated(store: Store, scan: StatusScan, tables: Iterable[str]) -> bool:
    """Whether the consolidated tables exist and are up to date with the status log."""
    return scan.consolidated and all(store.final_path(t).exists() for t in tables)
