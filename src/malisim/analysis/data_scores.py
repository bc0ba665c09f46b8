"""Scores of the runs against real event data, cell by cell and month by month.

The forecasting convention of the ViEWS prediction challenges: the simulated runs are an ensemble
forecast of each unit-month (a PRIO-GRID cell, a region or the nation, and a month); the observed
counts come from a real data file (ACLED, UCDP GED, IOM DTM, read by :mod:`malisim.data_io`).
:func:`unit_month_scores` scores the ensemble by CRPS and ignorance and sets it against three
naive forecasts made from the observed data alone:

* ``zero`` — nothing happens (the hardest baseline to beat at grid level, where most cell-months
  are zero);
* ``persistence`` — the unit's observed value of the month before (in the fit period), or of the
  last fit-period month (out of sample; the month before when the data start after the fit
  period);
* ``climatology`` — the unit's observed values over the fit period, as an ensemble.

``skill = 1 - score / score(baseline)`` (positive: better than the baseline). Scores are means
over the unit-months of each split (fit period to 2022-12, out-of-sample after); the first
observed month is scored by no forecast (persistence has nothing before it). Baselines that need
fit-period data are NaN when the data start after the fit period.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from malisim.analysis.scores import MODEL, climatology_forecast, score_table, zero_forecast
from malisim.core.calendar import FIT_END, parse_month

#: Columns of :func:`unit_month_scores`.
SCORE_COLUMNS = (
    "split",
    "units",
    "months",
    "observed_total",
    "simulated_median_total",
    "crps",
    "crps_zero",
    "crps_persistence",
    "crps_climatology",
    "skill_zero",
    "skill_persistence",
    "skill_climatology",
    "ignorance",
    "ignorance_zero",
    "ignorance_persistence",
    "ignorance_climatology",
    "in_90",
)
#: The naive forecasts, in the order of the table.
BASELINES = ("zero", "persistence", "climatology")


def baseline_ensembles(
    observed: np.ndarray, months: np.ndarray, fit_end: int, n_draws: int = 1
) -> dict[str, np.ndarray | None]:
    """The naive forecasts of every unit-month as ensembles (units, months or 1, draws).

    Args:
        observed: Observed counts, shape (units, months).
        months: Month index of each column.
        fit_end: Last month index of the fit period.
        n_draws: Draws of the climatology (the model's number of runs, so that the ignorance
            score smooths both alike; :func:`malisim.analysis.scores.climatology_forecast`).

    Returns:
        Baseline name -> ensemble, or None where it cannot be made (no fit-period data).
        Persistence is NaN in the first month (nothing before it).
    """
    units, n = observed.shape
    fit = months <= fit_end
    out: dict[str, np.ndarray | None] = {"zero": zero_forecast((units, 1, 1))}
    previous = np.full((units, n), np.nan)
    previous[:, 1:] = observed[:, :-1]
    if fit.any():
        last_fit = np.flatnonzero(fit)[-1]
        previous[:, ~fit] = observed[:, [last_fit]]
        out["climatology"] = climatology_forecast(observed[:, fit], n_draws)
    else:
        out["climatology"] = None
    out["persistence"] = previous[:, :, None]
    return out


def unit_month_scores(
    simulated: np.ndarray,
    observed: np.ndarray,
    months: np.ndarray,
    fit_end: int | None = None,
) -> pd.DataFrame:
    """CRPS, ignorance, coverage and skill of the runs over the unit-months of each split.

    Args:
        simulated: Simulated counts, shape (runs, units, months).
        observed: Observed counts, shape (units, months), on the same units and months (NaN:
            not observed, not scored).
        months: Month index of each column (consecutive months).
        fit_end: Last month index of the fit period (default 2022-12).

    Returns:
        One row per split with data (``fit``, ``out_of_sample``), columns
        :data:`SCORE_COLUMNS`; every forecast is scored on the same unit-months
        (:func:`malisim.analysis.scores.score_table`).

    Raises:
        ValueError: If the shapes disagree.
    """
    sim = np.asarray(simulated, dtype=float)
    obs = np.asarray(observed, dtype=float)
    months = np.asarray(months)
    if sim.ndim != 3 or obs.shape != sim.shape[1:] or months.shape != (obs.shape[1],):
        raise ValueError(
            f"shapes disagree: simulated {sim.shape}, observed {obs.shape}, months {months.shape}"
        )
    end = parse_month(FIT_END) if fit_end is None else fit_end
    ensemble = np.moveaxis(sim, 0, -1)  # units, months, runs
    baselines = baseline_ensembles(obs, months, end, n_draws=sim.shape[0])
    rows = []
    for split, cols in (("fit", months <= end), ("out_of_sample", months > end)):
        if not cols.any():
            continue
        chosen = {
            name: (b if b.shape[1] == 1 else b[:, cols])
            for name, b in baselines.items()
            if b is not None
        }
        table = score_table(ensemble[:, cols], obs[:, cols], chosen).summary
        model = table.loc[MODEL]
        scored = int(model["n"])
        if scored == 0:
            continue
        y = obs[:, cols]
        row: dict[str, object] = {
            "split": split,
            "units": obs.shape[0],
            "months": scored // max(obs.shape[0], 1),
            "observed_total": float(np.nansum(y)),
            "simulated_median_total": float(np.median(ensemble[:, cols].sum(axis=(0, 1)))),
            "crps": float(model["crps"]),
            "ignorance": float(model["ignorance"]),
            "in_90": float(model["coverage_90"]),
        }
        for name in BASELINES:
            if name in table.index:
                row[f"crps_{name}"] = float(table.loc[name, "crps"])
                row[f"ignorance_{name}"] = float(table.loc[name, "ignorance"])
                row[f"skill_{name}"] = float(table.loc[name, "crps_skill"])
            else:
                row[f"crps_{name}"] = row[f"ignorance_{name}"] = float("nan")
                row[f"skill_{name}"] = float("nan")
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
