"""The policies the source documents discuss, as dated, configurable interventions.

Each policy moves model parameters along its timeline (through the ``set_param`` hook) or gives
orders (``launch_offensive``, ``add_rally``, ``set_dialogue_regions``); the hooks of
:class:`malisim.model.hooks.PolicyHooks` are all it touches. Its ``hooks`` and docstring list
the hooks it uses and its ``sources`` where its effects come from. Ramps are linear between
their dates.

Several copies of ``ecowas_sanctions``, ``aid_suspension``, ``accord_implementation`` and
``kidal_offensive`` may overlap; each class says how overlapping copies compose (the rule does
not depend on their order in the scenario, see :mod:`malisim.policies.base`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from typing import ClassVar

from pydantic import model_validator

from malisim.core.sources import cite
from malisim.model.hooks import PolicyHooks
from malisim.model.initial import MINUSMA_BASES
from malisim.model.parameters import S000, S001, S002, S003, S004
from malisim.model.space import REGIONS
from malisim.policies.base import (
    Month,
    Policy,
    check_known,
    check_ordered_months,
    register_policy,
    setting,
)


def ramp(month: int, start: int, end: int, v0: float, v1: float) -> float:
    """Linear ramp from ``v0`` at ``start`` to ``v1`` at ``end`` (flat outside)."""
    if month <= start:
        return v0
    if month >= end:
        return v1
    return v0 + (v1 - v0) * (month - start) / (end - start)


@register_policy
class FrenchWithdrawal(Policy):
    """France withdraws Barkhane from Mali.

    From ``announcement`` the junta gains a sovereignty rally; troops draw down linearly from
    ``drawdown_start`` to ``drawdown_end``, removing Barkhane's strikes and, with them, the air
    support, intelligence and medical evacuation that FAMa and MINUSMA relied on; a residual
    force in neighbouring countries may keep striking; European contributors leave MINUSMA.

    Hooks: ``month``, ``get_param`` (sovereignty_rally, minusma_troops), ``base_param``
    (france_troops, minusma_troops), ``set_param`` (france_troops, france_regional_troops,
    minusma_troops), ``add_rally``.
    """

    policy_type = "french_withdrawal"
    hooks = ("month", "get_param", "base_param", "set_param", "add_rally")
    sources = (
        f"{S000}: France and the EU 'would withdraw their military forces from Mali, including "
        "over 2,000 French troops'; Barkhane 'provided medical and casualty evacuations and "
        "intelligence sharing'",
        f"{S002}: last French troops left on 15 August 2022; the shift in alliances raised "
        "popular support",
    )

    controls: ClassVar[Mapping[str, str]] = {"france_regional_troops": "residual_regional_troops"}

    announcement: Month | None = setting(
        None,
        unit="month",
        description="Month the withdrawal is announced, when the junta gains its sovereignty "
        "rally (unset: drawdown_start).",
    )
    drawdown_start: Month = setting(
        unit="month",
        description="First month of the drawdown: Barkhane troops in Mali fall linearly from "
        "the scenario's france_troops.",
    )
    drawdown_end: Month = setting(
        unit="month",
        description="Month by which no Barkhane troops are left in Mali; from then on the "
        "residual regional force strikes and the European peacekeepers have left.",
    )
    residual_regional_troops: float = setting(
        0.0,
        ge=0,
        le=5_100,
        unit="troops",
        description="French troops in neighbouring countries that still strike into Mali from "
        "drawdown_end on (sets france_regional_troops).",
    )
    european_minusma_share: float = setting(
        0.1,
        ge=0,
        le=1,
        unit="share",
        description="Share of the scenario's MINUSMA troops that leave with the European "
        "contributors at drawdown_end.",
    )
    rally: bool = setting(
        True,
        unit="yes/no",
        description="Whether the announcement gives the junta a sovereignty rally (of the size "
        "of the parameter sovereignty_rally).",
    )

    @model_validator(mode="after")
    def _dates(self) -> FrenchWithdrawal:
        check_ordered_months(self, "announcement", "drawdown_start", "drawdown_end")
        check_ordered_months(self, "drawdown_start", "drawdown_end")
        return self

    def apply(self, model: PolicyHooks) -> None:
        """Draw troops down; move the residual force abroad; European peacekeepers leave."""
        m = model.month
        start, end = self.required_month("drawdown_start"), self.required_month("drawdown_end")
        announcement = self.month("announcement") or start
        if self.rally and m == announcement:
            model.add_rally(model.get_param("sovereignty_rally"))
        base = model.base_param("france_troops")
        model.set_param("france_troops", ramp(m, start, end, base, 0.0))
        if m >= end:
            model.set_param("france_regional_troops", self.residual_regional_troops)
            minusma = model.base_param("minusma_troops") * (1.0 - self.european_minusma_share)
            model.set_param("minusma_troops", min(model.get_param("minusma_troops"), minusma))


@register_policy
class WagnerDeployment(Policy):
    """Wagner (later Africa Corps) deploys alongside FAMa.

    Personnel ramp up from ``start`` over ``ramp_months``; combat power and abuse multiplier
    and monthly cost set Wagner's effect; optionally it ends, or is handed over to Africa Corps
    (same role, ``africa_corps_personnel``).

    Hooks: ``month``, ``base_param`` (wagner_personnel), ``set_param`` (wagner_personnel,
    wagner_power, wagner_abuse_multiplier, wagner_monthly_cost).
    """

    policy_type = "wagner_deployment"
    hooks = ("month", "base_param", "set_param")
    sources = (
        f"{S002}: 'Wagner has deployed over 1,000 personnel'; helicopters and 'direct support "
        "to Malian troops during ground combat'; Moura",
        f"{S003}: Wagner absorbed into Africa Corps",
        f"{S004}: Wagner abuses in Kidal and Timbuktu regions",
    )

    controls: ClassVar[Mapping[str, str]] = {
        "wagner_personnel": "personnel",
        "wagner_power": "combat_power",
        "wagner_abuse_multiplier": "abuse_multiplier",
        "wagner_monthly_cost": "monthly_cost",
    }

    start: Month = setting(
        unit="month", description="Month Wagner arrives; its personnel ramp up from 0 then."
    )
    personnel: float = setting(
        1_000.0,
        ge=0,
        le=5_000,
        unit="personnel",
        description="Wagner personnel once the ramp is complete (sets wagner_personnel).",
    )
    ramp_months: int = setting(
        3,
        ge=0,
        le=36,
        unit="months",
        description="Months from start until the personnel reach their full number (linear).",
    )
    combat_power: float | None = setting(
        None,
        ge=0.5,
        le=5.0,
        unit="combat power per person",
        description="Combat power of one Wagner fighter for the whole run (sets wagner_power; "
        "unset: the scenario's value).",
    )
    abuse_multiplier: float | None = setting(
        None,
        ge=1.0,
        le=20.0,
        unit="multiplier",
        description="Abuse rate of Wagner relative to FAMa for the whole run (sets "
        "wagner_abuse_multiplier; unset: the scenario's value).",
    )
    monthly_cost: float | None = setting(
        None,
        ge=0.0,
        le=0.05,
        unit="budget index per person per month",
        description="Cost of one Wagner person to the junta's budget for the whole run (sets "
        "wagner_monthly_cost; unset: the scenario's value).",
    )
    end: Month | None = setting(
        None,
        unit="month",
        description="Last month of the deployment; afterwards wagner_personnel is the "
        "scenario's value again (unset: to the end of the run).",
    )
    handover: Month | None = setting(
        None,
        unit="month",
        description="Month the deployment passes to Africa Corps, with africa_corps_personnel "
        "(both needed; unset: no hand-over).",
    )
    africa_corps_personnel: float | None = setting(
        None,
        ge=0,
        le=5_000,
        unit="personnel",
        description="Africa Corps personnel from handover on (same role as Wagner).",
    )

    @model_validator(mode="after")
    def _dates(self) -> WagnerDeployment:
        check_ordered_months(self, "start", "handover", "end")
        check_ordered_months(self, "start", "end")
        return self

    def initialize(self, model: PolicyHooks) -> None:
        """Set Wagner's combat power, abuse multiplier and cost if given."""
        super().initialize(model)
        for name, value in (
            ("wagner_power", self.combat_power),
            ("wagner_abuse_multiplier", self.abuse_multiplier),
            ("wagner_monthly_cost", self.monthly_cost),
        ):
            if value is not None:
                model.set_param(name, value)

    def apply(self, model: PolicyHooks) -> None:
        """Ramp personnel up; switch to Africa Corps or end on the given dates."""
        m = model.month
        start = self.required_month("start")
        end = self.month("end")
        handover = self.month("handover")
        personnel = ramp(m, start, start + self.ramp_months, 0.0, self.personnel)
        if handover is not None and m >= handover and self.africa_corps_personnel is not None:
            personnel = self.africa_corps_personnel
        if m < start or (end is not None and m > end):
            personnel = model.base_param("wagner_personnel")
        model.set_param("wagner_personnel", personnel)


