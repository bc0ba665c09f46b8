"""Sensitivity indices from a results store: SALib's Morris and Sobol estimators, tables, plots.

:func:`morris_indices` and :func:`sobol_indices` wrap :func:`SALib.analyze.morris.analyze` and
:func:`SALib.analyze.sobol.analyze` (bootstrap confidence intervals) for several outcomes at once
and return long tables (one row per outcome and parameter, ranked within each outcome).
:func:`analyse_results` reads a results store written by
:func:`~malisim.sensitivity.design.run_sensitivity`: the design points in sample order with the
values actually run, and each point's outcomes averaged over its replicates.

Morris: ``mu_star`` is the mean absolute elementary effect, in the outcome's unit per move of
``delta = levels / (2 (levels - 1))`` of the parameter's range (2/3 of it with 4 levels);
``sigma`` is their standard deviation (non-linearity or interactions). ``noise_mu_star`` is the
``mu_star`` that run-to-run noise alone would give a parameter without effect, estimated from the
spread of the replicates (an upper bound under common random numbers): effects near it are not
distinguishable from noise. Sobol: ``S1`` is the share of the outcome's variance due to the
parameter alone, ``ST`` including its interactions.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from malisim.core.errors import UserError, did_you_mean
from malisim.sensitivity.figures import close_figure, pyplot
from malisim.sensitivity.spec import read_spec, salib_problem

MORRIS_COLUMNS = ("outcome", "parameter", "rank", "mu", "mu_star", "mu_star_conf", "sigma")
SOBOL_COLUMNS = ("outcome", "parameter", "rank", "S1", "S1_conf", "ST", "ST_conf")


def _rank(frame: pd.DataFrame, by: str) -> pd.DataFrame:
    frame = frame.sort_values(["outcome", by], ascending=[True, False], kind="stable")
    frame["rank"] = frame.groupby("outcome", sort=False).cumcount() + 1
    return frame


def morris_indices(
    problem: Mapping[str, Any],
    x: np.ndarray,
    y: Mapping[str, np.ndarray] | pd.DataFrame,
    *,
    levels: int = 4,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 1,
) -> pd.DataFrame:
    """Morris elementary-effect indices of several outcomes.

    Args:
        problem: SALib problem.
        x: The Morris sample (rows in trajectory order).
        y: Outcome name -> values, one per row of ``x``.
        levels: Grid levels of the sample.
        bootstrap: Resamples of the confidence interval of ``mu_star``.
        confidence: Confidence level.
        seed: Seed of the bootstrap.

    Returns:
        Columns :data:`MORRIS_COLUMNS`, ranked by ``mu_star`` within each outcome (in the
        outcomes' order).
    """
    from SALib.analyze import morris

    frames = []
    order = list(y)
    for name in order:
        values = np.asarray(y[name], dtype=float)
        si = morris.analyze(
            dict(problem),
            np.asarray(x, dtype=float),
            values,
            num_resamples=max(int(bootstrap), 1),
            conf_level=confidence,
            num_levels=int(levels),
            seed=int(seed),
        )
        frames.append(
            pd.DataFrame(
                {
                    "outcome": name,
                    "parameter": list(problem["names"]),
                    "mu": np.asarray(si["mu"], dtype=float),
                    "mu_star": np.asarray(si["mu_star"], dtype=float),
                    "mu_star_conf": np.asarray(si["mu_star_conf"], dtype=float),
                    "sigma": np.asarray(si["sigma"], dtype=float),
                }
            )
        )
    table = _rank(pd.concat(frames, ignore_index=True), "mu_star")
    table["outcome"] = pd.Categorical(table["outcome"], categories=order, ordered=True)
    table = table.sort_values(["outcome", "rank"], kind="stable")
    table["outcome"] = table["outcome"].astype(str)
    return table[list(MORRIS_COLUMNS)].reset_index(drop=True)


def sobol_indices(
    problem: Mapping[str, Any],
    y: Mapping[str, np.ndarray] | pd.DataFrame,
    *,
    bootstrap: int = 1000,
    confidence: float = 0.95,
    seed: int = 1,
) -> pd.DataFrame:
    """First-order and total Sobol indices (Saltelli sample without second order).

    Args:
        problem: SALib problem.
        y: Outcome name -> values, one per row of the Saltelli sample.
        bootstrap: Resamples of the confidence intervals.
        confidence: Confidence level.
        seed: Seed of the bootstrap.

    Returns:
        Columns :data:`SOBOL_COLUMNS`, ranked by ``ST`` within each outcome.
    """
    import warnings

    from SALib.analyze import sobol

    frames = []
    order = list(y)
    for name in order:
        values = np.asarray(y[name], dtype=float)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            si = sobol.analyze(
                dict(problem),
                values,
                calc_second_order=False,
                num_resamples=max(int(bootstrap), 1),
                conf_level=confidence,
                seed=int(seed),
            )
        frames.append(
            pd.DataFrame(
                {
                    "outcome": name,
                    "parameter": list(problem["names"]),
                    "S1": np.asarray(si["S1"], dtype=float),
                    "S1_conf": np.asarray(si["S1_conf"], dtype=float),
                    "ST": np.asarray(si["ST"], dtype=float),
                    "ST_conf": np.asarray(si["ST_conf"], dtype=float),
                }
            )
        )
    table = _rank(pd.concat(frames, ignore_index=True), "ST")
    table["outcome"] = pd.Categorical(table["outcome"], categories=order, ordered=True)
    table = table.sort_values(["outcome", "rank"], kind="stable")
    table["outcome"] = table["outcome"].astype(str)
    return table[list(SOBOL_COLUMNS)].reset_index(drop=True)


def check_outcomes(names: Sequence[str], available: Sequence[str], file: str | None = None) -> None:
    """Raise a clear error for outcome names that are not columns of the results.

    Raises:
        UserError: ``outcome not in the results`` with a suggestion.
    """
    for name in names:
        if name not in available:
            bare = [c for c in available if str(c).startswith(f"{name}_")]
            raise UserError(
                f"outcome {name!r} is not in the results",
                file=file,
                key="--outcome",
                allowed="run-level outcomes such as civilian_fatalities_total, idps_end",
                suggestion=bare[0] if len(bare) == 1 else did_you_mean(name, available),
            )


@dataclass
class SensitivityResult:
    """The indices of an analysis.

    Attributes:
        method: ``"morris"`` or ``"sobol"``.
        table: The indices (see :func:`morris_indices`, :func:`sobol_indices`).
        spec: The analysis' settings.
        n_points: Design points.
        n_runs: Runs analysed.
        noise: Outcome -> ``noise_mu_star`` (Morris with replicates) or within-point SD.
        warnings: Outcomes left out and why.
        files: Files written by :meth:`write`.
    """

    method: str
    table: pd.DataFrame
    spec: dict[str, Any]
    n_points: int
    n_runs: int
    noise: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def outcomes(self) -> list[str]:
        """The outcomes analysed, in order."""
        return list(dict.fromkeys(self.table["outcome"]))

    def top(self, outcome: str, k: int = 3) -> pd.DataFrame:
        """The ``k`` most influential parameters of an outcome."""
        rows = self.table[self.table["outcome"] == outcome]
        return rows.nsmallest(k, "rank")

    def format(self, top: int = 5) -> str:
        """A readable summary: the most influential parameters of each outcome."""
        lines = [
            f"{self.method.capitalize()} sensitivity of {self.spec.get('scenario')} "
            f"({len(self.spec.get('parameters', {}))} parameters, {self.n_points} design "
            f"points, {self.n_runs} runs)"
        ]
        for outcome in self.outcomes:
            rows = self.top(outcome, top)
            lines.append(f"\n{outcome}:")
            if self.method == "morris":
                noise = self.noise.get(outcome)
                lines.append(
                    f"  {'rank':>4}  {'parameter':<30} {'mu*':>12} {'+/-':>10} {'sigma':>12}"
                )
                for r in rows.itertuples():
                    flag = " (within noise)" if noise is not None and r.mu_star <= noise else ""
                    lines.append(
                        f"  {r.rank:>4}  {r.parameter:<30} {_g(r.mu_star):>12} "
                        f"{_g(r.mu_star_conf):>10} {_g(r.sigma):>12}{flag}"
                    )
                if noise is not None:
                    lines.append(f"  noise level of mu*: {_g(noise)}")
            else:
                lines.append(
                    f"  {'rank':>4}  {'parameter':<30} {'ST':>7} {'+/-':>6} {'S1':>7} {'+/-':>6}"
                )
                for r in rows.itertuples():
                    lines.append(
                        f"  {r.rank:>4}  {r.parameter:<30} {r.ST:>7.3f} {r.ST_conf:>6.3f} "
                        f"{r.S1:>7.3f} {r.S1_conf:>6.3f}"
                    )
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def write(self, folder: str | Path) -> list[Path]:
        """Write ``indices.csv``, ``indices.parquet`` and one plot per outcome (PNG) to folder."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        table = self.table.copy()
        if self.method == "morris" and self.noise:
            table["noise_mu_star"] = table["outcome"].map(self.noise)
        files = [folder / "indices.csv", folder / "indices.parquet"]
        table.to_csv(files[0], index=False)
        table.to_parquet(files[1], index=False)
        plot = plot_morris if self.method == "morris" else plot_sobol
        for outcome in self.outcomes:
            fig = plot(self.table, outcome, noise=self.noise.get(outcome))
            path = folder / f"{self.method}_{outcome}.png"
            fig.savefig(path, dpi=110)
            close_figure(fig)
            files.append(path)
        fig = plot_overview(self.table, self.method)
        files.append(folder / f"{self.method}_overview.png")
        fig.savefig(files[-1], dpi=110)
        close_figure(fig)
        self.files = files
        return files


def _g(value: float) -> str:
    if not math.isfinite(value):
        return "nan"
    return f"{value:.3g}" if abs(value) < 1e4 else f"{value:,.0f}"


def plot_morris(table: pd.DataFrame, outcome: str, noise: float | None = None) -> Any:
    """Morris mu*-sigma plot of one outcome (labelled points, noise level shaded).

    Args:
        table: Morris indices.
        outcome: The outcome.
        noise: ``noise_mu_star`` of the outcome, if known.

    Returns:
        A matplotlib figure.
    """
    plt = pyplot()
    rows = table[table["outcome"] == outcome].sort_values("rank")
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.6), gridspec_kw={"width_ratios": [1, 1]})
    ax.errorbar(
        rows["mu_star"],
        rows["sigma"],
        xerr=rows["mu_star_conf"],
        fmt="o",
        color="#1f4e79",
        ecolor="#9db4cc",
        capsize=2,
    )
    for r in rows.itertuples():
        ax.annotate(
            r.parameter, (r.mu_star, r.sigma), fontsize=7, xytext=(3, 3), textcoords="offset points"
        )
    top = float(np.nanmax(np.r_[rows["mu_star"] + rows["mu_star_conf"], 0.0])) or 1.0
    ax.plot([0, top], [0, top], ls=":", color="grey", lw=0.8, label="sigma = mu*")
    if noise is not None and math.isfinite(noise):
        ax.axvspan(0, noise, color="#eeeeee", zorder=0, label="within run-to-run noise")
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma")
    ax.set_xlim(left=0)
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title(f"{outcome}: mu*-sigma", fontsize=10)
    y = np.arange(len(rows))[::-1]
    bx.barh(
        y, rows["mu_star"], xerr=rows["mu_star_conf"], color="#1f4e79", ecolor="#555555", capsize=2
    )
    if noise is not None and math.isfinite(noise):
        bx.axvline(noise, color="#c0392b", ls="--", lw=0.8, label="noise level")
        bx.legend(fontsize=7, loc="lower right")
    bx.set_yticks(y, rows["parameter"], fontsize=8)
    bx.set_xlabel("mu* with bootstrap interval")
    bx.set_title("ranked", fontsize=10)
    fig.tight_layout()
    return fig


