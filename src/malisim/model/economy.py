"""The economy and the humanitarian state: GDP as a level with memory, the budget, people in need.

* GDP index (January 2019 = 1): trend growth times what two kinds of damage leave of it.
  *Disruptions* — COVID-19 (2020), ECOWAS sanctions net of leakage through Guinea and Mauritania
  (essentials exempted), the aid-dependent part of the economy lost when donors disengage,
  sieges and blockades, people displaced from their livelihoods — cut output at once while they
  last and their effect fades with a half-life once they end (RFI2022: the lifting of the
  sanctions relieved the economy quickly). *Conflict damage* — assets destroyed, seasons lost,
  trade routes closed — accumulates with the national violence index and is repaired slowly
  (Hoeffler2003: a civil war lowers growth by about two points a year and recovery is not
  automatic). So a shock leaves the economy below trend after it ends, and the economy recovers.
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
    weights = np.maximum(population, 1.0)
    # np.average's own arithmetic (weighted sum over the sum of weights), without its checks
    return float(np.multiply(violence_index, weights).sum() / weights.sum())


def covid_shock(month: int, size: float) -> float:
    """Share of GDP the COVID-19 pandemic disrupts in a month: ``size`` from 2020-03 to 2020-12.

    The 2021 after-effect is not a separate term: like every disruption, the loss fades with
    ``disruption_half_life`` after the shock ends (:func:`fade`).
    """
    return size if "2020-03" <= format_month(month) <= "2020-12" else 0.0


def half_life_retention(half_life: float) -> float:
    """The share of an effect kept each month when it halves in ``half_life`` months."""
    return float(0.5 ** (1.0 / half_life))


#: The disruptions of :func:`disruptions`, in order (``Economy.disruption`` has one per name).
DISRUPTIONS: tuple[str, ...] = ("covid", "sanctions", "aid", "blockade", "displacement")


def disruptions(
    p: Parameters, month: int, blockade_share: float, displaced_share: float
) -> np.ndarray:
    """This month's disruptions of output, each a share of trend GDP (:data:`DISRUPTIONS`).

    * COVID-19 (:func:`covid_shock`);
    * ECOWAS sanctions: ``ecowas_sanctions * sanctions_gdp_shock * (1 - sanctions_leakage)``
      (CRS2022: borders closed, essential goods exempted; Guinea and Mauritania kept trading);
    * aid: ``aid_gdp_share * (1 - donor_engagement)``;
    * blockades: the population-weighted share of output lost in besieged cells (output
      proportional to people);
    * displacement: ``displacement_output_loss`` of the share of people displaced or abroad.

    Args:
        p: The parameters in force.
        month: Month index.
        blockade_share: Population-weighted mean of the cells' siege losses (0-1).
        displaced_share: Share of the people who are displaced or refugees (0-1).

    Returns:
        One share per disruption, in the order of :data:`DISRUPTIONS`.
    """
    return np.array(
        [
            covid_shock(month, p.covid_shock),
            p.ecowas_sanctions * p.sanctions_gdp_shock * (1.0 - p.sanctions_leakage),
            p.aid_gdp_share * (1.0 - p.donor_engagement),
            blockade_share,
            p.displacement_output_loss * displaced_share,
        ]
    )


def fade(previous: np.ndarray, now: np.ndarray, retention: float) -> np.ndarray:
    """Disruptions with memory: each bites at once and fades at ``retention`` a month after.

    A disruption is the larger of this month's shock and what is left of last month's
    (``retention`` of it), so output falls as soon as a shock starts and recovers with a
    half-life once it ends (RFI2022: the lifting of sanctions quickly relieves the economy).
    """
    return np.maximum(now, retention * previous)


def conflict_damage_next(
    damage: float, national_violence: float, rate: float, retention: float
) -> float:
    """Conflict damage (share of trend GDP) next month: it accumulates and is slowly repaired.

    ``damage * retention + rate / 12 * national_violence``: each month of violence destroys
    ``rate / 12`` of output per unit of the national violence index (``rate`` a year:
    Hoeffler2003, a civil war lowers growth by about two points a year), and ``1 - retention``
    of the damage is repaired each month. A year of high violence therefore leaves output lower
    years later, and sustained heavy violence drives it down without end.
    """
    return damage * retention + rate / 12.0 * national_violence


class Economy:
    """The national economy and the state budget.

    Attributes:
        trend: GDP index on trend (without shocks).
        gdp_index: GDP index this month.
        loss: Share of trend GDP lost this month (0-1): the economic loss civilians feel.
        damage: Accumulated conflict damage (share of trend GDP, before the cap).
        disruption: Disruptions with memory, one per :data:`DISRUPTIONS` (shares of trend GDP).
        revenue: State revenue this month (budget index).
        spending: State spending this month (budget index).
    """

    def __init__(self) -> None:
        self.trend = 1.0
        self.gdp_index = 1.0
        self.loss = 0.0
        self.damage = 0.0
        self.disruption = np.zeros(len(DISRUPTIONS))
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
        blockade_share: float = 0.0,
        displaced_share: float = 0.0,
    ) -> float:
        """Advance the economy by one month; return the state's budget balance.

        Args:
            p: The parameters in force.
            month: Month index.
            national_violence: Population-weighted national violence index.
            fama_troops: FAMa strength this month.
            initial_fama_troops: FAMa strength at the start of the run.
            wagner_personnel: Wagner personnel deployed this month.
            blockade_share: Population-weighted mean siege loss of the cells (0-1).
            displaced_share: Share of the people displaced or refugees (0-1).

        Returns:
            Revenue minus spending (budget index).
        """
        self.trend *= (1.0 + p.gdp_trend_growth) ** (1.0 / 12.0)
        self.damage = conflict_damage_next(
            self.damage,
            national_violence,
            p.conflict_damage_rate,
            half_life_retention(p.conflict_recovery_half_life),
        )
        self.disruption = fade(
            self.disruption,
            disruptions(p, month, blockade_share, displaced_share),
            half_life_retention(p.disruption_half_life),
        )
        lasting = min(self.damage, p.gdp_loss_cap)
        now = min(float(self.disruption.sum()), p.gdp_loss_cap)
        self.loss = float(min(1.0 - (1.0 - lasting) * (1.0 - now), p.gdp_loss_cap))
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
