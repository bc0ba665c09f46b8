"""ACLED exports: read in their published columns, and normalised into the event table.

:func:`read_acled` reads an export; :func:`normalise_acled` turns it, or the model's event log
(the same schema plus extensions), into the normalised event table.

``read_acled`` accepts the columns of ACLED's CSV export (:data:`ACLED_COLUMNS`; those of
:data:`REQUIRED` must be there, the others may be missing, extra columns are kept): dates as
``2022-03-27`` or ``27 March 2022``, inter codes as numbers (``1``) or labels (``State forces``),
a missing fatalities cell as 0 (counted in the notes). Rows of another country, or whose
coordinates fall outside the model's grid, are dropped and counted. A cell that cannot be read
(a date, a coordinate, a fatality count, an inter code, an event type ACLED does not have) is a
:class:`~malisim.core.errors.UserError` naming the file, the line, the column and what is
allowed. The notes are in ``frame.attrs["notes"]`` (:func:`reading_notes`).

``normalise_acled`` classifies the actors with a family table
(:mod:`~malisim.data_io.families`), counts civilian deaths (the event log's
``fatalities_civilian``; for real data the fatalities of violence against civilians and of events
with ``civilian_targeting`` set), names the perpetrator (the event log's ``perpetrator``; for real
data the family of actor 1 of those events) and assigns UCDP's type of violence
(:func:`~malisim.data_io.events_table.ucdp_type`).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from malisim.core.errors import UserError, did_you_mean
from malisim.data_io.csvfile import TextTable, missing_columns_error, read_text_table
from malisim.data_io.dates import forms_text, month_index, parse_dates
from malisim.data_io.events_table import cell_region, event_table, ucdp_type
from malisim.data_io.families import FamilyTable, inter_allowed, load_families, parse_inter
from malisim.data_io.names import fold, fold_series
from malisim.data_io.prio_grid import priogrid_gid

#: The columns of ACLED's CSV export, in its order.
ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2",
    "admin3", "location", "latitude", "longitude", "geo_precision", "source", "source_scale",
    "notes", "fatalities", "tags", "timestamp",
)  # fmt: skip
#: Columns an export must have (older exports lack ``civilian_targeting``, some lack others).
REQUIRED: tuple[str, ...] = (
    "event_date", "event_type", "actor1", "country", "latitude", "longitude", "fatalities",
)  # fmt: skip
#: ACLED's event types.
ACLED_EVENT_TYPES: tuple[str, ...] = (
    "Battles",
    "Violence against civilians",
    "Explosions/Remote violence",
    "Riots",
    "Protests",
    "Strategic developments",
)
_TYPE_BY_KEY = {fold(t): t for t in ACLED_EVENT_TYPES}


def reading_notes(frame: pd.DataFrame) -> tuple[str, ...]:
    """What reading a file changed or dropped (missing fatalities, rows outside Mali)."""
    return tuple(frame.attrs.get("notes", ()))


def _numbers(table: TextTable, column: str) -> tuple[pd.Series, pd.Series]:
    """Cells of a column as numbers, and which cells are empty."""
    text = table.frame[column].str.strip().str.replace(",", "", regex=False)
    return pd.to_numeric(text, errors="coerce"), text == ""


def check_coordinates(table: TextTable, lat_col: str, lon_col: str) -> tuple[np.ndarray, ...]:
    """Latitudes and longitudes of a table, the first bad cell an error."""
    out = []
    for column, limit in ((lat_col, 90), (lon_col, 180)):
        values, _ = _numbers(table, column)
        bad = np.flatnonzero((values.isna() | (values.abs() > limit)).to_numpy())
        if bad.size:
            raise table.cell_error(
                int(bad[0]),
                column,
                f"{table.frame[column].iloc[bad[0]]!r} is not a {column}",
                f"a number from -{limit} to {limit} (decimal degrees)",
            )
        out.append(values.to_numpy(float))
    return tuple(out)


def check_counts(table: TextTable, column: str, what: str) -> tuple[np.ndarray, int]:
    """Whole non-negative counts of a column (empty cells 0), and how many were empty."""
    values, empty = _numbers(table, column)
    bad_mask = ~empty & (values.isna() | (values < 0) | (values % 1 != 0))
    bad = np.flatnonzero(bad_mask.to_numpy())
    if bad.size:
        raise table.cell_error(
            int(bad[0]),
            column,
            f"{table.frame[column].iloc[bad[0]]!r} is not a number of {what}",
            "a whole number 0 or more (empty: 0)",
        )
    return values.fillna(0).to_numpy(np.int64), int(empty.sum())


def check_dates(table: TextTable, column: str, **forms: bool) -> pd.Series:
    """Dates of a column, the first unreadable one an error."""
    dates, bad = parse_dates(table.frame[column], **forms)
    if bad is not None:
        raise table.cell_error(
            bad, column, f"{table.frame[column].iloc[bad]!r} is not a date", forms_text(**forms)
        )
    return dates


def drop_outside(
    frame: pd.DataFrame, country: pd.Series, gid: np.ndarray, notes: list[str], what: str
) -> pd.DataFrame:
    """Keep the rows in Mali and on the grid; add a note counting the others."""
    in_mali = (fold_series(country) == "mali").to_numpy()
    _, on_grid = cell_region(gid)
    keep = in_mali & on_grid
    if not keep.all():
        notes.append(
            f"{int((~keep).sum())} {what} outside Mali dropped ({int((~in_mali).sum())} of another "
            f"country, {int((in_mali & ~on_grid).sum())} outside the model's grid cells)"
        )
    out = frame.loc[keep].reset_index(drop=True)
    out.attrs["notes"] = notes
    return out


def read_acled(path: str | Path) -> pd.DataFrame:
    """Read an ACLED CSV export.

    Args:
        path: The file.

    Returns:
        The events in Mali, in ACLED's columns (those the file has, plus any missing optional
        ones empty), with ``event_date`` as dates, ``latitude``/``longitude`` as floats,
        ``fatalities`` and ``inter1``/``inter2`` as integers, and a ``priogrid_gid`` column;
        ``attrs["notes"]`` says what was filled in or dropped.

    Raises:
        UserError: For a missing file or column or an unreadable cell (file, line, column and
            what is allowed named).
    """
    table = read_text_table(path, what="ACLED export")
    frame = table.frame
    missing = [c for c in REQUIRED if c not in frame.columns]
    if missing:
        raise missing_columns_error(table, missing, "ACLED export")
    for column in ("sub_event_type", "actor2", "inter1", "inter2", "civilian_targeting"):
        if column not in frame.columns:
            frame[column] = ""
    notes: list[str] = []
    dates = check_dates(table, "event_date")
    keys = fold_series(frame["event_type"])
    types = keys.map(_TYPE_BY_KEY)
    bad = np.flatnonzero(types.isna().to_numpy())
    if bad.size:
        value = frame["event_type"].iloc[bad[0]]
        err = table.cell_error(
            int(bad[0]),
            "event_type",
            f"unknown event type {value!r}",
            ", ".join(ACLED_EVENT_TYPES),
        )
        err.suggestion = did_you_mean(value, ACLED_EVENT_TYPES)
        raise err
    lat, lon = check_coordinates(table, "latitude", "longitude")
    fatalities, empty = check_counts(table, "fatalities", "fatalities")
    if empty:
        notes.append(f"{empty} events without a fatality count read as 0 fatalities")
    inter = {}
    for column in ("inter1", "inter2"):
        codes, bad_pos = parse_inter(frame[column])
        if bad_pos is not None:
            raise table.cell_error(
                bad_pos,
                column,
                f"{frame[column].iloc[bad_pos]!r} is not an ACLED inter code",
                inter_allowed(),
            )
        inter[column] = codes
    out = frame.copy()
    out["event_date"] = dates.astype("datetime64[ms]")
    out["event_type"] = types.astype(object)
    out["latitude"], out["longitude"] = lat, lon
    out["fatalities"] = fatalities
    out["inter1"], out["inter2"] = inter["inter1"], inter["inter2"]
    gid = priogrid_gid(lat, lon)
    out["priogrid_gid"] = gid
    return drop_outside(out, frame["country"], gid, notes, "events")


def _text(frame: pd.DataFrame, column: str) -> np.ndarray:
    if column not in frame.columns:
        return np.full(len(frame), "", dtype=object)
    return frame[column].fillna("").astype(str).to_numpy(dtype=object)


def _inter(frame: pd.DataFrame, column: str) -> np.ndarray | None:
    if column not in frame.columns:
        return None
    values = frame[column]
    if pd.api.types.is_numeric_dtype(values):
        return values.fillna(0).to_numpy(np.int64)
    codes, bad = parse_inter(values.fillna("").astype(str))
    if bad is not None:
        raise UserError(
            f"{column} {values.iloc[bad]!r} (row {bad + 1}) is not an ACLED inter code",
            allowed=inter_allowed(),
        )
    return codes


def normalise_acled(frame: pd.DataFrame, families: FamilyTable | None = None) -> pd.DataFrame:
    """The normalised event table (:mod:`~malisim.data_io.events_table`) of ACLED-schema events.

    Args:
        frame: Events in ACLED's columns: :func:`read_acled`'s result, or the model's event log
            (with ``priogrid_gid``, ``fatalities_civilian``, ``perpetrator`` and possibly
            ``run_id``). Needs ``event_date``, ``event_type``, ``actor1``, ``fatalities`` and
            ``priogrid_gid`` or ``latitude``/``longitude``.
        families: The family table (default: ``data/actor_families.csv``).

    Returns:
        The event table (``run_id`` first when ``frame`` has it).

    Raises:
        UserError: If a needed column is missing.
    """
    needed = ["event_date", "event_type", "actor1", "fatalities"]
    if "priogrid_gid" not in frame.columns:
        needed += ["latitude", "longitude"]
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise UserError(
            f"the events lack the column(s) {', '.join(missing)}",
            allowed="ACLED's columns (read_acled) or the model's event log",
        )
    table = families or load_families()
    if "priogrid_gid" in frame.columns:
        gid = frame["priogrid_gid"].to_numpy(np.int64)
    else:
        gid = priogrid_gid(frame["latitude"].to_numpy(float), frame["longitude"].to_numpy(float))
    dates = frame["event_date"]
    if not pd.api.types.is_datetime64_any_dtype(dates):
        dates, bad = parse_dates(dates.astype(str))
        if bad is not None:
            raise UserError(
                f"event_date {frame['event_date'].iloc[bad]!r} (row {bad + 1}) is not a date",
                allowed=forms_text(),
            )
    family1, keeper1 = table.classify(frame["actor1"], _inter(frame, "inter1"))
    family2, keeper2 = table.classify(pd.Series(_text(frame, "actor2")), _inter(frame, "inter2"))
    event_type = _text(frame, "event_type")
    fatalities = frame["fatalities"].fillna(0).to_numpy(float)
    targeting = (_text(frame, "civilian_targeting") != "") | (
        event_type == "Violence against civilians"
    )
    if "fatalities_civilian" in frame.columns:
        civilian = frame["fatalities_civilian"].fillna(0).to_numpy(float)
    else:
        civilian = np.where(targeting, fatalities, 0.0)
    if "perpetrator" in frame.columns:
        perpetrator = _text(frame, "perpetrator")
    else:
        perpetrator = np.where(targeting, family1, "").astype(object)
    columns = {
        "month": month_index(dates),
        "priogrid_gid": gid,
        "event_type": event_type,
        "sub_event_type": _text(frame, "sub_event_type"),
        "family1": family1,
        "family2": family2,
        "fatalities": fatalities,
        "civilian_fatalities": civilian,
        "perpetrator": perpetrator,
        "ucdp_type": ucdp_type(event_type, targeting, family1, family2),
        "peacekeepers": keeper1 | keeper2,
    }
    run_id = frame["run_id"].to_numpy(dtype=object) if "run_id" in frame.columns else None
    return event_table(columns, run_id)
