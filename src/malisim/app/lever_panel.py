"""The lever panel: the policy levers of the page as switches and sliders, grouped by actor.

Each lever edits one field of the :class:`~malisim.app.settings.Levers` the page holds; its label
shows the value and unit, and hovering it shows the lever's tooltip (what it does, where its
effect comes from: :func:`~malisim.app.settings.lever_info`). A group's sliders show only while
its switch is on. Every lever's callback is guarded (``wrap``, :func:`malisim.app.guard.guarded`):
an error shows as the page's message and the levers keep their settings.
"""

from __future__ import annotations

from collections.abc import Callable

import solara

from malisim.app.settings import Levers, lever_info, lever_value_text, posterior_changes
from malisim.app.texts import escape_text
from malisim.scenario import ResolvedScenario


def _label(key: str, value: str) -> None:
    """A lever's label with its value and unit; hovering shows the tooltip (a title)."""
    info = lever_info()[key]
    unit = "" if info.unit in ("month", "on/off") or key == "accord_level" else info.unit
    label, value, unit = (escape_text(t) for t in (info.label, value, unit))
    solara.HTML(
        tag="div",
        unsafe_innerHTML=(
            f"{label}: <b>{value}</b> <span class='unit'>{unit}</span> <span class='info'>?</span>"
        ),
        classes=["lever-label", f"lever-{key}"],
        attributes={"title": info.tooltip},
    )


def _title(text: str) -> None:
    """The title of a group of levers (plain text, escaped)."""
    solara.HTML(tag="div", unsafe_innerHTML=escape_text(text), classes=["malisim-group-title"])


#: Makes a guarded callback (the page's ``wrap``).
Wrap = Callable[[Callable[..., object], str], Callable[..., object]]


def _set(levers: solara.Reactive[Levers], key: str, wrap: Wrap, cast: Callable) -> Callable:
    """The guarded callback that sets lever ``key`` to ``cast(value)``."""

    def on_value(value: object) -> None:
        levers.set(levers.value.replace(**{key: cast(value)}))

    return wrap(on_value, f"lever {key}")


def _switch(key: str, levers: solara.Reactive[Levers], wrap: Wrap) -> None:
    """An on/off lever; its tooltip on hovering."""
    info = lever_info()[key]
    with solara.Div(attributes={"title": info.tooltip}, classes=["lever-switch"]):
        solara.Switch(
            label=info.label,
            value=bool(getattr(levers.value, key)),
            on_value=_set(levers, key, wrap, bool),
            color="primary",
            classes=[f"lever-{key}"],
        )


def _month_slider(key: str, levers: solara.Reactive[Levers], months: list[str], wrap: Wrap) -> None:
    """A date lever: a slider over ``months`` (``YYYY-MM``), the month shown in its label."""
    value = getattr(levers.value, key)
    idx = months.index(value) if value in months else 0
    _label(key, lever_value_text(key, months[idx]))
    solara.SliderInt(
        label="",
        value=idx,
        min=0,
        max=len(months) - 1,
        on_value=_set(levers, key, wrap, lambda i: months[int(i)]),
        thumb_label=False,
    )


def _number_slider(
    key: str,
    levers: solara.Reactive[Levers],
    wrap: Wrap,
    low: float,
    high: float,
    step: float,
    fmt: str = "{:,.0f}",
    integer: bool = False,
) -> None:
    """A number lever from ``low`` to ``high`` by ``step``, its value shown as ``fmt``."""
    value = getattr(levers.value, key)
    _label(key, lever_value_text(key, value) if key == "accord_level" else fmt.format(value))
    if integer:
        solara.SliderInt(
            label="",
            value=int(value),
            min=int(low),
            max=int(high),
            step=int(step),
            on_value=_set(levers, key, wrap, int),
            thumb_label=False,
        )
    else:
        solara.SliderFloat(
            label="",
            value=float(value),
            min=low,
            max=high,
            step=step,
            on_value=_set(levers, key, wrap, float),
            thumb_label=False,
        )


