"""Conflict between the armed actors and violence against civilians, month by month.

Vectorised over cells, each function reads the actors' per-cell forces, draws from its own named
random stream, removes the dead from the forces, and writes ACLED-style events:

* :func:`clashes` — battles between hostile sides present in the same cell (stochastic attrition
  driven by the strength ratio, air support, terrain and sanctuary), attacks on MINUSMA, and the
  civilians caught in crossfire;
* :func:`strikes` — French strikes and raids that remove jihadist fighters and leaders, and air
  strikes by FAMa with Wagner's air assets, with collateral civilian deaths;
* :func:`explosives` — IEDs and mines laid by jihadist groups against the forces in their cells;
* :func:`one_sided_violence` — killings and abductions of civilians by each actor, at
  actor-specific abuse rates raised by mercenary presence and impunity and lowered where MINUSMA
  protects civilians;
* :func:`operation_massacres` — large killings of civilians in the state's operations, with a
  heavy-tailed toll whose scale rises with Wagner's part in them (Moura, March 2022);
* :func:`jihadist_offensives` — jihadist groups mass fighters on the cells they can take;
* :func:`update_control` — who controls each cell after the month's fighting, with
  :func:`garrison_holds` (defended towns kept unless overrun, :func:`defended_towns`,
  :func:`required_ratio`; the losers' fighters leave, :func:`withdraw_from_lost_towns`) (and
  :func:`initial_control` at the start), the countryside of a town cell decided apart from its
  town (:func:`update_countryside`, :func:`countryside_powers`, :func:`mobile_state_power`,
  :func:`armed_presence`, :func:`countryside_people`), and :func:`sieges` of towns surrounded by
  jihadists;
* :func:`violence_index` — the smoothed local death rate that civilians and the economy feel.

The rules read the month's :class:`~malisim.model.situation.Situation` (people, control,
parameters, neighbourhood) and the armed forces (:class:`Belligerents`, whose per-cell arrays
they reduce by the dead); they write the deaths into :class:`MonthlyViolence` and the events
into the :class:`~malisim.model.events.EventLog` they are given. They never reach back into the
model.

Sources for each rule are in docs/ODD.md (CRS2022, CRS2020, ICG2023, ICG2023watch and assumptions).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from malisim.model.actors import Belligerents, ForeignPartner, JihadistGroup, SignatoryGroup
from malisim.model.events import EventLog
from malisim.model.parameters import Parameters
from malisim.model.situation import Situation
from malisim.model.space import BIOMES
from malisim.model.topology import Topology
from malisim.model.vocab import N_FAMILIES, PERPETRATOR_NAMES, Control, Perpetrator, Side

SAHARAN = BIOMES.index("Saharan")

#: Perpetrator families (rows of ``MonthlyViolence.civilians_killed``), as plain ints (numpy
#: takes them without an enum's attribute look-ups).
STATE, FOREIGN, JIHADIST, SIGNATORY, MILITIA = (
    int(Perpetrator.STATE),
    int(Perpetrator.FOREIGN),
    int(Perpetrator.JIHADIST),
    int(Perpetrator.SIGNATORY),
    int(Perpetrator.MILITIA),
)
#: Control codes as plain ints (:class:`Control`), for the rules that compare with them often.
_C_STATE, _C_JNIM, _C_IS_SAHEL, _C_SIGNATORY, _C_CONTESTED = (
    int(Control.STATE),
    int(Control.JNIM),
    int(Control.IS_SAHEL),
    int(Control.SIGNATORY),
    int(Control.CONTESTED),
)
#: The jihadist sides' short names.
_JIHADIST_SIDES = ("jnim", "is_sahel")
#: Number of communal militias (rows of ``MonthlyViolence.civilians_killed_militia_split``;
#: ``malisim.model.militias.MILITIA_KEYS``).
N_MILITIAS = 3
#: Up to this many rates, Poisson counts are drawn one by one (:func:`_poisson`): numpy checks
#: an array of rates with reductions that cost more than a few scalar draws.
_SMALL_DRAW = 12


def _poisson(rng: np.random.Generator, lam: np.ndarray) -> np.ndarray:
    """``rng.poisson(lam)`` for a 1-D array of rates, cheaper when there are few of them.

    The draws are the same numbers, consumed from the stream in the same order: numpy draws an
    array of rates element by element with the scalar sampler (a rate of 0 draws nothing).
    """
    if lam.size > _SMALL_DRAW:
        return rng.poisson(lam)
    draw = rng.poisson
    return np.array([draw(x) for x in lam.tolist()], np.int64)


def _binomial(rng: np.random.Generator, n: np.ndarray, prob: float) -> np.ndarray:
    """``rng.binomial(n, prob)`` for a 1-D array of trials: the same draws (as :func:`_poisson`)."""
    if n.size > _SMALL_DRAW:
        return rng.binomial(n, prob)
    draw = rng.binomial
    return np.array([draw(x, prob) for x in n.tolist()], np.int64)


def _poisson_cells(rng: np.random.Generator, lam: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the positive counts of ``rng.poisson(lam)`` (1-D), and those counts.

    The same draws as ``rng.poisson(lam)``: a rate of 0 draws nothing from the stream, so
    only the nonzero rates are drawn.
    """
    cand = lam.nonzero()[0]
    drawn = _poisson(rng, lam[cand])
    hit = drawn.nonzero()[0]
    return cand[hit], drawn[hit]


@dataclass
class MonthlyViolence:
    """Deaths of the month, per cell.

    Attributes:
        civilians_killed: ``(5, n_cells)`` civilians killed by perpetrator family
            (state, foreign, jihadist, signatory, militia).
        civilians_killed_jihadist_split: ``(2, n_cells)`` the jihadist row split JNIM / IS.
        civilians_killed_militia_split: ``(3, n_cells)`` the militia row split by militia
            (Dan Na Ambassagou, Dozo, Fulani self-defence groups).
        combatants_killed: Combatants (and peacekeepers) killed per cell.
        peacekeepers_killed: MINUSMA peacekeepers killed per cell (part of
            ``combatants_killed``): attacks on camps and convoys and IEDs.
        battles: Battles fought per cell (for control-change event types).
        civilians_killed_by_community: ``(n_communities, n_families, n_cells)`` the militia
            row by the community its communal attacks targeted and the family those victims
            blame (``militias.BLAMED_FAMILY``); ``None`` in a month without such deaths. The
            civilians remove these deaths from the targeted community's agents (docs/ODD.md
            7.1.1).
    """

    civilians_killed: np.ndarray
    civilians_killed_jihadist_split: np.ndarray
    civilians_killed_militia_split: np.ndarray
    combatants_killed: np.ndarray
    peacekeepers_killed: np.ndarray
    battles: np.ndarray
    losses: dict[str, float] = field(default_factory=dict)
    civilians_killed_by_community: np.ndarray | None = None

    @classmethod
    def zeros(cls, n_cells: int) -> MonthlyViolence:
        """An empty month."""
        return cls(
            civilians_killed=np.zeros((len(Perpetrator), n_cells), np.int64),
            civilians_killed_jihadist_split=np.zeros((2, n_cells), np.int64),
            civilians_killed_militia_split=np.zeros((N_MILITIAS, n_cells), np.int64),
            combatants_killed=np.zeros(n_cells, np.int64),
            peacekeepers_killed=np.zeros(n_cells, np.int64),
            battles=np.zeros(n_cells, np.int64),
        )

    def killed_by_family(self) -> np.ndarray:
        """``(n_families, n_cells)`` civilians killed by each armed family (for civilians).

        The families are those civilians side with: the state (FAMa and foreign forces
        together), JNIM, IS Sahel (the jihadist row split) and the signatory groups. The
        communal militias' killings are held against the family their victims blame
        (``militias.BLAMED_FAMILY``): the state for the Dogon and Dozo militias it backs, JNIM
        for the Fulani self-defence groups.
        """
        killed = self.civilians_killed
        by_family = np.zeros((N_FAMILIES, killed.shape[1]))
        militia = self.civilians_killed_militia_split
        by_family[0] = killed[STATE] + killed[FOREIGN] + militia[0] + militia[1]
        by_family[1] = self.civilians_killed_jihadist_split[0] + militia[2]
        by_family[2] = self.civilians_killed_jihadist_split[1]
        by_family[3] = killed[SIGNATORY]
        return by_family


