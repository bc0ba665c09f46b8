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

from pathlib import Path

import numpy as np
import pandas as pd

from malisim.analysis.scores import MODEL, climatology_forecast, score_table, zero_forecast
from malisim.core.calendar import FIT_END, parse_month

#: Columns of :func:`unit_month_scores`.
SCORE_COLUMNS = (
    "split",
    "units",
    "unit_months",
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
            "unit_months": scored,
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


#: Observables scored against each kind of real data file.
DATA_OUTCOMES: dict[str, tuple[str, ...]] = {
    "acled": ("fatalities", "fatalities_battles", "fatalities_vac", "fatalities_explosions"),
    "ged": ("ged_sb", "ged_ns", "ged_os"),
}
#: Levels of the unit-months, finest first.
LEVELS = ("cell", "region", "national")
#: Columns of :func:`score_data_files`.
DATA_COLUMNS = ("scenario", "data", "outcome", "level", *SCORE_COLUMNS, "note")


def _scenario_runs(outcomes: pd.DataFrame, scenario: str) -> list[str]:
    return [str(r) for r in outcomes.loc[outcomes["scenario"].astype(str) == scenario, "run_id"]]


def score_event_data(
    simulated_events: pd.DataFrame,
    observed_events: pd.DataFrame,
    runs: list[str],
    period: tuple[int, int],
    data: str,
    outcomes: tuple[str, ...],
    families: object = None,
) -> list[dict[str, object]]:
    """Rows of scores of one scenario's runs against one normalised real event table.

    Both tables go through the same aggregation (:func:`malisim.data_io.aggregate.aggregate`);
    only the months both cover are scored (the runs' period and the data's first to last
    month).

    Args:
        simulated_events: The runs' event log (ACLED schema, ``run_id``).
        observed_events: The real events, normalised (:func:`malisim.data_io.normalise_acled`
            or :func:`malisim.data_io.normalise_ged`).
        runs: The scenario's run ids.
        period: First and last month index of the runs.
        data: Name of the data (``acled``, ``ged``).
        outcomes: Observables to score.
        families: Actor-family table for the simulated log (default: the shipped one).

    Returns:
        One row per outcome and level (without the ``scenario`` column).
    """
    from malisim.data_io.acled import normalise_acled
    from malisim.data_io.aggregate import aggregate

    sim_table = normalise_acled(simulated_events, families)  # type: ignore[arg-type]
    rows: list[dict[str, object]] = []
    if observed_events.empty:
        return [
            {"data": data, "outcome": o, "level": "", "note": "no event of the file in Mali"}
            for o in outcomes
        ]
    first = max(period[0], int(observed_events["month"].min()))
    last = min(period[1], int(observed_events["month"].max()))
    if first > last:
        return [
            {
                "data": data,
                "outcome": o,
                "level": "",
                "note": "the file and the runs share no month",
            }
            for o in outcomes
        ]
    for outcome in outcomes:
        for level in LEVELS:
            sim = aggregate(sim_table, level, outcome, first, last, runs=runs)  # type: ignore[arg-type]
            obs = aggregate(observed_events, level, outcome, first, last)  # type: ignore[arg-type]
            table = unit_month_scores(sim.values, obs.values[0], sim.months)
            for rec in table.to_dict("records"):
                rows.append({"data": data, "outcome": outcome, "level": level, **rec, "note": ""})
    return rows


#: The DTM table's columns scored, each against the series column of the same name.
DTM_OUTCOMES = ("idps", "returnees")


def score_dtm(
    series: pd.DataFrame | None, dtm: pd.DataFrame, runs: list[str]
) -> list[dict[str, object]]:
    """Rows of scores of one scenario's IDPs and returnees against an IOM DTM table.

    IDPs by region of refuge and returnees by home region (the model's ``idps`` and
    ``returnees`` series). Units are the regions (and the nation in the rounds that report
    every region); months are the DTM's reporting months, so persistence is the previous round.

    Args:
        series: The runs' monthly series (``run_id``, ``date``, ``region`` and the outcomes),
            or None.
        dtm: :func:`malisim.data_io.read_dtm` output.
        runs: The scenario's run ids.

    Returns:
        One row per outcome, level and split (without the ``scenario`` column).
    """
    from malisim.model.outcomes import NATIONAL
    from malisim.model.space import REGIONS

    out: list[dict[str, object]] = []

    def note(outcome: str, text: str) -> None:
        out.append({"data": "dtm", "outcome": outcome, "level": "region", "note": text})

    months = np.array(sorted({int(m) for m in dtm["month"]}))
    dates = pd.DatetimeIndex(series["date"]) if series is not None else pd.DatetimeIndex([])
    sim_month = dates.year.to_numpy() * 12 + dates.month.to_numpy() - 1
    for outcome in DTM_OUTCOMES:
        if series is None or outcome not in series.columns:
            note(outcome, "needs the monthly series (keep: {series: true})")
            continue
        if dtm[outcome].isna().all():
            note(outcome, f"the DTM table has no {outcome} column")
            continue
        obs = np.full((len(REGIONS), months.size), np.nan)
        r = pd.Categorical(dtm["region"], categories=list(REGIONS)).codes
        c = np.searchsorted(months, dtm["month"].to_numpy(int))
        obs[r, c] = dtm[outcome].to_numpy(float)
        keep = np.isin(sim_month, months) & series["run_id"].isin(runs).to_numpy()
        covered = np.isin(months, sim_month[keep])
        if not covered.any():
            note(outcome, "the DTM table and the runs share no month")
            continue
        frame = series.loc[keep, ["run_id", "region", outcome]].assign(month=sim_month[keep])
        cube = frame.pivot_table(
            index=["run_id", "region"], columns="month", values=outcome
        ).reindex(columns=months)
        per_run = [cube.xs(run, level="run_id") for run in runs]
        regional = np.stack([x.reindex(list(REGIONS)).to_numpy(float) for x in per_run])
        national = np.stack([x.reindex([NATIONAL]).to_numpy(float) for x in per_run])
        whole = ~np.isnan(obs).any(axis=0)
        obs_nat = np.where(whole, obs.sum(axis=0), np.nan)[None, :]
        for level, sim, o in (("region", regional, obs), ("national", national, obs_nat)):
            table = unit_month_scores(sim[:, :, covered], o[:, covered], months[covered])
            for rec in table.to_dict("records"):
                out.append({"data": "dtm", "outcome": outcome, "level": level, **rec, "note": ""})
    return out


def score_data_files(
    results: object,
    acled: str | None = None,
    ged: str | None = None,
    dtm: str | None = None,
    scenarios: list[str] | None = None,
    families: str | None = None,
) -> pd.DataFrame:
    """Scores of the runs of a results folder against real data files, per scenario.

    Args:
        results: A results folder (path or :class:`~malisim.experiment.Results`).
        acled: An ACLED export (CSV).
        ged: A UCDP GED file (CSV, with or without header).
        dtm: An IOM DTM displacement table (CSV).
        scenarios: Scenarios to score (default: all).
        families: An actor-family table replacing the shipped one.

    Returns:
        One row per scenario, data, outcome, level and split, columns :data:`DATA_COLUMNS`.

    Raises:
        UserError: For unreadable data files (file, line and column named), or a results
            folder without the event log when ACLED or GED data are given.
    """
    from malisim.analysis.sources import load_outcomes, open_results
    from malisim.analysis.validation import scenario_periods
    from malisim.core.errors import UserError
    from malisim.data_io import (
        load_families,
        normalise_acled,
        normalise_ged,
        read_acled,
        read_dtm,
        read_ged,
    )

    res = open_results(results)  # type: ignore[arg-type]
    table = load_families(families) if families else None
    observed: dict[str, pd.DataFrame] = {}
    if acled:
        observed["acled"] = normalise_acled(read_acled(acled), table)
    if ged:
        observed["ged"] = normalise_ged(read_ged(ged), table)
    dtm_table = read_dtm(dtm) if dtm else None
    outcomes, _ = load_outcomes(res)
    names = scenarios or list(dict.fromkeys(outcomes["scenario"].astype(str)))
    if observed and "events" not in res.tables:
        raise UserError(
            "scoring against ACLED or GED data needs the runs' event log: keep it with "
            "keep: {events: true} in the experiment",
            file=str(res.path),
        )
    events = res.events if observed else None
    series = None
    if dtm_table is not None and "series" in res.tables:
        for columns in (DTM_OUTCOMES, DTM_OUTCOMES[:1]):  # folders before returnees lack it
            try:
                series = res.read("series", ["run_id", "date", "region", *columns])
                break
            except UserError:
                continue
    periods = scenario_periods(res.manifest)
    rows = []
    for s in names:
        runs = _scenario_runs(outcomes, s)
        for data, obs in observed.items():
            assert events is not None
            sim = events[events["run_id"].astype(str).isin(runs)]
            for row in score_event_data(
                sim, obs, runs, periods[s], data, DATA_OUTCOMES[data], table
            ):
                rows.append({"scenario": s, **row})
        if dtm_table is not None:
            rows += [{"scenario": s, **row} for row in score_dtm(series, dtm_table, runs)]
    return pd.DataFrame(rows, columns=list(DATA_COLUMNS))


def write_data_scores(table: pd.DataFrame, path: str | Path) -> Path:
    """Write the scores against real data as CSV, atomically.

    Raises:
        UserError: If the file cannot be written.
    """
    from malisim.core.errors import UserError
    from malisim.experiment.atomic import atomic_write_text

    out = Path(path)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out, table.to_csv(index=False))
    except OSError as err:
        raise UserError(f"cannot write the scores ({err.strerror})", file=str(out)) from None
    return out


