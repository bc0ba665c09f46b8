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

Actors hold state and the rules that are theirs alone (deployment, expansion, adherence). What
happens *between* actors (clashes, violence, events) lives in :mod:`malisim.model.conflict`.
Each actor is a Mesa agent (Mesa needs its model at construction); its rules never reach back
into the model: they read what they need from their arguments (the phase's
:class:`~malisim.model.situation.Situation`, the parameters, other actors' forces). The sources
of each rule are listed in docs/ODD.md.
"""

from __future__ import annotations

import mesa
import numpy as np

from malisim.model.parameters import Parameters
from malisim.model.situation import Situation
from malisim.model.vocab import SIDE_NAMES, Control, Side

#: Cells the state's offensive operations concentrate on each month (assumption).
OFFENSIVE_CELLS = 8


class State(mesa.Agent):
    """The junta and FAMa.

    Attributes:
        troops: Deployable FAMa strength (soldiers).
        garrison: Soldiers garrisoned per cell.
        offensive: Soldiers on offensive operations per cell this month.
        offensive_orders: Extra offensive weight per cell ordered by policies (e.g. Kidal).
        effectiveness: Combat effectiveness multiplier (grows with EU training).
        approval: National approval of the government (share).
        rally: Accumulated sovereignty rally (approval share) from breaks with former partners.
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
        self.rally = 0.0
        self.budget_balance = 0.0

    def order_offensive(self, target: np.ndarray, intensity: float) -> None:
        """Order an offensive into the ``target`` cells this month (policies, via the model).

        Args:
            target: Boolean mask of the cells.
            intensity: Share of offensive forces sent there (0-1).
        """
        self.offensive_orders = np.where(target, intensity, 0.0)

    def add_rally(self, amount: float) -> None:
        """Add a sovereignty rally to approval (the break with France, seed 002)."""
        self.rally += amount

    def deploy(
        self, situation: Situation, jihadist_fighters: np.ndarray, signatory_fighters: np.ndarray
    ) -> None:
        """Allocate garrisons and offensive forces across cells for this month.

        Garrisons hold the towns (in proportion to population ** 0.75) outside signatory-held
        cells; the countryside has no permanent state presence (seed 000: "State officials
        remain absent from much of the north and center"). Offensives go
        to cells with the strongest jihadist presence next to state-held cells, plus cells
        that policies ordered (``offensive_orders``). Wagner accompanies offensives.

        Args:
            situation: The cells this phase (people, control, accord adherence, towns).
            jihadist_fighters: JNIM plus IS Sahel fighters per cell.
            signatory_fighters: CMA plus Platform fighters per cell.
        """
        p = situation.params
        pop = situation.population
        control = situation.control
        held_by_signatory = (control == Control.SIGNATORY) & (situation.accord_adherence > 0)
        garrison_weight = np.power(pop + 1.0, 0.75) * situation.town_cells * (~held_by_signatory)
        if self.offensive_orders.any():
            garrison_weight = garrison_weight + self.offensive_orders * garrison_weight.mean()
        total = max(garrison_weight.sum(), 1e-9)
        on_offensive = p.offensive_share * self.troops
        self.garrison = (self.troops - on_offensive) * garrison_weight / total

        state_held = control == Control.STATE
        near_state = situation.topology.neighbor_any(state_held) | state_held
        target = jihadist_fighters * near_state
        # operations concentrate on the few strongest jihadist concentrations at a time
        k = min(OFFENSIVE_CELLS, target.size)
        threshold = np.partition(target, -k)[-k]
        target = np.where(target >= max(threshold, 1e-9), target, 0.0)
        orders = self.offensive_orders * (signatory_fighters + 1.0)
        weight = target + orders * 50.0
        if weight.sum() <= 0:
            weight = garrison_weight
        self.offensive = on_offensive * weight / max(weight.sum(), 1e-9)
        self.offensive_orders = np.zeros(situation.grid.n_cells)

    @property
    def forces(self) -> np.ndarray:
        """FAMa soldiers per cell (garrisons plus offensives)."""
        return self.garrison + self.offensive

    def grow(self, p: Parameters) -> None:
        """Recruit soldiers at ``fama_growth`` per year while the budget is not in deficit."""
        if self.budget_balance >= 0:
            self.troops *= (1.0 + p.fama_growth) ** (1.0 / 12.0)
        self.effectiveness += p.eu_training * p.eu_training_gain / 12.0


class JihadistGroup(mesa.Agent):
    """A jihadist group (JNIM or Islamic State Sahel) with fighters and governance per cell.

    Attributes:
        side: The group's :class:`Side`.
        fighters: Fighters per cell.
        governance: Local governance level per cell (0-1): courts, taxation, protection.
    """

    def __init__(self, model: mesa.Model, side: Side, fighters: np.ndarray) -> None:
        super().__init__(model)
        self.side = side
        self.fighters = fighters.astype(float)
        self.governance = np.zeros_like(self.fighters)

    @property
    def name(self) -> str:
        """The group's short name."""
        return SIDE_NAMES[self.side]

    def expand(
        self, situation: Situation, state_power: np.ndarray, support_share: np.ndarray
    ) -> None:
        """Move a share of fighters into neighbouring cells where the state is weak.

        "Gone rural to capitalise on local conflicts and the absence of the State" (seed 004):
        the attraction of a cell rises with the share of its people who support the group and
        with local violence, and falls with state combat power there. Each month a share
        ``expansion_rate`` of the fighters weighs the neighbouring cells against staying.

        Args:
            situation: The cells this phase (violence index, neighbourhood, share in Mali).
            state_power: State-side combat power per cell.
            support_share: Share of each cell's people actively supporting this group.
        """
        p = situation.params
        grid = situation.grid
        rate = p.expansion_rate
        src, dst = situation.topology.edge_src, situation.topology.edge_dst
        local_conflict = np.minimum(situation.violence_index / p.flight_threshold, 1.0)
        attraction = (0.02 + support_share + 0.05 * local_conflict) / (
            1.0 + (state_power / 50.0) ** 2
        )
        attraction = attraction * grid.share_in_mali
        # a fighter weighs the neighbouring cells against staying where it is
        denominator = attraction + np.bincount(src, weights=attraction[dst], minlength=grid.n_cells)
        share = attraction[dst] / np.maximum(denominator[src], 1e-12)
        flow = self.fighters[src] * rate * share
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
    ) -> np.ndarray:
        """Mass fighters from neighbouring cells on the cells the group can take this month.

        Jihadists "have continued to advance" (seed 002): besides diffusing, a group
        concentrates fighters for offensives against towns, bases and rival groups' zones.
        A cell is a target when the fighters in it plus the share ``jihadist_offensive_share``
        of those next to it would dominate (``control_dominance`` times the strongest other
        family's power, and at least the control threshold); among those, the group picks the
        ``jihadist_offensive_cells`` most populous it does not already control. Air cover
        (French air support and surveillance, seeds 000 and 002) makes massing costly: it
        removes that share of the massing into a cell.

        Args:
            situation: The cells this phase (people, neighbourhood, share in Mali).
            opponent_power: Strongest other controlling family's power per cell.
            threshold: Combat power needed to control each cell.
            controls: Cells the group already controls.
            air_cover: Share of massing prevented per cell (0-1).

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
        winnable = (
            (power >= p.control_dominance * opponent_power)
            & (power >= threshold)
            & ~controls
            & (grid.share_in_mali > 0)
        )
        if not winnable.any():
            return winnable
        prize = np.where(winnable, situation.population + 1.0, 0.0)
        k = min(k, int(winnable.sum()))
        target = np.zeros(n, dtype=bool)
        target[np.argpartition(prize, -k)[-k:]] = True
        target &= winnable
        # fighters next to several targets split between them; targets keep their own
        n_targets = np.bincount(src, weights=target[dst].astype(float), minlength=n)
        flow = (
            share[dst]
            * self.fighters[src]
            * target[dst]
            * ~target[src]
            / np.maximum(n_targets[src], 1.0)
        )
        self.fighters = (
            self.fighters
            - np.bincount(src, weights=flow, minlength=n)
            + np.bincount(dst, weights=flow, minlength=n)
        )
        return target

    def govern(self, controls: np.ndarray, rate: float) -> None:
        """Grow governance at ``rate`` where the group controls a cell; let it decay elsewhere."""
        self.governance = np.where(
            controls, self.governance + rate * (1.0 - self.governance), self.governance * 0.9
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
        w = self.base_weight
        s = w.sum()
        self.troops = total * w / s if s > 0 else np.zeros_like(w)

    @property
    def total(self) -> float:
        """Total troops deployed."""
        return float(self.troops.sum())