@register_policy
class EcowasSanctions(Policy):
    """ECOWAS economic sanctions with leakage through Guinea and Mauritania.

    Border closure and trade ban (essentials exempted) and frozen sovereign assets; while in
    force they are also foreign pressure the junta rallies against (``foreign_pressure`` at the
    sanctions' intensity, unless ``rally`` is false).

    Overlapping sanctions: while any is in force the strongest ``intensity`` of those in force
    applies (to the pressure, the strongest of those that rally), and the lowest ``leakage``
    that one of them gives (the scenario's value when none gives one); all return to the
    scenario's values in the month after the last one ends.

    Hooks: ``month``, ``set_param`` and ``base_param`` (ecowas_sanctions, sanctions_leakage,
    foreign_pressure).
    """

    policy_type = "ecowas_sanctions"
    allow_multiple = True
    hooks = ("month", "set_param", "base_param")
    sources = (
        f"{S000}: 'closing their borders with the country, banning commercial transactions "
        "(exempting essential goods and medications), and freezing Mali's sovereign assets'; "
        "Mauritania, Algeria outside ECOWAS, Guinea 'pledged not to apply the sanctions'",
        f"{S002}: sanctions eased in July 2022",
        f"{S000}: the junta drew 'popular support from their face-off with France and ECOWAS'",
        f"{cite('AFP2022rally')}: mass rallies against the sanctions on 14 January 2022",
    )

    controls: ClassVar[Mapping[str, str]] = {
        "ecowas_sanctions": "intensity",
        "sanctions_leakage": "leakage",
        "foreign_pressure": "intensity",
    }

    start: Month = setting(unit="month", description="First month of the sanctions.")
    end: Month = setting(unit="month", description="Last month of the sanctions (inclusive).")
    intensity: float = setting(
        1.0,
        ge=0,
        le=1,
        unit="share",
        description="Intensity of the sanctions while in force (sets ecowas_sanctions; 1 = "
        "border closure, trade ban and frozen assets in full).",
    )
    leakage: float | None = setting(
        None,
        ge=0,
        le=1,
        unit="share",
        description="Share of the trade shock avoided through neighbours that do not apply "
        "the sanctions, while in force (sets sanctions_leakage; unset: the scenario's value).",
    )
    rally: bool = setting(
        True,
        unit="yes/no",
        description="Whether the sanctions are foreign pressure the junta rallies against "
        "(sets foreign_pressure to the intensity while in force; AFP2022rally, CRS2022).",
    )

    @model_validator(mode="after")
    def _dates(self) -> EcowasSanctions:
        check_ordered_months(self, "start", "end")
        return self

    def peer_key(self) -> Hashable:
        """All ECOWAS sanctions of a model compose."""
        return self.policy_type

    def apply(self, model: PolicyHooks) -> None:
        """Sanctions in force from start through end inclusive (composed with overlapping ones)."""
        m = model.month
        group = [p for p in self.peers() if isinstance(p, EcowasSanctions)]
        active = [p for p in group if p.active_at(m)]
        if active:
            model.set_param("ecowas_sanctions", max(p.intensity for p in active))
            pressure = max((p.intensity for p in active if p.rally), default=None)
            model.set_param(
                "foreign_pressure",
                model.base_param("foreign_pressure") if pressure is None else pressure,
            )
            if any(p.leakage is not None for p in group):
                given = [p.leakage for p in active if p.leakage is not None]
                leakage = min(given) if given else model.base_param("sanctions_leakage")
                model.set_param("sanctions_leakage", leakage)
        elif any(p.active_at(m - 1) for p in group):
            model.set_param("ecowas_sanctions", model.base_param("ecowas_sanctions"))
            model.set_param("sanctions_leakage", model.base_param("sanctions_leakage"))
            model.set_param("foreign_pressure", model.base_param("foreign_pressure"))


