"""The civilian rules, driven directly with synthetic CellSignals on the test sub-grid.

No model is built here: a :class:`CivilianPopulation` is stepped with hand-made per-cell signals
(armed presence, killings, violence index, authority) so that each rule can be checked on its
own. Epstein's rule functions of :mod:`malisim.model.civil_violence` are tested at the end.
"""

from __future__ import annotations

import numpy as np
import pytest

from malisim.core.rng import RandomStreams
from malisim.model.civil_violence import (
    EPSTEIN_K,
    EPSTEIN_THRESHOLD,
    arrest_probability,
    enforcer_ratio,
    grievance,
    is_active,
    net_risk,
)
from malisim.model.civilians import CellSignals, CivilianPopulation
from malisim.model.parameters import Parameters
from malisim.model.vocab import N_FAMILIES, Livelihood, Status

N_AGENTS = 5_000  # as in conftest: small populations keep the tests fast
TOTAL_PEOPLE = 2_000_000.0
STATE, JNIM, IS_SAHEL, SIGNATORY = range(N_FAMILIES)
#: Rows of ``CellSignals.killed``: perpetrator families (state, foreign, jihadist, signatory).
P_STATE, P_FOREIGN, P_JIHADIST, P_SIGNATORY = range(4)


def make_population(grid, seed: int = 0, **overrides) -> CivilianPopulation:
    """A population of N_AGENTS agents on the grid, built from a numpy Generator."""
    overrides.setdefault("n_civilian_agents", N_AGENTS)
    params = Parameters(**overrides)
    return CivilianPopulation(grid, params, np.random.default_rng(seed), TOTAL_PEOPLE)


def make_signals(
    grid,
    *,
    presence: np.ndarray | None = None,
    killed: np.ndarray | None = None,
    violence: np.ndarray | None = None,
    authority: int = STATE,
) -> CellSignals:
    """Neutral signals (nobody armed, no violence, the state governs) unless given."""
    n = grid.n_cells
    presence = np.zeros((N_FAMILIES, n)) if presence is None else presence
    killed = np.zeros((4, n), np.int64) if killed is None else killed
    by_family = np.zeros((N_FAMILIES, n))
    by_family[STATE] = killed[P_STATE] + killed[P_FOREIGN]  # civilians blame the state
    by_family[JNIM] = killed[P_JIHADIST]  # all jihadist killings attributed to JNIM here
    by_family[SIGNATORY] = killed[P_SIGNATORY]
    return CellSignals(
        presence=presence,
        killed=killed,
        killed_by_family=by_family,
        violence_index=np.zeros(n) if violence is None else violence,
        authority=np.full(n, authority, np.intp),
        governance=np.zeros((N_FAMILIES, n)),
        state_service=np.ones(n),
        economic_loss=np.zeros(n),
    )


def make_rngs(seed: int) -> dict[str, np.random.Generator]:
    streams = RandomStreams(seed)
    return {name: streams[name] for name in ("victimisation", "civilians", "movement")}


def active_people(pop: CivilianPopulation) -> float:
    return float(pop.weight[pop.active].sum())


def present_people(pop: CivilianPopulation, n_cells: int) -> np.ndarray:
    here = pop.status != Status.REFUGEE
    return np.bincount(pop.cell[here], weights=pop.weight[here], minlength=n_cells)


def busiest_cell(pop: CivilianPopulation, n_cells: int) -> int:
    """The cell holding the most agents (so that per-cell effects are well sampled)."""
    return int(np.argmax(np.bincount(pop.cell, minlength=n_cells)))


def away_from(pop: CivilianPopulation, home: int) -> float:
    """People from ``home`` who are displaced or refugees."""
    sel = (pop.home == home) & (pop.status != Status.RESIDENT)
    return float(pop.weight[sel].sum())


# ---------------------------------------------------------------------------------- direction


def test_more_hardship_more_active(subgrid):
    # same seed, same (neutral) signals: only the mean baseline hardship differs; with no armed
    # presence the estimated risk is zero and agents are active when H(1-L) > T
    actives = []
    for mean in (0.3, 0.5, 0.7):
        pop = make_population(subgrid, seed=3, hardship_mean=mean)
        pop.step(make_signals(subgrid), make_rngs(3))
        actives.append(active_people(pop))
    assert actives[0] < actives[1] < actives[2], actives
    assert actives[0] > 0


