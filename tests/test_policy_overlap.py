"""Overlapping copies of a policy: composed by a documented rule, whatever their order.

Each case runs the same policies in both list orders on the sub-grid and checks that the series
and event tables are byte-identical, and that the parameter the policies move takes, month by
month, the value the composition rule gives (in force for the union of the periods, given back
only in the month after the last copy ends).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from malisim.policies import policy_from_dict
from malisim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def trajectory(make_model, policies: list[dict], parameter: str, end: str):
    """Run the policies; return the parameter per month (Jan 2019 on) and the tables' bytes."""
    model = make_model(
        seed=3, start="2019-01", end=end, policies=[policy_from_dict(p) for p in policies]
    )
    values = []
    with model:
        while model.running:
            model.step()  # the policies phase opens the month; the value holds for the month
            values.append(getattr(model.params, parameter))
        tables = (model.series().to_csv().encode(), model.events_frame().to_csv().encode())
    return values, tables


def both_orders(make_model, policies: list[dict], parameter: str, end: str) -> list[float]:
    """The parameter's trajectory; asserts the reversed list gives byte-identical tables."""
    values, tables = trajectory(make_model, policies, parameter, end)
    values_r, tables_r = trajectory(make_model, policies[::-1], parameter, end)
    assert values == values_r, "the policies' order changed the parameter"
    assert tables == tables_r, "the policies' order changed the series or events"
    return values


def test_overlapping_sanctions_apply_the_strongest_over_the_union(make_model):
    weak = {"type": "ecowas_sanctions", "start": "2019-02", "end": "2019-04", "intensity": 0.5}
    strong = {"type": "ecowas_sanctions", "start": "2019-03", "end": "2019-06", "intensity": 1.0}
    values = both_orders(make_model, [weak, strong], "ecowas_sanctions", "2019-08")
    # Jan none; Feb weak; Mar-Apr both (the strongest); May-Jun strong alone; Jul-Aug restored
    assert values == [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 0.0, 0.0]


def test_overlapping_sanctions_keep_the_lowest_leakage_given(make_model):
    tight = {"type": "ecowas_sanctions", "start": "2019-02", "end": "2019-04", "leakage": 0.1}
    plain = {"type": "ecowas_sanctions", "start": "2019-03", "end": "2019-06"}
    base = 0.3  # the default sanctions_leakage
    values = both_orders(make_model, [tight, plain], "sanctions_leakage", "2019-07")
    assert values == [base, 0.1, 0.1, 0.1, base, base, base]


def test_aid_comes_back_only_when_no_suspension_of_the_donor_covers_the_month(make_model):
    a = {"type": "aid_suspension", "donor": "EU", "share": 0.3,
         "start": "2019-02", "end": "2019-06"}  # fmt: skip
    # the same donor (case and spacing ignored) again: the larger share is withheld, not both
    b = {"type": "aid_suspension", "donor": " eu", "share": 0.2,
         "start": "2019-04", "end": "2019-08"}  # fmt: skip
    values = both_orders(make_model, [a, b], "donor_engagement", "2019-10")
    assert values == pytest.approx([1.0, 0.7, 0.7, 0.7, 0.7, 0.7, 0.8, 0.8, 1.0, 1.0], abs=1e-12)


def test_aid_shares_of_different_donors_add_up_within_zero_and_one(make_model):
    a = {"type": "aid_suspension", "donor": "A", "share": 0.7,
         "start": "2019-02", "end": "2019-05"}  # fmt: skip
    b = {"type": "aid_suspension", "donor": "B", "share": 0.6,
         "start": "2019-03", "end": "2019-04"}  # fmt: skip
    values = both_orders(make_model, [a, b], "donor_engagement", "2019-07")
    # Mar-Apr: 1 - 1.3 is clipped at 0; May: only A withheld; Jun: everything back
    assert values == pytest.approx([1.0, 0.3, 0.0, 0.0, 0.3, 1.0, 1.0], abs=1e-12)


