"""IOM DTM displacement tables: IDPs and returnees per model region and month.

:func:`read_dtm` reads a CSV with one row per admin-1 unit (or smaller unit) and date, in the
column names of DTM's exports (:data:`COLUMN_NAMES`; matched with accents, case, spaces and
underscores ignored). A second row of HXL hashtags (``#adm1+name``) is skipped. Admin-1 names
are mapped to the model's ten regions with ``data/admin1_regions.csv`` (the regions created in
2012 and 2023 to the region they were carved from; docs/data.md). Counts may carry thousands
separators. DTM counts are stocks: for a region and month the rows of the latest date in that
month are summed (several admin-1 or admin-2 rows of one region add up; an earlier round in the
same month is superseded). A table without a returnee column gives NaN returnees.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from malisim.core.errors import UserError, did_you_mean
from malisim.data_io.acled import check_dates
from malisim.data_io.csvfile import TextTable, read_text_table
from malisim.data_io.dates import month_index
from malisim.data_io.names import fold
from malisim.model.space import REGIONS

#: Accepted column names (after folding) of each field, in order of preference.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "admin1": ("admin1name", "admin1 name", "admin 1", "admin1", "adm1 name", "adm1name",
               "admin1name fr", "region", "nom region", "province"),
    "date": ("reportingdate", "reporting date", "reportdate", "date", "rounddate", "round date",
             "date de collecte", "date of assessment"),
    "idps": ("numpresentidpind", "idps", "idp", "idp individuals", "pdi", "nombre de pdi",
             "total idps", "personnes deplacees internes"),
    "returnees": ("returnees", "numreturnees", "numreturneeind", "returnees individuals",
                  "retournes", "nombre de retournes"),
}  # fmt: skip
#: Columns of the output.
DTM_COLUMNS: tuple[str, ...] = ("region", "month", "idps", "returnees")
_PREFIXES = ("region de ", "region of ", "district de ", "district of ", "cercle de ")


@dataclass(frozen=True)
class RegionName:
    """One row of the admin-1 table: a name and the model region it maps to."""

    name: str
    region: str
    source: str
    note: str


def _key(name: str) -> str:
    key = fold(name)
    for prefix in _PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key


def load_admin1_regions() -> tuple[RegionName, ...]:
    """The packaged admin-1 table (``data/admin1_regions.csv``)."""
    ref = resources.files("malisim").joinpath("data", "admin1_regions.csv")
    text = ref.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    out = tuple(RegionName(r["name"], r["region"], r["source"], r["note"]) for r in rows)
    bad = [r.region for r in out if r.region not in REGIONS]
    if bad:  # pragma: no cover - the packaged table is checked by a test
        raise ValueError(f"admin1_regions.csv maps to unknown regions {bad}")
    return out


def _find(table: TextTable, field: str, required: bool) -> str | None:
    by_key = {fold(c): c for c in table.frame.columns}
    for name in COLUMN_NAMES[field]:
        if name in by_key:
            return by_key[name]
    if required:
        raise UserError(
            f"no {field} column",
            file=str(table.path),
            line=1,
            allowed="one of " + ", ".join(COLUMN_NAMES[field]) + " (case, accents, spaces ignored)",
        )
    return None


def _counts(table: TextTable, column: str, what: str) -> np.ndarray:
    text = table.frame[column].str.strip().str.replace(r"[,\s\u00a0\u202f]", "", regex=True)
    values = pd.to_numeric(text, errors="coerce")
    empty = text == ""
    bad = np.flatnonzero((~empty & (values.isna() | (values < 0))).to_numpy())
    if bad.size:
        raise table.cell_error(
            int(bad[0]),
            column,
            f"{table.frame[column].iloc[bad[0]]!r} is not a number of {what}",
            "a number 0 or more (thousands separators allowed; empty: 0)",
        )
    return values.fillna(0).to_numpy(float)


def read_dtm(path: str | Path) -> pd.DataFrame:
    """Read an IOM DTM displacement table into IDPs and returnees per region and month.

    Args:
        path: A CSV file (see the module docstring for the columns accepted).

    Returns:
        Columns ``region`` (one of ``REGIONS``), ``month`` (month index), ``idps`` and
        ``returnees``, one row per region and month present in the file, sorted by month and
        region order.

    Raises:
        UserError: For a missing file or column, an admin-1 name the table does not know, an
            unreadable date or count (file, line and column named).
    """
    table = read_text_table(path, what="DTM table")
    frame = table.frame
    if len(frame) and str(frame.iloc[0, 0]).lstrip().startswith("#"):
        table.frame = frame = frame.iloc[1:].reset_index(drop=True)
        table.skipped = 1
    admin_col = _find(table, "admin1", True)
    date_col = _find(table, "date", True)
    idp_col = _find(table, "idps", True)
    ret_col = _find(table, "returnees", False)
    assert admin_col and date_col and idp_col
    names = load_admin1_regions()
    lookup = {_key(r.name): r.region for r in names}
    keys = frame[admin_col].map(_key)
    regions = keys.map(lookup)
    bad = np.flatnonzero(regions.isna().to_numpy())
    if bad.size:
        value = frame[admin_col].iloc[bad[0]]
        err = table.cell_error(
            int(bad[0]),
            admin_col,
            f"unknown admin-1 name {value!r}",
            ", ".join(r.name for r in names) + " (data/admin1_regions.csv)",
        )
        err.suggestion = did_you_mean(_key(str(value)), list(lookup))
        raise err
    dates = check_dates(table, date_col, dayfirst=True, month=True)
    idps = _counts(table, idp_col, "IDPs")
    returnees = _counts(table, ret_col, "returnees") if ret_col else np.full(len(frame), np.nan)
    rows = pd.DataFrame(
        {
            "region": regions.to_numpy(dtype=object),
            "month": month_index(dates),
            "date": dates.to_numpy(),
            "idps": idps,
            "returnees": returnees,
        }
    )
    latest = rows.groupby(["region", "month"])["date"].transform("max")
    rows = rows[rows["date"] == latest]
    out = rows.groupby(["region", "month"], sort=False)[["idps", "returnees"]].sum(min_count=1)
    out = out.reset_index()
    out["order"] = out["region"].map({r: i for i, r in enumerate(REGIONS)})
    out = out.sort_values(["month", "order"]).drop(columns="order").reset_index(drop=True)
    return out[list(DTM_COLUMNS)]