@register_policy
class EcowasExit(Policy):
    """Mali leaves ECOWAS (Alliance of Sahel States): a lasting, smaller trade shock.

    Hooks: ``month``, ``get_param`` and ``set_param`` (ecowas_sanctions).
    """

    policy_type = "ecowas_exit"
    hooks = ("month", "get_param", "set_param")
    sources = (
        f"{S003}: separation took effect on 29 January 2025",
        "assumption: the exit was announced in January 2024",
    )

    start: Month = setting(
        unit="month", description="Month the exit takes effect; it lasts to the end of the run."
    )
    trade_shock: float = setting(
        0.2,
        ge=0,
        le=1,
        unit="share of full sanctions",
        description="Lasting trade frictions: from start on ecowas_sanctions is at least this.",
    )

    def apply(self, model: PolicyHooks) -> None:
        """From the exit on, trade frictions equal a fraction of full sanctions."""
        if model.month >= self.required_month("start"):
            current = model.get_param("ecowas_sanctions")
            model.set_param("ecowas_sanctions", max(current, self.trade_shock))


@register_policy
class MinusmaRestrictions(Policy):
    """The junta restricts MINUSMA's movements and flights.

    Hooks: ``month``, ``set_param`` and ``base_param`` (minusma_mobility).
    """

    policy_type = "minusma_restrictions"
    hooks = ("month", "set_param", "base_param")
    sources = (
        f"{S000}: the junta 'has also increasingly restricted access and flights' by MINUSMA",
        f"{S002}: 'new procedures hindering ground force responsiveness'",
    )

    controls: ClassVar[Mapping[str, str]] = {"minusma_mobility": "mobility"}

    start: Month = setting(unit="month", description="First month of the restrictions.")
    end: Month | None = setting(
        None,
        unit="month",
        description="Last month of the restrictions (unset: to the end of the run).",
    )
    mobility: float = setting(
        0.5,
        ge=0,
        le=1,
        unit="share",
        description="Share of MINUSMA's reach left while restricted (sets minusma_mobility).",
    )

    def apply(self, model: PolicyHooks) -> None:
        """Mobility reduced while in force."""
        m = model.month
        end = self.month("end")
        if self.required_month("start") <= m and (end is None or m <= end):
            model.set_param("minusma_mobility", self.mobility)
        elif end is not None and m == end + 1:
            model.set_param("minusma_mobility", model.base_param("minusma_mobility"))


