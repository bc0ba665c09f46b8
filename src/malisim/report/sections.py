"""The sections of the report: what was run, the comparison, the documented figures, methods.

Each function returns one section's HTML fragment, made with the pieces of
:mod:`malisim.report.html` and the display rules of :mod:`malisim.core.formatting`:
:func:`manifest_section` (experiment, scenarios and their policies, seeds, versions, sessions,
from the manifest), :func:`comparison_section` (the tables of :func:`malisim.analysis.compare`),
:func:`targets_section` (the documented figures beside the simulated values,
:func:`malisim.report.documented.target_table`), :func:`figure_sections` (plots and maps of
:mod:`malisim.viz`, grouped by :data:`FIGURE_SECTIONS`) and :func:`methods_section`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pandas as pd

from malisim.analysis.columns import scalar_info
from malisim.core.formatting import (
    escape,
    format_figure,
    format_number,
    format_p,
    format_relative,
    format_value,
    format_yes_no,
)
from malisim.core.sources import reference
from malisim.report.findings import (
    difference_findings,
    figure_rows,
    hit_counts,
    miss_findings,
)
from malisim.report.html import data_link, definition_list, figure, note, table
from malisim.report.templates import render

if TYPE_CHECKING:  # pragma: no cover
    from malisim.analysis.comparison import Comparison
    from malisim.experiment.results import Results
    from malisim.viz.figure import FigureInfo

#: Sections of figures, in order: (section id of :class:`~malisim.viz.figure.FigureInfo`, title).
FIGURE_SECTIONS: tuple[tuple[str, str], ...] = (
    ("difference", "Differences from the baseline"),
    ("distribution", "Distributions of run-level outcomes"),
    ("fan", "Monthly national series"),
    ("map", "Maps"),
)


def manifest_section(results: Results, cmp: Comparison) -> str:
    """What was run: the experiment, its runs, seeds, versions and sessions, the scenarios."""
    man = results.manifest
    exp = man.get("experiment", {})
    s = results.summary
    scen = exp.get("scenarios", [])
    points = exp.get("points", [])
    versions = man.get("versions", {}) or {}
    periods = sorted({(str(x.get("start")), str(x.get("end"))) for x in scen})
    sessions = man.get("sessions", []) or []
    info = [
        ("experiment", escape(man.get("experiment_name"))),
        ("file", escape(man.get("experiment_file") or "-")),
        ("experiment hash", f"<code>{escape(man.get('experiment_hash', '-'))}</code>"),
        (
            "runs",
            escape(
                f"{s.total} planned: {s.done} done, {s.failed} failed, {s.pending} pending"
                + ("" if results.complete else " (incomplete results)")
            ),
        ),
        ("scenarios", escape(", ".join(str(x.get("name")) for x in scen))),
        (
            "design points",
            escape(
                f"{len(points)}: "
                + ", ".join(str(p.get("point_id")) for p in points[:20])
                + (" ..." if len(points) > 20 else "")
            ),
        ),
        ("replicates", escape(f"{exp.get('replicates')} per scenario and point")),
        (
            "seeds",
            escape(
                f"root seed {exp.get('seed')}; replicate k of every scenario runs with the "
                "same seed (common random numbers)"
            ),
        ),
        ("period", escape("; ".join(f"{a} to {b}" for a, b in periods))),
        ("malisim", escape(f"{man.get('malisim_version')} (git {man.get('git_commit') or '-'})")),
        ("versions", escape(", ".join(f"{k} {v}" for k, v in versions.items()))),
        ("host", escape(man.get("host", "-"))),
        (
            "created / completed",
            escape(f"{man.get('created', '-')} / {man.get('completed') or '-'}"),
        ),
        (
            "sessions",
            escape(
                "; ".join(
                    f"{x.get('session')}: {x.get('executor', '?')} x{x.get('workers', '?')}, "
                    f"{x.get('runs_finished', 0)} runs, {x.get('outcome')}"
                    for x in sessions
                )
                or "-"
            ),
        ),
    ]
    parts = ["<h2 id='run'>Provenance: What was run</h2>"]
    if exp.get("description"):
        parts.append(f"<p>{escape(exp['description'])}</p>")
    parts.append(definition_list(info))
    rows = []
    for x in scen:
        pols = x.get("policies", []) or []
        pol_text = (
            "<br>".join(
                escape(
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
                f"<b>{escape(x.get('name'))}</b>"
                + (" (baseline)" if x.get("name") == cmp.baseline else ""),
                escape(x.get("description", "")),
                escape(f"{x.get('start')} to {x.get('end')}"),
                escape(params),
                pol_text,
            ]
        )
    parts.append("<h3>Scenarios</h3>")
    parts.append(table(["scenario", "description", "period", "parameters", "policies"], rows))
    if len(points) > 1:
        prow = [
            [
                escape(p.get("point_id")),
                escape(", ".join(f"{k}={v}" for k, v in (p.get("params") or {}).items())),
            ]
            for p in points[:200]
        ]
        parts.append("<h3>Design points</h3>" + table(["point", "parameters"], prow))
    return "\n".join(parts)


def comparison_section(cmp: Comparison) -> str:
    """Per outcome a table of the scenarios' runs and their differences from the baseline."""
    lo_col, hi_col = cmp.interval_columns
    rng = f"{cmp.interval[0] * 100:g}-{cmp.interval[1] * 100:g}%"
    adj = {"holm": "Holm", "bh": "Benjamini-Hochberg", "none": "unadjusted"}[cmp.correction]
    has_points = "point_id" in cmp.summary.columns
    diffs = cmp.difference_rows()
    parts = [
        f"<h2 id='comparison'>Comparison with {escape(cmp.baseline)}</h2>",
        "<p class='note'>Per outcome: the runs of each scenario (median, mean, "
        f"{rng} range) and the difference from <b>{escape(cmp.baseline)}</b>: mean difference "
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
                escape(r["scenario"]),
                str(int(r["runs"])),
                escape(format_value(r["median"], info.kind)),
                escape(format_value(r["mean"], info.kind)),
                escape(
                    f"{format_value(r[lo_col], info.kind)} to {format_value(r[hi_col], info.kind)}"
                ),
            ]
            if r["scenario"] == cmp.baseline or key not in diffs:
                row += ["baseline" if r["scenario"] == cmp.baseline else "", "", "", "", ""]
                classes.append("base" if r["scenario"] == cmp.baseline else "")
            else:
                d = diffs[key]
                ci = (
                    f"{format_value(d['diff_mean'], info.kind, True)} "
                    f"[{format_value(d['ci_low'], info.kind, True)}, "
                    f"{format_value(d['ci_high'], info.kind, True)}]"
                    + ("" if d["paired"] else " unpaired")
                )
                p = format_p(d["p_adjusted"])
                row += [
                    escape(ci),
                    escape(format_relative(d["diff_rel"], 1)),
                    escape(format_number(d["p_higher"], ".2f")),
                    escape(format_number(d["effect_size"], "+.2f")),
                    f"<span class='sig'>{escape(p)}</span>" if d["significant"] else escape(p),
                ]
                classes.append("")
            rows.append(row)
        parts.append(f"<h3>{escape(title)} <span class='note'>({escape(info.unit)})</span></h3>")
        parts.append(
            table(
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
    csv = data_link("comparison.csv", "text/csv", cmp.table.to_csv(index=False).encode("utf-8"))
    parts.append(note(f"The whole table: {csv} (also written by <code>malisim compare</code>)."))
    return "\n".join(parts)


def targets_section(
    targets: pd.DataFrame, interval: tuple[float, float], scenarios: Sequence[str] | None = None
) -> str:
    """The documented figures (a ``target_table``): one row per figure, a column per scenario.

    Missed figures first within the in-sample and the out-of-sample figures; sources as
    bibliography keys. Below it, folded, the scores of ``malisim score`` per scenario
    (:func:`scores_table`). ``interval`` is unused: the table always shows the 5-95% range of
    runs, as ``malisim score`` does.
    """
    del interval
    order = list(scenarios) if scenarios is not None else list(dict.fromkeys(targets["scenario"]))
    rows = figure_rows(targets, order)
    splits = [(k, v) for k, v in SPLIT_HEADINGS.items() if any(r.split == k for r in rows)]
    table_html = render("figures", rows=rows, scenarios=order, splits=splits)
    scores = scores_table(targets)
    return str(table_html).replace(
        "</section>",
        "<details><summary>Scores per scenario (as <code>malisim score</code> prints them)"
        f"</summary>{scores}</details></section>",
    )


#: Headings of the in-sample and out-of-sample documented figures.
SPLIT_HEADINGS = {
    "fit": "In-sample (fit period 2019-01 to 2022-12)",
    "out_of_sample": "Out-of-sample (2023 onward)",
}


def scores_table(targets: pd.DataFrame) -> str:
    """The validation scores per scenario and figure (status, interval, skill), sources as keys.

    In-sample figures first, then out-of-sample ones; misses first within each (the order of
    :func:`malisim.analysis.validation.pattern_table`).
    """
    parts = [
        "<p class='note'><i>status</i>: whether the simulated median lies inside the figure's "
        "tolerance. <i>in 90%</i>: whether the documented value lies in the 5-95% range of the "
        "runs. <i>skill</i>: 1 - CRPS / CRPS of a naive forecast made from the other "
        "documented figures of the same observable (persistence / climatology; positive is "
        "better).</p>",
    ]
    for split, group in targets.groupby("split", sort=False):
        parts.append(f"<h4>{escape(SPLIT_HEADINGS.get(str(split), str(split)))}</h4>")
        rows = []
        classes = []
        for r in group.to_dict("records"):
            kind, unit = str(r["kind"]), str(r["unit"])
            sim = (
                f"{format_figure(r['median'], kind, unit)} "
                f"[{format_figure(r['q05'], kind, unit)} to "
                f"{format_figure(r['q95'], kind, unit)}]"
                if r["runs"]
                else f"<span class='note'>{escape(r['note'])}</span>"
            )
            skill = (
                f"{format_number(r['skill_persistence'], '+.2f')} / "
                f"{format_number(r['skill_climatology'], '+.2f')}"
                if r["runs"]
                else ""
            )
            in_90 = format_yes_no(r["in_90"]) if r["runs"] else ""
            rows.append(
                [
                    escape(r["status"]),
                    escape(r["observable"]),
                    escape(r["period"]),
                    escape(r["region"]),
                    escape(format_figure(r["documented"], kind, unit)),
                    escape(r["tolerance"]),
                    escape(r["scenario"]),
                    str(r["runs"]) if r["runs"] else "",
                    sim,
                    in_90,
                    skill,
                    f"<a href='#ref-{escape(r['source'])}'>{escape(r['source'])}</a>",
                ]
            )
            classes.append("miss" if r["status"] == "miss" else "")
        parts.append(
            table(
                [
                    "status",
                    "figure",
                    "period",
                    "region",
                    "documented",
                    "tolerance",
                    "scenario",
                    "runs",
                    "simulated median [5-95%]",
                    "in 90%",
                    "skill p / c",
                    "source",
                ],
                rows,
                numeric={4, 7, 8, 10},
                row_class=classes,
            )
        )
    return "\n".join(parts)


def methods_section(cmp: Comparison) -> str:
    """Notes on the methods: runs, pairing, intervals, effect sizes, tests, maps."""
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


def figure_sections(
    results: Results, figures: Sequence[tuple[FigureInfo, bytes]]
) -> tuple[list[str], list[tuple[str, str]]]:
    """The figures grouped in their sections, with the notes on missing maps.

    Returns:
        The HTML parts, and the (id, title) of each section that has figures (for the table of
        contents).
    """
    by_section: dict[str, list[str]] = {}
    for spec, png in figures:
        by_section.setdefault(spec.section, []).append(
            figure(spec.name, spec.title, spec.caption, png)
        )
    parts: list[str] = []
    present = [(sec, title) for sec, title in FIGURE_SECTIONS if sec in by_section]
    for sec, title in present:
        parts.append(f"<h2 id='{sec}'>{escape(title)}</h2>")
        parts += by_section[sec]
    if "map" not in by_section:
        parts.append(
            "<h2 id='map'>Maps</h2>"
            + note("No maps: the experiment kept neither series nor events.")
        )
    elif "events" not in results.tables:
        parts.append(
            note(
                "Per-cell maps need the event logs: set "
                "<code>keep: {events: true}</code> in the experiment file."
            )
        )
    return parts, present


def summary_section(
    results: Results, cmp: Comparison, targets: pd.DataFrame, notes: Sequence[str] = ()
) -> str:
    """The first section: the findings in plain words (:mod:`malisim.report.findings`)."""
    s = results.summary
    exp = results.manifest.get("experiment", {})
    runs_line = (
        f"{s.done} runs of {len(cmp.scenarios)} scenarios ({', '.join(cmp.scenarios)}), "
        f"{exp.get('replicates', '?')} replicates each; each scenario compared with "
        f"{cmp.baseline}."
    )
    counts = hit_counts(targets, cmp.scenarios)
    scored = "; ".join(f"{k}: {n} figures scored" for k, (_, n) in counts.items())
    return str(
        render(
            "summary",
            runs_line=runs_line,
            misses=miss_findings(targets, cmp.scenarios),
            hit_counts=counts,
            scored=scored,
            differences=difference_findings(cmp),
            warnings=list(notes),
        )
    )


def bibliography_section(keys: Sequence[str]) -> str:
    """The full references of the bibliography keys cited in the report, in key order."""
    refs = []
    for key in sorted(dict.fromkeys(k for k in keys if k)):
        try:
            refs.append(reference(key))
        except KeyError:
            continue
    return str(render("bibliography", references=refs))