def test_historical_aid_suspensions_by_three_donors(make_model):
    scenario = load_scenario(ROOT / "scenarios" / "historical.yaml")
    aid = [p.to_dict() for p in scenario.policies if p.policy_type == "aid_suspension"]
    assert len(aid) == 3
    model = make_model(seed=3, start="2021-12", end="2023-08", policies=map(policy_from_dict, aid))
    values = {}
    with model:
        while model.running:
            date = model.date
            model.step()
            values[date] = model.params.donor_engagement
    # EU (0.3, no end) from 2022-01; World Bank/AfDB (0.2) April to July 2022 (the Bank
    # suspended its disbursements in April and lifted the suspension on 19 July 2022); France
    # (0.15) from 2022-11
    assert values["2021-12"] == 1.0
    assert values["2022-01"] == pytest.approx(0.7)
    assert values["2022-03"] == pytest.approx(0.7)
    assert values["2022-04"] == pytest.approx(0.5)
    assert values["2022-07"] == pytest.approx(0.5)
    assert values["2022-08"] == pytest.approx(0.7)
    assert values["2022-10"] == pytest.approx(0.7)
    assert values["2022-11"] == pytest.approx(0.55)
    assert values["2023-08"] == pytest.approx(0.55)


def test_overlapping_schedules_of_one_parameter(make_model):
    early = {"type": "parameter_schedule", "parameter": "sanctions_leakage", "value": 0.8,
             "start": "2019-02", "end": "2019-05"}  # fmt: skip
    late = {"type": "parameter_schedule", "parameter": "sanctions_leakage", "value": 0.6,
            "start": "2019-04", "end": "2019-07"}  # fmt: skip
    halve = {"type": "parameter_schedule", "parameter": "sanctions_leakage", "value": 0.5,
             "mode": "multiply", "start": "2019-03", "end": "2019-03"}  # fmt: skip
    values = both_orders(make_model, [early, halve, late], "sanctions_leakage", "2019-09")
    # the schedule that started last sets the value; a multiplier in force scales it
    assert values == pytest.approx([0.3, 0.8, 0.4, 0.6, 0.6, 0.6, 0.6, 0.3, 0.3], abs=1e-12)


def test_several_accord_levels_the_latest_started_wins(make_model):
    first = {"type": "accord_implementation", "start": "2019-02", "level": 0.6}
    later = {"type": "accord_implementation", "start": "2019-04", "level": 0.1}
    values = both_orders(make_model, [first, later], "accord_implementation", "2019-05")
    assert values[1:] == [0.6, 0.6, 0.1, 0.1]


def test_overlapping_offensives_add_their_regions(make_model, subgrid):
    gao = {"type": "kidal_offensive", "start": "2019-02", "end": "2019-04", "regions": ["Gao"],
           "intensity": 0.5}  # fmt: skip
    mopti = {"type": "kidal_offensive", "start": "2019-03", "end": "2019-05",
             "regions": ["Mopti", "Gao"]}  # fmt: skip
    both_orders(make_model, [gao, mopti], "accord_implementation", "2019-05")
    # the orders of one month combine: each cell keeps its strongest order
    model = make_model(seed=3, start="2019-01", end="2019-02")
    with model:
        model.state.order_offensive(subgrid.region_mask("Gao"), 0.5)
        model.state.order_offensive(subgrid.region_mask("Mopti", "Gao"), 1.0)
        one = model.state.offensive_orders.copy()
        model.state.offensive_orders = np.zeros(subgrid.n_cells)
        model.state.order_offensive(subgrid.region_mask("Mopti", "Gao"), 1.0)
        model.state.order_offensive(subgrid.region_mask("Gao"), 0.5)
        other = model.state.offensive_orders
    assert np.array_equal(one, other)
    assert np.array_equal(one, subgrid.region_mask("Mopti", "Gao").astype(float))