def test_authority_presence_deters_activation(subgrid):
    n = subgrid.n_cells
    actives = []
    for per_cell in (0.0, 0.2, 200.0):
        pop = make_population(subgrid, seed=4, hardship_mean=0.7)
        presence = np.zeros((N_FAMILIES, n))
        presence[STATE] = per_cell
        pop.step(make_signals(subgrid, presence=presence), make_rngs(4))
        actives.append(active_people(pop))
    assert actives[0] > actives[1] > actives[2], actives


def test_local_presence_deters_locally(subgrid):
    # armed presence of the authority in one cell lowers activation of the agents living there
    pop_free = make_population(subgrid, seed=5, hardship_mean=0.7)
    pop_held = make_population(subgrid, seed=5, hardship_mean=0.7)
    n = subgrid.n_cells
    c = busiest_cell(pop_free, n)
    presence = np.zeros((N_FAMILIES, n))
    presence[STATE, c] = 500.0
    pop_free.step(make_signals(subgrid), make_rngs(5))
    pop_held.step(make_signals(subgrid, presence=presence), make_rngs(5))
    at_c = pop_free.cell == c
    assert pop_free.active[at_c].sum() > 0
    assert pop_held.active[at_c].sum() < pop_free.active[at_c].sum()


def test_violence_builds_memory_against_the_perpetrator(subgrid):
    pop = make_population(subgrid, seed=6)
    n = subgrid.n_cells
    c = busiest_cell(pop, n)
    killed = np.zeros((4, n), np.int64)
    # 1% of the cell killed by jihadists: with a reach of 30 people per death, about a quarter
    # of the cell's agents count themselves victims
    killed[P_JIHADIST, c] = int(0.01 * present_people(pop, n)[c])
    before_c = float(pop.weight[pop.cell == c].sum())
    pop.step(make_signals(subgrid, killed=killed), make_rngs(6))
    at_c = pop.cell == c
    mem = pop.memory
    assert mem[at_c, JNIM].mean() > 0.1
    assert np.all(mem[at_c][:, [STATE, IS_SAHEL, SIGNATORY]] == 0)
    assert np.all(mem[~at_c] == 0)  # nobody elsewhere was victimised
    assert pop.killed_people == pytest.approx(killed[P_JIHADIST, c], rel=1e-9)
    # the dead leave the weights of the cell (growth of one month added afterwards)
    growth = (1 + pop.params.population_growth) ** (1 / 12)
    expected = (before_c - killed[P_JIHADIST, c]) * growth
    assert float(pop.weight[at_c].sum()) == pytest.approx(expected, rel=1e-9)


def test_memory_decays(subgrid):
    pop = make_population(subgrid, seed=6, memory_decay=0.5)
    n = subgrid.n_cells
    c = busiest_cell(pop, n)
    killed = np.zeros((4, n), np.int64)
    killed[P_STATE, c] = int(0.01 * present_people(pop, n)[c])
    rngs = make_rngs(6)
    pop.step(make_signals(subgrid, killed=killed), rngs)
    first = pop.memory[:, STATE].copy()
    assert first.max() == pytest.approx(1.0)
    pop.step(make_signals(subgrid), rngs)
    np.testing.assert_allclose(pop.memory[:, STATE], 0.5 * first, rtol=1e-6)


def test_people_flee_a_violent_cell(subgrid):
    pop = make_population(subgrid, seed=7)
    n = subgrid.n_cells
    c = busiest_cell(pop, n)
    violence = np.zeros(n)
    violence[c] = 10.0  # three times flight_threshold (3.3): most flee within months
    rngs = make_rngs(7)
    moved = []
    for _ in range(3):
        pop.step(make_signals(subgrid, violence=violence), rngs)
        moved.append(away_from(pop, c))
    assert 0 < moved[0] < moved[1] < moved[2], moved
    # nobody from the calm cells moved
    assert np.all(pop.status[pop.home != c] == Status.RESIDENT)
    # the displaced went to a calmer cell, not stayed in c
    displaced = (pop.home == c) & (pop.status == Status.DISPLACED)
    assert displaced.any()
    assert np.all(pop.cell[displaced] != c)


# ---------------------------------------------------------------------------------- fixed constants
# The rules read their modelling constants from the parameters (declared fixed=True): setting one
# changes what the rule does.


