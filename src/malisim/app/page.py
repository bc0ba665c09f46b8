"""The Solara page: levers on the left; the map, the charts and the replicates on the right.

Start it with ``malisim ui`` (or ``python -m malisim.app``). Each browser session has its own
model. Changing a lever, the seed or the scenario re-runs the new settings, in a background
thread, up to the month reached, so the map and the curves show the effect at once; Reset goes
back to the first month.
"""

from __future__ import annotations

import base64
import os
import threading
import time
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
)
from malisim.app.replicates import ReplicateResult, run_replicates
from malisim.app.settings import (
    DEFAULT_SCENARIO,
    SCENARIO_ENV,
    Levers,
    available_scenarios,
    kept_policies,
    lever_info,
    levers_from_scenario,
    load_base,
    month_options,
    resolve_levers,
    scenario_dict,
    scenario_yaml,
)
from malisim.core.calendar import format_month
from malisim.core.errors import UserError
from malisim.model import MaliModel
from malisim.scenario import ResolvedScenario, scenario_from_dict
from malisim.scenario.runner import build_model

#: Seconds per simulated month while playing, by speed.
SPEEDS: dict[str, float] = {"slow": 0.8, "normal": 0.3, "fast": 0.0}
MONTH_NAMES = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

CSS = """
.malisim-root { width: 100%; max-width: 100%; font-size: 14px;
  padding: 4px 10px 10px 10px; box-sizing: border-box; }
.malisim-header { display: flex; align-items: baseline; gap: 12px; flex-wrap: wrap;
  padding: 2px 4px 6px 4px; border-bottom: 1px solid #ddd; margin-bottom: 8px; }
.malisim-header h1 { font-size: 20px; margin: 0; font-weight: 700; }
.malisim-header .sub { color: #555; font-size: 13px; }
.malisim-body { display: flex; gap: 12px; align-items: flex-start; width: 100%; }
.malisim-side { flex: 0 0 330px; width: 330px; max-height: calc(100vh - 70px);
  overflow-y: auto; overflow-x: hidden; position: sticky; top: 4px; padding-right: 6px; }
.malisim-main { flex: 1 1 auto; min-width: 0; }
.malisim-side .malisim-seed { margin-bottom: 8px; }
.malisim-group { border: 1px solid #e0e0e0; border-radius: 6px; padding: 4px 10px 2px 10px;
  margin-bottom: 8px; background: #fafafa; }
.malisim-group-title { font-weight: 700; font-size: 13px; margin: 2px 0 0 0; color: #333; }
.lever-label { font-size: 12.5px; color: #333; margin-top: 2px; cursor: help; }
.lever-label b { color: #000; }
.lever-label .unit { color: #777; }
.lever-label .info, .malisim-info { display: inline-block; width: 14px; height: 14px;
  border-radius: 50%; background: #4477AA; color: #fff; font-size: 10px; line-height: 14px;
  text-align: center; font-weight: 700; vertical-align: 1px; }
.malisim-side .v-input__details { display: none; }
.malisim-side .v-switch .v-selection-control { min-height: 34px; }
.malisim-side .v-switch .v-label { font-size: 14px; font-weight: 600; opacity: 0.9; }
.malisim-side .v-slider.v-input--horizontal { margin-inline: 8px; }
.malisim-side .v-slider .v-input__control { min-height: 24px; }
.malisim-map-col .v-input__details { display: none; }
.malisim-map-col .v-selection-control { min-height: 32px; }
.malisim-controls { display: flex; align-items: center; gap: 8px; flex-wrap: wrap;
  margin-bottom: 6px; }
.malisim-date { font-size: 22px; font-weight: 700; min-width: 150px; }
.malisim-month-count { color: #666; font-size: 12.5px; }
.malisim-panels { display: grid; grid-template-columns: minmax(0, 42fr) minmax(0, 58fr);
  gap: 12px; width: 100%; }
.malisim-charts { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr);
  gap: 4px 10px; }
.malisim-fans { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; }
.malisim-legend { display: flex; flex-wrap: wrap; gap: 4px 12px; font-size: 12px;
  margin-top: 2px; }
.malisim-legend span.sw { display: inline-block; width: 12px; height: 12px;
  vertical-align: -2px; margin-right: 4px; border: 1px solid #999; }
.malisim-legend span.disc { border-radius: 50%; background: #EE6677; border-color: #882233; }
.malisim-legend span.ring { border-radius: 50%; border: 2px solid #0b3d91; background: none; }
.malisim-note { color: #666; font-size: 12px; }
.malisim-card { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px 10px;
  margin-top: 10px; }
.malisim-card h2 { font-size: 15px; margin: 0 0 4px 0; }
.malisim-other { margin: 0 0 8px 0; padding-left: 18px; }
.malisim-other li { font-size: 12px; color: #444; }
.malisim-save { display: inline-block; margin: 4px 0 12px 0; padding: 7px 14px;
  border: 1px solid #4477AA; border-radius: 4px; color: #224477 !important; font-weight: 600;
  text-decoration: none; font-size: 13.5px; }
.malisim-save:hover { background: #eef3fa; }
"""