def french_strike_force(france: ForeignPartner, p: Parameters) -> float:
    """French troops that strike in Mali: those deployed plus the regional residual."""
    return france.total + p.france_regional_troops


def france_air_level(france: ForeignPartner, p: Parameters) -> float:
    """French air support, ISR and medevac available, 0-1 (full at france_full_air_troops)."""
    return min(french_strike_force(france, p) / p.france_full_air_troops, 1.0)


def side_powers(forces: Belligerents, p: Parameters) -> dict[str, np.ndarray]:
    """Return combat power per cell of each fighting force.

    The state side is FAMa (effectiveness from EU training, multiplied by French air support,
    intelligence and medevac) plus Wagner plus French ground troops.
    """
    air = p.air_support * france_air_level(forces.france, p)
    state = forces.state
    fama = state.forces * p.fama_power * state.effectiveness * (1.0 + air)
    wagner = forces.wagner.troops * p.wagner_power
    france = forces.france.troops * p.france_power
    return {
        "fama": fama,
        "wagner": wagner,
        "france": france,
        "state": fama + wagner + france,
        "jnim": forces.jnim.fighters * p.jihadist_power,
        "is_sahel": forces.is_sahel.fighters * p.jihadist_power,
        "cma": forces.cma.fighters * p.signatory_power,
        "platform": forces.platform.fighters * p.signatory_power,
        "minusma": forces.minusma.troops * p.minusma_power * (1.0 + air),
    }


def hostility(situation: Situation) -> dict[tuple[str, str], float | np.ndarray]:
    """Return how readily each pair of sides fights where both are present (0-1, per cell)."""
    p = situation.params
    collapsed = situation.accord_adherence < p.accord_collapse_threshold
    ordered = situation.offensive_orders
    vs_cma = np.where(ordered > 0, 1.0, 1.0 if collapsed else 0.0)
    return {
        ("state", "jnim"): 1.0 - situation.dialogue,
        ("state", "is_sahel"): 1.0,
        ("jnim", "is_sahel"): jihadist_rivalry(situation.month, p),
        ("state", "cma"): vs_cma,
        ("state", "platform"): p.hostility_state_platform * vs_cma,
        ("cma", "is_sahel"): p.hostility_signatory_is,
        ("platform", "is_sahel"): p.hostility_signatory_is,
        ("cma", "jnim"): p.hostility_signatory_jnim * (1.0 - p.collusion),
        ("platform", "jnim"): p.hostility_signatory_jnim * (1.0 - p.collusion),
        ("cma", "platform"): p.hostility_cma_platform,
    }


def jihadist_rivalry(month: int, p: Parameters) -> float:
    """How readily JNIM and IS Sahel fight each other this month (0-1).

    ``jnim_is_prewar_hostility`` before ``jnim_is_war_start`` (their coexistence, the "Sahelian
    exception"), ``jnim_is_hostility`` from then on (Bolpagni2023: open rivalry since 2020).

    Args:
        month: Month index (``year * 12 + month - 1``).
        p: The parameters in force.
    """
    at_war = month / 12.0 >= p.jnim_is_war_start - 1e-9
    return p.jnim_is_hostility if at_war else p.jnim_is_prewar_hostility


def _remove_state_side(
    forces: Belligerents, cells: np.ndarray, dead: np.ndarray, powers: dict[str, np.ndarray]
) -> dict[str, float]:
    """Remove state-side dead from FAMa, Wagner and France in proportion to their power."""
    total = powers["state"][cells]
    out = {}
    remaining = dead.astype(float)
    for name, force in (("france", forces.france), ("wagner", forces.wagner)):
        if not force.troops.any():  # no troops anywhere: it loses none (exactly as below)
            out[name] = 0.0
            continue
        share = np.divide(powers[name][cells], total, out=np.zeros_like(total), where=total > 0)
        lost = np.minimum(np.round(remaining * share), force.troops[cells])
        force.troops[cells] -= lost
        out[name] = float(lost.sum())
        remaining -= lost
    state = forces.state
    fama = state.garrison[cells] + state.offensive[cells]  # State.forces in the cells
    lost = np.minimum(remaining, fama)
    frac = np.divide(lost, fama, out=np.zeros_like(lost), where=fama > 0)
    state.garrison[cells] *= 1.0 - frac
    state.offensive[cells] *= 1.0 - frac
    state.troops = max(state.troops - float(lost.sum()), 0.0)
    out["fama"] = float(lost.sum())
    return out


