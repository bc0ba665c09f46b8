"""Run-level scalar outcomes: what one is, and the summary rules that compute it.

A :class:`ScalarOutcome` (after EMA Workbench's ``ScalarOutcome``) names a run-level value and
says how it comes out of a monthly series: its column name, the national series it summarises
(``source``), the summary rule, its unit and a label for people. The model's scalars are
declared once, in :data:`malisim.model.outcomes.SCALAR_OUTCOMES`; the recorder computes them
from these declarations and the analysis, the report and the command line read their units and
labels from there.

Summary rules (:data:`SUMMARY_RULES`), over the national monthly values of a run:

============== ===================================================================== ========
rule           value                                                                 columns
============== ===================================================================== ========
total          sum over the months (NaN months count as zero)                        one
end            the last month                                                        one
mean_last_12   mean of the last 12 months (NaN months left out)                      one
peak           the largest month (NaN months left out)                               one
yearly_total   sum over the months of each calendar year the run touches             per year
yearly_growth  mean of a full calendar year over the mean of the full year before, -1 per year
============== ===================================================================== ========

Yearly scalars are families of columns: their ``name`` and ``label`` hold a ``{year}``
placeholder (``civilian_fatalities_{year}`` gives ``civilian_fatalities_2022``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from malisim.core.formatting import ValueKind

SummaryRule = Literal["total", "end", "mean_last_12", "peak", "yearly_total", "yearly_growth"]
SUMMARY_RULES: tuple[SummaryRule, ...] = (
    "total",
    "end",
    "mean_last_12",
    "peak",
    "yearly_total",
    "yearly_growth",
)
#: Rules that give one column per calendar year.
YEARLY_RULES: tuple[SummaryRule, ...] = ("yearly_total", "yearly_growth")
#: Placeholder of the year in the name and label of a yearly scalar.
YEAR = "{year}"


@dataclass(frozen=True)
class ScalarOutcome:
    """A run-level outcome: one value (or one per calendar year) summarising a monthly series.

    Attributes:
        name: Column name; for a yearly rule a pattern with ``{year}``.
        source: The monthly outcome it summarises (a column of the series).
        rule: The summary rule (see the module docstring).
        unit: Unit of the run-level value (a monthly rate summed over months loses its
            ``/month``).
        label: A short label for people (``civilian deaths 2022``); ``{year}`` for yearly rules.
    """

    name: str
    source: str
    rule: SummaryRule
    unit: str
    label: str

    def __post_init__(self) -> None:
        if self.rule not in SUMMARY_RULES:
            raise ValueError(f"{self.name}: unknown summary rule {self.rule!r}")
        if (YEAR in self.name) != self.yearly:
            raise ValueError(f"{self.name}: a yearly rule needs {YEAR} in the name, others not")

    @property
    def yearly(self) -> bool:
        """Whether the rule gives one column per calendar year."""
        return self.rule in YEARLY_RULES

    @property
    def kind(self) -> ValueKind:
        """How the value is formatted: ``share``, ``index``, ``rate`` or ``count``."""
        if self.unit.startswith("share"):
            return "share"
        if self.unit.startswith("index"):
            return "index"
        if self.unit.startswith("fraction"):
            return "rate"
        return "count"

    def column(self, year: int | None = None) -> str:
        """The column name (for a yearly rule, of ``year``)."""
        if self.yearly:
            if year is None:
                raise ValueError(f"{self.name}: a yearly scalar needs the year")
            return self.name.replace(YEAR, str(int(year)))
        return self.name

    def columns(self, years: Iterable[int]) -> list[str]:
        """Column names over ``years`` (one column when the rule is not yearly)."""
        return [self.column(y) for y in years] if self.yearly else [self.name]

    def year_of(self, column: str) -> int | None:
        """The year a column of this yearly scalar is for (None: not one of its columns)."""
        if not self.yearly:
            return None
        head, _, tail = self.name.partition(YEAR)
        match = re.fullmatch(re.escape(head) + r"(\d{4})" + re.escape(tail), column)
        return int(match[1]) if match else None

    def matches(self, column: str) -> bool:
        """Whether ``column`` is this scalar (or one year of it)."""
        return column == self.name if not self.yearly else self.year_of(column) is not None

    def label_of(self, column: str) -> str:
        """The label of one of the scalar's columns (the year filled in)."""
        year = self.year_of(column)
        return self.label.replace(YEAR, str(year)) if year is not None else self.label

    def compute(self, values: np.ndarray, years: np.ndarray) -> dict[str, float]:
        """Apply the summary rule to one run's national monthly values.

        Args:
            values: The source outcome, one value per recorded month (at least one).
            years: The calendar year of each month.

        Returns:
            Column -> value: one entry, or one per year (``yearly_growth``: per full year
            whose previous year is full too).
        """
        if self.rule == "total":
            return {self.name: float(np.nansum(values))}
        if self.rule == "end":
            return {self.name: float(values[-1])}
        if self.rule == "mean_last_12":
            return {self.name: float(np.nanmean(values[-12:]))}
        if self.rule == "peak":
            return {self.name: float(np.nanmax(values))}
        out: dict[str, float] = {}
        for year in np.unique(years):
            this = years == year
            if self.rule == "yearly_total":
                out[self.column(int(year))] = float(np.nansum(values[this]))
                continue
            prev = values[years == year - 1]
            if prev.size == 12 and this.sum() == 12:
                out[self.column(int(year))] = float(values[this].mean() / prev.mean()) - 1.0
        return out