# --------------------------------------------------------------------------------------------
# session state (one per browser session, held by the Page component)


class Session:
    """The model of one browser session and the scenarios it can pick from."""

    def __init__(self, initial_file: str | None = None) -> None:
        self.scenarios: dict[str, Any] = dict(available_scenarios(initial_file))
        if not self.scenarios:
            self.scenarios["default"] = None
        if initial_file:
            self.initial = os.path.splitext(os.path.basename(initial_file))[0]
        elif DEFAULT_SCENARIO in self.scenarios:
            self.initial = DEFAULT_SCENARIO
        else:
            self.initial = next(iter(self.scenarios), "")
        self._bases: dict[str, ResolvedScenario] = {}
        self.lock = threading.RLock()
        self.rep_cancel = threading.Event()
        base = self.base(self.initial)
        self.initial_levers = levers_from_scenario(base)
        self.scenario = resolve_levers(base, self.initial_levers)
        self.model: MaliModel = build_model(self.scenario, 1)
        self.key: tuple[Any, ...] = (self.initial, 1, self.initial_levers)
        self.steps = 0

    def base(self, name: str) -> ResolvedScenario:
        """The picked scenario, resolved (cached); "default" is the default parameters."""
        if name not in self._bases:
            path = self.scenarios.get(name)
            if path is None:
                self._bases[name] = scenario_from_dict(
                    {"name": name, "description": "The default parameters, no policies."}
                )
            else:
                self._bases[name] = load_base(path)
        return self._bases[name]

    def reset(self) -> None:
        """Back to the first month with the current settings (the last valid ones)."""
        with self.lock:
            self.model = build_model(self.scenario, int(self.key[1]))
            self.steps = 0

    def step(self, n: int = 1) -> None:
        """Advance the model ``n`` months (fewer at the end of the run)."""
        with self.lock:
            for _ in range(n):
                if not self.model.running:
                    break
                self.model.step()
            self.steps = self.model.month - self.model.start_month


def _month_label(model: MaliModel) -> str:
    """The last month simulated, as a date ("December 2022"); the start month if none yet."""
    done = model.month - model.start_month
    m = model.month - 1 if done > 0 else model.start_month
    year, month0 = divmod(m, 12)
    return f"{MONTH_NAMES[month0]} {year}"


# --------------------------------------------------------------------------------------------
# levers


def _label(key: str, value: str) -> None:
    """A lever's label with its value and unit; hovering shows the tooltip (a title)."""
    info = lever_info()[key]
    unit = "" if info.unit in ("month", "on/off") else info.unit
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"{info.label}: <b>{value}</b> <span class='unit'>{unit}</span> "
            "<span class='info'>?</span>"
        ),
        classes=["lever-label", f"lever-{key}"],
        attributes={"title": info.tooltip},
    )


def _title(text: str) -> None:
    solara.HTML(tag="div", unsafe_innerHTML=text, classes=["malisim-group-title"])


def _switch(key: str, levers: solara.Reactive[Levers]) -> None:
    info = lever_info()[key]
    with solara.Div(attributes={"title": info.tooltip}, classes=["lever-switch"]):
        solara.Switch(
            label=info.label,
            value=bool(getattr(levers.value, key)),
            on_value=lambda v: levers.set(levers.value.replace(**{key: v})),
            color="primary",
            classes=[f"lever-{key}"],
        )


