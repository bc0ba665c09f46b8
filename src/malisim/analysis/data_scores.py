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

from malisim.analysis.scores import crps_ensemble, ignorance
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


def _skill(score: float, baseline: float) -> float:
    if not np.isfinite(baseline) or baseline == 0:
        return float("nan")
    return 1.0 - score / baseline


def baseline_ensembles(
    observed: np.ndarray, months: np.ndarray, fit_end: int
) -> dict[str, np.ndarray | None]:
    """The naive forecasts of every unit-month as ensembles (units, months, draws).

    Args:
        observed: Observed counts, shape (units, months).
        months: Month index of each column.
        fit_end: Last month index of the fit period.

    Returns:
        Baseline name -> ensemble, or None where it cannot be made (no fit-period data).
    """
    units, n = observed.shape
    fit = months <= fit_end
    out: dict[str, np.ndarray | None] = {"zero": np.zeros((units, n, 1))}
    previous = np.full((units, n), np.nan)
    previous[:, 1:] = observed[:, :-1]
    if fit.any():
        last_fit = np.flatnonzero(fit)[-1]
        previous[:, ~fit] = observed[:, [last_fit]]
        history = observed[:, fit]
        out["climatology"] = np.broadcast_to(history[:, None, :], (units, n, history.shape[1]))
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
        observed: Observed counts, shape (units, months), on the same units and months.
        months: Month index of each column (consecutive months).
        fit_end: Last month index of the fit period (default 2022-12).

    Returns:
        One row per split with data (``fit``, ``out_of_sample``), columns
        :data:`SCORE_COLUMNS`.

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
    baselines = baseline_ensembles(obs, months, end)
    scored = np.ones(months.shape, dtype=bool)
    scored[0] = False  # no persistence forecast of the first month
    rows = []
    for split, mask in (("fit", months <= end), ("out_of_sample", months > end)):
        cols = mask & scored
        if not cols.any():
            continue
        y = obs[:, cols]
        x = ensemble[:, cols]
        row: dict[str, object] = {
            "split": split,
            "units": obs.shape[0],
            "months": int(cols.sum()),
            "observed_total": float(y.sum()),
            "simulated_median_total": float(np.median(x.sum(axis=(0, 1)))),
            "crps": float(crps_ensemble(x, y).mean()),
            "ignorance": float(ignorance(x, y).mean()),
        }
        lo, hi = np.quantile(x, [0.05, 0.95], axis=-1)
        row["in_90"] = float(((lo <= y) & (y <= hi)).mean())
        for name in BASELINES:
            b = baselines[name]
            if b is None:
                row[f"crps_{name}"] = row[f"ignorance_{name}"] = float("nan")
            else:
                bx = b[:, cols]
                row[f"crps_{name}"] = float(crps_ensemble(bx, y).mean())
                row[f"ignorance_{name}"] = float(ignorance(bx, y).mean())
            row[f"skill_{name}"] = _skill(float(row["crps"]), float(row[f"crps_{name}"]))  # type: ignore[arg-type]
        rows.append(row)
    return pd.DataFrame(rows, columns=list(SCORE_COLUMNS))
