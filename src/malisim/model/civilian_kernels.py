"""Compiled passes of the civilian step (the ``"numba"`` engine of :class:`CivilianPopulation`).

Each kernel fuses several full-length numpy passes of one rule of
:meth:`malisim.model.civilians.CivilianPopulation.step` into one loop over the agents, with the
same arithmetic in the same order and the same dtypes (float32 stays float32; no fastmath), so
the results are the numpy implementation's bit for bit. Per-cell sums add each cell's agents in
index order, as ``np.bincount`` does. Random draws, transcendental functions over all agents
(``np.exp``) and whole-array sums (``np.sum`` adds pairwise) stay in numpy, in the caller.

This module imports numba: :mod:`malisim.model.civilians` imports it only when the compiled
engine is used (importing numba costs about a quarter of a second). Compiled code is cached in
``__pycache__`` beside this file (``cache=True``), so only the first process compiles.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_RESIDENT = 0
_DISPLACED = 1
_REFUGEE = 2


@njit(cache=True)
def decay_and_select(  # pragma: no cover - compiled
    memory: np.ndarray,
    decay: np.float32,
    cell: np.ndarray,
    here: np.ndarray,
    hit_mask: np.ndarray,
    exposed_cells: np.ndarray,
    select: bool,
    local: np.ndarray,
    community: np.ndarray,
    weight: np.ndarray,
    n_comm: int,
    n_struck: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Decay every memory; select the agents in Mali of the hit and of the exposed cells (7.1.1).

    Also counts the people of each community among the hit agents of the cells struck by
    communal attacks (``local``: a cell's position among them, -1 for the others).
    """
    n = memory.shape[0]
    flat = memory.reshape(-1)  # C order: one flat loop the compiler vectorises
    for j in range(flat.size):
        flat[j] = flat[j] * decay
    hit = np.empty(n if select else 0, np.intp)
    exposed = np.empty(n if select else 0, np.intp)
    people_k = np.zeros((n_comm, n_struck))
    n_hit = 0
    n_exp = 0
    if not select:
        return hit, exposed, people_k
    for i in range(n):
        if here[i]:
            c = cell[i]
            if hit_mask[c]:
                hit[n_hit] = i
                n_hit += 1
                where = local[c]
                if where >= 0:
                    people_k[community[i], where] += weight[i]
            if exposed_cells[c]:
                exposed[n_exp] = i
                n_exp += 1
    return hit[:n_hit].copy(), exposed[:n_exp].copy(), people_k


@njit(cache=True)
def hit_and_kill(  # pragma: no cover - compiled
    u_hit: np.ndarray,
    exposed: np.ndarray,
    hit: np.ndarray,
    cell: np.ndarray,
    community: np.ndarray,
    local: np.ndarray,
    bounds: np.ndarray,
    own: np.ndarray,
    memory: np.ndarray,
    increment: np.float32,
    weight: np.ndarray,
    survive: np.ndarray,
    own_survive: np.ndarray,
    rest_survive: np.ndarray,
) -> np.ndarray:
    """Victimise the exposed agents under their bounds and remove the dead (7.1.1).

    Bounds per cell (``bounds``), per community in the cells of communal attacks (``own``).
    Returns the people lost by each hit agent, in the order of ``hit``.
    """
    n_fam = bounds.shape[0]
    for j in range(exposed.size):
        i = exposed[j]
        c = cell[i]
        where = local[c]
        u = np.float64(u_hit[i])
        if where >= 0:
            top = own[community[i], n_fam - 1, where]
        else:
            top = bounds[n_fam - 1, c]
        if u < top:
            fam = 0
            for f in range(n_fam):
                b = own[community[i], f, where] if where >= 0 else bounds[f, c]
                if u >= b:
                    fam += 1
            memory[i, fam] = memory[i, fam] + increment
    lost = np.empty(hit.size)
    for j in range(hit.size):
        i = hit[j]
        c = cell[i]
        where = local[c]
        if where >= 0:
            factor = own_survive[community[i], where] * rest_survive[where]
        else:
            factor = survive[c]
        gone = weight[i] * (1.0 - factor)
        lost[j] = gone
        weight[i] = weight[i] - gone
    return lost