def test_initial_spread_of_hardship_and_legitimacy(subgrid):
    wide = make_population(subgrid, seed=11, hardship_concentration=2.0)
    narrow = make_population(subgrid, seed=11, hardship_concentration=50.0)
    assert narrow.hardship0.std() < 0.5 * wide.hardship0.std()
    exact = make_population(subgrid, seed=11, legitimacy_noise_sd=0.0)
    base = exact.table.base_legitimacy[exact.community]
    np.testing.assert_array_equal(exact.legitimacy, np.clip(base, 0, 1).astype(np.float32))


def test_town_share_constants_set_the_livelihoods(subgrid):
    pop = make_population(subgrid, seed=12, town_share_floor=1.0, town_share_rural_factor=0.0)
    town_cell = np.array([bool(t) for t in subgrid.main_town])[pop.cell]
    assert town_cell.any() and (~town_cell).any()
    assert np.all(pop.livelihood[town_cell] == Livelihood.URBAN)
    assert not np.any(pop.livelihood[~town_cell] == Livelihood.URBAN)


def test_state_legitimacy_target_follows_its_constants(subgrid):
    adjustment = 0.5
    pop = make_population(
        subgrid,
        seed=13,
        legitimacy_adjustment=adjustment,
        state_legitimacy_without_service=0.2,
        state_legitimacy_service_share=0.6,
    )
    before = pop.legitimacy[:, STATE].copy()
    signals = make_signals(subgrid)
    signals.state_service = np.full(subgrid.n_cells, 0.5)  # target: base * (0.2 + 0.6 * 0.5)
    pop.step(signals, make_rngs(13))
    target = np.clip(pop.table.base_legitimacy[pop.community, STATE] * 0.5, 0, 1)
    expected = before + adjustment * (target - before)
    np.testing.assert_allclose(pop.legitimacy[:, STATE], expected, rtol=1e-5, atol=1e-6)


def test_memory_increment_is_the_unit_of_memory(subgrid):
    memories = []
    for increment in (1.0, 2.5):
        pop = make_population(subgrid, seed=6, memory_increment=increment)
        n = subgrid.n_cells
        c = busiest_cell(pop, n)
        killed = np.zeros((4, n), np.int64)
        killed[P_JIHADIST, c] = int(0.01 * present_people(pop, n)[c])
        pop.step(make_signals(subgrid, killed=killed), make_rngs(6))
        memories.append(pop.memory.copy())
    assert memories[0].max() == 1.0  # the same agents were victimised, once each
    np.testing.assert_array_equal(memories[1], np.float32(2.5) * memories[0])


def test_retribution_enemy_needs_memory_above_the_floor(subgrid):
    # victims of JNIM in a state-governed cell can turn against JNIM and side with the state;
    # with a floor above their memory (1 after one victimisation) their enemy stays the state
    n = subgrid.n_cells
    pro_state = []
    for floor in (0.01, 1.0):
        pop = make_population(subgrid, seed=14, retribution_memory_floor=floor)
        c = busiest_cell(pop, n)
        killed = np.zeros((4, n), np.int64)
        killed[P_JIHADIST, c] = int(0.01 * present_people(pop, n)[c])
        presence = np.zeros((N_FAMILIES, n))
        presence[STATE] = 1.0
        presence[JNIM, c] = 1.0
        pop.step(make_signals(subgrid, presence=presence, killed=killed), make_rngs(14))
        pro_state.append(int((pop.support == STATE).sum()))
    assert pro_state[0] > 0 and pro_state[1] == 0, pro_state


# ---------------------------------------------------------------------------------- accounting


def _eventful_steps(pop: CivilianPopulation, grid, seed: int, months: int = 6) -> None:
    """Steps with killings, flight, recruitment (JNIM present) and growth."""
    n = grid.n_cells
    rng = np.random.default_rng(seed)
    rngs = make_rngs(seed)
    presence = np.zeros((N_FAMILIES, n))
    presence[STATE] = 0.01  # a thin state presence: many turn active
    presence[JNIM] = 50.0  # JNIM present everywhere: active civilians can join it
    present = present_people(pop, n)
    for _ in range(months):
        killed = np.zeros((4, n), np.int64)
        hit = rng.choice(n, size=10, replace=False)
        killed[P_JIHADIST, hit] = (0.002 * present[hit]).astype(np.int64)
        killed[P_STATE, hit[:4]] = (0.001 * present[hit[:4]]).astype(np.int64)
        violence = np.zeros(n)
        violence[hit] = 5.0
        pop.step(make_signals(grid, presence=presence, killed=killed, violence=violence), rngs)


