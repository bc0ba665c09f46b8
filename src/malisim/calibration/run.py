"""Running a calibration on the batch machinery and writing its outputs.

:func:`run_calibration` runs each ABC generation as an :class:`~malisim.experiment.Experiment`
whose design points are the generation's parameter draws (one replicate each, every draw with its
own seed) through :func:`~malisim.experiment.run_experiment`, into ``DIR/gen_00``,
``DIR/gen_01``, ... Each store keeps the monthly series, from which the targets' simulated values
are computed with :func:`malisim.analysis.targets.simulated_values`. The proposals of a
generation depend only on the seed and the previous generations' results, so an interrupted
calibration resumes: finished generations are read back and an unfinished store is completed.

The fitting runs end at the last month of the fitted targets, so the held-out period is never
simulated while fitting. After the last generation, ``predictive`` parameter vectors are drawn
from the weighted posterior and run over the whole scenario (``DIR/predictive``): these posterior
predictive runs give every target's simulated distribution, its interval coverage and CRPS.

Outputs in ``DIR``:

* ``particles.parquet``: every proposal of every generation (parameters, distance, tolerance,
  accepted, weight);
* ``posterior.parquet``: the posterior sample (the last population): one row per draw, one
  column per parameter, ``weight`` and ``distance``; the file an experiment's
  ``parameters: {posterior: DIR}`` reads (:mod:`malisim.experiment.posterior`), and the one
  to copy to ``src/malisim/data/posterior.parquet`` to ship it;
* ``identifiability.csv``, ``posterior_correlations.csv``, ``pattern_information.csv``:
  contraction, pairwise correlations and informing patterns per parameter
  (:mod:`malisim.calibration.identifiability`);
* ``distance_weights.csv``: each fitted pattern's family, weight and scale;
* ``posterior_summary.csv``: weighted quantiles per parameter, with the prior range;
* ``targets.csv`` and ``coverage.csv``: per-target scores, fitted and held out;
* ``report.md``: a Markdown section with the posterior and the target scores;
* ``calibrated.yaml``: the fitted scenario (also written to the calibration's
  ``fitted_scenario``): a parameter layer with the posterior medians, which scenarios extend.
  Where ``fitted_scenario`` may be written (the output folder or the scenario's folder, an
  existing file only with ``overwrite``) is checked before any model runs; see
  :mod:`malisim.calibration.fitted`.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from malisim.analysis.targets import (
    EVENT_OBSERVABLES,
    Target,
    series_columns_of,
    simulated_for_runs,
    simulated_values,
)
from malisim.calibration import identifiability
from malisim.calibration.abc import Generation, rejection, smc, weighted_quantile
from malisim.calibration.config import Calibration, Prior
from malisim.calibration.distance import (
    distance,
    family_of,
    is_bound,
    target_scales,
    target_weights,
)
from malisim.calibration.evaluate import coverage_summary, evaluate_targets, markdown_section
from malisim.calibration.fitted import (
    OUT_COPY,
    fitted_scenario_target,
    fitted_scenario_text,
    save_fitted_scenario,
    write_fitted_scenario,
)
from malisim.core.calendar import format_month
from malisim.core.errors import UserError
from malisim.core.folders import check_folder_path
from malisim.core.rng import replicate_seed
from malisim.core.version import __version__
from malisim.experiment import Experiment, load_results, run_experiment
from malisim.experiment.design import DesignPoint, RunSpec, point_id, sha256_of
from malisim.scenario import ResolvedScenario

CONFIG_FILE = "calibration.json"


class ParticleExperiment(Experiment):
    """An experiment whose design points each have their own seed.

    A batch experiment gives replicate ``k`` of every point the same seed (common random
    numbers). ABC needs independent noise per particle, so run ``(point p, replicate k)`` gets
    ``replicate_seed(seed, p, k)`` here; its fingerprint covers that seed.
    """

    def to_dict(self) -> dict[str, Any]:
        """Everything that determines the results (with the seeding rule)."""
        return {**super().to_dict(), "seeding": "per point"}

    def iter_runs(self) -> Iterator[RunSpec]:
        """Yield the runs in design order, each with its point's own seed."""
        for run in super().iter_runs():
            seed = replicate_seed(self.seed, run.point_index, run.replicate)
            fp = sha256_of({"run": run.fingerprint, "seed": seed})[:32]
            yield replace(run, seed=seed, fingerprint=fp)


