"""Drawing the page's map and charts (no Solara here, so it is tested without a browser).

* :func:`map_svg` draws Mali's grid as SVG: each cell coloured by who controls it, region
  borders, the main towns, and optionally civilian deaths (red discs) and displaced people (blue
  rings) per cell. Every cell is a ``<rect>`` with ``data-control`` and a ``<title>`` (what a
  student sees on hovering it); the ``<svg>`` carries ``data-date``.
* :func:`outcome_charts` draws the outcome charts of one run (SVG, see
  :mod:`malisim.app.svgchart`).
* :func:`fan_charts` draws the distribution of several replicates (median, 50% and 90% bands).
* :func:`policy_markers` dates the scenario's policies for the charts' markers;
  :func:`running_totals` sums the run so far (with the baseline run beside it, when compared);
  :func:`run_table` and :func:`run_csv` / :func:`run_parquet` export the run's monthly series.

Everything is plain SVG text: it is drawn in milliseconds, needs no plotting library, and the
browser scales it to the page.
"""

from __future__ import annotations

import contextlib
import functools
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from malisim.app.svgchart import Marker, Series, chart_svg
from malisim.core.calendar import format_month, parse_month
from malisim.core.formatting import escape
from malisim.model.outcomes import OUTCOME_INDEX
from malisim.model.space import REGIONS, MaliGrid
from malisim.model.vocab import CONTROL_NAMES, Control

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from malisim.model import MaliModel
    from malisim.scenario import ResolvedScenario

#: Colours of the control categories (Paul Tol's colour-blind safe palette), by Control code.
CONTROL_COLOURS: dict[int, str] = {
    Control.STATE: "#4477AA",
    Control.JNIM: "#228833",
    Control.IS_SAHEL: "#AA3377",
    Control.SIGNATORY: "#CCBB44",
    Control.CONTESTED: "#BBBBBB",
}
#: Readable names of the control categories, by Control code.
CONTROL_LABELS: dict[int, str] = {
    Control.STATE: "State (FAMa)",
    Control.JNIM: "JNIM",
    Control.IS_SAHEL: "IS Sahel",
    Control.SIGNATORY: "Signatory groups",
    Control.CONTESTED: "Contested",
}
#: Short names of the control categories (chart legends).
CONTROL_SHORT: dict[int, str] = {
    Control.STATE: "State",
    Control.JNIM: "JNIM",
    Control.IS_SAHEL: "IS Sahel",
    Control.SIGNATORY: "Signatory",
    Control.CONTESTED: "Contested",
}
#: Civilian fatality series by perpetrator: (outcome, legend, colour).
PERPETRATOR_SERIES: tuple[tuple[str, str, str], ...] = (
    ("civilian_fatalities_state", "FAMa", "#4477AA"),
    ("civilian_fatalities_foreign", "Wagner/foreign", "#EE6677"),
    ("civilian_fatalities_jihadist", "Jihadists", "#228833"),
    ("civilian_fatalities_signatory", "Signatories", "#CCBB44"),
)
CONTROL_SERIES: tuple[tuple[str, int], ...] = (
    ("control_state", Control.STATE),
    ("control_jnim", Control.JNIM),
    ("control_is_sahel", Control.IS_SAHEL),
    ("control_signatory", Control.SIGNATORY),
    ("control_contested", Control.CONTESTED),
)
#: Towns labelled on the map (regional capitals and places in the news); others get a dot.
LABELLED_TOWNS: tuple[str, ...] = (
    "Bamako",
    "Kayes",
    "Sikasso",
    "Ségou",
    "Mopti",
    "Timbuktu",
    "Gao",
    "Kidal",
    "Ménaka",
    "Aguelhok",
    "Taoudenni",
    "Nioro",
    "Douentza",
    "Tessit",
)
#: Deaths in a cell drawn as a disc filling the cell (larger totals are capped there).
DEATHS_FULL_CELL = 300.0
#: Displaced people in a cell drawn as a ring filling the cell.
IDPS_FULL_CELL = 40_000.0
CELL_PX = 16