def plot_sobol(table: pd.DataFrame, outcome: str, noise: float | None = None) -> Any:
    """Sobol S1 and ST bars with their intervals for one outcome, ranked by ST.

    Args:
        table: Sobol indices.
        outcome: The outcome.
        noise: Unused (same signature as :func:`plot_morris`).

    Returns:
        A matplotlib figure.
    """
    plt = pyplot()
    rows = table[table["outcome"] == outcome].sort_values("rank")
    fig, ax = plt.subplots(figsize=(7.5, 0.35 * len(rows) + 1.6))
    y = np.arange(len(rows))[::-1]
    ax.barh(
        y + 0.2,
        rows["ST"],
        height=0.4,
        xerr=rows["ST_conf"],
        color="#1f4e79",
        ecolor="#555555",
        capsize=2,
        label="ST (total)",
    )
    ax.barh(
        y - 0.2,
        rows["S1"],
        height=0.4,
        xerr=rows["S1_conf"],
        color="#9db4cc",
        ecolor="#555555",
        capsize=2,
        label="S1 (first order)",
    )
    ax.set_yticks(y, rows["parameter"], fontsize=8)
    ax.axvline(0, color="black", lw=0.6)
    ax.set_xlabel("share of variance (bootstrap intervals)")
    ax.set_title(f"{outcome}: Sobol indices", fontsize=10)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig


