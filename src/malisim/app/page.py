"""The Solara page: levers on the left; the map, the charts and the replicates on the right.

Start it with ``malisim ui`` (or ``python -m malisim.cli ui``). Each browser session has its own
model (:class:`~malisim.app.session.Session`). Changing a lever, the seed or the scenario re-runs
the new settings, in a background thread, up to the month reached, so the map and the curves show
the effect at once; Reset goes back to the first month.

This module holds the page itself: its state (the settings, what is playing, the model's
version), the threads that re-run and play (:mod:`malisim.app.run_loop`), and the layout. Its
parts live beside it: the levers in :mod:`malisim.app.lever_panel`, the map, charts and
replicates in :mod:`malisim.app.panels`, the texts in :mod:`malisim.app.texts` and the
stylesheet in :mod:`malisim.app.style`.
"""

from __future__ import annotations

import base64
import os
import threading
from collections.abc import Callable
from typing import Any

import solara

from malisim.app import run_loop
from malisim.app.download_widget import RunDownload, payload
from malisim.app.guard import describe, guarded
from malisim.app.lever_panel import LeverPanel, ParametersPanel
from malisim.app.panels import ChartsPanel, MapPanel, ReplicatesPanel
from malisim.app.render import policy_markers, run_csv, run_parquet
from malisim.app.run_loop import SPEEDS
from malisim.app.session import Session, check_seed
from malisim.app.settings import (
    CALIBRATED_POINT,
    SCENARIO_ENV,
    Levers,
    levers_from_scenario,
    month_options,
    scenario_dict,
    scenario_yaml,
)
from malisim.app.style import CSS
from malisim.app.texts import (
    COMPARE_LABEL,
    COMPARE_TOOLTIP,
    DISMISS_LABEL,
    EXPORT_CSV_LABEL,
    EXPORT_PARQUET_LABEL,
    EXPORT_TOOLTIP,
    HEADING,
    HOVER_HINT,
    PAGE_TITLE,
    SAVE_LABEL,
    SEED_TOOLTIP,
    SUBHEADING,
    TAB_INFO,
    TAB_MODEL,
    UPLOAD_LABEL,
    UPLOAD_TOOLTIP,
    description_html,
    escape_text,
    info_html,
    message_html,
    month_count,
    month_label,
    other_policies,
    other_policies_html,
)
from malisim.app.upload_widget import ScenarioUpload
from malisim.core.errors import UserError
from malisim.model import MaliModel
from malisim.scenario import ResolvedScenario

__all__ = ["SCENARIO_ENV", "Page"]

#: The Info tab's text (fixed: built once).
INFO_HTML = info_html()

#: Makes a guarded callback: ``wrap(fn, what)`` (see :func:`malisim.app.guard.guarded`).
Wrap = Callable[[Callable[..., object], str], Callable[..., object]]


def _download_link(text: str, filename: str, label: str, classes: list[str]) -> None:
    """A link that downloads ``text`` as a file (a data: URL; no server round trip).

    ``label`` is plain text (escaped); ``filename`` goes into an attribute, set as data.
    """
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    solara.HTML(
        tag="a",
        unsafe_innerHTML=escape_text(label),
        attributes={
            "href": f"data:application/x-yaml;charset=utf-8;base64,{data}",
            "download": filename,
            "role": "button",
        },
        classes=classes,
    )


def _header() -> None:
    """The page's heading and the line beside it."""
    with solara.Div(classes=["malisim-header"]):
        # the page's own texts, escaped like every other text given to unsafe_innerHTML
        solara.HTML(tag="h1", unsafe_innerHTML=escape_text(HEADING))
        solara.HTML(tag="span", unsafe_innerHTML=escape_text(SUBHEADING), classes=["sub"])


def _message(text: str, dismiss: Callable[[], None]) -> None:
    """The page's message (an error in plain words), with a button that clears it."""
    with solara.Div(classes=["malisim-message"], attributes={"role": "alert"}):
        solara.HTML(tag="span", unsafe_innerHTML=message_html(text), classes=["text"])
        solara.Button(DISMISS_LABEL, on_click=dismiss, text=True, classes=["malisim-dismiss"])