@dataclass(frozen=True)
class _Geometry:
    """Static SVG parts of a grid: cell positions, borders, towns."""

    x: np.ndarray
    y: np.ndarray
    width: int
    height: int
    outline: str
    borders: str
    towns: str
    region_names: tuple[str, ...]
    town_names: tuple[str, ...]
    #: Each cell's ``<rect`` up to its fill colour, and its title's escaped "town, region: ".
    cell_heads: tuple[str, ...] = ()
    title_heads: tuple[str, ...] = ()


@functools.lru_cache(maxsize=8)
def _geometry(grid: MaliGrid) -> _Geometry:
    s = CELL_PX
    w, h = grid.shape_2d
    gx = np.asarray(grid.mesa_coords[:, 0])
    gy = np.asarray(grid.mesa_coords[:, 1])
    x = gx * s
    y = (h - 1 - gy) * s
    idx = grid.index_2d()
    region = np.asarray(grid.region)
    outline, borders = [], []
    for i in range(grid.n_cells):
        cx, cy = int(gx[i]), int(gy[i])
        px, py = int(x[i]), int(y[i])
        # east, west, north (y + 1 is north, drawn above), south neighbours and their edges
        for dx, dy, seg in (
            (1, 0, (px + s, py, px + s, py + s)),
            (-1, 0, (px, py, px, py + s)),
            (0, 1, (px, py, px + s, py)),
            (0, -1, (px, py + s, px + s, py + s)),
        ):
            nx, ny = cx + dx, cy + dy
            j = idx[nx, ny] if 0 <= nx < w and 0 <= ny < h else -1
            path = "M{} {}L{} {}".format(*seg)
            if j < 0:
                outline.append(path)
            elif j > i and region[j] != region[i]:
                borders.append(path)
    towns = []
    names = np.asarray(grid.main_town, dtype=object)
    for i in np.flatnonzero(names != ""):
        cx, cy = int(x[i]) + s / 2, int(y[i]) + s / 2
        name = str(names[i])
        towns.append(f'<circle cx="{cx}" cy="{cy}" r="2.6" class="town"/>')
        if name in LABELLED_TOWNS:
            anchor = "end" if cx > w * s * 0.8 else "start"
            dx = -4 if anchor == "end" else 4
            towns.append(
                f'<text x="{cx + dx}" y="{cy - 3}" text-anchor="{anchor}" class="town-label">'
                f"{escape(name)}</text>"
            )
    region_names = tuple(REGIONS[r] for r in region)
    town_names = tuple(str(t) for t in names)
    return _Geometry(
        x=x,
        y=y,
        width=w * s,
        height=h * s,
        outline="".join(outline),
        borders="".join(borders),
        towns="".join(towns),
        region_names=region_names,
        town_names=town_names,
        cell_heads=tuple(
            f'<rect x="{x[i]}" y="{y[i]}" width="{s}" height="{s}" class="cell" fill="'
            for i in range(grid.n_cells)
        ),
        title_heads=tuple(
            escape(f"{town + ', ' if town else ''}{region_names[i]}: ")
            for i, town in enumerate(town_names)
        ),
    )


@functools.lru_cache(maxsize=64)
def _cell_style(code: int) -> tuple[str, str, str]:
    """A control code's fill colour, ``data-control`` name and escaped title label."""
    name = CONTROL_NAMES[code] if 0 <= code < len(CONTROL_NAMES) else "unknown"
    return CONTROL_COLOURS.get(code, "#ffffff"), name, escape(CONTROL_LABELS.get(code, name))


#: Civilians killed per cell so far, by event log: (batch list, batches summed, the last batch
#: summed, totals).
_DEATHS_SO_FAR: weakref.WeakKeyDictionary[object, tuple[list, int, object, np.ndarray]] = (
    weakref.WeakKeyDictionary()
)