def clashes(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
) -> None:
    """Battles between hostile sides present in the same cell, and attacks on MINUSMA."""
    p = situation.params
    grid = situation.grid
    powers = side_powers(forces, p)
    persons_per_power = {
        "jnim": 1.0 / p.jihadist_power,
        "is_sahel": 1.0 / p.jihadist_power,
        "cma": 1.0 / p.signatory_power,
        "platform": 1.0 / p.signatory_power,
    }
    desert = grid.biome == SAHARAN
    air = p.air_support * france_air_level(forces.france, p)
    sanctuary = situation.sanctuary_cells
    pop = situation.population
    month = situation.month
    min_presence, clash_probability = p.min_presence, p.clash_probability
    present: dict[str, np.ndarray] = {}
    # Wagner's troops only fall in this phase: absent at its start, absent throughout
    wagner_present = bool(forces.wagner.troops.any())
    for (a, b), hostile in hostility(situation).items():
        pres_a = present.get(a)
        if pres_a is None:
            pres_a = present[a] = powers[a] > min_presence
        pres_b = present.get(b)
        if pres_b is None:
            pres_b = present[b] = powers[b] > min_presence
        if not isinstance(hostile, np.ndarray) or hostile.ndim == 0:  # one everywhere
            h = float(hostile)
            if not h > 0.0:
                continue
            cells = (pres_a & pres_b).nonzero()[0]
            if cells.size == 0:
                continue
            occur = rng.random(cells.size) < clash_probability * h
        else:
            h_cells = np.asarray(hostile, float)
            cells = (pres_a & pres_b & (h_cells > 0)).nonzero()[0]
            if cells.size == 0:
                continue
            occur = rng.random(cells.size) < clash_probability * h_cells[cells]
        cells = cells[occur]
        if cells.size == 0:
            continue
        pa_c, pb_c = powers[a][cells], powers[b][cells]
        engaged = np.minimum(pa_c, pb_c)
        terrain_a: np.ndarray | None = None
        terrain_b: np.ndarray | None = None
        if a == "state":
            desert_c = desert[cells]
            terrain_a = np.where(desert_c, p.desert_mobility, 1.0)
            # air support and ISR make the state side's fire more lethal (CRS2022: Barkhane
            # provided air support, intelligence, medical evacuation)
            terrain_b = np.where(desert_c, 1.0 / p.desert_mobility, 1.0) * (1.0 + air)
        a_jihadist, b_jihadist = a in _JIHADIST_SIDES, b in _JIHADIST_SIDES
        if a_jihadist or b_jihadist:
            sanct = np.where(sanctuary[cells], 1.0 - p.sanctuary_protection, 1.0)
            if a_jihadist:
                terrain_a = sanct if terrain_a is None else terrain_a * sanct
            if b_jihadist:
                terrain_b = sanct if terrain_b is None else terrain_b * sanct
        # (a terrain factor of 1 is left out: multiplying by 1.0 changes no bit)
        base = p.clash_lethality * engaged * p.clash_loss_factor
        total = pa_c + pb_c
        loss_a = base * pb_c / total
        if terrain_a is not None:
            loss_a = loss_a * terrain_a
        loss_b = base * pa_c / total
        if terrain_b is not None:
            loss_b = loss_b * terrain_b
        dead_a = _dead(forces, p, rng, a, cells, loss_a, powers, persons_per_power, out)
        dead_b = _dead(forces, p, rng, b, cells, loss_b, powers, persons_per_power, out)
        combatants = dead_a + dead_b
        crossfire = _cap_civilians(pop, out, cells, _poisson(rng,
            p.battle_civilian_share * combatants
            * np.minimum(pop[cells] / p.civilian_exposure_population, 1.0)
        ))  # fmt: skip
        stronger_is_a = pa_c >= pb_c
        perp = np.where(stronger_is_a, _family_of(a), _family_of(b))
        if a == "state" and wagner_present:
            # where Wagner leads the state side, the civilians caught in its fire are its own
            # (without Wagner anywhere it leads nowhere: nothing to change)
            led_by_wagner = wagner_leads(cells, powers)
            perp = np.where(stronger_is_a & led_by_wagner, FOREIGN, perp)
        # the cells are distinct: a fancy-index addition is np.add.at (integer counts); with
        # no civilian caught in the fire there is nothing to add
        any_crossfire = crossfire.any()
        if any_crossfire:
            out.civilians_killed[perp, cells] += crossfire
        if any_crossfire and (a_jihadist or b_jihadist):
            # the JNIM / IS split of the deaths attributed to jihadists (zeros elsewhere)
            row = np.where(stronger_is_a, int(a == "is_sahel"), int(b == "is_sahel"))
            out.civilians_killed_jihadist_split[row, cells] += np.where(
                perp == JIHADIST, crossfire, 0
            )
        out.combatants_killed[cells] += combatants
        out.battles[cells] += 1
        fatalities = combatants + crossfire
        if a == "state" and wagner_present:
            named = state_actor(forces, cells)
            for actor, sel in (("wagner", named), ("fama", ~named)):
                # family codes of perp, in the order of events.PERPETRATORS
                log.add(month, "Armed clash", actor, b, cells[sel], fatalities[sel],
                        crossfire[sel], perp[sel])  # fmt: skip
        elif a == "state":  # no Wagner anywhere (nor since): every event names FAMa
            log.add(month, "Armed clash", "fama", b, cells, fatalities, crossfire, perp)
        else:
            log.add(month, "Armed clash", a, b, cells, fatalities, crossfire, perp)

    attacks_on_minusma(situation, forces, rng, out, log, powers)


def attacks_on_minusma(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
    powers: dict[str, np.ndarray],
) -> None:
    """Jihadist attacks on MINUSMA: IEDs, indirect fire on camps and convoy ambushes.

    The national expected number of attacks is ``minusma_attack_rate`` at full deployment
    (``minusma_troops``), scaled by the peacekeepers deployed; it is spread over the cells where
    peacekeepers are deployed and a jihadist group is present in the cell or a neighbouring one
    (convoys, indirect fire), in proportion to the peacekeepers there times the group's share of
    the power. Each attack kills ``minusma_attack_lethality``
    peacekeepers on average (Poisson, capped by those present). A share
    ``minusma_attack_ied_share`` of the attacks is logged as IEDs, the rest as armed clashes.
    The attackers' losses are not modelled (most attacks are remote or hit-and-run). When the
    mission has withdrawn there is no one left to attack.
    """
    p = situation.params
    troops = forces.minusma.troops
    pm = powers["minusma"]
    total = float(troops.sum())
    if total <= 0.0 or p.minusma_attack_rate <= 0.0:
        return
    national = p.minusma_attack_rate * min(total / max(p.minusma_troops, 1.0), 1.0)
    weights = []
    for group in ("jnim", "is_sahel"):
        # attackers in the cell or a neighbouring one (convoys travel between camps, mortars
        # and rockets are fired from outside them)
        pj = np.maximum(powers[group], situation.topology.neighbor_max(powers[group]))
        present = (troops > 0) & (pj > p.min_presence)
        share = np.where(present, pj / np.maximum(pj + pm, 1e-12), 0.0)
        weights.append(troops * share)
    norm = float(sum(w.sum() for w in weights))
    if norm <= 0.0:
        return
    for group, w in zip(("jnim", "is_sahel"), weights, strict=True):
        cells, n = _poisson_cells(rng, national * w / norm)
        if cells.size == 0:
            continue
        pk_dead = np.minimum(
            _poisson(rng, p.minusma_attack_lethality * n), np.floor(troops[cells])
        ).astype(np.int64)
        troops[cells] -= pk_dead
        out.combatants_killed[cells] += pk_dead
        out.peacekeepers_killed[cells] += pk_dead
        out.battles[cells] += 1  # a cell attacked this month (as before: one battle a cell)
        out.losses["minusma"] = out.losses.get("minusma", 0.0) + float(pk_dead.sum())
        # one event per attack; the month's deaths in a cell go to its first attack
        ev_cells = np.repeat(cells, n)
        first = np.zeros(ev_cells.size, bool)
        first[np.concatenate(([0], np.cumsum(n)[:-1]))] = True
        dead = np.zeros(ev_cells.size, np.int64)
        dead[first] = pk_dead
        ied = rng.random(ev_cells.size) < p.minusma_attack_ied_share
        log.add(situation.month, "Remote explosive/landmine/IED", group, "minusma",
                ev_cells[ied], dead[ied])  # fmt: skip
        log.add(situation.month, "Armed clash", group, "minusma", ev_cells[~ied], dead[~ied])


def wagner_leads(cells: np.ndarray, powers: dict[str, np.ndarray]) -> np.ndarray:
    """Whether Wagner's combat power on the state side is at least FAMa's in each cell."""
    wagner = powers["wagner"][cells]
    return (wagner > 0) & (wagner >= powers["fama"][cells])


