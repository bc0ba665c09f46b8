"""Outcomes: the monthly national and per-region series, and run-level scalars.

Each outcome has a fixed column name (analysts' scripts rely on them), a unit, a description,
how it aggregates over regions, and the rule that summarises a run into one scalar. Reporters
are read-only: they look at the model and never change it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from malisim.core.calendar import format_month, month_year
from malisim.model.space import REGIONS
from malisim.model.vocab import Control


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
    """

    name: str
    unit: str
    description: str
    summary: str
    regional: bool = True


OUTCOMES: tuple[Outcome, ...] = (
    Outcome("civilian_fatalities", "people/month", "Civilians killed (all perpetrators).",
            "total"),
    Outcome("civilian_fatalities_state", "people/month",
            "Civilians killed by the Malian state forces (FAMa).", "total"),
    Outcome("civilian_fatalities_foreign", "people/month",
            "Civilians killed by Wagner / Africa Corps and other foreign forces.", "total"),
    Outcome("civilian_fatalities_jihadist", "people/month",
            "Civilians killed by JNIM and Islamic State Sahel.", "total"),
    Outcome("civilian_fatalities_signatory", "people/month",
            "Civilians killed by signatory armed groups (CMA, Platform).", "total"),
    Outcome("battle_fatalities", "people/month",
            "Combatants and peacekeepers killed (battles, IEDs, strikes).", "total"),
    Outcome("events", "events/month", "Events in the ACLED-style event log.", "total"),
    Outcome("idps", "people", "Internally displaced people (by region of refuge).", "end"),
    Outcome("refugees", "people",
            "Refugees abroad (national total; regional rows by region of origin).", "end"),
    Outcome("control_state", "share of population", "People in cells the state controls.",
            "mean_last_12"),
    Outcome("control_jnim", "share of population", "People in cells JNIM controls.",
            "mean_last_12"),
    Outcome("control_is_sahel", "share of population",
            "People in cells Islamic State Sahel controls.", "mean_last_12"),
    Outcome("control_signatory", "share of population",
            "People in cells CMA or Platform controls.", "mean_last_12"),
    Outcome("control_contested", "share of population", "People in contested cells.",
            "mean_last_12"),
    Outcome("junta_approval", "share",
            "Approval of the government (comparable to the April 2022 Mali-Mètre poll).", "end",
            regional=False),
    Outcome("gdp_index", "index (2019-01 = 1)", "GDP index.", "end", regional=False),
    Outcome("people_in_need", "people", "People in need of humanitarian assistance.", "end"),
    Outcome("accord_adherence", "share", "Accord adherence of the signatory groups (0-1).",
            "end", regional=False),
    Outcome("troops_france", "troops", "French troops in Mali.", "end"),
    Outcome("troops_wagner", "personnel", "Wagner / Africa Corps personnel in Mali.", "end"),
    Outcome("troops_minusma", "peacekeepers", "MINUSMA peacekeepers in Mali.", "end"),
    Outcome("troops_fama", "troops", "FAMa soldiers deployed.", "end"),
    Outcome("fighters_jnim", "fighters", "JNIM fighters.", "end"),
    Outcome("fighters_is_sahel", "fighters", "Islamic State Sahel fighters.", "end"),
    Outcome("fighters_signatory", "fighters", "CMA and Platform fighters.", "end"),
    Outcome("recruits_jihadist", "people/month",
            "Civilians joining JNIM or IS Sahel this month.", "total"),
    Outcome("population", "people", "People present in Mali (residents and displaced).", "end"),
)  # fmt: skip
OUTCOME_NAMES: tuple[str, ...] = tuple(o.name for o in OUTCOMES)
OUTCOME_INDEX: dict[str, int] = {name: i for i, name in enumerate(OUTCOME_NAMES)}
NATIONAL = "Mali"
SUMMARY_SUFFIX = {"total": "total", "end": "end", "mean_last_12": "last12", "peak": "peak"}


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
        for name, value in month_data.items():
            j = OUTCOME_INDEX[name]
            if isinstance(value, tuple):
                by_region, national = value
                row[:-1, j] = by_region
                row[-1, j] = national
            elif np.ndim(value) == 0:
                row[-1, j] = float(value)
            else:
                row[:-1, j] = np.bincount(region, weights=value, minlength=len(REGIONS))
                row[-1, j] = float(np.sum(value))
        self.recorded += 1

    def series(self) -> pd.DataFrame:
        """Monthly series: columns ``date``, ``region`` and the outcomes (national rows "Mali")."""
        n = self.recorded
        months = self.start + np.arange(n)
        regions = (*REGIONS, NATIONAL)
        dates = pd.to_datetime([format_month(m) + "-01" for m in months]).astype("datetime64[ms]")
        frame = pd.DataFrame(
            self.values[:n].reshape(n * len(regions), len(OUTCOMES)), columns=list(OUTCOME_NAMES)
        )
        frame.insert(0, "region", np.tile(np.array(regions, dtype=object), n))
        frame.insert(0, "date", np.repeat(dates.to_numpy(), len(regions)))
        return frame

    def scalars(self) -> dict[str, float]:
        """Run-level scalars (national), named ``<outcome>_<rule>``, plus yearly totals."""
        nat = self.values[: self.recorded, -1, :]
        out: dict[str, float] = {}
        years = np.array([month_year(self.start + i) for i in range(self.recorded)])
        for j, o in enumerate(OUTCOMES):
            col = nat[:, j]
            if o.summary == "total":
                value = float(np.nansum(col))
                for year in np.unique(years):
                    out[f"{o.name}_{int(year)}"] = float(np.nansum(col[years == year]))
            elif o.summary == "end":
                value = float(col[-1])
            elif o.summary == "mean_last_12":
                value = float(np.nanmean(col[-12:]))
            else:
                value = float(np.nanmax(col))
            out[f"{o.name}_{SUMMARY_SUFFIX[o.summary]}"] = value
        if self.recorded:
            gdp = nat[:, OUTCOME_INDEX["gdp_index"]]
            for year in np.unique(years):
                prev = gdp[years == year - 1]
                if prev.size == 12 and (years == year).sum() == 12:
                    out[f"gdp_growth_{int(year)}"] = float(gdp[years == year].mean() / prev.mean())
                    out[f"gdp_growth_{int(year)}"] -= 1.0
            idps = nat[:, OUTCOME_INDEX["idps"]]
            out["idps_peak"] = float(np.nanmax(idps))
        return out


def control_shares(
    region: np.ndarray, control: np.ndarray, population: np.ndarray
) -> dict[str, tuple[np.ndarray, float]]:
    """Population shares of each control category, per region and national.

    Args:
        region: Region code of each cell.
        control: Control code of each cell.
        population: People present per cell.

    Returns:
        Outcome name -> ``(share per region, national share)``; NaN where nobody lives.
    """
    n_regions = len(REGIONS)
    pop_region = np.bincount(region, weights=population, minlength=n_regions)
    total = population.sum()
    out = {}
    names = {Control.STATE: "control_state", Control.JNIM: "control_jnim",
             Control.IS_SAHEL: "control_is_sahel", Control.SIGNATORY: "control_signatory",
             Control.CONTESTED: "control_contested"}  # fmt: skip
    for ctrl, name in names.items():
        w = population * (control == ctrl)
        by_region = np.bincount(region, weights=w, minlength=n_regions)
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(pop_region > 0, by_region / pop_region, np.nan)
        out[name] = (shares, float(w.sum() / total) if total > 0 else np.nan)
    return out