def _month_slider(key: str, levers: solara.Reactive[Levers], months: list[str]) -> None:
    value = getattr(levers.value, key)
    idx = months.index(value) if value in months else 0
    _label(key, months[idx])
    solara.SliderInt(
        label="",
        value=idx,
        min=0,
        max=len(months) - 1,
        on_value=lambda i: levers.set(levers.value.replace(**{key: months[int(i)]})),
        thumb_label=False,
    )


def _number_slider(
    key: str,
    levers: solara.Reactive[Levers],
    low: float,
    high: float,
    step: float,
    fmt: str = "{:,.0f}",
    integer: bool = False,
) -> None:
    value = getattr(levers.value, key)
    _label(key, fmt.format(value))
    if integer:
        solara.SliderInt(
            label="",
            value=int(value),
            min=int(low),
            max=int(high),
            step=int(step),
            on_value=lambda v: levers.set(levers.value.replace(**{key: int(v)})),
            thumb_label=False,
        )
    else:
        solara.SliderFloat(
            label="",
            value=float(value),
            min=low,
            max=high,
            step=step,
            on_value=lambda v: levers.set(levers.value.replace(**{key: float(v)})),
            thumb_label=False,
        )


@solara.component
def LeverPanel(levers: solara.Reactive[Levers], months: list[str]) -> None:
    """The policy levers, grouped by actor."""
    lev = levers.value
    with solara.Div(classes=["malisim-group"]):
        _title("France")
        _switch("french_on", levers)
        if lev.french_on:
            _month_slider("french_start", levers, months)
    with solara.Div(classes=["malisim-group"]):
        solara.HTML(
            tag="div", unsafe_innerHTML="Wagner / Africa Corps", classes=["malisim-group-title"]
        )
        _switch("wagner_on", levers)
        if lev.wagner_on:
            _month_slider("wagner_start", levers, months)
            _number_slider("wagner_personnel", levers, 0, 5000, 100)
            _number_slider("wagner_abuse", levers, 1.0, 20.0, 0.5, fmt="{:.1f}")
    with solara.Div(classes=["malisim-group"]):
        _title("ECOWAS")
        _switch("sanctions_on", levers)
        if lev.sanctions_on:
            _month_slider("sanctions_start", levers, months)
            _number_slider("sanctions_months", levers, 1, 36, 1, integer=True)
            _number_slider("sanctions_intensity", levers, 0.0, 1.0, 0.05, fmt="{:.2f}")
    with solara.Div(classes=["malisim-group"]):
        _title("UN peacekeepers")
        _switch("minusma_on", levers)
        if lev.minusma_on:
            _month_slider("minusma_start", levers, months)
    with solara.Div(classes=["malisim-group"]):
        _title("Jihadists")
        _switch("dialogue_on", levers)
        if lev.dialogue_on:
            _month_slider("dialogue_start", levers, months)
            _number_slider("dialogue_intensity", levers, 0.0, 1.0, 0.05, fmt="{:.2f}")
    with solara.Div(classes=["malisim-group"]):
        _title("The north: accord or offensive")
        _switch("accord_on", levers)
        if lev.accord_on:
            _month_slider("accord_start", levers, months)
            _number_slider("accord_level", levers, 0.0, 1.0, 0.05, fmt="{:.2f}")
        _switch("kidal_on", levers)
        if lev.kidal_on:
            _month_slider("kidal_start", levers, months)
            _number_slider("kidal_months", levers, 1, 24, 1, integer=True)
            _number_slider("kidal_intensity", levers, 0.0, 1.0, 0.05, fmt="{:.2f}")


def _other_policies(base: ResolvedScenario) -> list[str]:
    """Policies of the scenario that no lever drives, as short texts."""
    out = []
    for p in kept_policies(base):
        kind = p["type"]
        dates = " to ".join(str(v) for k, v in p.items() if k in ("start", "end"))
        extra = p.get("parameter") or p.get("donor") or ""
        out.append(f"{kind}{' (' + extra + ')' if extra else ''}{': ' + dates if dates else ''}")
    return out