def state_actor(forces: Belligerents, cells: np.ndarray) -> np.ndarray:
    """Whether the event log names Wagner as the state side's actor in each cell.

    ACLED records the Wagner Group by name in the events it takes part in (ICG2023watch: "govt
    and allied Russian paramilitary Wagner Group [...] carried out strikes"), so every state-side
    event in a cell where Wagner operates names it; elsewhere the actor is FAMa.
    """
    return forces.wagner.troops[cells] > 0


def operation_massacres(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
) -> None:
    """Large killings of civilians in the state's counter-insurgency operations (Moura, 2022).

    In each cell where FAMa is on the offensive and jihadists are present, a large killing
    occurs with probability ``massacre_rate * abuse * shield`` and kills a Pareto-distributed
    toll, ``massacre_min_size * abuse * (1 - u)^(-1 / massacre_tail)``, cut at
    ``massacre_max_size`` and capped at the people present;
    ``abuse = impunity * wagner_abuse_multiplier`` where Wagner takes part in the operation and
    ``impunity`` where FAMa operates alone (the units that operate with Wagner adopt its
    practices: Moura was a joint operation), and MINUSMA's protection (:func:`protection`)
    shields as for one-sided violence. The event names Wagner where it operates
    (:func:`state_actor`); the perpetrator is *foreign* where Wagner leads, *state* otherwise.
    Two uniforms per cell and month are drawn whatever happens, so the stream stays aligned
    between runs with and without the rule.
    """
    p = situation.params
    pop = situation.population
    u_occur, u_size = rng.random((2, pop.size))
    offensive = forces.state.offensive
    wagner = forces.wagner.troops
    operation = (offensive > 0) & (
        (forces.jnim.fighters + forces.is_sahel.fighters) > p.min_presence
    )
    abuse = p.impunity * np.where(wagner > 0, p.wagner_abuse_multiplier, 1.0)
    shield = 1.0 - protection(forces.minusma, situation.topology, p)
    cells = np.flatnonzero(operation & (u_occur < p.massacre_rate * abuse * shield))
    if cells.size == 0:
        return
    size = massacre_toll(u_size[cells], p.massacre_min_size * abuse[cells], p)
    killed = _cap_civilians(pop, out, cells, size)
    keep = killed > 0
    cells, killed = cells[keep], killed[keep]
    led = wagner[cells] >= offensive[cells]
    family = np.where(led, FOREIGN, STATE)
    out.civilians_killed[family, cells] += killed  # distinct cells: np.add.at
    named = state_actor(forces, cells)
    for actor, sel in (("wagner", named), ("fama", ~named)):
        log.add(situation.month, "Attack", actor, "civilians", cells[sel], killed[sel],
                killed[sel], family[sel])  # fmt: skip


def massacre_toll(u: np.ndarray, scale: np.ndarray | float, p: Parameters) -> np.ndarray:
    """The civilian toll of large killings, a Pareto draw cut at ``massacre_max_size``.

    ``floor(min(scale * (1 - u)^(-1 / massacre_tail), massacre_max_size))``: the heavy-tailed
    event-size law shared by the operations' massacres (:func:`operation_massacres`) and the
    communal militias' attacks (:func:`malisim.model.militias.communal_attacks`).

    Args:
        u: Uniform draws in ``[0, 1)``, one per event.
        scale: Smallest toll (the Pareto scale), per event or for all.
        p: The parameters in force (``massacre_tail``, ``massacre_max_size``).

    Returns:
        Tolls (floats holding whole numbers).
    """
    size = scale * (1.0 - np.asarray(u, float)) ** (-1.0 / p.massacre_tail)
    return np.floor(np.minimum(size, p.massacre_max_size))


def _cap_civilians(
    population: np.ndarray, out: MonthlyViolence, cells: np.ndarray, killed: np.ndarray
) -> np.ndarray:
    """Limit civilian deaths in each cell to the people still alive there this month."""
    if not killed.any():  # nobody killed: nothing to limit (the people left are never < 0)
        return np.zeros(killed.size, np.int64)
    already = out.civilians_killed[:, cells].sum(axis=0)
    available = np.maximum(np.floor(population[cells]) - already, 0)
    return np.minimum(killed, available).astype(np.int64)


def _family_of(side: str) -> int:
    if side == "state":
        return STATE
    if side in ("jnim", "is_sahel"):
        return JIHADIST
    return SIGNATORY


def _dead(
    forces: Belligerents,
    p: Parameters,
    rng: np.random.Generator,
    side: str,
    cells: np.ndarray,
    loss_power: np.ndarray,
    powers: dict[str, np.ndarray],
    persons_per_power: dict[str, float],
    out: MonthlyViolence,
) -> np.ndarray:
    """Draw and remove the dead of one side in a set of clashes; return them per cell."""
    losses = out.losses
    if side == "state":
        drawn = _poisson(rng, loss_power / p.fama_power)
        if not drawn.any():  # no dead: nobody removed, the losses as they were (keys in order)
            for k in ("france", "wagner", "fama"):
                losses[k] = losses.get(k, 0.0) + 0.0
            return drawn
        state = forces.state
        # (the forces in the cells: FAMa's garrison plus offensive there, as State.forces)
        dead = np.minimum(drawn, np.floor(state.garrison[cells] + state.offensive[cells]
                                          + forces.wagner.troops[cells]
                                          + forces.france.troops[cells]))  # fmt: skip
        lost = _remove_state_side(forces, cells, dead, powers)
        for k, v in lost.items():
            out.losses[k] = out.losses.get(k, 0.0) + v
        return dead.astype(np.int64)
    drawn = _poisson(rng, loss_power * persons_per_power[side])
    if not drawn.any():  # no dead: nobody removed
        losses[side] = losses.get(side, 0.0) + 0.0
        return drawn
    fighters = forces.fighters(side)
    dead = np.minimum(drawn, np.floor(fighters[cells]))
    fighters[cells] -= dead
    losses[side] = losses.get(side, 0.0) + float(dead.sum())
    return dead.astype(np.int64)


def strikes(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
) -> None:
    """French strikes and raids, and FAMa/Wagner air strikes, against jihadist fighters."""
    p = situation.params
    jnim, isg = forces.jnim.fighters, forces.is_sahel.fighters
    targets = jnim + isg
    if targets.sum() <= 0:
        return
    # France: fighters removed, spread over the cells where jihadists are
    removed = rng.poisson(p.france_strike_rate * french_strike_force(forces.france, p) / 1000.0)
    if removed > 0:
        weight = targets * situation.france_reach
        if weight.sum() > 0:
            per_cell = rng.multinomial(removed, weight / weight.sum())
            _strike(situation, forces, rng, out, log, per_cell, "france", FOREIGN,
                    collateral=p.strike_collateral)  # fmt: skip
    # FAMa with Wagner's air assets: strikes, each hitting a few fighters
    n_strikes = rng.poisson(p.state_air_strike_rate * forces.wagner.total / 1000.0)
    if n_strikes > 0:
        weight = targets * (forces.state.offensive > 0)
        if weight.sum() > 0:
            hits = rng.multinomial(n_strikes, weight / weight.sum())
            hit_cells, fighters_hit = _poisson_cells(rng, p.fighters_per_air_strike * hits)
            per_cell = np.zeros(hits.size, np.int64)
            per_cell[hit_cells] = fighters_hit
            _strike(situation, forces, rng, out, log, per_cell, "fama", STATE,
                    collateral=p.state_strike_collateral_factor * p.strike_collateral)  # fmt: skip