def civilian_deaths_by_cell(model: MaliModel) -> np.ndarray:
    """Civilians killed in each cell since the start of the run (from the event log)."""
    events = model.events
    batches = getattr(events, "_batches", [])
    n = model.grid.n_cells
    if not batches:
        return np.zeros(n)
    # the log only grows during a run: add the batches logged since the last call (the page
    # asks every month; summing the whole log each time grew with the run). The counts are
    # integers, so the sums are exact in any order.
    # the memo is used only if the log is the same list, still holds the last batch summed at
    # its place, and has not shrunk; otherwise the whole log is summed again
    try:
        seen, done, last, totals = _DEATHS_SO_FAR.get(events, (None, 0, None, None))
    except TypeError:  # an event log that takes no weak reference: no memo
        seen, done, last, totals = None, 0, None, None
    if (
        seen is not batches
        or done > len(batches)
        or (done and batches[done - 1] is not last)
        or totals is None
        or totals.size != n
    ):
        done, totals = 0, np.zeros(n)
    new = batches[done:]
    if new:
        cells = np.concatenate([b["cell"] for b in new])
        civ = np.concatenate([b["civ"] for b in new])
        totals = totals + np.bincount(cells, weights=civ, minlength=n).astype(float)
    with contextlib.suppress(TypeError):
        _DEATHS_SO_FAR[events] = (batches, len(batches), batches[-1], totals)
    return totals.copy()


def displaced_by_cell(model: MaliModel) -> np.ndarray:
    """Internally displaced people sheltering in each cell now."""
    civ = model.civilians
    displaced = civ.status == 1  # Status.DISPLACED
    return np.bincount(
        civ.cell[displaced].astype(np.intp),
        weights=civ.weight[displaced],
        minlength=model.grid.n_cells,
    ).astype(float)