def _download_link(text: str, filename: str, label: str, classes: list[str]) -> None:
    """A link that downloads ``text`` as a file (a data: URL; no server round trip)."""
    data = base64.b64encode(text.encode("utf-8")).decode("ascii")
    solara.HTML(
        tag="a",
        unsafe_innerHTML=label,
        attributes={
            "href": f"data:application/x-yaml;charset=utf-8;base64,{data}",
            "download": filename,
            "role": "button",
        },
        classes=classes,
    )


# --------------------------------------------------------------------------------------------
# main panels


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
        legend += "<span><span class='sw disc'></span>civilians killed since start</span>"
    if show_displaced:
        legend += "<span><span class='sw ring'></span>displaced people here now</span>"
    solara.HTML(tag="div", unsafe_innerHTML=legend, classes=["malisim-legend"])


@solara.component
def ChartsPanel(model: MaliModel, version: int) -> None:
    """The six outcome charts of the current run."""

    def make() -> dict[str, str]:
        return outcome_charts(national_history(model), model.start_month, model.end_month)

    charts = solara.use_memo(make, [id(model), version])
    with solara.Div(classes=["malisim-charts"]):
        for name, _ in CHARTS:
            solara.HTML(tag="div", unsafe_innerHTML=charts[name], classes=[f"chart-{name}"])


@solara.component
def ReplicatesPanel(sess: Session, scenario_data: dict[str, Any], seed: int, model: MaliModel):
    """Run N replicates of the current settings; fan charts of the distribution."""
    n = solara.use_reactive(8)
    request = solara.use_reactive(0)
    progress = solara.use_reactive((0, 0))
    result = solara.use_reactive(None)
    error = solara.use_reactive("")
    ran_with = solara.use_reactive(None)
    running = solara.use_reactive(False)

    def work(cancel: threading.Event) -> None:
        if request.value == 0:
            return
        sess.rep_cancel.clear()
        running.set(True)
        error.set("")
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
        except Exception as exc:  # shown on the page, not swallowed
            error.set(f"replicates failed: {exc}")
        finally:
            running.set(False)

    solara.use_thread(work, dependencies=[request.value], intrusive_cancel=False)

    with solara.Div(classes=["malisim-card", "malisim-replicates"]):
        solara.HTML(
            tag="h2",
            unsafe_innerHTML="Uncertainty: run many replicates of these settings",
        )
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap", "gap": "10px"}):
            with solara.Div(style={"width": "260px"}):
                solara.SliderInt(
                    label="Replicates",
                    value=n,
                    min=2,
                    max=50,
                    thumb_label=False,
                    disabled=running.value,
                )
            solara.Button(
                f"Run {n.value} replicates",
                on_click=lambda: request.set(request.value + 1),
                disabled=running.value,
                color="primary",
                classes=["malisim-run-replicates"],
            )
            if running.value:
                solara.Button("Stop", on_click=sess.rep_cancel.set, outlined=True)
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
        if error.value:
            solara.Error(error.value)
        res: ReplicateResult | None = result.value
        if res is not None:
            if ran_with.value != (scenario_data, seed):
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML="These replicates were run with earlier settings; run "
                    "them again to see the current ones.",
                    classes=["malisim-note"],
                )
            fans = fan_charts(res.months, res.runs, national_history(model))
            with solara.Div(classes=["malisim-fans"]):
                for name, _, _ in FAN_OUTCOMES:
                    solara.HTML(tag="div", unsafe_innerHTML=fans[name], classes=[f"fan-{name}"])
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{res.n} replicates (seeds derived from seed {seed}); blue "
                "bands hold the middle 50% and 90% of runs, the dashed red line is the run "
                "above. The spread is the model's uncertainty, not a forecast.",
                classes=["malisim-note"],
            )
        else:
            solara.HTML(
                tag="div",
                unsafe_innerHTML="One run is one possible history. Run replicates to see the "
                "spread of outcomes the same settings give with different random draws.",
                classes=["malisim-note"],
            )