@register_policy
class MinusmaWithdrawal(Policy):
    """MINUSMA draws down to zero between two dates (2023).

    Hooks: ``month``, ``get_param`` and ``set_param`` (minusma_troops).
    """

    policy_type = "minusma_withdrawal"
    hooks = ("month", "get_param", "set_param")
    sources = (
        f"{S004}: 'Le 16 juin, le Mali a demandé au Conseil de sécurité de l’ONU d’acter le "
        "retrait' of MINUSMA; MINUSMA leaving Tessalit and Aguelhok camps (Oct 2023)",
        "assumption: the withdrawal is completed by the end of 2023",
    )

    drawdown_start: Month = setting(
        unit="month",
        description="First month of the drawdown: peacekeepers fall linearly from their "
        "current number.",
    )
    drawdown_end: Month = setting(
        unit="month", description="Month by which no peacekeepers are left."
    )

    @model_validator(mode="after")
    def _dates(self) -> MinusmaWithdrawal:
        check_ordered_months(self, "drawdown_start", "drawdown_end")
        return self

    def apply(self, model: PolicyHooks) -> None:
        """Ramp peacekeepers down to zero."""
        m = model.month
        start, end = self.required_month("drawdown_start"), self.required_month("drawdown_end")
        if m >= start:
            now = model.get_param("minusma_troops")
            model.set_param("minusma_troops", min(now, ramp(m, start, end, now, 0.0)))


