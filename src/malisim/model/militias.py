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

from dataclasses import dataclass

import numpy as np

from malisim.model.actors import Belligerents, home_pull
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


def community_people(civilians: CivilianPopulation, n_cells: int) -> np.ndarray:
    """``(n_communities, n_cells)`` people of each community present in each cell.

    Args:
        civilians: The civilian agents (refugees abroad are not present).
        n_cells: Number of cells.
    """
    here = civilians.status != np.int8(Status.REFUGEE)
    counts = np.bincount(
        _community_cell(civilians, n_cells),
        weights=civilians.weight * here,
        minlength=len(COMMUNITIES) * n_cells,
    )
    return counts.reshape(len(COMMUNITIES), n_cells)


def _community_cell(civilians: CivilianPopulation, n_cells: int) -> np.ndarray:
    """Flat (community, cell) index of each agent: ``community * n_cells + cell``."""
    return civilians.community.astype(np.intp) * n_cells + civilians.cell


def communal_grievance(
    civilians: CivilianPopulation, reach: np.ndarray, people: np.ndarray, params: Parameters
) -> np.ndarray:
    """Mean grievance of each militia's community in its home areas, in ``[0, 1]``.

    The remembered victimisation of the community's agents by the families it resents
    (:data:`GRIEVANCE_FAMILIES`), times ``victimisation_weight`` and capped at 1 as in the
    civilians' grievance (docs/ODD.md 7.1.4), averaged over the people present weighted by the
    pull of the militia's home areas on their cell.

    Args:
        civilians: The civilian agents.
        reach: ``(n_militias, n_cells)`` pull of each militia's home areas.
        people: ``(n_communities, n_cells)`` people present (:func:`community_people`).
        params: Model parameters.

    Returns:
        Grievance per militia.
    """
    n_cells = people.shape[1]
    here = civilians.status != np.int8(Status.REFUGEE)
    out = np.zeros(N_MILITIAS)
    for m in range(N_MILITIAS):  # three militias, each a vector op over its community's agents
        k = MILITIA_COMMUNITY[m]
        idx = np.flatnonzero((civilians.community == k) & here)
        cols = GRIEVANCE_FAMILIES[m]
        remembered = civilians.memory[idx, cols[0]].astype(float)
        for c in cols[1:]:
            remembered += civilians.memory[idx, c]
        g = np.minimum(params.victimisation_weight * remembered, 1.0)
        sums = np.bincount(
            civilians.cell[idx], weights=civilians.weight[idx] * g, minlength=n_cells
        )
        total = float((reach[m] * people[k]).sum())
        if total > 0:
            out[m] = float((reach[m] * sums).sum()) / total
    return out