def plot_overview(table: pd.DataFrame, method: str) -> Any:
    """Heat map of the indices (parameters x outcomes), normalised per outcome for Morris."""
    plt = pyplot()
    key = "mu_star" if method == "morris" else "ST"
    wide = table.pivot(index="parameter", columns="outcome", values=key)
    wide = wide[list(dict.fromkeys(table["outcome"]))]
    if method == "morris":
        wide = wide / wide.max(axis=0).replace(0.0, np.nan)
    wide = wide.loc[wide.mean(axis=1).sort_values(ascending=False).index]
    fig, ax = plt.subplots(figsize=(1.3 * wide.shape[1] + 4.5, 0.33 * wide.shape[0] + 1.8))
    im = ax.imshow(wide.to_numpy(dtype=float), cmap="Blues", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(wide.shape[1]), wide.columns, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(wide.shape[0]), wide.index, fontsize=8)
    for (i, j), v in np.ndenumerate(wide.to_numpy(dtype=float)):
        if math.isfinite(v):
            ax.text(
                j,
                i,
                f"{v:.2f}",
                ha="center",
                va="center",
                fontsize=7,
                color="white" if v > 0.6 else "black",
            )
    label = "mu* / max mu* (per outcome)" if method == "morris" else "ST"
    fig.colorbar(im, ax=ax, label=label, fraction=0.05)
    ax.set_title(f"Which assumptions matter ({method})", fontsize=10)
    fig.tight_layout()
    return fig


