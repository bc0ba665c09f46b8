"""UCDP GED files: :func:`read_ged` reads the CSV, :func:`normalise_ged` gives the event table.

A GED CSV has the columns of :data:`GED_COLUMNS`; a file whose first cell is not ``id`` is read
as header-less, in that published order. Rows of another country or whose coordinates fall
outside the model's grid are dropped and counted (``frame.attrs["notes"]``). An unreadable cell
(``date_start``, ``latitude``, ``longitude``, ``best``, ``type_of_violence``) is a
:class:`~malisim.core.errors.UserError` naming the file, the line and the column.

In the event table a GED event's fatalities are ``best``, its civilian fatalities
``deaths_civilians``, its month that of ``date_start``, its UCDP type ``type_of_violence``; the
families are those of ``side_a`` and ``side_b``; state-based and non-state events have the ACLED
event type ``Battles``, one-sided events ``Violence against civilians`` (whose perpetrator is the
family of ``side_a``); GED has no sub-event types.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from malisim.data_io.acled import check_coordinates, check_counts, check_dates, drop_outside
from malisim.data_io.csvfile import missing_columns_error, read_text_table
from malisim.data_io.dates import month_index
from malisim.data_io.events_table import ONE_SIDED, event_table
from malisim.data_io.families import FamilyTable, load_families
from malisim.data_io.prio_grid import priogrid_gid

#: The columns of UCDP GED's CSV, in its published order.
GED_COLUMNS: tuple[str, ...] = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name",
    "side_a_dset_id", "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b",
    "number_of_sources", "source_article", "source_office", "source_date", "source_headline",
    "source_original", "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2",
    "latitude", "longitude", "geom_wkt", "priogrid_gid", "country", "country_id", "region",
    "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "best", "high", "low", "gwnoa", "gwnob",
)  # fmt: skip
#: Columns a file with a header must have.
REQUIRED: tuple[str, ...] = (
    "type_of_violence", "side_a", "side_b", "latitude", "longitude", "country", "date_start",
    "best",
)  # fmt: skip
_TYPES = {"1": 1, "2": 2, "3": 3}


def _has_header(path: Path) -> bool:
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        first = fh.readline()
    return first.split(",", 1)[0].strip().strip('"').lower() == "id"


def read_ged(path: str | Path) -> pd.DataFrame:
    """Read a UCDP GED CSV, with or without its header row.

    Args:
        path: The file.

    Returns:
        The events in Mali, in GED's columns, with ``date_start`` as dates, coordinates as
        floats, ``best`` and ``deaths_civilians`` as integers (empty: 0), ``type_of_violence``
        as 1-3 and ``priogrid_gid`` recomputed from the coordinates; ``attrs["notes"]`` says
        what was filled in or dropped.

    Raises:
        UserError: For a missing file or column or an unreadable cell (file, line, column).
    """
    path = Path(path)
    header = path.is_file() and _has_header(path)
    table = read_text_table(path, None if header else GED_COLUMNS, what="UCDP GED file")
    frame = table.frame
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise missing_columns_error(table, missing, "UCDP GED file")
    if "deaths_civilians" not in frame.columns:
        frame["deaths_civilians"] = ""
    notes: list[str] = []
    kinds = frame["type_of_violence"].str.strip().str.replace(".0", "", regex=False).map(_TYPES)
    bad = np.flatnonzero(kinds.isna().to_numpy())
    if bad.size:
        raise table.cell_error(
            int(bad[0]),
            "type_of_violence",
            f"{frame['type_of_violence'].iloc[bad[0]]!r} is not a UCDP type of violence",
            "1 (state-based), 2 (non-state) or 3 (one-sided)",
        )
    dates = check_dates(table, "date_start")
    lat, lon = check_coordinates(table, "latitude", "longitude")
    best, empty = check_counts(table, "best", "deaths")
    if empty:
        notes.append(f"{empty} events without a best estimate read as 0 deaths")
    civilians, _ = check_counts(table, "deaths_civilians", "civilian deaths")
    out = frame.copy()
    out["type_of_violence"] = kinds.to_numpy(np.int64)
    out["date_start"] = dates.astype("datetime64[ms]")
    out["latitude"], out["longitude"] = lat, lon
    out["best"] = best
    out["deaths_civilians"] = civilians
    gid = priogrid_gid(lat, lon)
    out["priogrid_gid"] = gid
    return drop_outside(out, frame["country"], gid, notes, "events")


def normalise_ged(frame: pd.DataFrame, families: FamilyTable | None = None) -> pd.DataFrame:
    """The normalised event table of :func:`read_ged`'s events (see the module docstring).

    Args:
        frame: The result of :func:`read_ged`.
        families: The family table (default: ``data/actor_families.csv``).
    """
    table = families or load_families()
    family1, keeper1 = table.classify(frame["side_a"])
    family2, keeper2 = table.classify(frame["side_b"])
    kind = frame["type_of_violence"].to_numpy(np.int64)
    one_sided = kind == ONE_SIDED
    columns = {
        "month": month_index(frame["date_start"]),
        "priogrid_gid": frame["priogrid_gid"].to_numpy(np.int64),
        "event_type": np.where(one_sided, "Violence against civilians", "Battles").astype(object),
        "sub_event_type": np.full(len(frame), "", dtype=object),
        "family1": family1,
        "family2": family2,
        "fatalities": frame["best"].to_numpy(float),
        "civilian_fatalities": frame["deaths_civilians"].to_numpy(float),
        "perpetrator": np.where(one_sided, family1, "").astype(object),
        "ucdp_type": kind,
        "peacekeepers": keeper1 | keeper2,
    }
    return event_table(columns, None)
