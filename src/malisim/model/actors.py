"""The armed and foreign actors: few Mesa agents whose per-cell quantities are numpy arrays.

* :class:`State` — the junta and its armed forces (FAMa): strength, deployment (garrisons and
  offensives), budget, approval, abuse propensity.
* :class:`JihadistGroup` — JNIM and Islamic State Sahel, one agent each: fighters per cell,
  governance per cell, expansion into cells where the state is weak.
* :class:`SignatoryGroup` — CMA and Platform: fighters per cell in the north; the accord
  adherence they share (the CSP coalition) lives on the model.
* :class:`ForeignPartner` — France/Barkhane, EU training, MINUSMA, Wagner/Africa Corps, ECOWAS
  and donors: presence per cell where they have troops, and their levers (strikes, air support,
  protection of civilians, sanctions, aid).
* :class:`Belligerents` — the armed actors together (the forces the conflict rules reduce), with
  :func:`assign_recruits`, the rule by which civilians who join an armed family reach its group.
* :func:`accord_adherence_next` — the signatory groups' shared accord adherence.
* :func:`home_pull` — the pull of a group's home areas on its fighters, falling with distance.
* :func:`expansion_deterrence` — how the state's forces in a cell deter expanding fighters (a
  garrison deters only its town's part of the cell).

Actors hold state and the rules that are theirs alone (deployment, expansion, adherence). What
happens *between* actors (clashes, violence, events) lives in :mod:`malisim.model.conflict`.
Each actor is a Mesa agent (Mesa needs its model at construction); its rules never reach back
into the model: they read what they need from their arguments (the phase's
:class:`~malisim.model.situation.Situation`, the parameters, other actors' forces). The sources
of each rule are listed in docs/ODD.md.
"""

from __future__ import annotations

from dataclasses import dataclass

import mesa
import numpy as np

from malisim.model.parameters import Parameters
from malisim.model.situation import Situation
from malisim.model.vocab import SIDE_NAMES, Control, Side

#: Control codes as plain ints (an IntEnum member in a comparison costs a cast to int64).
_C_STATE, _C_SIGNATORY, _C_CONTESTED = (
    int(Control.STATE),
    int(Control.SIGNATORY),
    int(Control.CONTESTED),
)


