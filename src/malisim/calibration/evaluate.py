"""Scoring simulated distributions against documented figures, for fitted and held-out targets.

For every target, :func:`evaluate_targets` compares the distribution of its simulated value over
posterior predictive runs with the documented value: quantiles, whether the value lies in the
central 50 % and 90 % intervals, and the CRPS (in the target's unit, and standardised: computed on
the distance's scale -- log1p for counts and stocks -- divided by the target's scale, so that
targets can be averaged). A target whose period the runs do not cover is listed as *not
evaluated*, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from malisim.analysis.scores import crps_ensemble, interval_coverage
from malisim.analysis.targets import Target, reads_series
from malisim.calibration.distance import target_scales, transform
from malisim.core.calendar import format_month

NOT_EVALUATED = "not evaluated: period outside the simulated run"
#: Status of a target the calibration's runs cannot compute (event log, not simulated).
NOT_IN_SERIES = "not evaluated: needs the event log, which calibration runs do not keep"


def evaluate_targets(
    simulated: np.ndarray,
    targets: Sequence[Target],
    scales: Mapping[str, float] | None = None,
    scale_mode: str = "kind",
) -> pd.DataFrame:
    """Per-target scores of a simulated ensemble.

    Args:
        simulated: ``(n_runs, n_targets)`` simulated values (NaN where a run does not cover a
            target's period), columns in the order of ``targets``.
        targets: The targets (their ``use`` says fitted, held out or unused).
        scales: Per-target distance scale overrides.
        scale_mode: How the distance's scales are chosen (for the scaled CRPS).

    Returns:
        One row per target: label, use, observed, n, q05, q25, median, q75, q95, in_50, in_90,
        crps, crps_scaled, in_tolerance (the simulated median inside the figure's tolerance;
        empty without one), share_in_tolerance (share of runs inside it), status.
    """
    sim = np.atleast_2d(np.asarray(simulated, dtype=float))
    scale = target_scales(targets, scales, scale_mode)
    rows = []
    for j, t in enumerate(targets):
        x = sim[:, j][np.isfinite(sim[:, j])]
        row: dict[str, object] = {
            "target": t.name,
            "use": t.use or "unused",
            "kind": t.kind,
            "period": f"{format_month(t.start)}..{format_month(t.end)}",
            "observed": t.value,
            "n": int(x.size),
        }
        if x.size == 0:
            status = NOT_EVALUATED if reads_series(t) else NOT_IN_SERIES
            row.update(status=status if t.simulated else "not evaluated: not simulated")
            rows.append(row)
            continue
        q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
        row.update(
            q05=q[0],
            q25=q[1],
            median=q[2],
            q75=q[3],
            q95=q[4],
            in_50=bool(interval_coverage(x, t.value, 0.5)),
            in_90=bool(interval_coverage(x, t.value, 0.9)),
            crps=float(crps_ensemble(x, t.value)),
            in_tolerance=bool(t.tolerance.contains(q[2])) if t.tolerance.rule else None,
            share_in_tolerance=float(t.tolerance.contains(x).mean()) if t.tolerance.rule else None,
            crps_scaled=float(
                crps_ensemble(transform(x, t.kind), transform(np.array([t.value]), t.kind)[0])
            )
            / scale[j],
            status="evaluated",
        )
        rows.append(row)
    columns = [
        "target", "use", "kind", "period", "observed", "n", "q05", "q25", "median", "q75", "q95",
        "in_50", "in_90", "crps", "crps_scaled", "in_tolerance", "share_in_tolerance", "status",
    ]  # fmt: skip
    return pd.DataFrame(rows).reindex(columns=columns)


def coverage_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Coverage and mean standardised CRPS of the evaluated targets, by use."""
    rows = []
    for use in ("fit", "holdout", "unused"):
        part = table[table["use"] == use]
        if part.empty:
            continue
        ev = part[part["status"] == "evaluated"]
        rows.append(
            {
                "use": use,
                "targets": len(part),
                "evaluated": len(ev),
                "in_50": int(ev["in_50"].astype(bool).sum()),
                "in_90": int(ev["in_90"].astype(bool).sum()),
                "in_tolerance": int((ev["in_tolerance"] == True).sum()),  # noqa: E712
                "mean_crps_scaled": float(ev["crps_scaled"].mean()) if len(ev) else np.nan,
            }
        )
    return pd.DataFrame(rows)


def _fmt(value: object, kind: str) -> str:
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    v = float(value)  # type: ignore[arg-type]
    if kind in ("rate", "share", "regional_share", "share_of_total"):
        return f"{v:.3f}"
    return f"{v:,.0f}"


def markdown_section(table: pd.DataFrame, title: str = "Targets") -> str:
    """A Markdown fragment: per target the simulated distribution against the documented value.

    Args:
        table: The output of :func:`evaluate_targets`.
        title: Heading of the section.
    """
    names = {"fit": "Fitted targets (in-sample)", "holdout": "Held-out targets (out-of-sample)",
             "unused": "Targets not used"}  # fmt: skip
    lines = [f"## {title}", ""]
    for use, heading in names.items():
        part = table[table["use"] == use]
        if part.empty:
            continue
        lines += [
            f"### {heading}",
            "",
            "| target | documented | simulated median | 50% interval | 90% interval | in 50% "
            "| in 90% | CRPS | CRPS (scaled) |",
            "|---|---:|---:|---|---|:-:|:-:|---:|---:|",
        ]
        for _, r in part.iterrows():
            k = str(r["kind"])
            if r["status"] != "evaluated":
                lines.append(
                    f"| {r['target']} | {_fmt(r['observed'], k)} | {r['status']} | | | | | | |"
                )
                continue
            lines.append(
                f"| {r['target']} | {_fmt(r['observed'], k)} | {_fmt(r['median'], k)} "
                f"| {_fmt(r['q25'], k)} - {_fmt(r['q75'], k)} "
                f"| {_fmt(r['q05'], k)} - {_fmt(r['q95'], k)} "
                f"| {'yes' if r['in_50'] else 'no'} | {'yes' if r['in_90'] else 'no'} "
                f"| {_fmt(r['crps'], k)} | {float(r['crps_scaled']):.2f} |"
            )
        lines.append("")
    summary = coverage_summary(table)
    lines += [
        "### Coverage",
        "",
        "| use | targets | evaluated | in 50% | in 90% | mean scaled CRPS |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for _, s in summary.iterrows():
        lines.append(
            f"| {s['use']} | {s['targets']} | {s['evaluated']} | {s['in_50']} | {s['in_90']} "
            f"| {s['mean_crps_scaled']:.2f} |"
        )
    lines.append("")
    return "\n".join(lines)