@dataclass
class CalibrationResult:
    """What :func:`run_calibration` produced.

    Attributes:
        out: The output folder.
        generations: The ABC generations.
        posterior: The posterior sample (parameters and ``weight``).
        summary: Posterior summary per parameter.
        targets: Per-target scores (posterior predictive).
        coverage: Coverage by use.
        fitted: The fitted parameter values (posterior medians).
        simulations: Simulations run (calibration and predictive).
        seconds: Wall time.
    """

    out: Path
    generations: list[Generation]
    posterior: pd.DataFrame
    summary: pd.DataFrame
    targets: pd.DataFrame
    coverage: pd.DataFrame
    fitted: dict[str, float]
    simulations: int
    seconds: float


def fit_scenario(cal: Calibration) -> ResolvedScenario:
    """The scenario of the fitting runs: it ends with the last month of the fitted targets."""
    last = max(t.end for t in cal.fit_targets)
    if last >= cal.scenario.end_month:
        return cal.scenario
    return replace(cal.scenario, end=format_month(last))


def _points(theta: np.ndarray, priors: Sequence[Prior]) -> list[DesignPoint]:
    return [
        DesignPoint(
            point_id(i),
            {p.name: int(v) if p.integer else float(v) for p, v in zip(priors, row, strict=True)},
        )
        for i, row in enumerate(theta)
    ]


def target_matrix(
    series: pd.DataFrame, run_ids: Sequence[str], targets: list[Target]
) -> np.ndarray:
    """Simulated target values, one row per run id (NaN for a run without series)."""
    out = np.full((len(run_ids), len(targets)), np.nan)
    row_of = {r: i for i, r in enumerate(run_ids)}
    for run_id, frame in series.groupby("run_id", sort=False):
        i = row_of.get(str(run_id))
        if i is not None:
            values = simulated_values(frame, targets)
            out[i] = [values[t.name] for t in targets]
    return out


def simulate_points(
    name: str,
    scenario: ResolvedScenario,
    theta: np.ndarray,
    priors: Sequence[Prior],
    targets: list[Target],
    seed: int,
    out: Path,
    run_options: dict[str, Any],
) -> np.ndarray:
    """Run one simulation per parameter vector into a (resumable) store; return target values.

    Args:
        name: Experiment name.
        scenario: The scenario the parameters are applied to.
        theta: ``(n, d)`` parameter values.
        priors: The priors (parameter names, integer flags), in column order.
        targets: Targets to compute.
        seed: Root seed of the experiment.
        out: The store's folder.
        run_options: Keyword arguments of :func:`run_experiment` (executor, progress, ...).

    Returns:
        ``(n, n_targets)`` simulated values (NaN for failed runs or uncovered periods).
    """
    events = any(t.target in EVENT_OBSERVABLES for t in targets)
    exp = ParticleExperiment(
        name=name,
        scenarios=[scenario],
        points=_points(theta, priors),
        replicates=1,
        seed=seed,
        keep_series=True,
        keep_events=events,
    )
    run_experiment(exp, out, resume=True, **run_options)
    res = load_results(out)
    run_ids = [r.run_id for r in exp.runs()]
    columns = ["run_id", "date", "region", *sorted(series_columns_of(targets))]
    series = res.read("series", columns=columns)
    if not events:
        return target_matrix(series, run_ids, targets)
    # observables of the event log: counted from the kept events (months without one are 0)
    found = simulated_for_runs(
        targets,
        res.read("outcomes", columns=["run_id"]),
        series,
        res.read("events"),
        (scenario.start_month, scenario.end_month),
    )
    return found.values.reindex(pd.Index(run_ids, name="run_id")).to_numpy(float)