class State(mesa.Agent):
    """The junta and FAMa.

    Attributes:
        troops: Deployable FAMa strength (soldiers).
        garrison: Soldiers garrisoned per cell.
        offensive: Soldiers on offensive operations per cell this month.
        offensive_orders: Extra offensive weight per cell ordered by policies (e.g. Kidal).
        effectiveness: Combat effectiveness multiplier (grows with EU training).
        approval: National approval of the government (share): its fundamentals plus the
            rallies.
        fundamentals: The part of approval that follows security and the economy (share).
        rally: Accumulated sovereignty rally (approval share) from breaks with former partners.
        pressure_rally: Rally (approval share) against foreign pressure such as sanctions.
        budget_balance: Last month's budget balance (budget index).
    """

    def __init__(self, model: mesa.Model, n_cells: int, troops: float, approval: float) -> None:
        super().__init__(model)
        self.troops = float(troops)
        self.garrison = np.zeros(n_cells)
        self.offensive = np.zeros(n_cells)
        self.offensive_orders = np.zeros(n_cells)
        self.effectiveness = 1.0
        self.approval = float(approval)
        self.fundamentals = float(approval)
        self.rally = 0.0
        self.pressure_rally = 0.0
        self.budget_balance = 0.0

    def order_offensive(self, target: np.ndarray, intensity: float) -> None:
        """Order an offensive into the ``target`` cells this month (policies, via the model).

        Several orders in one month combine: each cell keeps the strongest order it was given,
        whatever the order in which they came.

        Args:
            target: Boolean mask of the cells.
            intensity: Share of offensive forces sent there (0-1).
        """
        self.offensive_orders = np.maximum(self.offensive_orders, np.where(target, intensity, 0.0))

    def add_rally(self, amount: float) -> None:
        """Add a sovereignty rally to approval (the break with France, ICG2023)."""
        self.rally += amount

    def deploy(
        self, situation: Situation, jihadist_fighters: np.ndarray, signatory_fighters: np.ndarray
    ) -> None:
        """Allocate garrisons and offensive forces across cells for this month.

        Garrisons hold the towns, in proportion to (population + 1) to the power
        ``garrison_population_exponent``, outside signatory-held cells; the countryside has no
        permanent state presence (CRS2022: "State officials remain absent from much of the
        north and center"). The share ``garrison_threat_share`` of the garrison troops
        reinforces the state's towns in proportion to the hostile fighters in and around them
        (:func:`garrison_threat`): the army holds threatened towns (a garrison must face an
        attacker below the overrun ratio, docs/ODD.md 7.6.7). Offensives (``offensive_share`` of
        the troops) go to the ``offensive_cells`` strongest jihadist concentrations next to
        state-held cells, plus the cells that policies ordered (``offensive_orders``, weighted by
        ``ordered_offensive_weight`` per signatory fighter there). Wagner accompanies the
        offensives (:meth:`ForeignPartner.accompany`).

        Args:
            situation: The cells this phase (people, control, accord adherence, towns).
            jihadist_fighters: JNIM plus IS Sahel fighters per cell.
            signatory_fighters: CMA plus Platform fighters per cell.
        """
        p = situation.params
        pop = situation.population
        control = situation.control
        held_by_signatory = (control == _C_SIGNATORY) & (situation.accord_adherence > 0)
        garrison_weight = (
            np.power(pop + 1.0, p.garrison_population_exponent)
            * situation.town_cells
            * (~held_by_signatory)
        )
        if self.offensive_orders.any():
            garrison_weight = garrison_weight + self.offensive_orders * garrison_weight.mean()
        total = max(garrison_weight.sum(), 1e-9)
        on_offensive = p.offensive_share * self.troops
        in_garrison = self.troops - on_offensive
        # a share of the garrison troops reinforces the state's towns under threat
        threat = garrison_threat(situation, jihadist_fighters, signatory_fighters)
        threat_total = threat.sum()
        reinforce = p.garrison_threat_share * in_garrison if threat_total > 0 else 0.0
        self.garrison = (in_garrison - reinforce) * garrison_weight / total
        if threat_total > 0:
            self.garrison = self.garrison + reinforce * threat / threat_total

        state_held = control == _C_STATE
        near_state = situation.topology.neighbor_any(state_held) | state_held
        target = jihadist_fighters * near_state
        # operations concentrate on the few strongest jihadist concentrations at a time
        k = min(p.offensive_cells, target.size)
        threshold = np.partition(target, -k)[-k]
        target = np.where(target >= max(threshold, 1e-9), target, 0.0)
        orders = self.offensive_orders * (signatory_fighters + 1.0)
        weight = target + orders * p.ordered_offensive_weight
        if weight.sum() <= 0:
            weight = garrison_weight
        self.offensive = on_offensive * weight / max(weight.sum(), 1e-9)
        self.offensive_orders = np.zeros(situation.grid.n_cells)

    @property
    def forces(self) -> np.ndarray:
        """FAMa soldiers per cell (garrisons plus offensives)."""
        return self.garrison + self.offensive

    def service(self, control: np.ndarray, p: Parameters) -> np.ndarray:
        """Level of state services per cell (0-1) that civilians see, for their legitimacy.

        ``service_state_held`` where the state controls the cell, ``service_contested`` where
        it is contested, ``service_elsewhere`` elsewhere; all times ``service_deficit_factor``
        while the budget is in deficit.
        """
        level = np.where(
            control == _C_STATE,
            p.service_state_held,
            np.where(control == _C_CONTESTED, p.service_contested, p.service_elsewhere),
        )
        return level * (1.0 if self.budget_balance >= 0 else p.service_deficit_factor)

    def update_approval(
        self, p: Parameters, civilian_deaths: list[float], economic_loss: float
    ) -> None:
        """Approval: fundamentals (security, economy) that move slowly, plus rallies at once.

        Security results compare the civilian deaths of the last ``approval_recent_months``
        with the ``approval_reference_months`` before (relative change,
        ``approval_trend_offset`` added to damp small numbers); the economy enters as the share
        of trend GDP lost (ICG2023: financial pressure and insecurity could make support
        "swiftly crumble"). The fundamentals close ``approval_adjustment`` of the gap to their
        target each month. The rallies add at once: the sovereignty rally of breaks with former
        partners keeps ``rally_retention`` a month (ICG2023: the shift in alliances was
        applauded), and the rally against foreign pressure (:func:`pressure_rally_next`) lasts
        while sanctions are in force and fades after (CRS2022: support drawn from the
        "face-off with France and ECOWAS"; AFP2022rally: mass rallies against the sanctions).

        Args:
            p: The parameters in force.
            civilian_deaths: Civilian deaths of every month so far, this month last.
            economic_loss: Share of trend GDP lost this month.
        """
        k, ref = p.approval_recent_months, p.approval_reference_months
        recent = np.mean(civilian_deaths[-k:])
        before = np.mean(civilian_deaths[-(k + ref) : -k]) if len(civilian_deaths) > k else recent
        trend = (recent - before) / (before + p.approval_trend_offset)
        target = (
            p.approval_initial
            - p.approval_security_weight * trend
            - p.approval_economy_weight * economic_loss
        )
        self.fundamentals += p.approval_adjustment * (_clip01(target) - self.fundamentals)
        self.rally *= p.rally_retention
        self.pressure_rally = pressure_rally_next(p, self.pressure_rally)
        self.approval = _clip01(self.fundamentals + self.rally + self.pressure_rally)

    def grow(self, p: Parameters) -> None:
        """Recruit soldiers at ``fama_growth`` per year while the budget is not in deficit."""
        if self.budget_balance >= 0:
            self.troops *= (1.0 + p.fama_growth) ** (1.0 / 12.0)
        self.effectiveness += p.eu_training * p.eu_training_gain / 12.0


