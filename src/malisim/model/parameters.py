"""The parameter schema: each model parameter with default, bounds, unit, description, source.

:class:`Parameters` is a pydantic model with one field per parameter. Each field is declared with
:func:`param`, which records the bounds (enforced on validation), the unit, a description and the
source: short citations of the bibliography (:mod:`malisim.core.sources`) or the word
"assumption". ``docs/parameters.md`` is generated from this schema by :func:`parameters_markdown`
(``python scripts/gen_docs.py``) and a test fails when the two drift apart.

Parameters are flat (unique snake_case names, grouped by a ``group`` tag) so that a model can be
built with ``MaliModel(seed=1, **overrides)``, as Mesa's SolaraViz does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from malisim.core.locate import KeyWording
from malisim.core.sources import ASSUMPTION, cite

# Short citations of the bibliography (malisim.core.sources), used by the sources below and by
# the policies' sources.
S000 = cite("CRS2022")
S001 = cite("CRS2020")
S002 = cite("ICG2023")
S003 = cite("Poster2025")
S004 = cite("ICG2023watch")
EPSTEIN = cite("Epstein2002")


def param(
    default: float,
    low: float,
    high: float,
    unit: str,
    description: str,
    source: str,
    group: str,
    fixed: bool = False,
) -> Any:
    """Declare a parameter field with bounds, unit, description, source and group.

    Args:
        default: Default value (must lie within the bounds).
        low: Lowest allowed value (inclusive).
        high: Highest allowed value (inclusive).
        unit: Unit of measurement ("people", "1/month", "share", ...).
        description: What the parameter does in the model.
        source: Where the value comes from: short citations (``malisim.core.sources.cite``)
            or "assumption" with what is assumed.
        group: The submodel the parameter belongs to (used to order the documentation).
        fixed: A modelling constant that is not meant to be varied (it is declared so that
            its value, unit and source are documented and sensitivity analyses may name it;
            docs/ODD.md section 8 lists these).

    Returns:
        A pydantic ``Field`` carrying the metadata.
    """
    if not low <= default <= high:
        raise ValueError(f"default {default} outside bounds [{low}, {high}] for {description!r}")
    return Field(
        default,
        ge=low,
        le=high,
        description=description,
        json_schema_extra={"unit": unit, "source": source, "group": group, "fixed": fixed},
    )


class Parameters(BaseModel):
    """All model parameters, validated against their bounds; unknown names are rejected."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @classmethod
    def located_wording(cls) -> KeyWording:
        """How errors in user files speak of parameters (see :mod:`malisim.core.locate`)."""
        return KeyWording(unknown="unknown parameter", list_keys=False)

    # --- civilians -------------------------------------------------------------------------
    n_civilian_agents: int = param(
        50_000, 1_000, 5_000_000, "agents",
        "Number of representative civilian agents; each stands for population / agents people.",
        ASSUMPTION, "civilians",
    )  # fmt: skip
    population_2022: float = param(
        22_000_000, 15_000_000, 30_000_000, "people",
        "National population in 2022; the grid's population is scaled to it and back-projected "
        "to the start date with the growth rate.",
        ASSUMPTION + " (national population of about 22 million in 2022)", "civilians",
    )  # fmt: skip
    population_growth: float = param(
        0.03, 0.0, 0.05, "1/year",
        "Natural population growth rate, applied monthly to every agent's weight.",
        f"{S000} ('high population growth'); value an assumption near UN estimates", "civilians",
    )  # fmt: skip
    activation_threshold: float = param(
        0.1, 0.0, 1.0, "grievance units",
        "Epstein's threshold T: a civilian turns active supporter when grievance - net risk > T.",
        EPSTEIN, "civilians",
    )  # fmt: skip
    arrest_k: float = param(
        2.3, 0.1, 10.0, "dimensionless",
        "Epstein's constant k in the estimated arrest/reprisal probability 1 - exp(-k * ratio).",
        EPSTEIN, "civilians",
    )  # fmt: skip
    vision_radius: int = param(
        2, 0, 6, "cells",
        "Epstein's vision: civilians weigh armed presence and active people within this many "
        "grid steps (2 steps: about 100-150 km).",
        f"{EPSTEIN} (vision); value an assumption", "civilians",
    )  # fmt: skip
    deterrence_scale: float = param(
        20.0, 0.1, 200.0, "actives per armed person",
        "How many active people one armed person of the family a civilian turns against (its "
        "enemy: the cell's authority, or whoever victimised it) deters: the enforcer ratio is "
        "scale * the enemy's armed presence / active people, both summed over the cells within "
        "vision (continuous, no rounding).",
        ASSUMPTION, "civilians",
    )  # fmt: skip
    hardship_mean: float = param(
        0.4, 0.05, 0.95, "share",
        "Mean baseline hardship of civilians (Beta-distributed across agents).",
        f"{S000} (one of the world's poorest countries); value an assumption", "civilians",
    )  # fmt: skip
    hardship_conflict_weight: float = param(
        0.009, 0.0, 0.15, "hardship per unit violence index",
        "Increase of hardship per unit of the cell's violence index (deaths per 100,000 people "
        "per month, combatants counting one sixth, smoothed).",
        f"{S000}, {S001} (conflict deepens hardship)", "civilians",
    )  # fmt: skip
    hardship_displaced: float = param(
        0.2, 0.0, 0.6, "hardship",
        "Additional hardship of displaced people and refugees.",
        f"{S001} (displacement and food insecurity); value an assumption", "civilians",
    )  # fmt: skip
    hardship_economy_weight: float = param(
        0.5, 0.0, 2.0, "hardship per unit GDP-index loss",
        "Increase of hardship when the GDP index falls below its trend (prices, lost income).",
        f"{S002} (financial pressure, inflation); value an assumption", "civilians",
    )  # fmt: skip
    victimisation_weight: float = param(
        0.6, 0.0, 2.0, "grievance per unit memory",
        "Grievance against an actor added per unit of remembered victimisation by that actor "
        "(the abuse -> recruitment loop).",
        f"{S001} ('a means of self-defense and retribution'), {S002} conclusion; Bennett 2008",
        "civilians",
    )  # fmt: skip
    memory_decay: float = param(
        0.95, 0.5, 1.0, "1/month",
        "Monthly retention of the memory of violence suffered (0.95: half-life ~14 months).",
        ASSUMPTION, "civilians",
    )  # fmt: skip
    victimisation_reach: float = param(
        150.0, 1.0, 500.0, "people per person killed",
        "People who count themselves victimised (kin, neighbours) per civilian killed in a cell.",
        ASSUMPTION, "civilians",
    )  # fmt: skip
    legitimacy_adjustment: float = param(
        0.1, 0.0, 1.0, "1/month",
        "Speed at which perceived legitimacy moves toward its local target each month.",
        ASSUMPTION, "civilians",
    )  # fmt: skip
    jihadist_governance_legitimacy: float = param(
        0.25, 0.0, 1.0, "legitimacy",
        "Legitimacy a jihadist group earns where it governs (justice, protection, taxation).",
        f"{S004} ('capitalise on local conflicts and the absence of the State')", "civilians",
    )  # fmt: skip
    presence_appeal: float = param(
        0.2, 0.0, 1.0, "legitimacy units",
        "Appeal a family gains, in an active civilian's choice of side, from holding the whole "
        "armed presence of the cell (scaled by its share of that presence): people side with "
        "whoever can protect them.",
        f"{S004} (jihadists exploit the absence of the State); value an assumption", "civilians",
    )  # fmt: skip
    join_rate: float = param(
        0.0003, 0.0, 0.05, "1/month",
        "Share of active supporters' people who join the supported armed group each month.",
        f"{S001} (abuses fuel recruitment); value an assumption", "civilians",
    )  # fmt: skip
    retribution_join_multiplier: float = param(
        8.0, 0.0, 200.0, "multiplier per unit memory",
        "How much more readily victims join the side fighting those who victimised them: the "
        "join rate is multiplied by 1 + this * remembered victimisation by the enemy.",
        f"{S001} ('a means of self-defense and retribution'); value an assumption", "civilians",
    )  # fmt: skip
    join_share_ceiling: float = param(
        0.05, 0.005, 0.5, "share per month",
        "Most of an agent's people who can join an armed group in one month: the monthly share "
        "joining is ceiling * (1 - exp(-pull / ceiling)), pull = join rate * (1 + "
        "retribution_join_multiplier * memory); close to the pull when it is small, never above "
        "the ceiling (bounded recruitment, issue 18).",
        ASSUMPTION + " (a household sends a bounded share of its people to fight each month)",
        "civilians",
    )  # fmt: skip
    manpower_share: float = param(
        0.05, 0.005, 0.25, "share of the people",
        "Share of the people (alive in Mali or abroad, plus those who already joined) that armed "
        "groups can ever recruit from the civilian population: recruitment slows as the people "
        "who joined approach it and stops there.",
        ASSUMPTION + " (only part of the fighting-age people can be drawn into armed groups)",
        "civilians",
    )  # fmt: skip
    initial_idps: float = param(
        110_000, 0, 400_000, "people",
        "Internally displaced people in January 2019 (late 2019: 201,000, 'roughly double the "
        "number from a year earlier').",
        S001, "displacement",
    )  # fmt: skip
    initial_refugees: float = param(
        138_000, 0, 400_000, "people",
        "Malian refugees abroad in January 2019 (late 2019: nearly 139,000).",
        S001, "displacement",
    )  # fmt: skip

    # --- displacement: flight, refuge, return (docs/ODD.md 7.1.7) --------------------------
    flight_threshold: float = param(
        3.3, 0.05, 200.0, "deaths per 100,000 people per month",
        "Perceived violence at which the monthly flight probability reaches half of flight_rate "
        "(perceived violence: the cell's violence index times flight_risk_offset + risk "
        "aversion); flight saturates smoothly above it, with no hard threshold.",
        f"{S001}, {S000} (violence displaces people); value an assumption", "displacement",
    )  # fmt: skip
    flight_rate: float = param(
        0.15, 0.0, 1.0, "1/month",
        "Highest monthly probability of flight, approached where perceived violence is far "
        "above flight_threshold.",
        ASSUMPTION + " (range 0.05-0.4: from a trickle to mass flight)", "displacement",
    )  # fmt: skip
    flight_radius: int = param(
        3, 1, 10, "cells",
        "How far (grid steps) a displaced person looks for a safer cell, and how near a border "
        "must be for flight abroad.",
        ASSUMPTION + " (range 1-10 steps, about 55-550 km)", "displacement",
    )  # fmt: skip
    refugee_share: float = param(
        0.35, 0.0, 1.0, "share",
        "Share of those fleeing from the north and centre within reach of the border of a "
        "country of refuge (Burkina Faso, Mauritania, Niger) who cross it as refugees.",
        f"{S001} (201,000 IDPs vs 139,000 refugees, late 2019); value an assumption",
        "displacement",
    )  # fmt: skip
    return_rate: float = param(
        0.08, 0.0, 1.0, "1/month",
        "Highest monthly probability that a displaced person (not of the protracted share) goes "
        "home: reached when home is safe, no more dangerous than where they are, and they have "
        "been away return_ramp_months or longer.",
        f"{cite('IOM2014returns')}, {cite('DTM2014aug')} (IDPs fell from 283,726 in October "
        "2013 to 101,279 in August 2014 as security improved: about 10% a month); range "
        "0.02-0.2", "displacement",
    )  # fmt: skip
    return_ramp_months: int = param(
        6, 1, 36, "months",
        "Months displaced over which the return probability rises linearly from zero to its "
        "full rate (people wait to see whether calm lasts, for the school or farming calendar).",
        ASSUMPTION + " (range 1-36; IOM's February 2013 intention survey: of families wishing "
        "to return, 23% meant to go that month, 32% later in the year, 40% undecided)",
        "displacement",
    )  # fmt: skip
    protracted_share: float = param(
        0.21, 0.0, 0.6, "share",
        "Share of the displaced and refugees who do not return within the run (they settle "
        "where they went), drawn once per agent.",
        f"{cite('DTM2014aug')} (21% of displaced households wish to settle where they are, 77% "
        "to go back); range 0.05-0.4", "displacement",
    )  # fmt: skip
    refugee_return_rate: float = param(
        0.01, 0.0, 0.2, "1/month",
        "Highest monthly probability that a refugee (not of the protracted share) goes home, "
        "reached when home is safe and after return_ramp_months abroad (camps abroad count as "
        "safe: return weighs home safety only).",
        f"{cite('UNHCRniger')} (in Abala camp fewer than 2,200 of 14,000 registered to go "
        f"home; lack of means holds returns back), {cite('UNHCR2020bf')}; value an assumption, "
        "range 0-0.05", "displacement",
    )  # fmt: skip
    destination_safety_weight: float = param(
        4.0, 0.0, 20.0, "utility per unit danger",
        "Weight of a destination's danger (0-1, the saturating flight response to its violence) "
        "in a displaced person's choice among the cells within reach.",
        f"{cite('IOM2014returns')} (security drives movement); value an assumption, range 0-10",
        "displacement",
    )  # fmt: skip
    destination_distance_weight: float = param(
        1.0, 0.0, 10.0, "utility per flight_radius",
        "Cost of distance in the choice of destination, per flight_radius grid steps.",
        ASSUMPTION + " (range 0-5)", "displacement",
    )  # fmt: skip
    destination_kin_weight: float = param(
        2.0, 0.0, 10.0, "utility per share",
        "Pull of kin: utility per unit share of the displaced person's community among the "
        "people of the destination region.",
        ASSUMPTION + " (range 0-5: people flee toward their own community)", "displacement",
    )  # fmt: skip
    destination_town_weight: float = param(
        1.0, 0.0, 10.0, "utility",
        "Pull of a cell holding a main town (services, aid, markets) in the choice of "
        "destination.",
        f"{cite('IOM2014returns')} (Bamako hosts the most IDPs); value an assumption, range 0-3",
        "displacement",
    )  # fmt: skip
    destination_capital_weight: float = param(
        1.0, 0.0, 10.0, "utility",
        "Extra pull of Bamako and the regional capitals (Mopti-Sévaré, Ségou, Gao, Timbuktu, "
        "Ménaka); the nearest of them within capital_reach is always among the candidates.",
        f"{cite('IOM2014returns')} (Bamako hosts the most IDPs); value an assumption, range 0-3",
        "displacement",
    )  # fmt: skip
    capital_reach: int = param(
        8, 0, 30, "cells",
        "Grid steps within which the nearest capital is a candidate destination of flight.",
        ASSUMPTION + " (range 0-15 steps; 8 steps is about 450 km, Mopti to Bamako)",
        "displacement",
    )  # fmt: skip
    threat_flight_rate: float = param(
        0.03, 0.0, 0.2, "1/month",
        "Monthly probability of flight from threats without deaths: where a jihadist group "
        "imposes its rule (its governance of the cell, 0-1), those who reject it (one minus their "
        "perceived legitimacy of the group) leave at this rate times governance times rejection "
        "(the ultimatum 'sign the accord or leave').",
        f"{cite('WADRkango')} (villagers of Kango told to sign an accord or leave), "
        f"{cite('MaliwebSegou')} (villages of Macina and Diabali empty 'face à la menace'); "
        "value an assumption, range 0-0.1 (0.03: about half of those who reject the rule leave "
        "within two years)", "displacement",
    )  # fmt: skip
    livelihood_flight_rate: float = param(
        0.05, 0.0, 0.5, "1/month per share of local activity lost",
        "Monthly probability of flight per unit share of the cell's own economic activity lost "
        "(sieges and blockades of towns: conflict.sieges, the cell's part of the economic loss "
        "civilians feel; the national loss does not displace): fields, pasture and markets out of "
        "reach.",
        f"{cite('RFI2021niono')} ('they forbade us to go to our plots'), "
        f"{cite('RFI2020farabougou')} (blockade: 'nothing comes out, nothing comes in'; "
        "families of the villages around seek refuge further away); value an assumption, "
        "range 0-0.2", "displacement",
    )  # fmt: skip
    herder_livelihood_factor: float = param(
        2.0, 1.0, 5.0, "multiplier",
        "How much more a herder's flight responds to lost local activity than a farmer's or a "
        "town dweller's: herds need pasture, water points and cattle markets that a blockade "
        "cuts off.",
        ASSUMPTION + " (range 1-4: herders lose pasture and markets, farmers their fields)",
        "displacement",
    )  # fmt: skip
    mobile_share: float = param(
        0.5, 0.05, 1.0, "share of the people",
        "Share of a cell's people who have the means to flee (transport, money, kin to go to): a "
        "resident's flight probability is multiplied by max(0, 1 - share of the cell's people "
        "away / this), so flight slows as a cell empties and stops when the mobile have gone.",
        f"{cite('IRIN2012trapped')} ('we cannot leave because there is no way out'; passengers "
        "pay 'US$80-$150 to leave town'); value an assumption, range 0.3-0.9", "displacement",
    )  # fmt: skip
    relief_return_rate: float = param(
        0.3, 0.0, 1.0, "1/month",
        "Monthly probability that a displaced person or refugee (not of the protracted share) "
        "goes home once violence at home has fallen below what made them flee, times the "
        "relief (one minus home danger now over home danger at departure); no waiting for "
        "return_ramp_months: "
        "short displacements end when the attack has passed.",
        f"{cite('DTM2022apr')} ('des déplacements de courte durée ont continué à être signalés'; "
        f"in Ségou IDPs fell about 37% in April 2022 with returns to secured localities), "
        f"{cite('DTM2021dec')} (IDPs 'travel back and forth between the place of travel and the "
        "place of origin'); value an assumption, range 0.05-0.6 (short displacements last "
        "weeks to a few months)", "displacement",
    )  # fmt: skip

    # --- displacement: fixed constants ------------------------------------------------------
    flight_risk_offset: float = param(
        0.5, 0.0, 2.0, "dimensionless",
        "Offset of the perceived violence: a civilian perceives the cell's violence index "
        "times (this + risk aversion).",
        ASSUMPTION, "displacement", fixed=True,
    )  # fmt: skip
    flight_response_steepness: float = param(
        4.0, 0.5, 8.0, "dimensionless (Hill exponent)",
        "Steepness of the saturating flight response: danger = x^h / (1 + x^h) with x the "
        "perceived violence over flight_threshold and h this; flight probability = flight_rate "
        "* danger.",
        ASSUMPTION + " (range 1-8: 1 is the gentlest rise, large values approach the former "
        "hard threshold; 4 keeps flight near the threshold calibrated on 2019-2021 figures "
        "while sparing the many cells of low violence)",
        "displacement", fixed=True,
    )  # fmt: skip
    flight_destination_candidates: int = param(
        4, 1, 20, "cells",
        "Random cells within flight_radius (drawn with replacement) among which a displaced "
        "person chooses (with the nearest capital within capital_reach); it moves only to a "
        "cell strictly less dangerous than where it is.",
        ASSUMPTION, "displacement", fixed=True,
    )  # fmt: skip

    # --- civilians: fixed constants (declared so that they are documented; not varied) ----
    hardship_concentration: float = param(
        4.0, 0.5, 100.0, "dimensionless (alpha + beta)",
        "Concentration of the Beta distribution of baseline hardship across agents: "
        "H0 ~ Beta(mean * this, (1 - mean) * this) with mean hardship_mean; larger is less "
        "dispersed.",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    legitimacy_noise_sd: float = param(
        0.1, 0.0, 0.5, "legitimacy",
        "Standard deviation of the normal noise added to each agent's initial perceived "
        "legitimacy of every family around its community's base (then clipped to [0, 1]).",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    state_legitimacy_without_service: float = param(
        0.7, 0.0, 1.0, "share of base legitimacy",
        "Share of its community base legitimacy that the state's legitimacy target keeps in a "
        "cell without state services: target = base * (this + state_legitimacy_service_share "
        "* service).",
        f"{S002} ('public services remain limited'); value an assumption", "civilians",
        fixed=True,
    )  # fmt: skip
    state_legitimacy_service_share: float = param(
        0.3, 0.0, 1.0, "share of base legitimacy per unit service",
        "Share of its community base legitimacy that the state's legitimacy target gains per "
        "unit of state services in the cell (services 1 where it controls the cell).",
        f"{S002} ('public services remain limited'); value an assumption", "civilians",
        fixed=True,
    )  # fmt: skip
    memory_increment: float = param(
        1.0, 0.1, 10.0, "memory units per victimisation",
        "Memory of violence added when a civilian is victimised by a family (at most one "
        "victimisation per agent and month); the unit in which victimisation_weight and "
        "retribution_join_multiplier are expressed.",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    retribution_memory_floor: float = param(
        0.01, 0.0, 1.0, "memory units",
        "Remembered victimisation (the largest over families) above which a civilian may turn "
        "against a family other than its cell's authority (a retribution enemy).",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    town_density_scale: float = param(
        2_000_000.0, 100_000.0, 20_000_000.0, "people per cell area",
        "Density (people of a cell over its share inside Mali) at which a cell's town share "
        "reaches 1 before capping; the initial livelihood is urban with the town share.",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    town_min_area_share: float = param(
        0.05, 0.01, 1.0, "share",
        "Floor of a cell's share inside Mali in its density for the town share (keeps sliver "
        "border cells from looking dense).",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    town_share_cap: float = param(
        0.95, 0.0, 1.0, "share",
        "Largest town share of a cell's people.",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    town_share_floor: float = param(
        0.2, 0.0, 1.0, "share",
        "Smallest town share of a cell holding a main town.",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip
    town_share_rural_factor: float = param(
        0.5, 0.0, 1.0, "multiplier",
        "Factor on the density-based town share of a cell without a main town.",
        ASSUMPTION, "civilians", fixed=True,
    )  # fmt: skip

    # --- territory: home areas, reach, corridors, garrison towns (issue 19) ------------------
    is_sahel_reach_km: float = param(
        100.0, 50.0, 200.0, "km",
        "Reach of Islamic State Sahel from its home areas (data/home_areas.csv): the pull of a "
        "cell on its fighters falls as exp(-distance / reach).",
        f"{cite('Reflectii2019')} ('almost 90% of the attacks occurred within a 100 km radius' "
        "of the Niger borders); range an assumption",
        "jihadists",
    )  # fmt: skip
    jnim_reach_km: float = param(
        250.0, 100.0, 500.0, "km",
        "Reach of JNIM from its home areas (data/home_areas.csv): the pull of a cell on its "
        "fighters falls as exp(-distance / reach).",
        ASSUMPTION + " (wider than IS Sahel's: its katibas operate across the centre and north, "
        f"{cite('ECFR2019katibas')}, {S002}; range 100-500 km)",
        "jihadists",
    )  # fmt: skip
    signatory_reach_km: float = param(
        100.0, 50.0, 300.0, "km",
        "Reach of the signatory groups from their home areas, for where their fighters start.",
        ASSUMPTION + f" (they hold their zones around Kidal and the far north, {S004}; range "
        "50-300 km)",
        "signatories",
    )  # fmt: skip
    home_pull_floor: float = param(
        0.05, 0.0, 0.5, "share",
        "Pull of a cell far beyond a group's reach, as a share of the pull at its home areas "
        "(groups still send small cells far from home).",
        ASSUMPTION + f" (range 0-0.5; {cite('SahelDispatch2023')}: cells, not 'groups of "
        "active fighters', far from the home areas)",
        "jihadists",
    )  # fmt: skip
    corridor_attraction: float = param(
        0.5, 0.0, 2.0, "share",
        "Extra pull on expanding jihadist fighters of a cell on a main road or the Niger river "
        "(attraction times 1 + this).",
        ASSUMPTION + f" (range 0-2; fighters move by motorbike along roads and on the river, "
        f"{cite('Jamestown2023')}: attacks on the river near Timbuktu)",
        "jihadists",
    )  # fmt: skip
    garrison_overrun_ratio: float = param(
        3.0, 1.5, 4.0, "ratio",
        "Ratio of an attacker's combat power over the holder's needed to take a town cell its "
        "holder defends with forces there (a defended town is kept otherwise).",
        f"{cite('Dupuy2019')} (a defender holds half the time against three times its strength); "
        f"range 1.5-4 an assumption; {S002} (Kati garrison attacked, not taken)",
        "combat",
    )  # fmt: skip

    garrison_threat_share: float = param(
        0.3, 0.0, 0.6, "share",
        "Share of the garrison troops sent to reinforce the state's towns in proportion to the "
        "hostile fighters in and around them (the rest by population).",
        ASSUMPTION + f" (range 0-0.6; the army flies troops to threatened bases, {S004}: planes "
        "landing in Tessalit to take control of the base)",
        "state",
    )  # fmt: skip
    presence_min_armed: float = param(
        20.0, 1.0, 50.0, "fighters",
        "Fighters an armed group needs in a cell to be present there for its people: civilians "
        "side with and join only the families present in their side cell "
        "(civilians.present_families; a trickle of fighters passing through is no presence, so "
        "a group recruits only where its units operate; the state is present wherever it has "
        "forces).",
        f"{S004} (militants 'have gone rural ... to secure safe havens and new recruits': they "
        f"recruit where they operate); {cite('LWJ2015tenenkou')} (about 20 gunmen on "
        "motorcycles attacked a Ténenkou checkpoint: the unit of a local operation); range "
        "1-50 an assumption",
        "civilians",
    )  # fmt: skip

    # --- state / junta ---------------------------------------------------------------------
    fama_troops: float = param(
        20_000, 5_000, 60_000, "troops",
        "Deployable FAMa strength in January 2019.",
        ASSUMPTION + " (FAMa ~40,000 personnel incl. gendarmerie; about half deployable)",
        "state",
    )  # fmt: skip
    fama_growth: float = param(
        0.06, 0.0, 0.3, "1/year",
        "Growth of FAMa strength per year while the budget allows (recruitment drives).",
        f"{S002} (the army mounts large-scale operations); value an assumption", "state",
    )  # fmt: skip
    fama_power: float = param(
        0.7, 0.1, 3.0, "combat power per troop",
        "Combat power of one FAMa soldier relative to one jihadist fighter.",
        ASSUMPTION, "state",
    )  # fmt: skip
    offensive_share: float = param(
        0.3, 0.0, 0.9, "share",
        "Share of FAMa strength on offensive operations (the rest garrisons towns); the "
        "military-first strategy of the junta.",
        f"{S002} ('essentially military response')", "state",
    )  # fmt: skip
    state_abuse_rate: float = param(
        1.5, 0.0, 10.0, "civilians killed per 1,000 troop-months",
        "One-sided violence by state forces on operations in contested or insurgent cells.",
        f"{S002} (535 civilians killed by security forces 2017-2020); value an assumption",
        "state",
    )  # fmt: skip
    impunity: float = param(
        1.0, 0.0, 3.0, "multiplier",
        "Multiplier on state-side abuse when abuses go unpunished.",
        f"{S000} (abuses attributed to the military and PMCs), {S002} (Moura not investigated)",
        "state",
    )  # fmt: skip
    state_revenue: float = param(
        100.0, 20.0, 300.0, "budget index per month",
        "Domestic revenue (gold, cotton, taxes) at GDP index 1; the unit is one month of 2019 "
        "security spending = 100.",
        f"{S000} (gold and cotton exports the backbone of the formal economy); assumption",
        "state",
    )  # fmt: skip
    aid_budget: float = param(
        30.0, 0.0, 100.0, "budget index per month",
        "Donor budget support and aid to the state at full donor engagement.",
        f"{S002} (EU budget support, World Bank, AfDB payments)", "state",
    )  # fmt: skip

    # --- politics (approval) ----------------------------------------------------------------
    approval_initial: float = param(
        0.55, 0.0, 1.0, "share",
        "Approval of the government in January 2019.",
        f"{S000} (opposition mounted over corruption, insecurity); value an assumption", "politics",
    )  # fmt: skip
    sovereignty_rally: float = param(
        0.25, 0.0, 0.6, "approval share",
        "Approval gained at once when the junta breaks with France / pivots to Russia (rally "
        "effect); it fades at rally_retention a month.",
        f"{S002} ('most of the population responded positively to the shift in alliances')",
        "politics",
    )  # fmt: skip
    approval_security_weight: float = param(
        0.1, 0.0, 1.0, "approval per unit relative violence trend",
        "Approval lost as civilian deaths of the last 3 months rise relative to the previous "
        "12 months' average (security results).",
        f"{S002} (support 'could swiftly crumble' absent security gains)", "politics",
    )  # fmt: skip
    approval_economy_weight: float = param(
        0.5, 0.0, 3.0, "approval per unit GDP-index loss",
        "Approval lost as the economy falls below its trend (financial pressure).",
        f"{S002} (financial pressure)", "politics",
    )  # fmt: skip
    approval_adjustment: float = param(
        0.15, 0.01, 1.0, "1/month",
        "Speed at which the fundamentals of approval (security, economy) move toward their "
        "target each month (rallies add at once).",
        ASSUMPTION, "politics",
    )  # fmt: skip
    sanctions_rally: float = param(
        0.1, 0.0, 0.4, "approval share",
        "Approval gained at once while foreign pressure (ECOWAS sanctions) is in force at full "
        "intensity (rally round the flag); it fades with pressure_rally_half_life after.",
        f"{S000} (popular support from the 'face-off with France and ECOWAS'), "
        f"{cite('AFP2022rally')} (mass rallies against the sanctions, 14 January 2022); value an "
        "assumption",
        "politics",
    )  # fmt: skip
    pressure_rally_half_life: float = param(
        6.0, 1.0, 60.0, "months",
        "Half-life of the sanctions rally once the pressure ends (a short-run effect).",
        f"{S002} (the support base 'likely to erode over time'); value an assumption",
        "politics",
    )  # fmt: skip
    foreign_pressure: float = param(
        0.0, 0.0, 1.0, "share",
        "Intensity of foreign political pressure the junta rallies against (set by the "
        "ecowas_sanctions policy while sanctions are in force; 0 = none).",
        S000, "politics",
    )  # fmt: skip

    # --- jihadist groups -------------------------------------------------------------------
    jnim_fighters: float = param(
        2_000, 500, 10_000, "fighters",
        "JNIM fighters in Mali in January 2019 (centre and north).",
        f"{S001}, {S003}; {cite('WaPo2020')} (a US report of February 2020: JNIM 'has as many "
        "as 2,000 fighters in West Africa', an upper bound for Mali, taken as the default); "
        "fitted by the calibration within 500-2,000", "jihadists",
    )  # fmt: skip
    is_sahel_fighters: float = param(
        600, 100, 5_000, "fighters",
        "Islamic State Sahel fighters in Mali in January 2019 (Ménaka-Gao, tri-border area).",
        f"{S001}, {S002}; number an assumption", "jihadists",
    )  # fmt: skip
    jihadist_power: float = param(
        1.0, 0.1, 3.0, "combat power per fighter",
        "Combat power of one jihadist fighter (the unit of combat power).",
        ASSUMPTION, "jihadists",
    )  # fmt: skip
    expansion_rate: float = param(
        0.06, 0.0, 0.5, "1/month",
        "Share of a group's fighters in a cell that moves into neighbouring cells where the "
        "state is weak each month.",
        f"{S004} (jihadists 'have gone rural'), {S001} (expansion into central Mali)",
        "jihadists",
    )  # fmt: skip
    jihadist_offensive_share: float = param(
        0.3, 0.0, 1.0, "share",
        "Share of a group's fighters in and next to a cell it can take that mass there for an "
        "offensive each month (raids on towns, bases and rival groups' zones).",
        f"{S002} (jihadists 'have continued to advance'; Islamic State Sahel's north-eastern "
        "expansion); value an assumption",
        "jihadists",
    )  # fmt: skip
    jihadist_offensive_cells: int = param(
        6, 0, 50, "cells per group per month",
        "Most cells each jihadist group masses fighters against in a month (the strongest "
        "opportunities: most people where the massed fighters would dominate).",
        ASSUMPTION, "jihadists",
    )  # fmt: skip
    jnim_abuse_rate: float = param(
        3.0, 0.0, 20.0, "civilians killed per 1,000 fighter-months",
        "One-sided violence by JNIM in cells where it is present.",
        f"{S000} (insurgents implicated in massacres); value an assumption", "jihadists",
    )  # fmt: skip
    is_sahel_abuse_rate: float = param(
        8.0, 0.0, 30.0, "civilians killed per 1,000 fighter-months",
        "One-sided violence by Islamic State Sahel in cells where it is present.",
        f"{S002} (IS Sahel's north-eastern expansion); value an assumption", "jihadists",
    )  # fmt: skip
    ied_rate: float = param(
        13.0, 2.0, 30.0, "IEDs per 1,000 fighter-months",
        "Remote violence (IEDs, mines) by jihadist groups against forces (FAMa, Wagner, France; "
        "MINUSMA where no state-side force is) in their cells, per 1,000 fighters in cells "
        "where those forces are.",
        f"{cite('APA2023')} (a MINUSMA report: 245 mine and IED attacks in Mali in 2021, 134 in "
        "2022; the value gives about 150 a year besides those on MINUSMA, "
        "conflict.attacks_on_minusma); range 2-30", "jihadists",
    )  # fmt: skip
    ied_lethality: float = param(
        0.5, 0.1, 3.0, "deaths per IED",
        "Mean deaths per IED (forces and civilians together).",
        f"{cite('APA2023')} (103 deaths in 245 attacks in 2021, 72 in 134 in 2022: 0.42-0.54); "
        "range 0.1-3", "jihadists",
    )  # fmt: skip
    ied_civilian_share: float = param(
        0.25, 0.0, 1.0, "share",
        "Share of IED deaths that are civilians (collateral).",
        f"{cite('APA2023')} (a quarter of the victims are civilians)", "jihadists",
    )  # fmt: skip
    jnim_is_hostility: float = param(
        1.0, 0.0, 1.0, "share",
        "How readily JNIM and IS Sahel fight each other where both are present, once their "
        "open war has begun (jnim_is_war_start).",
        ASSUMPTION + " (JNIM and IS Sahel fight each other where both are present)", "jihadists",
    )  # fmt: skip
    jnim_is_war_start: float = param(
        2020.0, 2015.0, 2030.0, "year",
        "When the open war between JNIM and IS Sahel begins (decimal year; 2020.0 is January "
        "2020); before it they fight at jnim_is_prewar_hostility.",
        f"{cite('Bolpagni2023')} (coexistence until mid-2019, open rivalry since 2020)",
        "jihadists",
    )  # fmt: skip
    jnim_is_prewar_hostility: float = param(
        0.1, 0.0, 1.0, "share",
        "How readily JNIM and IS Sahel fight each other before their open war (the 'Sahelian "
        "exception' of coexistence).",
        ASSUMPTION + f" (rare clashes during the coexistence, {cite('Bolpagni2023')})",
        "jihadists",
    )  # fmt: skip
    sanctuary_protection: float = param(
        0.5, 0.0, 1.0, "share",
        "Reduction of jihadist losses in cells bordering Niger and Burkina Faso (sanctuary).",
        f"{S004} (violent extremism 'spills into neighbouring countries'); "
        "assumption (a sanctuary in the tri-border Liptako-Gourma zone)", "jihadists",
    )  # fmt: skip
    cross_border_inflow: float = param(
        40.0, 0.0, 500.0, "fighters per month",
        "Jihadist fighters arriving each month from Niger and Burkina Faso into Mali's border "
        "cells with those countries (IS Sahel from Niger, JNIM from Burkina Faso).",
        f"{S001} (attacks escalate in the sub-region, 'increasingly targeting military outposts "
        "in border regions'); assumption (inflow from the Liptako-Gourma zone) and its value",
        "jihadists",
    )  # fmt: skip
    governance_rate: float = param(
        0.05, 0.0, 0.5, "1/month",
        "Monthly growth of a group's local governance (justice, taxation) where it controls.",
        S004, "jihadists",
    )  # fmt: skip
    blockade_shock: float = param(
        0.3, 0.0, 1.0, "share",
        "Loss of local economic activity in a town cell besieged by a jihadist group.",
        f"{S002} (attacks on posts near the capital); assumption (sieges of towns)", "jihadists",
    )  # fmt: skip
    dialogue_intensity: float = param(
        0.0, 0.0, 1.0, "share",
        "Intensity of dialogue with JNIM: local ceasefires cut JNIM-state fighting and JNIM "
        "recruitment by this share (0 = no dialogue).",
        f"{S002} (recommends dialogue with jihadists)", "jihadists",
    )  # fmt: skip

    # --- signatory groups ------------------------------------------------------------------
    cma_fighters: float = param(
        3_000, 500, 10_000, "fighters",
        "CMA fighters (Kidal and the north) in January 2019.",
        f"{S001} (signatory groups have not disarmed); number an assumption", "signatories",
    )  # fmt: skip
    platform_fighters: float = param(
        2_000, 300, 8_000, "fighters",
        "Platform fighters (Gao, Ménaka, Tombouctou) in January 2019.",
        f"{S001}; number an assumption", "signatories",
    )  # fmt: skip
    signatory_power: float = param(
        0.8, 0.1, 3.0, "combat power per fighter",
        "Combat power of one signatory fighter.",
        ASSUMPTION, "signatories",
    )  # fmt: skip
    accord_adherence_initial: float = param(
        0.7, 0.0, 1.0, "share",
        "Accord adherence of the signatory groups in January 2019 (0-1).",
        f"{S001} (accord 'not fully implemented'); value an assumption", "signatories",
    )  # fmt: skip
    accord_implementation: float = param(
        0.2, 0.0, 1.0, "share",
        "Level of accord implementation (decentralisation, integration, development).",
        f"{S001} (implementation 'slow to advance, at best')", "signatories",
    )  # fmt: skip
    adherence_offensive_drop: float = param(
        0.3, 0.0, 1.0, "adherence per month",
        "Adherence lost per month of state offensive into signatory zones (per unit intensity).",
        f"{S002} (fear of a forced retaking of Kidal), {S004}", "signatories",
    )  # fmt: skip
    adherence_mercenary_drop: float = param(
        0.01, 0.0, 0.2, "adherence per month per 1,000 mercenaries",
        "Adherence lost per month while foreign mercenaries operate with the state.",
        f"{S002} (CMA statement of 16 September 2021)", "signatories",
    )  # fmt: skip
    adherence_implementation_gain: float = param(
        0.03, 0.0, 0.2, "adherence per month",
        "Adherence gained per month at full accord implementation.",
        S001, "signatories",
    )  # fmt: skip
    accord_collapse_threshold: float = param(
        0.3, 0.0, 1.0, "share",
        "Adherence below which signatory groups fight the state (2023).",
        S004, "signatories",
    )  # fmt: skip
    collusion: float = param(
        0.3, 0.0, 1.0, "share",
        "Collusion of signatory groups with JNIM: share by which their mutual fighting is "
        "reduced.",
        f"{S001} (U.N. monitors report collusion)", "signatories",
    )  # fmt: skip
    signatory_abuse_rate: float = param(
        0.5, 0.0, 10.0, "civilians killed per 1,000 fighter-months",
        "One-sided violence by signatory groups (ethnic violence).",
        f"{S000} (signatory groups implicated in ethnic violence); value an assumption",
        "signatories",
    )  # fmt: skip

    # --- foreign partners ------------------------------------------------------------------
    france_troops: float = param(
        2_500, 0, 5_100, "troops",
        "French Barkhane troops in Mali.",
        f"{S000} (over 2,000 in early 2022), {S002} (4,500 regionally)", "foreign",
    )  # fmt: skip
    france_regional_troops: float = param(
        0, 0, 5_100, "troops",
        "French troops based in neighbouring countries that still strike into Mali (a residual "
        "regional force after a withdrawal).",
        f"{S000} (some 'expected to relocate to neighboring countries')", "foreign",
    )  # fmt: skip
    france_strike_rate: float = param(
        12.0, 0.0, 50.0, "fighters removed per 1,000 troops per month",
        "Jihadist fighters and leaders removed by French strikes and raids.",
        f"{S001} ('French strikes against top leaders'); value an assumption", "foreign",
    )  # fmt: skip
    air_support: float = param(
        0.5, 0.0, 3.0, "multiplier increase",
        "Increase of partner forces' effectiveness per unit of French air support, "
        "intelligence and medical evacuation.",
        f"{S000}, {S002} (Barkhane flights supported MINUSMA)", "foreign",
    )  # fmt: skip
    air_deterrence: float = param(
        0.8, 0.0, 1.0, "share",
        "Share of jihadist massing that French air support and surveillance prevent within "
        "their reach (massed fighters are exposed to strikes); scaled by the French air level.",
        f"{S000}, {S002} (the withdrawal removes air support and intelligence); value an "
        "assumption",
        "foreign",
    )  # fmt: skip
    strike_collateral: float = param(
        0.05, 0.0, 1.0, "civilians per fighter removed",
        "Civilians killed per jihadist fighter removed by air and drone strikes.",
        ASSUMPTION, "foreign",
    )  # fmt: skip
    eu_training: float = param(
        1.0, 0.0, 1.0, "share",
        "EU training mission engagement (EUTM); raises FAMa effectiveness over time.",
        f"{S001} (EU multi-year training programme), {S002}", "foreign",
    )  # fmt: skip
    eu_training_gain: float = param(
        0.03, 0.0, 0.2, "effectiveness per year",
        "Yearly gain of FAMa effectiveness at full EU training engagement.",
        ASSUMPTION, "foreign",
    )  # fmt: skip
    minusma_troops: float = param(
        13_000, 0, 15_209, "peacekeepers",
        "MINUSMA uniformed personnel deployed (authorised 15,209).",
        S001, "foreign",
    )  # fmt: skip
    minusma_protection: float = param(
        0.5, 0.0, 1.0, "share",
        "Reduction of one-sided violence against civilians in cells with peacekeepers "
        "(at full mobility).",
        "assumption after Hultman, Kathman & Shannon 2013", "foreign",
    )  # fmt: skip
    minusma_mobility: float = param(
        1.0, 0.0, 1.0, "share",
        "Share of MINUSMA's reach left by movement restrictions (1 = unrestricted).",
        f"{S000}, {S002} (junta restricts MINUSMA access and flights)", "foreign",
    )  # fmt: skip
    minusma_power: float = param(
        0.3, 0.0, 2.0, "combat power per peacekeeper",
        "Defensive combat power of one peacekeeper when attacked.",
        ASSUMPTION, "foreign",
    )  # fmt: skip
    wagner_personnel: float = param(
        0, 0, 5_000, "personnel",
        "Wagner / Africa Corps personnel operating with FAMa (0 in January 2019).",
        f"{S002} (over 1,000 personnel), {S003}", "foreign",
    )  # fmt: skip
    wagner_power: float = param(
        2.0, 0.5, 5.0, "combat power per person",
        "Combat power of one Wagner fighter, air assets included.",
        f"{S002} (helicopters, direct support in ground combat); value an assumption", "foreign",
    )  # fmt: skip
    wagner_abuse_multiplier: float = param(
        4.0, 1.0, 20.0, "multiplier",
        "Abuse rate of Wagner relative to FAMa (and of FAMa units operating jointly).",
        f"{S002} (Moura), {S004} (Wagner abuses)", "foreign",
    )  # fmt: skip
    massacre_rate: float = param(
        0.08, 0.0, 1.0, "1/month per cell of operation",
        "Monthly probability of a large killing of civilians in a cell where the state's forces "
        "conduct an offensive against jihadists present, per unit of the operation's abuse "
        "factor (impunity, times wagner_abuse_multiplier where Wagner takes part): about nine "
        "major incidents in the first 3.5 months of 2022, with Wagner on FAMa's offensives in "
        "eight cells (offensive_cells) and a multiplier of 4, give 9 / 3.5 / 8 / 4 = 0.08.",
        f"{cite('TF1info2022')} (ACLED: nine major incidents involving the army and Wagner, "
        "January to mid-April 2022)", "foreign",
    )  # fmt: skip
    massacre_min_size: float = param(
        5.0, 1.0, 50.0, "civilians",
        "Smallest civilian toll of a large killing in an operation, per unit of the operation's "
        "abuse factor (the scale of the Pareto distribution of its size).",
        ASSUMPTION + " (mean toll 3 * 5 * 4 = 60 with Wagner, against more than 450 civilians in "
        "nine incidents, TF1info2022)", "foreign",
    )  # fmt: skip
    massacre_tail: float = param(
        1.5, 1.1, 3.0, "Pareto exponent",
        "Tail exponent of the size of large killings in operations: P(toll > x) = (scale / "
        "x)^tail; small values make Moura-scale events (hundreds killed) likelier.",
        ASSUMPTION + f" (heavy-tailed event sizes; {cite('AfricaReport2023')}: at least 500 "
        "killed in Moura)", "foreign",
    )  # fmt: skip
    massacre_max_size: float = param(
        1000.0, 50.0, 5000.0, "civilians",
        "Largest civilian toll of one large killing in an operation (the Pareto toll is cut "
        "there): twice Moura's.",
        ASSUMPTION + f" ({cite('AfricaReport2023')}: at least 500 killed in Moura, the largest "
        "documented)", "foreign",
    )  # fmt: skip
    wagner_monthly_cost: float = param(
        0.01, 0.0, 0.05, "budget index per person per month",
        "Cost of one Wagner person per month to the junta's budget.",
        f"{S003} (financial motivations); value an assumption", "foreign",
    )  # fmt: skip
    ecowas_sanctions: float = param(
        0.0, 0.0, 1.0, "share",
        "Intensity of ECOWAS economic sanctions (border closure, frozen assets); 0 = none.",
        S000, "foreign",
    )  # fmt: skip
    sanctions_gdp_shock: float = param(
        0.034, 0.0, 0.3, "GDP index share",
        "Output disrupted at full sanctions intensity (trade), before leakage; essentials were "
        "exempted. The default makes the six months of 2022 cost about two points of 2022 "
        "growth with the disruption half-life and the default leakage.",
        f"{cite('RFI2022')} (the six months of sanctions cost about two points of growth), "
        f"{S000} (essential goods exempted)",
        "foreign",
    )  # fmt: skip
    sanctions_leakage: float = param(
        0.3, 0.0, 1.0, "share",
        "Share of the trade shock avoided through Guinea and Mauritania.",
        S000, "foreign",
    )  # fmt: skip
    donor_engagement: float = param(
        1.0, 0.0, 1.0, "share",
        "Share of donor budget support and aid flowing (1 = full engagement).",
        S002, "foreign",
    )  # fmt: skip

    # --- communal militias (issue 18) -------------------------------------------------
    militia_memory_decay: float = param(
        0.3, 0.05, 0.8, "share per month",
        "Share of a community's memory of attacks suffered that fades each month "
        "(militias.attack_memory).",
        ASSUMPTION + " (grievances over a massacre drive mobilisation for a few months; 0.05-0.8)",
        "combat",
    )  # fmt: skip
    militia_base_mobilisation: float = param(
        0.1, 0.0, 0.5, "share of the pool",
        "Share of a community's fighting-age pool its militia keeps under arms without grievance, "
        "attacks or state backing (militias.mobilisation_target).",
        ASSUMPTION + " (self-defence groups keep a small standing core; 0-0.5)",
        "combat",
    )  # fmt: skip
    militia_grievance_weight: float = param(
        1.0, 0.0, 5.0, "per unit grievance",
        "Rise of the militia's mobilisation target per unit of mean communal grievance "
        "(militias.mobilisation_target).",
        ASSUMPTION + " (communal grievance drives self-defence mobilisation; 0-5)",
        "combat",
    )  # fmt: skip
    militia_attack_weight: float = param(
        0.5, 0.0, 5.0, "per remembered attack",
        "Rise of the militia's mobilisation target per remembered attack on its community "
        "(militias.mobilisation_target; reprisal cycles).",
        ASSUMPTION + " (attacks on a community raise its militia's mobilisation; 0-5)",
        "combat",
    )  # fmt: skip
    militia_backing_boost: float = param(
        1.0, 0.0, 4.0, "per unit backing",
        "Rise of the militia's mobilisation target at full state backing "
        "(militias.mobilisation_target).",
        ASSUMPTION + " (tolerated or armed militias grow; 0-4)",
        "combat",
    )  # fmt: skip
    militia_state_backing: float = param(
        0.0, 0.0, 1.0, "share (0 disowned, 1 armed)",
        "State backing of the communal militias (0: disowned, 1: armed and directed); set by the "
        "militia_backing policy (militias.mobilisation_target).",
        ASSUMPTION + " (CRS2020: militias 'appear to enjoy state backing or tacit support'; 0-1)",
        "combat",
    )  # fmt: skip
    militia_adjust_rate: float = param(
        0.2, 0.01, 1.0, "share per month",
        "Share of the gap between a militia's fighters and its target closed each month "
        "(militias.mobilise).",
        ASSUMPTION + " (mobilisation takes a few months; 0.01-1)",
        "combat",
    )  # fmt: skip
    militia_reach_km: float = param(
        40.0, 10.0, 150.0, "km",
        "Reach of a communal militia around its home areas: the pull on its mobilisation target "
        "is exp(-d / reach) at distance d, with no floor (militias.Militias.reach).",
        ASSUMPTION + " (self-defence groups hold their villages and their cercle; "
        f"{cite('HRW2020central')}: Mopti region the epicentre; 10-150 km)",
        "combat",
    )  # fmt: skip
    militia_power: float = param(
        0.5, 0.1, 1.0, "combat power per fighter",
        "Combat power of a militia fighter (hunting rifles and some automatic weapons) "
        "(militias.militia_clashes).",
        ASSUMPTION + " (less than a jihadist fighter's; 0.1-1)",
        "combat",
    )  # fmt: skip
    militia_jihadist_hostility: float = param(
        0.5, 0.0, 1.0, "share",
        "How readily a militia and jihadists present in the same cell fight (multiplies "
        "clash_probability; militias.militia_clashes).",
        S004 + " (JNIM ambushed a joint convoy of army, Dan Na Ambassagou militiamen and Wagner); "
        "value an assumption (0-1)",
        "combat",
    )  # fmt: skip
    militia_attack_rate: float = param(
        20.0, 0.0, 60.0, "attacks/month per 1,000 fighters",
        "Attacks of a communal militia on the community it holds responsible, per 1,000 fighters "
        "in a cell of that community only (scaled by its share of the people and MINUSMA's "
        "shield; militias.communal_attacks). OHCHR counted 99 incidents of communal violence in "
        "about six months of 2018, some 16 a month; the default gives about that many with the "
        "militias' initial strength.",
        cite("defenceWeb2018militia") + " (at least 289 civilians killed in 99 incidents, "
        "January to early July 2018); rate per fighter an assumption (0-60)",
        "combat",
    )  # fmt: skip
    militia_massacre_scale: float = param(
        1.0, 1.0, 20.0, "civilians",
        "Smallest toll of a militia attack on a community (the scale of the Pareto law of "
        "massacre_tail, cut at massacre_max_size; militias.communal_attacks): a mean of about "
        "three killed per attack at the default tail.",
        cite("defenceWeb2018militia") + " (289 killed in 99 incidents: 2.9 per incident); "
        f"{cite('HRW2020central')} (Ogossagou, over 150 killed, the tail)",
        "combat",
    )  # fmt: skip

    # --- what the communal conflict inherits from 2018, local truces (issue 20) -------------
    militia_prior_hit_share: float = param(
        0.5, 0.0, 1.0, "share of the home area",
        "Share of a communal militia's home area where its community suffered attacks in a month "
        "of 2018: each community's memory of attacks starts at the steady state of "
        "attack_memory under such a month (communal_peace.inherited_memory; 0 starts the "
        "reprisal cycle cold).",
        cite("defenceWeb2018militia") + " (at least 289 civilians killed in 99 incidents of "
        "communal violence in the first half of 2018, some 16 a month, more than 75% in Mopti); "
        f"{cite('BSS2018koumaga')} (Koumaga, June 2018); the share of the home area hit a month "
        "an assumption (0-1)",
        "combat",
    )  # fmt: skip
    truce_compliance: float = param(
        0.5, 0.0, 1.0, "share of the fighters",
        "Share of a militia's fighters who stand down where a local truce covering it holds: "
        "they neither attack communities nor fight the jihadists (communal_peace.truce_bound; "
        "the local_truce policy says where and from when).",
        f"{cite('HD2021koro')} (Koro's Fulani and Dogon reopen the market within days; the 2018 "
        f"agreement brought calm before the conflict caught up); {cite('RFI2021nionotruce')} (the "
        "Niono ceasefire 'immediately followed by effects'); the share an assumption (0-1)",
        "combat",
    )  # fmt: skip
    truce_radius_km: float = param(
        40.0, 10.0, 100.0, "km",
        "Extent of the area a local truce covers around each place it names (a cercle's seat): "
        "cells within this distance, and the cell holding the place "
        "(communal_peace.truce_mask).",
        ASSUMPTION + " (a cercle of central Mali, e.g. Koro's 11 of 16 communes, spans some "
        "50-100 km; 10-100 km)",
        "combat",
    )  # fmt: skip

    # --- who the record names for a communal killing (issue 20, model/attribution.py) -------
    katiba_attribution: float = param(
        1.0, 0.0, 1.0, "share",
        "Weight of JNIM's share of the Fulani side's armed men in a cell (jnim / (jnim + "
        "Fulani militia fighters), JNIM present) with which an attack of the Fulani militia on "
        "Dogon or Bambara civilians is recorded as JNIM's (perpetrator family jihadist; "
        "attribution.record_reprisals): the same killing, the same victims and blame, another "
        "name in the record; 0 records every such attack as the militia's.",
        f"{cite('Newswire2019sobaneda')} (Sobane Da: 'suspected terrorists' for the government, "
        f"Fulanis for the mayor of Bankass); {cite('JdC2019icgsobane')} (not the jihadists' "
        f"modus operandi, for a Crisis Group analyst); {cite('ACLED2022dna')} (coded on reports "
        f"that often do not name the group); {cite('AFP2022minusma2021')} (MINUSMA counts "
        "radical Islamist groups apart from community self-defence groups); the weight an "
        "assumption (0-1: 1 when recorders name the side's armed men in proportion to who they "
        "are, 0 when they never name JNIM)",
        "combat",
    )  # fmt: skip

    # --- attacks on MINUSMA (conflict.attacks_on_minusma) --------------------------------
    minusma_attack_rate: float = param(
        7.5, 3.0, 15.0, "attacks/month",
        "Jihadist attacks on MINUSMA (IEDs, indirect fire on camps, convoy ambushes) per month "
        "nationwide at full deployment (minusma_troops), spread over the cells where "
        "peacekeepers and jihadists are both present in proportion to troops x the jihadists' "
        "share of the power; scales with the peacekeepers deployed.",
        f"{cite('NewsGhana2021')} (31 attacks on MINUSMA in June-August 2021, 14 in the "
        "previous three months: about 5-10 a month; range 3-15)", "foreign",
    )  # fmt: skip
    minusma_attack_lethality: float = param(
        0.2, 0.05, 0.5, "peacekeepers killed per attack",
        "Mean peacekeepers killed per jihadist attack on MINUSMA (Poisson).",
        f"{cite('NewsGhana2021')} (4 killed in 31 attacks, 0.13), {cite('UNSU2022')} (19 "
        "killed in 2021 over roughly 90 attacks, 0.2); range 0.05-0.5", "foreign",
    )  # fmt: skip
    minusma_attack_ied_share: float = param(
        0.5, 0.0, 1.0, "share",
        "Share of the attacks on MINUSMA that are IEDs or mines (logged as Remote "
        "explosive/landmine/IED; the rest as armed clashes: ambushes and assaults on camps).",
        f"{cite('PassBlue2021')} (half of MINUSMA's 2021 deaths from IEDs)", "foreign",
    )  # fmt: skip

    # --- combat ----------------------------------------------------------------------------
    france_power: float = param(
        3.0, 0.5, 10.0, "combat power per soldier",
        "Combat power of one French soldier where Barkhane is based.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    state_air_strike_rate: float = param(
        2.0, 0.0, 20.0, "strikes per 1,000 Wagner personnel per month",
        "Air and helicopter strikes by FAMa with Wagner's air assets.",
        f"{S002} (helicopters delivered by Russia); value an assumption", "combat",
    )  # fmt: skip
    violence_dispersion: float = param(
        0.3, 0.05, 10.0, "gamma shape",
        "Shape of the gamma mixing of one-sided violence (small = heavy-tailed massacres).",
        f"{S002} (Moura: hundreds killed in one event); value an assumption", "combat",
    )  # fmt: skip
    desertion_rate: float = param(
        0.01, 0.0, 0.1, "1/month",
        "Share of non-state fighters who leave their group each month.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    violence_memory: float = param(
        0.6, 0.0, 0.95, "1/month",
        "Weight of last month's violence index in this month's (exponential smoothing); the "
        "index counts deaths per 100,000 people per month, combatants one sixth.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    clash_lethality: float = param(
        0.02, 0.001, 0.2, "1/month",
        "Share of the weaker side's engaged force lost per clash at equal strength.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    clash_probability: float = param(
        0.5, 0.0, 1.0, "1/month",
        "Probability that hostile forces present in the same cell clash in a month.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    desert_mobility: float = param(
        1.3, 1.0, 3.0, "multiplier",
        "Advantage of mobile insurgents over state forces in Saharan cells (terrain).",
        ASSUMPTION, "combat",
    )  # fmt: skip
    battle_civilian_share: float = param(
        0.1, 0.0, 1.0, "civilians per combatant killed",
        "Civilians killed in crossfire per combatant killed in battles in populated cells.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    control_dominance: float = param(
        1.5, 1.0, 5.0, "ratio",
        "Ratio of combat power over the next actor needed to control a cell.",
        ASSUMPTION, "combat",
    )  # fmt: skip
    min_presence: float = param(
        5.0, 0.0, 100.0, "combat power",
        "Combat power below which an actor has no presence in a cell.",
        ASSUMPTION, "combat",
    )  # fmt: skip

    administration_power: float = param(
        1.0, 0.0, 5.0, "combat power per 1,000 people",
        "Weight of the state's administration (prefects, gendarmes, services) in holding a cell it "
        "administers, per 1,000 inhabitants; lost when another family takes the cell.",
        f"{S000} ('State officials remain absent from much of the north and center'); value an "
        "assumption", "combat",
    )  # fmt: skip
    control_per_capita: float = param(
        0.5, 0.0, 10.0, "combat power per 1,000 people",
        "Combat power per 1,000 inhabitants needed, on top of min_presence, to control a cell.",
        ASSUMPTION, "combat",
    )  # fmt: skip

    # --- economy and humanitarian ------------------------------------------------------------
    gdp_trend_growth: float = param(
        0.05, -0.05, 0.1, "1/year",
        "Trend GDP growth without shocks (Mali's pre-2020 growth was about 5%).",
        ASSUMPTION + f" ({S000} gives -1% 2020, +3% 2021)", "economy",
    )  # fmt: skip
    conflict_damage_rate: float = param(
        0.02, 0.0, 0.2, "GDP share per year per unit violence index",
        "Output destroyed per year of violence per unit of the national (population-weighted) "
        "violence index; the damage accumulates and is repaired with conflict_recovery_half_life "
        "(at index 1, about 2,600 deaths a month nationally counted as the index counts them, "
        "growth is two points lower).",
        f"{cite('Hoeffler2003')} (a civil war lowers annual growth by over two points); the "
        "mapping to the violence index an assumption",
        "economy",
    )  # fmt: skip
    conflict_recovery_half_life: float = param(
        36.0, 6.0, 120.0, "months",
        "Months in which half of the accumulated conflict damage is repaired.",
        f"{cite('Hoeffler2003')} (recovery after a war is not automatic); value an assumption",
        "economy",
    )  # fmt: skip
    disruption_half_life: float = param(
        6.0, 1.0, 24.0, "months",
        "Half-life of a disruption (COVID-19, sanctions, aid cut, blockade, displacement) after "
        "it ends; 6 months leaves about half of the 2020 COVID-19 shock felt over 2021.",
        f"{cite('RFI2022')} (lifting the sanctions relieves the economy quickly), {S000} (IMF: "
        "-1% in 2020, +3% in 2021); value an assumption",
        "economy",
    )  # fmt: skip
    displacement_output_loss: float = param(
        0.5, 0.0, 1.0, "share",
        "Share of a displaced person's or refugee's output lost to Mali's economy.",
        f"{S001} (displacement and food insecurity); value an assumption", "economy",
    )  # fmt: skip
    covid_shock: float = param(
        0.06, 0.0, 0.2, "GDP share",
        "GDP lost in 2020 to the COVID-19 pandemic (recovered over 2021).",
        f"{S000} ('The COVID-19 pandemic has compounded hardships')", "economy",
    )  # fmt: skip
    aid_gdp_share: float = param(
        0.03, 0.0, 0.2, "GDP share",
        "Share of GDP that depends on aid flows (lost when donors disengage).",
        f"{S002} (aid suspensions force cuts)", "economy",
    )  # fmt: skip
    need_base: float = param(
        0.14, 0.0, 0.6, "share of population",
        "Share of the population in need of humanitarian assistance without conflict or shocks.",
        ASSUMPTION + " (about 3.2 million in need in 2019, UN appeal)", "economy",
    )  # fmt: skip
    need_conflict_weight: float = param(
        0.009, 0.0, 0.15, "share per unit violence index",
        "Extra share of a cell in need per unit of its violence index.",
        f"{S000} (conflict-affected areas in crisis-level food insecurity)", "economy",
    )  # fmt: skip
    need_economy_weight: float = param(
        1.5, 0.0, 5.0, "share per unit GDP-index loss",
        "Extra share in need per unit of GDP-index loss against trend (prices, income).",
        f"{S000} (food and fuel price spikes)", "economy",
    )  # fmt: skip
    need_displaced: float = param(
        0.8, 0.0, 1.0, "share",
        "Share of displaced people who are in need.",
        S000, "economy",
    )  # fmt: skip
    sahel_food_insecurity: float = param(
        0.1, 0.0, 0.5, "share of population",
        "Extra share in need in Sahelian and Saharan cells (drought, pastoral stress).",
        f"{S000} (one of the world's highest rates of acute malnutrition)", "economy",
    )  # fmt: skip

    # --- modelling constants (fixed) ---------------------------------------------------------
    # Constants of the rules in mali_model.py, conflict.py, actors.py and economy.py, declared
    # so that their value, unit and source are documented (docs/ODD.md section 8) and a
    # sensitivity analysis may name them; they are not meant to be varied.
    population_reference_year: float = param(
        2022.5, 2015.0, 2030.0, "year",
        "Date population_2022 refers to (mid-2022); the start population is back-projected from "
        "it with population_growth.",
        "assumption (the date of population_2022, about 22 million in 2022)", "civilians",
        fixed=True,
    )  # fmt: skip
    violence_combatant_divisor: float = param(
        6.0, 1.0, 100.0, "combatant deaths per death counted",
        "Combatant deaths count in the violence index as one death per this many (civilian "
        "deaths count fully).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    violence_index_unit: float = param(
        100_000.0, 1_000.0, 1_000_000.0, "people",
        "The violence index counts deaths per month per this many people present.",
        ASSUMPTION + " (the usual per-100,000 rate)", "combat", fixed=True,
    )  # fmt: skip
    violence_population_floor: float = param(
        5_000.0, 1.0, 100_000.0, "people",
        "People a cell counts at least when its violence index is computed (so that a death in "
        "a nearly empty cell does not make an extreme rate).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    service_state_held: float = param(
        1.0, 0.0, 1.0, "service level",
        "Level of state services civilians see in cells the state controls (legitimacy target).",
        ASSUMPTION, "state", fixed=True,
    )  # fmt: skip
    service_contested: float = param(
        0.5, 0.0, 1.0, "service level",
        "Level of state services civilians see in contested cells.",
        ASSUMPTION, "state", fixed=True,
    )  # fmt: skip
    service_elsewhere: float = param(
        0.2, 0.0, 1.0, "service level",
        "Level of state services civilians see in cells another family controls.",
        ASSUMPTION, "state", fixed=True,
    )  # fmt: skip
    service_deficit_factor: float = param(
        0.8, 0.0, 1.0, "multiplier",
        "Factor on every state service level while the budget is in deficit.",
        f"{S002} (aid suspensions force the state to cut operating expenses); value an "
        "assumption", "state", fixed=True,
    )  # fmt: skip
    garrison_population_exponent: float = param(
        0.75, 0.0, 2.0, "exponent",
        "FAMa garrisons are spread over town cells in proportion to (population + 1) to this "
        "power (less than proportional: larger towns need fewer soldiers per person).",
        ASSUMPTION, "state", fixed=True,
    )  # fmt: skip
    offensive_cells: int = param(
        8, 1, 100, "cells",
        "Cells the state's offensive operations concentrate on each month (the strongest "
        "jihadist concentrations next to state-held cells).",
        ASSUMPTION, "state", fixed=True,
    )  # fmt: skip
    ordered_offensive_weight: float = param(
        50.0, 0.0, 1_000.0, "weight per signatory fighter",
        "Offensive weight of a cell that a policy ordered, per (signatory fighter + 1) there "
        "and unit intensity, against the jihadist fighters that draw the other offensives.",
        ASSUMPTION, "state", fixed=True,
    )  # fmt: skip
    rally_retention: float = param(
        0.995, 0.9, 1.0, "1/month",
        "Share of the sovereignty rally (approval) kept each month.",
        ASSUMPTION, "politics", fixed=True,
    )  # fmt: skip
    approval_recent_months: int = param(
        3, 1, 12, "months",
        "Months of civilian deaths whose mean approval compares with the months before.",
        ASSUMPTION, "politics", fixed=True,
    )  # fmt: skip
    approval_reference_months: int = param(
        12, 1, 36, "months",
        "Months before the recent ones whose mean civilian deaths are the reference of the "
        "security trend.",
        ASSUMPTION, "politics", fixed=True,
    )  # fmt: skip
    approval_trend_offset: float = param(
        50.0, 0.0, 1_000.0, "civilian deaths per month",
        "Added to the reference deaths in the relative security trend (damps swings when "
        "deaths are few).",
        ASSUMPTION, "politics", fixed=True,
    )  # fmt: skip
    expansion_base_attraction: float = param(
        0.02, 0.0, 1.0, "attraction",
        "Attraction of any cell to expanding jihadist fighters, before support and violence.",
        ASSUMPTION, "jihadists", fixed=True,
    )  # fmt: skip
    expansion_conflict_attraction: float = param(
        0.05, 0.0, 1.0, "attraction",
        "Attraction added by local conflict (violence index over the flight threshold, capped "
        "at 1) to expanding jihadist fighters.",
        f"{S004} (capitalise on local conflicts); value an assumption", "jihadists", fixed=True,
    )  # fmt: skip
    expansion_state_power_scale: float = param(
        50.0, 1.0, 1_000.0, "combat power",
        "State combat power at which a cell's attraction to expanding fighters halves "
        "(attraction / (1 + (power / scale) ** 2)).",
        ASSUMPTION, "jihadists", fixed=True,
    )  # fmt: skip
    governance_retention: float = param(
        0.9, 0.0, 1.0, "1/month",
        "Share of a jihadist group's local governance kept each month in cells it does not "
        "control.",
        ASSUMPTION, "jihadists", fixed=True,
    )  # fmt: skip
    siege_neighbour_share: float = param(
        0.5, 0.0, 1.0, "share of neighbours",
        "Share of a town cell's neighbours that jihadists must hold for it to be besieged.",
        ASSUMPTION, "jihadists", fixed=True,
    )  # fmt: skip
    cross_border_inflow_is_sahel_share: float = param(
        0.5, 0.0, 1.0, "share",
        "Share of the cross-border inflow that is IS Sahel arriving from Niger (the rest is "
        "JNIM from Burkina Faso).",
        ASSUMPTION, "jihadists", fixed=True,
    )  # fmt: skip
    adherence_collapse_erosion: float = param(
        0.1, 0.0, 1.0, "1/month",
        "Share of the remaining accord adherence lost each month below the collapse threshold "
        "(open fighting).",
        f"{S004} (fighting resumes in 2023); value an assumption", "signatories", fixed=True,
    )  # fmt: skip
    hostility_state_platform: float = param(
        0.5, 0.0, 1.0, "share of state-CMA hostility",
        "How readily the state and Platform fight, relative to the state and CMA.",
        ASSUMPTION, "signatories", fixed=True,
    )  # fmt: skip
    hostility_signatory_is: float = param(
        0.5, 0.0, 1.0, "share",
        "How readily CMA or Platform and IS Sahel fight where both are present.",
        ASSUMPTION, "signatories", fixed=True,
    )  # fmt: skip
    hostility_signatory_jnim: float = param(
        0.2, 0.0, 1.0, "share",
        "How readily CMA or Platform and JNIM fight where both are present, before collusion.",
        ASSUMPTION, "signatories", fixed=True,
    )  # fmt: skip
    hostility_cma_platform: float = param(
        0.1, 0.0, 1.0, "share",
        "How readily CMA and Platform fight each other where both are present.",
        ASSUMPTION, "signatories", fixed=True,
    )  # fmt: skip
    cma_recruit_share_default: float = param(
        0.5, 0.0, 1.0, "share",
        "CMA's share of a cell's signatory recruits where neither CMA nor Platform has fighters "
        "(elsewhere recruits split in proportion to their fighters).",
        ASSUMPTION, "signatories", fixed=True,
    )  # fmt: skip
    france_reach_radius: int = param(
        4, 0, 20, "cells",
        "Grid steps from a French base within which French strikes and air cover reach (about "
        "200 km).",
        ASSUMPTION, "foreign", fixed=True,
    )  # fmt: skip
    france_full_air_troops: float = param(
        2_500.0, 1.0, 10_000.0, "troops",
        "French troops (deployed plus regional) at which French air support, intelligence and "
        "medevac are fully available (proportionally less below).",
        f"{S000} (over 2,000 French troops in early 2022); value an assumption", "foreign",
        fixed=True,
    )  # fmt: skip
    protection_full_peacekeepers: float = param(
        200.0, 1.0, 5_000.0, "peacekeepers",
        "Peacekeepers in a cell at which MINUSMA's protection of civilians is full there "
        "(proportionally less below).",
        ASSUMPTION, "foreign", fixed=True,
    )  # fmt: skip
    protection_patrol_share: float = param(
        0.5, 0.0, 1.0, "share",
        "Share of a cell's protection that MINUSMA patrols extend to its neighbouring cells.",
        ASSUMPTION, "foreign", fixed=True,
    )  # fmt: skip
    clash_loss_factor: float = param(
        2.0, 0.0, 10.0, "multiplier",
        "Factor on clash losses: a side loses clash_lethality * engaged power * this * the "
        "enemy's share of the power in the cell (equal sides lose clash_lethality each).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    civilian_exposure_population: float = param(
        20_000.0, 1.0, 1_000_000.0, "people",
        "People in a cell at which civilians caught in crossfire and strike collateral reach "
        "their full rate (proportionally fewer in emptier cells).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    fighters_per_air_strike: float = param(
        3.0, 0.0, 50.0, "fighters per strike",
        "Mean jihadist fighters hit by one FAMa/Wagner air strike (Poisson).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    state_strike_collateral_factor: float = param(
        2.0, 0.0, 10.0, "multiplier",
        "Civilians killed per fighter hit by FAMa/Wagner air strikes, relative to French "
        "strikes (strike_collateral).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    garrison_abuse_share: float = param(
        0.1, 0.0, 1.0, "share",
        "Share of FAMa garrisons in cells with insurgents that take part in operations and "
        "abuse civilians like the troops on offensive.",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    joint_abuse_factor: float = param(
        0.5, 0.0, 1.0, "share",
        "Share of Wagner's extra abuse (wagner_abuse_multiplier - 1) that FAMa units adopt "
        "where they operate jointly with Wagner (in proportion to Wagner's share there).",
        f"{S002} (Moura: FAMa and Wagner); value an assumption", "combat", fixed=True,
    )  # fmt: skip
    pro_state_targeting: float = param(
        2.0, 0.0, 10.0, "multiplier per unit support share",
        "How much more jihadist groups kill where people support the state: their rate is "
        "multiplied by 1 + this * the state's support share.",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    exposure_half_population: float = param(
        1_000.0, 1.0, 100_000.0, "people",
        "People in a cell at which one-sided violence reaches half its rate (rates scale with "
        "population / (population + this): violence needs victims).",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    abductions_per_killing: float = param(
        0.5, 0.0, 10.0, "abduction events per expected killing",
        "Abduction events per civilian an actor is expected to kill in a cell.",
        ASSUMPTION, "combat", fixed=True,
    )  # fmt: skip
    civil_spending: float = param(
        30.0, 0.0, 200.0, "budget index per month",
        "Non-security spending of the state (2019 level).",
        ASSUMPTION, "economy", fixed=True,
    )  # fmt: skip
    frozen_asset_share: float = param(
        0.3, 0.0, 1.0, "share of revenue",
        "Share of state revenue lost at full ECOWAS sanctions (sovereign assets frozen in "
        "ECOWAS banks).",
        f"{S000} (freezing Mali's sovereign assets); value an assumption", "economy",
        fixed=True,
    )  # fmt: skip
    gdp_loss_cap: float = param(
        0.9, 0.0, 1.0, "share of trend GDP",
        "Largest share of trend GDP the shocks of one month can remove.",
        ASSUMPTION, "economy", fixed=True,
    )  # fmt: skip
    need_share_cap: float = param(
        0.95, 0.0, 1.0, "share",
        "Largest share of a cell's residents in need.",
        ASSUMPTION, "economy", fixed=True,
    )  # fmt: skip
    need_present_cap: float = param(
        0.95, 0.0, 1.0, "share",
        "Largest share of a cell's people present (residents and displaced) in need.",
        ASSUMPTION, "economy", fixed=True,
    )  # fmt: skip


@dataclass(frozen=True)
class ParameterSpec:
    """Metadata of one parameter, read from the schema."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    description: str
    source: str
    group: str
    type: type
    fixed: bool = False


def parameter_specs() -> dict[str, ParameterSpec]:
    """Return the metadata of every parameter, in declaration order."""
    specs: dict[str, ParameterSpec] = {}
    for name, field in Parameters.model_fields.items():
        low = high = None
        for meta in field.metadata:
            if hasattr(meta, "ge"):
                low = meta.ge
            if hasattr(meta, "le"):
                high = meta.le
        extra = field.json_schema_extra
        if not isinstance(extra, dict) or low is None or high is None:
            raise TypeError(f"parameter {name!r} is not declared with param()")
        annotation = field.annotation
        specs[name] = ParameterSpec(
            name=name,
            default=field.default,
            low=low,
            high=high,
            unit=str(extra["unit"]),
            description=field.description or "",
            source=str(extra["source"]),
            group=str(extra["group"]),
            type=annotation if isinstance(annotation, type) else float,
            fixed=bool(extra.get("fixed", False)),
        )
    return specs


GROUP_TITLES: dict[str, str] = {
    "civilians": "Civilians",
    "displacement": "Displacement (flight, refuge, return)",
    "state": "State / junta (FAMa)",
    "jihadists": "Jihadist groups (JNIM, Islamic State Sahel)",
    "signatories": "Signatory armed groups (CMA, Platform)",
    "foreign": "Foreign partners (France, EU, MINUSMA, Wagner, ECOWAS, donors)",
    "combat": "Combat and control",
    "economy": "Economy and humanitarian state",
    "politics": "Politics (junta approval)",
}


def _fmt(value: float) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:g}"


def _table(rows: list[ParameterSpec], *, with_range: bool) -> list[str]:
    """Markdown table rows of parameters: name, value, (range,) unit, description, source."""
    if with_range:
        lines = ["| name | default | range | unit | description | source |"]
        lines.append("| --- | --- | --- | --- | --- | --- |")
    else:
        lines = ["| name | value | unit | description | source |"]
        lines.append("| --- | --- | --- | --- | --- |")
    for s in rows:
        bounds = f" {_fmt(s.low)} – {_fmt(s.high)} |" if with_range else ""
        lines.append(
            f"| `{s.name}` | {_fmt(s.default)} |{bounds} {s.unit} | {s.description} | {s.source} |"
        )
    return lines


def _by_group(specs: dict[str, ParameterSpec]) -> dict[str, list[ParameterSpec]]:
    """Parameters per group, in :data:`GROUP_TITLES` order then declaration order."""
    unknown = {s.group for s in specs.values()} - set(GROUP_TITLES)
    if unknown:
        raise ValueError(f"parameter groups without a title: {sorted(unknown)}")
    return {group: [s for s in specs.values() if s.group == group] for group in GROUP_TITLES}


def parameters_markdown() -> str:
    """Render the parameter tables of ``docs/parameters.md`` from the schema.

    Each group has a table of its parameters and, below it, a table of its fixed constants.
    """
    lines = [
        "# Parameters",
        "",
        "Generated from `malisim.model.parameters` by `python scripts/gen_docs.py`; do not edit by",
        "hand (a test fails when this file and the schema drift apart).",
        "",
        "Every parameter can be set with `MaliModel(**{name: value})`, `malisim run --set "
        "name=value`, or in a scenario file. Values outside the range are rejected.",
        "",
        "**Fixed constants** (declared with `fixed=True`, listed in each group's second table) "
        "are modelling constants of the rules: they are declared so that their value, unit and "
        "source are documented, but they are not meant to be varied (not calibrated, not in "
        "scenarios or sensitivity analyses). They are also listed in docs/ODD.md section 8.",
        "",
    ]
    for group, rows in _by_group(parameter_specs()).items():
        if not rows:
            continue
        title = GROUP_TITLES[group]
        lines += [f"## {title}", ""]
        varied = [s for s in rows if not s.fixed]
        fixed = [s for s in rows if s.fixed]
        if varied:
            lines += [*_table(varied, with_range=True), ""]
        if fixed:
            lines += [f"### {title}: fixed constants (not meant to be varied)", ""]
            lines += [*_table(fixed, with_range=True), ""]
    return "\n".join(lines)


#: Markers of the generated table of fixed constants in docs/ODD.md section 8.
FIXED_CONSTANTS_BEGIN = "<!-- BEGIN GENERATED: fixed constants (python scripts/gen_docs.py) -->"
FIXED_CONSTANTS_END = "<!-- END GENERATED: fixed constants -->"


def fixed_constants_markdown() -> str:
    """Render the tables of every fixed parameter, by group (docs/ODD.md section 8).

    ``scripts/gen_docs.py`` writes it between :data:`FIXED_CONSTANTS_BEGIN` and
    :data:`FIXED_CONSTANTS_END`.
    """
    lines: list[str] = []
    for group, rows in _by_group(parameter_specs()).items():
        fixed = [s for s in rows if s.fixed]
        if fixed:
            lines += [f"### {GROUP_TITLES[group]}", "", *_table(fixed, with_range=False), ""]
    if not lines:
        lines = ["No parameter is declared fixed.", ""]
    return "\n".join(lines)
