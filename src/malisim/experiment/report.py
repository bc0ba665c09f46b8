"""Outcome distributions per scenario: the table ``malisim batch`` prints at the end.

:func:`distribution_table` summarises the run-level outcomes of a batch by scenario (and design
point, when there are several) as median and 5-95% range; :func:`format_distributions` renders
it for the terminal, e.g.::

                                          historical              no_wagner
    runs                                         25                     25
    civilian deaths (all years)     4,243 [3,981-4,512]    3,902 [3,650-4,170]
    ...
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

#: Main outcomes: column -> (label, format: "count", "share" or "index").
MAIN_OUTCOMES: dict[str, tuple[str, str]] = {
    "civilian_fatalities_total": ("civilian deaths (all years)", "count"),
    "civilian_fatalities_2022": ("civilian deaths 2022", "count"),
    "idps_end": ("IDPs (end)", "count"),
    "control_state_last12": ("state control (last 12 m)", "share"),
    "junta_approval_end": ("junta approval (end)", "share"),
    "gdp_index_end": ("GDP index (end)", "index"),
}
#: Quantiles shown: low, median, high.
QUANTILES: tuple[float, float, float] = (0.05, 0.5, 0.95)


def distribution_table(
    outcomes: pd.DataFrame,
    columns: Sequence[str] | None = None,
    by: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Median and 5-95% range of outcomes by scenario (and point).

    Args:
        outcomes: The consolidated outcomes (one row per run).
        columns: Outcomes to summarise (default: :data:`MAIN_OUTCOMES` present in the table).
        by: Grouping columns (default: ``scenario``, plus ``point_id`` if there are several
            points).

    Returns:
        One row per group, in order of first appearance, with a ``runs`` column and, for each
        outcome, columns ``(outcome, "p5")``, ``(outcome, "median")``, ``(outcome, "p95")``.
    """
    if columns is None:
        columns = [c for c in MAIN_OUTCOMES if c in outcomes.columns]
    if by is None:
        by = ["scenario"]
        if "point_id" in outcomes.columns and outcomes["point_id"].nunique() > 1:
            by.append("point_id")
    by = list(by)
    groups = outcomes.groupby(by, sort=False)
    data: dict[tuple[str, str], pd.Series] = {("runs", ""): groups.size()}
    for col in columns:
        q = groups[col].quantile(list(QUANTILES)).unstack()
        data[(col, "p5")] = q[QUANTILES[0]]
        data[(col, "median")] = q[QUANTILES[1]]
        data[(col, "p95")] = q[QUANTILES[2]]
    table = pd.DataFrame(data)
    table.columns = pd.MultiIndex.from_tuples(table.columns)
    return table


def _fmt(value: float, kind: str) -> str:
    if pd.isna(value):
        return "-"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "index":
        return f"{value:.3f}"
    return f"{value:,.0f}"


def format_distributions(table: pd.DataFrame, transpose_up_to: int = 6) -> str:
    """Render a :func:`distribution_table` as text: ``median [p5-p95]`` per outcome.

    Args:
        table: The distribution table.
        transpose_up_to: With at most this many groups, show one column per group and one
            row per outcome (easier to compare scenarios side by side).
    """
    outcomes = [c for c in dict.fromkeys(table.columns.get_level_values(0)) if c != "runs"]
    shown = pd.DataFrame(index=table.index)
    shown["runs"] = table[("runs", "")].astype(int)
    for col in outcomes:
        label, kind = MAIN_OUTCOMES.get(col, (col, "count"))
        shown[label] = [
            f"{_fmt(m, kind)} [{_fmt(lo, kind)}-{_fmt(hi, kind)}]"
            for lo, m, hi in zip(
                table[(col, "p5")], table[(col, "median")], table[(col, "p95")], strict=True
            )
        ]
    if len(shown) <= transpose_up_to:
        shown = shown.astype(str).T
        shown.columns = [
            " / ".join(map(str, c)) if isinstance(c, tuple) else str(c) for c in shown.columns
        ]
        shown.index.name = None
    return shown.to_string()