def _clip01(x: float | np.floating) -> float:
    """``float(np.clip(x, 0, 1))`` of one number, without numpy's call (NaN and -0.0 kept)."""
    return 0.0 if x < 0.0 else (1.0 if x > 1.0 else float(x))


def expansion_deterrence(
    situation: Situation, state_power: np.ndarray, mobile_power: np.ndarray | None = None
) -> np.ndarray:
    """Factor on a cell's attraction to expanding jihadist fighters from the state's forces.

    ``1 / (1 + (power / expansion_state_power_scale) ** 2)``. Where the countryside of a town
    cell is decided apart (``situation.town_share`` and ``mobile_power`` given), the garrison
    deters only the town: the factor is the town share times the factor of all the state's
    power plus the countryside share times the factor of its mobile forces alone (CRS2022:
    "State officials remain absent from much of the north and center"; ICG2023: the 2022
    operations "failed to permanently challenge jihadists' control of rural areas").

    Args:
        situation: The cells this phase (town cells and shares, parameters).
        state_power: State-side combat power per cell.
        mobile_power: State-side power outside the garrisons.

    Returns:
        Deterrence factor per cell, in (0, 1].
    """
    scale = situation.params.expansion_state_power_scale
    full = 1.0 / (1.0 + (state_power / scale) ** 2)
    if mobile_power is None or situation.town_share is None:
        return full
    town = np.where(situation.town_cells, situation.town_share, 1.0)
    mobile = 1.0 / (1.0 + (mobile_power / scale) ** 2)
    return town * full + (1.0 - town) * mobile


def garrison_threat(
    situation: Situation, jihadist_fighters: np.ndarray, signatory_fighters: np.ndarray
) -> np.ndarray:
    """Hostile fighters in and next to each town the state holds (0 elsewhere).

    Jihadist fighters always; signatory fighters once the accord has collapsed (adherence
    below ``accord_collapse_threshold``: open fighting, ICG2023watch).

    Args:
        situation: The cells this phase (control, towns, accord adherence, neighbourhood).
        jihadist_fighters: JNIM plus IS Sahel fighters per cell.
        signatory_fighters: CMA plus Platform fighters per cell.

    Returns:
        Hostile fighters per cell.
    """
    p = situation.params
    hostile = jihadist_fighters.astype(float)
    if situation.accord_adherence < p.accord_collapse_threshold:
        hostile = hostile + signatory_fighters
    around = hostile + situation.topology.neighbor_sum(hostile)
    held_towns = situation.town_cells & (situation.control == _C_STATE)
    return np.where(held_towns, around, 0.0)


