"""Outcomes: the monthly national and per-region series, and the run-level scalars.

Each monthly outcome (:class:`Outcome`, in :data:`OUTCOMES`) has a fixed column name (analysts'
scripts rely on them), a unit, a description, a short label, how it aggregates over regions,
and the rule that summarises a run into one scalar. The run-level scalars are declared once, in
:data:`SCALAR_OUTCOMES` (:class:`~malisim.model.scalars.ScalarOutcome`: name, source series,
summary rule, unit, label): per outcome its summary (``<outcome>_<total|end|last12>``), per
summed outcome its yearly totals (``<outcome>_<year>``), and the yearly GDP growth and the peak
of IDPs. :meth:`OutcomeRecorder.scalars` computes them from these declarations;
:func:`scalar_outcome` finds the declaration of a column. The recorder is given each month's
values as arguments; it reads nothing else of the model and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from malisim.core.calendar import month_year
from malisim.model.scalars import ScalarOutcome, SummaryRule
from malisim.model.space import REGIONS
from malisim.model.vocab import Control

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd


@dataclass(frozen=True)
class Outcome:
    """Metadata of one outcome column.

    Attributes:
        name: Column name.
        unit: Unit of the monthly value.
        description: What it measures.
        summary: Run-level rule: ``total`` (sum over months), ``end`` (last month),
            ``mean_last_12`` (mean of the last 12 months) or ``peak`` (maximum).
        regional: Whether per-region rows carry a value (national-only outcomes are NaN there).
        label: A short name for people (``civilian deaths``), from which the labels of its
            run-level scalars are made.
    """

    name: str
    unit: str
    description: str
    summary: SummaryRule
    regional: bool = True
    label: str = ""


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("civilian_fatalities", "people/month", "Civilians killed (all perpetrators).",
            "total", label="civilian deaths"),
    Outcome("civilian_fatalities_state", "people/month",
            "Civilians killed by the Malian state forces (FAMa).", "total",
            label="civilian deaths by the state"),
    Outcome("civilian_fatalities_foreign", "people/month",
            "Civilians killed by Wagner / Africa Corps and other foreign forces.", "total",
            label="civilian deaths by foreign forces"),
    Outcome("civilian_fatalities_jihadist", "people/month",
            "Civilians killed by JNIM and Islamic State Sahel.", "total",
            label="civilian deaths by jihadists"),
    Outcome("civilian_fatalities_signatory", "people/month",
            "Civilians killed by signatory armed groups (CMA, Platform).", "total",
            label="civilian deaths by signatory groups"),
    Outcome("battle_fatalities", "people/month",
            "Combatants and peacekeepers killed (battles, IEDs, strikes).", "total",
            label="battle deaths"),
    Outcome("peacekeeper_fatalities", "people/month",
            "MINUSMA peacekeepers killed (attacks on camps and convoys, IEDs).", "total",
            label="peacekeeper deaths"),
    Outcome("events", "events/month", "Events in the ACLED-style event log.", "total",
            label="events"),
    Outcome("idps", "people", "Internally displaced people (by region of refuge).", "end",
            label="IDPs"),
    Outcome("refugees", "people",
            "Refugees abroad (national total; regional rows by region of origin).", "end",
            label="refugees"),
    Outcome("control_state", "share of population", "People in cells the state controls.",
            "mean_last_12", label="state control"),
    Outcome("control_jnim", "share of population", "People in cells JNIM controls.",
            "mean_last_12", label="JNIM control"),
    Outcome("control_is_sahel", "share of population",
            "People in cells Islamic State Sahel controls.", "mean_last_12",
            label="IS Sahel control"),
    Outcome("control_signatory", "share of population",
            "People in cells CMA or Platform controls.", "mean_last_12",
            label="signatory control"),
    Outcome("control_contested", "share of population", "People in contested cells.",
            "mean_last_12", label="contested"),
    Outcome("junta_approval", "share",
            "Approval of the government (comparable to the April 2022 Mali-Mètre poll).", "end",
            regional=False, label="junta approval"),
    Outcome("gdp_index", "index (2019-01 = 1)", "GDP index.", "end", regional=False,
            label="GDP index"),
    Outcome("people_in_need", "people", "People in need of humanitarian assistance.", "end",
            label="people in need"),
    Outcome("accord_adherence", "share", "Accord adherence of the signatory groups (0-1).",
            "end", regional=False, label="accord adherence"),
    Outcome("troops_france", "troops", "French troops in Mali.", "end", label="French troops"),
    Outcome("troops_wagner", "personnel", "Wagner / Africa Corps personnel in Mali.", "end",
            label="Wagner / Africa Corps"),
    Outcome("troops_minusma", "peacekeepers", "MINUSMA peacekeepers in Mali.", "end",
            label="MINUSMA peacekeepers"),
    Outcome("troops_fama", "troops", "FAMa soldiers deployed.", "end", label="FAMa troops"),
    Outcome("fighters_jnim", "fighters", "JNIM fighters.", "end", label="JNIM fighters"),
    Outcome("fighters_is_sahel", "fighters", "Islamic State Sahel fighters.", "end",
            label="IS Sahel fighters"),
    Outcome("fighters_signatory", "fighters", "CMA and Platform fighters.", "end",
            label="signatory fighters"),
    Outcome("recruits_jihadist", "people/month",
            "Civilians joining JNIM or IS Sahel this month.", "total",
            label="jihadist recruits"),
    Outcome("population", "people", "People present in Mali (residents and displaced).", "end",
            label="population"),
    Outcome("idps_new", "people/month",
            "Residents newly displaced inside Mali this month (by region of refuge).", "total",
            label="new IDPs"),
    Outcome("idps_secondary", "people/month",
            "Displaced people who fled again this month (by region they arrived in).", "total",
            label="secondary displacements"),
    Outcome("idp_returns", "people/month",
            "Displaced people who went home this month (by region of refuge they left).",
            "total", label="IDP returns"),
    Outcome("refugees_new", "people/month",
            "People who crossed into a country of refuge this month (by region of origin).",
            "total", label="new refugees"),
    Outcome("refugee_returns", "people/month",
            "Refugees who came home this month (by region of origin).", "total",
            label="refugee returns"),
    Outcome("returnees", "people",
            "People back home after displacement or refuge (by region of return; they stop "
            "counting if they flee again).", "end", label="returnees"),
    Outcome("civilian_fatalities_militia", "people/month",
            "Civilians killed by communal militias (Dan Na Ambassagou, Dozo hunters, Fulani "
            "self-defence groups).", "total", label="civilian deaths by militias"),
    Outcome("fighters_militia", "fighters",
            "Communal militia fighters (Dan Na Ambassagou, Dozo, Fulani self-defence groups).",
            "end", label="militia fighters"),
)  # fmt: skip
OUTCOME_NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOMES)
OUTCOME_INDEX: dict[str, int] = {name: i for i, name in enumerate(OUTCOME_NAMES)}
NATIONAL = "Mali"
#: Column suffix of each outcome's run-level summary (``<outcome>_<suffix>``).
SUMMARY_SUFFIX: dict[str, str] = {
    "total": "total",
    "end": "end",
    "mean_last_12": "last12",
    "peak": "peak",
}
#: How the label of a scalar reads after the outcome's label, per rule.
_LABEL_SUFFIX: dict[str, str] = {
    "total": " (all years)",
    "end": " (end)",
    "mean_last_12": " (last 12 m)",
    "peak": " (peak)",
    "yearly_total": " {year}",
}


def _scalars_of(outcome: Outcome) -> tuple[ScalarOutcome, ...]:
    """The run-level scalars of one outcome: yearly totals (summed outcomes), then its summary."""
    rules: tuple[SummaryRule, ...] = (
        ("yearly_total", outcome.summary) if outcome.summary == "total" else (outcome.summary,)
    )
    out = []
    for rule in rules:
        summed = rule in ("total", "yearly_total")
        suffix = "{year}" if rule == "yearly_total" else SUMMARY_SUFFIX[rule]
        out.append(
            ScalarOutcome(
                name=f"{outcome.name}_{suffix}",
                source=outcome.name,
                rule=rule,
                unit=outcome.unit.replace("/month", "") if summed else outcome.unit,
                label=outcome.label + _LABEL_SUFFIX[rule],
            )
        )
    return tuple(out)


#: Every run-level scalar a run produces, in the order of :meth:`OutcomeRecorder.scalars`.
SCALAR_OUTCOMES: tuple[ScalarOutcome, ...] = (
    *(s for o in OUTCOMES for s in _scalars_of(o)),
    ScalarOutcome("gdp_growth_{year}", "gdp_index", "yearly_growth", "fraction per year",
                  "GDP growth {year}"),
    ScalarOutcome("idps_peak", "idps", "peak", "people", "IDPs (peak)"),
)  # fmt: skip
_SCALAR_BY_NAME: dict[str, ScalarOutcome] = {s.name: s for s in SCALAR_OUTCOMES if not s.yearly}
_YEARLY_SCALARS: tuple[ScalarOutcome, ...] = tuple(s for s in SCALAR_OUTCOMES if s.yearly)


def scalar_outcome(column: str) -> ScalarOutcome | None:
    """The declaration of a run-level column (None for a column the model does not produce)."""
    found = _SCALAR_BY_NAME.get(column)
    if found is not None:
        return found
    return next((s for s in _YEARLY_SCALARS if s.matches(column)), None)


def summary_scalar(outcome: str) -> ScalarOutcome | None:
    """The run-level summary of a monthly outcome (``idps`` -> ``idps_end``), by its rule."""
    if outcome not in OUTCOME_INDEX:
        return None
    o = OUTCOMES[OUTCOME_INDEX[outcome]]
    return _SCALAR_BY_NAME.get(f"{o.name}_{SUMMARY_SUFFIX[o.summary]}")


def scalar_columns(first_year: int, last_year: int) -> list[str]:
    """Run-level columns of a run over whole calendar years ``first_year`` to ``last_year``.

    Yearly totals for every year; yearly growth from the second year (it needs the year
    before). In the order of :data:`SCALAR_OUTCOMES`.
    """
    names: list[str] = []
    for s in SCALAR_OUTCOMES:
        first = first_year + 1 if s.rule == "yearly_growth" else first_year
        names += s.columns(range(first, last_year + 1))
    return names


class OutcomeRecorder:
    """Collects one row per month for the nation and each region.

    Args:
        n_months: Months the run will record.
        start: Month index of the first recorded month.
    """

    def __init__(self, n_months: int, start: int) -> None:
        self.start = start
        self.values = np.full((n_months, len(REGIONS) + 1, len(OUTCOMES)), np.nan)
        self.recorded = 0

    def record(
        self,
        region: np.ndarray,
        month_data: dict[str, np.ndarray | float | tuple[np.ndarray, float]],
    ) -> None:
        """Record this month: per-cell arrays are summed by region, scalars are national.

        Args:
            region: Region code of each cell (the grid's ``region``).
            month_data: Outcome name -> per-cell array (summed), or a float (national only),
                or a ``(values_by_region, national)`` pair for shares computed by the caller.
        """
        row = self.values[self.recorded]
        n_regions = len(REGIONS)
        columns: list[int] = []
        per_cell: list[np.ndarray] = []
        for name, value in month_data.items():
            j = OUTCOME_INDEX[name]
            if isinstance(value, tuple):
                by_region, national = value
                row[:-1, j] = by_region
                row[-1, j] = national
            elif isinstance(value, np.ndarray) and value.ndim == 1 and value.dtype == np.float64:
                columns.append(j)
                per_cell.append(value)
            elif np.ndim(value) == 0:
                row[-1, j] = float(value)
            else:
                row[:-1, j] = np.bincount(region, weights=value, minlength=n_regions)
                row[-1, j] = float(np.sum(value))
        if per_cell:
            # all float per-cell outcomes at once: one bincount over (outcome, region) bins adds
            # each bin's cells in cell order, and each row's sum is the pairwise sum of that
            # row, as one bincount and one np.sum per outcome (the same bits)
            stacked = np.array(per_cell)  # (the rows as np.vstack stacks them)
            k = stacked.shape[0]
            bins = _region_bins(region, n_regions, k)
            by_region = np.bincount(bins, weights=stacked.ravel(), minlength=k * n_regions)
            row[:-1, columns] = by_region.reshape(k, n_regions).T
            row[-1, columns] = stacked.sum(axis=1)
        self.recorded += 1

    def series(self) -> pd.DataFrame:
        """Monthly series: columns ``date``, ``region`` and the outcomes (national rows "Mali")."""
        return series_frame(self.series_columns())

    def series_columns(self) -> dict[str, np.ndarray]:
        """The columns of :meth:`series` as numpy arrays, in order.

        ``date`` (``datetime64[ms]``, the first of the month), ``region`` (object) and the
        outcomes (float64), one row per month and region, the national row ("Mali") last.
        """
        n = self.recorded
        months = self.start + np.arange(n)
        regions = (*REGIONS, NATIONAL)
        # month index year * 12 + month0; datetime64[M] counts months from 1970-01
        dates = (
            (months.astype(np.int64) - 1970 * 12).astype("datetime64[M]").astype("datetime64[ms]")
        )
        values = self.values[:n].reshape(n * len(regions), len(OUTCOMES))
        columns = {
            "date": np.repeat(dates, len(regions)),
            "region": np.tile(np.array(regions, dtype=object), n),
        }
        for j, name in enumerate(OUTCOME_NAMES):
            columns[name] = values[:, j]
        return columns

    def scalars(self) -> dict[str, float]:
        """Run-level scalars (national), as declared in :data:`SCALAR_OUTCOMES`.

        Returns:
            Column -> value, in the order of the declarations; empty before the first month.
        """
        if not self.recorded:
            return {}
        nat = self.values[: self.recorded, -1, :]
        years = np.array([month_year(self.start + i) for i in range(self.recorded)])
        out: dict[str, float] = {}
        for scalar in SCALAR_OUTCOMES:
            out.update(scalar.compute(nat[:, OUTCOME_INDEX[scalar.source]], years))
        return out


#: Control code -> its population-share outcome column.
_CONTROL_COLUMNS: dict[int, str] = {
    int(Control.STATE): "control_state",
    int(Control.JNIM): "control_jnim",
    int(Control.IS_SAHEL): "control_is_sahel",
    int(Control.SIGNATORY): "control_signatory",
    int(Control.CONTESTED): "control_contested",
}


#: The control codes as a column (one row per category in :func:`control_shares`).
_CONTROL_CODES = np.array(list(_CONTROL_COLUMNS))[:, None]
_CONTROL_CODES.flags.writeable = False

#: The last bins of :func:`_region_bins`: (region array, regions, rows, bins).
_BINS: list[tuple[np.ndarray, int, int, np.ndarray]] = []


def _region_bins(region: np.ndarray, n_regions: int, k: int) -> np.ndarray:
    """``bincount`` bins of ``k`` rows of per-cell values by (row, region), row after row.

    Kept for the last region array (the grid's, every month of a run) and returned read-only.
    """
    for held, n, rows, bins in _BINS:
        if held is region and n == n_regions and rows == k:
            return bins
    bins = (np.asarray(region) + n_regions * np.arange(k)[:, None]).ravel()
    bins.flags.writeable = False
    _BINS[:] = [*_BINS[-3:], (region, n_regions, k, bins)]
    return bins


def control_shares(
    region: np.ndarray,
    control: np.ndarray,
    population: np.ndarray,
    countryside_share: np.ndarray | None = None,
    countryside_control: np.ndarray | None = None,
) -> dict[str, tuple[np.ndarray, float]]:
    """Population shares of each control category, per region and national.

    Where a town cell's countryside is controlled apart from its town, its people count in two
    parts: the town's people under the cell's control, the countryside's under the
    countryside's (a garrison holds its town, not the countryside around it).

    Args:
        region: Region code of each cell.
        control: Control code of each cell (of its town, in a town cell).
        population: People present per cell.
        countryside_share: Share of each cell's people living in the countryside controlled
            apart (0 where the cell is one unit; None: every cell is one unit).
        countryside_control: Control code of that countryside per cell.

    Returns:
        Outcome name -> ``(share per region, national share)``; NaN where nobody lives.
    """
    n_regions = len(REGIONS)
    pop_region = np.bincount(region, weights=population, minlength=n_regions)
    total = population.sum()
    out = {}
    names = _CONTROL_COLUMNS
    if countryside_share is None or countryside_control is None:
        countryside_share = np.zeros_like(population)
        countryside_control = control
    rural = population * countryside_share
    town = population - rural
    # every category at once, one row each: the same products, bins and row sums (same bits)
    codes = _CONTROL_CODES
    w = town * (np.asarray(control) == codes) + rural * (np.asarray(countryside_control) == codes)
    k = codes.shape[0]
    bins = _region_bins(region, n_regions, k)
    by_region = np.bincount(bins, weights=w.ravel(), minlength=k * n_regions).reshape(k, n_regions)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(pop_region > 0, by_region / pop_region, np.nan)
    national = w.sum(axis=1)
    for i, name in enumerate(names.values()):
        out[name] = (shares[i], float(national[i] / total) if total > 0 else np.nan)
    return out


def series_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """The monthly series' DataFrame from its columns (:meth:`OutcomeRecorder.series_columns`).

    Args:
        columns: The columns.

    Returns:
        The frame: ``date``, ``region`` and the outcomes.
    """
    import pandas as pd  # here: a run writes its series without pandas

    return pd.DataFrame(columns)
