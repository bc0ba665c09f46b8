"""The panels of the page's main column: the map, the outcome charts and the replicates card.

Each is a Solara component drawing the current run of the session: the map and the charts are
SVG text from :mod:`malisim.app.render`, redrawn when the model's version changes; the
replicates card runs replicates of the current settings in a background thread
(:mod:`malisim.app.replicates`) and draws their fan charts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import solara

from malisim.app.render import (
    CHARTS,
    FAN_OUTCOMES,
    civilian_deaths_by_cell,
    displaced_by_cell,
    fan_charts,
    legend_items,
    map_svg,
    national_history,
    outcome_charts,
    totals_html,
)
from malisim.app.replicates import ReplicateResult, run_replicates
from malisim.app.session import Session
from malisim.app.svgchart import Marker
from malisim.app.texts import (
    DEATHS_LEGEND,
    DISPLACED_LEGEND,
    REPLICATES_HEADING,
    REPLICATES_INTRO,
    REPLICATES_STALE,
    ZOOM_LABEL,
    replicates_caption,
)
from malisim.core.calendar import format_month
from malisim.model import MaliModel


@solara.component
def MapPanel(model: MaliModel, version: int, show_deaths: bool, show_displaced: bool) -> None:
    """Map of control, with civilian deaths and displaced people; legend below."""

    def make() -> str:
        return map_svg(
            model.grid,
            model.control,
            date=format_month(model.month - 1 if model.month > model.start_month else model.month),
            deaths=civilian_deaths_by_cell(model) if show_deaths else None,
            displaced=displaced_by_cell(model) if show_displaced else None,
        )

    svg = solara.use_memo(make, [id(model), version, show_deaths, show_displaced])
    solara.HTML(tag="div", unsafe_innerHTML=svg, classes=["malisim-map-box"])
    legend = "".join(
        f"<span><span class='sw' style='background:{c}'></span>{lab}</span>"
        for c, lab in legend_items()
    )
    if show_deaths:
        legend += f"<span><span class='sw disc'></span>{DEATHS_LEGEND}</span>"
    if show_displaced:
        legend += f"<span><span class='sw ring'></span>{DISPLACED_LEGEND}</span>"
    solara.HTML(tag="div", unsafe_innerHTML=legend, classes=["malisim-legend"])


def _unguarded(fn: Callable[..., object], _what: str) -> Callable[..., object]:
    return fn


@solara.component
def ChartsPanel(
    model: MaliModel,
    version: int,
    markers: tuple[Marker, ...] = (),
    baseline: dict[str, Any] | None = None,
    wrap: Callable[[Callable[..., object], str], Callable[..., object]] | None = None,
) -> None:
    """The running totals and the six outcome charts of the current run.

    ``markers`` date the scenario's policies on every chart; ``baseline`` (the national series
    of the baseline run, when compared) adds its dashed lines and its totals. A range slider
    zooms the charts in on some years of the run (the totals stay those of the whole run);
    ``wrap`` guards its callback (:func:`malisim.app.guard.guarded`, as the page's others).
    """
    first_year, last_year = model.start_month // 12, model.end_month // 12
    years = solara.use_reactive((first_year, last_year))
    shown = (max(years.value[0], first_year), min(years.value[1], last_year))
    if shown[0] > shown[1]:  # a new run of other years: show all of it
        shown = (first_year, last_year)
    window = (shown[0] * 12, shown[1] * 12 + 11)

    def on_zoom(value: tuple[int, int]) -> None:
        years.set((int(value[0]), int(value[1])))

    def make() -> tuple[dict[str, str], str]:
        history = national_history(model)
        charts = outcome_charts(
            history, model.start_month, model.end_month, markers, baseline, window=window
        )
        return charts, totals_html(history, baseline)

    charts, totals = solara.use_memo(make, [id(model), version, markers, id(baseline), window])
    solara.HTML(tag="div", unsafe_innerHTML=totals, classes=["malisim-totals"])
    if last_year > first_year:
        with solara.Div(style={"max-width": "420px"}, classes=["malisim-zoom"]):
            solara.SliderRangeInt(
                label=ZOOM_LABEL,
                value=shown,
                min=first_year,
                max=last_year,
                on_value=(wrap or _unguarded)(on_zoom, "zoom the charts"),
                thumb_label="always",
            )
    # the six charts are one widget (each in its own <div class="chart-NAME">, as six widgets
    # drew them): all six change every month, and each widget on the page costs its share of
    # every step's re-render, whether it changed or not
    solara.HTML(tag="div", unsafe_innerHTML=charts_html(charts), classes=["malisim-charts"])


def charts_html(charts: dict[str, str]) -> str:
    """The charts (:data:`CHARTS` order), each in a ``<div class="chart-NAME">``."""
    return "".join(f'<div class="chart-{name}">{charts[name]}</div>' for name, _ in CHARTS)


@solara.component
def ReplicateCount(
    generation: int,
    n: solara.Reactive[int],
    running: bool,
    wrap: Callable[[Callable[..., object], str], Callable[..., object]],
) -> None:
    """The number of replicates; redrawn from ``n`` after a failed callback (``generation``)."""
    with solara.Div(style={"width": "260px"}).key(f"replicates-{generation}"):
        solara.SliderInt(
            label="Replicates",
            value=int(n.value),
            on_value=wrap(n.set, "number of replicates"),
            min=2,
            max=50,
            thumb_label=False,
            disabled=running,
        )


@solara.component
def ReplicatesPanel(
    sess: Session,
    scenario_data: dict[str, Any],
    seed: int,
    model: MaliModel,
    wrap: Callable[[Callable[..., object], str], Callable[..., object]],
    generation: int = 0,
) -> None:
    """Run N replicates of the current settings; fan charts of the distribution.

    ``wrap`` guards the callbacks (:func:`malisim.app.guard.guarded`): an error is the page's
    message; ``generation`` counts the page's failed callbacks (see :func:`ReplicateCount`).
    """
    n = solara.use_reactive(8)
    request = solara.use_reactive(0)
    progress = solara.use_reactive((0, 0))
    result = solara.use_reactive(None)
    ran_with = solara.use_reactive(None)
    running = solara.use_reactive(False)

    def work(cancel: threading.Event) -> None:
        if request.value == 0:
            return
        sess.rep_cancel.clear()
        running.set(True)
        data = dict(scenario_data)
        try:
            res = run_replicates(
                data,
                seed,
                int(n.value),
                progress=lambda done, total: progress.set((done, total)),
                cancel=sess.rep_cancel,
            )
            if res.n:
                result.set(res)
                ran_with.set((data, seed))
        finally:  # an error is the page's message (``wrap``)
            running.set(False)

    solara.use_thread(
        wrap(work, "run replicates"), dependencies=[request.value], intrusive_cancel=False
    )

    with solara.Div(classes=["malisim-card", "malisim-replicates"]):
        solara.HTML(tag="h2", unsafe_innerHTML=REPLICATES_HEADING)
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "10px"}):
            ReplicateCount(generation, n, running.value, wrap)
            solara.Button(
                f"Run {n.value} replicates",
                on_click=wrap(lambda: request.set(request.value + 1), "run replicates"),
                disabled=running.value,
                color="primary",
                classes=["malisim-run-replicates"],
            )
            if running.value:
                solara.Button(
                    "Stop",
                    on_click=wrap(sess.rep_cancel.set, "stop replicates"),
                    outlined=True,
                    classes=["malisim-stop-replicates"],
                )
            done, total = progress.value
            if total:
                solara.HTML(
                    tag="span",
                    unsafe_innerHTML=f"{done} of {total} runs done",
                    classes=["malisim-rep-progress"],
                )
        if running.value:
            done, total = progress.value
            solara.ProgressLinear(value=100.0 * done / max(total, 1))
        res: ReplicateResult | None = result.value
        if res is not None:
            if ran_with.value != (scenario_data, seed):
                solara.HTML(tag="div", unsafe_innerHTML=REPLICATES_STALE, classes=["malisim-note"])
            fans = fan_charts(res.months, res.runs, national_history(model))
            with solara.Div(classes=["malisim-fans"]):
                for name, _, _ in FAN_OUTCOMES:
                    solara.HTML(tag="div", unsafe_innerHTML=fans[name], classes=[f"fan-{name}"])
            solara.HTML(
                tag="div",
                unsafe_innerHTML=replicates_caption(res.n, seed),
                classes=["malisim-note"],
            )
        else:
            solara.HTML(tag="div", unsafe_innerHTML=REPLICATES_INTRO, classes=["malisim-note"])