@njit(cache=True)
def active_people(  # pragma: no cover - compiled
    active: np.ndarray, cell: np.ndarray, weight: np.ndarray, n_cells: int
) -> np.ndarray:
    """People per cell who are active (``bincount`` over the active, in index order)."""
    out = np.zeros(n_cells)
    for i in range(active.size):
        if active[i]:
            out[cell[i]] += weight[i]
    return out


@njit(cache=True)
def grievance_and_enemy(  # pragma: no cover - compiled
    legit: np.ndarray,
    target: np.ndarray,
    community: np.ndarray,
    n_cells: int,
    adjustment: np.float32,
    hardship0: np.ndarray,
    status: np.ndarray,
    conflict_term: np.ndarray,
    economy_term: np.ndarray,
    displaced_weight: np.float32,
    memory: np.ndarray,
    cell: np.ndarray,
    authority: np.ndarray,
    candidate: np.ndarray,
    victimisation_weight: np.float32,
    memory_floor: np.float32,
    seen: np.ndarray,
    deterrence: float,
    seen_active: np.ndarray,
    weight: np.ndarray,
    neg_k: float,
    here: np.ndarray,
    candidate_floor: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Legitimacy (7.1.3, in place), hardship (7.1.2), grievance and enemy (7.1.4) per agent.

    Only the agents in Mali whose grievance exceeds ``candidate_floor`` can turn active (the
    net risk is never negative): returns their indices, their grievance against the enemy
    (float32) and ``-arrest_k`` times their enforcer ratio (whose exponential numpy takes), and
    the enemy of every agent (int8).
    """
    n, n_fam = memory.shape
    cand = np.empty(n, np.intp)
    g_out = np.empty(n, np.float32)
    enemy = np.empty(n, np.int8)
    x = np.empty(n)
    k = 0
    one32 = np.float32(1.0)
    zero32 = np.float32(0.0)
    vw = victimisation_weight
    for i in range(n):
        c = np.intp(cell[i])
        # 7.1.3: toward the (community, cell) target
        key = np.intp(community[i]) * n_cells + c
        for f in range(n_fam):
            step = target[key, f] - legit[i, f]
            step = step * adjustment
            legit[i, f] = legit[i, f] + step
        # 7.1.2: ((baseline + violence) + displacement) + economy, in float64, clipped
        h = np.float64(hardship0[i]) + conflict_term[c]
        d = one32 if status[i] != _RESIDENT else zero32
        h += np.float64(displaced_weight * d)
        h += economy_term[c]
        if h < 0.0:
            h = 0.0
        elif h > 1.0:
            h = 1.0
        hardship = np.float32(h)
        # 7.1.4: grievance against the authority; victims may resent another family more
        a = np.intp(authority[c])
        g = hardship * (one32 - legit[i, a]) + vw * memory[i, a]
        if g > one32:
            g = one32
        victim = False
        for f in range(n_fam):
            victim |= memory[i, f] > memory_floor
        e = int(a)
        if victim:
            best = zero32
            for f in range(n_fam):
                v = g if f == a else vw * memory[i, f]
                if v > one32:
                    v = one32
                if not candidate[f, c]:
                    v = np.float32(-1.0)
                if f == 0 or v > best:  # the first of the largest, as np.argmax
                    best = v
                    e = f
            g = best
        enemy[i] = e
        # every agent is written at slot k, kept only if a candidate (no unpredictable branch)
        cand[k] = i
        g_out[k] = g
        enforcers = deterrence * seen[e, c]
        actives = seen_active[c] + weight[i]
        if actives < 1.0:
            actives = 1.0
        x[k] = neg_k * (enforcers / actives)
        k += 1 if (here[i] and np.float64(g) > candidate_floor) else 0
    return cand[:k].copy(), g_out[:k].copy(), enemy, x[:k].copy()


@njit(cache=True)
def activate_and_choose(  # pragma: no cover - compiled
    cand: np.ndarray,
    g: np.ndarray,
    risk_aversion: np.ndarray,
    exp_neg: np.ndarray,
    threshold: float,
    status: np.ndarray,
    home: np.ndarray,
    cell: np.ndarray,
    any_present: np.ndarray,
    present_here: np.ndarray,
    legit: np.ndarray,
    memory: np.ndarray,
    victimisation_weight: np.float32,
    presence_term: np.ndarray,
    enemy: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Epstein's rule ``G - R * P > T`` (7.1.4) and the side of the active (7.1.5).

    Over the candidates ``cand`` (the others are inactive), with their grievance ``g`` and
    ``P`` one minus ``exp_neg``. Returns the activity of every agent, the aligned agents, their
    family and side cell, and the supported family of every agent (-1: none).
    """
    n, n_fam = memory.shape
    active = np.zeros(n, np.bool_)
    support = np.full(n, np.int8(-1))
    agents = np.empty(n, np.intp)
    family = np.empty(n, np.intp)
    side_cell = np.empty(n, np.intp)
    vw = victimisation_weight
    n_active = 0
    for j in range(cand.size):  # Epstein's rule, without an unpredictable branch
        i = cand[j]
        net = np.float64(risk_aversion[i]) * (1.0 - exp_neg[j])
        is_active = (np.float64(g[j]) - net) > threshold
        active[i] = is_active
        agents[n_active] = i
        n_active += 1 if is_active else 0
    k = 0
    for j in range(n_active):  # the side of the active
        i = agents[j]
        ac = np.intp(home[i]) if status[i] == _DISPLACED else np.intp(cell[i])
        if not any_present[ac]:
            continue
        e = enemy[i]
        of_enemy = (legit[i, e] - vw * memory[i, e]) + presence_term[e, ac]
        best = -np.inf
        choice = 0
        for f in range(n_fam):
            v = (legit[i, f] - vw * memory[i, f]) + presence_term[f, ac]
            if f == e or not present_here[f, ac]:
                v = -np.inf
            if v > best:  # the first of the largest, as np.argmax
                best = v
                choice = f
        if np.isfinite(best) and best > of_enemy:
            support[i] = np.int8(choice)
            agents[k] = i
            family[k] = choice
            side_cell[k] = ac
            k += 1
    return active, agents[:k].copy(), family[:k].copy(), side_cell[:k].copy(), support


@njit(cache=True)
def return_home(  # pragma: no cover - compiled
    status: np.ndarray,
    protracted: np.ndarray,
    home: np.ndarray,
    cell: np.ndarray,
    months_away: np.ndarray,
    fled_danger: np.ndarray,
    legit: np.ndarray,
    country: np.ndarray,
    returnee: np.ndarray,
    u_return: np.ndarray,
    danger: np.ndarray,
    safety: np.ndarray,
    governance: np.ndarray,
    ramp_months: float,
    return_rate: float,
    refugee_return_rate: float,
    relief_rate: float,
    tiny: float,
    weight: np.ndarray,
    n_cells: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One more month away for the displaced and refugees, and their returns home (7.1.7).

    The arithmetic of ``CivilianPopulation._return_home`` agent by agent. Returns the mask of
    the agents who went home, the cell each left and whether each was a refugee, then, after the
    returns, the people of each home cell and those away from it (``room_to_flee``).
    """
    n = status.size
    total = np.zeros(n_cells)
    away = np.zeros(n_cells)
    going_home = np.zeros(n, np.bool_)
    left = np.empty(n, np.intp)
    was_refugee = np.empty(n, np.bool_)
    one32 = np.float32(1.0)
    k = 0
    for i in range(n):
        s = status[i]
        total[home[i]] += weight[i]
        if s == _RESIDENT:
            continue
        months_away[i] += 1
        if protracted[i]:
            away[home[i]] += weight[i]
            continue
        refugee = s == _REFUGEE
        h = np.intp(home[i])
        # rejection of a jihadist rule at home: JNIM, then IS Sahel (families 1 and 2)
        rejection = governance[1, h] * np.float64(one32 - legit[i, 1]) + governance[2, h] * (
            np.float64(one32 - legit[i, 2])
        )
        if rejection < 0.0:
            rejection = 0.0
        elif rejection > 1.0:
            rejection = 1.0
        safe_home = safety[h] * (1.0 - rejection)
        safe_here = 1.0 if refugee else safety[cell[i]]
        relative = safe_home / max(safe_here, tiny)
        if relative > 1.0:
            relative = 1.0
        ramp = min(months_away[i] / ramp_months, 1.0)
        rate = refugee_return_rate if refugee else return_rate
        settled = rate * ramp * safe_home * relative
        fled = np.float64(fled_danger[i])
        if fled > 0.0:
            relief = 1.0 - danger[h] / max(fled, tiny)
            if relief < 0.0:
                relief = 0.0
            elif relief > 1.0:
                relief = 1.0
            relief = relief_rate * relief
        else:
            relief = 0.0
        if np.float64(u_return[i]) < 1.0 - (1.0 - settled) * (1.0 - relief):
            going_home[i] = True
            left[k] = cell[i]
            was_refugee[k] = refugee
            k += 1
            cell[i] = home[i]
            status[i] = _RESIDENT
            country[i] = -1
            months_away[i] = 0
            fled_danger[i] = 0.0
            returnee[i] = True
        else:
            away[home[i]] += weight[i]
    return going_home, left[:k].copy(), was_refugee[:k].copy(), total, away


@njit(cache=True)
def flight_candidates(  # pragma: no cover - compiled
    u_flee: np.ndarray,
    bound: np.ndarray,
    cell: np.ndarray,
    status: np.ndarray,
    going_home: np.ndarray,
) -> np.ndarray:
    """Agents under their cell's flight bound, in Mali and not going home (7.1.7)."""
    n = u_flee.size
    out = np.empty(n, np.intp)
    k = 0
    for i in range(n):
        if np.float64(u_flee[i]) < bound[cell[i]] and status[i] != _REFUGEE and not going_home[i]:
            out[k] = i
            k += 1
    return out[:k].copy()


@njit(cache=True)
def grow_and_census(  # pragma: no cover - compiled
    cell: np.ndarray,
    home: np.ndarray,
    weight: np.ndarray,
    status: np.ndarray,
    returnee: np.ndarray,
    country: np.ndarray,
    rate: float,
    n_cells: int,
    n_countries: int,
) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:
    """Natural growth of every weight, in place (7.1.8), and the per-cell sums after it (7.1.9).

    Each cell adds its agents in index order. Returns each agent's growth, then population,
    IDPs, refugees by country, returnees by home, people in Mali by home, growth of the
    displaced by cell and growth of the refugees by home.
    """
    growth = np.empty(weight.size)
    population = np.zeros(n_cells)
    idps = np.zeros(n_cells)
    refugees = np.zeros(n_countries)
    returnees = np.zeros(n_cells)
    living = np.zeros(n_cells)
    idp_growth = np.zeros(n_cells)
    refugee_growth = np.zeros(n_cells)
    for i in range(weight.size):
        gr = weight[i] * rate
        growth[i] = gr
        w = weight[i] + gr
        weight[i] = w
        s = status[i]
        c = cell[i]
        h = home[i]
        if s == _REFUGEE:
            refugees[country[i]] += w
            refugee_growth[h] += growth[i]
        else:
            population[c] += w
            living[h] += w
            if s == _DISPLACED:
                idps[c] += w
                idp_growth[c] += growth[i]
            elif returnee[i]:
                returnees[h] += w
    return growth, population, idps, refugees, returnees, living, idp_growth, refugee_growth
