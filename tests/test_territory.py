"""Territory: where the armed groups live and spread, towns and garrisons, Kidal (issue 19).

Rule-level tests drive :func:`home_pull`, :func:`defended_towns` and :func:`garrison_holds`
directly; model-level tests run the historical scenario on the full grid at 10,000 civilian
agents and compare paired seeds (same seed, one policy removed).
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from malisim.core.calendar import parse_month
from malisim.core.sources import REFERENCES
from malisim.model import conflict
from malisim.model.actors import expansion_deterrence, home_pull
from malisim.model.civilians import present_families
from malisim.model.initial import HOME_AREA_GROUPS, MINUSMA_BASES, cell_at, load_home_areas
from malisim.model.outcomes import control_shares
from malisim.model.vocab import Control
from malisim.scenario import load_scenario
from malisim.scenario.resolved import ResolvedScenario
from malisim.scenario.runner import build_model, run_scenario

SEEDS = (1, 2, 3)
FAST = ["params.n_civilian_agents=10000"]
CAPITALS = ("Gao", "Timbuktu", "Mopti", "Ménaka")


def historical(without: str | None = None, overrides: list[str] | None = None) -> ResolvedScenario:
    """The historical scenario, optionally without one policy type (10,000 agents by default)."""
    scn = load_scenario("scenarios/historical.yaml", FAST if overrides is None else overrides)
    if without is None:
        return scn
    return dataclasses.replace(scn, policies=[p for p in scn.policies if p.policy_type != without])


# ------------------------------------------------------------------ home areas and reach
def test_home_areas_are_sourced_and_cover_every_armed_group():
    areas = load_home_areas()
    keys = {ref.key for ref in REFERENCES}
    for group in HOME_AREA_GROUPS:
        assert len(areas[group].places) > 0, group
        assert set(areas[group].sources) <= keys, (group, areas[group].sources)
        # every place lies in or next to Mali (a mistyped coordinate would not)
        assert np.all((areas[group].lat > 10) & (areas[group].lat < 25))
        assert np.all((areas[group].lon > -12.5) & (areas[group].lon < 4.5))


def test_home_pull_falls_with_distance_to_the_floor_and_waits_for_its_date():
    distance = np.array([[0.0, 900.0], [100.0, 900.0], [2_000.0, 900.0]])
    since = np.array([0, 10])
    pull = home_pull(distance, since, month=5, reach_km=100.0, floor=0.1)
    assert pull is not None
    assert pull[0] == pytest.approx(1.0)
    assert pull[0] > pull[1] > pull[2]
    assert pull[2] == pytest.approx(0.1, abs=1e-6)  # far beyond the reach: the floor
    # the second home area (from month 10) pulls only once it is in force
    later = home_pull(distance, since, month=10, reach_km=100.0, floor=0.1)
    assert later is not None and later[2] > pull[2]
    assert home_pull(distance, np.array([20, 30]), 5, 100.0, 0.1) is None


# ------------------------------------------------------------------ recruitment needs presence
def test_present_families_needs_the_minimum_of_armed_persons():
    row = [0.0, 0.4, 19.9, 20.0, 300.0]
    presence = np.array([row, row])  # the state, then an armed group
    present = present_families(presence, 20.0)
    # an armed group needs the minimum; the state is present wherever it has forces
    assert present[1].tolist() == [False, False, False, True, True]
    assert present[0].tolist() == [False, True, True, True, True]
    # with a minimum of zero an empty cell is still no presence
    assert present_families(presence, 0.0)[1].tolist() == [False, True, True, True, True]


CENTRE, SOUTH_WEST = ("Mopti", "Ségou"), ("Kayes", "Koulikoro", "Sikasso")


def _jnim_recruitment(overrides: list[str], seed: int) -> dict[str, float]:
    """JNIM recruits 2019-2022 by region, and the most recruits in a cell where it was absent.

    After a step a cell's fighters are those of the civilians phase plus the month's recruits
    (nothing moves JNIM's fighters after the recruitment phase), so the presence the people saw
    is the fighters less the recruits.
    """
    scn = load_scenario("scenarios/historical.yaml", [*FAST, "end=2022-12", *overrides])
    with build_model(scn, seed) as model:
        minimum = model.params.presence_min_armed
        region = model.grid.region_name
        by_region: dict[str, float] = {}
        absent_max = 0.0
        while model.running:
            model.step()
            recruits = model._outputs().recruits[1]
            seen = model.jnim.fighters - recruits
            absent = seen < minimum - 1e-9
            absent_max = max(absent_max, float(recruits[absent].max(initial=0.0)))
            for name in np.unique(region):
                by_region[name] = by_region.get(name, 0.0) + float(recruits[region == name].sum())
    by_region["absent_max"] = absent_max
    return by_region


def test_jihadists_recruit_only_where_present_and_more_in_the_centre():
    for seed in SEEDS[:2]:
        default = _jnim_recruitment([], seed)
        trickle = _jnim_recruitment(["params.presence_min_armed=1"], seed)
        # exact rule: no JNIM recruit in a cell where it had fewer than presence_min_armed
        # fighters (floating-point slack only)
        assert default["absent_max"] < 1e-6, (seed, default["absent_max"])

        def centre_share(r: dict[str, float]) -> float:
            centre = sum(r[g] for g in CENTRE)
            return centre / max(centre + sum(r[g] for g in SOUTH_WEST), 1e-9)

        # paired seeds, one lever (the presence minimum): with a trickle of fighters counting as
        # presence the south-west recruits a large share of JNIM's recruits (about half at a
        # minimum of 1, seed 1); with the sourced minimum the centre's share is clearly higher
        # (0.1 margin: seed noise moves it by a few points between paired runs)
        assert centre_share(default) > centre_share(trickle) + 0.1, (
            seed,
            centre_share(default),
            centre_share(trickle),
        )


# ------------------------------------------------------------------ garrison towns
def test_a_defended_town_is_kept_unless_overrun():
    scn = historical()
    with build_model(scn, SEEDS[0]) as model:
        situation = model.situation()
        defended = conflict.defended_towns(situation, model.forces)
        power = conflict.control_powers(situation, model.forces)
        i = int(np.flatnonzero(defended & (model.control == Control.STATE))[0])
        p = model.params
        holder = power[Control.STATE, i]
        attacker = power.copy()
        # just under the overrun ratio the state keeps its town; at the ratio it does not
        attacker[Control.JNIM, i] = 0.99 * p.garrison_overrun_ratio * holder
        assert conflict.garrison_holds(situation, attacker, defended)[i]
        attacker[Control.JNIM, i] = 1.01 * p.garrison_overrun_ratio * holder
        assert not conflict.garrison_holds(situation, attacker, defended)[i]
        # an undefended cell is never kept by the rule
        assert not conflict.garrison_holds(situation, attacker, np.zeros_like(defended))[i]


def _town_control(scn: ResolvedScenario, seed: int, towns: tuple[str, ...]) -> pd.DataFrame:
    """Control code of the cells of ``towns`` at the end of every month."""
    rows = []
    with build_model(scn, seed) as model:
        cells = {t: model.grid.main_town.tolist().index(t) for t in towns}
        while model.running:
            model.step()
            rows.append({t: int(model.control[i]) for t, i in cells.items()})
        start = model.start_month
    return pd.DataFrame(rows, index=range(start, start + len(rows)))


@pytest.fixture(scope="module")
def towns() -> dict[str, pd.DataFrame]:
    scn, no_kidal = historical(), historical(without="kidal_offensive")
    out = {}
    for seed in SEEDS:
        out[f"hist{seed}"] = _town_control(scn, seed, (*CAPITALS, "Kidal"))
        out[f"nokidal{seed}"] = _town_control(no_kidal, seed, ("Kidal",))
    return out


def test_the_state_keeps_the_regional_capitals_after_france_leaves(towns):
    after = slice(parse_month("2022-09"), parse_month("2023-12"))
    for seed in SEEDS:
        held = (towns[f"hist{seed}"].loc[after, list(CAPITALS)] == Control.STATE).mean()
        # garrisons hold their towns unless overrun at three to one: the capitals stay with
        # the state in at least 90% of the months (one month lost and retaken is allowed)
        assert (held >= 0.9).all(), (seed, held.to_dict())


def test_the_kidal_offensive_takes_kidal_and_the_state_keeps_it(towns):
    before = parse_month("2023-09")
    after = slice(parse_month("2023-12"), parse_month("2024-12"))
    for seed in SEEDS:
        kidal = towns[f"hist{seed}"]["Kidal"]
        # the CMA holds Kidal until the offensive (Teller2023: held for a decade)
        assert kidal.loc[before] == Control.SIGNATORY, seed
        # after the October-November 2023 offensive the state holds it through 2024: every
        # month (the garrison keeps a town unless overrun; nothing overruns it in a year)
        assert (kidal.loc[after] == Control.STATE).all(), (seed, kidal.loc[after].tolist())
        # paired seed without the offensive: Kidal stays with the signatories in December 2023
        assert towns[f"nokidal{seed}"]["Kidal"].loc[parse_month("2023-12")] != Control.STATE


# ------------------------------------------------------------------ who holds what
@pytest.fixture(scope="module")
def series() -> dict[str, pd.DataFrame]:
    scn, stays = historical(), historical(without="french_withdrawal")
    out = {}
    for seed in SEEDS:
        out[f"hist{seed}"] = run_scenario(scn, seed).series
        out[f"stays{seed}"] = run_scenario(stays, seed).series
    return out


def _jihadist_control(s: pd.DataFrame, region: str, months: slice) -> float:
    rows = s[s["region"] == region].set_index("date").loc[months]
    return float((rows["control_jnim"] + rows["control_is_sahel"]).mean())


def test_french_withdrawal_raises_national_jihadist_control_within_24_months(series):
    window = slice("2022-08-01", "2024-07-01")  # the 24 months after the last troops left
    gains = [
        _jihadist_control(series[f"hist{s}"], "Mali", window)
        - _jihadist_control(series[f"stays{s}"], "Mali", window)
        for s in SEEDS
    ]
    # paired seeds: the mean gain is positive and no seed shows a clear fall (a run's
    # national jihadist control moves by about a point between paired runs from noise alone).
    # Measured over seeds 1-8 once recruitment needs presence (civilians.present_families):
    # +1.8 points on average, range +0.7 to +2.7 (Timbuktu +17 to +25, Ménaka +4.9 to +15.5);
    # before (presence > 0), +0.0 on average, range -0.8 to +0.7: JNIM's recruitment from a
    # trickle of fighters across the south-west drowned the withdrawal's effect in the north
    assert np.mean(gains) > 0, gains
    assert min(gains) > -0.01, gains


def _region_means(s: pd.DataFrame, column: str) -> pd.Series:
    rows = s[(s["region"] != "Mali") & s["date"].between("2022-01-01", "2022-12-01")]
    return rows.groupby("region")[column].mean()


def test_is_sahel_holds_its_home_in_the_east_not_the_south_west(series):
    shares = pd.concat(
        [_region_means(series[f"hist{s}"], "control_is_sahel") for s in SEEDS], axis=1
    )
    mean = shares.mean(axis=1)
    # over the seeds, IS Sahel's share in Ménaka or Gao is above its share in Kayes and Sikasso
    assert max(mean["Ménaka"], mean["Gao"]) > max(mean["Kayes"], mean["Sikasso"]), mean.to_dict()


def test_jnim_is_strongest_in_the_centre(series):
    shares = pd.concat([_region_means(series[f"hist{s}"], "control_jnim") for s in SEEDS], axis=1)
    mean = shares.mean(axis=1)
    # JNIM's strongest region in 2022 is in the centre (Mopti, Ségou) or Timbuktu, and its share
    # in Mopti is above its share in Kayes and Sikasso
    assert mean.idxmax() in ("Mopti", "Ségou", "Tombouctou"), mean.to_dict()
    assert mean["Mopti"] > max(mean["Kayes"], mean["Sikasso"]), mean.to_dict()


# ------------------------------------------------------------------ MINUSMA camp handovers
def test_a_camp_handover_sends_the_army_in_and_erodes_the_accord():
    with_handover, without = historical(), historical(without="camp_handover")
    ber = parse_month("2023-08")
    for seed in SEEDS[:2]:
        out = []
        for scn in (with_handover, without):
            with build_model(scn, seed) as model:
                i = cell_at(model.grid, *MINUSMA_BASES["Ber"][:2])
                while model.month <= ber:
                    model.step()
                out.append((model.state.offensive[i], model.accord_adherence))
        (off_with, adh_with), (off_without, adh_without) = out
        # the handover month: the army moves on the camp (an ordered offensive there), and the
        # ordered offensive into the signatories' area lowers their adherence (deterministic
        # channel: adherence_offensive_drop times the order's intensity)
        assert off_with > off_without, (seed, off_with, off_without)
        assert adh_with < adh_without, (seed, adh_with, adh_without)


# ------------------------------------------------------------ the countryside of garrison towns
MOPTI_TOWNS = ("Mopti", "Djenné", "Ténenkou", "Bankass", "Koro", "Douentza")


def test_control_shares_count_the_town_and_the_countryside_apart():
    region = np.array([0, 0])
    control = np.array([Control.STATE, Control.JNIM])
    population = np.array([1_000.0, 500.0])
    countryside = np.array([Control.CONTESTED, Control.JNIM])
    # the first cell is a town cell with 20% of its people in the town
    shares = control_shares(region, control, population, np.array([0.8, 0.0]), countryside)
    assert shares["control_state"][1] == pytest.approx(200 / 1500)
    assert shares["control_contested"][1] == pytest.approx(800 / 1500)
    assert shares["control_jnim"][1] == pytest.approx(500 / 1500)
    # people conserved: the five shares add up to one, nationally and in the region
    total = sum(v[1] for v in shares.values())
    assert total == pytest.approx(1.0)
    assert sum(v[0][0] for v in shares.values()) == pytest.approx(1.0)


def test_a_garrison_deters_expansion_only_in_its_town():
    scn = historical()
    with build_model(scn, SEEDS[0]) as model:
        situation = model.situation()
        p = model.params
        state_power = conflict.side_powers(model.forces, p)["state"]
        mobile = conflict.mobile_state_power(model.forces, p)
        whole = expansion_deterrence(situation, state_power)
        split = expansion_deterrence(situation, state_power, mobile)
        garrisoned = model.town_cells & (model.state.garrison > 0)
        assert garrisoned.any()
        # paired on the same cells: the countryside of a garrison cell is more attractive when
        # only the town is deterred (strictly, where the garrison adds power)...
        more = garrisoned & (state_power > mobile + 1e-6)
        assert np.all(split[more] > whole[more])
        # ...and nothing changes in cells without a town (no garrison there)
        np.testing.assert_allclose(split[~model.town_cells], whole[~model.town_cells])


def test_removing_the_jihadists_returns_the_countryside_to_the_state():
    scn = historical()
    with build_model(scn, SEEDS[0]) as model:
        while model.month < parse_month("2022-06"):
            model.step()
        mopti = np.isin(model.grid.main_town, MOPTI_TOWNS)
        situation = model.situation()
        before = conflict.update_countryside(situation, model.forces, model.control)
        # the countryside of some Mopti town cells is not the state's with the jihadists there
        assert (before[mopti] != Control.STATE).any(), before[mopti]
        # paired: the same month with the jihadists (and signatories) removed from the region
        region = model.grid.region == model.grid.region[mopti][0]
        for group in (model.jnim, model.is_sahel, model.cma, model.platform):
            group.fighters = np.where(region, 0.0, group.fighters)
        after = conflict.update_countryside(situation, model.forces, model.control)
        # the officials return where no armed group operates, and hold the countryside
        assert (after[mopti] == Control.STATE).all(), after[mopti]


def _mopti_towns(seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Town and countryside control of the Mopti garrison towns in 2022, and the series.

    At the scenario's own agent count (50,000; about 0.5 s a seed to 2022): at 10,000 agents a
    recruit stands for five times as many people, and JNIM's massing on Koro reached the overrun
    ratio in 2 of 20 seeds (3 and 13) under the calibration of 2026-12-07, against 0 of 40 seeds
    at 50,000.
    """
    towns, countryside = [], []
    with build_model(historical(overrides=[]), seed) as model:
        cells = [model.grid.main_town.tolist().index(t) for t in MOPTI_TOWNS]
        while model.running and model.month <= parse_month("2022-12"):
            model.step()
            if model.month >= parse_month("2022-01"):
                towns.append(model.control[cells].copy())
                countryside.append(model.countryside_control[cells].copy())
        series = model.series()
    return (
        pd.DataFrame(towns, columns=MOPTI_TOWNS),
        pd.DataFrame(countryside, columns=MOPTI_TOWNS),
        series,
    )


# the Mopti towns are followed over twenty seeds: a town lost in one history is a draw of the
# model, the documented year (no Mopti garrison town fell in 2022) is one history
MOPTI_SEEDS = tuple(range(1, 21))


@pytest.fixture(scope="module")
def mopti() -> dict[int, tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]]:
    return {seed: _mopti_towns(seed) for seed in MOPTI_SEEDS}


