"""The documented figures beside the simulated distributions: the table of the report's section.

The figures are those shipped in ``malisim/data/targets.csv``; each one's simulated value per
run comes from :func:`malisim.analysis.targets.simulated_for_runs` (the one rule shared with the
calibration: counts summed over the period, stocks and shares averaged, GDP growth year on
year; without monthly series, yearly counts and growth from the run-level outcomes).
:func:`target_table` summarises them per scenario: median, a central interval and the share of
runs below the documented value.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import resources
from typing import TYPE_CHECKING

import numpy as np
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
    return {documented.series_column(t.target) for t in documented.load_targets()}


def target_table(
    results: Results,
    scenarios: Sequence[str],
    series: pd.DataFrame | None = None,
    interval: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """The documented figures beside the simulated distributions, per scenario.

    Args:
        results: The results folder (its outcomes table gives the runs and their scenarios).
        scenarios: Scenarios to show, in order.
        series: The monthly series of the runs (with ``run_id``), or None if not kept.
        interval: Quantiles of the interval of the runs.

    Returns:
        One row per documented figure and scenario: ``target``, ``period``, ``region``,
        ``kind``, ``unit``, ``documented``, ``source``, ``scenario``, ``runs``, ``median``,
        ``low``, ``high`` (the interval's quantiles), ``share_below`` (share of runs below the
        documented value) and ``note`` (why a figure has no simulated value).
    """
    targets = documented.load_targets()
    outcomes = results.outcomes
    simulated = documented.simulated_for_runs(targets, outcomes, series)
    scenario_of = outcomes.set_index("run_id")["scenario"].astype(str)
    run_scenarios = scenario_of.reindex(simulated.values.index).to_numpy()
    rows = []
    for t in targets:
        note = simulated.notes.get(t.name)
        base = {
            "target": t.target,
            "period": t.period,
            "region": t.region,
            "kind": t.kind,
            "unit": t.unit,
            "documented": t.value,
            "source": t.source,
        }
        values = simulated.values[t.name].to_numpy(float)
        for s in scenarios:
            rec = dict(
                base,
                scenario=s,
                runs=0,
                median=np.nan,
                low=np.nan,
                high=np.nan,
                share_below=np.nan,
                note=note or "",
            )
            if note is None:
                v = values[run_scenarios == s]
                v = v[~np.isnan(v)]
                if v.size:
                    lo, med, hi = np.quantile(v, [interval[0], 0.5, interval[1]])
                    rec.update(
                        runs=int(v.size),
                        median=med,
                        low=lo,
                        high=hi,
                        share_below=float(np.mean(v < t.value)),
                    )
                else:
                    rec["note"] = "no runs"
            rows.append(rec)
    return pd.DataFrame(rows)
