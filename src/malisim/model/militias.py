"""Communal militias (issue 18, item 1): mobilisation, clashes and communal massacres.

Dan Na Ambassagou (Dogon country), the Dozo hunters (Bambara) and Fulani self-defence groups
are mobilised by communal grievance and by attacks on their community in recent months (a memory
that decays), strengthened by state backing, and bounded by the fighting-age people of their
community (the same pool as jihadist recruitment: ``civilians.manpower_factor`` with
``manpower_share``). Their fighters are held per militia and cell (:class:`Militias`), near
their home areas (``data/home_areas.csv``, pulled by :func:`malisim.model.actors.home_pull`);
they come from and return to the civilian agents of their community in the cell
(:func:`move_people`). They fight the jihadists where both are present (:func:`militia_clashes`)
and attack the communities they hold responsible (:func:`communal_attacks`), with tolls drawn
from the model's heavy-tailed massacre law (:func:`malisim.model.conflict.massacre_toll`); an
attack on a community feeds its own militia's memory of attacks (:func:`attacks_suffered`), the
cycle of reprisals.

The rules are pure, vectorised functions over militias and cells; :class:`Militias` holds the
state and :meth:`Militias.violence` and :meth:`Militias.mobilise_month` are what the model's
phases call.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from malisim.model.actors import Belligerents, home_pull
from malisim.model.attribution import FULANI_SIDE, record_reprisals
from malisim.model.civilians import COMMUNITIES, CivilianPopulation
from malisim.model.conflict import (
    FOREIGN,
    JIHADIST,
    MILITIA,
    STATE,
    MonthlyViolence,
    massacre_toll,
    protection,
)
from malisim.model.events import EventLog
from malisim.model.parameters import Parameters
from malisim.model.situation import Situation
from malisim.model.vocab import N_FAMILIES, Family, Status

#: Militia keys (event-log actor keys and home-area groups), in row order.
MILITIA_KEYS: tuple[str, ...] = ("dan_na_ambassagou", "dozo", "fulani_militia")
#: Militia actor names as ACLED records them, with ACLED's inter code for identity militias.
MILITIA_ACTORS: tuple[str, ...] = (
    "Dan Na Ambassagou",
    "Dozo Communal Militia (Mali)",
    "Fulani Ethnic Militia (Mali)",
)
ACLED_IDENTITY_MILITIA_INTER = 4
#: The community each militia is drawn from (codes into ``civilians.COMMUNITIES``).
MILITIA_COMMUNITY: tuple[int, ...] = (
    COMMUNITIES.index("dogon"),
    COMMUNITIES.index("bambara_mande"),
    COMMUNITIES.index("fulani"),
)
#: The communities each militia holds responsible and attacks (defenceWeb2018militia: Dozos and
#: Dogon militias attack Fulani villages; Fulani militia target Dogon and Bambara civilians).
MILITIA_TARGETS: tuple[tuple[int, ...], ...] = (
    (COMMUNITIES.index("fulani"),),
    (COMMUNITIES.index("fulani"),),
    (COMMUNITIES.index("dogon"), COMMUNITIES.index("bambara_mande")),
)
#: The civilian families whose victimisation each militia's community resents: the jihadists for
#: the Dogon and Bambara; for the Fulani the state, whose forces and backed militias abuse them
#: (CRS2020: abuses by state forces and ethnic militias "a means of self-defense and
#: retribution").
GRIEVANCE_FAMILIES: tuple[tuple[int, ...], ...] = (
    (Family.JNIM, Family.IS_SAHEL),
    (Family.JNIM, Family.IS_SAHEL),
    (Family.STATE,),
)
#: The civilian family held responsible for each militia's killings (rows of
#: ``MonthlyViolence.civilians_killed_militia_split`` into ``killed_by_family``): the Fulani
#: hold the state responsible for the Dogon and Dozo militias it backs (CRS2020: "state backing
#: or tacit support"); the Dogon and Bambara see Fulani militias as the jihadists' (HRW2020central:
#: self-defence groups formed against Peuhl recruitment by armed Islamists).
BLAMED_FAMILY: tuple[int, ...] = (Family.STATE, Family.STATE, Family.JNIM)
N_MILITIAS = len(MILITIA_KEYS)
#: The row of the Fulani self-defence groups (whose attacks may be recorded as JNIM's).
_FULANI = MILITIA_KEYS.index(FULANI_SIDE)
#: The rows of :data:`MILITIA_COMMUNITY` as an index array (one fancy index for all militias).
_MILITIA_ROWS = np.array(MILITIA_COMMUNITY, dtype=np.intp)
#: The (militia, targeted community) pairs of :func:`communal_attacks`, in draw order.
_ATTACK_PAIRS: tuple[tuple[int, int], ...] = tuple(
    (m, t) for m in range(N_MILITIAS) for t in MILITIA_TARGETS[m]
)
_REFUGEE = np.int8(Status.REFUGEE)


def attack_memory(memory: np.ndarray, attacks: np.ndarray, params: Parameters) -> np.ndarray:
    """Update each community's memory of attacks suffered: decay, then add this month's attacks.

    Args:
        memory: Memory per militia (events, decayed).
        attacks: Attacks suffered by each militia's community this month.
        params: Model parameters (``militia_memory_decay``).

    Returns:
        The new memory, same shape.
    """
    return memory * (1.0 - params.militia_memory_decay) + np.asarray(attacks, dtype=float)


def mobilisation_target(
    grievance: np.ndarray, memory: np.ndarray, backing: np.ndarray, params: Parameters
) -> np.ndarray:
    """Share of a community's fighting-age pool its militia wants under arms.

    ``base * (1 + grievance_weight * grievance + attack_weight * memory) * (1 + backing_boost *
    backing)``, capped at 1 (the whole pool).

    Args:
        grievance: Mean communal grievance per militia, in ``[0, 1]``.
        memory: Memory of attacks on the community (``attack_memory``).
        backing: State backing per militia, in ``[0, 1]``.
        params: Model parameters.

    Returns:
        Target share of the pool, in ``[0, 1]``.
    """
    drive = 1.0 + params.militia_grievance_weight * np.asarray(grievance, dtype=float)
    drive = drive + params.militia_attack_weight * np.asarray(memory, dtype=float)
    boost = 1.0 + params.militia_backing_boost * np.asarray(backing, dtype=float)
    return np.minimum(params.militia_base_mobilisation * drive * boost, 1.0)


def manpower_factors(
    wanted: np.ndarray, joined: np.ndarray, people: np.ndarray, share: float
) -> np.ndarray:
    """:func:`malisim.model.civilians.manpower_factor`, element-wise over militias and cells.

    Args:
        wanted: Recruits of the month before the bound.
        joined: Fighters already under arms.
        people: People of the community who are not fighting.
        share: ``manpower_share``.

    Returns:
        Factors in ``[0, 1]`` to multiply the recruits by (same rule as the scalar function).
    """
    pool = share * (people + joined)
    left = np.maximum(pool - joined, 0.0)
    safe_pool = np.where(pool > 0.0, pool, 1.0)
    safe_wanted = np.where(wanted > 0.0, wanted, 1.0)
    bounded = np.minimum(np.minimum(left / safe_pool, left / safe_wanted), 1.0)
    return np.where(pool <= 0.0, 0.0, np.where(wanted <= 0.0, 1.0, bounded))


def mobilise(
    fighters: np.ndarray,
    people: np.ndarray,
    grievance: np.ndarray,
    memory: np.ndarray,
    backing: np.ndarray,
    params: Parameters,
    reach: np.ndarray | float = 1.0,
) -> np.ndarray:
    """Militia fighters after one month: move towards the target, never beyond the pool.

    The pool is the community's fighting-age people, ``manpower_share * (people + fighters)``;
    the target is :func:`mobilisation_target` of it, times the pull of the militia's home areas
    (``reach``, 1 at home); recruits are scaled by :func:`manpower_factors` so fighters never
    exceed the pool; demobilisation when the target falls is at ``militia_adjust_rate``.

    Args:
        fighters: Fighters per militia (or per militia and cell).
        people: People of each militia's community who are not fighting (same shape).
        grievance: Mean communal grievance per militia (broadcast against ``fighters``).
        memory: Memory of attacks on the community (broadcast).
        backing: State backing per militia (broadcast).
        params: Model parameters.
        reach: Pull of the home areas per cell, in ``[0, 1]`` (broadcast).

    Returns:
        New fighters (people move between ``people`` and fighters; the caller moves them).
    """
    fighters = np.asarray(fighters, dtype=float)
    people = np.asarray(people, dtype=float)
    pool = params.manpower_share * (people + fighters)
    target = mobilisation_target(grievance, memory, backing, params) * reach * pool
    gap = params.militia_adjust_rate * (target - fighters)
    wanted = np.maximum(gap, 0.0)
    factor = manpower_factors(wanted, fighters, people, params.manpower_share)
    new = fighters + wanted * factor + np.minimum(gap, 0.0)
    return np.clip(new, 0.0, np.maximum(pool, fighters))


#: The distinct sets of families the militias' communities resent (rows of
#: :data:`GRIEVANCE_FAMILIES`), the first the one most agents' communities resent.
_RESENTED: tuple[tuple[int, ...], ...] = tuple(dict.fromkeys(GRIEVANCE_FAMILIES))
#: Per community, the set it resents (index into ``_RESENTED``; 0 without a militia).
_RESENTED_BY_COMMUNITY = np.zeros(len(COMMUNITIES), dtype=np.intp)
for _m, _k in enumerate(MILITIA_COMMUNITY):
    _RESENTED_BY_COMMUNITY[_k] = _RESENTED.index(GRIEVANCE_FAMILIES[_m])


@dataclass(frozen=True)
class CommunityAgents:
    """What the agents' communities fix for the whole run (an agent's community never changes).

    Attributes:
        base: Per agent, ``community * n_cells`` (its community's first bin).
        resents: Per agent, the set of families its community resents (index into
            ``_RESENTED``; 0 for a community without a militia).
    """

    base: np.ndarray
    resents: np.ndarray


def community_agents(community: np.ndarray, n_cells: int) -> CommunityAgents:
    """:class:`CommunityAgents` of agents with these communities (codes into ``COMMUNITIES``).

    Args:
        community: Each agent's community.
        n_cells: Number of cells.
    """
    code = community.astype(np.intp)
    return CommunityAgents(base=code * n_cells, resents=_RESENTED_BY_COMMUNITY[code])


@dataclass(frozen=True)
class CommunityCells:
    """Where each community's people are at one moment: each agent's bin and the bins' people.

    Counted once per phase (:meth:`Militias.community_cells`) and shared by the rules that
    group the agents by community and cell (:func:`communal_grievance`, :func:`move_people`).

    Attributes:
        index: Per agent, the flat bin ``community * n_cells + cell`` of an agent present, and
            the spare bin ``n_communities * n_cells`` (one past the last) of a refugee abroad.
        people: ``(n_communities, n_cells)`` people present (:func:`community_people`).
        agents: What the agents' communities fix (:func:`community_agents`).
        bins: The :class:`AgentBins` ``index`` belongs to (kept between months by
            :class:`Militias`), or None for bins counted once.
    """

    index: np.ndarray
    people: np.ndarray
    agents: CommunityAgents
    bins: AgentBins | None = None


def community_cells(
    civilians: CivilianPopulation, n_cells: int, agents: CommunityAgents | None = None
) -> CommunityCells:
    """Each agent's (community, cell) bin and the people present in each bin.

    One ``bincount`` over the agents in their order: the same sums, bit for bit, as weighting
    every agent by its presence (a refugee's weight would add zeros; here it falls in the spare
    bin, which is dropped).

    Args:
        civilians: The civilian agents (refugees abroad are not present).
        n_cells: Number of cells.
        agents: :func:`community_agents` of the civilians (:meth:`Militias.community_cells`
            keeps it), computed here when not given.
    """
    if agents is None:
        agents = community_agents(civilians.community, n_cells)
    n_bins = len(COMMUNITIES) * n_cells
    index = agents.base + civilians.cell
    index[np.flatnonzero(civilians.status == _REFUGEE)] = n_bins
    counts = np.bincount(index, weights=civilians.weight, minlength=n_bins + 1)
    people = counts[:n_bins].reshape(len(COMMUNITIES), n_cells)
    return CommunityCells(index=index, people=people, agents=agents)


class AgentBins:
    """Each agent's (community, cell) bin, in arrays kept from one count to the next.

    :meth:`census` bins the agents and counts the people of each bin, as
    :func:`community_cells` does, into an index array it keeps; :meth:`scale` multiplies each
    agent's weight by its bin's factor (the militias' recruits and demobilised,
    :func:`move_people`). Next month's violence counts the moved weights in the same bins
    (:meth:`Militias.people_present`). Where the civilians run their compiled engine (numba
    already loaded), both are the compiled passes of :mod:`malisim.model.militia_kernels`
    (and :meth:`scale` then counts the moved people in the same pass), with the same results
    bit for bit.

    Attributes:
        agents: What the agents' communities fix (:func:`community_agents`).
        index: Per agent, its bin as in :attr:`CommunityCells.index` (set by each census:
            the compiled pass writes it in place, numpy makes a new array).
        moved_people: The people present counted by the last :meth:`scale` (compiled), or
            None when it did not count them.
    """

    def __init__(self, civilians: CivilianPopulation, n_cells: int) -> None:
        """Bins for ``civilians`` on a grid of ``n_cells`` cells (set by the first census)."""
        self.agents = community_agents(civilians.community, n_cells)
        self.n_cells = n_cells
        self.n_bins = len(COMMUNITIES) * n_cells
        self._community = civilians.community
        self.index = np.empty(civilians.cell.size, np.intp)
        self._compiled = False  # the last census ran the compiled passes
        self.moved_people: np.ndarray | None = None

    def holds(self, civilians: CivilianPopulation) -> bool:
        """Whether these bins are those of ``civilians`` (an agent's community never changes)."""
        return civilians.community is self._community

    def census(self, civilians: CivilianPopulation) -> np.ndarray:
        """Bin the agents by their community, cell and status; the people present."""
        self.moved_people = None
        kernels = _militia_kernels() if getattr(civilians, "_compiled", False) else None
        self._compiled = kernels is not None
        if kernels is not None:
            people = np.zeros(self.n_bins + 1)
            kernels.bin_and_count(
                civilians.community, civilians.cell, civilians.status, civilians.weight,
                self.n_cells, self.index, people,
            )  # fmt: skip
            return people[: self.n_bins].reshape(len(COMMUNITIES), -1)
        # a fresh array (warm in the cache, faster than writing the kept one at 50,000 agents)
        self.index = self.agents.base + civilians.cell
        self.index[np.flatnonzero(civilians.status == _REFUGEE)] = self.n_bins
        return self.count(civilians.weight)

    def count(self, weight: np.ndarray) -> np.ndarray:
        """``(n_communities, n_cells)`` people present: one ``bincount`` in agent order."""
        counts = np.bincount(self.index, weights=weight, minlength=self.n_bins + 1)
        return counts[: self.n_bins].reshape(len(COMMUNITIES), -1)

    def scale(self, weight: np.ndarray, factor: np.ndarray) -> None:
        """Multiply each agent's weight by its bin's ``factor`` (``n_bins + 1``), in place.

        Compiled, the same pass counts the people present after (:attr:`moved_people`).
        """
        kernels = _militia_kernels() if self._compiled else None
        if kernels is not None:
            people = np.zeros(self.n_bins + 1)
            kernels.scale_and_count(self.index, factor, weight, people)
            self.moved_people = people[: self.n_bins].reshape(len(COMMUNITIES), -1)
            return
        weight *= factor[self.index]  # a fresh temporary: its memory is warm in the cache


_militia_kernel_module: Any = None


def _militia_kernels() -> Any:
    """The compiled militia passes (:mod:`malisim.model.militia_kernels`), or None.

    Imported only by a population that already runs the civilians' compiled engine (numba is
    then loaded); None if numba cannot be imported after all.
    """
    global _militia_kernel_module
    if _militia_kernel_module is None:
        try:
            from malisim.model import militia_kernels
        except ImportError:  # pragma: no cover - the civilians' engine needs numba too
            _militia_kernel_module = False
        else:
            _militia_kernel_module = militia_kernels
    return _militia_kernel_module or None


def community_people(civilians: CivilianPopulation, n_cells: int) -> np.ndarray:
    """``(n_communities, n_cells)`` people of each community present in each cell.

    Args:
        civilians: The civilian agents (refugees abroad are not present).
        n_cells: Number of cells.
    """
    return community_cells(civilians, n_cells).people


def _remembering_agents(memory: np.ndarray) -> np.ndarray:
    """Agents whose memory of victimisation has any bit set, in agent order.

    An agent whose memory is all zeros has a grievance of exactly zero: leaving it out of a
    ``bincount`` leaves every sum the same, bit for bit. Rows of whole 8-byte words (the
    ``(n, 4)`` float32 memory) are tested word by word, others with ``any``.
    """
    rows = memory.reshape(memory.shape[0], -1)
    row_bytes = rows.dtype.itemsize * rows.shape[1]
    if rows.flags.c_contiguous and row_bytes > 0 and row_bytes % 8 == 0:
        words = rows.view(np.uint64)
        if words.shape[1] == 1:
            return np.flatnonzero(words[:, 0])
        any_set = np.logical_or(words[:, 0], words[:, 1])
        for j in range(2, words.shape[1]):
            np.logical_or(any_set, words[:, j], out=any_set)
        return np.flatnonzero(any_set)
    return np.flatnonzero(rows.any(axis=1))


def _resented_memory(
    memory: np.ndarray, cols: tuple[int, ...], agents: slice | np.ndarray
) -> np.ndarray:
    """Memory of victimisation by the families ``cols``, summed in float64, of ``agents``."""
    if len(cols) == 1:
        return memory[agents, cols[0]].astype(float)
    r = np.add(memory[agents, cols[0]], memory[agents, cols[1]], dtype=float)
    for c in cols[2:]:
        r += memory[agents, c]
    return r


def communal_grievance(
    civilians: CivilianPopulation,
    reach: np.ndarray,
    people: np.ndarray,
    params: Parameters,
    census: CommunityCells | None = None,
) -> np.ndarray:
    """Mean grievance of each militia's community in its home areas, in ``[0, 1]``.

    The remembered victimisation of the community's agents by the families it resents
    (:data:`GRIEVANCE_FAMILIES`), times ``victimisation_weight`` and capped at 1 as in the
    civilians' grievance (docs/ODD.md 7.1.4), averaged over the people present weighted by the
    pull of the militia's home areas on their cell.

    Each agent's grievance against the families its community resents is summed per
    (community, cell) bin by one ``bincount`` in agent order over the agents who remember any
    victimisation (the others' grievance is exactly zero): the same sums, bit for bit, as one
    count per militia over all its community's agents present.

    Args:
        civilians: The civilian agents.
        reach: ``(n_militias, n_cells)`` pull of each militia's home areas.
        people: ``(n_communities, n_cells)`` people present (:func:`community_people`).
        params: Model parameters.
        census: The agents' bins (:func:`community_cells`), counted when not given.

    Returns:
        Grievance per militia.
    """
    if census is None:
        census = community_cells(civilians, people.shape[1])
    memory = civilians.memory
    active = _remembering_agents(memory)  # the others' grievance is zero: they add nothing
    g = _resented_memory(memory, _RESENTED[0], active)
    codes = census.agents.resents[active]
    for j, cols in enumerate(_RESENTED[1:], start=1):
        sel = np.flatnonzero(codes == j)
        if sel.size:
            g[sel] = _resented_memory(memory, cols, active[sel])
    g *= params.victimisation_weight
    np.minimum(g, 1.0, out=g)
    g *= civilians.weight[active]
    n_bins = people.size
    sums = np.bincount(census.index[active], weights=g, minlength=n_bins + 1)
    sums = sums[:n_bins].reshape(people.shape)
    total = (reach * people[_MILITIA_ROWS]).sum(axis=1)
    grieved = (reach * sums[_MILITIA_ROWS]).sum(axis=1)
    return np.divide(grieved, total, out=np.zeros(N_MILITIAS), where=total > 0)


def move_people(
    civilians: CivilianPopulation,
    change: np.ndarray,
    people: np.ndarray,
    census: CommunityCells | None = None,
) -> np.ndarray:
    """Move people between the communities' civilian agents and their militias, cell by cell.

    A positive ``change`` takes recruits from the community's agents present in the cell in
    proportion to their weight; a negative one returns demobilised fighters to them. Those who
    join count as joined in the people accounting (as jihadist recruits do) and leave it when
    they come back, so people are conserved. Fighters cannot return to a cell where none of
    their community is present: they stay under arms there.

    Args:
        civilians: The civilian agents (weights change in place).
        change: ``(n_militias, n_cells)`` fighters gained (positive) or lost to demobilisation
            (negative).
        people: ``(n_communities, n_cells)`` people present (:func:`community_people`).
        census: The agents' bins (:func:`community_cells`), counted when not given.

    Returns:
        The change applied, ``(n_militias, n_cells)``.
    """
    mine = people[_MILITIA_ROWS]
    applied = np.where(mine > 0.0, np.minimum(change, mine), 0.0)
    if not np.any(applied):
        return applied
    if census is None:
        census = community_cells(civilians, people.shape[1])
    ratio = np.zeros(people.size + 1)  # the spare last bin (refugees abroad) keeps 0
    ratio[: people.size].reshape(people.shape)[_MILITIA_ROWS] = np.divide(
        applied, mine, out=np.zeros_like(applied), where=mine > 0.0
    )
    if census.bins is not None:
        census.bins.scale(civilians.weight, 1.0 - ratio)
    else:
        civilians.weight *= (1.0 - ratio)[census.index]  # each bin's factor, then each agent's
    civilians.people_left(applied.sum(axis=0))  # the census victimisation reads next month
    civilians.joined_people += float(applied.sum())
    return applied


def attacks_suffered(out: MonthlyViolence, shares: np.ndarray, reach: np.ndarray) -> np.ndarray:
    """Attacks each militia's community suffered this month in its home areas.

    A cell where the families its community resents killed civilians counts, weighted by the
    community's share of the cell's people and the pull of the militia's home areas: jihadist
    killings (and Fulani militias') for the Dogon and Bambara; killings by the state, its
    foreign partners and the Dogon and Dozo militias for the Fulani (the reprisal cycle).

    Args:
        out: The month's deaths.
        shares: ``(n_communities, n_cells)`` share of each community in each cell's people.
        reach: ``(n_militias, n_cells)`` pull of the home areas.

    Returns:
        Attacks per militia.
    """
    killed = out.civilians_killed
    split = out.civilians_killed_militia_split
    against_farmers = (killed[JIHADIST] + split[2]) > 0
    against_fulani = (killed[STATE] + killed[FOREIGN] + split[0] + split[1]) > 0
    hit = (against_farmers, against_farmers, against_fulani)
    return np.array(
        [float((hit[m] * shares[MILITIA_COMMUNITY[m]] * reach[m]).sum()) for m in range(N_MILITIAS)]
    )


@dataclass
class Militias:
    """The communal militias' fighters per cell and their communities' memory of attacks.

    Attributes:
        fighters: ``(n_militias, n_cells)`` fighters.
        memory: ``(n_militias,)`` memory of attacks on each militia's community.
        distances: Per militia, ``(n_cells, n_places)`` distances (km) to its home areas.
        since: Per militia, the first month of each home area.
    """

    fighters: np.ndarray
    memory: np.ndarray
    distances: tuple[np.ndarray, ...]
    since: tuple[np.ndarray, ...]
    #: :meth:`reach` by the home areas in force and the reach (km) it was computed for.
    _reach_cache: dict[tuple[int, float], np.ndarray] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    #: The first months of all the home areas, sorted: which are in force depends on how
    #: many of them a month has reached.
    _openings: list[float] | None = field(default=None, init=False, repr=False, compare=False)
    #: The agents' bins of the last count (:class:`AgentBins`).
    _bins: AgentBins | None = field(default=None, init=False, repr=False, compare=False)
    #: After a mobilisation: the civilians, their months stepped, and the people present
    #: once the militias moved them (None: not counted yet), for next month's violence.
    _after_move: tuple[CivilianPopulation, int, np.ndarray | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def empty(cls, homes: dict[str, tuple[np.ndarray, np.ndarray]], n_cells: int) -> Militias:
        """No fighters yet; home areas from ``initial.home_distances`` per militia key."""
        return cls(
            fighters=np.zeros((N_MILITIAS, n_cells)),
            memory=np.zeros(N_MILITIAS),
            distances=tuple(homes[k][0] for k in MILITIA_KEYS),
            since=tuple(homes[k][1] for k in MILITIA_KEYS),
        )

    def reach(self, month: int, params: Parameters) -> np.ndarray:
        """``(n_militias, n_cells)`` pull of each militia's home areas (0 far away).

        It changes only when a home area comes into force or ``militia_reach_km`` changes:
        it is computed once for each of them and kept (read-only).
        """
        if self._openings is None:
            self._openings = sorted(float(x) for s in self.since if s is not None for x in s)
        key = (bisect.bisect_right(self._openings, month), float(params.militia_reach_km))
        cached = self._reach_cache.get(key)
        if cached is not None:
            return cached
        n = self.fighters.shape[1]
        rows = []
        for d, s in zip(self.distances, self.since, strict=True):
            pull = home_pull(d, s, month, params.militia_reach_km, 0.0)
            rows.append(np.zeros(n) if pull is None else pull)
        reach = np.vstack(rows)
        reach.setflags(write=False)
        self._reach_cache[key] = reach
        return reach

    def community_cells(self, civilians: CivilianPopulation) -> CommunityCells:
        """:func:`community_cells` of the agents now, in the kept bins (:class:`AgentBins`).

        The same bins and people, bit for bit; the index is the kept array, set again at the
        next count.
        """
        bins = self._bins
        if bins is None or not bins.holds(civilians):
            bins = self._bins = AgentBins(civilians, self.fighters.shape[1])
        self._after_move = None
        people = bins.census(civilians)  # sets the index first
        return CommunityCells(bins.index, people, bins.agents, bins)

    def people_present(self, civilians: CivilianPopulation) -> np.ndarray:
        """``(n_communities, n_cells)`` people present (:func:`community_people`).

        Right after a mobilisation (no civilian month in between: nobody else moves the
        agents or changes their weights, as the civilians' own census assumes,
        ``CivilianPopulation.people_left``) the agents are in the bins it counted, so they are
        counted without updating the bins, or not at all when it moved nobody.
        """
        kept = self._after_move
        stepped = getattr(civilians, "_months_stepped", None)
        if kept is not None and kept[0] is civilians and kept[1] == stepped and stepped is not None:
            if kept[2] is None:
                bins = self._bins
                assert bins is not None  # set with _after_move
                people = bins.moved_people
                people = bins.count(civilians.weight) if people is None else people
                self._after_move = (civilians, stepped, people)
            return self._after_move[2]  # type: ignore[index, return-value]
        return self.community_cells(civilians).people

    def mobilise_month(
        self,
        civilians: CivilianPopulation,
        month: int,
        params: Parameters,
        attacks: np.ndarray,
        adjust_fully: bool = False,
        people: np.ndarray | None = None,
        reach: np.ndarray | None = None,
        census: CommunityCells | None = None,
    ) -> None:
        """One month of mobilisation: memory of attacks, then fighters towards the target.

        Args:
            civilians: The civilian agents (recruits leave them, the demobilised return).
            month: The month index (home areas in force).
            params: Parameters in force (``militia_state_backing`` set by policies).
            attacks: Attacks suffered by each militia's community this month.
            adjust_fully: Close the whole gap at once (the initial mobilisation).
            people: People of each community present (:func:`community_people`), if counted
                (the agents' bins are then counted again, the same people).
            reach: Pull of the home areas (:meth:`reach`), if computed.
            census: The agents' bins and people (:meth:`community_cells`), if counted:
                ``people`` is then its people.
        """
        reach = self.reach(month, params) if reach is None else reach
        if census is None:
            census = self.community_cells(civilians)
        people = census.people if people is None else people
        self.memory = attack_memory(self.memory, attacks, params)
        grievance = communal_grievance(civilians, reach, people, params, census)
        backing = np.full(N_MILITIAS, params.militia_state_backing)
        if adjust_fully:
            params = params.model_copy(update={"militia_adjust_rate": 1.0})
        mine = people[_MILITIA_ROWS]
        new = mobilise(
            self.fighters, mine, grievance[:, None], self.memory[:, None], backing[:, None],
            params, reach=reach,
        )  # fmt: skip
        applied = move_people(civilians, new - self.fighters, people, census)
        self.fighters += applied
        stepped = getattr(civilians, "_months_stepped", None)
        if stepped is not None and self._bins is not None and census.index is self._bins.index:
            # next month's violence counts the moved weights (or these people: nobody moved)
            self._after_move = (civilians, stepped, None if applied.any() else census.people)

    def violence(
        self,
        situation: Situation,
        forces: Belligerents,
        civilians: CivilianPopulation,
        rng: np.random.Generator,
        out: MonthlyViolence,
        log: EventLog,
        bound: np.ndarray | None = None,
        attribution_rng: np.random.Generator | None = None,
    ) -> None:
        """The month's militia violence: clashes with jihadists, then communal attacks.

        ``bound`` (``(n_militias, n_cells)``, :func:`malisim.model.communal_peace.truce_bound`)
        is the share of fighters standing down under a local truce: set aside for the month.
        ``attribution_rng`` is the ``attribution`` stream (:func:`communal_attacks`).
        """
        held = None if bound is None else self.fighters * bound
        if held is not None:
            self.fighters -= held
        militia_clashes(situation, self.fighters, forces, rng, out, log)
        people = self.people_present(civilians)
        communal_attacks(situation, self.fighters, people, forces, rng, out, log,
                         attribution_rng)  # fmt: skip
        if held is not None:
            self.fighters += held


def militia_clashes(
    situation: Situation,
    fighters: np.ndarray,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
) -> None:
    """Battles between each militia and the jihadists present in its cells.

    Where a militia and jihadist fighters are both present (combat power above
    ``min_presence``), they clash with probability ``clash_probability *
    militia_jihadist_hostility``; losses follow the attrition law of :func:`conflict.clashes`
    (``clash_lethality * engaged * clash_loss_factor`` times the enemy's share of the power),
    militia fighters at ``militia_power`` each. The jihadist dead are split between JNIM and IS
    Sahel in proportion to their fighters; the event names the larger group.

    Args:
        situation: The month's cells and parameters.
        fighters: ``(n_militias, n_cells)`` militia fighters (reduced in place).
        forces: The armed actors (jihadist fighters reduced in place).
        rng: The ``militia`` stream.
        out: The month's deaths.
        log: The event log.
    """
    p = situation.params
    jnim, isg = forces.jnim.fighters, forces.is_sahel.fighters
    # a clash changes only its own militia's row: every row's power is the one it starts with
    present_m = fighters * p.militia_power > p.min_presence
    threshold = p.clash_probability * p.militia_jihadist_hostility
    pj = (jnim + isg) * p.jihadist_power
    present_j = pj > p.min_presence  # updated where a clash changes the jihadists' power
    mp, jp = p.militia_power, p.jihadist_power
    scale = p.clash_lethality  # times engaged times the loss factor, over the power engaged
    for m in range(N_MILITIAS):
        u = rng.random(fighters.shape[1])  # one uniform per cell whatever happens (aligned)
        cells = np.flatnonzero(present_m[m] & present_j & (u < threshold))
        if cells.size == 0:
            continue
        f_m = fighters[m, cells]
        a, b = f_m * mp, pj[cells]
        base = scale * np.minimum(a, b) * p.clash_loss_factor / (a + b)
        dead_m = np.minimum(rng.poisson(base * b / mp), np.floor(f_m))
        jn, ig = jnim[cells], isg[cells]
        tot = jn + ig  # > 0: the jihadists' power is above min_presence >= 0 here
        dead_j = np.minimum(rng.poisson(base * a / jp), np.floor(tot))
        from_j = np.minimum(np.round(dead_j * (jn / tot)), np.floor(jn))
        from_i = np.minimum(dead_j - from_j, np.floor(ig))
        fighters[m, cells] = f_m - dead_m
        jn -= from_j
        ig -= from_i
        jnim[cells] = jn
        isg[cells] = ig
        pj_cells = (jn + ig) * jp  # the same sums as (jnim + isg) * jihadist_power, cell by cell
        pj[cells] = pj_cells
        present_j[cells] = pj_cells > p.min_presence
        dead_f = dead_m + from_j
        dead_f += from_i
        dead = dead_f.astype(np.int64)
        out.combatants_killed[cells] += dead
        out.battles[cells] += 1
        out.losses[MILITIA_KEYS[m]] = out.losses.get(MILITIA_KEYS[m], 0.0) + float(dead_m.sum())
        on_jnim = jn >= ig  # the event names the larger group
        if on_jnim.all():
            log.add(situation.month, "Armed clash", MILITIA_KEYS[m], "jnim", cells, dead,
                    None, "")  # fmt: skip
            continue
        log.add(situation.month, "Armed clash", MILITIA_KEYS[m], "jnim", cells[on_jnim],
                dead[on_jnim], None, "")  # fmt: skip
        on_isg = ~on_jnim
        log.add(situation.month, "Armed clash", MILITIA_KEYS[m], "is_sahel", cells[on_isg],
                dead[on_isg], None, "")  # fmt: skip


def _killed_by_community(out: MonthlyViolence, n_cells: int) -> np.ndarray:
    """``out.civilians_killed_by_community``, made (zeros) at the month's first attack."""
    if out.civilians_killed_by_community is None:
        shape = (len(COMMUNITIES), N_FAMILIES, n_cells)
        out.civilians_killed_by_community = np.zeros(shape, np.int64)
    return out.civilians_killed_by_community


def communal_attacks(
    situation: Situation,
    fighters: np.ndarray,
    people: np.ndarray,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
    attribution_rng: np.random.Generator | None = None,
) -> None:
    """Militia attacks on the communities they hold responsible, with heavy-tailed tolls.

    In each cell the attacks of militia ``m`` on community ``t`` (:data:`MILITIA_TARGETS`) are
    Poisson with mean ``militia_attack_rate / 1000 * fighters * share_t * shield``, ``share_t``
    the community's share of the cell's people and ``shield`` one minus MINUSMA's protection
    (:func:`conflict.protection`, as for one-sided violence). Each attack kills
    :func:`conflict.massacre_toll` people with scale ``militia_massacre_scale`` (the Pareto law
    of the operations' massacres: ``massacre_tail``, ``massacre_max_size``), capped at the
    community's people left alive in the cell. Deaths are the militia family's
    (``Perpetrator.MILITIA``), remembered by civilians against :data:`BLAMED_FAMILY`, and kept
    by targeted community and blamed family (``out.civilians_killed_by_community``) so that
    they fall on the targeted community's agents only (``CivilianPopulation.victimise``).

    Args:
        situation: The month's cells and parameters.
        fighters: ``(n_militias, n_cells)`` militia fighters.
        people: ``(n_communities, n_cells)`` people of each community present.
        forces: The armed actors (MINUSMA's protection).
        rng: The ``militia`` stream.
        out: The month's deaths (written).
        log: The event log.
        attribution_rng: The ``attribution`` stream: the Fulani militia's attacks are recorded
            as JNIM's where :func:`malisim.model.attribution.record_reprisals` draws so; None
            records every attack as its militia's.
    """
    p = situation.params
    pop = np.maximum(people.sum(axis=0), 1.0)
    shield = 1.0 - protection(forces.minusma, situation.topology, p)
    left = people.copy()
    rate = p.militia_attack_rate / 1000.0
    for m, t in _ATTACK_PAIRS:
        lam = rate * fighters[m] * left[t] / pop * shield
        count = rng.poisson(lam)
        cells = np.flatnonzero(count)
        if cells.size == 0:
            continue
        per_cell = count[cells]
        single = bool(per_cell.max() == 1)
        ec = cells if single else np.repeat(cells, per_cell)  # the events, cell by cell
        tl = massacre_toll(rng.random(ec.size), p.militia_massacre_scale, p)
        if single:  # one attack in each cell: its toll, capped at the people
            killed = np.maximum(np.minimum(tl, np.floor(left[t][cells])), 0.0).astype(np.int64)
            keep = killed > 0
            if not keep.all():
                ec, killed = ec[keep], killed[keep]
                if ec.size == 0:
                    continue
            left[t][ec] -= killed  # distinct cells: as np.add.at, one subtraction each
            out.civilians_killed[MILITIA][ec] += killed
            out.civilians_killed_militia_split[m][ec] += killed
            by_community = _killed_by_community(out, fighters.shape[1])
            by_community[t, BLAMED_FAMILY[m]][ec] += killed
        else:
            # cap each cell's toll at the community's people alive there, event by event
            running = np.cumsum(tl)
            ends = np.cumsum(per_cell)
            starts = ends - per_cell  # first event of each cell
            offset = np.repeat(running[starts] - tl[starts], per_cell)
            cum = running - offset  # toll so far in the cell, this event included
            avail = np.repeat(np.floor(left[t][cells]), per_cell)
            killed = np.clip(np.minimum(cum, avail) - (cum - tl), 0.0, None).astype(np.int64)
            keep = killed > 0
            if not keep.all():
                ec, killed = ec[keep], killed[keep]
                if ec.size == 0:
                    continue
            np.add.at(left[t], ec, -killed)
            np.add.at(out.civilians_killed[MILITIA], ec, killed)
            np.add.at(out.civilians_killed_militia_split[m], ec, killed)
            by_community = _killed_by_community(out, fighters.shape[1])
            np.add.at(by_community[t, BLAMED_FAMILY[m]], ec, killed)
        record_reprisals(situation.month, m, MILITIA_KEYS[m], ec, killed, forces.jnim.fighters,
                         fighters[_FULANI], p, out, log, attribution_rng)  # fmt: skip