@solara.component
def Page() -> None:
    """The page."""
    initial_file = os.environ.get(SCENARIO_ENV) or None
    sess: Session = solara.use_memo(lambda: Session(initial_file), [])
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
            if int(seed.value) < 0:
                raise UserError("the seed must be 0 or more", key="seed")
            scenario = resolve_levers(sess.base(name.value), levers.value)
            model = build_model(scenario, int(seed.value))
        except (UserError, ValueError) as err:
            error.set(str(err))
            rebuilding.set(False)
            return
        error.set("")
        while model.month - model.start_month < sess.steps and model.running:
            if cancel.is_set():
                return
            model.step()
        with sess.lock:
            if cancel.is_set():
                return
            # months stepped meanwhile on the old model are replayed on the new one
            while model.month - model.start_month < sess.steps and model.running:
                model.step()
            sess.model, sess.scenario, sess.key = model, scenario, key
            sess.steps = model.month - model.start_month
        rebuilding.set(False)
        version.set(version.value + 1)

    solara.use_thread(
        rebuild, dependencies=[name.value, seed.value, levers.value], intrusive_cancel=False
    )

    def play(cancel: threading.Event) -> None:
        if not playing.value:
            return
        while not cancel.is_set():
            t0 = time.perf_counter()
            if not sess.model.running:
                break
            sess.step(1)
            version.set(version.value + 1)
            wait = SPEEDS.get(speed.value, 0.3) - (time.perf_counter() - t0)
            if cancel.wait(max(wait, 0.02)):
                return
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
    months = month_options(base)
    scenario_data = scenario_dict(base, levers.value, seed=int(seed.value))

    solara.Style(CSS)
    solara.Title("malisim: Mali conflict scenarios")
    with solara.Div(classes=["malisim-root"]):
        with solara.Div(classes=["malisim-header"]):
            solara.HTML(tag="h1", unsafe_innerHTML="malisim: conflict and policy in Mali")
            solara.HTML(
                tag="span",
                unsafe_innerHTML="Move the levers, step the months, compare outcomes. "
                "An exploration tool, not a forecast.",
                classes=["sub"],
            )
        with solara.Div(classes=["malisim-body"]):
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
                    unsafe_innerHTML=" ".join((base.description or "").split()),
                    classes=["malisim-note", "malisim-description"],
                )
                with solara.Div(
                    attributes={
                        "title": "Root seed of the random draws: the same settings and seed "
                        "give the same run; another seed gives another possible history."
                    }
                ):
                    solara.InputInt(label="Seed", value=seed, classes=["malisim-seed"])
                LeverPanel(levers, months)
                others = _other_policies(base)
                if others:
                    items = "".join(f"<li>{o}</li>" for o in others)
                    solara.HTML(
                        tag="div",
                        unsafe_innerHTML="<div class='malisim-note'>Also in this scenario "
                        f"(kept as they are):</div><ul class='malisim-other'>{items}</ul>",
                    )
                _download_link(
                    scenario_yaml(scenario_data, int(seed.value)),
                    f"{base.name}_custom.yaml",
                    "Save as scenario (YAML)",
                    ["malisim-save"],
                )
            with solara.Div(classes=["malisim-main"]):
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
                        solara.Button(
                            "Pause", on_click=lambda: playing.set(False), classes=["malisim-pause"]
                        )
                    else:
                        solara.Button(
                            "Play",
                            on_click=lambda: playing.set(True),
                            disabled=not model.running,
                            color="primary",
                            classes=["malisim-play"],
                        )
                    solara.Button(
                        "Reset", on_click=do_reset, outlined=True, classes=["malisim-reset"]
                    )
                    solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True)
                    solara.HTML(
                        tag="span", unsafe_innerHTML=_month_label(model), classes=["malisim-date"]
                    )
                    done = model.month - model.start_month
                    total = model.end_month - model.start_month + 1
                    note = f"month {done} of {total}"
                    if rebuilding.value:
                        note += " · re-running the new settings…"
                    solara.HTML(tag="span", unsafe_innerHTML=note, classes=["malisim-month-count"])
                if error.value:
                    solara.Error(f"These settings are not valid: {error.value}")
                with solara.Div(classes=["malisim-panels"]):
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
                        MapPanel(model, version.value, show_deaths.value, show_displaced.value)
                    ChartsPanel(model, version.value)
                ReplicatesPanel(sess, scenario_data, int(seed.value), model)
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML="Hover a lever's <span class='malisim-info'>?</span> for "
                    "what it does and where its effect comes from; hover a map cell for its "
                    "region, controller and tolls.",
                    classes=["malisim-note"],
                )
