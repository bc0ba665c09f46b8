"""The civilian population: representative civilian agents held as numpy arrays.

Each agent stands for ``weight`` people (about 400 at the default 50,000 agents in 2019) who share a
cell, a community, a livelihood, a hardship, a risk aversion, perceived legitimacies of the armed
families, a memory of violence suffered from each of them, an alignment and a status. There is
never a Python object per civilian: every rule below is one vectorised pass over all agents.

Monthly rules, one method of :class:`CivilianPopulation` each, in the order of
:meth:`CivilianPopulation.step` (docs/ODD.md section 7.1):

1. :meth:`~CivilianPopulation.victimise` (7.1.1): violence by a perpetrator in the agent's cell
   victimises ``reach`` people per person killed; victims remember it (memory decays each month)
   and the dead leave the weights;
2. :meth:`~CivilianPopulation.monthly_hardship` (7.1.2): baseline hardship raised by local
   violence, displacement and economic loss;
3. :meth:`~CivilianPopulation.update_legitimacy` (7.1.3): legitimacy drifts toward a local target
   (community base, state services, jihadist governance);
4. :meth:`~CivilianPopulation.activate` (7.1.4): Epstein's rule: grievance ``H(1-L)`` plus
   remembered victimisation, minus net risk ``R * P`` with ``P`` the estimated probability of
   reprisal from hostile armed presence; active when ``G - N > T``
   (:mod:`malisim.model.civil_violence`);
5. :meth:`~CivilianPopulation.choose_sides` (7.1.5): the active align with the most appealing
   family present other than the one they turned against;
6. :meth:`~CivilianPopulation.recruit` (7.1.6): a share of supporters' people join the supported
   armed group;
7. :meth:`~CivilianPopulation.flee_and_return` (7.1.7): flight when the local violence index
   passes a threshold (to the safest of a few cells within reach, or across the nearest border),
   return when home has been safe for a while;
8. :meth:`~CivilianPopulation.grow` (7.1.8): natural growth of every agent's weight;
9. :meth:`~CivilianPopulation.people_accounting` (7.1.9): the terms of the people-conservation
   identity, which the rules above keep up to date.

Every modelling constant is read from :class:`~malisim.model.parameters.Parameters` (the fixed
ones are declared with ``fixed=True``). The interface with the armed actors is
:meth:`CivilianPopulation.step`: local armed presence and violence per cell in
(:class:`CellSignals`); support, recruits and displacement out (:class:`CivilianOutputs`).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import pandas as pd

from malisim.model.civil_violence import arrest_probability, grievance, is_active, net_risk
from malisim.model.parameters import Parameters
from malisim.model.space import NEIGHBOUR_COUNTRIES, REGIONS, MaliGrid
from malisim.model.vocab import FAMILIES, N_FAMILIES, NO_SUPPORT, Family, Livelihood, Status

#: Communities, in the column order of ``data/communities.csv``.
COMMUNITIES: tuple[str, ...] = (
    "bambara_mande",
    "fulani",
    "dogon",
    "songhai",
    "tuareg_arab",
    "other",
)


@dataclass(frozen=True)
class CommunityTable:
    """Community shares per region and base legitimacy per community (``data/communities.csv``).

    Attributes:
        shares: ``(n_regions, n_communities)`` shares summing to 1 per region.
        base_legitimacy: ``(n_communities, n_families)`` base perceived legitimacy.
        herder_share: Share of each community's rural people who are herders.
    """

    shares: np.ndarray
    base_legitimacy: np.ndarray
    herder_share: np.ndarray


def load_community_table() -> CommunityTable:
    """Read the packaged community shares and base legitimacies."""
    with resources.files("malisim.data").joinpath("communities.csv").open("r") as fh:
        frame = pd.read_csv(fh, comment="#")
    regions = frame[frame["table"] == "region_share"].set_index("key")
    shares = regions.loc[list(REGIONS), list(COMMUNITIES)].to_numpy(float)
    shares = shares / shares.sum(axis=1, keepdims=True)
    legit = frame[frame["table"].str.startswith("legitimacy_")]
    base = np.zeros((len(COMMUNITIES), N_FAMILIES))
    for f, family in enumerate(FAMILIES):
        row = legit[legit["table"] == f"legitimacy_{family}"].iloc[0]
        base[:, f] = [float(row[c]) for c in COMMUNITIES]
    herder = frame[frame["table"] == "herder_share"].iloc[0]
    herder_share = np.array([float(herder[c]) for c in COMMUNITIES])
    return CommunityTable(shares=shares, base_legitimacy=base, herder_share=herder_share)


@dataclass
class CellSignals:
    """What the armed actors tell the civilians about each cell this month.

    Attributes:
        presence: ``(n_families, n_cells)`` armed persons of each family in the cell (state
            family: FAMa plus partners operating with it).
        killed: ``(4, n_cells)`` civilians killed this month by perpetrator family
            (state, foreign, jihadist, signatory; see :class:`malisim.model.vocab.Perpetrator`).
        killed_by_family: ``(n_families, n_cells)`` the same deaths as judged by civilians:
            foreign forces count against the state; jihadist deaths split JNIM / IS Sahel.
        violence_index: Smoothed local violence index per cell.
        authority: Family whose authority civilians face in each cell (its controller; the
            strongest family present where the cell is contested).
        governance: ``(n_families, n_cells)`` governance by each family (0 for the state).
        state_service: State presence / services per cell (0-1).
        economic_loss: GDP-index loss against trend per cell (0-1).
    """

    presence: np.ndarray
    killed: np.ndarray
    killed_by_family: np.ndarray
    violence_index: np.ndarray
    authority: np.ndarray
    governance: np.ndarray
    state_service: np.ndarray
    economic_loss: np.ndarray


@dataclass
class CivilianOutputs:
    """What the civilians return to the model each month (all per cell unless stated).

    Attributes:
        population: People present in each cell (residents and displaced).
        support: ``(n_families, n_cells)`` people actively supporting each family.
        recruits: ``(n_families, n_cells)`` people joining each family's armed group.
        idps: Displaced people present in each cell.
        refugees_by_country: People abroad per neighbouring country.
        civilians_killed: People removed by violence this month (national total).
        newly_displaced: People who fled this month (IDPs and refugees).
        returned: People who returned home this month.
    """

    population: np.ndarray
    support: np.ndarray
    recruits: np.ndarray
    idps: np.ndarray
    refugees_by_country: np.ndarray
    civilians_killed: float
    newly_displaced: float
    returned: float


@dataclass
class SideChoice:
    """The aligned agents of the month and the side each chose (``choose_sides``).

    Attributes:
        agents: Indices of the aligned agents.
        family: The family each of them supports.
        side_cell: The cell where each of them supports it (its own cell; the home cell for the
            displaced).
    """

    agents: np.ndarray
    family: np.ndarray
    side_cell: np.ndarray


class CivilianPopulation:
    """Representative civilian agents as structure-of-arrays.

    Args:
        grid: The regional grid.
        params: Model parameters, read by every rule (the scenario's values: policies that
            change parameters during a run do not reach the civilians).
        rng: The ``setup`` random generator (used only here, for the initial population).
        total_people: People at the start date.

    Attributes:
        cell: Current cell of each agent (int16).
        home: Home cell of each agent (int16).
        weight: People each agent stands for (float64, for exact accounting).
        community: Community code (int8, into :data:`COMMUNITIES`).
        livelihood: :class:`Livelihood` code (int8).
        hardship0: Baseline hardship (float32).
        risk_aversion: Risk aversion (float32).
        legitimacy: ``(N, n_families)`` perceived legitimacy (float32).
        memory: ``(N, n_families)`` remembered victimisation (float32).
        active: Whether the agent is active (Epstein's state) against its enemy: its cell's
            authority, or the family it resents most (:meth:`activate`).
        support: Supported family, or -1 (int8).
        status: :class:`Status` code (int8).
        country: Neighbouring-country code of refugees, -1 otherwise (int8).
    """

    def __init__(
        self, grid: MaliGrid, params: Parameters, rng: np.random.Generator, total_people: float
    ) -> None:
        self.grid = grid
        self.params = params
        self.table = load_community_table()
        n_agents = int(params.n_civilian_agents)
        pop = np.asarray(grid.population, dtype=np.float64)
        pop = pop / pop.sum() * total_people
        counts = _allocate(pop, n_agents)
        cell = np.repeat(np.arange(grid.n_cells), counts)
        n = cell.size
        self.cell = cell.astype(np.int16)
        self.home = self.cell.copy()
        self.weight = pop[cell] / counts[cell]

        region = grid.region[cell]
        cum = np.cumsum(self.table.shares[region], axis=1)
        u = rng.random(n)
        self.community = (u[:, None] > cum).sum(axis=1).clip(0, len(COMMUNITIES) - 1)
        self.community = self.community.astype(np.int8)

        town_share = _town_share(grid, pop, params)
        urban = rng.random(n) < town_share[cell]
        herder = rng.random(n) < self.table.herder_share[self.community]
        self.livelihood = np.where(
            urban, Livelihood.URBAN, np.where(herder, Livelihood.HERDER, Livelihood.FARMER)
        ).astype(np.int8)

        mean = params.hardship_mean
        concentration = params.hardship_concentration
        self.hardship0 = rng.beta(mean * concentration, (1 - mean) * concentration, n).astype(
            np.float32
        )
        self.risk_aversion = rng.random(n).astype(np.float32)
        base = self.table.base_legitimacy[self.community]
        noise = rng.normal(0.0, params.legitimacy_noise_sd, (n, N_FAMILIES))
        self.legitimacy = np.clip(base + noise, 0.0, 1.0).astype(np.float32)
        self.memory = np.zeros((n, N_FAMILIES), dtype=np.float32)
        self.support = np.full(n, NO_SUPPORT, dtype=np.int8)
        self.active = np.zeros(n, dtype=bool)
        self.status = np.full(n, Status.RESIDENT, dtype=np.int8)
        self.country = np.full(n, -1, dtype=np.int8)
        self._safe_months = np.zeros(grid.n_cells, dtype=np.int32)
        self._present: np.ndarray | None = None

        # people accounting (conservation): initial + growth = present + abroad + killed + joined
        self.initial_people = float(self.weight.sum())
        self.growth_people = 0.0
        self.killed_people = 0.0
        self.joined_people = 0.0
        self._monthly_growth = (1.0 + params.population_growth) ** (1.0 / 12.0) - 1.0

    # ------------------------------------------------------------------ initial displacement
    def seed_displacement(
        self, idps: float, refugees: float, origin_weight: np.ndarray, rng: np.random.Generator
    ) -> None:
        """Mark agents as displaced or refugees at the start, from the most affected cells.

        Agents are drawn with probability proportional to ``origin_weight`` of their cell until
        the target numbers of people are reached. IDPs move to the nearest safer cell of their
        reach (lowest origin weight); refugees go to the country of the nearest border.

        Args:
            idps: Target displaced people.
            refugees: Target refugees abroad.
            origin_weight: Per-cell weight of being an origin of displacement.
            rng: The setup generator.
        """
        grid = self.grid
        w = origin_weight[self.cell] * (self.status == Status.RESIDENT)
        if w.sum() <= 0 or idps + refugees <= 0:
            return
        keys = rng.random(self.cell.size) ** (1.0 / np.maximum(w, 1e-12))
        order = np.argsort(-keys, kind="stable")
        cum = np.cumsum(self.weight[order])
        n_ref = int(np.searchsorted(cum, refugees))
        n_idp = int(np.searchsorted(cum, refugees + idps)) - n_ref
        ref = order[:n_ref]
        idp = order[n_ref : n_ref + n_idp]
        self.status[ref] = Status.REFUGEE
        self.country[ref] = grid.nearest_border_country[self.cell[ref]]
        indptr, indices = grid.within(self.params.flight_radius)
        dest = self._choose_destinations(
            self.cell[idp], origin_weight, indptr, indices, rng, self.params
        )
        self.status[idp] = Status.DISPLACED
        self.cell[idp] = dest

    # ------------------------------------------------------------------ the monthly step
    def step(
        self,
        signals: CellSignals,
        rngs: dict[str, np.random.Generator],
        dialogue: np.ndarray | float = 0.0,
    ) -> CivilianOutputs:
        """Apply one month of civilian rules (docs/ODD.md 7.1.1-7.1.9) and return the outputs.

        Args:
            signals: Per-cell armed presence, violence and governance this month.
            rngs: Named generators: ``victimisation`` and ``movement``.
            dialogue: Intensity of dialogue with JNIM, per cell or for all (cuts JNIM
                recruitment by this share).

        Returns:
            Per-cell support, recruits, population and displacement.
        """
        cell = self.cell.astype(np.intp)  # nobody moves before flight and return (7.1.7)
        here = self.status != Status.REFUGEE
        present = self._people_present(cell, here)
        killed = self.victimise(signals, cell, here, present, rngs["victimisation"])  # 7.1.1
        hardship = self.monthly_hardship(signals, cell)  # 7.1.2
        self.update_legitimacy(signals, cell)  # 7.1.3
        enemy = self.activate(signals, hardship, cell, here)  # 7.1.4
        sides = self.choose_sides(signals, enemy, cell)  # 7.1.5
        recruits = self.recruit(sides, enemy, dialogue)  # 7.1.6
        support = self.count_supporters(sides)  # after the joiners left, before growth
        newly_displaced, returned = self.flee_and_return(  # 7.1.7
            signals.violence_index, rngs["movement"]
        )
        self.grow()  # 7.1.8
        return self.census(support, recruits, killed, newly_displaced, returned)

    def _people_present(self, cell: np.ndarray, here: np.ndarray) -> np.ndarray:
        """People present per cell: last month's census, counted afresh in the first month."""
        present = self._present
        if present is None:  # first month: nothing has counted the people yet
            present = np.bincount(cell, weights=self.weight * here, minlength=self.grid.n_cells)
        return present

    # ------------------------------------------------------------------ 7.1.1 victimisation
    def victimise(
        self,
        signals: CellSignals,
        cell: np.ndarray,
        here: np.ndarray,
        present: np.ndarray,
        rng: np.random.Generator,
    ) -> float:
        """Decay memories, let this month's killings victimise and remove the dead.

        One uniform per agent (a fixed number of draws keeps random numbers common across
        scenarios) selects at most one victimising family per agent and month; the victim's
        memory of that family grows by ``memory_increment``. Every non-refugee agent of a cell
        with deaths keeps the share of its weight that survived.

        Args:
            signals: This month's killings per perpetrator and per family as judged by civilians.
            cell: Current cell of each agent (intp).
            here: Whether each agent is in Mali (not a refugee).
            present: People present per cell.
            rng: The ``victimisation`` generator.

        Returns:
            People killed this month (also added to the conservation accounting).
        """
        p = self.params
        u_hit = rng.random(self.cell.size, dtype=np.float32)
        self.memory *= np.float32(p.memory_decay)
        killed_cell = np.minimum(signals.killed.sum(axis=0), present)
        exposed_cells = signals.killed_by_family.sum(axis=0) > 0
        if exposed_cells.any():
            hit_rate = signals.killed_by_family * p.victimisation_reach / np.maximum(present, 1.0)
            p_cell = 1.0 - np.exp(-hit_rate)  # (families, cells)
            p_cell *= np.minimum(1.0, 1.0 / np.maximum(p_cell.sum(axis=0), 1e-12))
            bounds = np.cumsum(p_cell, axis=0)
            idx = np.flatnonzero(exposed_cells[cell] & here)
            b = bounds[:, cell[idx]]  # (families, exposed agents)
            fam = (u_hit[idx][None, :] >= b).sum(axis=0)
            hit = fam < N_FAMILIES
            self.memory[idx[hit], fam[hit]] += np.float32(p.memory_increment)
            survive = 1.0 - killed_cell / np.maximum(present, 1e-9)
            hit_cells = np.flatnonzero((killed_cell > 0)[cell] & here)
            lost = self.weight[hit_cells] * (1.0 - survive[cell[hit_cells]])
            self.weight[hit_cells] -= lost
            killed = float(lost.sum())
        else:
            killed = 0.0
        self.killed_people += killed
        return killed

    # ------------------------------------------------------------------ 7.1.2 hardship
    def monthly_hardship(self, signals: CellSignals, cell: np.ndarray) -> np.ndarray:
        """Return this month's hardship: baseline plus local violence, displacement, economy.

        Args:
            signals: This month's violence index and economic loss per cell.
            cell: Current cell of each agent (intp).

        Returns:
            Hardship per agent in [0, 1] (float32).
        """
        p = self.params
        displaced = (self.status != Status.RESIDENT).astype(np.float32)
        return np.clip(
            self.hardship0
            + p.hardship_conflict_weight * signals.violence_index[cell]
            + p.hardship_displaced * displaced
            + p.hardship_economy_weight * signals.economic_loss[cell],
            0.0,
            1.0,
        ).astype(np.float32)

    # ------------------------------------------------------------------ 7.1.3 legitimacy
    def update_legitimacy(self, signals: CellSignals, cell: np.ndarray) -> None:
        """Move perceived legitimacy toward a target set by community and cell.

        The state's target is its community base scaled by the state's services in the cell;
        jihadist groups add legitimacy where they govern; targets are clipped to [0, 1].

        Args:
            signals: This month's state services and governance per cell.
            cell: Current cell of each agent (intp).
        """
        p = self.params
        n_cells = self.grid.n_cells
        n_comm = len(COMMUNITIES)
        target = np.repeat(self.table.base_legitimacy[:, None, :], n_cells, axis=1)
        target[:, :, Family.STATE] *= (
            p.state_legitimacy_without_service
            + p.state_legitimacy_service_share * signals.state_service[None, :]
        )
        target[:, :, 1:] += p.jihadist_governance_legitimacy * signals.governance[1:].T[None]
        np.clip(target, 0.0, 1.0, out=target)
        target = target.reshape(n_comm * n_cells, N_FAMILIES).astype(np.float32)
        key = self.community.astype(np.intp) * n_cells + cell
        self.legitimacy += np.float32(p.legitimacy_adjustment) * (
            np.take(target, key, axis=0) - self.legitimacy
        )

    # ------------------------------------------------------------------ 7.1.4 activation
    def activate(
        self, signals: CellSignals, hardship: np.ndarray, cell: np.ndarray, here: np.ndarray
    ) -> np.ndarray:
        """Epstein's rule against the family each civilian resents most; sets :attr:`active`.

        The estimated reprisal probability weighs the enemy's armed presence within vision
        against the people active within vision last month (the agent counting itself).

        Args:
            signals: This month's armed presence and authority per cell.
            hardship: This month's hardship per agent.
            cell: Current cell of each agent (intp).
            here: Whether each agent is in Mali (refugees are never active).

        Returns:
            The enemy family of each agent (the family it is active against, if active).
        """
        p = self.params
        n_cells = self.grid.n_cells
        indptr, indices = self.grid.within(p.vision_radius)
        src = np.repeat(np.arange(n_cells), np.diff(indptr))
        seen = signals.presence + np.vstack(
            [np.bincount(src, weights=row[indices], minlength=n_cells) for row in signals.presence]
        )
        g, enemy = self._grievance_and_enemy(signals, hardship, cell, seen)
        prev_active = self._active_people(n_cells)
        seen_active = prev_active + np.bincount(
            src, weights=prev_active[indices], minlength=n_cells
        )
        p_reprisal = arrest_probability(
            p.deterrence_scale * np.take(seen, enemy * n_cells + cell),
            seen_active[cell] + self.weight,
            k=p.arrest_k,
            rounding="none",
        )
        active = is_active(g, net_risk(self.risk_aversion, p_reprisal), p.activation_threshold)
        active &= here
        self.active = active
        return enemy

    def _grievance_and_enemy(
        self, signals: CellSignals, hardship: np.ndarray, cell: np.ndarray, seen: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Grievance of each agent against its enemy, and the enemy.

        Grievance against the cell's authority (its controller; the strongest family where
        contested) is Epstein's hardship times illegitimacy; against every family it adds the
        remembered victimisation by that family (Bennett 2008). The enemy is the most resented
        family among those within vision: victims of one side may turn against it wherever it
        operates, "a means of self-defense and retribution" (CRS2020). Only victims (memory
        above ``retribution_memory_floor``) can resent another family more than the authority.

        Args:
            signals: This month's authority per cell.
            hardship: This month's hardship per agent.
            cell: Current cell of each agent (intp).
            seen: ``(n_families, n_cells)`` armed presence within vision.

        Returns:
            ``(grievance, enemy)`` per agent.
        """
        p = self.params
        n_cells = self.grid.n_cells
        n = self.cell.size
        vw = np.float32(p.victimisation_weight)
        candidate = seen > 0
        candidate[signals.authority, np.arange(n_cells)] = True
        auth = signals.authority[cell].astype(np.intp)
        flat_auth = np.arange(0, n * N_FAMILIES, N_FAMILIES) + auth
        g = np.minimum(
            grievance(hardship, np.take(self.legitimacy, flat_auth))
            + vw * np.take(self.memory, flat_auth),
            np.float32(1.0),
        )
        enemy = auth.copy()
        mem = self.memory
        most = np.maximum(np.maximum(mem[:, 0], mem[:, 1]), np.maximum(mem[:, 2], mem[:, 3]))
        victims = np.flatnonzero(most > np.float32(p.retribution_memory_floor))
        if victims.size:
            g_v = vw * np.take(mem, victims, axis=0)
            g_v[np.arange(victims.size), auth[victims]] = g[victims]
            np.minimum(g_v, np.float32(1.0), out=g_v)
            g_v = np.where(candidate[:, cell[victims]].T, g_v, np.float32(-1.0))
            enemy_v = np.argmax(g_v, axis=1)
            enemy[victims] = enemy_v
            g[victims] = g_v[np.arange(victims.size), enemy_v]
        return g, enemy

    def _active_people(self, n_cells: int) -> np.ndarray:
        """People per cell who were active last month (Epstein's A, in people)."""
        return np.bincount(self.cell, weights=self.weight * self.active, minlength=n_cells)

    # ------------------------------------------------------------------ 7.1.5 choice of side
    def choose_sides(self, signals: CellSignals, enemy: np.ndarray, cell: np.ndarray) -> SideChoice:
        """The side the active support; sets :attr:`support`.

        Among the families present in their side cell (their own cell; the home cell for the
        displaced, who can join the groups of their home area) other than the enemy, the active
        pick the most legitimate, least abusive, best present family; they are aligned with it
        only if it appeals more than the enemy (otherwise: discontent without an armed patron).

        Args:
            signals: This month's armed presence per cell.
            enemy: The enemy family of each agent (:meth:`activate`).
            cell: Current cell of each agent (intp).

        Returns:
            The aligned agents, their family and side cell.
        """
        p = self.params
        vw = np.float32(p.victimisation_weight)
        present_here = signals.presence > 0
        idx = np.flatnonzero(self.active)
        a_cell = np.where(self.status[idx] == Status.DISPLACED, self.home[idx], cell[idx]).astype(
            np.intp
        )
        keep = (present_here.sum(axis=0) > 0)[a_cell]
        idx, a_cell = idx[keep], a_cell[keep]
        total_presence = signals.presence.sum(axis=0)
        presence_share = np.divide(
            signals.presence, total_presence, out=np.zeros_like(signals.presence),
            where=total_presence > 0,
        )  # fmt: skip
        presence_term = (p.presence_appeal * presence_share).astype(np.float32)
        appeal = (
            np.take(self.legitimacy, idx, axis=0)
            - vw * np.take(self.memory, idx, axis=0)
            + np.take(presence_term, a_cell, axis=1).T
        )
        rows_a = np.arange(idx.size)
        appeal_of_enemy = appeal[rows_a, enemy[idx]].copy()
        appeal = np.where(np.take(present_here, a_cell, axis=1).T, appeal, -np.inf)
        appeal[rows_a, enemy[idx]] = -np.inf
        choice = np.argmax(appeal, axis=1)
        chosen = appeal[rows_a, choice]
        aligned = np.isfinite(chosen) & (chosen > appeal_of_enemy)
        support = np.full(self.cell.size, NO_SUPPORT, dtype=np.int8)
        support[idx[aligned]] = choice[aligned]
        self.support = support
        return SideChoice(agents=idx[aligned], family=choice[aligned], side_cell=a_cell[aligned])

    def count_supporters(self, sides: SideChoice) -> np.ndarray:
        """People supporting each family per side cell, ``(n_families, n_cells)``."""
        n_cells = self.grid.n_cells
        flat = sides.family * n_cells + sides.side_cell
        return np.bincount(
            flat, weights=self.weight[sides.agents], minlength=N_FAMILIES * n_cells
        ).reshape(N_FAMILIES, -1)

    # ------------------------------------------------------------------ 7.1.6 recruitment
    def recruit(
        self, sides: SideChoice, enemy: np.ndarray, dialogue: np.ndarray | float
    ) -> np.ndarray:
        """A share of supporters' people join their family's armed group in the side cell.

        Pro-state supporters back the state but do not join (FAMa recruits through its
        budget); dialogue cuts JNIM recruitment; victims take up arms far more readily against
        those who hurt them ("a means of self-defense and retribution", CRS2020).

        Args:
            sides: The aligned agents (:meth:`choose_sides`).
            enemy: The enemy family of each agent (:meth:`activate`).
            dialogue: Intensity of dialogue with JNIM, per cell or for all.

        Returns:
            ``(n_families, n_cells)`` recruits (also added to the conservation accounting).
        """
        p = self.params
        n_cells = self.grid.n_cells
        sup, fam = sides.agents, sides.family
        dialogue_here = np.broadcast_to(np.asarray(dialogue, float), (n_cells,))[sides.side_cell]
        rate = np.where(fam == Family.JNIM, p.join_rate * (1.0 - dialogue_here), p.join_rate)
        rate = np.where(fam == Family.STATE, 0.0, rate)
        remembered = np.take(self.memory, sup * N_FAMILIES + enemy[sup])
        rate = rate * (1.0 + p.retribution_join_multiplier * remembered)
        joining = self.weight[sup] * rate
        self.weight[sup] -= joining
        self.joined_people += float(joining.sum())
        flat = fam * n_cells + sides.side_cell
        return np.bincount(flat, weights=joining, minlength=N_FAMILIES * n_cells).reshape(
            N_FAMILIES, -1
        )

    # ------------------------------------------------------------------ 7.1.7 flight and return
    def flee_and_return(
        self, violence: np.ndarray, rng: np.random.Generator
    ) -> tuple[float, float]:
        """Return to homes safe for a while, then flight from violent cells.

        Two uniforms per agent and month (a fixed count keeps random numbers common): one
        decides flight or return, the other whether a flight crosses the border. People cannot
        flee and return in the same month.

        Args:
            violence: This month's violence index per cell.
            rng: The ``movement`` generator.

        Returns:
            ``(newly displaced, returned)`` people.
        """
        n = self.cell.size
        u_move, u_ref = rng.random((2, n), dtype=np.float32)
        cell = self.cell.astype(np.intp)
        going_home, returned = self._return_home(violence, u_move)
        newly = self._flee(violence, cell, going_home, u_move, u_ref, rng)
        return newly, returned

    def _return_home(self, violence: np.ndarray, u_return: np.ndarray) -> tuple[np.ndarray, float]:
        """Count safe months per cell; send home those whose home has been safe long enough.

        A cell is safe when its violence index is below ``return_safe_share`` of the flight
        threshold.

        Returns:
            ``(mask of the agents who went home, people who went home)``.
        """
        p = self.params
        safe = violence < p.flight_threshold * p.return_safe_share
        self._safe_months = np.where(safe, self._safe_months + 1, 0)
        away = np.flatnonzero((self.status != Status.RESIDENT) & (u_return < p.return_rate))
        away = away[self._safe_months[self.home[away]] >= p.return_safe_months]
        going_home = np.zeros(self.cell.size, dtype=bool)
        going_home[away] = True
        returned = float(self.weight[going_home].sum())
        self.cell[going_home] = self.home[going_home]
        self.status[going_home] = Status.RESIDENT
        self.country[going_home] = -1
        return going_home, returned

    def _flee(
        self,
        violence: np.ndarray,
        cell: np.ndarray,
        going_home: np.ndarray,
        u_flee: np.ndarray,
        u_refugee: np.ndarray,
        rng: np.random.Generator,
    ) -> float:
        """Flight: perceived risk is the violence index scaled by ``flight_risk_offset + R``.

        Returns:
            People who fled this month (refugees and newly displaced).
        """
        p = self.params
        grid = self.grid
        # only agents in cells violent enough for the most risk-averse (R = 1) to consider it
        most_averse = p.flight_risk_offset + 1.0
        candidates = (violence * most_averse > p.flight_threshold)[cell] & (u_flee < p.flight_rate)
        idx = np.flatnonzero(candidates & (self.status != Status.REFUGEE) & ~going_home)
        risk = violence[cell[idx]] * (p.flight_risk_offset + self.risk_aversion[idx])
        idx = idx[risk > p.flight_threshold]
        if idx.size == 0:
            return 0.0
        origin = cell[idx]
        border_steps = _chebyshev(grid, origin, grid.nearest_border_cell[origin])
        reachable = border_steps <= p.flight_radius
        to_border = reachable & (u_refugee[idx] < p.refugee_share)
        ref = idx[to_border]
        self.status[ref] = Status.REFUGEE
        self.country[ref] = grid.nearest_border_country[cell[ref]]
        idp = idx[~to_border]
        if idp.size:
            indptr, indices = grid.within(p.flight_radius)
            dest = self._choose_destinations(cell[idp], violence, indptr, indices, rng, p)
            moved = dest != cell[idp]
            idp = idp[moved]
            self.cell[idp] = dest[moved]
            self.status[idp] = Status.DISPLACED
        return float(self.weight[ref].sum() + self.weight[idp].sum())

    @staticmethod
    def _choose_destinations(
        origin: np.ndarray,
        danger: np.ndarray,
        indptr: np.ndarray,
        indices: np.ndarray,
        rng: np.random.Generator,
        params: Parameters,
    ) -> np.ndarray:
        """Pick, for each origin, the least dangerous of a few random cells within reach.

        ``params.flight_destination_candidates`` cells are drawn with replacement; the origin is
        kept unless the best of them is strictly less dangerous.
        """
        start = indptr[origin]
        size = indptr[origin + 1] - start
        has = size > 0
        draws = rng.random((origin.size, params.flight_destination_candidates))
        pick = start[:, None] + (draws * np.maximum(size, 1)[:, None]).astype(np.intp)
        pick = np.where(has[:, None], pick, 0)
        cand = np.where(has[:, None], indices[pick], origin[:, None])
        best = np.argmin(danger[cand], axis=1)
        dest = cand[np.arange(origin.size), best]
        return np.where(danger[dest] < danger[origin], dest, origin)

    # ------------------------------------------------------------------ 7.1.8 growth
    def grow(self) -> None:
        """Natural growth of every agent's weight (refugees included)."""
        growth = self.weight * self._monthly_growth
        self.weight += growth
        self.growth_people += float(growth.sum())

    # ------------------------------------------------------------------ 7.1.9 accounting
    def census(
        self,
        support: np.ndarray,
        recruits: np.ndarray,
        killed: float,
        newly_displaced: float,
        returned: float,
    ) -> CivilianOutputs:
        """Count the people per cell after this month's rules and assemble the outputs.

        The people present are kept for next month's victimisation (nobody else changes the
        people in between).
        """
        n_cells = self.grid.n_cells
        cell = self.cell.astype(np.intp)
        here = self.status != Status.REFUGEE
        population = np.bincount(cell, weights=self.weight * here, minlength=n_cells)
        self._present = population
        disp = self.status == Status.DISPLACED
        idps = np.bincount(cell, weights=self.weight * disp, minlength=n_cells)
        ref = self.status == Status.REFUGEE
        refugees = np.bincount(
            self.country[ref].astype(np.intp),
            weights=self.weight[ref],
            minlength=len(NEIGHBOUR_COUNTRIES),
        )
        return CivilianOutputs(
            population=population,
            support=support,
            recruits=recruits,
            idps=idps,
            refugees_by_country=refugees,
            civilians_killed=float(killed),
            newly_displaced=newly_displaced,
            returned=returned,
        )

    # ------------------------------------------------------------------ read-outs
    def people_accounting(self) -> dict[str, float]:
        """Return the terms of the conservation identity.

        ``initial + growth == residents + displaced + refugees + killed + joined``.
        """
        w = self.weight
        return {
            "initial": self.initial_people,
            "growth": self.growth_people,
            "residents": float(w[self.status == Status.RESIDENT].sum()),
            "displaced": float(w[self.status == Status.DISPLACED].sum()),
            "refugees": float(w[self.status == Status.REFUGEE].sum()),
            "killed": self.killed_people,
            "joined_armed_groups": self.joined_people,
        }

    def nbytes_per_agent(self) -> float:
        """Return the bytes of per-agent state divided by the number of agents."""
        arrays = (
            self.cell, self.home, self.weight, self.community, self.livelihood, self.hardship0,
            self.risk_aversion, self.legitimacy, self.memory, self.active, self.support,
            self.status,
            self.country,
        )  # fmt: skip
        return sum(a.nbytes for a in arrays) / self.cell.size


def _allocate(population: np.ndarray, n_agents: int) -> np.ndarray:
    """Agents per cell proportional to population (largest remainder), at least 1 if inhabited."""
    inhabited = population > 0
    n_agents = max(n_agents, int(inhabited.sum()))
    ideal = population / population.sum() * n_agents
    counts = np.floor(ideal).astype(np.int64)
    counts[inhabited] = np.maximum(counts[inhabited], 1)
    short = n_agents - counts.sum()
    if short > 0:
        order = np.argsort(-(ideal - counts), kind="stable")
        counts[order[:short]] += 1
    return counts


def _town_share(grid: MaliGrid, pop: np.ndarray, params: Parameters) -> np.ndarray:
    """Share of each cell's people living in towns (cells holding a main town are urban-ish).

    The share grows with the cell's density (people over its share inside Mali, floored) up to
    a cap; a cell holding a main town has at least a floor share, the others a reduced share.
    """
    p = params
    has_town = np.array([bool(t) for t in grid.main_town])
    density = pop / np.maximum(grid.share_in_mali, p.town_min_area_share)
    share = np.clip(density / p.town_density_scale, 0.0, p.town_share_cap)
    return np.where(
        has_town, np.maximum(share, p.town_share_floor), share * p.town_share_rural_factor
    )


def _chebyshev(grid: MaliGrid, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Grid steps between cells ``a`` and ``b`` (Chebyshev distance on row/col)."""
    return np.maximum(np.abs(grid.row[a] - grid.row[b]), np.abs(grid.col[a] - grid.col[b]))
