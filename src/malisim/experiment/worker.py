"""What a worker does for one run: build the model, run it, return compact Arrow tables.

:func:`execute_run` is the task every executor runs (in the parent for the serial executor, in a
spawned process for the local executor, on a Dask worker). It never raises for a failing run: an
exception inside the model is returned as a failed :class:`RunOutput` with its traceback, so the
batch carries on. The outputs carry no trace of where they were computed, so the stored results
are the same whichever executor ran them.

Tables returned (one row group each in the chunk files):

* ``outcomes``: the run-level scalars in long form, columns ``outcome`` (text) and ``value``
  (float64), in the model's order;
* ``series`` and ``events`` (only when kept): the model's frames as Arrow tables (made from its
  numpy columns without pandas where that gives the same tables: :mod:`malisim.scenario.tables`).
"""

from __future__ import annotations

import os
import socket
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from malisim.core.version import __version__
from malisim.scenario import ResolvedScenario

if TYPE_CHECKING:  # pragma: no cover
    from malisim.model import MaliModel

#: The tables a run can produce, in the order they are written.
TABLES: tuple[str, ...] = ("outcomes", "series", "events")


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs for one run.

    Attributes:
        index: The run's position in design order.
        run_id: The run's id.
        scenario: The resolved scenario (before the design point's parameters).
        params: The design point's parameter values.
        seed: The run's seed.
        keep_series: Return the monthly series.
        keep_events: Return the event log.
    """

    index: int
    run_id: str
    scenario: ResolvedScenario
    params: dict[str, Any]
    seed: int
    keep_series: bool
    keep_events: bool


@dataclass
class RunOutput:
    """What a worker returns for one run.

    Attributes:
        index: The run's position in design order.
        run_id: The run's id.
        ok: Whether the run finished.
        tables: Table name -> Arrow table (``outcomes`` always, ``series``/``events`` if kept).
        error: ``"ExceptionType: message"`` of a failed run.
        traceback: The formatted traceback of a failed run.
        seconds: Wall time of the run in the worker.
        cpu_seconds: CPU time of the worker process during the run.
        worker: ``host:pid`` of the worker (status log only, never in the tables).
        version: The worker's malisim version.
    """

    index: int
    run_id: str
    ok: bool
    tables: dict[str, pa.Table]
    error: str | None = None
    traceback: str | None = None
    seconds: float = 0.0
    cpu_seconds: float = 0.0
    worker: str = ""
    version: str = __version__


def frame_to_table(frame: Any) -> pa.Table:
    """Convert a DataFrame to an Arrow table without index or pandas metadata."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata(None)


def outcomes_table(summary: dict[str, float]) -> pa.Table:
    """Return run-level scalars as a long table (``outcome``, ``value``) in the model's order."""
    return pa.table(
        {
            "outcome": pa.array(list(summary), pa.string()),
            "value": pa.array([float(v) for v in summary.values()], pa.float64()),
        }
    )


def failed_output(task: RunTask, error: str, tb: str | None = None) -> RunOutput:
    """A failed output for a run that did not return (e.g. its worker died)."""
    return RunOutput(task.index, task.run_id, False, {}, error=error, traceback=tb)


def simulate(task: RunTask) -> dict[str, pa.Table]:
    """Run the model of one task, release it, return its tables (raises if the model does)."""
    from malisim.experiment.design import apply_point
    from malisim.scenario.runner import build_model

    scenario = apply_point(task.scenario, task.params)
    # released when the outputs are taken, also if the run raises: a worker runs many models
    with build_model(scenario, task.seed) as model:
        model.run()
        tables = {"outcomes": outcomes_table(model.summary())}
        if task.keep_series:
            tables["series"] = series_table(model)
        if task.keep_events:
            tables["events"] = events_table(model)
    return tables


def series_table(model: MaliModel) -> pa.Table:
    """The model's monthly series as an Arrow table (:func:`frame_to_table` of its frame).

    Built from its numpy columns, without pandas, where
    :func:`malisim.scenario.tables.pandas_free` holds (the same table); else from the frame.
    """
    from malisim.scenario.tables import arrow_table, pandas_free

    if pandas_free():
        return arrow_table(model.series_columns())
    return frame_to_table(model.series())


def events_table(model: MaliModel) -> pa.Table:
    """The model's event log as an Arrow table (:func:`frame_to_table` of its frame).

    Built from its numpy columns, without pandas, where
    :func:`malisim.scenario.tables.pandas_free` holds and the log is not empty (the same
    table); else from the frame (an empty log's frame has types of its own).
    """
    from malisim.scenario.tables import arrow_table, pandas_free

    columns = model.events_columns() if pandas_free() else None
    if columns is not None:
        return arrow_table(columns)
    return frame_to_table(model.events_frame())


def execute_run(task: RunTask) -> RunOutput:
    """Run one task; a failing run is returned with its traceback instead of raising.

    ``KeyboardInterrupt`` and ``SystemExit`` are not caught: they stop the batch, not the run.
    """
    t0, c0 = time.perf_counter(), time.process_time()
    where = f"{socket.gethostname()}:{os.getpid()}"
    try:
        tables = simulate(task)
    except Exception as exc:  # a failing run is recorded and the batch carries on
        return RunOutput(
            task.index,
            task.run_id,
            False,
            {},
            error=f"{type(exc).__name__}: {exc}",
            traceback=traceback.format_exc(),
            seconds=time.perf_counter() - t0,
            cpu_seconds=time.process_time() - c0,
            worker=where,
        )
    return RunOutput(
        task.index,
        task.run_id,
        True,
        tables,
        seconds=time.perf_counter() - t0,
        cpu_seconds=time.process_time() - c0,
        worker=where,
    )