@solara.component
def SideColumn(
    sess: Session,
    base: ResolvedScenario,
    name: solara.Reactive[str],
    seed: solara.Reactive[int],
    levers: solara.Reactive[Levers],
    wrap: Wrap,
    on_scenario: Callable[[str], None],
    on_upload: Callable[[dict], None],
    scenario_text: str,
    generation: int,
) -> None:
    """The scenario picker and its description, the seed, the levers and the save link.

    ``generation`` counts the failed callbacks: a new one redraws the controls from the state.
    """

    def on_seed(value: int | None) -> None:
        try:
            seed.set(check_seed(value))
        except UserError as err:
            err.message += f"; the run keeps seed {seed.value}"
            raise

    with solara.Div(classes=["malisim-side"]).key(f"side-{generation}"):
        solara.Select(
            label="Scenario",
            value=name.value,
            values=list(sess.scenarios),
            on_value=wrap(on_scenario, "pick a scenario"),
            classes=["malisim-scenario"],
        )
        ScenarioUpload.element(
            label=UPLOAD_LABEL,
            tooltip=UPLOAD_TOOLTIP,
            on_upload=wrap(on_upload, "open a scenario file"),
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=description_html(base.description),
            classes=["malisim-note", "malisim-description"],
        )
        with solara.Div(attributes={"title": SEED_TOOLTIP}):
            solara.InputInt(
                label="Seed",
                value=int(seed.value),
                on_value=wrap(on_seed, "seed"),
                classes=["malisim-seed"],
            )
        ParametersPanel(levers, base, wrap)
        LeverPanel(levers, month_options(base), wrap)
        others = other_policies(base)
        if others:
            solara.HTML(tag="div", unsafe_innerHTML=other_policies_html(others))
        _download_link(scenario_text, f"{base.name}_custom.yaml", SAVE_LABEL, ["malisim-save"])
        which = levers.value.parameters
        # the run's export names the posterior draw it ran with (the saved file holds its values)
        drawn = "" if which == CALIBRATED_POINT else f"_posterior_{which}"
        RunExport(sess, f"{base.name}_run_seed{int(seed.value)}{drawn}", wrap)


@solara.component
def RunExport(sess: Session, stem: str, wrap: Wrap) -> None:
    """The downloads of the run's monthly series (CSV, Parquet), made when pressed."""
    files = solara.use_reactive({})

    def make(kind: str, fn: Callable[[MaliModel], bytes]) -> Callable[..., object]:
        def on_request(_stamp: float) -> None:
            files.set({**files.value, kind: payload(fn(sess.model))})

        return wrap(on_request, f"export the run as {kind}")

    with solara.Div(classes=["malisim-export"]):
        for kind, label, mime, fn in (
            ("csv", EXPORT_CSV_LABEL, "text/csv", run_csv),
            ("parquet", EXPORT_PARQUET_LABEL, "application/vnd.apache.parquet", run_parquet),
        ):
            RunDownload.element(
                label=label,
                tooltip=EXPORT_TOOLTIP,
                filename=f"{stem}.{kind}",
                mime=mime,
                payload=files.value.get(kind, {}),
                on_request=make(kind, fn),
            )


@solara.component
def RunControls(
    generation: int,
    version: int,
    model: MaliModel,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    rebuilding: bool,
    wrap: Wrap,
    do_step: Callable[[int], None],
    do_reset: Callable[[], None],
) -> None:
    """Step, play, pause and reset; the speed; the date and the month count.

    ``generation`` counts the failed callbacks: a new one redraws the controls from the state;
    ``version`` counts the model's changes (the date and month count follow it).
    """
    del version
    with solara.Div(classes=["malisim-controls"]).key(f"controls-{generation}"):
        solara.Button(
            "Step 1 month",
            on_click=wrap(lambda: do_step(1), "step 1 month"),
            disabled=playing.value or not model.running,
            classes=["malisim-step"],
        )
        solara.Button(
            "Step 1 year",
            on_click=wrap(lambda: do_step(12), "step 1 year"),
            disabled=playing.value or not model.running,
            classes=["malisim-step-year"],
        )
        if playing.value:
            solara.Button(
                "Pause",
                on_click=wrap(lambda: playing.set(False), "pause"),
                classes=["malisim-pause"],
            )
        else:
            solara.Button(
                "Play",
                on_click=wrap(lambda: playing.set(True), "play"),
                disabled=not model.running,
                color="primary",
                classes=["malisim-play"],
            )
        solara.Button(
            "Reset", on_click=wrap(do_reset, "reset"), outlined=True, classes=["malisim-reset"]
        )
        solara.ToggleButtonsSingle(
            value=speed.value,
            values=list(SPEEDS),
            on_value=wrap(speed.set, "speed"),
            dense=True,
            classes=["malisim-speed"],
        )
        solara.HTML(tag="span", unsafe_innerHTML=month_label(model), classes=["malisim-date"])
        solara.HTML(
            tag="span",
            unsafe_innerHTML=month_count(model, rebuilding),
            classes=["malisim-month-count"],
        )