def pressure_rally_next(p: Parameters, rally: float) -> float:
    """The rally against foreign pressure next month (approval share).

    While pressure is in force it is at least ``sanctions_rally * foreign_pressure`` (it bites
    at once: AFP2022rally, mass rallies a week after the January 2022 sanctions); once the
    pressure ends it halves every ``pressure_rally_half_life`` months (a short-run effect,
    ICG2023: the support base is "likely to erode over time").
    """
    retention = 0.5 ** (1.0 / p.pressure_rally_half_life)
    return max(p.sanctions_rally * p.foreign_pressure, retention * rally)


def home_pull(
    distance: np.ndarray | None,
    since: np.ndarray | None,
    month: int,
    reach_km: float,
    floor: float,
) -> np.ndarray | None:
    """The pull of a group's home areas on its fighters, per cell (``floor`` to 1).

    ``floor + (1 - floor) * exp(-d / reach_km)``, ``d`` the distance to the nearest home area
    in force this month (``since <= month``): groups operate within reach of their bases
    (Reflectii2019: almost 90% of IS Sahel's attacks within 100 km of the Niger borders) and
    still send small cells beyond (``home_pull_floor``). None when the group has no home area
    in force (then nothing pulls: uniform).

    Args:
        distance: ``(n_cells, n_places)`` distances (km) to the group's home areas, or None.
        since: ``(n_places,)`` first month of each home area.
        month: The current month index.
        reach_km: The group's reach (km).
        floor: Pull far beyond the reach, as a share of the pull at home.

    Returns:
        Pull per cell, or None.
    """
    if distance is None or since is None or distance.shape[1] == 0:
        return None
    active = since <= month
    if not active.any():
        return None
    nearest = distance[:, active].min(axis=1)
    return floor + (1.0 - floor) * np.exp(-nearest / reach_km)