def _strike(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
    per_cell: np.ndarray,
    actor: str,
    family: int,
    collateral: float,
) -> None:
    """Remove the fighters each strike hit per cell, with collateral civilian deaths."""
    cells = (per_cell > 0).nonzero()[0]
    if cells.size == 0:
        return
    jnim, isg = forces.jnim.fighters, forces.is_sahel.fighters
    tot = jnim[cells] + isg[cells]
    want = per_cell[cells].astype(float)
    share_j = np.divide(jnim[cells], tot, out=np.zeros_like(tot), where=tot > 0)
    from_j = np.minimum(np.round(want * share_j), np.floor(jnim[cells]))
    from_i = np.minimum(want - from_j, np.floor(isg[cells]))
    jnim[cells] -= from_j
    isg[cells] -= from_i
    fighters = (from_j + from_i).astype(np.int64)
    pop, full_exposure = situation.population, situation.params.civilian_exposure_population
    civ = _cap_civilians(pop, out, cells, _poisson(rng,
        collateral * fighters * np.minimum(pop[cells] / full_exposure, 1)
    ))  # fmt: skip
    out.civilians_killed[family, cells] += civ  # distinct cells: np.add.at
    out.combatants_killed[cells] += fighters
    on_jnim = from_j >= from_i  # the target of each strike: JNIM, else IS Sahel
    perp = "state" if family == STATE else "foreign"
    for group, sel in (("jnim", on_jnim), ("is_sahel", ~on_jnim)):
        log.add(situation.month, "Air/drone strike", actor, group, cells[sel],
                fighters[sel] + civ[sel], civ[sel], perp)  # fmt: skip


def explosives(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
) -> None:
    """IEDs and mines laid by jihadist groups where state-side or UN forces operate."""
    p = situation.params
    powers = side_powers(forces, p)
    targets_present = (powers["state"] + powers["minusma"]) > 0
    for group, side_row in (("jnim", 0), ("is_sahel", 1)):
        fighters = forces.fighters(group)
        lam = p.ied_rate / 1000.0 * fighters * targets_present
        cells, count = _poisson_cells(rng, lam)
        if cells.size == 0:
            continue
        deaths = _poisson(rng, p.ied_lethality * count)
        civ = _cap_civilians(
            situation.population, out, cells, _binomial(rng, deaths, p.ied_civilian_share)
        )
        # the forces hit: state-side where present, otherwise the peacekeepers
        on_state = powers["state"][cells] > 0
        un = ~on_state
        state_cells, un_cells = cells[on_state], cells[un]
        wanted = (deaths - civ).astype(float)
        hit = np.zeros(cells.size)
        if state_cells.size:  # (with none, removing nobody changes nothing)
            hit_state = np.minimum(wanted[on_state], np.floor(
                forces.state.garrison[state_cells] + forces.state.offensive[state_cells]
                + forces.wagner.troops[state_cells]
                + forces.france.troops[state_cells]))  # fmt: skip
            hit[on_state] = hit_state
            _remove_state_side(forces, state_cells, hit_state, powers)
        hit_un = np.minimum(wanted[un], np.floor(forces.minusma.troops[un_cells]))
        hit[un] = hit_un
        forces.minusma.troops[un_cells] -= hit_un
        killed_forces = hit.astype(np.int64)
        out.peacekeepers_killed[un_cells] += killed_forces[un]
        out.losses["minusma"] = out.losses.get("minusma", 0.0) + float(hit_un.sum())
        deaths = civ + killed_forces
        # distinct cells: fancy-index additions are np.add.at
        out.civilians_killed[JIHADIST, cells] += civ
        out.civilians_killed_jihadist_split[side_row, cells] += civ
        out.combatants_killed[cells] += killed_forces
        for target, sel in (("fama", on_state), ("minusma", un)):
            log.add(situation.month, "Remote explosive/landmine/IED", group, target,
                    cells[sel], deaths[sel], civ[sel], "jihadist")  # fmt: skip


def protection(minusma: ForeignPartner, topology: Topology, p: Parameters) -> np.ndarray:
    """Share by which MINUSMA presence lowers one-sided violence in each cell.

    Full protection where a cell holds at least ``protection_full_peacekeepers``, the share
    ``protection_patrol_share`` of it in neighbouring cells reached by patrols; both scaled by
    the mobility the junta allows.
    """
    own = np.minimum(minusma.troops / p.protection_full_peacekeepers, 1.0)
    patrol = p.protection_patrol_share * topology.neighbor_max(own)
    return p.minusma_protection * p.minusma_mobility * np.maximum(own, patrol)


def one_sided_violence(
    situation: Situation,
    forces: Belligerents,
    rng: np.random.Generator,
    out: MonthlyViolence,
    log: EventLog,
) -> None:
    """Killings and abductions of civilians by each armed actor present."""
    p = situation.params
    shield = 1.0 - protection(forces.minusma, situation.topology, p)
    insurgent = (forces.jnim.fighters + forces.is_sahel.fighters) > 0
    fama_off = forces.state.offensive
    fama_active = fama_off + p.garrison_abuse_share * forces.state.garrison * insurgent
    wagner = forces.wagner.troops
    joint = np.divide(wagner, wagner + fama_off, out=np.zeros_like(wagner), where=fama_off > 0)
    state_rate = p.state_abuse_rate / 1000.0 * p.impunity
    pro_state = situation.support_share[0]
    lam = {
        ("fama", STATE, None): state_rate * fama_active
        * (1.0 + joint * (p.wagner_abuse_multiplier - 1.0) * p.joint_abuse_factor) * shield,
        ("wagner", FOREIGN, None): state_rate * p.wagner_abuse_multiplier * wagner * shield,
        ("jnim", JIHADIST, 0): p.jnim_abuse_rate / 1000.0 * forces.jnim.fighters
        * (1.0 + p.pro_state_targeting * pro_state) * shield,
        ("is_sahel", JIHADIST, 1): p.is_sahel_abuse_rate / 1000.0 * forces.is_sahel.fighters
        * (1.0 + p.pro_state_targeting * pro_state) * shield,
        ("cma", SIGNATORY, None): p.signatory_abuse_rate / 1000.0 * forces.cma.fighters * shield,
        ("platform", SIGNATORY, None): p.signatory_abuse_rate / 1000.0 * forces.platform.fighters
        * shield,
    }  # fmt: skip
    k = p.violence_dispersion
    perp_names = PERPETRATOR_NAMES
    # violence needs victims: rates fall in nearly empty cells (half at exposure_half_population)
    pop = situation.population
    exposure = pop / (pop + p.exposure_half_population)
    month, abductions_per_killing = situation.month, p.abductions_per_killing
    killed_rows = out.civilians_killed
    for (actor, family, split_row), rate in lam.items():
        gamma = rng.gamma(k, 1.0 / k, rate.shape)
        # a zero rate draws nothing from the stream: where few cells have a nonzero rate, only
        # those are drawn (the same draws as over every cell)
        active = rate.nonzero()[0]
        dense = 2 * active.size > rate.size
        if dense:
            rate_a, exposure_a, gamma_a = rate, exposure, gamma
        else:
            rate_a, exposure_a, gamma_a = rate[active], exposure[active], gamma[active]
        killed = _poisson(rng, rate_a * exposure_a * gamma_a)
        hit = killed.nonzero()[0]  # (counts: nonzero is positive)
        if hit.size:
            cells = hit if dense else active[hit]
            killed_c = _cap_civilians(pop, out, cells, killed[hit])
            victims = killed_c > 0
            cells, killed_c = cells[victims], killed_c[victims]
            # the cells are distinct: a fancy-index addition is np.add.at (integer counts)
            killed_rows[family, cells] += killed_c
            if split_row is not None:
                out.civilians_killed_jihadist_split[split_row, cells] += killed_c
            log.add(month, "Attack", actor, "civilians", cells, killed_c, killed_c,
                    perp_names[family])  # fmt: skip
        abductions = _poisson(rng, abductions_per_killing * rate_a * exposure_a)
        hit = abductions.nonzero()[0]
        if hit.size:
            zero = np.zeros(hit.size, np.int64)
            log.add(month, "Abduction/forced disappearance", actor, "civilians",
                    hit if dense else active[hit], zero, zero, perp_names[family])  # fmt: skip


