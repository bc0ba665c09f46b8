"""The documented figures beside the simulated distributions: the table of the report's section.

The figures are those shipped in ``malisim/data/targets.csv``; each one's simulated value per
run comes from :func:`malisim.analysis.targets.simulated_for_runs` (the one rule shared with the
calibration: counts summed over the period, stocks and shares averaged, GDP growth year on
year; without monthly series, yearly counts and growth from the run-level outcomes).
:func:`target_table` is the validation table of ``malisim score``
(:func:`malisim.analysis.validation.pattern_table`) for the report's scenarios.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

import pandas as pd

from malisim.analysis import targets as documented

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.results import Results


def load_targets() -> pd.DataFrame:
    """The documented figures shipped with the package (``malisim/data/targets.csv``), as read.

    For the validated figures, with their month indices, use
    :func:`malisim.analysis.targets.load_targets`.
    """
    with resources.files("malisim").joinpath("data/targets.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"period_start": str, "period_end": str})


def series_columns() -> set[str]:
    """The monthly series columns the shipped documented figures read."""
    return documented.series_columns_of(documented.load_targets())


def documented_events_needed() -> bool:
    """Whether a shipped documented figure reads the event log (event types, perpetrators)."""
    return any(t.target in documented.EVENT_OBSERVABLES for t in documented.load_targets())


def target_table(
    results: Results,
    scenarios: Sequence[str],
    series: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The documented figures beside the simulated distributions, per scenario.

    The same table as ``malisim score`` (:func:`malisim.analysis.validation.pattern_table`),
    from the series and events the report has already read.

    Args:
        results: The results folder (its outcomes table gives the runs and their scenarios).
        scenarios: Scenarios to show, in order.
        series: The monthly series of the runs (with ``run_id``), or None if not kept.
        events: The event log of the runs (with ``run_id``), or None if not kept.

    Returns:
        One row per scenario and documented figure, with the columns of
        :data:`malisim.analysis.validation.PATTERN_COLUMNS` (in-sample first, misses first).
    """
    from malisim.analysis.targets import SimulatedTargets
    from malisim.analysis.validation import pattern_table, scenario_periods

    targets = documented.load_targets()
    outcomes = results.outcomes
    periods = scenario_periods(results.manifest)
    parts = []
    for s in scenarios:
        runs = outcomes[outcomes["scenario"].astype(str) == s]
        ids = set(runs["run_id"])
        parts.append(
            documented.simulated_for_runs(
                targets,
                runs,
                series[series["run_id"].isin(ids)] if series is not None else None,
                events[events["run_id"].isin(ids)] if events is not None else None,
                periods.get(s),
            )
        )
    simulated = SimulatedTargets(
        pd.concat([p.values for p in parts]) if parts else pd.DataFrame(),
        {k: v for p in parts for k, v in p.notes.items()},
    )
    run_scenarios = outcomes.set_index("run_id")["scenario"].astype(str)
    return pattern_table(targets, simulated, run_scenarios, list(scenarios))