@solara.component
def MapColumn(
    generation: int,
    model: MaliModel,
    version: int,
    show_deaths: solara.Reactive[bool],
    show_displaced: solara.Reactive[bool],
    compare: solara.Reactive[bool],
    wrap: Wrap,
) -> None:
    """The map with its overlay switches and the charts' "compare with the baseline" switch.

    ``generation``: as for :func:`RunControls`.
    """
    with solara.Div(classes=["malisim-map-col"]).key(f"map-{generation}"):
        with solara.Row(style={"gap": "12px", "flex-wrap": "wrap"}):
            solara.Switch(
                label="civilians killed",
                value=show_deaths.value,
                on_value=wrap(show_deaths.set, "show civilians killed"),
                color="primary",
                classes=["malisim-toggle-deaths"],
            )
            solara.Switch(
                label="displaced people",
                value=show_displaced.value,
                on_value=wrap(show_displaced.set, "show displaced people"),
                color="primary",
                classes=["malisim-toggle-displaced"],
            )
            with solara.Div(attributes={"title": COMPARE_TOOLTIP}):
                solara.Switch(
                    label=COMPARE_LABEL,
                    value=compare.value,
                    on_value=wrap(compare.set, "compare with the baseline"),
                    color="primary",
                    classes=["malisim-compare"],
                )
        MapPanel(model, version, show_deaths.value, show_displaced.value)


@solara.component
def SafeArea(children: list | None = None) -> None:
    """Its children, or a message if drawing them failed (a render error is no traceback)."""
    exc, clear = solara.use_exception()
    if exc is not None:
        _message(describe(exc), clear)
    else:
        solara.Div(children=list(children or []))


@solara.component
def RunArea(
    sess: Session,
    version: solara.Reactive[int],
    generation: int,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    rebuilding: bool,
    error: solara.Reactive[str],
    show_deaths: solara.Reactive[bool],
    show_displaced: solara.Reactive[bool],
    compare: solara.Reactive[bool],
    wrap: Wrap,
    do_step: Callable[[int], None],
    do_reset: Callable[[], None],
    scenario_data: dict[str, Any],
    seed: int,
) -> None:
    """The run: its controls, the map, the charts and the replicates card.

    It alone reads ``version`` (the count of the model's changes), so a step redraws the run,
    not the levers and the rest of the page (a step's page work is the run's widgets only).
    ``generation``: as for :func:`RunControls`.
    """
    with sess.lock:
        model = sess.model
        scenario_now = sess.scenario
    markers = solara.use_memo(lambda: policy_markers(scenario_now), [id(scenario_now)])

    def baseline_run() -> dict | None:
        return sess.baseline_history() if compare.value else None

    baseline = solara.use_memo(
        wrap(baseline_run, "run the baseline"), [compare.value, version.value, id(model)]
    )
    RunControls(
        generation, version.value, model, playing, speed, rebuilding, wrap, do_step, do_reset
    )
    if error.value:
        _message(error.value, wrap(lambda: error.set(""), "dismiss"))
    with SafeArea():
        with solara.Div(classes=["malisim-panels"]):
            MapColumn(generation, model, version.value, show_deaths, show_displaced, compare, wrap)
            with solara.Div(classes=["malisim-charts-col"]):
                ChartsPanel(model, version.value, markers, baseline, wrap)
        ReplicatesPanel(sess, scenario_data, seed, model, wrap, generation)