@solara.component
def LeverPanel(levers: solara.Reactive[Levers], months: list[str], wrap: Wrap) -> None:
    """The policy levers, grouped by actor (``wrap`` guards their callbacks)."""
    lev = levers.value
    with solara.Div(classes=["malisim-group"]):
        _title("France")
        _switch("french_on", levers, wrap)
        if lev.french_on:
            _month_slider("french_start", levers, months, wrap)
    with solara.Div(classes=["malisim-group"]):
        _title("Wagner / Africa Corps")
        _switch("wagner_on", levers, wrap)
        if lev.wagner_on:
            _month_slider("wagner_start", levers, months, wrap)
            _number_slider("wagner_personnel", levers, wrap, 0, 5000, 100)
            _number_slider("wagner_abuse", levers, wrap, 1.0, 20.0, 0.5, fmt="{:.1f}")
    with solara.Div(classes=["malisim-group"]):
        _title("ECOWAS")
        _switch("sanctions_on", levers, wrap)
        if lev.sanctions_on:
            _month_slider("sanctions_start", levers, months, wrap)
            _number_slider("sanctions_months", levers, wrap, 1, 36, 1, integer=True)
            _number_slider("sanctions_intensity", levers, wrap, 0.0, 1.0, 0.05, fmt="{:.2f}")
    with solara.Div(classes=["malisim-group"]):
        _title("UN peacekeepers")
        _switch("minusma_on", levers, wrap)
        if lev.minusma_on:
            _month_slider("minusma_start", levers, months, wrap)
    with solara.Div(classes=["malisim-group"]):
        _title("Jihadists")
        _switch("dialogue_on", levers, wrap)
        if lev.dialogue_on:
            _month_slider("dialogue_start", levers, months, wrap)
            _number_slider("dialogue_intensity", levers, wrap, 0.0, 1.0, 0.05, fmt="{:.2f}")
    with solara.Div(classes=["malisim-group"]):
        _title("The north: accord or offensive")
        _switch("accord_on", levers, wrap)
        if lev.accord_on:
            _month_slider("accord_start", levers, months, wrap)
            _number_slider("accord_level", levers, wrap, 0.0, 1.0, 0.05, fmt="{:.2f}")
        _switch("kidal_on", levers, wrap)
        if lev.kidal_on:
            _month_slider("kidal_start", levers, months, wrap)
            _number_slider("kidal_months", levers, wrap, 1, 24, 1, integer=True)
            _number_slider("kidal_intensity", levers, wrap, 0.0, 1.0, 0.05, fmt="{:.2f}")


#: The "Parameters" choices, in plain words, and the value of ``Levers.parameters`` each makes.
PARAMETER_CHOICES = {
    "calibrated point": "calibrated",
    "posterior median": "median",
    "posterior draw": "0",
}


def ParametersPanel(levers: solara.Reactive[Levers], base: ResolvedScenario, wrap: Wrap) -> None:
    """The "Parameters" control: the scenario's calibrated point, the posterior median or a draw.

    The values that differ from the scenario's are listed under it; they are also written in
    the saved scenario file, so a run can be reproduced with ``malisim run`` (the same values
    as ``malisim run --posterior median|N``).
    """
    which = levers.value.parameters
    shown = (
        "calibrated point"
        if which == "calibrated"
        else "posterior median"
        if which == "median"
        else "posterior draw"
    )

    def on_choice(label: str) -> None:
        levers.set(levers.value.replace(parameters=PARAMETER_CHOICES[label]))

    def on_draw(value: int | None) -> None:
        # checked before it is set: a row outside the shipped posterior is refused in words
        text = str(value)
        posterior_changes(base, text)
        levers.set(levers.value.replace(parameters=text))

    tip = lever_info()["parameters"].tooltip
    with solara.Div(classes=["malisim-group", "malisim-parameters"], attributes={"title": tip}):
        _title("Parameters")
        solara.Select(
            label="Parameters",
            value=shown,
            values=list(PARAMETER_CHOICES),
            on_value=wrap(on_choice, "parameters"),
            classes=["malisim-parameters-choice"],
        )
        if shown == "posterior draw":
            solara.InputInt(
                label="Draw number",
                value=int(which),
                on_value=wrap(on_draw, "draw number"),
                classes=["malisim-draw"],
            )
        changed, label = posterior_changes(base, which)
        if changed:
            own = base.parameters.model_dump()
            rows = ", ".join(f"{escape_text(k)} {own[k]:.4g} → {v:.4g}" for k, v in changed.items())
            solara.HTML(
                tag="div",
                unsafe_innerHTML=f"{escape_text(label)} changes: {rows}",
                classes=["malisim-note", "malisim-draw-values"],
            )
