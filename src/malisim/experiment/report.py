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

from malisim.core.formatting import format_value
from malisim.model.outcomes import scalar_outcome

#: Main outcomes, in the order shown (labels and units come from their declarations in
#: :data:`malisim.model.outcomes.SCALAR_OUTCOMES`).
MAIN_OUTCOMES: tuple[str, ...] = (
    "civilian_fatalities_total",
    "civilian_fatalities_2022",
    "idps_end",
    "control_state_last12",
    "junta_approval_end",
    "gdp_index_end",
)
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


def _label_and_kind(column: str) -> tuple[str, str]:
    """A run-level column's label and value kind, from its declaration (else the name)."""
    declared = scalar_outcome(column)
    if declared is None:
        return column, "count"
    return declared.label_of(column), declared.kind


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
        label, kind = _label_and_kind(col)
        shown[label] = [
            f"{format_value(m, kind)} [{format_value(lo, kind)}-{format_value(hi, kind)}]"
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
