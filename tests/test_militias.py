"""Communal militias' mobilisation rules (issue 18 item 1): direction and bounds."""

from __future__ import annotations

import numpy as np

from malisim.core.calendar import parse_month
from malisim.model.militias import attack_memory, mobilise
from malisim.model.parameters import Parameters
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