def test_people_conservation(subgrid):
    pop = make_population(subgrid, seed=9, hardship_mean=0.7, join_rate=0.01)
    _eventful_steps(pop, subgrid, seed=9)
    acc = pop.people_accounting()
    assert acc["initial"] == pytest.approx(TOTAL_PEOPLE, rel=1e-9)
    # every term is exercised
    for key in ("growth", "displaced", "refugees", "killed", "joined_armed_groups"):
        assert acc[key] > 0, key
    lhs = acc["initial"] + acc["growth"]
    rhs = (
        acc["residents"]
        + acc["displaced"]
        + acc["refugees"]
        + acc["killed"]
        + acc["joined_armed_groups"]
    )
    assert rhs == pytest.approx(lhs, rel=1e-6)


def test_weights_and_statuses_valid(subgrid):
    pop = make_population(subgrid, seed=10, hardship_mean=0.7, join_rate=0.01)
    _eventful_steps(pop, subgrid, seed=10)
    n = subgrid.n_cells
    assert np.all(pop.weight >= 0)
    assert np.all(np.isfinite(pop.weight))
    assert set(np.unique(pop.status)) <= {int(s) for s in Status}
    assert np.all((pop.cell >= 0) & (pop.cell < n))
    resident = pop.status == Status.RESIDENT
    assert np.all(pop.cell[resident] == pop.home[resident])  # residents are at home
    refugee = pop.status == Status.REFUGEE
    assert refugee.any()
    assert np.all(pop.country[refugee] >= 0)
    assert np.all(pop.country[~refugee] == -1)
    assert np.all((pop.support >= -1) & (pop.support < N_FAMILIES))
    assert np.all(pop.support[~pop.active] == -1)  # only active civilians support a family
    assert np.all(pop.memory >= 0)
    assert np.all((pop.legitimacy >= 0) & (pop.legitimacy <= 1))


# ---------------------------------------------------------------------------------- reproducibility

STATE_ARRAYS = ("cell", "weight", "memory", "support", "status")


def _run(grid, seed: int) -> CivilianPopulation:
    pop = make_population(grid, seed=seed, hardship_mean=0.7, join_rate=0.01)
    _eventful_steps(pop, grid, seed=seed, months=4)
    return pop


def test_same_seed_identical(subgrid):
    a, b = _run(subgrid, 21), _run(subgrid, 21)
    for name in STATE_ARRAYS:
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.people_accounting() == b.people_accounting()


def test_different_seed_differs(subgrid):
    a, b = _run(subgrid, 21), _run(subgrid, 22)
    differing = [
        name
        for name in STATE_ARRAYS
        if getattr(a, name).shape != getattr(b, name).shape
        or not np.array_equal(getattr(a, name), getattr(b, name))
    ]
    assert {"weight", "memory", "status"} <= set(differing), differing


def test_memory_per_agent(subgrid):
    pop = make_population(subgrid, seed=1)
    # at least one agent per inhabited cell: the largest-remainder allocation may add a few
    # agents beyond n_civilian_agents (5,010 on the sub-grid), never remove any
    assert N_AGENTS <= pop.cell.size <= 1.01 * N_AGENTS
    assert pop.nbytes_per_agent() <= 200


# ---------------------------------------------------------------------------------- Epstein rules


def test_enforcer_ratio_rounding():
    cops = np.array([3.0, 1.0, 5.0, 7.0, 2.0])
    actives = np.array([2.0, 2.0, 2.0, 2.0, 0.0])  # 0 actives counts as 1 (the agent itself)
    np.testing.assert_array_equal(enforcer_ratio(cops, actives, "floor"), [1, 0, 2, 3, 2])
    # Python's round: half to even (1.5 -> 2, 0.5 -> 0, 2.5 -> 2, 3.5 -> 4)
    np.testing.assert_array_equal(enforcer_ratio(cops, actives, "round"), [2, 0, 2, 4, 2])
    np.testing.assert_allclose(enforcer_ratio(cops, actives, "none"), [1.5, 0.5, 2.5, 3.5, 2.0])
    assert np.array_equal(enforcer_ratio(cops, actives), enforcer_ratio(cops, actives, "floor"))
    with pytest.raises(ValueError, match="rounding"):
        enforcer_ratio(cops, actives, "ceil")  # type: ignore[arg-type]