def move_people(
    civilians: CivilianPopulation, change: np.ndarray, people: np.ndarray
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

    Returns:
        The change applied, ``(n_militias, n_cells)``.
    """
    mine = people[list(MILITIA_COMMUNITY)]
    applied = np.where(mine > 0.0, np.minimum(change, mine), 0.0)
    if not np.any(applied):
        return applied
    ratio = np.zeros(people.shape)
    ratio[list(MILITIA_COMMUNITY)] = np.divide(
        applied, mine, out=np.zeros_like(applied), where=mine > 0.0
    )
    here = civilians.status != np.int8(Status.REFUGEE)
    factor = 1.0 - ratio.reshape(-1)[_community_cell(civilians, people.shape[1])] * here
    civilians.weight *= factor
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
        """``(n_militias, n_cells)`` pull of each militia's home areas (0 far away)."""
        n = self.fighters.shape[1]
        rows = []
        for d, s in zip(self.distances, self.since, strict=True):
            pull = home_pull(d, s, month, params.militia_reach_km, 0.0)
            rows.append(np.zeros(n) if pull is None else pull)
        return np.vstack(rows)

    def mobilise_month(
        self,
        civilians: CivilianPopulation,
        month: int,
        params: Parameters,
        attacks: np.ndarray,
        adjust_fully: bool = False,
        people: np.ndarray | None = None,
        reach: np.ndarray | None = None,
    ) -> None:
        """One month of mobilisation: memory of attacks, then fighters towards the target.

        Args:
            civilians: The civilian agents (recruits leave them, the demobilised return).
            month: The month index (home areas in force).
            params: Parameters in force (``militia_state_backing`` set by policies).
            attacks: Attacks suffered by each militia's community this month.
            adjust_fully: Close the whole gap at once (the initial mobilisation).
            people: People of each community present (:func:`community_people`), if counted.
            reach: Pull of the home areas (:meth:`reach`), if computed.
        """
        n = self.fighters.shape[1]
        reach = self.reach(month, params) if reach is None else reach
        people = community_people(civilians, n) if people is None else people
        self.memory = attack_memory(self.memory, attacks, params)
        grievance = communal_grievance(civilians, reach, people, params)
        backing = np.full(N_MILITIAS, params.militia_state_backing)
        if adjust_fully:
            params = params.model_copy(update={"militia_adjust_rate": 1.0})
        mine = people[list(MILITIA_COMMUNITY)]
        new = mobilise(
            self.fighters, mine, grievance[:, None], self.memory[:, None], backing[:, None],
            params, reach=reach,
        )  # fmt: skip
        self.fighters += move_people(civilians, new - self.fighters, people)

    def violence(
        self,
        situation: Situation,
        forces: Belligerents,
        civilians: CivilianPopulation,
        rng: np.random.Generator,
        out: MonthlyViolence,
        log: EventLog,
        bound: np.ndarray | None = None,
    ) -> None:
        """The month's militia violence: clashes with jihadists, then communal attacks.

        ``bound`` (``(n_militias, n_cells)``, :func:`malisim.model.communal_peace.truce_bound`)
        is the share of fighters standing down under a local truce: set aside for the month.
        """
        held = None if bound is None else self.fighters * bound
        if held is not None:
            self.fighters -= held
        militia_clashes(situation, self.fighters, forces, rng, out, log)
        people = community_people(civilians, self.fighters.shape[1])
        communal_attacks(situation, self.fighters, people, forces, rng, out, log)
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
    for m in range(N_MILITIAS):
        pm = fighters[m] * p.militia_power
        pj = (jnim + isg) * p.jihadist_power
        u = rng.random(pm.size)  # one uniform per cell whatever happens (aligned streams)
        both = (pm > p.min_presence) & (pj > p.min_presence)
        cells = np.flatnonzero(both & (u < p.clash_probability * p.militia_jihadist_hostility))
        if cells.size == 0:
            continue
        a, b = pm[cells], pj[cells]
        engaged = np.minimum(a, b)
        base = p.clash_lethality * engaged * p.clash_loss_factor / (a + b)
        dead_m = np.minimum(rng.poisson(base * b / p.militia_power), np.floor(fighters[m, cells]))
        tot = jnim[cells] + isg[cells]
        dead_j = np.minimum(rng.poisson(base * a / p.jihadist_power), np.floor(tot))
        share_j = np.divide(jnim[cells], tot, out=np.zeros_like(tot), where=tot > 0)
        from_j = np.minimum(np.round(dead_j * share_j), np.floor(jnim[cells]))
        from_i = np.minimum(dead_j - from_j, np.floor(isg[cells]))
        fighters[m, cells] -= dead_m
        jnim[cells] -= from_j
        isg[cells] -= from_i
        dead = (dead_m + from_j + from_i).astype(np.int64)
        out.combatants_killed[cells] += dead
        out.battles[cells] += 1
        out.losses[MILITIA_KEYS[m]] = out.losses.get(MILITIA_KEYS[m], 0.0) + float(dead_m.sum())
        enemy = np.where(jnim[cells] >= isg[cells], "jnim", "is_sahel")
        for group in ("jnim", "is_sahel"):
            sel = enemy == group
            log.add(situation.month, "Armed clash", MILITIA_KEYS[m], group, cells[sel],
                    dead[sel], None, "")  # fmt: skip


def communal_attacks(
    situation: Situation,
    fighters: np.ndarray,
    people: np.ndarray,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
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
    """
    p = situation.params
    pop = np.maximum(people.sum(axis=0), 1.0)
    shield = 1.0 - protection(forces.minusma, situation.topology, p)
    left = people.copy()
    for m in range(N_MILITIAS):
        for t in MILITIA_TARGETS[m]:
            lam = p.militia_attack_rate / 1000.0 * fighters[m] * left[t] / pop * shield
            count = rng.poisson(lam)
            cells = np.flatnonzero(count > 0)
            if cells.size == 0:
                continue
            event_cells = np.repeat(cells, count[cells])
            toll = massacre_toll(rng.random(event_cells.size), p.militia_massacre_scale, p)
            # cap each cell's toll at the community's people alive there, event by event
            cum = np.zeros(event_cells.size)
            order = np.argsort(event_cells, kind="stable")
            ec, tl = event_cells[order], toll[order]
            starts = np.r_[0, np.flatnonzero(np.diff(ec)) + 1]
            running = np.cumsum(tl)
            offset = np.repeat(running[starts] - tl[starts], np.diff(np.r_[starts, ec.size]))
            cum = running - offset  # toll so far in the cell, this event included
            avail = np.floor(left[t][ec])
            killed = np.clip(np.minimum(cum, avail) - (cum - tl), 0.0, None).astype(np.int64)
            keep = killed > 0
            ec, killed = ec[keep], killed[keep]
            if ec.size == 0:
                continue
            np.add.at(left[t], ec, -killed)
            np.add.at(out.civilians_killed[MILITIA], ec, killed)
            np.add.at(out.civilians_killed_militia_split[m], ec, killed)
            if out.civilians_killed_by_community is None:
                shape = (len(COMMUNITIES), N_FAMILIES, fighters.shape[1])
                out.civilians_killed_by_community = np.zeros(shape, np.int64)
            np.add.at(out.civilians_killed_by_community[t, BLAMED_FAMILY[m]], ec, killed)
            log.add(situation.month, "Attack", MILITIA_KEYS[m], "civilians", ec, killed,
                    killed, "militia")  # fmt: skip
