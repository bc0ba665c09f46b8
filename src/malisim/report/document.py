"""The HTML report of a results folder: one self-contained file to send to a colleague.

:func:`write_report` writes one HTML file that opens without network (images are embedded as
base64 PNG, styles are inline, no script): what was run (from the manifest: experiment,
scenarios and their policies, replicates, seeds, versions, sessions), the comparison of every
scenario with the baseline (:func:`malisim.analysis.compare`), the documented figures of the
historical period (``data/targets.csv``) beside the simulated distributions, the differences,
distribution plots, fan charts and maps (:mod:`malisim.viz`), and notes on the methods.

Simulated values for the documented figures are computed from the monthly series of each run
over the figure's period and region: ``count`` figures as the sum of the monthly values,
``stock`` and ``share`` figures as the mean of the months of the period, and the ``rate``
``gdp_growth`` as the mean GDP index of the period over the mean of the same number of months
just before, minus one (yearly growth of yearly means). Without series, yearly counts and growth
rates are read from the run-level outcomes (``<outcome>_<year>``, ``gdp_growth_<year>``).

Usage::

    malisim report results/demo -o report.html
    from malisim.report.document import write_report
    write_report("results/demo", "report.html", baseline="historical")
"""

from __future__ import annotations

import base64
import datetime
import html
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from malisim.analysis.columns import scalar_info
from malisim.analysis.compare import Comparison, compare
from malisim.core.formatting import format_p, format_value
from malisim.core.errors import UserError
from malisim.core.version import __version__
from malisim.model.outcomes import NATIONAL, OUTCOMES
from malisim.model.space import REGIONS

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.results import Results
    from malisim.viz.plots import FigureSpec

#: Series column of each documented target (when the names differ).
TARGET_COLUMNS: dict[str, str] = {"gdp_growth": "gdp_index"}
_UNITS = {o.name: o.unit for o in OUTCOMES}
_SECTIONS: tuple[tuple[str, str], ...] = (
    ("difference", "Differences from the baseline"),
    ("distribution", "Distributions of run-level outcomes"),
    ("fan", "Monthly national series"),
    ("map", "Maps"),
)


@dataclass
class Report:
    """What :func:`write_report` wrote.

    Attributes:
        path: The HTML file.
        comparison: The comparison shown.
        targets: The documented figures beside the simulated ones.
        figures: Figure files written (with ``figures_dir``).
        warnings: Things the reader should know (also in the report).
    """

    path: Path
    comparison: Comparison
    targets: pd.DataFrame
    figures: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# documented figures


def load_targets() -> pd.DataFrame:
    """The documented figures shipped with the package (``malisim/data/targets.csv``)."""
    with resources.files("malisim").joinpath("data/targets.csv").open(encoding="utf-8") as fh:
        return pd.read_csv(fh, dtype={"period_start": str, "period_end": str})


def _months(start: str, end: str) -> pd.DatetimeIndex:
    return pd.date_range(f"{start}-01", f"{end}-01", freq="MS")


def _per_run_target(
    row: Any, series: pd.DataFrame | None, outcomes: pd.DataFrame
) -> tuple[pd.Series | None, str]:
    """Per-run simulated values of one documented figure (indexed by run_id), or a note."""
    target, kind = str(row.target), str(row.kind)
    column = TARGET_COLUMNS.get(target, target)
    region = NATIONAL if str(row.region) == "national" else str(row.region)
    if region != NATIONAL and region not in REGIONS:
        return None, f"unknown region {region!r}"
    months = _months(row.period_start, row.period_end)
    before = months - pd.DateOffset(months=len(months)) if kind == "rate" else months[:0]
    if series is not None and column in series.columns:
        rows = series[series["region"] == region]
        simulated = pd.DatetimeIndex(rows["date"].unique())
        needed = months.union(before)
        if not needed.isin(simulated).all():
            first, last = simulated.min(), simulated.max()
            return None, (
                f"outside the simulated period ({first:%Y-%m} to {last:%Y-%m})"
                if len(simulated)
                else "no series rows for this region"
            )
        dates = pd.DatetimeIndex(rows["date"])
        period = rows[dates.isin(months)].groupby("run_id", sort=False)[column]
        if kind == "count":
            return period.sum(), ""
        if kind in ("stock", "share"):
            return period.mean(), ""
        if kind == "rate":
            prior = rows[dates.isin(before)].groupby("run_id", sort=False)[column].mean()
            return period.mean() / prior - 1.0, ""
        return None, f"unknown kind {kind!r}"
    # no series: yearly outcomes of the run-level table
    whole_year = (
        len(months) == 12 and months[0].month == 1 and region == NATIONAL and kind != "stock"
    )
    if whole_year:
        name = (
            f"gdp_growth_{months[0].year}"
            if target == "gdp_growth"
            else (f"{target}_{months[0].year}" if kind == "count" else "")
        )
        if name and name in outcomes.columns:
            return outcomes.set_index("run_id")[name], ""
    if series is None:
        return None, "needs the monthly series (keep: {series: true} in the experiment)"
    return None, f"no simulated outcome {column!r}"