class JihadistGroup(mesa.Agent):
    """A jihadist group (JNIM or Islamic State Sahel) with fighters and governance per cell.

    Attributes:
        side: The group's :class:`Side`.
        fighters: Fighters per cell.
        governance: Local governance level per cell (0-1): courts, taxation, protection.
        home_distance: ``(n_cells, n_places)`` distances (km) to its home areas, or None.
        home_since: First month of each home area, or None.
    """

    def __init__(
        self,
        model: mesa.Model,
        side: Side,
        fighters: np.ndarray,
        home_distance: np.ndarray | None = None,
        home_since: np.ndarray | None = None,
    ) -> None:
        super().__init__(model)
        self.side = side
        self.fighters = fighters.astype(float)
        self.governance = np.zeros_like(self.fighters)
        self.home_distance = home_distance
        self.home_since = home_since
        #: The last :meth:`pull`: (home areas in force, reach, floor, distances, starts), the pull.
        self._pull_cache: tuple[tuple[object, ...], np.ndarray] | None = None

    def pull(self, month: int, p: Parameters) -> np.ndarray:
        """The pull of the group's home areas this month (:func:`home_pull`; 1 without any).

        Several phases ask for it each month: it is computed once for the home areas in force
        (it depends on the month through them only), reach and floor, and returned read-only.
        """
        reach = p.is_sahel_reach_km if self.side == Side.IS_SAHEL else p.jnim_reach_km
        floor = p.home_pull_floor
        since = self.home_since
        in_force = None if since is None else (since <= month).tobytes()
        cached = self._pull_cache
        if cached is not None:
            (c_in_force, c_reach, c_floor, c_distance, c_since), c_pull = cached
            if (
                c_in_force == in_force
                and c_reach == reach
                and c_floor == floor
                and c_distance is self.home_distance
                and c_since is self.home_since
                and c_pull.shape == self.fighters.shape
            ):
                return c_pull
        out = home_pull(self.home_distance, self.home_since, month, reach, floor)
        pull = np.ones_like(self.fighters) if out is None else out
        pull.flags.writeable = False
        self._pull_cache = ((in_force, reach, floor, self.home_distance, since), pull)
        return pull

    @property
    def name(self) -> str:
        """The group's short name."""
        return SIDE_NAMES[self.side]

    def expand(
        self,
        situation: Situation,
        state_power: np.ndarray,
        support_share: np.ndarray,
        mobile_power: np.ndarray | None = None,
    ) -> None:
        """Move a share of fighters into neighbouring cells where the state is weak.

        "Gone rural to capitalise on local conflicts and the absence of the State" (ICG2023watch):
        the attraction of a cell rises with the share of its people who support the group (their
        grievances) and with local violence, and falls with state combat power there; it is
        multiplied by the pull of the group's home areas (:meth:`pull`, reach ``jnim_reach_km``
        or ``is_sahel_reach_km``) and by ``1 + corridor_attraction`` on main roads and the Niger
        river (the corridors fighters move along). Each month a share ``expansion_rate`` of the
        fighters weighs the neighbouring cells against staying. The state's deterrence is
        :func:`expansion_deterrence`: with ``mobile_power`` and town shares, a garrison deters
        only its town's part of the cell.

        Args:
            situation: The cells this phase (violence index, neighbourhood, share in Mali).
            state_power: State-side combat power per cell.
            support_share: Share of each cell's people actively supporting this group.
            mobile_power: State-side power outside the garrisons (None: all of it deters).
        """
        p = situation.params
        grid = situation.grid
        rate = p.expansion_rate
        src, dst = situation.topology.edge_src, situation.topology.edge_dst
        local_conflict = np.minimum(situation.violence_index / p.flight_threshold, 1.0)
        attraction = (
            p.expansion_base_attraction
            + support_share
            + p.expansion_conflict_attraction * local_conflict
        ) * expansion_deterrence(situation, state_power, mobile_power)
        corridor = 1.0 + p.corridor_attraction * (grid.road | grid.river)
        attraction = attraction * grid.share_in_mali * corridor * self.pull(situation.month, p)
        # a fighter weighs the neighbouring cells against staying where it is
        attraction_dst = attraction[dst]
        denominator = attraction + np.bincount(src, weights=attraction_dst, minlength=grid.n_cells)
        # (per cell, then over the edges: the same numbers as per edge, with fewer operations)
        share = attraction_dst / np.maximum(denominator, 1e-12)[src]
        flow = (self.fighters * rate)[src] * share
        outflow = np.bincount(src, weights=flow, minlength=grid.n_cells)
        inflow = np.bincount(dst, weights=flow, minlength=grid.n_cells)
        self.fighters = self.fighters - outflow + inflow

    def mass(
        self,
        situation: Situation,
        opponent_power: np.ndarray,
        threshold: np.ndarray,
        controls: np.ndarray,
        air_cover: np.ndarray,
        ratio: np.ndarray | float | None = None,
    ) -> np.ndarray:
        """Mass fighters from neighbouring cells on the cells the group can take this month.

        Jihadists "have continued to advance" (ICG2023): besides diffusing, a group
        concentrates fighters for offensives against towns, bases and rival groups' zones.
        A cell is a target when the fighters in it plus the share ``jihadist_offensive_share``
        of those next to it would dominate (``control_dominance`` times the strongest other
        family's power, and at least the control threshold); among those, the group picks the
        ``jihadist_offensive_cells`` most populous it does not already control, weighted by the
        pull of its home areas (:meth:`pull`: it attacks towns within reach). A town its holder
        defends with forces there needs ``garrison_overrun_ratio`` instead of
        ``control_dominance`` (:func:`malisim.model.conflict.required_ratio`). Air cover
        (French air support and surveillance, CRS2022 and ICG2023) makes massing costly: it
        removes that share of the massing into a cell.

        Args:
            situation: The cells this phase (people, neighbourhood, share in Mali).
            opponent_power: Strongest other controlling family's power per cell.
            threshold: Combat power needed to control each cell.
            controls: Cells the group already controls.
            air_cover: Share of massing prevented per cell (0-1).
            ratio: Power ratio over the opponent needed per cell (default
                ``control_dominance``).

        Returns:
            The mask of target cells.
        """
        p = situation.params
        grid = situation.grid
        n = grid.n_cells
        k = min(int(p.jihadist_offensive_cells), n)
        share = p.jihadist_offensive_share * (1.0 - air_cover)
        if k <= 0 or not np.any(share > 0):
            return np.zeros(n, dtype=bool)
        src, dst = situation.topology.edge_src, situation.topology.edge_dst
        around = situation.topology.neighbor_sum(self.fighters)
        power = (self.fighters + share * around) * p.jihadist_power
        needed = p.control_dominance if ratio is None else ratio
        winnable = (
            (power >= needed * opponent_power)
            & (power >= threshold)
            & ~controls
            & (grid.share_in_mali > 0)
        )
        if not winnable.any():
            return winnable
        prize = np.where(
            winnable, (situation.population + 1.0) * self.pull(situation.month, p), 0.0
        )
        k = min(k, int(winnable.sum()))
        target = np.zeros(n, dtype=bool)
        target[np.argpartition(prize, -k)[-k:]] = True
        target &= winnable
        # fighters next to several targets split between them; targets keep their own
        # (only the edges into a target from a non-target carry fighters: the sums over them,
        # in edge order, are the sums over every edge, whose others add exact zeros)
        into_target = target[dst].nonzero()[0]
        n_targets = np.bincount(src[into_target], minlength=n)  # whole numbers: exact
        moving = into_target[~target[src[into_target]]]
        src_m, dst_m = src[moving], dst[moving]
        fighters = self.fighters
        flow = share[dst_m] * fighters[src_m] / np.maximum(n_targets[src_m], 1.0)
        self.fighters = (
            fighters
            - np.bincount(src_m, weights=flow, minlength=n)
            + np.bincount(dst_m, weights=flow, minlength=n)
        )
        return target

    def receive_inflow(
        self, arriving: float, cells: np.ndarray, pull: np.ndarray | None = None
    ) -> None:
        """Fighters arriving from abroad settle in ``cells`` (border cells with their base).

        They spread in proportion to the group's fighters there plus one (to seed it), times the
        pull of its home areas (``pull``, :meth:`pull`) when given: they cross where the group
        has its bases (IS Sahel on the Niger border by Ménaka, JNIM from Burkina Faso into the
        centre).
        """
        weight = (self.fighters + 1.0) * cells
        if pull is not None:
            weight = weight * pull
        if weight.sum() > 0:
            self.fighters += arriving * weight / weight.sum()

    def govern(self, controls: np.ndarray, p: Parameters) -> None:
        """Grow governance where the group controls a cell; let it decay elsewhere.

        It closes ``governance_rate`` of the gap to 1 where the group controls, and keeps
        ``governance_retention`` of itself elsewhere.
        """
        rate = p.governance_rate
        self.governance = np.where(
            controls,
            self.governance + rate * (1.0 - self.governance),
            self.governance * p.governance_retention,
        )


