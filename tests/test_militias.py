"""Communal militias' mobilisation rules (issue 18 item 1): direction and bounds."""

from __future__ import annotations

import numpy as np

from malisim.model.militias import attack_memory, mobilise
from malisim.model.parameters import Parameters

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
