"""The HTML report of a results folder: one self-contained file to send to a colleague.

:func:`write_report` writes one HTML file that opens without network (images are embedded as
base64 PNG, styles are inline, no script): what was run (from the manifest: experiment,
scenarios and their policies, replicates, seeds, versions, sessions), the comparison of every
scenario with the baseline (:func:`malisim.analysis.compare`), the documented figures of the
historical period (``data/targets.csv``) beside the simulated distributions, the differences,
distribution plots, fan charts and maps (:mod:`malisim.viz`), and notes on the methods.

Simulated values for the documented figures follow the rule of :mod:`malisim.analysis.targets`
(shared with the calibration): from the monthly series of each run over the figure's period
and region, ``count`` figures as the sum of the monthly values, ``stock`` and ``share`` figures
as the mean of the months of the period, and the ``rate`` ``gdp_growth`` as the mean GDP index
of the period over the mean of the same months a year earlier, minus one. Without series,
yearly counts and growth rates are read from the run-level outcomes (``<outcome>_<year>``,
``gdp_growth_<year>``).

The report leads with its findings: a summary in plain words (what differs between the
scenarios, with intervals, and the documented figures the model misses, misses first), then
the documented figures (one row per figure, a column per scenario, sources as bibliography
keys), the comparison, the figures and the methods; the bibliography and the provenance (what
was run) come last. It is made of: :mod:`malisim.report.documented` (the documented-figures
table), :mod:`malisim.report.findings` (the summary's sentences and the figures' rows),
:mod:`malisim.report.sections` (each section's content), :mod:`malisim.report.templates` (the
Jinja2 templates of the page, the summary, the figures and the bibliography) and
:mod:`malisim.report.html` (markup pieces and the style sheet); this module assembles them
(:func:`render_report`) and writes the file.

Usage::

    malisim report results/demo -o report.html
    from malisim.report.document import write_report
    write_report("results/demo", "report.html", baseline="historical")
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from malisim.analysis.compare import Comparison, compare
from malisim.analysis.sources import open_results
from malisim.core.errors import UserError
from malisim.core.formatting import escape
from malisim.core.version import __version__
from malisim.report import html
from malisim.report.documented import (
    documented_events_needed,
    load_targets,
    series_columns,
    target_table,
)
from malisim.report.sections import (
    bibliography_section,
    comparison_section,
    figure_sections,
    manifest_section,
    methods_section,
    summary_section,
    targets_section,
)
from malisim.report.templates import render_page

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.results import Results
    from malisim.viz.figure import FigureInfo

# load_targets and target_table were defined here before the report was split
__all__ = ["Report", "load_targets", "render_report", "target_table", "write_report"]


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


def render_report(
    results: Results,
    cmp: Comparison,
    targets: pd.DataFrame,
    figures: Sequence[tuple[FigureInfo, bytes]],
    notes: Sequence[str] = (),
) -> str:
    """The report's HTML text: the sections in :data:`SECTION_ORDER`, with a table of contents.

    The findings first (:func:`~malisim.report.sections.summary_section`), then the documented
    figures, the comparison, the figures, the sensitivity analysis (when the folder has one),
    the methods, the bibliography of the keys cited, and the provenance (what was run) last.
    """
    name = results.manifest.get("experiment_name", "experiment")
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    figure_parts, figure_toc = figure_sections(results, figures)
    from malisim.sensitivity.report import sensitivity_section

    sensitivity = sensitivity_section(results.path)
    toc = [
        ("summary", "Summary"),
        ("targets", "Documented figures and simulated values"),
        ("comparison", f"Comparison with {cmp.baseline}"),
        *figure_toc,
        *([("sensitivity", "Sensitivity")] if sensitivity else []),
        ("methods", "Notes on the methods"),
        ("bibliography", "Bibliography"),
        ("run", "Provenance: what was run"),
    ]
    intro = html.note(
        f"Written {now} by malisim {escape(__version__)}. Scenarios: "
        + ", ".join(f"<b>{escape(s)}</b>" for s in cmp.scenarios)
        + f"; baseline <b>{escape(cmp.baseline)}</b>. A tool to explore scenarios and their "
        "uncertainty, not a forecast."
    )
    parts = [summary_section(results, cmp, targets, notes)]
    parts.append(targets_section(targets, cmp.interval, cmp.scenarios))
    parts.append(comparison_section(cmp))
    parts += figure_parts
    if sensitivity:
        parts.append(f"<div id='sensitivity'>{sensitivity}</div>")
    parts.append(methods_section(cmp))
    keys = [str(k) for k in targets["source"].dropna().unique()] if len(targets) else []
    parts.append(bibliography_section(keys))
    parts.append(manifest_section(results, cmp))
    parts.append(
        html.note(
            f"Written from <code>{escape(results.path)}</code>; regenerate with "
            f"<code>malisim report {escape(results.path)} -o report.html</code>."
        )
    )
    return render_page(f"malisim report: {name}", html.CSS, intro, toc, parts)


def write_report(
    results: Results | str | Path,
    out: str | Path,
    *,
    baseline: str | None = None,
    outcomes: Iterable[str] | None = None,
    figures_dir: str | Path | None = None,
    fan_outcomes: Sequence[str] | None = None,
    maps: bool = True,
    parallel: bool | None = None,
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
            :data:`malisim.viz.fans.FAN_OUTCOMES`).
        maps: Draw the maps.
        parallel: Draw the fan charts in a second process while this one draws the other
            figures (:mod:`malisim.report.figure_worker`; the same bytes): ``None`` decides
            (two CPUs or more and enough fan charts), ``True``/``False`` force it.
        **options: Passed to :func:`malisim.analysis.compare` (``interval``, ``level``,
            ``n_boot``, ``seed``, ``correction``, ``paired``).

    Returns:
        The :class:`Report`.

    Raises:
        UserError: For a folder that is not a results folder, an unknown baseline or outcome,
            or a report that cannot be written.
    """
    from malisim.report.figure_worker import (
        FanRequest,
        FanWorker,
        fans_for_the_worker,
        worth_a_worker,
    )
    from malisim.viz.figure import figure_png, require_matplotlib
    from malisim.viz.results_figures import fan_outcomes_drawn, iter_figures

    require_matplotlib()
    res = open_results(results)
    cmp = compare(res, baseline, outcomes, **options)
    out = Path(out)
    if out.is_dir():
        raise UserError(
            "the report path is a folder; give a file name such as report.html", file=str(out)
        )
    fans = fan_outcomes_drawn(res, fan_outcomes)
    worker = None
    if worth_a_worker(len(fans), parallel):  # started first: it draws while this process works
        # the worker draws the last fan charts, this process the first (if any) after its own
        worker_fans = fans[len(fans) - fans_for_the_worker(len(fans), maps) :]
        fans = fans[: len(fans) - len(worker_fans)]
        figures_at = str(figures_dir) if figures_dir is not None else None
        worker = FanWorker(FanRequest(str(res.path), tuple(cmp.scenarios), cmp.baseline,
                                      tuple(worker_fans), figures_at))  # fmt: skip
    series = None
    if "series" in res.tables:
        wanted = series_columns()
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
    events = None
    if "events" in res.tables and documented_events_needed():
        try:
            events = res.events
        except (OSError, ValueError):
            events = None
    targets = target_table(res, cmp.scenarios, series, events)
    figures: list[tuple[FigureInfo, bytes]] = []
    written: list[Path] = []
    try:
        for spec in iter_figures(res, cmp, fan_outcomes=fans or fan_outcomes, maps=maps,
                                 fans=bool(fans)):  # fmt: skip
            stem = Path(figures_dir) / spec.name if figures_dir is not None else None
            png, paths = figure_png(spec.figure, stem)
            written += paths
            figures.append((spec.info(), png))  # the figure itself is no longer needed
        if worker is not None:  # its fan charts go after these, before the maps (report order)
            drawn = worker.result()
            at = next((i for i, (f, _) in enumerate(figures) if f.section == "map"), len(figures))
            figures[at:at] = [(d.info(), d.png) for d in drawn]
            if figures_dir is not None:
                written += [Path(p) for d in drawn for p in d.paths]
    finally:
        if worker is not None:
            worker.close()
    text = render_report(res, cmp, targets, figures, cmp.warnings)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        raise UserError(f"cannot write the report: {exc.strerror}", file=str(out)) from None
    return Report(out, cmp, targets, written, list(cmp.warnings))