def map_svg(
    grid: MaliGrid,
    control: np.ndarray,
    date: str = "",
    deaths: np.ndarray | None = None,
    displaced: np.ndarray | None = None,
) -> str:
    """The map of Mali's grid as an SVG document (scales to its container's width).

    Args:
        grid: The model's grid.
        control: Control code of each cell (:class:`malisim.model.actors.Control`).
        date: The month shown (``YYYY-MM``), written in the corner and in ``data-date``.
        deaths: Civilians killed per cell (drawn as red discs) or None.
        displaced: Displaced people per cell (drawn as blue rings) or None.

    Returns:
        SVG text.
    """
    geo = _geometry(grid)
    s = CELL_PX
    control = np.asarray(control)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {geo.width} {geo.height}" '
        f'width="100%" class="malisim-map" data-date="{escape(date)}" '
        f'role="img" aria-label="Map of Mali coloured by who controls each cell, {date}">',
        "<style>"
        ".cell{stroke:#ffffff;stroke-width:0.4}"
        ".town{fill:#111111;stroke:#ffffff;stroke-width:0.8}"
        ".town-label{font:600 13px sans-serif;fill:#111111;paint-order:stroke;"
        "stroke:#ffffff;stroke-width:3px;stroke-linejoin:round}"
        ".deaths{fill:#EE6677;fill-opacity:0.75;stroke:#882233;stroke-width:0.8}"
        ".idps{fill:none;stroke:#0b3d91;stroke-width:1.6}"
        ".date{font:700 24px sans-serif;fill:#333333}"
        "</style>",
    ]
    deaths_v = None if deaths is None else np.asarray(deaths, dtype=float)
    idps_v = None if displaced is None else np.asarray(displaced, dtype=float)
    n = grid.n_cells
    # each cell's title: "town, region: control; civilians killed N; displaced here M" (the
    # static parts escaped once, in the geometry; numbers need no escaping)
    tails = [""] * n
    if deaths_v is not None:
        tails = [
            f"{t}; civilians killed {v:,.0f}"
            for t, v in zip(tails, deaths_v[:n].tolist(), strict=True)
        ]
    if idps_v is not None:
        tails = [
            f"{t}; displaced here {v:,.0f}" for t, v in zip(tails, idps_v[:n].tolist(), strict=True)
        ]
    for head, title, c, tail in zip(
        geo.cell_heads, geo.title_heads, control[:n].tolist(), tails, strict=True
    ):
        colour, name, label = _cell_style(int(c))
        parts.append(
            f'{head}{colour}" data-control="{name}"><title>{title}{label}{tail}</title></rect>'
        )
    parts.append(f'<path d="{geo.borders}" fill="none" stroke="#222222" stroke-width="1.3"/>')
    parts.append(f'<path d="{geo.outline}" fill="none" stroke="#000000" stroke-width="2"/>')
    if idps_v is not None:
        r = s * 0.5 * np.sqrt(np.clip(idps_v / IDPS_FULL_CELL, 0.0, 1.0))
        for i in np.flatnonzero(r >= 2.5):
            parts.append(
                f'<circle cx="{geo.x[i] + s / 2}" cy="{geo.y[i] + s / 2}" r="{r[i]:.1f}" '
                'class="idps"/>'
            )
    if deaths_v is not None:
        r = s * 0.5 * np.sqrt(np.clip(deaths_v / DEATHS_FULL_CELL, 0.0, 1.0))
        for i in np.flatnonzero(r >= 1.5):
            parts.append(
                f'<circle cx="{geo.x[i] + s / 2}" cy="{geo.y[i] + s / 2}" r="{r[i]:.1f}" '
                'class="deaths"/>'
            )
    parts.append(geo.towns)
    parts.append(f'<text x="8" y="{geo.height - 10}" class="date">{escape(date)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def model_map_svg(model: MaliModel, show_deaths: bool = True, show_displaced: bool = True) -> str:
    """:func:`map_svg` of a model's current state (the date is the last month simulated)."""
    return map_svg(
        model.grid,
        model.control,
        date=last_month(model),
        deaths=civilian_deaths_by_cell(model) if show_deaths else None,
        displaced=displaced_by_cell(model) if show_displaced else None,
    )


def last_month(model: MaliModel) -> str:
    """The last month simulated (``YYYY-MM``), or the month before the start if none yet."""
    return format_month(model.month - 1)


def legend_items() -> list[tuple[str, str]]:
    """(colour, label) of the map's control categories."""
    return [(CONTROL_COLOURS[c], CONTROL_LABELS[c]) for c in Control]


# --------------------------------------------------------------------------------------------
# charts


def national_history(model: MaliModel) -> dict[str, np.ndarray]:
    """National monthly values recorded so far, by outcome name (plus ``month`` indices)."""
    rec = model.recorder
    values = rec.values[: rec.recorded, -1, :]
    out = {name: values[:, j] for name, j in OUTCOME_INDEX.items()}
    out["month"] = rec.start + np.arange(rec.recorded)
    return out


def _years(months: np.ndarray) -> np.ndarray:
    return np.asarray(months, dtype=float) / 12.0


#: The charts of one run: (name, title).
CHARTS: tuple[tuple[str, str], ...] = (
    ("fatalities", "Civilians killed per month, by perpetrator"),
    ("displaced", "Displaced people: IDPs and refugees abroad"),
    ("control", "Population by controlling actor (share)"),
    ("approval", "Junta approval (share of the population)"),
    ("gdp", "GDP index (2019-01 = 1)"),
    ("forces", "Foreign forces in Mali (troops, personnel)"),
)


#: The baseline's lines on each chart when compared: (outcomes summed, legend, colour).
BASELINE_LINES: dict[str, tuple[tuple[tuple[str, ...], str, str], ...]] = {
    "fatalities": (
        (tuple(n for n, _, _ in PERPETRATOR_SERIES), "baseline: all perpetrators", "#333333"),
    ),
    "displaced": (
        (("idps",), "baseline IDPs", "#4477AA"),
        (("refugees",), "baseline refugees", "#EE6677"),
    ),
    "control": ((("control_state",), "baseline: State", "#111111"),),
    "approval": ((("junta_approval",), "baseline", "#AA3377"),),
    "gdp": ((("gdp_index",), "baseline", "#222222"),),
    "forces": (
        (("troops_france",), "baseline France", "#4477AA"),
        (("troops_wagner",), "baseline Wagner", "#EE6677"),
    ),
}


def outcome_charts(
    history: dict[str, np.ndarray],
    start_month: int,
    end_month: int,
    markers: tuple[Marker, ...] = (),
    baseline: dict[str, np.ndarray] | None = None,
    window: tuple[int, int] | None = None,
) -> dict[str, str]:
    """The charts of one run so far, as SVG texts by name (see :data:`CHARTS`).

    Args:
        history: :func:`national_history` of a model (may be empty: axes only).
        start_month: First month of the run (month index), for the x axis.
        end_month: Last month of the run (month index).
        markers: Dated markers (:func:`policy_markers`) drawn on every chart.
        baseline: :func:`national_history` of the baseline run, drawn as thin dashed lines
            (:data:`BASELINE_LINES`), or None.
        window: The months shown (first, last; month indices), to zoom in on part of the run:
            the x axis spans them, the y axes scale to the values inside, the markers outside
            are left out. None shows the whole run.

    Returns:
        Chart name -> SVG text.
    """
    if window is not None:
        start_month, end_month = max(window[0], start_month), min(window[1], end_month)
        history = zoom_history(history, start_month, end_month)
        if baseline is not None:
            baseline = zoom_history(baseline, start_month, end_month)
    t = _years(history.get("month", np.zeros(0)))
    x_range = (start_month / 12.0, (end_month + 1) / 12.0)

    def h(name: str, scale: float = 1.0) -> np.ndarray:
        return np.asarray(history.get(name, np.zeros(0)), dtype=float) * scale

    specs: dict[str, tuple[list[Series], tuple[float | None, float | None]]] = {
        "fatalities": (
            [Series(lab, c, h(name), kind="area") for name, lab, c in PERPETRATOR_SERIES],
            (0.0, None),
        ),
        "displaced": (
            [
                Series("IDPs", "#4477AA", h("idps")),
                Series("Refugees abroad", "#EE6677", h("refugees")),
            ],
            (0.0, None),
        ),
        "control": (
            [
                Series(CONTROL_SHORT[c], CONTROL_COLOURS[c], h(name), kind="area", opacity=1.0)
                for name, c in CONTROL_SERIES
            ],
            (0.0, 1.0),
        ),
        "approval": ([Series("", "#AA3377", h("junta_approval"))], (0.0, 1.0)),
        "gdp": ([Series("", "#222222", h("gdp_index"))], (None, None)),
        "forces": (
            [
                Series("France", "#4477AA", h("troops_france")),
                Series("MINUSMA", "#66CCEE", h("troops_minusma")),
                Series("Wagner", "#EE6677", h("troops_wagner")),
            ],
            (0.0, None),
        ),
    }
    if baseline is not None and len(baseline.get("month", ())):
        bt = _years(baseline["month"])
        for name, lines in BASELINE_LINES.items():
            for outcomes, label, colour in lines:
                y = sum(np.asarray(baseline[o], dtype=float) for o in outcomes)
                specs[name][0].append(
                    Series(label, colour, y, dashed=True, width=1.0, x=bt, kind="line")
                )
    out = {}
    for name, title in CHARTS:
        series, y_range = specs[name]
        out[name] = chart_svg(title, t, series, x_range, y_range, name=name, markers=markers)
    if t.size == 0:
        out["gdp"] = chart_svg(
            CHARTS[4][1], t, [], x_range, (0.9, 1.1), name="gdp", markers=markers
        )
    return out


def zoom_history(history: dict[str, np.ndarray], first: int, last: int) -> dict[str, np.ndarray]:
    """The months ``first`` to ``last`` (month indices, inclusive) of a national history."""
    months = np.asarray(history.get("month", np.zeros(0)))
    keep = (months >= first) & (months <= last)
    return {k: np.asarray(v)[keep] for k, v in history.items()}


def policy_markers(scenario: ResolvedScenario) -> tuple[Marker, ...]:
    """A marker at the first date of each of the scenario's policies, named in plain words.

    Policies of the same month share one marker ("Wagner deployment; ECOWAS sanctions").
    """
    from malisim.app.texts import policy_name, setting_name

    by_month: dict[int, list[str]] = {}
    for p in scenario.policies:
        d = p.to_dict()
        first = next((d[k] for k in ("start", "announcement", "drawdown_start") if d.get(k)), None)
        if first is None:
            continue
        text = policy_name(d["type"])
        extra = setting_name(str(d["parameter"])) if d.get("parameter") else d.get("donor")
        if extra:
            text += f" ({extra})"
        by_month.setdefault(parse_month(str(first)), []).append(text)
    return tuple(Marker(m / 12.0, "; ".join(names)) for m, names in sorted(by_month.items()))


#: The running totals shown above the charts: (key, label, outcome, how: sum or last).
TOTALS: tuple[tuple[str, str, str, str], ...] = (
    ("killed", "civilians killed so far", "civilian_fatalities", "sum"),
    ("battle", "combatants killed so far", "battle_fatalities", "sum"),
    ("idps", "displaced in Mali now", "idps", "last"),
    ("refugees", "refugees abroad now", "refugees", "last"),
)


def running_totals(history: dict[str, np.ndarray]) -> dict[str, float]:
    """The run's totals so far (:data:`TOTALS`): sums of monthly counts, latest stocks."""
    out = {}
    for key, _, outcome, how in TOTALS:
        y = np.asarray(history.get(outcome, np.zeros(0)), dtype=float)
        out[key] = float(np.nansum(y)) if how == "sum" else (float(y[-1]) if y.size else 0.0)
    return out


def totals_html(history: dict[str, np.ndarray], baseline: dict[str, np.ndarray] | None) -> str:
    """The running totals as one line of HTML, with the baseline's beside each when compared."""
    mine = running_totals(history)
    base = running_totals(baseline) if baseline is not None else None
    items = []
    for key, label, _, _ in TOTALS:
        text = f"<b>{mine[key]:,.0f}</b> {label}"
        if base is not None:
            diff = mine[key] - base[key]
            text += f" <span class='base'>(baseline {base[key]:,.0f}, {diff:+,.0f})</span>"
        items.append(f"<span class='total total-{key}'>{text}</span>")
    return "".join(items)


def run_table(model: MaliModel) -> pd.DataFrame:
    """The run's monthly series so far: date, region (national rows "Mali") and every outcome."""
    return model.recorder.series()


def run_csv(model: MaliModel) -> bytes:
    """:func:`run_table` as CSV (UTF-8)."""
    return run_table(model).to_csv(index=False).encode("utf-8")


def run_parquet(model: MaliModel) -> bytes:
    """:func:`run_table` as Parquet."""
    import io

    buf = io.BytesIO()
    run_table(model).to_parquet(buf, index=False)
    return buf.getvalue()


#: Outcomes of the fan chart: (name, title, scale).
FAN_OUTCOMES: tuple[tuple[str, str, float], ...] = (
    ("civilian_fatalities", "Civilians killed per month", 1.0),
    ("idps", "Internally displaced people", 1.0),
    ("control_state", "Population under state control (share)", 1.0),
    ("junta_approval", "Junta approval (share)", 1.0),
)


def fan_charts(
    months: np.ndarray,
    runs: dict[str, np.ndarray],
    current: dict[str, np.ndarray] | None = None,
) -> dict[str, str]:
    """Fan charts of replicates: median, 50% and 90% bands of each outcome over time.

    Args:
        months: Month indices (length T).
        runs: Outcome name -> array (replicates, T).
        current: The page's own run (:func:`national_history`), drawn as a dashed line.

    Returns:
        Outcome name -> SVG text (see :data:`FAN_OUTCOMES`).
    """
    t = _years(months)
    x_range = (float(t[0]), float(t[-1]) + 1 / 12)
    out = {}
    for name, title, scale in FAN_OUTCOMES:
        data = np.asarray(runs[name], dtype=float) * scale
        q = np.nanpercentile(data, [5, 25, 50, 75, 95], axis=0)
        series = [
            Series("90% of runs", "#4477AA", q[0], kind="band", y2=q[4], opacity=0.22),
            Series("50%", "#4477AA", q[1], kind="band", y2=q[3], opacity=0.45),
            Series("median", "#224477", q[2]),
        ]
        if current is not None and len(current.get("month", ())):
            series.append(
                Series(
                    "this run",
                    "#EE6677",
                    np.asarray(current[name], dtype=float) * scale,
                    dashed=True,
                    width=1.2,
                    x=_years(current["month"]),
                )
            )
        y_range = (0.0, 1.0) if name in ("control_state", "junta_approval") else (0.0, None)
        out[name] = chart_svg(title, t, series, x_range, y_range, name=f"fan-{name}")
    return out