def _check_folder(cal: Calibration, out: Path, resume: bool) -> dict[str, Any] | None:
    """Check the output folder; return the configuration to write into a new folder, or None."""
    config = {
        "name": cal.name,
        "scenario": cal.scenario.to_dict(),
        "priors": [[p.name, p.low, p.high] for p in cal.priors],
        "targets": [[t.name, t.value, t.use] for t in cal.targets],
        "method": cal.method,
        "sizes": cal.per_generation(),
        "quantile": cal.quantile,
        "accept": cal.accept,
        "predictive": cal.predictive,
        "scales": cal.scales,
        "seed": cal.seed,
        "malisim_version": __version__,
    }
    if cal.method == "smc" and cal.kernel != "independent":  # older folders: independent
        config["kernel"] = cal.kernel
    if cal.families is not None or cal.scale_mode != "kind":
        config["distance"] = {"scale": cal.scale_mode, "families": cal.families}
    path = out / CONFIG_FILE
    if out.exists() and any(out.iterdir()):
        if not resume:
            raise UserError(
                "output folder exists and is not empty; pass --resume to continue a calibration "
                "or choose another --out (nothing was changed)",
                file=str(out),
            )
        if not path.is_file():
            raise UserError("cannot resume: not a calibration folder", file=str(out))
        old = json.loads(path.read_text())
        if old != json.loads(json.dumps(config, default=str)):
            raise UserError(
                "cannot resume: the calibration changed since this folder was started; choose "
                "another --out",
                file=str(out),
            )
        return None
    return config


def _start_folder(out: Path, config: dict[str, Any]) -> None:
    """Create a new output folder with its configuration file."""
    check_folder_path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / CONFIG_FILE).write_text(json.dumps(config, indent=1, default=str))


def posterior_summary(
    theta: np.ndarray, weight: np.ndarray, priors: Sequence[Prior]
) -> pd.DataFrame:
    """Weighted mean, sd and quantiles of each parameter, beside its prior range."""
    rows = []
    for j, p in enumerate(priors):
        x = theta[:, j]
        mean = float(weight @ x)
        q = weighted_quantile(x, weight, [0.05, 0.25, 0.5, 0.75, 0.95])
        rows.append(
            {
                "parameter": p.name,
                "prior_low": p.low,
                "prior_high": p.high,
                "mean": mean,
                "sd": float(np.sqrt(weight @ (x - mean) ** 2)),
                "q05": q[0],
                "q25": q[1],
                "median": q[2],
                "q75": q[3],
                "q95": q[4],
                "interval_90_share_of_prior": (q[4] - q[0]) / (p.high - p.low),
            }
        )
    return pd.DataFrame(rows)


def _round(value: float, integer: bool) -> float | int:
    if integer:
        return round(value)
    return float(f"{value:.4g}")