def target_table(
    results: Results,
    scenarios: Sequence[str],
    series: pd.DataFrame | None = None,
    interval: tuple[float, float] = (0.05, 0.95),
) -> pd.DataFrame:
    """The documented figures beside the simulated distributions, per scenario.

    Returns:
        One row per documented figure and scenario: ``target``, ``period``, ``region``,
        ``kind``, ``unit``, ``documented``, ``source``, ``scenario``, ``runs``, ``median``,
        ``low``, ``high`` (the interval's quantiles), ``share_below`` (share of runs below the
        documented value) and ``note`` (why a figure has no simulated value).
    """
    targets = load_targets()
    outcomes = results.outcomes
    scen_of = outcomes.set_index("run_id")["scenario"].astype(str)
    rows = []
    for t in targets.itertuples(index=False):
        values, note = _per_run_target(t, series, outcomes)
        base = {
            "target": t.target,
            "period": t.period_start
            if t.period_start == t.period_end
            else f"{t.period_start} to {t.period_end}",
            "region": t.region,
            "kind": t.kind,
            "unit": t.unit,
            "documented": float(t.value),
            "source": t.source,
        }
        for s in scenarios:
            rec = dict(
                base,
                scenario=s,
                runs=0,
                median=np.nan,
                low=np.nan,
                high=np.nan,
                share_below=np.nan,
                note=note,
            )
            if values is not None:
                v = values[scen_of.reindex(values.index).to_numpy() == s].to_numpy(float)
                v = v[~np.isnan(v)]
                if v.size:
                    lo, med, hi = np.quantile(v, [interval[0], 0.5, interval[1]])
                    rec.update(
                        runs=int(v.size),
                        median=med,
                        low=lo,
                        high=hi,
                        share_below=float(np.mean(v < float(t.value))),
                    )
                else:
                    rec["note"] = "no runs"
            rows.append(rec)
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# HTML


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
  margin:0 auto;max-width:1150px;padding:1.5em 2em 4em;color:#222;line-height:1.45}
h1{font-size:1.7em;margin-bottom:.2em}h2{margin-top:2.2em;border-bottom:1px solid #ccc;
  padding-bottom:.2em}h3{margin-top:1.6em;font-size:1.05em}
