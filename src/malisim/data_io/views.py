"""The ViEWS challenge format: a scenario's runs as fatalities per draw, grid cell and month.

:func:`views_frame` turns the event logs of one scenario of a results folder into the table
ViEWS forecasts are submitted in: ``month_id`` (1 = January 1980), ``priogrid_gid``, ``draw`` and
the fatalities of UCDP's three types of violence, ``ged_sb`` (state-based), ``ged_ns``
(non-state) and ``ged_os`` (one-sided), assigned to the event log's events by
:func:`~malisim.data_io.events_table.ucdp_type`. There is one row per draw, grid cell and month
of the scenario's period, zeros where nothing happened; the draws are the scenario's finished
runs in design order, numbered from 0 (with one design point, draw = replicate when every run
finished). :func:`write_views` writes it as Parquet, atomically, and refuses to overwrite a file
unless told to.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from malisim.core.calendar import DEFAULT_END, DEFAULT_START, format_month, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.folders import check_folder_path
from malisim.data_io.acled import normalise_acled
from malisim.data_io.aggregate import aggregate
from malisim.data_io.families import FamilyTable
from malisim.data_io.prio_grid import month_id
from malisim.experiment.atomic import write_table_atomic
from malisim.experiment.results import Results

#: Columns of the ViEWS table.
VIEWS_COLUMNS: tuple[str, ...] = ("month_id", "priogrid_gid", "draw", "ged_sb", "ged_ns", "ged_os")
#: Columns of the event log the export reads.
_EVENT_COLUMNS = [
    "run_id", "scenario", "event_date", "event_type", "sub_event_type", "actor1", "inter1",
    "actor2", "inter2", "civilian_targeting", "fatalities", "priogrid_gid",
    "fatalities_civilian", "perpetrator",
]  # fmt: skip


@dataclass(frozen=True)
class ViewsExport:
    """What :func:`write_views` wrote.

    Attributes:
        path: The Parquet file.
        scenario: The scenario exported.
        draws: Number of draws (runs).
        cells: Number of grid cells.
        months: First and last month (``YYYY-MM``).
        rows: Rows written.
    """

    path: Path
    scenario: str
    draws: int
    cells: int
    months: tuple[str, str]
    rows: int

    def describe(self) -> str:
        """One line for people."""
        return (
            f"{self.path}: scenario {self.scenario!r}, {self.draws} draw(s) x {self.cells} cells "
            f"x {self.months[0]}..{self.months[1]} = {self.rows:,} rows "
            f"({', '.join(VIEWS_COLUMNS)})"
        )


def _scenario(results: Results, scenario: str | None) -> dict:
    entries = results.manifest.get("experiment", {}).get("scenarios", [])
    names = [str(e.get("name")) for e in entries]
    if scenario is None:
        if len(names) == 1:
            return entries[0]
        raise UserError(
            f"the results folder holds {len(names)} scenarios; choose one with --scenario",
            file=str(results.path),
            allowed=", ".join(names),
        )
    if scenario not in names:
        raise UserError(
            f"no scenario {scenario!r} in the results folder",
            file=str(results.path),
            key="--scenario",
            allowed=", ".join(names),
            suggestion=did_you_mean(scenario, names),
        )
    return entries[names.index(scenario)]


def views_frame(
    results: Results | str | Path,
    scenario: str | None = None,
    families: FamilyTable | None = None,
) -> tuple[pd.DataFrame, str, tuple[int, int]]:
    """The ViEWS table of one scenario of a results folder.

    Args:
        results: The results folder (or its :class:`~malisim.experiment.results.Results`).
        scenario: The scenario (needed when the folder has several).
        families: The family table (default: the packaged one).

    Returns:
        The table (columns :data:`VIEWS_COLUMNS`, sorted by month, cell and draw), the
        scenario's name and its first and last month indices.

    Raises:
        UserError: If the folder kept no events, holds several scenarios and none was chosen,
            has no such scenario, or has no finished run of it.
    """
    res = results if isinstance(results, Results) else Results(results)
    if "events" not in res.tables:
        raise UserError(
            "this results folder kept no event logs, which the ViEWS export is made from; "
            "set keep: {events: true} in the experiment file and run the batch again",
            file=str(res.path),
        )
    entry = _scenario(res, scenario)
    name = str(entry.get("name"))
    start = parse_month(str(entry.get("start") or DEFAULT_START))
    end = parse_month(str(entry.get("end") or DEFAULT_END))
    outcomes = res.read("outcomes", ["run_id", "scenario"])
    runs = [str(r) for r in outcomes.loc[outcomes["scenario"] == name, "run_id"]]
    if not runs:
        raise UserError(
            f"no finished run of scenario {name!r} yet (see malisim status)", file=str(res.path)
        )
    events = res.read("events", _EVENT_COLUMNS)
    events = events[events["scenario"] == name]
    table = normalise_acled(events, families)
    counts = {
        col: aggregate(table, "cell", col, start, end, runs=runs) for col in VIEWS_COLUMNS[3:]
    }
    first = counts["ged_sb"]
    n_runs, n_cells, _ = first.values.shape
    # rows ordered month, cell, draw: arrays are (run, cell, month) -> (month, cell, run)
    draw, cell, month = np.meshgrid(
        np.arange(n_runs), np.arange(n_cells), first.months, indexing="ij"
    )
    frame = pd.DataFrame(
        {
            "month_id": month_id(_month_cell_draw(month)),
            "priogrid_gid": np.asarray(first.units, np.int64)[_month_cell_draw(cell)],
            "draw": _month_cell_draw(draw).astype(np.int64),
            **{col: _month_cell_draw(c.values).astype(float) for col, c in counts.items()},
        }
    )
    return frame, name, (start, end)


def _month_cell_draw(a: np.ndarray) -> np.ndarray:
    """A (run, cell, month) array flattened in (month, cell, run) order."""
    return np.transpose(a, (2, 1, 0)).reshape(-1)


def write_views(
    results_dir: str | Path,
    out: str | Path,
    scenario: str | None = None,
    overwrite: bool = False,
    families: FamilyTable | None = None,
) -> ViewsExport:
    """Write the ViEWS table of one scenario of a results folder as a Parquet file.

    Args:
        results_dir: The results folder (kept event logs needed).
        out: The Parquet file to write (its folder is created if missing).
        scenario: The scenario (needed when the folder has several).
        overwrite: Replace an existing file.
        families: The family table (default: the packaged one).

    Returns:
        What was written.

    Raises:
        UserError: See :func:`views_frame`; also when ``out`` exists (without ``overwrite``)
            or is a folder, or its folder lies inside a file.
    """
    path = Path(out)
    if path.is_dir():
        raise UserError("is a folder", file=str(path), key="--out", allowed="a file name")
    if path.exists() and not overwrite:
        raise UserError(
            "exists already; pass --overwrite to replace it", file=str(path), key="--out"
        )
    check_folder_path(path.parent, key="--out")
    frame, name, (start, end) = views_frame(results_dir, scenario, families)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_table_atomic(path, pa.Table.from_pandas(frame, preserve_index=False))
    n_cells = frame["priogrid_gid"].nunique()
    return ViewsExport(
        path=path,
        scenario=name,
        draws=int(frame["draw"].nunique()),
        cells=int(n_cells),
        months=(format_month(start), format_month(end)),
        rows=len(frame),
    )
