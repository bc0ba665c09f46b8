"""Violence as Mali knew it (issue 18): bounded recruitment, Wagner in the log, massacres,
the dated JNIM-IS Sahel war and peacekeepers' losses.

Runs use the five-region sub-grid of conftest with 5,000 agents; paired runs share the seed.
"""

from __future__ import annotations

import numpy as np
import pytest

from malisim.model.civilians import manpower_factor, saturating_join_share

#: The recruitment corner of the sensitivity ranges that ran away before issue 18
#: (docs/sensitivity.md): every recruitment parameter at the top of its range, memory that never
#: fades.
RECRUITMENT_CORNER = {
    "join_rate": 0.05,
    "retribution_join_multiplier": 200.0,
    "victimisation_reach": 500.0,
    "memory_decay": 1.0,
    "join_share_ceiling": 0.5,
    "manpower_share": 0.25,
}


def test_join_share_saturates_at_the_ceiling():
    pull = np.array([0.0, 1e-6, 0.01, 1.0, 1e6])
    share = saturating_join_share(pull, 0.05)
    assert share[0] == 0.0
    # small pulls pass almost unchanged (relative error pull / (2 * ceiling) = 1e-5)
    assert share[1] == pytest.approx(1e-6, rel=1e-4)
    assert np.all(np.diff(share) > 0)
    assert share.max() <= 0.05
    assert share[-1] == pytest.approx(0.05)


def test_manpower_factor_known_values():
    # pool 0.1 * (900 + 100) = 100: all of it joined, nothing more
    assert manpower_factor(10.0, 100.0, 900.0, 0.1) == 0.0
    # nobody joined yet: full rate
    assert manpower_factor(10.0, 0.0, 1000.0, 0.1) == 1.0
    # half the pool used: half the rate
    assert manpower_factor(10.0, 50.0, 950.0, 0.1) == pytest.approx(0.5)
    # 98 of 100 used: 2% of the rate
    assert manpower_factor(20.0, 98.0, 902.0, 0.1) == pytest.approx(0.02)
    # the month's recruits (200) would overflow what is left (50): cut to what is left
    assert manpower_factor(200.0, 50.0, 950.0, 0.1) == pytest.approx(50.0 / 200.0)


def test_recruitment_corner_stays_bounded(make_model):
    model = make_model(seed=3, start="2019-01", end="2021-12", **RECRUITMENT_CORNER)
    first = model.people_accounting()
    militia0 = float(model.militias.fighters.sum())  # the militias' standing core at the start
    fighters0 = sum(float(g.fighters.sum()) for g in (model.jnim, model.is_sahel, model.cma,
                                                      model.platform))  # fmt: skip
    model.run()
    acc = model.people_accounting()
    people = acc["initial"] + acc["growth"]
    # people conserved (float32 weights over 5,000 agents: relative error below 1e-6)
    rhs = sum(v for k, v in acc.items() if k not in ("initial", "growth"))
    assert rhs == pytest.approx(people, rel=1e-6)
    assert np.all(model.civilians.weight >= 0)
    # joined within the manpower pool (exact up to float rounding)
    pool = RECRUITMENT_CORNER["manpower_share"] * (people - acc["killed"])
    assert acc["joined_armed_groups"] <= pool * (1 + 1e-9)
    # fighters bounded by those who could fight: initial fighters, recruits and the
    # cross-border inflow (at most cross_border_inflow per month)
    months = 36
    fighters = sum(float(g.fighters.sum()) for g in (model.jnim, model.is_sahel, model.cma,
                                                     model.platform))  # fmt: skip
    bound = fighters0 + acc["joined_armed_groups"] + months * model.params.cross_border_inflow
    assert fighters <= bound
    # flight bounded by the people: nobody flees twice, the displaced and refugees are people
    assert acc["displaced"] + acc["refugees"] <= people - acc["killed"] - acc["joined_armed_groups"]
    # at the start only the communal militias' standing core has left the civilians
    assert first["joined_armed_groups"] == pytest.approx(militia0)


def _state_killings(events) -> int:
    """Civilians killed in attacks on civilians by FAMa or Wagner (the operations' toll)."""
    state = events["actor1"].str.startswith("Military Forces of Mali") | (
        events["actor1"] == "Wagner Group"
    )
    attacks = events["sub_event_type"] == "Attack"
    return int(events.loc[state & attacks, "fatalities_civilian"].sum())


@pytest.fixture(scope="module")
def wagner_runs(make_model):
    """Paired runs (same seed) with Wagner on FAMa's operations from 2019, abuse 1 and 8."""
    runs = {}
    for abuse in (1.0, 8.0):
        model = make_model(seed=5, start="2019-01", end="2020-12", wagner_personnel=1500,
                           wagner_abuse_multiplier=abuse).run()  # fmt: skip
        runs[abuse] = model.events_frame()
    return runs


def test_wagner_is_named_in_battles_and_violence_against_civilians(wagner_runs):
    events = wagner_runs[8.0]
    wagner = events[events["actor1"] == "Wagner Group"]
    assert (wagner["event_type"] == "Battles").sum() > 0
    assert (wagner["event_type"] == "Violence against civilians").sum() > 0
    assert (wagner["inter1"] == 8).all()


def test_wagner_abuse_raises_the_toll_of_operations(wagner_runs):
    # the massacre rate and the Pareto scale both rise eightfold with the multiplier; the one-
    # sided rate of Wagner too: the paired runs differ by far more than run-to-run noise, so a
    # strict factor of 2 is safe
    assert _state_killings(wagner_runs[8.0]) > 2 * _state_killings(wagner_runs[1.0])


def test_the_jihadist_war_starts_at_its_date(make_model):
    from malisim.core.calendar import parse_month
    from malisim.model.conflict import jihadist_rivalry

    p = make_model(seed=1, start="2019-01", end="2019-01").params
    assert jihadist_rivalry(parse_month("2019-12"), p) == p.jnim_is_prewar_hostility
    assert jihadist_rivalry(parse_month("2020-01"), p) == p.jnim_is_hostility
    later = p.model_copy(update={"jnim_is_war_start": 2020.5})
    assert jihadist_rivalry(parse_month("2020-06"), later) == p.jnim_is_prewar_hostility
    assert jihadist_rivalry(parse_month("2020-07"), later) == p.jnim_is_hostility


def test_jihadist_battles_rise_with_the_war(make_model):
    # paired seeds: the same run with the war from 2019 and from 2030 (never); JNIM-IS clashes
    # in 2019 are ten times likelier with the war, so the count is strictly larger
    counts = {}
    for start in (2019.0, 2030.0):
        events = make_model(seed=4, start="2019-01", end="2019-12",
                            jnim_is_war_start=start).run().events_frame()  # fmt: skip
        jihadist = events["actor1"].str.startswith("JNIM") & (
            events["actor2"] == "Islamic State (Sahel)"
        )
        counts[start] = int(jihadist.sum())
    assert counts[2019.0] > counts[2030.0]
