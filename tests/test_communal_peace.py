"""What the communal conflict inherits from 2018 and the local truces (issue 20): direction of
each effect with paired seeds, the rules' invariants, and how truces compose."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from malisim.core.calendar import parse_month
from malisim.model.communal_peace import inherited_memory, truce_areas_mask, truce_bound
from malisim.model.militias import MILITIA_COMMUNITY, MILITIA_KEYS, attack_memory
from malisim.model.parameters import Parameters
from malisim.policies.base import policy_from_dict
from malisim.policies.truces import TRUCE_PLACES

SEEDS = (1, 2, 3)


def _militia_events(model, sub: str) -> pd.DataFrame:
    events = model.events_frame()
    return events[(events["inter1"] == 4) & (events["sub_event_type"] == sub)]


# ------------------------------------------------------------------ inherited memory
def test_inherited_memory_is_the_steady_state_of_attack_memory() -> None:
    rng = np.random.default_rng(0)
    people = rng.uniform(0, 1000, (7, 30))
    reach = rng.uniform(0, 1, (3, 30))
    params = Parameters(militia_prior_hit_share=0.4, militia_memory_decay=0.25)
    memory, attacks = inherited_memory(people, reach, MILITIA_COMMUNITY, params)
    assert np.all(attacks > 0)
    # one more month of the same attacks leaves the memory where it is (float rounding only)
    np.testing.assert_allclose(attack_memory(memory, attacks, params), memory, rtol=1e-12)
    cold, none = inherited_memory(people, reach, MILITIA_COMMUNITY, Parameters(
        militia_prior_hit_share=0.0))  # fmt: skip
    assert not cold.any() and not none.any()  # share 0: the cold start


def test_inherited_memory_raises_the_militias_early_strength_and_attacks(make_model) -> None:
    # paired seeds, only militia_prior_hit_share differs. A warm memory raises every militia's
    # mobilisation target at the start (attack_weight * memory > 0), so the fighters are higher
    # in every run (deterministic given the seed); attacks over the first six months are Poisson
    # in the fighters, so their sum over three seeds is compared
    fighters, attacks = {}, {}
    for share in (0.0, 0.5):
        models = [make_model(seed=s, end="2019-06", militia_prior_hit_share=share) for s in SEEDS]
        fighters[share] = [m.militias.fighters.sum(axis=1) for m in models]
        for m in models:
            m.run()
        attacks[share] = sum(len(_militia_events(m, "Attack")) for m in models)
    for cold, warm in zip(fighters[0.0], fighters[0.5], strict=True):
        assert np.all(warm >= cold) and warm.sum() > cold.sum()
    assert attacks[0.5] > attacks[0.0]


# ------------------------------------------------------------------ truces: the rule
def test_truce_bound_scales_with_compliance_and_coverage(subgrid) -> None:
    koro = (*TRUCE_PLACES["Koro"], 0.5)
    mask = truce_areas_mask(subgrid, {"dozo": [koro]}, MILITIA_KEYS, 40.0)
    assert mask is not None and mask.shape == (3, subgrid.n_cells)
    assert mask[1].max() == 0.5 and not mask[0].any() and not mask[2].any()
    bound = truce_bound(mask, Parameters(truce_compliance=0.6))
    assert bound is not None
    np.testing.assert_allclose(bound, mask * 0.6)
    assert truce_bound(mask, Parameters(truce_compliance=0.0)) is None
    assert truce_areas_mask(subgrid, {}, MILITIA_KEYS, 40.0) is None
    wider = truce_areas_mask(subgrid, {"dozo": [koro]}, MILITIA_KEYS, 100.0)
    assert wider is not None and (wider[1] > 0).sum() > (mask[1] > 0).sum()
    with pytest.raises(ValueError, match="unknown militia"):
        truce_areas_mask(subgrid, {"wagner": [koro]}, MILITIA_KEYS, 40.0)


class _Hooks:
    """The hooks local_truce uses: the month and set_truce_areas."""

    def __init__(self) -> None:
        self.month = 0
        self.areas: dict | None = None

    def set_truce_areas(self, areas: dict) -> None:
        self.areas = areas


def _truces(order: tuple[int, ...]) -> list:
    specs = [
        {"type": "local_truce", "start": "2021-01", "places": ["Bankass"],
         "militias": ["dan_na_ambassagou"], "coverage": 0.58},
        {"type": "local_truce", "start": "2019-08", "places": ["Bankass"],
         "militias": ["dan_na_ambassagou", "fulani_militia"], "coverage": 0.17},
        {"type": "local_truce", "start": "2021-03", "end": "2021-06", "places": ["Niono"],
         "militias": ["dozo"], "coverage": 0.6},
        {"type": "local_truce", "start": "2021-04", "end": "2021-05", "places": ["Niono"],
         "militias": ["dozo"], "coverage": 0.6},
    ]  # fmt: skip
    policies = [policy_from_dict(specs[i]) for i in order]
    for p in policies:
        p._peers = policies  # what the model's initialisation does for peers
    return policies


def test_local_truces_compose_whatever_their_order() -> None:
    seen = {}
    for order in ((0, 1, 2, 3), (3, 2, 1, 0)):
        hooks = _Hooks()
        out = {}
        for month in ("2019-07", "2019-08", "2021-04", "2021-06", "2021-07", "2021-08"):
            hooks.month = parse_month(month)
            hooks.areas = None
            for p in _truces(order):
                p.step(hooks)
            out[month] = hooks.areas
        seen[order] = out
    a, b = seen.values()
    assert a == b  # the same areas whatever the order of the policies
    assert a["2019-07"] is None  # nothing before the first truce
    bankass = TRUCE_PLACES["Bankass"]
    assert a["2019-08"] == {
        "dan_na_ambassagou": [(*bankass, 0.17)],
        "fulani_militia": [(*bankass, 0.17)],
    }
    # two truces of one cercle cover different communes: coverages add; two of Niono cap at 1
    assert a["2021-04"]["dan_na_ambassagou"] == [(*bankass, pytest.approx(0.75))]
    assert a["2021-04"]["dozo"] == [(*TRUCE_PLACES["Niono"], 1.0)]
    assert a["2021-06"]["dozo"] == [(*TRUCE_PLACES["Niono"], 0.6)]
    assert "dozo" not in a["2021-07"]  # Niono's truce ended in June
    assert a["2021-08"] is not None  # the Bankass truces are still in force


def test_local_truce_refuses_unknown_places_and_militias() -> None:
    with pytest.raises(ValueError, match="unknown or no place"):
        policy_from_dict({"type": "local_truce", "start": "2021-01", "places": ["Paris"],
                          "militias": ["dozo"]})  # fmt: skip
    with pytest.raises(ValueError, match="unknown or no militia"):
        policy_from_dict({"type": "local_truce", "start": "2021-01", "places": ["Koro"],
                          "militias": ["jnim"]})  # fmt: skip


# ------------------------------------------------------------------ truces in the model
ALL_MILITIAS = ["dan_na_ambassagou", "dozo", "fulani_militia"]
CENTRE = ["Bankass", "Bandiagara", "Koro", "Djenné", "Niono"]


def _truce_run(make_model, seed: int, truce: bool, start: str = "2019-07", **overrides):
    policies = []
    if truce:
        policies = [policy_from_dict({"type": "local_truce", "start": start, "places": CENTRE,
                                      "militias": ALL_MILITIAS})]  # fmt: skip
    model = make_model(seed=seed, end="2020-06", policies=policies, **overrides)
    model.run()
    return model


def _covered_cells(model) -> np.ndarray:
    places = [(*TRUCE_PLACES[p], 1.0) for p in CENTRE]
    mask = truce_areas_mask(
        model.grid, {"dozo": places}, MILITIA_KEYS, model.params.truce_radius_km
    )
    assert mask is not None
    return np.asarray(model.grid.gid)[mask[1] > 0]


def _after(events: pd.DataFrame, gids: np.ndarray, start: str) -> pd.DataFrame:
    return events[events["priogrid_gid"].isin(gids) & (events["event_date"] >= start)]


def test_truce_cuts_communal_attacks_in_the_covered_cells_after_its_date(make_model) -> None:
    # paired seeds, only the truce differs. Before its date the runs are the same draws, so
    # their events are identical; after it, half the covered fighters stand down (default
    # compliance 0.5): communal attacks in the covered cells fall (summed over three seeds, a
    # halved Poisson mean; the reprisal cycle only widens the gap)
    with_truce, without = 0, 0
    for seed in SEEDS:
        a = _truce_run(make_model, seed, True)
        b = _truce_run(make_model, seed, False)
        ea, eb = a.events_frame(), b.events_frame()
        pd.testing.assert_frame_equal(
            ea[ea["event_date"] < "2019-07"].reset_index(drop=True),
            eb[eb["event_date"] < "2019-07"].reset_index(drop=True),
        )
        gids = _covered_cells(a)
        with_truce += len(_after(_militia_events(a, "Attack"), gids, "2019-07"))
        without += len(_after(_militia_events(b, "Attack"), gids, "2019-07"))
    assert without > 0 and with_truce < without


def test_full_compliance_stops_covered_militias_attacks_and_clashes_there(make_model) -> None:
    # every covered fighter stands down: no militia attack or clash in a fully covered cell
    # after the date (exact: the Poisson means and the clash condition are zero there)
    for seed in SEEDS:
        model = _truce_run(make_model, seed, True, truce_compliance=1.0)
        gids = _covered_cells(model)
        for sub in ("Attack", "Armed clash"):
            assert _after(_militia_events(model, sub), gids, "2019-07").empty


def test_a_truce_after_the_run_changes_nothing(make_model) -> None:
    # a truce that never comes into force leaves the run bit-identical (no truce, no bound)
    a = _truce_run(make_model, 4, True, start="2021-01")
    b = _truce_run(make_model, 4, False)
    pd.testing.assert_frame_equal(a.series(), b.series())
    pd.testing.assert_frame_equal(a.events_frame(), b.events_frame())
