"""The economy and the humanitarian state: GDP index, the junta's budget, people in need.

* GDP index (January 2019 = 1): trend growth times one minus the month's shocks — conflict
  (national violence index), COVID-19 (2020, half in 2021), ECOWAS sanctions net of leakage
  through Guinea and Mauritania, and the aid-dependent part of the economy lost when donors
  disengage (CRS2022, ICG2023).
* Budget (index, one month of 2019 security spending = 100): revenue from gold, cotton and
  taxes moving with the GDP index, minus frozen assets under sanctions, plus donor budget support;
  spending on FAMa (grows with troops) and on Wagner (ICG2023: aid suspensions "have forced the
  Malian state to drastically cut its operating expenses"; Poster2025: Wagner's financial
  motivations).
* People in need per cell: a base share, a Sahelian food-insecurity share, local violence,
  economic loss (prices, income), and the displaced (CRS2022: 7.5 million in need, one in three,
  early 2022; conflict-affected areas in crisis-level food insecurity).
"""

from __future__ import annotations

import numpy as np

from malisim.core.calendar import format_month
from malisim.model.parameters import Parameters
from malisim.model.space import BIOMES

SUDANIAN = BIOMES.index("Sudanian")


def national_violence(violence_index: np.ndarray, population: np.ndarray) -> float:
    """The national violence index: the cells' index weighted by their people (at least 1)."""
    return float(np.average(violence_index, weights=np.maximum(population, 1.0)))


def covid_shock(month: int, size: float, share_2021: float) -> float:
    """Share of GDP lost to COVID-19 in a month.

    The shock is ``size`` from 2020-03 to 2020-12 and ``share_2021`` of it in 2021.
    """
    ym = format_month(month)
    if "2020-03" <= ym <= "2020-12":
        return size
    if "2021-01" <= ym <= "2021-12":
        return size * share_2021
    return 0.0


class Economy:
    """The national economy and the state budget.

    Attributes:
        trend: GDP index on trend (without shocks).
        gdp_index: GDP index this month.
        loss: Share of trend GDP lost this month (0-1): the economic loss civilians feel.
        revenue: State revenue this month (budget index).
        spending: State spending this month (budget index).
    """

    def __init__(self) -> None:
        self.trend = 1.0
        self.gdp_index = 1.0
        self.loss = 0.0
        self.revenue = 0.0
        self.spending = 0.0

    def update(
        self,
        p: Parameters,
        month: int,
        national_violence: float,
        fama_troops: float,
        initial_fama_troops: float,
        wagner_personnel: float,
    ) -> float:
        """Advance the economy by one month; return the state's budget balance.

        Args:
            p: The parameters in force.
            month: Month index.
            national_violence: Population-weighted national violence index.
            fama_troops: FAMa strength this month.
            initial_fama_troops: FAMa strength at the start of the run.
            wagner_personnel: Wagner personnel deployed this month.

        Returns:
            Revenue minus spending (budget index).
        """
        self.trend *= (1.0 + p.gdp_trend_growth) ** (1.0 / 12.0)
        sanctions = p.ecowas_sanctions * p.sanctions_gdp_shock * (1.0 - p.sanctions_leakage)
        shock = (
            p.conflict_gdp_drag * national_violence
            + covid_shock(month, p.covid_shock, p.covid_2021_share)
            + sanctions
            + p.aid_gdp_share * (1.0 - p.donor_engagement)
        )
        self.loss = float(np.clip(shock, 0.0, p.gdp_loss_cap))
        self.gdp_index = self.trend * (1.0 - self.loss)

        frozen = p.frozen_asset_share * p.ecowas_sanctions  # assets frozen in ECOWAS banks
        self.revenue = p.state_revenue * self.gdp_index * (1.0 - frozen) + (
            p.aid_budget * p.donor_engagement
        )
        security = 100.0 * fama_troops / initial_fama_troops
        mercenaries = p.wagner_monthly_cost * wagner_personnel
        self.spending = security + mercenaries + p.civil_spending
        return self.revenue - self.spending

    def people_in_need(
        self,
        p: Parameters,
        biome: np.ndarray,
        present: np.ndarray,
        idps: np.ndarray,
        violence: np.ndarray,
        blockade: np.ndarray,
    ) -> np.ndarray:
        """People in need of humanitarian assistance per cell.

        Args:
            p: The parameters in force.
            biome: Biome code per cell (:data:`~malisim.model.space.BIOMES`).
            present: People present per cell.
            idps: Displaced people present per cell.
            violence: Violence index per cell.
            blockade: Economic loss from sieges per cell (0-1).

        Returns:
            People in need per cell (never more than ``need_present_cap`` of the people
            present).
        """
        share = (
            p.need_base
            + p.sahel_food_insecurity * (biome != SUDANIAN)
            + p.need_conflict_weight * violence
            + p.need_economy_weight * (self.loss + blockade)
        )
        residents = np.maximum(present - idps, 0.0)
        need = residents * np.clip(share, 0.0, p.need_share_cap) + idps * p.need_displaced
        return np.minimum(need, p.need_present_cap * present)
