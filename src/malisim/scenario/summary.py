"""A run's national monthly series summarised by calendar year (``malisim run``'s table)."""

from __future__ import annotations

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


def yearly_summary(series: pd.DataFrame) -> pd.DataFrame:
    """Summarise a run's national monthly series by calendar year.

    Args:
        series: The run's series (national rows have ``region == "Mali"``).

    Returns:
        One row per year, one column per entry of :data:`YEARLY_SUMMARY` (flows summed over
        the year, stocks and shares at its last month).
    """
    nat = series[series["region"] == "Mali"].copy()
    nat["control_jihadist"] = nat["control_jnim"] + nat["control_is_sahel"]
    nat["year"] = pd.DatetimeIndex(nat["date"]).year
    rows = {}
    for label, (col, rule) in YEARLY_SUMMARY.items():
        grouped = nat.groupby("year")[col]
        rows[label] = grouped.sum() if rule == "sum" else grouped.last()
    return pd.DataFrame(rows)


def yearly_median(series: pd.DataFrame) -> pd.DataFrame:
    """The yearly summary of several runs: per year and column, the median over the runs.

    Args:
        series: The series of several runs, told apart by their ``run_id`` column (a batch's
            ``series.parquet``).

    Returns:
        One row per year, the columns of :func:`yearly_summary`.
    """
    tables = [yearly_summary(group) for _, group in series.groupby("run_id", sort=False)]
    return pd.concat(tables).groupby(level=0).median()
