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

import solara

from malisim.app import run_loop
from malisim.app.lever_panel import LeverPanel
from malisim.app.panels import ChartsPanel, MapPanel, ReplicatesPanel
from malisim.app.run_loop import SPEEDS
from malisim.app.session import Session
from malisim.app.settings import (
    SCENARIO_ENV,
    Levers,
    levers_from_scenario,
    month_options,
    scenario_dict,
    scenario_yaml,
)
from malisim.app.style import CSS
from malisim.app.texts import (
    HEADING,
    HOVER_HINT,
    INVALID_SETTINGS,
    PAGE_TITLE,
    SAVE_LABEL,
    SEED_TOOLTIP,
    SUBHEADING,
    description_html,
    escape_text,
    month_count,
    month_label,
    other_policies,
    other_policies_html,
)
from malisim.core.errors import UserError
from malisim.model import MaliModel
from malisim.scenario import ResolvedScenario

__all__ = ["SCENARIO_ENV", "Page"]


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
        solara.HTML(tag="h1", unsafe_innerHTML=HEADING)
        solara.HTML(tag="span", unsafe_innerHTML=SUBHEADING, classes=["sub"])


def _side_column(
    sess: Session,
    base: ResolvedScenario,
    name: solara.Reactive[str],
    seed: solara.Reactive[int],
    levers: solara.Reactive[Levers],
    on_scenario: Callable[[str], None],
    scenario_text: str,
) -> None:
    """The scenario picker and its description, the seed, the levers and the save link."""
    with solara.Div(classes=["malisim-side"]):
        solara.Select(
            label="Scenario",
            value=name.value,
            values=list(sess.scenarios),
            on_value=on_scenario,
            classes=["malisim-scenario"],
        )
        solara.HTML(
            tag="div",
            unsafe_innerHTML=description_html(base.description),
            classes=["malisim-note", "malisim-description"],
        )
        with solara.Div(attributes={"title": SEED_TOOLTIP}):
            solara.InputInt(label="Seed", value=seed, classes=["malisim-seed"])
        LeverPanel(levers, month_options(base))
        others = other_policies(base)
        if others:
            solara.HTML(tag="div", unsafe_innerHTML=other_policies_html(others))
        _download_link(scenario_text, f"{base.name}_custom.yaml", SAVE_LABEL, ["malisim-save"])


def _run_controls(
    model: MaliModel,
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    rebuilding: bool,
    do_step: Callable[[int], None],
    do_reset: Callable[[], None],
) -> None:
    """Step, play, pause and reset; the speed; the date and the month count."""
    with solara.Div(classes=["malisim-controls"]):
        solara.Button(
            "Step 1 month",
            on_click=lambda: do_step(1),
            disabled=playing.value or not model.running,
            classes=["malisim-step"],
        )
        solara.Button(
            "Step 1 year",
            on_click=lambda: do_step(12),
            disabled=playing.value or not model.running,
            classes=["malisim-step-year"],
        )
        if playing.value:
            solara.Button("Pause", on_click=lambda: playing.set(False), classes=["malisim-pause"])
        else:
            solara.Button(
                "Play",
                on_click=lambda: playing.set(True),
                disabled=not model.running,
                color="primary",
                classes=["malisim-play"],
            )
        solara.Button("Reset", on_click=do_reset, outlined=True, classes=["malisim-reset"])
        solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True)
        solara.HTML(tag="span", unsafe_innerHTML=month_label(model), classes=["malisim-date"])
        solara.HTML(
            tag="span",
            unsafe_innerHTML=month_count(model, rebuilding),
            classes=["malisim-month-count"],
        )


def _map_column(
    model: MaliModel,
    version: int,
    show_deaths: solara.Reactive[bool],
    show_displaced: solara.Reactive[bool],
) -> None:
    """The map with its two overlay switches."""
    with solara.Div(classes=["malisim-map-col"]):
        with solara.Row(style={"gap": "12px", "flex-wrap": "wrap"}):
            solara.Switch(
                label="civilians killed",
                value=show_deaths,
                color="primary",
                classes=["malisim-toggle-deaths"],
            )
            solara.Switch(
                label="displaced people",
                value=show_displaced,
                color="primary",
                classes=["malisim-toggle-displaced"],
            )
        MapPanel(model, version, show_deaths.value, show_displaced.value)


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
    error = solara.use_reactive("")
    rebuilding = solara.use_reactive(False)

    def on_scenario(new: str) -> None:
        playing.set(False)
        name.set(new)
        levers.set(levers_from_scenario(sess.base(new)))

    def rebuild(cancel: threading.Event) -> None:
        """Re-run new settings up to the month reached (in a thread; a newer change cancels)."""
        key = (name.value, int(seed.value), levers.value)
        if key == sess.key:
            rebuilding.set(False)
            return
        rebuilding.set(True)
        try:
            model, scenario = sess.build(key)
        except (UserError, ValueError) as err:
            error.set(str(err))
            rebuilding.set(False)
            return
        error.set("")
        if not run_loop.catch_up(sess, model, scenario, key, cancel):
            return
        rebuilding.set(False)
        version.set(version.value + 1)

    solara.use_thread(
        rebuild, dependencies=[name.value, seed.value, levers.value], intrusive_cancel=False
    )

    def play(cancel: threading.Event) -> None:
        if not playing.value:
            return

        def on_month() -> None:
            version.set(version.value + 1)

        if run_loop.play(sess, lambda: speed.value, on_month, cancel):
            playing.set(False)

    solara.use_thread(play, dependencies=[playing.value], intrusive_cancel=False)

    def do_step(n: int) -> None:
        sess.step(n)
        version.set(version.value + 1)

    def do_reset() -> None:
        playing.set(False)
        sess.reset()
        version.set(version.value + 1)

    with sess.lock:
        model = sess.model
    base = sess.base(name.value)
    scenario_data = scenario_dict(base, levers.value, seed=int(seed.value))

    solara.Style(CSS)
    solara.Title(PAGE_TITLE)
    with solara.Div(classes=["malisim-root"]):
        _header()
        with solara.Div(classes=["malisim-body"]):
            _side_column(
                sess,
                base,
                name,
                seed,
                levers,
                on_scenario,
                scenario_yaml(scenario_data, int(seed.value)),
            )
            with solara.Div(classes=["malisim-main"]):
                _run_controls(model, playing, speed, rebuilding.value, do_step, do_reset)
                if error.value:
                    solara.Error(f"{INVALID_SETTINGS}{error.value}")
                with solara.Div(classes=["malisim-panels"]):
                    _map_column(model, version.value, show_deaths, show_displaced)
                    ChartsPanel(model, version.value)
                ReplicatesPanel(sess, scenario_data, int(seed.value), model)
                solara.HTML(tag="div", unsafe_innerHTML=HOVER_HINT, classes=["malisim-note"])