def test_arrest_probability():
    # Epstein: k = 2.3 gives P = 0.9 for one cop and one active
    assert arrest_probability(np.array([1.0]), np.array([1.0]))[0] == pytest.approx(0.9, abs=1e-3)
    assert EPSTEIN_K == 2.3
    # flooring: fewer cops than actives -> zero estimated risk; rounding none -> positive
    assert arrest_probability(np.array([1.0]), np.array([3.0]))[0] == 0.0
    assert arrest_probability(np.array([1.0]), np.array([3.0]), rounding="none")[0] == (
        pytest.approx(1 - np.exp(-2.3 / 3))
    )
    p = arrest_probability(np.arange(10.0), np.ones(10), k=1.0, rounding="none")
    assert np.all(np.diff(p) > 0) and np.all((p >= 0) & (p < 1))


def test_grievance_and_net_risk():
    np.testing.assert_allclose(grievance(np.array([0.5, 1.0]), 0.25), [0.375, 0.75])
    np.testing.assert_allclose(grievance(np.array([0.8]), np.array([1.0])), [0.0])
    np.testing.assert_allclose(net_risk(np.array([0.5, 0.2]), np.array([0.8, 0.5])), [0.4, 0.1])


def test_is_active_threshold():
    g = np.array([0.5, 0.5, 0.5, 0.5])
    n = np.array([0.25, 0.5, 0.0, 0.125])
    # G - N > T strictly: 0.25 is not above a threshold of 0.25
    assert is_active(g, n, 0.25).tolist() == [False, False, True, True]
    assert EPSTEIN_THRESHOLD == 0.1
    # default threshold T = 0.1: 0.125 is above it, 0.0625 is not
    assert is_active(np.array([0.375, 0.3125]), np.array([0.25, 0.25])).tolist() == [True, False]


def test_sums_per_home_cell_are_the_same_bits_before_and_after_the_switch(subgrid, monkeypatch):
    """A short run sums by ``bincount``, a long one by the CSR product: the same bits."""
    from types import SimpleNamespace

    import malisim.model.civilians as civilians

    pop = CivilianPopulation(subgrid, Parameters(n_civilian_agents=3000), np.random.default_rng(3),
                             2e6)  # fmt: skip
    # fractional values in agent order: a different order of addition would change the bits
    values = pop.weight * np.random.default_rng(4).random(pop.home.size)
    with monkeypatch.context() as m:  # a fresh process that has not run long, SciPy not loaded
        m.setattr(civilians, "_process_agent_months", 0)
        m.setattr(civilians, "_matrix_sums_preferred", False)
        m.setattr(civilians, "sys", SimpleNamespace(modules={}))  # as if SciPy were not loaded
        short = pop._home_sum(values)
        assert pop._home_sum_cache is None  # no matrix built
    # a process past the threshold builds the matrix and keeps it
    monkeypatch.setattr(civilians, "_process_agent_months", civilians.HOME_SUM_MATRIX_AGENT_MONTHS)
    long = pop._home_sum(values)
    assert pop._home_sum_cache is not None
    assert short.tobytes() == long.tobytes()
    np.testing.assert_allclose(short.sum(), values.sum())  # every agent counted once
    # a long-lived process that asked for the matrix (the page's server) gets it at once
    with monkeypatch.context() as m:
        m.setattr(civilians, "_process_agent_months", 0)
        m.setattr(civilians, "_matrix_sums_preferred", False)
        m.setattr(civilians, "sys", SimpleNamespace(modules={}))
        civilians.prefer_matrix_sums()
        asked = CivilianPopulation(subgrid, Parameters(n_civilian_agents=3000),
                                   np.random.default_rng(3), 2e6)  # fmt: skip
        assert asked._home_sum(values).tobytes() == short.tobytes()
        assert asked._home_sum_cache is not None
    # SciPy already imported (by anything): the matrix at once, whatever the count
    fresh = CivilianPopulation(subgrid, Parameters(n_civilian_agents=3000),
                               np.random.default_rng(3), 2e6)  # fmt: skip
    monkeypatch.setattr(civilians, "_process_agent_months", 0)
    assert fresh._home_sum(values).tobytes() == short.tobytes()
    assert fresh._home_sum_cache is not None