table{border-collapse:collapse;margin:.6em 0 1.2em;font-size:.86em}
th,td{padding:.28em .6em;border-bottom:1px solid #e3e3e3;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.base td{background:#fafafa;font-weight:600}
.note{color:#555;font-size:.9em}.warn{background:#fff6e0;border-left:4px solid #e69f00;
  padding:.5em 1em;margin:1em 0}.sig{font-weight:700}
figure{margin:1.2em 0 2em}figure img{max-width:100%;height:auto;border:1px solid #eee}
figcaption{color:#555;font-size:.88em;margin-top:.3em}
code{background:#f4f4f4;padding:0 .25em;border-radius:3px}
nav ul{columns:2}dl{display:grid;grid-template-columns:max-content auto;gap:.15em 1em}
dt{font-weight:600}dd{margin:0}
"""


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _table(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    numeric: set[int] = frozenset(),
    row_class: Sequence[str] | None = None,
) -> str:
    out = ["<table><thead><tr>", *(f"<th>{_e(h)}</th>" for h in header), "</tr></thead><tbody>"]
    for i, row in enumerate(rows):
        cls = f' class="{row_class[i]}"' if row_class and row_class[i] else ""
        cells = "".join(
            f'<td class="n">{c}</td>' if j in numeric else f"<td>{c}</td>"
            for j, c in enumerate(row)
        )
        out.append(f"<tr{cls}>{cells}</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _manifest_section(results: Results, cmp: Comparison) -> str:
    man = results.manifest
    exp = man.get("experiment", {})
    s = results.summary
    scen = exp.get("scenarios", [])
    points = exp.get("points", [])
    versions = man.get("versions", {}) or {}
    periods = sorted({(str(x.get("start")), str(x.get("end"))) for x in scen})
    sessions = man.get("sessions", []) or []
    info = [
        ("experiment", _e(man.get("experiment_name"))),
        ("file", _e(man.get("experiment_file") or "-")),
        ("experiment hash", f"<code>{_e(man.get('experiment_hash', '-'))}</code>"),
        (
            "runs",
            _e(
                f"{s.total} planned: {s.done} done, {s.failed} failed, {s.pending} pending"
                + ("" if results.complete else " (incomplete results)")
            ),
        ),
        ("scenarios", _e(", ".join(str(x.get("name")) for x in scen))),
        (
            "design points",
            _e(
                f"{len(points)}: "
                + ", ".join(str(p.get("point_id")) for p in points[:20])
                + (" ..." if len(points) > 20 else "")
            ),
        ),
        ("replicates", _e(f"{exp.get('replicates')} per scenario and point")),
        (
            "seeds",
            _e(
                f"root seed {exp.get('seed')}; replicate k of every scenario runs with the "
                "same seed (common random numbers)"
            ),
        ),
        ("period", _e("; ".join(f"{a} to {b}" for a, b in periods))),
        ("malisim", _e(f"{man.get('malisim_version')} (git {man.get('git_commit') or '-'})")),
        ("versions", _e(", ".join(f"{k} {v}" for k, v in versions.items()))),
        ("host", _e(man.get("host", "-"))),
        ("created / completed", _e(f"{man.get('created', '-')} / {man.get('completed') or '-'}")),
        (
            "sessions",
            _e(
                "; ".join(
                    f"{x.get('session')}: {x.get('executor', '?')} x{x.get('workers', '?')}, "
                    f"{x.get('runs_finished', 0)} runs, {x.get('outcome')}"
                    for x in sessions
                )
                or "-"
            ),
        ),
    ]
    parts = ["<h2 id='run'>What was run</h2>"]
    if exp.get("description"):
        parts.append(f"<p>{_e(exp['description'])}</p>")
    parts.append("<dl>" + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in info) + "</dl>")
    rows = []
    for x in scen:
        pols = x.get("policies", []) or []
        pol_text = (
            "<br>".join(
                _e(
                    f"{p.get('type')}"
                    + "".join(
                        f" {k}={p[k]}"
                        for k in (
                            "announcement",
                            "start",
                            "drawdown_start",
                            "end",
                            "drawdown_end",
                            "donor",
                            "parameter",
                        )
                        if p.get(k) is not None
                    )
                    + (" (triggered)" if p.get("trigger") else "")
                )
                for p in pols
            )
            or "none"
        )
        params = ", ".join(f"{k}={v}" for k, v in (x.get("params") or {}).items()) or "defaults"
        rows.append(
            [
                f"<b>{_e(x.get('name'))}</b>"
                + (" (baseline)" if x.get("name") == cmp.baseline else ""),
                _e(x.get("description", "")),
                _e(f"{x.get('start')} to {x.get('end')}"),
                _e(params),
                pol_text,
            ]
        )
    parts.append("<h3>Scenarios</h3>")
    parts.append(_table(["scenario", "description", "period", "parameters", "policies"], rows))
    if len(points) > 1:
        prow = [
            [
                _e(p.get("point_id")),
                _e(", ".join(f"{k}={v}" for k, v in (p.get("params") or {}).items())),
            ]
            for p in points[:200]
        ]
        parts.append("<h3>Design points</h3>" + _table(["point", "parameters"], prow))
    return "\n".join(parts)


def _comparison_section(cmp: Comparison) -> str:
    lo_col, hi_col = cmp.interval_columns
    rng = f"{cmp.interval[0] * 100:g}-{cmp.interval[1] * 100:g}%"
    adj = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "unadjusted"}[cmp.correction]
    has_points = "point_id" in cmp.summary.columns
    keys = ["outcome", "point_id", "scenario"] if has_points else ["outcome", "scenario"]
    diffs = cmp.differences.set_index(keys)
    parts = [
        f"<h2 id='comparison'>Comparison with {_e(cmp.baseline)}</h2>",
        "<p class='note'>Per outcome: the runs of each scenario (median, mean, "
        f"{rng} range) and the difference from <b>{_e(cmp.baseline)}</b>: mean difference "
        f"with its {cmp.level:.0%} bootstrap confidence interval ({cmp.n_boot} resamples), "
        "relative to the baseline mean, the probability that the scenario's run is higher, "
        "the standardised effect size (paired: d<sub>z</sub>; unpaired: Hedges' g) and the "
        f"p-value of a Wilcoxon signed-rank (paired) or Mann-Whitney U (unpaired) test, {adj}-"
        f"adjusted over the {len(cmp.differences)} comparisons (bold: below {cmp.alpha:g}). "
        "Shares and rates: differences in percentage points (pt).</p>",
    ]
    groups = cmp.summary.groupby(["outcome", "point_id"] if has_points else ["outcome"], sort=False)
    for gkey, block in groups:
        outcome = gkey[0] if isinstance(gkey, tuple) else gkey
        info = scalar_info(outcome)
        title = f"{outcome}" + (f" (point {gkey[1]})" if has_points else "")
        rows, classes = [], []
        for r in block.to_dict("records"):
            key = (outcome, gkey[1], r["scenario"]) if has_points else (outcome, r["scenario"])
            row = [
                _e(r["scenario"]),
                str(int(r["runs"])),
                _e(format_value(r["median"], info.kind)),
                _e(format_value(r["mean"], info.kind)),
                _e(f"{format_value(r[lo_col], info.kind)} to {format_value(r[hi_col], info.kind)}"),
            ]
            if r["scenario"] == cmp.baseline or key not in diffs.index:
                row += ["baseline" if r["scenario"] == cmp.baseline else "", "", "", "", ""]
                classes.append("base" if r["scenario"] == cmp.baseline else "")
            else:
                d = diffs.loc[key]
                ci = (
                    f"{format_value(d['diff_mean'], info.kind, True)} "
                    f"[{format_value(d['ci_low'], info.kind, True)}, "
                    f"{format_value(d['ci_high'], info.kind, True)}]"
                    + ("" if d["paired"] else " unpaired")
                )
                p = format_p(d["p_adjusted"])
                row += [
                    _e(ci),
                    "-" if not np.isfinite(d["diff_rel"]) else _e(f"{d['diff_rel']:+.1%}"),
                    _e(f"{d['p_higher']:.2f}"),
                    "-" if np.isnan(d["effect_size"]) else _e(f"{d['effect_size']:+.2f}"),
                    f"<span class='sig'>{_e(p)}</span>" if d["significant"] else _e(p),
                ]
                classes.append("")
            rows.append(row)
        parts.append(f"<h3>{_e(title)} <span class='note'>({_e(info.unit)})</span></h3>")
        parts.append(
            _table(
                [
                    "scenario",
                    "runs",
                    "median",
                    "mean",
                    rng,
                    f"difference [{cmp.level:.0%} CI]",
                    "relative",
                    "P(higher)",
                    "effect",
                    "p (adj.)",
                ],
                rows,
                numeric={1, 2, 3, 4, 5, 6, 7, 8, 9},
                row_class=classes,
            )
        )
    csv = base64.b64encode(cmp.table.to_csv(index=False).encode("utf-8")).decode("ascii")
    parts.append(
        f"<p class='note'>The whole table: <a download='comparison.csv' "
        f"href='data:text/csv;base64,{csv}'>comparison.csv</a> (also written by "
        "<code>malisim compare</code>).</p>"
    )
    return "\n".join(parts)


def _target_value(value: float, unit: str, kind: str) -> str:
    if np.isnan(value):
        return "-"
    if unit == "fraction" or kind in ("rate", "share"):
        return f"{value:.1%}"
    return f"{value:,.0f}"


def _targets_section(targets: pd.DataFrame, interval: tuple[float, float]) -> str:
    rng = f"{interval[0] * 100:g}-{interval[1] * 100:g}%"
    parts = [
        "<h2 id='targets'>Documented figures and simulated values</h2>",
        "<p class='note'>Figures documented for the historical period (shipped as "
        "<code>malisim/data/targets.csv</code>, each with its source) beside the simulated "
        "values of each scenario over the same period and region: counts are sums of the "
        "monthly values, stocks and shares means of the months, GDP growth the mean index of "
        "the period over the mean of the months just before. Counterfactual scenarios are "
        "expected to differ from the record; the historical timeline is the one to read "
        "against it. <i>runs below</i>: share of the runs under the documented value (near 0 "
        "or 1: the record lies outside most runs).</p>",
    ]
    rows = []
    for r in targets.to_dict("records"):
        sim = (
            f"{_target_value(r['median'], r['unit'], r['kind'])} "
            f"[{_target_value(r['low'], r['unit'], r['kind'])} to "
            f"{_target_value(r['high'], r['unit'], r['kind'])}]"
            if r["runs"]
            else f"<span class='note'>{_e(r['note'])}</span>"
        )
        rows.append(
            [
                _e(r["target"]),
                _e(r["period"]),
                _e(r["region"]),
                _e(r["kind"]),
                _e(_target_value(r["documented"], r["unit"], r["kind"])),
                _e(r["scenario"]),
                str(r["runs"]) if r["runs"] else "",
                sim,
                "" if np.isnan(r["share_below"]) else f"{r['share_below']:.0%}",
                f"<span class='note'>{_e(r['source'])}</span>",
            ]
        )
    parts.append(
        _table(
            [
                "figure",
                "period",
                "region",
                "kind",
                "documented",
                "scenario",
                "runs",
                f"simulated median [{rng}]",
                "runs below",
                "source",
            ],
            rows,
            numeric={4, 6, 7, 8},
        )
    )
    return "\n".join(parts)


def _figure_html(spec: FigureSpec, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (
        f"<figure id='fig-{_e(spec.name)}'><img alt='{_e(spec.title)}' "
        f"src='data:image/png;base64,{data}'><figcaption><b>{_e(spec.title)}.</b> "
        f"{_e(spec.caption)}</figcaption></figure>"
    )


def _methods_section(cmp: Comparison) -> str:
    correction = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "no"}[cmp.correction]
    return (
        "<h2 id='methods'>Notes on the methods</h2><ul>"
        "<li>Each run is one stochastic realisation of the model under a scenario; the spread "
        "of the runs is the model's uncertainty under that scenario, not a forecast "
        "interval.</li>"
        "<li><b>Paired differences.</b> Replicate k of every scenario uses the same seed "
        "(common random numbers), so the difference between replicate k of a scenario and of "
        "the baseline removes the seed-to-seed variation they share. Runs from different "
        "results folders, or whose seeds differ, are compared unpaired.</li>"
        f"<li><b>Confidence interval.</b> Percentile bootstrap of the mean difference "
        f"({cmp.n_boot} resamples, fixed seed {cmp.seed}: the report is reproducible).</li>"
        "<li><b>P(higher).</b> Paired: the share of pairs where the scenario's run is higher "
        "(ties count one half); unpaired: P(X &gt; Y) + P(X = Y)/2.</li>"
        "<li><b>Effect size.</b> Paired: d<sub>z</sub> = mean difference / standard deviation "
        "of the differences; unpaired: Hedges' g.</li>"
        "<li><b>Tests.</b> Wilcoxon signed-rank on the paired differences, Mann-Whitney U "
        f"when unpaired, two-sided; p-values adjusted with the "
        f"{correction} "
        "correction over every comparison of the report. With many replicates tiny "
        "differences become significant: read the size of the difference first.</li>"
        "<li><b>Maps.</b> Control and fatalities by region come from the regional series; "
        "fatalities by cell from the event logs (when kept). Difference maps show the median "
        "over pairs of runs of the scenario minus the baseline.</li>"
        "</ul>"
    )


def render_report(
    results: Results,
    cmp: Comparison,
    targets: pd.DataFrame,
    figures: Sequence[tuple[FigureSpec, bytes]],
    notes: Sequence[str] = (),
) -> str:
    """The report's HTML text."""
    name = results.manifest.get("experiment_name", "experiment")
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    by_section: dict[str, list[str]] = {}
    for spec, png in figures:
        by_section.setdefault(spec.section, []).append(_figure_html(spec, png))
    toc = [
        ("run", "What was run"),
        ("comparison", f"Comparison with {cmp.baseline}"),
        ("targets", "Documented figures and simulated values"),
    ]
    toc += [(sec, title) for sec, title in _SECTIONS if sec in by_section]
    toc.append(("methods", "Notes on the methods"))
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>malisim report: {_e(name)}</title><style>{_CSS}</style></head><body>",
        f"<h1>malisim report: {_e(name)}</h1>",
        f"<p class='note'>Written {now} by malisim {_e(__version__)} from "
        f"<code>{_e(results.path)}</code>. Scenarios: "
        + ", ".join(f"<b>{_e(s)}</b>" for s in cmp.scenarios)
        + f"; baseline <b>{_e(cmp.baseline)}</b>. A tool to explore scenarios and their "
        "uncertainty, not a forecast.</p>",
        "<nav><ul>"
        + "".join(f"<li><a href='#{k}'>{_e(t)}</a></li>" for k, t in toc)
        + "</ul></nav>",
    ]
    if notes:
        parts.append(
            "<div class='warn'><b>Read with care:</b><ul>"
            + "".join(f"<li>{_e(n)}</li>" for n in notes)
            + "</ul></div>"
        )
    parts.append(_manifest_section(results, cmp))
    parts.append(_comparison_section(cmp))
    parts.append(_targets_section(targets, cmp.interval))
    for sec, title in _SECTIONS:
        if sec in by_section:
            parts.append(f"<h2 id='{sec}'>{_e(title)}</h2>")
            parts += by_section[sec]
    if "map" not in by_section:
        parts.append(
            "<h2 id='map'>Maps</h2><p class='note'>No maps: the experiment kept "
            "neither series nor events.</p>"
        )
    elif "events" not in results.tables:
        parts.append(
            "<p class='note'>Per-cell maps need the event logs: set "
            "<code>keep: {events: true}</code> in the experiment file.</p>"
        )
    from malisim.sensitivity.report import sensitivity_section

    sensitivity = sensitivity_section(results.path)
    if sensitivity:
        parts.append(sensitivity)
    parts.append(_methods_section(cmp))
    parts.append(
        f"<p class='note'>Regenerate with <code>malisim report {_e(results.path)} -o "
        "report.html</code>.</p></body></html>"
    )
    return "\n".join(parts)


def write_report(
    results: Results | str | Path,
    out: str | Path,
    *,
    baseline: str | None = None,
    outcomes: Iterable[str] | None = None,
    figures_dir: str | Path | None = None,
    fan_outcomes: Sequence[str] | None = None,
    maps: bool = True,
    **options: Any,
) -> Report:
    """Write the HTML report of a results folder.

    Args:
        results: The results folder (path or :class:`~malisim.experiment.Results`).
        out: The HTML file to write (its folder is created).
        baseline: Baseline scenario (default: the first one).
        outcomes: Run-level outcomes compared (default: the main ones).
        figures_dir: Also write every figure there as PNG and SVG.
        fan_outcomes: Monthly outcomes drawn as fan charts (default
            :data:`malisim.viz.plots.FAN_OUTCOMES`).
        maps: Draw the maps.
        **options: Passed to :func:`malisim.analysis.compare` (``interval``, ``level``,
            ``n_boot``, ``seed``, ``correction``, ``paired``).

    Returns:
        The :class:`Report`.

    Raises:
        UserError: For a folder that is not a results folder, an unknown baseline or outcome,
            or a report that cannot be written.
    """
    from malisim.analysis.compare import open_results
    from malisim.viz.plots import figure_bytes, iter_figures, require_matplotlib, save_figure

    require_matplotlib()
    res = open_results(results)
    cmp = compare(res, baseline, outcomes, **options)
    out = Path(out)
    if out.is_dir():
        raise UserError(
            "the report path is a folder; give a file name such as report.html", file=str(out)
        )
    series = None
    if "series" in res.tables:
        wanted = {TARGET_COLUMNS.get(t, t) for t in load_targets()["target"]}
        cols = ["run_id", "scenario", "date", "region"]
        try:
            import pyarrow.parquet as pq

            names = (
                set(pq.read_schema(res.store.final_path("series")).names)
                if res.complete
                else set(res.series.columns)
            )
            series = res.read("series", cols + sorted(wanted & names))
        except (OSError, ValueError):
            series = res.series
    targets = target_table(res, cmp.scenarios, series, cmp.interval)
    figures: list[tuple[FigureSpec, bytes]] = []
    written: list[Path] = []
    for spec in iter_figures(res, cmp, fan_outcomes=fan_outcomes, maps=maps):
        if figures_dir is not None:
            paths = save_figure(spec.figure, Path(figures_dir) / spec.name)
            written += paths
            png = next(p for p in paths if p.suffix == ".png").read_bytes()
        else:
            png = figure_bytes(spec.figure)
        figures.append((spec, png))
    text = render_report(res, cmp, targets, figures, cmp.warnings)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"cannot write the report: {exc.strerror}", file=str(out)) from None
    return Report(out, cmp, targets, written, list(cmp.warnings))
