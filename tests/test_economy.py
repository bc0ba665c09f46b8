"""The economy with memory: conflict damage, fading disruptions, sanctions, recovery.

Rule-level tests drive :class:`Economy` with chosen violence and policy paths (deterministic, so
their tolerances are floating-point or follow from the documented formulas); model-level tests
compare paired seeds (same seed with and without the shock) on the full grid at 10,000 civilian
agents.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from malisim.core.calendar import parse_month
from malisim.model.economy import (
    DISRUPTIONS,
    Economy,
    conflict_damage_next,
    covid_shock,
    disruptions,
    fade,
    half_life_retention,
)
from malisim.model.parameters import Parameters
from malisim.scenario import scenario_from_dict
from malisim.scenario.runner import run_scenario

SEEDS = (11, 12, 13)
FAST = {"n_civilian_agents": 10_000}
START = parse_month("2019-01")


def drive(p_of_month, violence, months: int, **kw) -> tuple[np.ndarray, list[Economy]]:
    """GDP index per month of an economy driven by ``violence[t]`` and ``p_of_month(t)``."""
    economy = Economy()
    gdp, states = [], []
    for t in range(months):
        economy.update(p_of_month(t), START + t, float(violence[t]), 20_000, 20_000, 0.0, **kw)
        gdp.append(economy.gdp_index)
        states.append((economy.damage, economy.disruption.copy(), economy.loss))
    return np.array(gdp), states


def test_half_life_retention_halves_in_the_half_life():
    r = half_life_retention(6.0)
    assert r**6 == pytest.approx(0.5, rel=1e-12)


def test_fade_bites_at_once_and_halves_in_the_half_life():
    r = half_life_retention(6.0)
    d = fade(np.zeros(2), np.array([0.1, 0.0]), r)
    assert d.tolist() == [0.1, 0.0]  # at once, in the month the shock starts
    for _ in range(6):
        d = fade(d, np.zeros(2), r)
    assert d[0] == pytest.approx(0.05, rel=1e-12)
    # a shock larger than what is left replaces it (no double counting)
    assert fade(np.array([0.05]), np.array([0.08]), r)[0] == 0.08


def test_conflict_damage_accumulates_and_is_repaired():
    r = half_life_retention(36.0)
    assert conflict_damage_next(0.0, 1.0, 0.024, r) == pytest.approx(0.002)
    assert conflict_damage_next(0.1, 0.0, 0.024, r) == pytest.approx(0.1 * r)


def test_a_year_of_higher_violence_leaves_gdp_lower_two_years_later():
    p = Parameters()
    months = 60
    calm = np.full(months, 0.2)
    violent = calm.copy()
    violent[12:24] = 2.0  # one year ten times as violent
    base, base_states = drive(lambda t: p, calm, months)
    hit, hit_states = drive(lambda t: p, violent, months)
    assert np.array_equal(base[:12], hit[:12])  # identical before the shock
    two_years_later = 24 + 24 - 1
    assert hit[two_years_later] < base[two_years_later]
    # the damage gap decays exactly with the recovery half-life once the shock year is over
    gap_end = hit_states[23][0] - base_states[23][0]
    gap_later = hit_states[two_years_later][0] - base_states[two_years_later][0]
    expected = half_life_retention(p.conflict_recovery_half_life) ** 24
    assert gap_later / gap_end == pytest.approx(expected, rel=1e-9)
    # and the economy recovers: the output gap two years on is smaller than at the shock's end
    assert base[two_years_later] - hit[two_years_later] < base[23] - hit[23]


def test_sustained_heavy_violence_ends_below_the_start():
    # about 36,000 civilian deaths a year among ~22 million people: 13.6 per 100,000 a month
    p = Parameters()
    gdp, _ = drive(lambda t: p, np.full(96, 13.6), 96)
    assert gdp[-1] < 1.0
    calm, _ = drive(lambda t: p, np.full(96, 0.2), 96)
    assert calm[-1] > 1.0  # on trend growth a calm economy ends above its start


def sanctions_path(p: Parameters, on: bool):
    sanctioned = p.model_copy(update={"ecowas_sanctions": 1.0})

    def at(t: int) -> Parameters:
        return sanctioned if on and 36 <= t < 42 else p  # 2022-01 to 2022-06

    return at


def test_the_2022_sanctions_cost_about_two_points_of_2022_growth():
    p = Parameters()
    v = np.full(72, 0.2)
    on, _ = drive(sanctions_path(p, True), v, 72)
    off, _ = drive(sanctions_path(p, False), v, 72)
    # RFI2022: about two points. Six months in force, then fading with a 6-month half-life:
    # the shock net of leakage weighs 0.84 of a full year in 2022 (docs/ODD.md 7.7.1), i.e.
    # 0.84 * 0.034 * (1 - 0.3) = 0.020 with the defaults; the tolerance covers the
    # multiplicative composition with the other losses (below 1% of the total)
    # the weight of 2022: six months in force, then July-December fading by half every
    # disruption_half_life months (0.84 with the default half-life of 6)
    fading = 0.5 ** (np.arange(1, 7) / p.disruption_half_life)
    year_weight = (6.0 + fading.sum()) / 12.0
    net_shock = p.sanctions_gdp_shock * (1.0 - p.sanctions_leakage)
    ratio_2022 = on[36:48].mean() / off[36:48].mean()
    assert 1.0 - ratio_2022 == pytest.approx(year_weight * net_shock, abs=0.001)
    assert 0.015 < 1.0 - ratio_2022 < 0.025  # "about two points" (RFI2022)


def test_the_economy_recovers_after_sanctions_end():
    p = Parameters()
    v = np.full(72, 0.2)
    on, states = drive(sanctions_path(p, True), v, 72)
    off, _ = drive(sanctions_path(p, False), v, 72)
    gap = off - on
    assert gap[35] == 0.0 and gap[36] > 0.0  # bites in the first month
    after = gap[41:]
    assert np.all(np.diff(after) < 0)  # closes every month after the end ...
    assert after[-1] < 0.05 * gap[41]  # ... and is nearly closed 2.5 years later
    # growth after the end is above the calm path's (catch-up)
    assert on[47] / on[41] > off[47] / off[41]
    i = DISRUPTIONS.index("sanctions")
    assert states[41 + 6][1][i] == pytest.approx(states[41][1][i] / 2, rel=1e-9)


def test_losses_stay_in_bounds_and_the_parts_are_non_negative():
    p = Parameters()
    rng = np.random.default_rng(3)
    v = rng.gamma(1.0, 5.0, 120)
    gdp, states = drive(
        lambda t: p.model_copy(update={"ecowas_sanctions": float(t % 24 < 6)}),
        v, 120, blockade_share=0.3, displaced_share=0.4,
    )  # fmt: skip
    assert np.all(gdp > 0)
    for damage, disruption, loss in states:
        assert damage >= 0 and np.all(disruption >= 0)
        assert 0.0 <= loss <= p.gdp_loss_cap


def test_disruptions_read_their_parameters():
    p = Parameters(ecowas_sanctions=1.0, donor_engagement=0.5)
    d = dict(zip(DISRUPTIONS, disruptions(p, parse_month("2020-05"), 0.01, 0.1), strict=True))
    assert d["covid"] == p.covid_shock == covid_shock(parse_month("2020-05"), p.covid_shock)
    assert covid_shock(parse_month("2021-05"), p.covid_shock) == 0.0
    assert d["sanctions"] == pytest.approx(p.sanctions_gdp_shock * (1 - p.sanctions_leakage))
    assert d["aid"] == pytest.approx(p.aid_gdp_share * 0.5)
    assert d["blockade"] == 0.01
    assert d["displacement"] == pytest.approx(p.displacement_output_loss * 0.1)


def run(policies: list[dict], start: str, end: str, seed: int):
    scenario = scenario_from_dict(
        {"name": "t", "start": start, "end": end, "params": FAST, "policies": policies}
    )
    return run_scenario(scenario, seed)


def test_sanctions_lower_2022_gdp_growth_in_the_model():
    sanctions = [{"type": "ecowas_sanctions", "start": "2022-01", "end": "2022-06"}]
    for seed in SEEDS:
        on = run(sanctions, "2021-01", "2022-12", seed).summary["gdp_growth_2022"]
        off = run([], "2021-01", "2022-12", seed).summary["gdp_growth_2022"]
        # about two points by design (RFI2022); violence and displacement respond to the
        # sanctions only through hardship, so at least 1.5 points in every pair
        assert off - on > 0.015, (seed, on, off)


def test_a_year_of_higher_violence_leaves_gdp_lower_in_the_model():
    # a year of much higher violence against civilians by every perpetrator (2020: JNIM five
    # times, IS Sahel, the state and the communal militias three times as abusive; civilian
    # deaths of 2020 about 2.4-3 times the baseline's in seven of eight pairs), GDP compared at
    # the end of the surge and at the end of 2022, two years on. Measured with the shipped
    # calibration over seeds 11-18: at the end of 2020 GDP is 1.6-2.2% lower in every pair; at
    # the end of 2022 it is 1.2% lower on average, lower in seven pairs, and 0.5% higher in one
    # (seed 15: the paths of the later years diverge once the surge changes them). Tolerances:
    # lower in every pair at the end of the surge; on average at least 0.5% lower two years on
    surge = [
        {"type": "parameter_schedule", "parameter": name, "start": "2020-01",
         "end": "2020-12", "value": factor, "mode": "multiply"}
        for name, factor in (("jnim_abuse_rate", 5.0), ("is_sahel_abuse_rate", 3.0),
                             ("state_abuse_rate", 3.0), ("militia_attack_rate", 3.0))
    ]  # fmt: skip

    def gdp(result) -> pd.Series:
        s = result.series
        return s[s["region"] == "Mali"].set_index("date")["gdp_index"]

    later = []
    for seed in range(11, 19):
        hit, base = (
            gdp(run(surge, "2019-01", "2022-12", seed)),
            gdp(run([], "2019-01", "2022-12", seed)),
        )
        assert hit.loc["2020-12-01"] < base.loc["2020-12-01"], seed
        later.append(hit.iloc[-1] / base.iloc[-1] - 1.0)
    assert np.mean(later) < -0.005, later
