"""A run's national monthly series summarised by calendar year (``malisim run``'s table).

:func:`yearly_values` computes the table from the series' numpy columns (a run prints it
without pandas); :func:`yearly_summary` is the same table as a DataFrame, :func:`yearly_median`
its median over several runs; :func:`text_table` lays a table out as ``DataFrame.to_string``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: Columns of the yearly summary: header -> (outcome column, yearly rule ``sum`` or ``last``).
YEARLY_SUMMARY: dict[str, tuple[str, str]] = {
    "civ killed": ("civilian_fatalities", "sum"),
    "by state": ("civilian_fatalities_state", "sum"),
    "by foreign": ("civilian_fatalities_foreign", "sum"),
    "by jihadist": ("civilian_fatalities_jihadist", "sum"),
    "by signatory": ("civilian_fatalities_signatory", "sum"),
    "battle dead": ("battle_fatalities", "sum"),
    "events": ("events", "sum"),
    "IDPs (Dec)": ("idps", "last"),
    "refugees (Dec)": ("refugees", "last"),
    "state ctrl": ("control_state", "last"),
    "jihadist ctrl": ("control_jihadist", "last"),
    "approval": ("junta_approval", "last"),
    "GDP index": ("gdp_index", "last"),
    "in need (Dec)": ("people_in_need", "last"),
}
#: Value kinds of the columns that are not counts (for formatting).
YEARLY_KINDS: dict[str, str] = {
    "state ctrl": "share",
    "jihadist ctrl": "share",
    "approval": "share",
    "GDP index": "index",
}


def yearly_values(columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Summarise a run's national monthly series by calendar year, without pandas.

    Flows are summed over the year (missing months count as nothing), stocks and shares are
    taken at the year's last month with a value, as ``groupby(...).sum()`` and ``.last()`` do.
    The sums add the months in order: the flows are counts (whole numbers), so they are exact
    and equal to pandas' compensated sums.

    Args:
        columns: The run's series as columns (``date``, ``region`` and the outcomes; national
            rows have ``region == "Mali"``), e.g. :meth:`MaliModel.series_columns` or a frame's
            columns.

    Returns:
        ``(years, table)``: the calendar years (int32, ascending) and, per entry of
        :data:`YEARLY_SUMMARY`, its value per year (float64).
    """
    nat = np.asarray(columns["region"], dtype=object) == "Mali"
    dates = np.asarray(columns["date"])[nat].astype("datetime64[Y]")
    years, year = np.unique(dates.astype(np.int64) + 1970, return_inverse=True)
    n_years = years.size
    table: dict[str, np.ndarray] = {}
    for label, (col, rule) in YEARLY_SUMMARY.items():
        if col == "control_jihadist":
            values = (
                np.asarray(columns["control_jnim"], dtype=np.float64)[nat]
                + np.asarray(columns["control_is_sahel"], dtype=np.float64)[nat]
            )
        else:
            values = np.asarray(columns[col], dtype=np.float64)[nat]
        ok = ~np.isnan(values)
        if rule == "sum":
            table[label] = np.bincount(year[ok], weights=values[ok], minlength=n_years)
        else:
            last = np.full(n_years, np.nan)
            last[year[ok]] = values[ok]  # months in order: each year keeps its last value
            table[label] = last
    return years.astype(np.int32), table


def yearly_summary(series: pd.DataFrame) -> pd.DataFrame:
    """Summarise a run's national monthly series by calendar year (:func:`yearly_values`).

    Args:
        series: The run's series (national rows have ``region == "Mali"``).

    Returns:
        One row per year (index ``year``), one column per entry of :data:`YEARLY_SUMMARY`
        (flows summed over the year, stocks and shares at its last month).
    """
    import pandas as pd

    columns = {c: series[c].to_numpy() for c in series.columns}
    years, table = yearly_values(columns)
    return pd.DataFrame(table, index=pd.Index(years, name="year"))


def text_table(
    index_name: str, index: Sequence[object], columns: Mapping[str, Sequence[str]]
) -> str:
    """Lay out a table of text cells as ``DataFrame.to_string`` does.

    Each column is right-aligned, one space after the one before, as wide as its header or
    its widest cell and one space, whichever is wider; the index (left-aligned) comes first,
    its name on a line of its own under the headers.

    Args:
        index_name: The index's name.
        index: The row labels.
        columns: Header -> the column's cells, one per row.

    Returns:
        The table, lines joined by newlines (no trailing newline).
    """
    labels = [str(v) for v in index]
    index_width = max([len(index_name), *map(len, labels)])
    widths = {h: max([len(h), *(len(c) + 1 for c in cells)]) for h, cells in columns.items()}
    header = " " * index_width + "".join(" " + h.rjust(w) for h, w in widths.items())
    lines = [header, index_name.ljust(len(header))]
    for i, label in enumerate(labels):
        cells = "".join(" " + columns[h][i].rjust(w) for h, w in widths.items())
        lines.append(label.ljust(index_width) + cells)
    return "\n".join(lines)


def yearly_median(series: pd.DataFrame) -> pd.DataFrame:
    """The yearly summary of several runs: per year and column, the median over the runs.

    Args:
        series: The series of several runs, told apart by their ``run_id`` column (a batch's
            ``series.parquet``).

    Returns:
        One row per year, the columns of :func:`yearly_summary`.
    """
    import pandas as pd

    tables = [yearly_summary(group) for _, group in series.groupby("run_id", sort=False)]
    return pd.concat(tables).groupby(level=0).median()