def test_the_garrison_towns_stay_with_the_state_while_their_countryside_is_contested(mopti):
    # garrisons hold their towns unless overrun at three to one: in a seed that keeps them, every
    # Mopti garrison town is the state's in at least 90% of the months of 2022 (one month lost
    # is allowed)
    kept = {
        seed: bool(((towns == Control.STATE).mean() >= 0.9).all())
        for seed, (towns, _, _) in mopti.items()
    }
    # ...and the seeds that keep them are the rule: at least 90% of them (measured at 50,000
    # agents: 39 of seeds 1-40, seed 33 losing Bankass for five months; 20 of seeds 1-20)
    assert sum(kept.values()) >= 0.9 * len(kept), {s: k for s, k in kept.items() if not k}
    for seed, (_, countryside, _) in mopti.items():
        # the countryside around them is not the garrison's: in 2022 the state does not hold
        # the countryside of at least one of the six in some month (measured at 50,000 agents
        # in every one of seeds 1-40; seeds 1-3: five of the six, Mopti's, Djenné's and
        # Ténenkou's all year)
        assert (countryside != Control.STATE).to_numpy().any(), seed


def test_control_shares_conserve_people_in_every_region_and_month(mopti):
    cols = ["control_state", "control_jnim", "control_is_sahel", "control_signatory",
            "control_contested"]  # fmt: skip
    for _, _, series in mopti.values():
        total = series[cols].sum(axis=1).dropna()
        # the town and countryside parts of a cell add up to its people: shares sum to one
        # (to float rounding)
        np.testing.assert_allclose(total.to_numpy(), 1.0, atol=1e-9)


def test_the_model_counts_the_town_share_under_the_town_and_the_rest_under_the_countryside():
    with build_model(historical(), SEEDS[0]) as model:
        while model.month < parse_month("2022-06"):
            model.step()
        pop = model.cell_population
        town = np.where(model.town_cells, model.town_share, 1.0)
        held = pop * town * (model.control == Control.STATE) + pop * (1.0 - town) * (
            model.countryside_control == Control.STATE
        )
        # the indicator the policies read is the population-weighted sum of the two parts
        assert model.indicator("control_state") == pytest.approx(held.sum() / pop.sum())
        # a town cell's town is the smaller part of its people (the town share is a floor of
        # 0.2 and rarely much more)
        assert np.median(model.town_share[model.town_cells]) < 0.5