@register_policy
class AidSuspension(Policy):
    """A donor suspends a share of aid to the state (several may overlap; shares add up).

    While any suspension is in force, ``donor_engagement`` is the scenario's value less the
    shares of the donors suspended that month (within 0-1); two overlapping suspensions by the
    same donor (names compared ignoring case and spacing) withhold the larger share, not both.
    A share comes back only when no suspension of its donor covers the month, and the value
    returns to the scenario's in the month after the last suspension ends.

    Hooks: ``month``, ``base_param`` and ``set_param`` (donor_engagement).
    """

    policy_type = "aid_suspension"
    allow_multiple = True
    hooks = ("month", "base_param", "set_param")
    sources = (
        f"{S002}: 'The suspension of European Union budgetary support in January 2022 and "
        "paused payments from institutions such as the World Bank and the African Development "
        "Bank have forced the Malian state to drastically cut its operating expenses'; France "
        "suspended official development aid in November 2022",
    )

    donor: str = setting(
        unit="name",
        min_length=1,
        description="Who suspends (suspensions by the same donor do not add up).",
    )
    share: float = setting(
        ge=0,
        le=1,
        unit="share of donor engagement",
        description="Share of donor engagement withheld while the suspension is in force.",
    )
    start: Month = setting(unit="month", description="First month of the suspension.")
    end: Month | None = setting(
        None,
        unit="month",
        description="Last month of the suspension (unset: to the end of the run).",
    )

    @model_validator(mode="after")
    def _dates(self) -> AidSuspension:
        check_ordered_months(self, "start", "end")
        return self

    def peer_key(self) -> Hashable:
        """All aid suspensions of a model compose (they move the same parameter)."""
        return self.policy_type

    def donor_key(self) -> str:
        """The donor's name as suspensions are matched: case and spacing ignored."""
        return " ".join(self.donor.split()).casefold()

    def apply(self, model: PolicyHooks) -> None:
        """Withhold the shares of the donors suspended this month; give them back after."""
        m = model.month
        group = [p for p in self.peers() if isinstance(p, AidSuspension)]
        active = [p for p in group if p.active_at(m)]
        if not active and not any(p.active_at(m - 1) for p in group):
            return
        withheld: dict[str, float] = {}
        for p in active:
            withheld[p.donor_key()] = max(withheld.get(p.donor_key(), 0.0), p.share)
        total = math.fsum(withheld[k] for k in sorted(withheld))
        value = min(max(model.base_param("donor_engagement") - total, 0.0), 1.0)
        model.set_param("donor_engagement", value)


@register_policy
class JihadistDialogue(Policy):
    """Dialogue with JNIM: local ceasefires, lower recruitment, with a spoiler risk.

    Within ``regions`` (all when empty) JNIM-state fighting and JNIM recruitment fall by
    ``intensity``; Islamic State Sahel, excluded from talks, may act as a spoiler (its abuse rate
    rises by ``spoiler_risk``).

    Hooks: ``month``, ``set_param`` and ``base_param`` (dialogue_intensity,
    is_sahel_abuse_rate), ``set_dialogue_regions``.
    """

    policy_type = "jihadist_dialogue"
    hooks = ("month", "set_param", "base_param", "set_dialogue_regions")
    sources = (
        f"{S002}: 'prioritising political dialogue, including with the jihadists'; in 2020 "
        "'Mali was the first country in the G5 Sahel to express willingness to engage in "
        "dialogue with jihadist groups'",
        "spoiler risk: assumption",
    )

    controls: ClassVar[Mapping[str, str]] = {"dialogue_intensity": "intensity"}

    start: Month = setting(unit="month", description="First month of the dialogue.")
    end: Month | None = setting(
        None,
        unit="month",
        description="Last month of the dialogue (unset: to the end of the run).",
    )
    intensity: float = setting(
        0.5,
        ge=0,
        le=1,
        unit="share",
        description="Share by which JNIM-state fighting and JNIM recruitment fall where the "
        "dialogue holds (sets dialogue_intensity).",
    )
    regions: list[str] = setting(
        unit="region names",
        default_factory=list,
        description="Regions where the dialogue holds (empty: all of Mali).",
    )
    spoiler_risk: float = setting(
        0.2,
        ge=0,
        le=2,
        unit="relative increase",
        description="Rise of Islamic State Sahel's abuse rate while the dialogue lasts, as a "
        "fraction of the scenario's is_sahel_abuse_rate (an assumption).",
    )

    @model_validator(mode="after")
    def _check(self) -> JihadistDialogue:
        check_ordered_months(self, "start", "end")
        check_known(self.regions, REGIONS, "region")
        return self

    def apply(self, model: PolicyHooks) -> None:
        """Dialogue in force from start (through end)."""
        m = model.month
        end = self.month("end")
        if self.required_month("start") <= m and (end is None or m <= end):
            model.set_param("dialogue_intensity", self.intensity)
            model.set_dialogue_regions(self.regions or None)
            base = model.base_param("is_sahel_abuse_rate")
            model.set_param("is_sahel_abuse_rate", min(base * (1 + self.spoiler_risk), 30.0))
        elif end is not None and m == end + 1:
            model.set_param("dialogue_intensity", model.base_param("dialogue_intensity"))
            model.set_param("is_sahel_abuse_rate", model.base_param("is_sahel_abuse_rate"))


