"""Communal militias' mobilisation rules (issue 18 item 1): direction and bounds."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from malisim.core.calendar import parse_month
from malisim.model.civilians import COMMUNITIES, manpower_factor
from malisim.model.conflict import MonthlyViolence
from malisim.model.militias import (
    BLAMED_FAMILY,
    GRIEVANCE_FAMILIES,
    MILITIA_COMMUNITY,
    attack_memory,
    communal_grievance,
    community_cells,
    community_people,
    manpower_factors,
    mobilise,
    move_people,
)
from malisim.model.parameters import Parameters
from malisim.model.vocab import Perpetrator, Status
from malisim.policies.base import policy_from_dict

PEOPLE = np.array([800_000.0, 1_500_000.0, 1_200_000.0])  # Dogon, Bambara, Fulani communities
ZERO = np.zeros(3)


def _run(params: Parameters, attacks_month: int | None, backing: float, months: int = 24):
    fighters, people, memory = ZERO.copy(), PEOPLE.copy(), ZERO.copy()
    total = people + fighters
    for month in range(months):
        attacks = np.array([3.0, 0.0, 0.0]) if month == attacks_month else ZERO
        memory = attack_memory(memory, attacks, params)
        new = mobilise(fighters, people, np.full(3, 0.3), memory, np.full(3, backing), params)
        people = people - (new - fighters)
        fighters = new
        # people conserved: fighters come from and return to their community (float tolerance)
        np.testing.assert_allclose(people + fighters, total, rtol=1e-12)
    return fighters


def test_attack_on_community_raises_its_militia_mobilisation() -> None:
    params = Parameters()
    calm = _run(params, None, 0.0, months=13)
    attacked = _run(params, 10, 0.0, months=13)
    assert attacked[0] > calm[0]  # the attacked (Dogon) community mobilises more
    np.testing.assert_allclose(attacked[1:], calm[1:])  # the others are unchanged


def test_state_backing_raises_and_disbanding_lowers_mobilisation() -> None:
    params = Parameters()
    tolerated = _run(params, None, 0.5)
    armed = _run(params, None, 1.0)
    disbanded = _run(params, None, 0.0)
    assert np.all(armed > tolerated) and np.all(tolerated > disbanded)


def test_fighters_never_exceed_fighting_age_pool_at_extreme_corner() -> None:
    params = Parameters(
        militia_base_mobilisation=0.5,
        militia_grievance_weight=5.0,
        militia_attack_weight=5.0,
        militia_backing_boost=4.0,
        militia_adjust_rate=1.0,
        militia_memory_decay=0.05,
        manpower_share=0.25,
    )
    fighters, people, memory = ZERO.copy(), PEOPLE.copy(), ZERO.copy()
    total = PEOPLE.copy()
    for _ in range(60):
        memory = attack_memory(memory, np.full(3, 10.0), params)
        new = mobilise(fighters, people, np.ones(3), memory, np.ones(3), params)
        people, fighters = people - (new - fighters), new
        # pool = manpower_share * community; tiny tolerance for float rounding only
        assert np.all(fighters <= params.manpower_share * total * (1 + 1e-12))
        assert np.all(people >= 0.0)


class _Hooks:
    """The two hooks militia_backing uses: the month and set_param."""

    def __init__(self) -> None:
        self.month = 0
        self.params: dict[str, float] = {}

    def set_param(self, name: str, value: float) -> None:
        self.params[name] = value


def test_dissolution_order_cuts_state_backing_partially() -> None:
    policy = policy_from_dict(
        {"type": "militia_backing", "start": "2019-01", "level": 0.6, "dissolution": "2019-03"}
    )
    hooks = _Hooks()
    levels = []
    for month in range(parse_month("2019-01"), parse_month("2019-05")):
        hooks.month = month
        policy.apply(hooks)
        levels.append(hooks.params["militia_state_backing"])
    assert levels[0] == levels[1] == 0.6  # before the order: the level set
    assert 0.0 < levels[2] == levels[3] < 0.6  # after: lower, not zero (partial, default cut 0.5)


def test_vector_manpower_factors_match_the_scalar_rule() -> None:
    rng = np.random.default_rng(0)
    wanted = np.r_[rng.uniform(0, 500, 50), 0.0, 10.0]
    joined = np.r_[rng.uniform(0, 400, 50), 0.0, 0.0]
    people = np.r_[rng.uniform(0, 5000, 50), 100.0, 0.0]
    vec = manpower_factors(wanted, joined, people, 0.05)
    ref = [manpower_factor(w, j, q, 0.05) for w, j, q in zip(wanted, joined, people, strict=True)]
    np.testing.assert_allclose(vec, ref, rtol=1e-12)  # the same rule, float rounding only


# ------------------------------------------------------------------ in the model
def _militia_events(model):
    events = model.events_frame()
    return events[(events["inter1"] == 4) & (events["sub_event_type"] == "Attack")]


def _communal(make_model, backing: float, seed: int) -> tuple[int, int]:
    """Communal attacks and their civilian toll over two years with a fixed state backing."""
    model = make_model(seed=seed, start="2019-01", end="2020-12", militia_state_backing=backing)
    model.run()
    attacks = _militia_events(model)
    return len(attacks), int(attacks["fatalities_civilian"].sum())


def test_state_backing_raises_and_disbanding_lowers_communal_massacres(make_model) -> None:
    # paired seeds: same draws, only the backing differs. At full backing (boost 1) the
    # militias' targets double, so attacks roughly double; summed over three seeds, a strict
    # ordering of both counts and tolls is far outside seed noise
    runs = {b: [_communal(make_model, b, seed) for seed in (1, 2, 3)] for b in (0.0, 0.5, 1.0)}
    count = {b: sum(r[0] for r in v) for b, v in runs.items()}
    toll = {b: sum(r[1] for r in v) for b, v in runs.items()}
    assert count[1.0] > count[0.5] > count[0.0] > 0
    assert toll[1.0] > toll[0.0]
    assert toll[0.5] > toll[0.0]


def test_militia_killings_remove_civilians_and_count_in_the_outcomes(make_model, national):
    model = make_model(seed=4, start="2019-01", end="2020-12", militia_state_backing=1.0)
    model.run()
    series = national(model.series())
    attacks = _militia_events(model)
    militia_deaths = series["civilian_fatalities_militia"].sum()
    assert militia_deaths == attacks["fatalities_civilian"].sum() > 0
    # the militia's dead are part of the civilian deaths, and the people accounting holds
    parts = [c for c in series.columns if c.startswith("civilian_fatalities_")]
    np.testing.assert_allclose(series["civilian_fatalities"], series[parts].sum(axis=1))
    acc = model.people_accounting()
    # every civilian killed is removed from the agents; victimisation caps a cell's deaths at
    # the people present there (fractions of a person where the counts are rounded), so 0.1%
    assert acc["killed"] == pytest.approx(series["civilian_fatalities"].sum(), rel=1e-3)
    kept = acc["residents"] + acc["displaced"] + acc["refugees"] + acc["killed"]
    assert acc["initial"] + acc["growth"] == pytest.approx(kept + acc["joined_armed_groups"])


def test_an_attack_on_a_community_raises_its_militias_mobilisation(make_model) -> None:
    # paired models after the same month: only the Dogon militia's memory differs (an attack
    # remembered); its fighters rise, the other militias' are unchanged (deterministic step)
    models = []
    for attacked in (False, True):
        model = make_model(seed=7, start="2019-01", end="2019-06")
        model.step()
        if attacked:
            model.militias.memory[0] += 3.0
        model.militias.mobilise_month(model.civilians, model.month, model.params, np.zeros(3))
        models.append(model)
    calm, hit = (m.militias.fighters.sum(axis=1) for m in models)
    assert hit[0] > calm[0]
    np.testing.assert_allclose(hit[1:], calm[1:])


def test_militia_fighters_bounded_and_people_conserved_at_the_extreme_corner(make_model) -> None:
    corner = dict(
        militia_base_mobilisation=0.5, militia_grievance_weight=5.0, militia_attack_weight=5.0,
        militia_backing_boost=4.0, militia_adjust_rate=1.0, militia_memory_decay=0.05,
        militia_state_backing=1.0, militia_reach_km=150.0, militia_attack_rate=60.0,
        manpower_share=0.25, join_rate=0.05,
    )  # fmt: skip
    model = make_model(seed=3, start="2019-01", end="2020-12", **corner)
    n = model.grid.n_cells
    while model.running:
        model.step()
        people = community_people(model.civilians, n)
        for m, community in enumerate(MILITIA_COMMUNITY):
            fighters = model.militias.fighters[m].sum()
            pool = model.params.manpower_share * (people[community].sum() + fighters)
            # a pool of the community's people now present: the fighters of cells whose
            # people fled stay under arms, so allow 10% above it
            assert fighters <= 1.1 * pool
        acc = model.people_accounting()
        kept = acc["residents"] + acc["displaced"] + acc["refugees"] + acc["killed"]
        # conservation to float rounding
        assert acc["initial"] + acc["growth"] == pytest.approx(kept + acc["joined_armed_groups"])
        assert acc["joined_armed_groups"] <= 0.25 * (acc["initial"] + acc["growth"])


def test_victimisation_reads_the_people_present_after_the_militias_moved_them(make_model):
    # the militias phase moves people between the agents and the militias after the civilians'
    # census; the census next month's victimisation reads must count the moved weights too
    corner = dict(militia_base_mobilisation=0.5, militia_adjust_rate=1.0, militia_attack_rate=60.0)
    model = make_model(seed=3, start="2019-01", end="2019-12", **corner)
    moved = 0.0
    civ = model.civilians
    while model.running:
        joined = civ.joined_people
        model.step()
        moved += abs(civ.joined_people - joined)
        fresh = np.bincount(
            civ.cell,
            weights=civ.weight * (civ.status != Status.REFUGEE),
            minlength=civ.grid.n_cells,
        )
        # the census minus the moves, against a recount: equal to float rounding
        np.testing.assert_allclose(civ._present, fresh, rtol=1e-9, atol=1e-6)
    assert moved > 0.0  # the corner does move people every year


def test_shared_bins_give_the_per_community_sums_bit_for_bit(make_model) -> None:
    # the militias count the agents once per phase in (community, cell) bins; people,
    # grievance and movement must equal their definitions agent by agent (exact equality: a
    # bincount in agent order adds the same numbers in the same order; refugees and agents
    # without memory add exact zeros), here with memories and refugees scattered at random
    model = make_model(seed=4, start="2019-01", end="2019-06")
    model.step()
    civ, n, p = model.civilians, model.grid.n_cells, model.params
    rng = np.random.default_rng(0)
    some = rng.random(civ.cell.size) < 0.05
    civ.memory[some] = rng.random((int(some.sum()), civ.memory.shape[1])).astype(np.float32)
    civ.status[rng.random(civ.cell.size) < 0.02] = np.int8(Status.REFUGEE)
    here = civ.status != np.int8(Status.REFUGEE)
    cell = civ.cell.astype(np.intp)
    expected_people = np.stack([
        np.bincount(cell, weights=civ.weight * (here & (civ.community == k)), minlength=n)
        for k in range(len(COMMUNITIES))
    ])  # fmt: skip
    census = model.militias.community_cells(civ)
    assert np.array_equal(census.people, expected_people)
    assert np.array_equal(community_people(civ, n), expected_people)
    reach = model.militias.reach(model.month, p)
    expected = np.zeros(len(MILITIA_COMMUNITY))
    for m, k in enumerate(MILITIA_COMMUNITY):
        idx = np.flatnonzero((civ.community == k) & here)
        cols = GRIEVANCE_FAMILIES[m]
        remembered = civ.memory[idx, cols[0]].astype(float)
        for c in cols[1:]:
            remembered += civ.memory[idx, c]
        g = np.minimum(p.victimisation_weight * remembered, 1.0)
        sums = np.bincount(cell[idx], weights=civ.weight[idx] * g, minlength=n)
        expected[m] = (reach[m] * sums).sum() / (reach[m] * expected_people[k]).sum()
    assert np.array_equal(communal_grievance(civ, reach, census.people, p, census), expected)
    assert np.array_equal(communal_grievance(civ, reach, census.people, p), expected)
    change = rng.normal(0.0, 50.0, (len(MILITIA_COMMUNITY), n))
    mine = expected_people[list(MILITIA_COMMUNITY)]
    applied = np.where(mine > 0.0, np.minimum(change, mine), 0.0)
    ratio = np.zeros((len(COMMUNITIES), n))
    ratio[list(MILITIA_COMMUNITY)] = np.divide(
        applied, mine, out=np.zeros_like(applied), where=mine > 0.0
    )
    weight = civ.weight * (1.0 - ratio[civ.community.astype(np.intp), cell] * here)
    assert np.array_equal(move_people(civ, change, census.people, census), applied)
    assert np.array_equal(civ.weight, weight)


@pytest.mark.parametrize("engine", ["numpy", "numba"])
def test_kept_bins_equal_a_fresh_count_every_month(make_model, engine) -> None:
    # Militias keeps the agents' bins between counts (AgentBins) and next month's violence
    # counts the moved weights in the mobilisation's bins (compiled: in the pass that moved
    # them): bins and people must equal a count from scratch, month after month, under both
    # civilian engines (exact equality: the same agents added in the same order)
    if engine == "numba":
        pytest.importorskip("numba")
    corner = dict(militia_base_mobilisation=0.5, militia_adjust_rate=1.0, militia_attack_rate=60.0)
    model = make_model(seed=2, start="2019-01", end="2020-06", **corner)
    civ, n = model.civilians, model.grid.n_cells
    civ.set_engine(engine)
    moved = 0
    while model.running:
        model.step()
        moved += int((civ.status != np.int8(Status.RESIDENT)).sum())
        fresh = community_cells(civ, n)
        assert np.array_equal(model.militias.people_present(civ), fresh.people)
        kept = model.militias.community_cells(civ)
        assert kept.index is model.militias._bins.index  # this census's bins, not the last's
        assert np.array_equal(kept.index, fresh.index)
        assert np.array_equal(kept.people, fresh.people)
    assert moved > 0  # agents were away from home: bins other than their home cell's
    copy.deepcopy(model.militias)  # the bins hold arrays, not the compiled module: it copies


def test_violence_counts_the_people_afresh_after_a_civilian_month(make_model) -> None:
    # the kept people of a mobilisation serve the next violence only: after a civilian month
    # (or with another population) Militias.people_present counts again
    model = make_model(seed=2, start="2019-01", end="2019-06")
    model.step()
    civ, n = model.civilians, model.grid.n_cells
    kept = model.militias.people_present(civ)
    assert np.array_equal(kept, community_people(civ, n))
    civ.weight *= 0.5  # as a civilian month would change them, and the months stepped with it
    civ._months_stepped += 1
    assert np.array_equal(model.militias.people_present(civ), community_people(civ, n))
    other = copy.deepcopy(civ)
    assert np.array_equal(model.militias.people_present(other), community_people(other, n))


def test_militia_killings_are_remembered_against_the_family_their_victims_blame() -> None:
    # MonthlyViolence.killed_by_family (conflict.py, which cannot import militias.py) must
    # follow militias.BLAMED_FAMILY row for row
    for m, family in enumerate(BLAMED_FAMILY):
        out = MonthlyViolence.zeros(2)
        out.civilians_killed[Perpetrator.MILITIA, 1] = 7
        out.civilians_killed_militia_split[m, 1] = 7
        by_family = out.killed_by_family()
        assert by_family[family, 1] == 7
        assert by_family.sum() == 7


def test_dissolution_order_lowers_communal_massacres_in_the_model(make_model) -> None:
    # paired seeds with the militia_backing policy at full backing, with and without a full
    # dissolution order in March 2019: demobilisation at militia_adjust_rate takes months, so
    # over two years and three seeds the disbanded militias attack clearly less
    def attacks(dissolution: str | None, seed: int) -> int:
        settings = {"type": "militia_backing", "start": "2019-01", "level": 1.0}
        if dissolution:
            settings |= {"dissolution": dissolution, "dissolution_cut": 1.0}
        model = make_model(seed=seed, end="2020-12", policies=[policy_from_dict(settings)])
        model.run()
        return len(_militia_events(model))

    armed = sum(attacks(None, seed) for seed in (1, 2, 3))
    disbanded = sum(attacks("2019-03", seed) for seed in (1, 2, 3))
    assert disbanded < armed


# ------------------------------------------------------------------ who dies (7.1.1)
FULANI = COMMUNITIES.index("fulani")


def _month_of_communal_attacks(make_model, seed: int = 5):
    """A model after one month, and a month of communal attacks with a high attack rate."""
    model = make_model(seed=seed, start="2019-01", end="2019-06", militia_attack_rate=60.0)
    model.step()
    out = MonthlyViolence.zeros(model.grid.n_cells)
    model.militias.fighters[:] = np.maximum(model.militias.fighters, 2000.0)  # armed everywhere
    model.militias.violence(
        model.situation(), model.forces, model.civilians, model.streams["militia"], out,
        model.events,
    )  # fmt: skip
    return model, out


def _victimise(pop, signals, seed: int = 0):
    """One victimisation step on ``pop`` (in place); returns the people killed."""
    cell = pop.cell.astype(np.intp)
    here = pop.status != Status.REFUGEE
    present = np.bincount(cell, weights=pop.weight * here, minlength=signals.killed.shape[1])
    return pop.victimise(signals, cell, here, present, np.random.default_rng(seed))


def _by_community(pop, n_cells: int) -> np.ndarray:
    return community_people(pop, n_cells)


def test_communal_attack_deaths_fall_on_the_targeted_community_only(make_model) -> None:
    model, out = _month_of_communal_attacks(make_model)
    n = model.grid.n_cells
    kbc = out.civilians_killed_by_community
    assert kbc is not None and kbc.sum() > 0
    # the same deaths as the militia row, each counted once (integers: exact)
    assert kbc.sum() == out.civilians_killed[Perpetrator.MILITIA].sum()
    np.testing.assert_array_equal(kbc.sum(axis=(0, 1)), out.civilians_killed[Perpetrator.MILITIA])
    signals = model._civilian_signals(out)
    pop = model.civilians
    before = _by_community(pop, n)
    killed = _victimise(pop, signals)
    lost = before - _by_community(pop, n)
    # each community loses exactly the communal deaths aimed at it (float rounding of the
    # weights only: 1e-6 relative); the other communities of the same cells lose nothing
    np.testing.assert_allclose(lost, kbc.sum(axis=1), rtol=1e-6, atol=1e-6)
    assert lost[FULANI].sum() > 0
    # people conserved: the weight removed is the militia's civilian deaths of the outcomes
    militia = float(out.civilians_killed[Perpetrator.MILITIA].sum())
    assert killed == pytest.approx(militia, rel=1e-9)
    assert lost.sum() == pytest.approx(militia, rel=1e-9)


def test_communal_victimisation_memory_goes_to_the_targeted_community(make_model) -> None:
    # paired: the same population and uniforms, with the month's communal attacks and without;
    # only agents of the targeted communities of the struck cells gain memory
    model, out = _month_of_communal_attacks(make_model)
    pop = model.civilians
    signals = model._civilian_signals(out)
    calm = copy.deepcopy(pop)
    empty = MonthlyViolence.zeros(model.grid.n_cells)
    _victimise(pop, signals, seed=3)
    _victimise(calm, model._civilian_signals(empty), seed=3)
    gained = np.flatnonzero((pop.memory > calm.memory).any(axis=1))
    assert gained.size > 0
    kbc = out.civilians_killed_by_community
    targeted = kbc.sum(axis=1)[pop.community[gained], pop.cell[gained]] > 0
    assert targeted.all()
    # the memory grows for the family the victims blame (Fulani victims blame the state)
    fulani = gained[pop.community[gained] == FULANI]
    if fulani.size:
        grew = (pop.memory[fulani] > calm.memory[fulani]).argmax(axis=1)
        assert np.all(grew == BLAMED_FAMILY[0])


def test_other_violence_still_falls_on_the_whole_cell(make_model) -> None:
    # a constructed month: jihadist killings in one mixed cell and a communal attack on the
    # Fulani in another. The jihadist cell loses the same share of every agent's weight
    # (bit for bit as without the communal attack elsewhere); the communal cell's non-Fulani
    # agents keep their weight exactly
    model = make_model(seed=6, start="2019-01", end="2019-06")
    model.step()
    pop = model.civilians
    n = model.grid.n_cells
    people = _by_community(pop, n)
    mixed = np.flatnonzero((people[FULANI] > 500) & (people.sum(axis=0) - people[FULANI] > 500))
    assert mixed.size >= 2
    a, b = mixed[:2]

    def month(communal: bool) -> MonthlyViolence:
        out = MonthlyViolence.zeros(n)
        out.civilians_killed[Perpetrator.JIHADIST, a] = 40
        out.civilians_killed_jihadist_split[0, a] = 40
        if communal:
            out.civilians_killed[Perpetrator.MILITIA, b] = 60
            out.civilians_killed_militia_split[0, b] = 60
            out.civilians_killed_by_community = np.zeros((len(COMMUNITIES), 4, n), np.int64)
            out.civilians_killed_by_community[FULANI, BLAMED_FAMILY[0], b] = 60
        return out

    calm = copy.deepcopy(pop)
    w0 = pop.weight.copy()
    killed = _victimise(pop, model._civilian_signals(month(True)))
    _victimise(calm, model._civilian_signals(month(False)))
    in_a = (pop.cell == a) & (pop.status != Status.REFUGEE)
    np.testing.assert_array_equal(pop.weight[in_a], calm.weight[in_a])
    share = pop.weight[in_a] / w0[in_a]
    np.testing.assert_allclose(share, share[0], rtol=1e-12)  # one share for all
    in_b = (pop.cell == b) & (pop.status != Status.REFUGEE)
    others = in_b & (pop.community != FULANI)
    np.testing.assert_array_equal(pop.weight[others], w0[others])
    fulani_lost = (w0 - pop.weight)[in_b & (pop.community == FULANI)].sum()
    assert fulani_lost == pytest.approx(60.0, rel=1e-9)
    assert killed == pytest.approx(100.0, rel=1e-9)  # deaths counted once


def test_communal_deaths_beyond_the_community_fall_on_the_rest_of_the_cell(make_model) -> None:
    # a constructed month where the attack's toll exceeds the Fulani present in the cell
    # (the model's own attacks never do: they are capped at the community's people): the
    # Fulani are all killed, the excess falls on the rest of the cell, the cell's deaths
    # stay capped at its people, and the weight removed equals the deaths applied
    model = make_model(seed=6, start="2019-01", end="2019-06")
    model.step()
    pop = model.civilians
    n = model.grid.n_cells
    people = _by_community(pop, n)
    mixed = np.flatnonzero((people[FULANI] > 50) & (people.sum(axis=0) > 3 * people[FULANI]))
    c = mixed[0]
    fulani, total = people[FULANI, c], people[:, c].sum()
    toll = int(np.ceil(fulani)) + 30
    out = MonthlyViolence.zeros(n)
    out.civilians_killed[Perpetrator.MILITIA, c] = toll
    out.civilians_killed_militia_split[0, c] = toll
    out.civilians_killed_by_community = np.zeros((len(COMMUNITIES), 4, n), np.int64)
    out.civilians_killed_by_community[FULANI, BLAMED_FAMILY[0], c] = toll
    killed = _victimise(pop, model._civilian_signals(out))
    after = _by_community(pop, n)
    assert after[FULANI, c] == pytest.approx(0.0, abs=1e-6)  # float rounding of the weights
    lost_others = (people[:, c].sum() - fulani) - (after[:, c].sum() - after[FULANI, c])
    assert lost_others == pytest.approx(toll - fulani, rel=1e-9)
    assert killed == pytest.approx(min(toll, total), rel=1e-9)