class SignatoryGroup(mesa.Agent):
    """A signatory armed group of the 2015 accord (CMA or Platform).

    Attributes:
        side: The group's :class:`Side`.
        fighters: Fighters per cell (they hold their zones rather than expand).
    """

    def __init__(self, model: mesa.Model, side: Side, fighters: np.ndarray) -> None:
        super().__init__(model)
        self.side = side
        self.fighters = fighters.astype(float)

    @property
    def name(self) -> str:
        """The group's short name."""
        return SIDE_NAMES[self.side]


class ForeignPartner(mesa.Agent):
    """A foreign partner with (optionally) troops deployed at bases.

    Attributes:
        name: ``france``, ``eu``, ``minusma``, ``wagner``, ``ecowas`` or ``donors``.
        base_weight: Deployment weight per cell (bases); zero for partners without troops.
        troops: Troops per cell this month.
    """

    def __init__(
        self, model: mesa.Model, name: str, n_cells: int, base_weight: np.ndarray | None
    ) -> None:
        super().__init__(model)
        self.name = name
        self.base_weight = np.zeros(n_cells) if base_weight is None else base_weight
        self.troops = np.zeros(n_cells)

    def deploy(self, total: float) -> None:
        """Spread ``total`` troops over the partner's bases."""
        self.troops = _spread(total, self.base_weight)

    def accompany(self, total: float, forces: np.ndarray) -> None:
        """Spread ``total`` troops in proportion to another force (Wagner with the offensives).

        Wagner operates alongside FAMa's offensive operations (ICG2023: "direct support to
        Malian troops during ground combat"), not at bases of its own.
        """
        self.troops = _spread(total, forces)

    @property
    def total(self) -> float:
        """Total troops deployed."""
        return float(self.troops.sum())


def _spread(total: float, weight: np.ndarray) -> np.ndarray:
    """``total`` spread in proportion to ``weight`` (nothing where the weights are all zero)."""
    s = weight.sum()
    return total * weight / s if s > 0 else np.zeros_like(weight)