def _report(cal: Calibration, summary: pd.DataFrame, targets: pd.DataFrame, gens: list[Generation],
            n_sims: int, seconds: float) -> str:  # fmt: skip
    kernel = f" ({cal.kernel} kernel)" if cal.method == "smc" else ""
    lines = [
        f"# Calibration {cal.name!r}",
        "",
        f"ABC-{cal.method.upper()}{kernel}, {len(gens)} generation(s) of "
        f"{', '.join(str(g.theta.shape[0]) for g in gens)} simulations, then {cal.predictive} "
        f"posterior predictive runs ({n_sims} simulations, {seconds / 60:.1f} min wall time). "
        f"Scenario {cal.scenario.name} {cal.scenario.start}..{cal.scenario.end}; fitting runs end "
        f"{format_month(max(t.end for t in cal.fit_targets))}.",
        "",
        "| generation | simulations | tolerance | accepted | acceptance rate | ESS |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for g in gens:
        lines.append(
            f"| {g.index} | {g.theta.shape[0]} | {g.epsilon:.3f} | {int(g.accepted.sum())} "
            f"| {g.acceptance:.2f} | {g.ess:.0f} |"
        )
    lines += [
        "",
        "## Posterior",
        "",
        "| parameter | prior | median | 50% interval | 90% interval | 90% width / prior width |",
        "|---|---|---:|---|---|---:|",
    ]
    for _, r in summary.iterrows():
        lines.append(
            f"| {r['parameter']} | {r['prior_low']:.4g} - {r['prior_high']:.4g} "
            f"| {r['median']:.4g} | {r['q25']:.4g} - {r['q75']:.4g} | {r['q05']:.4g} - "
            f"{r['q95']:.4g} | {r['interval_90_share_of_prior']:.2f} |"
        )
    lines += ["", markdown_section(targets, "Targets: posterior predictive against documented")]
    return "\n".join(lines)


def distance_weights(cal: Calibration) -> pd.DataFrame:
    """Each fitted pattern's family, family weight, own weight, scale and how it is compared."""
    fit = cal.fit_targets
    weights = target_weights(fit, cal.families)
    scales = target_scales(fit, cal.scales, cal.scale_mode)
    return pd.DataFrame(
        {
            "target": [t.name for t in fit],
            "family": [family_of(t) for t in fit],
            "family_weight": [
                (cal.families or {}).get(family_of(t), np.nan) if cal.families else np.nan
                for t in fit
            ],
            "weight": weights / weights.sum(),
            "scale": scales,
            "residual": [
                ("bound " if is_bound(t) else "value ")
                + ("log1p" if t.kind in ("count", "stock") else "linear")
                for t in fit
            ],
        }
    )


def _distance_section(cal: Calibration, table: pd.DataFrame) -> str:
    """The report's section on the distance: scales and weights per family and pattern."""
    how = (
        "each figure counts once"
        if cal.families is None
        else "each observable family has a weight W_f (below), shared equally by its figures"
    )
    lines = [
        "## Distance",
        "",
        f"Weighted RMS of standardised residuals; scales: {cal.scale_mode} (see "
        f"malisim.calibration.distance); weights: {how}. Bounds (at_least, at_most, range) "
        "have a zero residual inside.",
        "",
        "| family | W_f | figures | share of the distance weight |",
        "|---|---:|---:|---:|",
    ]
    for family, part in table.groupby("family", sort=False):
        wf = part["family_weight"].iloc[0]
        shown = f"{wf:g}" if np.isfinite(wf) else str(len(part))
        lines.append(f"| {family} | {shown} | {len(part)} | {part['weight'].sum():.3f} |")
    lines += ["", "| pattern | residual | scale | weight |", "|---|---|---:|---:|"]
    for r in table.itertuples():
        lines.append(f"| {r.target} | {r.residual} | {r.scale:.4g} | {r.weight:.3f} |")
    if cal.unused_notes:
        lines += ["", "Fit-period figures not fitted:", ""]
        lines += [f"- {label}: {why}" for label, why in cal.unused_notes.items()]
    lines.append("")
    return "\n".join(lines)


def run_calibration(
    cal: Calibration,
    out: str | Path,
    *,
    resume: bool = False,
    executor: str | None = None,
    workers: int | None = None,
    progress: str = "log",
    write_fitted: bool = True,
    overwrite: bool = False,
    stream: TextIO | None = None,
) -> CalibrationResult:
    """Run a calibration and write its outputs (see the module docstring).

    Args:
        cal: The calibration (:func:`~malisim.calibration.config.load_calibration`).
        out: Output folder (new or empty, unless ``resume``).
        resume: Continue an interrupted calibration in ``out``.
        executor: Override the calibration file's executor kind.
        workers: Override the number of local workers.
        progress: Progress display of the batches (``auto``, ``bar``, ``log``, ``none``).
        write_fitted: Also write the fitted scenario to the calibration's ``fitted_scenario``
            (confined to ``out`` or the scenario's folder: :mod:`malisim.calibration.fitted`).
        overwrite: Replace an existing ``fitted_scenario`` file; without it an existing file
            stops the calibration before any model runs.
        stream: Where messages go (default: standard error).

    Returns:
        The result.

    Raises:
        UserError: For an output folder that cannot be used or a ``fitted_scenario`` that may
            not be written; both are checked before anything is run or written.
    """
    t0 = time.monotonic()
    stream = stream or sys.stderr
    out = Path(out)
    new_folder = _check_folder(cal, out, resume)
    target = fitted_scenario_target(cal, out, overwrite=overwrite) if write_fitted else None
    if new_folder is not None:
        _start_folder(out, new_folder)
    ex = dict(cal.executor)
    run_options: dict[str, Any] = {
        "executor": executor or ex.get("kind"),
        "workers": workers or ex.get("workers"),
        "scheduler": ex.get("scheduler"),
        "dask_local": ex.get("dask_local"),
        "progress": progress,
        "stream": stream,
    }
    fit_targets = cal.fit_targets
    scenario = fit_scenario(cal)
    rng = np.random.default_rng(np.random.SeedSequence([int(cal.seed), 1]))
    n_sims = 0
    simulated: dict[int, np.ndarray] = {}

    def simulate(theta: np.ndarray, g: int) -> np.ndarray:
        nonlocal n_sims
        print(f"calibrate: generation {g}: {theta.shape[0]} simulations", file=stream, flush=True)
        values = simulate_points(
            f"{cal.name}_gen{g:02d}",
            scenario,
            theta,
            cal.priors,
            fit_targets,
            replicate_seed(cal.seed, 2, g),
            out / f"gen_{g:02d}",
            run_options,
        )
        n_sims += theta.shape[0]
        simulated[g] = values
        return distance(values, fit_targets, cal.scales, cal.scale_mode, cal.families)

    def report(g: Generation) -> None:
        print(
            f"calibrate: generation {g.index}: tolerance {g.epsilon:.3f}, "
            f"{int(g.accepted.sum())} accepted ({g.acceptance:.0%}), ESS {g.ess:.0f}, "
            f"best distance {np.min(g.distance):.3f}",
            file=stream,
            flush=True,
        )

    if cal.method == "smc":
        gens = smc(
            cal.priors, simulate, cal.per_generation(), cal.quantile, rng, report, kernel=cal.kernel
        )
    else:
        gens = rejection(cal.priors, simulate, cal.simulations, cal.accept, rng)
        report(gens[0])
    names = [p.name for p in cal.priors]

    # all particles
    frames = []
    for g in gens:
        f = pd.DataFrame(g.theta, columns=names)
        f.insert(0, "particle", np.arange(g.theta.shape[0]))
        f.insert(0, "generation", g.index)
        f["distance"] = g.distance
        f["epsilon"] = g.epsilon
        f["accepted"] = g.accepted
        f["weight"] = g.weight
        frames.append(f)
    pd.concat(frames, ignore_index=True).to_parquet(out / "particles.parquet", index=False)
    last = gens[-1]
    theta, weight = last.theta[last.accepted], last.weight[last.accepted]
    weight = weight / weight.sum()
    posterior = pd.DataFrame(theta, columns=names)
    posterior["weight"] = weight
    posterior["distance"] = last.distance[last.accepted]
    posterior.to_parquet(out / "posterior.parquet", index=False)
    summary = posterior_summary(theta, weight, cal.priors)
    summary.to_csv(out / "posterior_summary.csv", index=False)
    spread = identifiability.contraction(theta, weight, cal.priors)
    corr = identifiability.posterior_correlations(theta, weight, cal.priors)
    corr.to_csv(out / "posterior_correlations.csv")
    info = identifiability.pattern_information(
        last.theta, simulated[last.index], cal.priors, fit_targets
    )
    info.to_csv(out / "pattern_information.csv", index=False)
    ident = identifiability.identifiability_table(spread, info)
    ident.to_csv(out / "identifiability.csv", index=False)
    weights_table = distance_weights(cal)
    weights_table.to_csv(out / "distance_weights.csv", index=False)
    fitted = {
        p.name: _round(float(m), p.integer)
        for p, m in zip(cal.priors, summary["median"], strict=True)
    }

    # posterior predictive over the whole scenario: every target, fitted and held out
    if cal.predictive > 0:
        pick = rng.choice(theta.shape[0], size=cal.predictive, p=weight)
        print(f"calibrate: posterior predictive: {cal.predictive} simulations", file=stream)
        values = simulate_points(
            f"{cal.name}_predictive",
            cal.scenario,
            theta[pick],
            cal.priors,
            cal.targets,
            replicate_seed(cal.seed, 3),
            out / "predictive",
            run_options,
        )
        n_sims += cal.predictive
    else:
        values = np.full((0, len(cal.targets)), np.nan)
    table = evaluate_targets(values, cal.targets, cal.scales, cal.scale_mode)
    table.to_csv(out / "targets.csv", index=False)
    coverage = coverage_summary(table)
    coverage.to_csv(out / "coverage.csv", index=False)
    seconds = time.monotonic() - t0
    report = _report(cal, summary, table, gens, n_sims, seconds)
    report += "\n" + _distance_section(cal, weights_table)
    report += "\n" + identifiability.markdown_section(ident, corr)
    (out / "report.md").write_text(report)
    params = {**cal.fixed_params, **fitted}
    copy = out / OUT_COPY
    write_fitted_scenario(copy, fitted_scenario_text(cal, params, copy, n_sims), overwrite=True)
    if target is not None:
        text = fitted_scenario_text(cal, params, target, n_sims)
        save_fitted_scenario(cal, target, text, overwrite=overwrite)
    return CalibrationResult(
        out, gens, posterior, summary, table, coverage, fitted, n_sims, seconds
    )