@register_policy
class AccordImplementation(Policy):
    """The level of implementation of the 2015 Algiers accord from a date.

    With several, the one that started last sets the level (of two that started in the same
    month, the higher level).

    Hooks: ``month``, ``set_param`` (accord_implementation).
    """

    policy_type = "accord_implementation"
    allow_multiple = True
    hooks = ("month", "set_param")
    sources = (
        f"{S001}: decentralisation, reforms and development 'slow to advance, at best'",
        "assumption: the junta ends the accord in January 2024",
    )

    controls: ClassVar[Mapping[str, str]] = {"accord_implementation": "level"}

    start: Month = setting(unit="month", description="Month the level takes effect.")
    level: float = setting(
        ge=0,
        le=1,
        unit="share",
        description="Level of implementation of the accord from start on (sets "
        "accord_implementation; 0 = the accord is over).",
    )

    def peer_key(self) -> Hashable:
        """All accord implementation levels of a model compose."""
        return self.policy_type

    def apply(self, model: PolicyHooks) -> None:
        """Set the implementation level from start on (the latest started of several)."""
        group = [p for p in self.peers() if isinstance(p, AccordImplementation)]
        active = [p for p in group if p.active_at(model.month)]
        if active:
            latest = max(active, key=lambda p: (p.required_month("start"), p.level))
            model.set_param("accord_implementation", latest.level)


@register_policy
class KidalOffensive(Policy):
    """A state offensive into the signatory groups' zones (Anefis, Kidal, 2023).

    Each month from ``start`` through ``end`` the state sends ``intensity`` of its offensive
    weight into the cells of ``regions`` (default Kidal): the signatories fight back and their
    accord adherence falls. Overlapping offensives add their regions; a cell ordered by two of
    them gets the higher intensity (the model keeps the strongest order per cell each month).

    Hooks: ``month``, ``launch_offensive``.
    """

    policy_type = "kidal_offensive"
    allow_multiple = True
    hooks = ("month", "launch_offensive")
    sources = (
        f"{S004}: 'govt and allied Russian paramilitary Wagner Group 7 Oct carried out strikes "
        "and took control of Anefis town'; 'could launch offensive in days or weeks'",
        f"{S002}: signatories fear the state 'will attempt to retake Kidal by force'",
    )

    start: Month = setting(unit="month", description="First month of the offensive.")
    end: Month = setting(unit="month", description="Last month of the offensive (inclusive).")
    intensity: float = setting(
        1.0,
        ge=0,
        le=1,
        unit="share of offensive weight",
        description="Share of the state's offensive weight sent into the regions each month.",
    )
    regions: list[str] = setting(
        unit="region names",
        default_factory=lambda: ["Kidal"],
        description="Regions whose cells the offensive targets.",
    )

    @model_validator(mode="after")
    def _check(self) -> KidalOffensive:
        check_ordered_months(self, "start", "end")
        check_known(self.regions, REGIONS, "region")
        return self

    def apply(self, model: PolicyHooks) -> None:
        """Order the offensive while in force."""
        if self.active_at(model.month):
            model.launch_offensive(self.regions, self.intensity)