@dataclass(frozen=True)
class Belligerents:
    """The armed actors whose forces the conflict rules read and reduce (in place).

    Attributes:
        state: The junta and FAMa.
        jnim: JNIM.
        is_sahel: Islamic State Sahel.
        cma: CMA.
        platform: Platform.
        france: France / Barkhane.
        wagner: Wagner / Africa Corps.
        minusma: MINUSMA.
    """

    state: State
    jnim: JihadistGroup
    is_sahel: JihadistGroup
    cma: SignatoryGroup
    platform: SignatoryGroup
    france: ForeignPartner
    wagner: ForeignPartner
    minusma: ForeignPartner

    def fighters(self, side: str) -> np.ndarray:
        """The per-cell fighters array of a non-state armed group (by short name)."""
        groups: dict[str, JihadistGroup | SignatoryGroup] = {
            "jnim": self.jnim,
            "is_sahel": self.is_sahel,
            "cma": self.cma,
            "platform": self.platform,
        }
        return groups[side].fighters

    def presence_by_family(self) -> np.ndarray:
        """``(n_families, n_cells)`` armed persons per family and cell.

        The state family counts FAMa, Wagner and French troops; the signatory family CMA and
        Platform. Peacekeepers belong to no family.
        """
        return np.array(
            [
                self.state.forces + self.wagner.troops + self.france.troops,
                self.jnim.fighters,
                self.is_sahel.fighters,
                self.cma.fighters + self.platform.fighters,
            ]
        )


def assign_recruits(forces: Belligerents, recruits: np.ndarray, p: Parameters) -> None:
    """Civilians who joined an armed family this month join its group in their cell.

    State recruits (row 0) would join FAMa's national pool, but no civilian joins the state
    (pro-state supporters have a joining rate of 0, docs/ODD.md 7.1.6), so that row is zero.
    JNIM and IS Sahel recruits join their group's fighters in the cell; signatory recruits split
    between CMA and Platform in proportion to their fighters in the cell
    (``cma_recruit_share_default`` to CMA where neither has any).

    Args:
        forces: The armed actors (their strengths grow in place).
        recruits: ``(n_families, n_cells)`` people who joined each family.
        p: The parameters in force.
    """
    forces.state.troops += float(recruits[0].sum())
    forces.jnim.fighters += recruits[1]
    forces.is_sahel.fighters += recruits[2]
    cma, platform = forces.cma, forces.platform
    signatory_total = cma.fighters + platform.fighters
    cma_share = np.divide(
        cma.fighters, signatory_total,
        out=np.full_like(signatory_total, p.cma_recruit_share_default),
        where=signatory_total > 0,
    )  # fmt: skip
    cma.fighters += recruits[3] * cma_share
    platform.fighters += recruits[3] * (1.0 - cma_share)


def accord_adherence_next(
    p: Parameters,
    adherence: float,
    control: np.ndarray,
    offensive: np.ndarray,
    ordered: np.ndarray,
    mercenaries: float,
) -> float:
    """The signatory groups' accord adherence next month (0-1).

    Implementation raises it; state offensives into their zones and foreign mercenaries erode
    it; below the collapse threshold open fighting erodes ``adherence_collapse_erosion`` of
    what is left each month (2023, ICG2023watch).

    Args:
        p: The parameters in force.
        adherence: Adherence this month.
        control: Control code per cell.
        offensive: FAMa soldiers on offensive operations per cell.
        ordered: Offensive intensity policies ordered per cell this month.
        mercenaries: Wagner personnel in Mali.

    Returns:
        The new adherence.
    """
    signatory_cells = control == _C_SIGNATORY
    total_offensive = offensive.sum()
    # ordered offensives (policies) at their intensity; otherwise the share of the state's
    # offensive forces that operate in signatory-held cells
    drifted = offensive[signatory_cells].sum() / max(total_offensive, 1e-9)
    intensity = max(float(ordered.max()), float(drifted))
    change = (
        p.adherence_implementation_gain * p.accord_implementation
        - p.adherence_offensive_drop * intensity
        - p.adherence_mercenary_drop * mercenaries / 1000.0
    )
    if adherence < p.accord_collapse_threshold:
        change -= p.adherence_collapse_erosion * adherence  # open fighting (2023)
    return _clip01(adherence + change)
