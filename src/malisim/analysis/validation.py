"""The validation table: each documented pattern against the simulated distribution of a scenario.

Pattern-oriented validation (Grimm et al. 2005, 2020): a model is judged on many documented
patterns at once, at several scales, and on the figures it was not fitted to. For each target of
the pattern set (:mod:`malisim.analysis.targets`) and each scenario of a results folder,
:func:`pattern_table` gives the simulated distribution over the scenario's runs (median and the
5-25-75-95% quantiles), whether it reproduces the documented figure, and forecast-style scores:

* ``inside`` — the median lies inside the figure's tolerance; ``share_inside`` — the share of
  runs inside it;
* ``in_50``, ``in_90`` — the documented value lies in the central 50% / 90% interval of runs;
* ``crps`` — the continuous ranked probability score of the runs (in the figure's unit);
* ``skill_persistence``, ``skill_climatology`` — ``1 - CRPS / CRPS(baseline)`` against two naive
  forecasts built from the *other* documented figures of the same observable, region and kind
  (and, for counts, over a period of the same length) (:func:`pattern_baselines`): persistence
  (the latest earlier figure, a point forecast) and climatology (every fit-period figure but this
  one, as an ensemble). Positive is better than the baseline, 0 as good, negative worse; NaN
  where no other figure exists (the note says so).

A figure whose tolerance is a bound (``at_least``, ``at_most``: "at least 900 civilians killed",
"Kidal held by the signatory groups") is judged by its tolerance only: no CRPS, interval or
skill (:data:`BOUND_UNSCORED`), and it serves as no baseline.

``status`` sorts the rows: ``miss`` (a simulated median outside the tolerance), ``not simulated``
(the model does not produce the observable), ``no value`` (the runs do not cover the period, or
the folder lacks the series or events the figure needs), ``no tolerance`` (a user's figure
without a tolerance rule: scored, never a hit), ``hit``. Out-of-sample figures (after the
fit period) are scored here and nowhere fitted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from malisim.analysis.scores import crps_ensemble
from malisim.analysis.targets import SimulatedTargets, Target

#: Quantiles of the simulated distribution shown in the table.
QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Order of the statuses in the table (misses first).
STATUS_ORDER = ("miss", "not simulated", "no value", "no tolerance", "hit")
#: Scores a bound (``at_least``/``at_most``: a documented minimum such as "at least 900 civilians
#: killed", or a fact such as "held by the signatory groups") does not get: its value is no
#: point to forecast, so it is judged by its tolerance alone.
BOUND_UNSCORED = (
    "in_50",
    "in_90",
    "crps",
    "crps_persistence",
    "crps_climatology",
    "skill_persistence",
    "skill_climatology",
)
#: Columns of :func:`pattern_table`, in order.
PATTERN_COLUMNS = (
    "scenario",
    "split",
    "status",
    "target",
    "observable",
    "region",
    "period",
    "kind",
    "unit",
    "documented",
    "tolerance",
    "runs",
    "q05",
    "q25",
    "median",
    "q75",
    "q95",
    "inside",
    "share_inside",
    "in_50",
    "in_90",
    "crps",
    "crps_persistence",
    "crps_climatology",
    "skill_persistence",
    "skill_climatology",
    "source",
    "locator",
    "note",
)


@dataclass(frozen=True)
class Baselines:
    """The naive forecasts of one documented figure, from the other figures of its kind.

    Attributes:
        persistence: The latest documented value of the same observable, region and kind whose
            period ends before this one starts (NaN if none).
        climatology: Every fit-period value of the same observable, region and kind except this
            figure (empty if none).
    """

    persistence: float
    climatology: np.ndarray


def pattern_baselines(targets: Sequence[Target]) -> dict[str, Baselines]:
    """The persistence and climatology forecasts of every target (see the module docstring).

    Args:
        targets: The pattern set.

    Returns:
        Target label -> its baselines.
    """
    out: dict[str, Baselines] = {}
    for t in targets:
        same = [
            o
            for o in targets
            if o is not t
            and (o.target, o.region, o.kind) == (t.target, t.region, t.kind)
            and not _is_bound(o)
            and (t.kind != "count" or o.end - o.start == t.end - t.start)
        ]
        earlier = [o for o in same if o.end < t.start]
        persistence = max(earlier, key=lambda o: o.end).value if earlier else float("nan")
        climatology = np.array([o.value for o in same if o.split == "fit"], dtype=float)
        out[t.name] = Baselines(persistence, climatology)
    return out


def _is_bound(t: Target) -> bool:
    """Whether a figure is a bound (``at_least``/``at_most``): a fact, not a value to forecast."""
    return t.tolerance.rule in ("at_least", "at_most")


def _skill(model: float, baseline: float) -> float:
    """``1 - model / baseline``; NaN without a baseline score or when the baseline is exact."""
    if not np.isfinite(baseline) or baseline == 0:
        return float("nan")
    return 1.0 - model / baseline


def pattern_table(
    targets: Sequence[Target],
    simulated: SimulatedTargets,
    run_scenarios: pd.Series,
    scenarios: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Every documented figure against the simulated distribution of every scenario.

    Args:
        targets: The pattern set.
        simulated: The targets' simulated values per run
            (:func:`malisim.analysis.targets.simulated_for_runs`).
        run_scenarios: Run id -> scenario name.
        scenarios: Scenarios to show, in order (default: those of ``run_scenarios``).

    Returns:
        One row per scenario and figure with the columns :data:`PATTERN_COLUMNS`, grouped by
        scenario and split (fit first), misses first within each group.
    """
    order = list(scenarios) if scenarios is not None else list(dict.fromkeys(run_scenarios))
    of_run = run_scenarios.reindex(simulated.values.index).astype(str).to_numpy()
    baselines = pattern_baselines(targets)
    rows = []
    for t in targets:
        values = simulated.values[t.name].to_numpy(float)
        base = baselines[t.name]
        crps_p = abs(base.persistence - t.value) if np.isfinite(base.persistence) else np.nan
        crps_c = (
            float(crps_ensemble(base.climatology, t.value))
            if base.climatology.size
            else float("nan")
        )
        for s in order:
            v = values[of_run == s]
            v = v[~np.isnan(v)]
            rec = _empty_row(t, s)
            rec.update(crps_persistence=crps_p, crps_climatology=crps_c)
            note = simulated.notes.get(t.name, "")
            if not t.simulated:
                rec.update(status="not simulated", note=note)
            elif v.size == 0:
                rec.update(status="no value", note=note or "no run of this scenario has a value")
            elif _is_bound(t):
                rec.update(_scores(t, v, crps_p, crps_c))
                rec.update(dict.fromkeys(BOUND_UNSCORED, np.nan))
                rec["note"] = "a bound: judged by its tolerance only (no CRPS, interval or skill)"
            else:
                rec.update(_scores(t, v, crps_p, crps_c))
                missing = []
                if not np.isfinite(crps_p):
                    missing.append("no earlier figure for persistence")
                if not np.isfinite(crps_c):
                    missing.append("no other fit-period figure for climatology")
                rec["note"] = "; ".join(missing)
            rows.append(rec)
    table = pd.DataFrame(rows, columns=list(PATTERN_COLUMNS))
    table["_s"] = table["scenario"].map({s: i for i, s in enumerate(order)})
    table["_p"] = table["split"].map({"fit": 0, "out_of_sample": 1})
    table["_st"] = table["status"].map({s: i for i, s in enumerate(STATUS_ORDER)})
    table = table.sort_values(["_s", "_p", "_st"], kind="stable")
    return table.drop(columns=["_s", "_p", "_st"]).reset_index(drop=True)