def _noise_mu_star(
    outcomes: pd.DataFrame, names: Sequence[str], replicates: int, levels: int
) -> dict[str, float]:
    """mu* that run-to-run noise alone gives: E|N(0, 2 s^2 / R)| / delta per outcome."""
    if replicates < 2:
        return {}
    delta = levels / (2.0 * (levels - 1))
    sd = outcomes.groupby("point_id")[list(names)].std(ddof=1)
    pooled = np.sqrt((sd**2).mean(axis=0))
    scale = math.sqrt(2.0 / math.pi) * math.sqrt(2.0 / replicates) / delta
    return {name: float(pooled[name] * scale) for name in names}


def analyse_results(
    results_dir: str | Path,
    outcomes: Sequence[str] | None = None,
    *,
    bootstrap: int | None = None,
    seed: int | None = None,
) -> SensitivityResult:
    """Compute the indices of a sensitivity analysis from its results store.

    Args:
        results_dir: The folder written by :func:`~malisim.sensitivity.design.run_sensitivity`.
        outcomes: Outcomes to analyse (default: those of the analysis).
        bootstrap: Bootstrap resamples (default: the analysis').
        seed: Seed of the bootstrap (default: the analysis').

    Returns:
        The indices.

    Raises:
        UserError: If the folder is not a sensitivity analysis, a design point has no done run,
            or an outcome is not in the results.
    """
    from malisim.experiment import load_results

    spec = read_spec(results_dir)
    res = load_results(results_dir)
    names = list(spec["parameters"])
    problem = salib_problem({k: tuple(v) for k, v in spec["parameters"].items()})
    design = res.design.drop_duplicates("point_id")
    missing = [c for c in names if c not in design.columns]
    if missing:
        raise UserError(
            f"the design of the results does not vary {', '.join(missing)}", file=str(results_dir)
        )
    x = design[names].to_numpy(dtype=float)
    table = res.outcomes
    wanted = list(outcomes) if outcomes else list(spec["outcomes"])
    check_outcomes(wanted, list(table.columns), file=str(results_dir))
    means = table.groupby("point_id")[wanted].mean().reindex(design["point_id"])
    absent = int(means.isna().all(axis=1).sum())
    if absent:
        raise UserError(
            f"{absent} of {len(design)} design points have no finished run; complete the batch "
            "(malisim sensitivity FILE --out DIR --resume, or --retry-failed) before analysing",
            file=str(results_dir),
        )
    warnings: list[str] = []
    y: dict[str, np.ndarray] = {}
    for name in wanted:
        values = means[name].to_numpy(dtype=float)
        if not np.all(np.isfinite(values)):
            warnings.append(f"{name} left out: missing or infinite values in some runs")
        elif np.ptp(values) == 0.0:
            warnings.append(f"{name} left out: the same value in every run")
        else:
            y[name] = values
    if not y:
        raise UserError("no outcome to analyse: " + "; ".join(warnings), file=str(results_dir))
    kwargs = {
        "bootstrap": spec.get("bootstrap", 1000) if bootstrap is None else bootstrap,
        "confidence": spec.get("confidence", 0.95),
        "seed": spec.get("seed", 1) if seed is None else seed,
    }
    replicates = int(spec.get("replicates", 1))
    if spec["method"] == "morris":
        levels = int(spec.get("levels", 4))
        indices = morris_indices(problem, x, y, levels=levels, **kwargs)
        noise = _noise_mu_star(table, list(y), replicates, levels)
    else:
        indices = sobol_indices(problem, y, **kwargs)
        noise = {}
    return SensitivityResult(
        method=spec["method"],
        table=indices,
        spec=spec,
        n_points=len(design),
        n_runs=len(table),
        noise=noise,
        warnings=warnings,
    )
