"""Every figure of a results folder: differences, distributions, fan charts and maps.

:func:`iter_figures` makes them one at a time as :class:`~malisim.viz.figure.FigureSpec` objects
(for the HTML report); :func:`write_figures` saves them as PNG and SVG.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from malisim.viz.axes import description_of
from malisim.viz.differences import difference_plot
from malisim.viz.distributions import distribution_plot
from malisim.viz.fans import FAN_OUTCOMES, fan_chart
from malisim.viz.figure import FORMATS, FigureSpec, save_figure
from malisim.viz.maps import MAP_SERIES_COLUMNS, iter_maps
from malisim.viz.timeline import policy_timeline

if TYPE_CHECKING:  # pragma: no cover
    from malisim.analysis.compare import Comparison
    from malisim.experiment.results import Results


def iter_figures(
    results: Results,
    comparison: Comparison | None = None,
    *,
    fan_outcomes: Sequence[str] | None = None,
    maps: bool = True,
    fans: bool = True,
) -> Iterator[FigureSpec]:
    """Make every figure of a results folder, one at a time.

    Args:
        results: The results.
        comparison: A comparison of the results (made with the defaults if None); its baseline
            and outcomes choose what the distribution plots show.
        fan_outcomes: Monthly outcomes drawn as fan charts (default
            :data:`~malisim.viz.fans.FAN_OUTCOMES`).
        maps: Also draw the maps (if the results kept series or events).
        fans: Also draw the fan charts (:func:`iter_fan_figures`; the report may draw them in
            another process).

    Yields:
        :class:`FigureSpec` objects (in report order: differences, distributions, fan charts,
        maps).
    """
    from malisim.analysis.compare import compare

    cmp = comparison if comparison is not None else compare(results)
    scenarios, baseline = cmp.scenarios, cmp.baseline
    if len(scenarios) > 1:
        yield FigureSpec(
            "differences",
            "difference",
            f"Differences from {baseline}",
            f"Mean difference of each scenario from {baseline} (dot) with its "
            f"{cmp.level:.0%} bootstrap confidence interval (line), as a share of the "
            f"{baseline} mean.",
            difference_plot(cmp),
        )
    outcomes = results.outcomes
    for col in cmp.outcomes:
        yield FigureSpec(
            f"dist_{col}",
            "distribution",
            col,
            f"{col}: one point per run; violin: the distribution of the runs; white dot: the "
            f"median; thick line: the {cmp.interval[0]:.0%}-{cmp.interval[1]:.0%} range.",
            distribution_plot(
                outcomes, col, scenarios=scenarios, baseline=baseline, interval=cmp.interval
            ),
        )
    if "series" not in results.tables or not (fans or maps):
        return
    wanted = list(fan_outcomes or FAN_OUTCOMES)
    series = _read_series(results, [*wanted, *MAP_SERIES_COLUMNS] if maps else wanted)
    if fans:
        yield from _fans(results, series, wanted, scenarios, baseline)
    if maps:
        yield from iter_maps(results, scenarios=scenarios, baseline=baseline, series=series)


def iter_fan_figures(
    results: Results,
    scenarios: Sequence[str],
    baseline: str,
    fan_outcomes: Sequence[str] | None = None,
) -> Iterator[FigureSpec]:
    """The fan charts of :func:`iter_figures` alone, one at a time (none without series).

    Args:
        results: The results.
        scenarios: Scenarios drawn, in order.
        baseline: The baseline scenario (drawn in black).
        fan_outcomes: Monthly outcomes drawn (default :data:`~malisim.viz.fans.FAN_OUTCOMES`).
    """
    if "series" not in results.tables:
        return
    wanted = list(fan_outcomes or FAN_OUTCOMES)
    yield from _fans(results, _read_series(results, wanted), wanted, scenarios, baseline)


def fan_outcomes_drawn(results: Results, fan_outcomes: Sequence[str] | None = None) -> list[str]:
    """The outcomes :func:`iter_fan_figures` draws: those of ``fan_outcomes`` in the series."""
    if "series" not in results.tables:
        return []
    available = set(_series_columns(results))
    return [o for o in dict.fromkeys(fan_outcomes or FAN_OUTCOMES) if o in available]


def _read_series(results: Results, columns: Sequence[str]) -> Any:
    """The series table with the run keys and those of ``columns`` the results hold."""
    available = _series_columns(results)
    ids = [
        c
        for c in ("run_id", "scenario", "point_id", "replicate", "date", "region")
        if c in available
    ]
    need = [c for c in dict.fromkeys(columns) if c in available]
    return results.read("series", [*ids, *need])


def _fans(
    results: Results,
    series: Any,
    wanted: Sequence[str],
    scenarios: Sequence[str],
    baseline: str,
) -> Iterator[FigureSpec]:
    timeline = policy_timeline(results.manifest, scenarios)
    for outcome in wanted:
        if outcome not in series.columns:
            continue
        yield FigureSpec(
            f"fan_{outcome}",
            "fan",
            outcome,
            f"{description_of(outcome, outcome)} National monthly values: median of the "
            "runs (line), 50% and 90% of the runs (bands). Vertical lines: policy dates "
            "(grey dashed: in every scenario; coloured dotted: only in the scenarios named).",
            fan_chart(series, outcome, scenarios=scenarios, baseline=baseline, timeline=timeline),
        )


def _series_columns(results: Results) -> list[str]:
    import pyarrow.parquet as pq

    if results.complete:
        return list(pq.read_schema(results.store.final_path("series")).names)
    return list(results.series.columns)


def write_figures(
    results: Results,
    out_dir: str | Path,
    comparison: Comparison | None = None,
    formats: Sequence[str] = FORMATS,
    **options: Any,
) -> list[Path]:
    """Write every figure of :func:`iter_figures` as PNG and SVG in ``out_dir``.

    Returns:
        The files written.
    """
    paths: list[Path] = []
    for spec in iter_figures(results, comparison, **options):
        paths += save_figure(spec.figure, Path(out_dir) / spec.name, formats)
    return paths