@register_policy
class CampHandover(Policy):
    """MINUSMA hands its camps to the army: contested transfers in the signatories' zones (2023).

    Each month from ``start`` through ``end`` the state sends ``intensity`` of its offensive
    weight into the cells of the ``camps`` (MINUSMA's camps, :data:`malisim.model.initial.
    MINUSMA_BASES`) to take possession of them. Where signatory fighters hold the area they
    fight back (the battles of the clashes phase) and their accord adherence falls as under any
    ordered offensive; the camp's town changes hands only if the army overruns its defence
    (``garrison_overrun_ratio``, docs/ODD.md 7.6.7). Overlapping handovers add their camps; a
    cell ordered twice gets the higher intensity.

    Hooks: ``month``, ``launch_offensive_at``.
    """

    policy_type = "camp_handover"
    allow_multiple = True
    hooks = ("month", "launch_offensive_at")
    sources = (
        f"{cite('Abamako2023ber')}: the army took possession of the Ber camp on 13 August 2023; "
        "the CMA, whose fighters lived beside the peacekeepers, 'espérait récupérer le dit camp'",
        f"{S004}: MINUSMA 'mid-Oct started leaving Tessalit and Aguelhok camps'; Malian planes "
        "landing in Tessalit 'came under fire from CSP-affiliated' CMA",
    )

    start: Month = setting(unit="month", description="First month of the handover.")
    end: Month = setting(unit="month", description="Last month of the handover (inclusive).")
    camps: list[str] = setting(
        unit="camp names",
        description="MINUSMA camps handed over (names of the model's MINUSMA bases, e.g. Ber, "
        "Tessalit, Aguelhok, Kidal).",
    )
    intensity: float = setting(
        1.0,
        ge=0,
        le=1,
        unit="share of offensive weight",
        description="Share of the state's offensive weight sent to take the camps each month.",
    )

    @model_validator(mode="after")
    def _check(self) -> CampHandover:
        check_ordered_months(self, "start", "end")
        unknown = [c for c in self.camps if c not in MINUSMA_BASES]
        if unknown or not self.camps:
            raise ValueError(
                f"unknown or no camp(s) {unknown}; allowed: {', '.join(MINUSMA_BASES)}"
            )
        return self

    def apply(self, model: PolicyHooks) -> None:
        """Order the army into the camps while the handover is in force."""
        if self.active_at(model.month):
            points = [MINUSMA_BASES[c][:2] for c in self.camps]
            model.launch_offensive_at(points, self.intensity)


@register_policy
class MilitiaBacking(Policy):
    """State backing of the communal militias from a date, cut by a dissolution order.

    From ``start`` the state backs the militias at ``level``; from ``dissolution`` (the order of
    24 March 2019 dissolving Dan Na Ambassagou, the day after the Ogossagou massacre) backing
    falls by ``dissolution_cut``: the order was partial, the militia kept its arms and
    checkpoints. Without a dissolution date the level holds to the end of the run.

    Hooks: ``month``, ``set_param`` (militia_state_backing).
    """

    policy_type = "militia_backing"
    hooks = ("month", "set_param")
    sources = (
        f"{S001}: ethnic militias 'appear to enjoy state backing or tacit support'",
        f"{cite('PeoplesDaily2019dna')}: the government dissolved Dan Na Ambassagou on "
        "24 March 2019, the day after Ogossagou",
        f"{cite('PressAfrik2020dna')}: officially dissolved, the militia still held checkpoints "
        "a year later",
        "backing level and size of the cut: assumptions",
    )

    controls: ClassVar[Mapping[str, str]] = {"militia_state_backing": "level"}

    start: Month = setting(unit="month", description="First month of the backing.")
    level: float = setting(
        0.5,
        ge=0,
        le=1,
        unit="share",
        description="How far the state backs the communal militias (0: disowned, 1: armed).",
    )
    dissolution: Month | None = setting(
        None,
        unit="month",
        description="Month the state orders a militia dissolved (unset: no order).",
    )
    dissolution_cut: float = setting(
        0.5,
        ge=0,
        le=1,
        unit="share of the backing",
        description="Share of the backing withdrawn by the dissolution order (1: full "
        "disarmament; the 2019 order was partial, an assumption).",
    )

    @model_validator(mode="after")
    def _check(self) -> MilitiaBacking:
        check_ordered_months(self, "start", "dissolution")
        return self

    def apply(self, model: PolicyHooks) -> None:
        """Set the backing in force this month."""
        m = model.month
        if m < self.required_month("start"):
            return
        dissolved = self.month("dissolution")
        level = self.level
        if dissolved is not None and m >= dissolved:
            level *= 1.0 - self.dissolution_cut
        model.set_param("militia_state_backing", level)