@solara.component
def Page() -> None:
    """The page."""
    initial_file = os.environ.get(SCENARIO_ENV) or None
    sess: Session = solara.use_memo(lambda: Session(initial_file), [])
    # the session ends with the page (closed tab, or culled after --session-timeout): free its
    # model at once (Mesa would otherwise keep it alive for the life of the server)
    solara.use_effect(lambda: sess.close, [])
    name = solara.use_reactive(sess.initial)
    seed = solara.use_reactive(1)
    levers = solara.use_reactive(sess.initial_levers)
    version = solara.use_reactive(0)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive("normal")
    show_deaths = solara.use_reactive(True)
    show_displaced = solara.use_reactive(True)
    compare = solara.use_reactive(False)
    error = solara.use_reactive("")
    tab = solara.use_reactive(TAB_MODEL)
    rebuilding = solara.use_reactive(False)
    # the scenarios opened from files change the picker's list: a new render shows them
    scenario_count = solara.use_reactive(len(sess.scenarios))

    # each failure redraws the controls from the page's state: a switch flipped or a number
    # typed whose callback failed shows the setting that is kept, not the one refused
    failures = solara.use_reactive(0)

    def report(message: str) -> None:
        error.set(message)
        failures.set(failures.value + 1)

    def wrap(fn: Callable[..., object], what: str) -> Callable[..., object]:
        return guarded(fn, report, what)

    def on_scenario(new: str) -> None:
        levers_new = levers_from_scenario(sess.base(new))
        playing.set(False)
        name.set(new)
        levers.set(levers_new)

    def on_upload(info: dict) -> None:
        if not info:
            return
        new = sess.add_upload(info)
        scenario_count.set(len(sess.scenarios))
        error.set("")
        on_scenario(new)

    def rebuild(cancel: threading.Event) -> None:
        """Re-run new settings up to the month reached (in a thread; a newer change cancels)."""
        key = (name.value, int(seed.value), levers.value)
        if key == sess.key:
            rebuilding.set(False)
            return
        rebuilding.set(True)
        try:
            model, scenario = sess.build(key)
        except Exception:
            rebuilding.set(False)
            raise  # the guard shows it; the last valid run stays on the page
        error.set("")
        if not run_loop.catch_up(sess, model, scenario, key, cancel):
            return
        rebuilding.set(False)
        version.set(version.value + 1)

    solara.use_thread(
        wrap(rebuild, "re-run the new settings"),
        dependencies=[name.value, seed.value, levers.value],
        intrusive_cancel=False,
    )

    def play(cancel: threading.Event) -> None:
        if not playing.value:
            return

        def on_month() -> None:
            version.set(version.value + 1)

        try:
            if run_loop.play(sess, lambda: speed.value, on_month, cancel):
                playing.set(False)
        except Exception:
            playing.set(False)
            raise

    solara.use_thread(wrap(play, "play"), dependencies=[playing.value], intrusive_cancel=False)

    def do_step(n: int) -> None:
        sess.step(n)
        version.set(version.value + 1)

    def do_reset() -> None:
        playing.set(False)
        sess.reset()
        version.set(version.value + 1)

    base = sess.base(name.value)
    # the scenario the settings make, and its file offered for download, change with the
    # settings, not with the month: built once per setting (the YAML dump was a fifth of the
    # page's work in a step)
    settings_key = [id(base), levers.value, int(seed.value)]
    scenario_data = solara.use_memo(
        lambda: scenario_dict(base, levers.value, seed=int(seed.value)), settings_key
    )
    scenario_text = solara.use_memo(
        lambda: scenario_yaml(scenario_data, int(seed.value)), settings_key
    )

    solara.Style(CSS)
    solara.Title(PAGE_TITLE)
    with solara.Div(classes=["malisim-root"]):
        _header()
        # the tabs only switch which part shows: the model's part stays mounted under the Info
        # tab, so its levers, run and replicates are as they were on coming back (buttons, not
        # solara.lab.Tabs: that needs a widget the pinned ipyvuetify 3 does not have)
        solara.ToggleButtonsSingle(
            value=tab.value,
            values=[TAB_MODEL, TAB_INFO],
            on_value=wrap(tab.set, "tab"),
            dense=True,
            classes=["malisim-tabs"],
        )
        info = tab.value == TAB_INFO
        if info:
            solara.HTML(tag="div", unsafe_innerHTML=INFO_HTML, classes=["malisim-info-tab"])
        hidden = {"display": "none"} if info else {}
        with solara.Div(classes=["malisim-body"], style=hidden):
            SideColumn(
                sess,
                base,
                name,
                seed,
                levers,
                wrap,
                on_scenario,
                on_upload,
                scenario_text,
                failures.value,
            )
            with solara.Div(classes=["malisim-main"]):
                RunArea(
                    sess,
                    version,
                    failures.value,
                    playing,
                    speed,
                    rebuilding.value,
                    error,
                    show_deaths,
                    show_displaced,
                    compare,
                    wrap,
                    do_step,
                    do_reset,
                    scenario_data,
                    int(seed.value),
                )
                solara.HTML(tag="div", unsafe_innerHTML=HOVER_HINT, classes=["malisim-note"])
