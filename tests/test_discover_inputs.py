"""Scenario discovery reads policy dates of a sweep (``YYYY-MM`` design columns) as months."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from malisim.core.calendar import parse_month
from malisim.sensitivity.discover import inputs_frame


def test_policy_dates_in_the_design_become_month_indices():
    design = pd.DataFrame(
        {
            "run_id": ["a", "b", "c"],
            "scenario": ["historical"] * 3,
            "point_id": ["p0", "p1", "p2"],
            "replicate": [0, 0, 0],
            "seed": [1, 1, 1],
            "policies.french_withdrawal.drawdown_start": ["2021-07", "2022-02", "2023-05"],
            "policies.wagner_deployment.personnel": [0.0, 1500.0, 3000.0],
        }
    )
    results = SimpleNamespace(design=design, manifest={"experiment": {"scenarios": []}})
    frame = inputs_frame(results)
    dates = frame["policies.french_withdrawal.drawdown_start"]
    assert list(dates) == [parse_month(m) for m in ("2021-07", "2022-02", "2023-05")]
    assert list(frame["policies.wagner_deployment.personnel"]) == [0.0, 1500.0, 3000.0]