def control_powers(
    situation: Situation, forces: Belligerents, powers: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """Return ``(4, n_cells)`` power of the controlling families: state, JNIM, IS, signatory.

    French troops hold the towns of their bases with FAMa (CRS2022: France intervened "to oust
    Islamist armed groups from major towns in the north"), so they count on the state's side,
    except in the cells the signatory groups hold while the accord holds (accord adherence
    above 0): France fought the jihadists, not the accord's signatories, and its bases in Kidal
    and Tessalit stood in towns the CMA held for a decade (Teller2023); peacekeepers do not
    control territory. Where the state administers a cell (prefects,
    gendarmes, services), that administration counts too, in proportion to the people there
    (CRS2022: "State officials remain absent from much of the north and center" — present in
    the rest); it flees when another family takes the cell and returns with the state. In a
    town cell whose countryside is decided apart (:func:`update_countryside`), this is the power
    over the town, and the administration still counts the whole cell's people: the town is the
    seat of the cercle's officials (assumption; the countryside's own contest counts them apart,
    :func:`countryside_powers`).

    ``powers`` are this moment's :func:`side_powers` of ``forces`` if the caller has them.
    """
    p = situation.params
    if powers is None:
        powers = side_powers(forces, p)
    administration = (
        p.administration_power * situation.population / 1000.0 * situation.administration
    )
    accord_zone = (situation.control == _C_SIGNATORY) & (situation.accord_adherence > 0)
    france = np.where(accord_zone, 0.0, powers["france"])
    state = powers["fama"] + powers["wagner"] + france + administration
    return np.array([state, powers["jnim"], powers["is_sahel"], powers["cma"] + powers["platform"]])


def authority(control: np.ndarray, power: np.ndarray) -> np.ndarray:
    """The family whose rule civilians live under in each cell.

    That is the controlling family, or the strongest family where the cell is contested.

    Args:
        control: Control code per cell.
        power: ``(n_families, n_cells)`` controlling power (:func:`control_powers`).

    Returns:
        Family index per cell.
    """
    return np.where(control == _C_CONTESTED, np.argmax(power, axis=0), control).astype(np.intp)


def countryside_people(situation: Situation) -> np.ndarray:
    """People of each town cell living outside its town (0 elsewhere, or without a split)."""
    if situation.town_share is None:
        return np.zeros_like(situation.population)
    return situation.population * np.where(situation.town_cells, 1.0 - situation.town_share, 0.0)


def mobile_state_power(
    forces: Belligerents, p: Parameters, powers: dict[str, np.ndarray] | None = None
) -> np.ndarray:
    """State-side combat power per cell outside the garrisons: FAMa on offensive, Wagner, France.

    The garrisons hold the towns and do not patrol the countryside (CRS2022: "State officials
    remain absent from much of the north and center"); the forces that operate in the
    countryside are the offensives, Wagner, which goes with them, and the French (ICG2023: the
    army's 2022 operations, with Wagner, "failed to permanently challenge jihadists' control
    of rural areas"). ``powers`` are this moment's :func:`side_powers` if the caller has them.
    """
    if powers is None:
        powers = side_powers(forces, p)
    state = forces.state
    total = state.forces
    offensive_share = np.divide(state.offensive, total, out=np.zeros_like(total), where=total > 0)
    return powers["fama"] * offensive_share + powers["wagner"] + powers["france"]


def armed_presence(forces: Belligerents, p: Parameters) -> np.ndarray:
    """``(4, n_cells)`` whether each family operates in each cell with armed persons.

    An armed group operates where it has at least ``presence_min_armed`` fighters (as for
    recruitment, :func:`~malisim.model.civilians.present_families`), the state wherever it
    has forces.
    """
    presence = forces.presence_by_family()
    operates = presence >= p.presence_min_armed
    operates[0] = presence[0] > 0
    return operates


def countryside_powers(
    situation: Situation,
    forces: Belligerents,
    operates: np.ndarray | None = None,
    powers: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Return ``(4, n_cells)`` power of each family over the countryside of the town cells.

    Whoever operates there contests it: the armed groups' fighters in the cell and the state's
    mobile forces (:func:`mobile_state_power`), not its garrison. The state's administration
    (``administration_power`` per 1,000 countryside inhabitants) counts only where no armed
    group operates (:func:`armed_presence`): the state's officials are absent where the armed
    groups are (CRS2020: "Malian state actors are absent from much of the north and,
    increasingly, the center"; ICG2023watch: militants "have gone rural to capitalise on local
    conflicts and the absence of the State") and return where none is. As in
    :func:`control_powers`, France does not count in a countryside the signatories hold while
    the accord holds. ``operates`` is this moment's :func:`armed_presence` and ``powers`` its
    :func:`side_powers` if the caller has them.
    """
    p = situation.params
    if situation.countryside_control is None:
        raise ValueError("countryside_powers needs situation.countryside_control")
    countryside = situation.countryside_control
    if powers is None:
        powers = side_powers(forces, p)
    if operates is None:
        operates = armed_presence(forces, p)
    unarmed = ~operates[1:].any(axis=0)
    administration = p.administration_power * countryside_people(situation) / 1000.0 * unarmed
    accord_zone = (countryside == _C_SIGNATORY) & (situation.accord_adherence > 0)
    mobile = mobile_state_power(forces, p, powers) - np.where(accord_zone, powers["france"], 0.0)
    return np.array(
        [
            mobile + administration,
            powers["jnim"],
            powers["is_sahel"],
            powers["cma"] + powers["platform"],
        ]
    )


def update_countryside(
    situation: Situation,
    forces: Belligerents,
    cell_control: np.ndarray,
    powers: dict[str, np.ndarray] | None = None,
) -> np.ndarray:
    """Control of the countryside of each cell after the month's fighting.

    In a town cell the countryside is decided apart from the town, by the rule of
    :func:`update_control` on the countryside's powers (:func:`countryside_powers`) and
    people: a family dominating by ``control_dominance`` and reaching
    :func:`control_threshold` for the countryside's people holds it, one reaching the
    threshold without dominating leaves it contested. Below the threshold the countryside
    keeps its holder while the holder has power there; a holder with none (no forces, no
    officials) loses it, to a contested countryside, where another family operates
    (:func:`armed_presence`). No garrison rule applies: a garrison holds its town, not the
    countryside around it (ICG2023: the army's 2022 operations "failed to permanently
    challenge jihadists' control of rural areas"). Elsewhere the countryside is the cell
    (``cell_control``);
    without a split (``situation.town_share`` None) this is ``cell_control``.

    Args:
        situation: The cells this phase (countryside control before the change, town shares).
        forces: The armed actors.
        cell_control: Control code per cell after :func:`update_control`.
        powers: This moment's :func:`side_powers` of ``forces``, if the caller has them.

    Returns:
        Countryside control code per cell.
    """
    if situation.town_share is None or situation.countryside_control is None:
        return cell_control.copy()
    p = situation.params
    old = situation.countryside_control
    n = old.size
    operates = armed_presence(forces, p)
    power = countryside_powers(situation, forces, operates, powers)
    new, top = dominant_family(power, p)
    # below the threshold the holder keeps it, unless it has no power there and others operate
    held = old != _C_CONTESTED
    holder = np.where(held, old, 0).astype(np.intp)
    holder_power = np.where(held, power[holder, np.arange(n)], 0.0)
    others = np.where(np.arange(operates.shape[0])[:, None] == holder[None, :], False, operates)
    lapsed = held & (holder_power <= 0.0) & others.any(axis=0)
    below = np.where(lapsed, _C_CONTESTED, old)
    threshold = control_threshold(p, countryside_people(situation))
    new = np.where(top < threshold, below, new)
    return np.where(situation.town_cells, new, cell_control).astype(np.int8)


def dominant_family(power: np.ndarray, p: Parameters) -> tuple[np.ndarray, np.ndarray]:
    """The family that dominates each cell, or contested, and the strongest power there.

    A family dominates when its power is at least ``control_dominance`` times the next
    family's; otherwise the cell is contested. The caller applies :func:`control_threshold`.

    Args:
        power: ``(families, cells)`` power of each control family (``Control`` codes as rows).
        p: Model parameters.

    Returns:
        The dominant family's code per cell (``Control.CONTESTED`` where none dominates), and
        the strongest family's power per cell.
    """
    # the strongest and the second strongest without sorting each cell's powers: the leader's
    # power, then the strongest of the others (a tie gives the same power twice, as a sort)
    leader = np.argmax(power, axis=0)
    cells = np.arange(power.shape[1])
    top = power[leader, cells]
    others = power.copy()
    others[leader, cells] = -np.inf
    second = others.max(axis=0)
    dominant = np.where(top >= p.control_dominance * np.maximum(second, 1e-9), leader,
                        _C_CONTESTED)  # fmt: skip
    return dominant, top


def control_threshold(p: Parameters, population: np.ndarray) -> np.ndarray:
    """Combat power needed to control each cell: a floor plus a share of its population."""
    return p.min_presence + p.control_per_capita * population / 1000.0


@dataclass(frozen=True)
class ControlChange:
    """The result of :func:`update_control`.

    Attributes:
        control: New control code per cell.
        administration: Cells the state administers after the change.
        changed: Cells whose control changed.
    """

    control: np.ndarray
    administration: np.ndarray
    changed: np.ndarray


def defended_towns(situation: Situation, forces: Belligerents) -> np.ndarray:
    """Town cells whose holder defends them with its own armed forces there.

    A town (grid ``main_town``) held by one family (not contested) where that family has armed
    persons (:meth:`Belligerents.presence_by_family`): a garrison, the signatories' fighters in
    their towns, a jihadist group's fighters in a town it took.
    """
    control = situation.control
    presence = forces.presence_by_family()
    held = control != _C_CONTESTED
    holder = np.where(held, control, 0).astype(np.intp)
    present = presence[holder, np.arange(control.size)] > 0
    return situation.town_cells & held & present


def required_ratio(situation: Situation, defended: np.ndarray) -> np.ndarray:
    """Power ratio over the strongest other family needed to take each cell.

    ``control_dominance`` everywhere, and at least ``garrison_overrun_ratio`` in the towns a
    holder defends (:func:`defended_towns`): attacking a defended position takes a larger
    superiority (Dupuy2019: a defender holds about half the time against three times its
    strength; ICG2023: Katiba Macina attacked the garrison town of Kati without taking it).
    """
    p = situation.params
    overrun = max(p.garrison_overrun_ratio, p.control_dominance)
    return np.where(defended, overrun, p.control_dominance)


def garrison_holds(situation: Situation, power: np.ndarray, defended: np.ndarray) -> np.ndarray:
    """Defended towns whose holder keeps them this month.

    The holder of a defended town (:func:`defended_towns`) keeps it unless the strongest other
    family has at least ``garrison_overrun_ratio`` times the holder's power there: a garrison
    holds its town unless overrun, and a town taken by force is kept afterwards unless the
    former holder comes back in force (the army's hold on Kidal after November 2023,
    Teller2023, is this rule, not a rule of its own).

    Args:
        situation: The cells this phase (control, towns).
        power: ``(n_families, n_cells)`` controlling power (:func:`control_powers`).
        defended: The defended towns.

    Returns:
        Mask of the towns kept by their holder.
    """
    control = situation.control
    n = control.size
    holder = np.where(defended, control, 0).astype(np.intp)
    own = power[holder, np.arange(n)]
    others = np.where(np.arange(power.shape[0])[:, None] == holder[None, :], 0.0, power)
    attacker = others.max(axis=0)
    ratio = required_ratio(situation, defended)
    return defended & (attacker < ratio * own)


def withdraw_from_lost_towns(situation: Situation, forces: Belligerents, lost: np.ndarray) -> None:
    """Fighters of a non-state holder that lost a defended town withdraw to the next cells.

    When a defended town changes hands, the fighters of the family that held it (JNIM, IS
    Sahel, or CMA and Platform) leave the cell for its neighbours, in equal shares (Teller2023:
    when the army took Kidal, the CSP "acknowledged withdrawing from the city"). The state's
    soldiers need no rule: garrisons are redeployed every month.

    Args:
        situation: The cells this phase (control before the change, neighbourhood).
        forces: The armed actors (fighters move in place).
        lost: Defended towns that changed hands this month.
    """
    if not lost.any():
        return
    topo = situation.topology
    degree = np.maximum(topo.degree(), 1).astype(float)
    groups: dict[Control, tuple[JihadistGroup | SignatoryGroup, ...]] = {
        Control.JNIM: (forces.jnim,),
        Control.IS_SAHEL: (forces.is_sahel,),
        Control.SIGNATORY: (forces.cma, forces.platform),
    }
    for holder, members in groups.items():
        leaving = lost & (situation.control == holder)
        if not leaving.any():
            continue
        for group in members:
            out = np.where(leaving, group.fighters, 0.0)
            share = out / degree
            group.fighters = (
                group.fighters
                - out
                + np.bincount(topo.edge_dst, weights=share[topo.edge_src], minlength=topo.n_cells)
            )


def update_control(
    situation: Situation,
    forces: Belligerents,
    battles: np.ndarray,
    log: EventLog,
    powers: dict[str, np.ndarray] | None = None,
) -> ControlChange:
    """Decide who controls each cell after the month's fighting.

    A family controls a cell when its power exceeds ``control_dominance`` times the next
    family's; when nobody reaches :func:`control_threshold` control does not change; otherwise
    the cell is contested. A town its holder defends stays with it unless overrun
    (:func:`garrison_holds`). Changes are logged as battles (territory taken) where fighting
    occurred, and as non-violent transfers of territory otherwise. The state's administration
    returns with the state and flees from cells another family takes. ``powers`` are this
    moment's :func:`side_powers` of ``forces`` if the caller has them.
    """
    p = situation.params
    power = control_powers(situation, forces, powers)
    new, top = dominant_family(power, p)
    old = situation.control
    new = np.where(top < control_threshold(p, situation.population), old, new)
    defended = defended_towns(situation, forces)
    kept = garrison_holds(situation, power, defended)
    new = np.where(kept, old, new).astype(np.int8)
    withdraw_from_lost_towns(situation, forces, defended & (new != old))
    changed = new != old
    taken = np.flatnonzero(changed & (new != _C_CONTESTED))
    if taken.size:
        month = situation.month
        new_taken = new[taken]
        fought = battles[taken] > 0
        takers = set(new_taken.tolist())  # (a family that took no cell logs nothing)
        for ctrl, actor in ((_C_STATE, "fama"), (_C_JNIM, "jnim"), (_C_IS_SAHEL, "is_sahel"),
                            (_C_SIGNATORY, "cma")):  # fmt: skip
            if ctrl not in takers:
                continue
            sel = new_taken == ctrl
            sub = (
                "Government regains territory"
                if ctrl == _C_STATE
                else ("Non-state actor overtakes territory")
            )
            cells = taken[sel & fought]
            log.add(month, sub, actor, "none", cells, np.zeros(cells.size, np.int64))
            cells = taken[sel & ~fought]
            log.add(month, "Non-violent transfer of territory", actor, "none", cells,
                    np.zeros(cells.size, np.int64))  # fmt: skip
    administration = situation.administration.copy()
    administration[new == _C_STATE] = True
    lost = (new == _C_JNIM) | (new == _C_IS_SAHEL) | (new == _C_SIGNATORY)
    administration[lost] = False
    return ControlChange(control=new, administration=administration, changed=changed)


def initial_control(situation: Situation, forces: Belligerents) -> np.ndarray:
    """Control of each cell at the start, from the initial presence of the armed families.

    As in :func:`update_control`, a family that dominates and reaches the threshold holds the
    cell; a cell where some family reaches the threshold without dominating is contested;
    cells nobody holds keep their default (``situation.control``).
    """
    p = situation.params
    power = control_powers(situation, forces)
    dominant, top = dominant_family(power, p)
    strong = top >= control_threshold(p, situation.population)
    return np.where(strong, dominant, situation.control).astype(np.int8)


def jihadist_offensives(
    situation: Situation, forces: Belligerents, powers: dict[str, np.ndarray] | None = None
) -> None:
    """Each jihadist group masses fighters on the cells it can take (JNIM first).

    French air support and surveillance deter massing within reach of the French bases, in
    proportion to the French air level (CRS2022, ICG2023); see :meth:`JihadistGroup.mass`.
    ``powers`` are this moment's :func:`side_powers` of ``forces`` if the caller has them.
    """
    p = situation.params
    air_level = france_air_level(forces.france, p)
    air_cover = p.air_deterrence * air_level * situation.france_reach
    threshold = control_threshold(p, situation.population)
    defended = defended_towns(situation, forces)
    power = control_powers(situation, forces, powers)
    for group, row in ((forces.jnim, _C_JNIM), (forces.is_sahel, _C_IS_SAHEL)):
        if row == _C_IS_SAHEL:  # JNIM massed: its row of the powers is renewed (as side_powers)
            power[_C_JNIM] = forces.jnim.fighters * p.jihadist_power
        # the strongest of the other rows, taken in row order (as np.delete(...).max(axis=0))
        others = power[[r for r in range(power.shape[0]) if r != row]].max(axis=0)
        ratio = required_ratio(situation, defended & (situation.control != row))
        group.mass(situation, others, threshold, situation.control == row, air_cover, ratio)


def sieges(situation: Situation) -> np.ndarray:
    """Economic loss per cell from sieges: towns whose neighbourhood jihadists hold.

    A town cell not itself jihadist-held is besieged when at least ``siege_neighbour_share`` of
    its neighbours are; it loses ``blockade_shock`` of its economic activity.
    """
    control = situation.control
    jihadist = (control == _C_JNIM) | (control == _C_IS_SAHEL)
    held_around = situation.topology.neighbor_sum(jihadist.astype(float))
    degree = np.maximum(situation.topology.degree(), 1)
    p = situation.params
    besieged = situation.town_cells & ~jihadist & (held_around / degree >= p.siege_neighbour_share)
    return np.where(besieged, p.blockade_shock, 0.0)


def violence_index(
    previous: np.ndarray, violence: MonthlyViolence, population: np.ndarray, p: Parameters
) -> np.ndarray:
    """The violence index per cell after this month: smoothed deaths per 100,000 people.

    The month's civilian deaths plus the combatant deaths divided by
    ``violence_combatant_divisor``, per ``violence_index_unit`` people present (at least
    ``violence_population_floor``), smoothed with ``violence_memory``.

    Args:
        previous: Last month's index.
        violence: This month's deaths.
        population: People present per cell (before this month's civilian step).
        p: The parameters in force.

    Returns:
        The new index.
    """
    deaths = (
        violence.civilians_killed.sum(axis=0)
        + violence.combatants_killed / p.violence_combatant_divisor
    )
    monthly = deaths / np.maximum(population, p.violence_population_floor) * p.violence_index_unit
    return p.violence_memory * previous + (1.0 - p.violence_memory) * monthly


def desertion(groups: tuple[JihadistGroup | SignatoryGroup, ...], rate: float) -> None:
    """A share ``rate`` of the fighters of each non-state group leave it this month."""
    keep = 1.0 - rate
    for group in groups:
        group.fighters *= keep


__all__ = [
    "Belligerents",
    "ControlChange",
    "MonthlyViolence",
    "Side",
    "armed_presence",
    "authority",
    "clashes",
    "control_powers",
    "control_threshold",
    "countryside_people",
    "countryside_powers",
    "defended_towns",
    "desertion",
    "dominant_family",
    "explosives",
    "france_air_level",
    "french_strike_force",
    "garrison_holds",
    "hostility",
    "initial_control",
    "jihadist_offensives",
    "jihadist_rivalry",
    "mobile_state_power",
    "one_sided_violence",
    "operation_massacres",
    "protection",
    "required_ratio",
    "side_powers",
    "sieges",
    "state_actor",
    "strikes",
    "update_control",
    "update_countryside",
    "violence_index",
    "wagner_leads",
    "withdraw_from_lost_towns",
]