def data_scores_text(table: pd.DataFrame) -> str:
    """The scores against real data as terminal text, one line per outcome, level and split."""
    from malisim.core.formatting import format_number

    lines = [
        "Against real data: mean CRPS per unit-month and skill = 1 - CRPS / CRPS of a naive "
        "forecast (zero, persistence, climatology; positive is better)",
        f"  {'scenario':<14} {'data':<6} {'outcome':<24} {'level':<9} {'split':<14} "
        f"{'unit-months':>11} {'observed':>9} {'simulated':>9} {'CRPS':>8} "
        f"{'skill z/p/c':>20} {'in 90%':>7}",
    ]
    for r in table.to_dict("records"):
        if r.get("note"):
            lines.append(
                f"  {r['scenario']:<14} {r['data']:<6} {r['outcome']:<24} {r['level']:<9} "
                f"{r['note']}"
            )
            continue
        skill = "/".join(
            format_number(r[f"skill_{b}"], "+.2f") for b in ("zero", "persistence", "climatology")
        )
        lines.append(
            f"  {r['scenario']:<14} {r['data']:<6} {r['outcome']:<24} {r['level']:<9} "
            f"{r['split']:<14} {int(r['unit_months']):>11} "
            f"{format_number(r['observed_total'], ',.0f'):>9} "
            f"{format_number(r['simulated_median_total'], ',.0f'):>9} "
            f"{format_number(r['crps'], '.3g'):>8} {skill:>20} "
            f"{format_number(r['in_90'], '.0%'):>7}"
        )
    return "\n".join(lines)