def _empty_row(t: Target, scenario: str) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(PATTERN_COLUMNS, np.nan)
    row.update(
        scenario=scenario,
        split=t.split,
        target=t.name,
        observable=t.target,
        region=t.region,
        period=t.period,
        kind=t.kind,
        unit=t.unit,
        documented=t.value,
        tolerance=t.tolerance.text,
        runs=0,
        source=t.source,
        locator=t.locator,
        note="",
    )
    return row


def _scores(t: Target, v: np.ndarray, crps_p: float, crps_c: float) -> dict[str, object]:
    """The scores of one scenario's simulated values ``v`` (no NaN) for target ``t``."""
    q05, q25, med, q75, q95 = np.quantile(v, QUANTILES)
    score = float(crps_ensemble(v, t.value))
    has_tolerance = bool(t.tolerance.rule)
    inside = bool(t.tolerance.contains(med)) if has_tolerance else None
    return {
        "runs": int(v.size),
        "q05": q05,
        "q25": q25,
        "median": med,
        "q75": q75,
        "q95": q95,
        "inside": inside,
        "share_inside": float(t.tolerance.contains(v).mean()) if has_tolerance else np.nan,
        "in_50": bool(q25 <= t.value <= q75),
        "in_90": bool(q05 <= t.value <= q95),
        "crps": score,
        "skill_persistence": _skill(score, crps_p),
        "skill_climatology": _skill(score, crps_c),
        "status": "no tolerance" if inside is None else "hit" if inside else "miss",
    }


def pattern_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Counts per scenario and split: figures, hits, misses, not simulated, coverage, skill.

    Args:
        table: A :func:`pattern_table`.

    Returns:
        One row per scenario and split.
    """
    rows = []
    for (scenario, split), g in table.groupby(["scenario", "split"], sort=False):
        scored = g[g["runs"] > 0]
        rows.append(
            {
                "scenario": scenario,
                "split": split,
                "figures": len(g),
                "hits": int((g["status"] == "hit").sum()),
                "misses": int((g["status"] == "miss").sum()),
                "not_simulated": int((g["status"] == "not simulated").sum()),
                "no_value": int((g["status"] == "no value").sum()),
                "in_50": float(scored["in_50"].astype(float).mean()) if len(scored) else np.nan,
                "in_90": float(scored["in_90"].astype(float).mean()) if len(scored) else np.nan,
                "median_skill_persistence": float(scored["skill_persistence"].median()),
                "median_skill_climatology": float(scored["skill_climatology"].median()),
            }
        )
    return pd.DataFrame(rows)


@dataclass
class Validation:
    """The validation of one results folder against the pattern set.

    Attributes:
        patterns: The :func:`pattern_table`.
        summary: The :func:`pattern_summary`.
        notes: Notes on the folder (unfinished runs, tables not kept).
    """

    patterns: pd.DataFrame
    summary: pd.DataFrame
    notes: list[str]

    def to_csv(self, path: str | Path) -> Path:
        """Write the pattern table as CSV (atomically: a reader never sees half a file).

        Raises:
            UserError: If the file cannot be written.
        """
        from malisim.core.errors import UserError
        from malisim.experiment.atomic import atomic_write_text

        out = Path(path)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write_text(out, self.patterns.to_csv(index=False))
        except OSError as err:
            raise UserError(
                f"cannot write the validation table ({err.strerror})", file=str(out)
            ) from None
        return out


def scenario_periods(manifest: dict[str, object]) -> dict[str, tuple[int, int]]:
    """Scenario name -> first and last month index of its runs, from a results manifest."""
    from malisim.core.calendar import parse_month

    experiment = manifest.get("experiment", {})
    scenarios = experiment.get("scenarios", []) if isinstance(experiment, dict) else []
    return {
        str(s["name"]): (parse_month(str(s["start"])), parse_month(str(s["end"])))
        for s in scenarios
        if isinstance(s, dict) and {"name", "start", "end"} <= set(s)
    }


def validate_results(
    results: object,
    targets: Sequence[Target] | None = None,
    scenarios: Sequence[str] | None = None,
) -> Validation:
    """Score a results folder against the pattern set (:func:`pattern_table`).

    Reads only what the figures need: the outcomes, the monthly series columns they read and,
    for observables of the event log, the events (when the experiment kept them).

    Args:
        results: A results folder (path or :class:`~malisim.experiment.Results`).
        targets: The pattern set (default: the shipped ``data/targets.csv``).
        scenarios: Scenarios to score, in order (default: all of the folder).

    Returns:
        The validation.

    Raises:
        UserError: If the folder is not a results folder, has no finished run, or a named
            scenario is not in it.
    """
    from malisim.analysis.sources import load_outcomes, open_results
    from malisim.analysis.targets import (
        EVENT_OBSERVABLES,
        load_targets,
        simulated_for_runs,
    )
    from malisim.core.errors import UserError, did_you_mean

    res = open_results(results)  # type: ignore[arg-type]
    pattern = list(targets) if targets is not None else load_targets()
    outcomes, notes = load_outcomes(res)
    present = list(dict.fromkeys(outcomes["scenario"].astype(str)))
    chosen = list(scenarios) if scenarios else present
    for s in chosen:
        if s not in present:
            raise UserError(
                f"no scenario {s!r} in this results folder",
                suggestion=did_you_mean(s, present),
                allowed=", ".join(present),
                file=str(res.path),
            )
    outcomes = outcomes[outcomes["scenario"].astype(str).isin(chosen)]
    series = _series(res, pattern)
    if series is None:
        notes.append(f"{res.path}: no monthly series kept: only yearly national counts scored")
    events = None
    if any(t.target in EVENT_OBSERVABLES for t in pattern):
        if "events" in res.tables:
            events = res.events
        else:
            notes.append(
                f"{res.path}: no event log kept: event-type and perpetrator figures "
                "are not scored (keep: {events: true})"
            )
    periods = scenario_periods(res.manifest)
    values = []
    for s in chosen:
        runs = outcomes[outcomes["scenario"].astype(str) == s]
        ids = set(runs["run_id"])
        s_series = series[series["run_id"].isin(ids)] if series is not None else None
        s_events = events[events["run_id"].isin(ids)] if events is not None else None
        found = simulated_for_runs(pattern, runs, s_series, s_events, periods.get(s))
        values.append(found)
    merged = SimulatedTargets(
        pd.concat([v.values for v in values]),
        {k: v for found in values for k, v in found.notes.items()},
    )
    run_scenarios = outcomes.set_index("run_id")["scenario"].astype(str)
    table = pattern_table(pattern, merged, run_scenarios, chosen)
    return Validation(table, pattern_summary(table), notes)


def _series(res: object, pattern: Sequence[Target]) -> pd.DataFrame | None:
    """The monthly series columns the pattern set reads, or None if the folder kept none."""
    from malisim.analysis.targets import series_columns_of

    tables = getattr(res, "tables", ())
    if "series" not in tables:
        return None
    frame = res.series  # type: ignore[attr-defined]
    keep = ["run_id", "date", "region", *sorted(series_columns_of(pattern) & set(frame.columns))]
    return frame[keep]


#: Headings of the two splits in the printed table.
SPLIT_HEADINGS = {
    "fit": "In-sample (fit period 2019-01 to 2022-12)",
    "out_of_sample": "Out-of-sample (2023 onward: scored, never fitted)",
}


def validation_text(validation: Validation, width: int = 44) -> str:
    """The validation table as terminal text: per scenario and split, misses first.

    Args:
        validation: A :func:`validate_results` result.
        width: Width of the figure column.

    Returns:
        The text (one line per figure, a heading with the counts per group).
    """
    from malisim.core.formatting import format_figure, format_number

    lines: list[str] = []
    table, summary = validation.patterns, validation.summary
    for rec in summary.to_dict("records"):
        group = table[(table["scenario"] == rec["scenario"]) & (table["split"] == rec["split"])]
        lines.append(
            f"{rec['scenario']} - {SPLIT_HEADINGS[rec['split']]}: {rec['figures']} figures, "
            f"{rec['hits']} inside their tolerance, {rec['misses']} missed, "
            f"{rec['not_simulated']} not simulated, {rec['no_value']} without a value; "
            f"documented value in the 90% range of runs: {format_number(rec['in_90'], '.0%')}"
        )
        lines.append(
            f"  {'status':<13} {'figure':<{width}} {'documented':>11} "
            f"{'simulated median [5-95%]':>30} {'tolerance':<16} {'skill p/c':>11}"
        )
        for r in group.to_dict("records"):
            kind, unit = str(r["kind"]), str(r["unit"])
            label = f"{r['observable']} {r['region']} {_compact(str(r['period']))}"
            if len(label) > width:
                label = label[: width - 1] + "~"
            if r["runs"]:
                sim = (
                    f"{format_figure(r['median'], kind, unit)} "
                    f"[{format_figure(r['q05'], kind, unit)}-"
                    f"{format_figure(r['q95'], kind, unit)}]"
                )
                skill = (
                    f"{format_number(r['skill_persistence'], '+.2f')}/"
                    f"{format_number(r['skill_climatology'], '+.2f')}"
                )
            else:
                sim, skill = str(r["note"])[:30], ""
            lines.append(
                f"  {r['status']:<13} {label:<{width}} "
                f"{format_figure(r['documented'], kind, unit):>11} {sim:>30} "
                f"{r['tolerance']!s:<16} {skill:>11}"
            )
        lines.append("")
    lines.append(
        "skill p/c: 1 - CRPS / CRPS of the persistence / climatology forecast made from the "
        "other documented figures of the same observable (positive: better than the naive "
        "forecast; - where there is none)."
    )
    lines += [f"note: {n}" for n in validation.notes]
    return "\n".join(lines)


def _compact(period: str) -> str:
    """``2021-01 to 2021-12`` -> ``2021``; other periods as they are."""
    first, _, last = period.partition(" to ")
    if last and first.endswith("-01") and last.endswith("-12") and first[:4] == last[:4]:
        return first[:4]
    return period
