"""Plots of batch results: fan charts, distributions of run-level outcomes, differences.

* :func:`fan_chart` — a monthly national series per scenario: median line, 50% and 90% bands of
  the runs, dates on the time axis, the unit on the value axis and the policy timeline of the
  scenarios (from the manifest) as vertical lines: grey dashed for policies every scenario
  shares, in the scenario's colour (dotted) for those only some scenarios have;
* :func:`distribution_plot` — a run-level outcome per scenario: violins (10 runs or more), the
  runs as points (up to 200), the median and the 5-95% range; the baseline's median as a
  dashed reference line;
* :func:`difference_plot` — the mean difference of each scenario from the baseline with its
  confidence interval, as a percentage of the baseline mean, for every outcome compared;
* :func:`iter_figures` / :func:`write_figures` — all of them (and the maps of
  :mod:`malisim.viz.maps`) for a results folder, saved as PNG and SVG.

Colours are the Okabe-Ito palette (safe for the common colour-vision deficiencies); the
baseline is black. Figures are :class:`matplotlib.figure.Figure` objects drawn on the Agg
canvas: nothing here touches pyplot's global state or the interactive backend, and matplotlib is
imported only when a figure is made.
"""

from __future__ import annotations

import functools
import io
import json
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from malisim.core.errors import UserError
from malisim.model.outcomes import NATIONAL, OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from malisim.analysis.compare import Comparison
    from malisim.experiment.results import Results

F = TypeVar("F", bound=Callable[..., Any])

#: Okabe-Ito colours (black first: the baseline).
OKABE_ITO: tuple[str, ...] = (
    "#000000",  # black
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#009E73",  # bluish green
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#CC79A7",  # reddish purple
    "#F0E442",  # yellow (last: little contrast on white)
)
#: Monthly national series drawn as fan charts by default (those present).
FAN_OUTCOMES: tuple[str, ...] = (
    "civilian_fatalities",
    "battle_fatalities",
    "idps",
    "refugees",
    "control_state",
    "control_jnim",
    "control_is_sahel",
    "junta_approval",
    "gdp_index",
)
#: Bands of the fan charts: (low, high) quantiles, widest first.
FAN_BANDS: tuple[tuple[float, float], ...] = ((0.05, 0.95), (0.25, 0.75))
#: Figure formats written by :func:`save_figure`.
FORMATS: tuple[str, ...] = ("png", "svg")
#: Resolution of PNG files.
DPI = 110
#: Runs drawn as points on distribution plots (at most).
MAX_POINTS = 200
#: Fields that date a policy, earliest first.
_DATE_FIELDS: tuple[str, ...] = ("announcement", "start", "drawdown_start")
_UNITS = {o.name: o.unit for o in OUTCOMES}
_DESCRIPTIONS = {o.name: o.description for o in OUTCOMES}

_RC = {
    "font.size": 9,
    "axes.titlesize": 10,
    "axes.labelsize": 9,
    "legend.fontsize": 8,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "svg.fonttype": "none",
    "svg.hashsalt": "malisim",
}


def styled(fn: F) -> F:
    """Run a figure function under the report style (:data:`_RC`).

    The caller's matplotlib settings are left as they were.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        import matplotlib

        with matplotlib.rc_context(_RC):
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def require_matplotlib() -> None:
    """Raise a :class:`~malisim.core.errors.UserError` if matplotlib is not installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise UserError(
            "plots and reports need matplotlib: pip install 'malisim[viz]' (or matplotlib)"
        ) from None


def new_figure(width: float, height: float) -> Figure:
    """A figure on the Agg canvas (no pyplot, no interactive backend)."""
    require_matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def scenario_colours(scenarios: Sequence[str], baseline: str | None = None) -> dict[str, str]:
    """Okabe-Ito colour of each scenario; the baseline (or the first scenario) is black."""
    order = list(scenarios)
    if baseline in order:
        order.remove(baseline)
        order.insert(0, baseline)
    out = {}
    for i, s in enumerate(order):
        out[s] = OKABE_ITO[i % len(OKABE_ITO)] if i < len(OKABE_ITO) else _extra_colour(i)
    return out


def _extra_colour(i: int) -> str:
    import matplotlib

    return matplotlib.colors.to_hex(matplotlib.colormaps["tab20"](i % 20))


@styled
def save_figure(fig: Figure, stem: str | Path, formats: Sequence[str] = FORMATS) -> list[Path]:
    """Save a figure as ``stem.png`` and ``stem.svg`` (or ``formats``); return the paths."""
    stem = Path(stem)
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt in formats:
        path = stem.with_name(f"{stem.name}.{fmt}")
        meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        fig.savefig(path, format=fmt, dpi=DPI, metadata=meta)
        _freeze_layout(fig)
        paths.append(path)
    return paths


def _freeze_layout(fig: Figure) -> None:
    """Keep the layout of the first save for the next ones (layout costs as much as drawing)."""
    engine = fig.get_layout_engine()
    if engine is not None and engine.__class__.__name__ != "PlaceHolderLayoutEngine":
        fig.set_layout_engine("none")


@styled
def figure_bytes(fig: Figure, fmt: str = "png") -> bytes:
    """A figure rendered in memory (PNG by default)."""
    buf = io.BytesIO()
    meta = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
    fig.savefig(buf, format=fmt, dpi=DPI, metadata=meta)
    _freeze_layout(fig)
    return buf.getvalue()


def unit_of(outcome: str) -> str:
    """Unit of a monthly outcome (empty if unknown)."""
    return _UNITS.get(outcome, "")


def _percent_axis(ax: Axes, axis: str = "y", decimals: int | None = None) -> None:
    from matplotlib.ticker import PercentFormatter

    formatter = PercentFormatter(1.0, decimals=decimals)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def _thousands_axis(ax: Axes, axis: str = "y") -> None:
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int) -> str:
        if abs(x) >= 1e6:
            return f"{x / 1e6:g}M"
        if abs(x) >= 1e4:
            return f"{x / 1e3:g}k"
        return f"{x:,.10g}"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def _value_axis(ax: Axes, unit: str, axis: str = "y") -> None:
    if unit.startswith("share") or unit == "fraction":
        _percent_axis(ax, axis)
    elif not unit.startswith("index"):
        _thousands_axis(ax, axis)


# --------------------------------------------------------------------------------------------
# the policy timeline


@dataclass(frozen=True)
class TimelineMark:
    """A policy date to mark on time axes.

    Attributes:
        date: First month of the policy (announcement, start or drawdown start).
        label: Short text, e.g. ``wagner deployment``.
        scenarios: Scenarios having this policy.
        triggered: The policy waits for a trigger (the date is its earliest).
    """

    date: pd.Timestamp
    label: str
    scenarios: tuple[str, ...]
    triggered: bool = False


def _policy_label(policy: dict[str, Any]) -> str:
    label = str(policy.get("type", "policy")).replace("_", " ")
    if policy.get("donor"):
        label += f": {policy['donor']}"
    elif policy.get("parameter"):
        label += f": {policy['parameter']}"
    return label


def policy_timeline(
    manifest: dict[str, Any], scenarios: Sequence[str] | None = None
) -> list[TimelineMark]:
    """The policies of the manifest's resolved scenarios as dated marks.

    A policy identical in several scenarios is one mark listing them.
    """
    found: dict[str, tuple[pd.Timestamp, str, list[str], bool]] = {}
    for scn in manifest.get("experiment", {}).get("scenarios", []):
        name = str(scn.get("name"))
        if scenarios is not None and name not in scenarios:
            continue
        for pol in scn.get("policies", []) or []:
            months = [pol[f] for f in _DATE_FIELDS if pol.get(f)]
            if not months:
                continue
            try:
                date = min(pd.Timestamp(f"{m}-01") for m in months)
            except ValueError:
                continue
            key = json.dumps(pol, sort_keys=True, default=str)
            if key in found:
                found[key][2].append(name)
            else:
                found[key] = (date, _policy_label(pol), [name], bool(pol.get("trigger")))
    marks = [TimelineMark(d, lab, tuple(sc), trig) for d, lab, sc, trig in found.values()]
    return sorted(marks, key=lambda m: (m.date, m.label))


@dataclass(frozen=True)
class KeyEntry:
    """A numbered policy date of a fan chart's timeline key."""

    number: int
    date: pd.Timestamp
    text: str
    colour: str
    common: bool


def timeline_key(
    marks: Sequence[TimelineMark],
    scenarios: Sequence[str],
    colours: dict[str, str],
    start: pd.Timestamp,
    end: pd.Timestamp,
) -> list[KeyEntry]:
    """Number the policy dates shown between ``start`` and ``end``.

    Policies of the same month and the same scenarios share a number; ``common`` entries are
    policies of every scenario shown (grey), the others are coloured after their first scenario.
    """
    shown = set(scenarios)
    groups: dict[tuple[pd.Timestamp, tuple[str, ...]], list[str]] = {}
    for mark in marks:
        owners = tuple(s for s in scenarios if s in mark.scenarios)
        if not (start <= mark.date <= end) or not owners:
            continue
        label = mark.label + (" (if triggered)" if mark.triggered else "")
        groups.setdefault((mark.date, owners), []).append(label)
    key = []
    for i, ((date, owners), labels) in enumerate(sorted(groups.items()), start=1):
        common = set(owners) >= shown
        text = f"{date:%Y-%m} " + "; ".join(labels)
        if not common:
            text += f" [{', '.join(owners)} only]"
        key.append(KeyEntry(i, date, text, "#777777" if common else colours[owners[0]], common))
    return key


def _draw_timeline(ax: Axes, key: Sequence[KeyEntry]) -> None:
    """Draw policy dates as vertical lines numbered at the top.

    Grey dashed: policies of every scenario; coloured dotted: of some scenarios only.
    """
    if not key:
        return
    lo, hi = (pd.Timestamp(x) for x in _num2date(ax.get_xlim()))
    gap = (hi - lo) / 45  # numbers closer than this are stacked
    last: list[pd.Timestamp] = []  # date of the last number at each height
    for entry in key:
        style = "--" if entry.common else ":"
        ax.axvline(entry.date, color=entry.colour, lw=0.8, ls=style, zorder=1)
        slot = next((i for i, d in enumerate(last) if entry.date - d >= gap), len(last))
        if slot == len(last):
            last.append(entry.date)
        last[slot] = entry.date
        box = {"boxstyle": "round,pad=0.15", "fc": "white", "ec": entry.colour, "lw": 0.6}
        num = ax.text(
            entry.date,
            1.0 - 0.055 * slot,
            str(entry.number),
            transform=ax.get_xaxis_transform(),
            ha="center",
            va="top",
            fontsize=6.5,
            color=entry.colour,
            zorder=6,
            bbox=box,
        )
        num.set_in_layout(False)


def _num2date(limits: Sequence[float]) -> list[Any]:
    import matplotlib.dates as mdates

    return [mdates.num2date(x).replace(tzinfo=None) for x in limits]


#: Characters per line, columns and line height (inches) of the timeline key.
_KEY_WRAP = 52
_KEY_COLUMNS = 2
_KEY_LINE_IN = 0.125


def _key_columns(key: Sequence[KeyEntry]) -> list[list[tuple[KeyEntry, list[str]]]]:
    import textwrap

    per_col = -(-len(key) // _KEY_COLUMNS)
    return [
        [(e, textwrap.wrap(e.text, _KEY_WRAP)) for e in key[c * per_col : (c + 1) * per_col]]
        for c in range(_KEY_COLUMNS)
    ]


def _key_height(key: Sequence[KeyEntry]) -> float:
    """Inches the key needs."""
    if not key:
        return 0.0
    lines = max(sum(len(w) for _, w in col) for col in _key_columns(key))
    return _KEY_LINE_IN * lines + 0.1


def _draw_key(ax: Axes, key: Sequence[KeyEntry], height: float) -> None:
    """Draw the timeline key as columns of text in an empty axes ``height`` inches tall."""
    ax.set_axis_off()
    step = _KEY_LINE_IN / height
    for c, col in enumerate(_key_columns(key)):
        y = 1.0
        x = c / _KEY_COLUMNS
        for entry, lines in col:
            common = {"fontsize": 6.5, "va": "top", "ha": "left", "transform": ax.transAxes}
            ax.text(x, y, str(entry.number), color=entry.colour, fontweight="bold", **common)
            ax.text(x + 0.035, y, "\n".join(lines), color="#333333", linespacing=1.1, **common)
            y -= step * len(lines)


# --------------------------------------------------------------------------------------------
# fan charts


def national_series(
    series: pd.DataFrame, outcome: str, scenarios: Sequence[str] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """National monthly values of one outcome: scenario -> (dates, runs x dates matrix)."""
    nat = series.loc[series["region"] == NATIONAL, ["scenario", "run_id", "date", outcome]]
    out = {}
    for scen, frame in nat.groupby("scenario", sort=False):
        if scenarios is not None and scen not in scenarios:
            continue
        wide = frame.pivot_table(
            index="run_id", columns="date", values=outcome, dropna=False, sort=True
        )
        out[str(scen)] = (wide.columns.to_numpy(), wide.to_numpy(dtype=float))
    if scenarios is not None:
        out = {s: out[s] for s in scenarios if s in out}
    return out


@styled
def fan_chart(
    series: pd.DataFrame,
    outcome: str,
    *,
    scenarios: Sequence[str] | None = None,
    baseline: str | None = None,
    timeline: Sequence[TimelineMark] = (),
    title: str | None = None,
) -> Figure:
    """Fan chart of a monthly national outcome per scenario (median, 50% and 90% bands).

    Args:
        series: A series table (run_id, scenario, date, region, outcome columns).
        outcome: The monthly outcome column, e.g. ``civilian_fatalities``.
        scenarios: Scenarios drawn, in order (default: all).
        baseline: The baseline (drawn in black).
        timeline: Policy marks (see :func:`policy_timeline`).
        title: Title (default: the outcome's description).
    """
    data = national_series(series, outcome, scenarios)
    names = list(data)
    colours = scenario_colours(names, baseline)
    bounds = [(pd.Timestamp(d[0]), pd.Timestamp(d[-1])) for d, v in data.values() if v.size]
    key: list[KeyEntry] = []
    if bounds:
        start, end = min(b[0] for b in bounds), max(b[1] for b in bounds)
        key = timeline_key(timeline, names, colours, start, end)
    key_height = _key_height(key)
    fig = new_figure(8.0, 4.2 + key_height)
    if key:
        grid = fig.add_gridspec(2, 1, height_ratios=[4.2, key_height])
        ax = fig.add_subplot(grid[0])
        _draw_key(fig.add_subplot(grid[1]), key, key_height)
    else:
        ax = fig.add_subplot()
    qs = sorted({q for band in FAN_BANDS for q in band} | {0.5})
    for scen in names:
        dates, values = data[scen]
        if values.size == 0:
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            quant = dict(zip(qs, np.nanquantile(values, qs, axis=0), strict=True))
        colour = colours[scen]
        for (lo, hi), alpha in zip(FAN_BANDS, (0.12, 0.28), strict=True):
            ax.fill_between(dates, quant[lo], quant[hi], color=colour, alpha=alpha, lw=0)
        width = 1.8 if scen == baseline else 1.5
        label = f"{scen} ({values.shape[0]} runs)"
        ax.plot(dates, quant[0.5], color=colour, lw=width, label=label)
    if bounds:
        ax.set_xlim(start, end)
        _draw_timeline(ax, key)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    unit = unit_of(outcome)
    ax.set_ylabel(f"{outcome} ({unit})" if unit else outcome)
    _value_axis(ax, unit)
    ax.set_ylim(bottom=0 if ax.get_ylim()[0] >= 0 else None)
    ax.set_title(title or f"{outcome}: {_DESCRIPTIONS.get(outcome, '')}".rstrip(": "), loc="left")
    if key:
        ax.set_xlabel("numbered lines: policy dates (key below)", fontsize=7, color="#555555")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    handles, labels = ax.get_legend_handles_labels()
    from matplotlib.patches import Patch

    handles += [Patch(color="#777777", alpha=0.4), Patch(color="#777777", alpha=0.14)]
    labels += ["50% of runs", "90% of runs"]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


# --------------------------------------------------------------------------------------------
# distributions of run-level outcomes


@styled
def distribution_plot(
    outcomes: pd.DataFrame,
    column: str,
    *,
    scenarios: Sequence[str] | None = None,
    baseline: str | None = None,
    interval: tuple[float, float] = (0.05, 0.95),
) -> Figure:
    """Distribution of a run-level outcome per scenario (one row per scenario).

    Violins when a scenario has 10 runs or more, the runs as points (a sample of
    :data:`MAX_POINTS` at most), the median (white dot) and the central interval (thick line);
    the baseline's median as a dashed vertical line.
    """
    from malisim.analysis.compare import scalar_info

    names = list(scenarios) if scenarios else list(dict.fromkeys(outcomes["scenario"]))
    if baseline in names:
        names.remove(baseline)
        names.insert(0, baseline)
    colours = scenario_colours(names, baseline)
    info = scalar_info(column)
    fig = new_figure(7.0, 1.0 + 0.55 * len(names))
    ax = fig.add_subplot()
    rng = np.random.default_rng(0)
    for i, scen in enumerate(names):
        y = len(names) - 1 - i
        vals = outcomes.loc[outcomes["scenario"] == scen, column].to_numpy(dtype=float)
        vals = vals[~np.isnan(vals)]
        if vals.size == 0:
            continue
        colour = colours[scen]
        if vals.size >= 10 and np.ptp(vals) > 0:
            parts = ax.violinplot(
                vals, positions=[y], orientation="horizontal", widths=0.8, showextrema=False
            )
            for body in parts["bodies"]:
                body.set_facecolor(colour)
                body.set_edgecolor(colour)
                body.set_alpha(0.3)
        shown = vals if vals.size <= MAX_POINTS else rng.choice(vals, MAX_POINTS, replace=False)
        jitter = rng.uniform(-0.15, 0.15, shown.size)
        ax.scatter(shown, y + jitter, s=8, color=colour, alpha=0.6, lw=0, zorder=3)
        lo, med, hi = np.quantile(vals, [interval[0], 0.5, interval[1]])
        ax.hlines(y, lo, hi, color=colour, lw=3, zorder=4)
        ax.scatter([med], [y], s=30, color="white", edgecolor=colour, zorder=5)
        if scen == baseline:
            ax.axvline(med, color="black", ls="--", lw=0.8, zorder=1)
    ax.set_yticks(range(len(names)), [f"{s}" for s in reversed(names)])
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlabel(info.label)
    _value_axis(ax, info.unit if info.kind != "rate" else "fraction", axis="x")
    ax.set_title(
        f"{column}: the runs of each scenario\n"
        f"white dot: median; thick line: {interval[0]:.0%}-{interval[1]:.0%} range"
        + (f"; dashed line: the {baseline} median" if baseline else ""),
        loc="left",
        fontsize=9,
    )
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    return fig


@styled
def difference_plot(cmp: Comparison) -> Figure:
    """Mean difference of each scenario from the baseline with its confidence interval.

    As a percentage of the baseline mean, one row per outcome.
    """
    diffs = cmp.differences
    if "point_id" in diffs.columns:  # several design points: the first one
        diffs = diffs[diffs["point_id"] == diffs["point_id"].iloc[0]]
    others = [s for s in cmp.scenarios if s != cmp.baseline]
    colours = scenario_colours(cmp.scenarios, cmp.baseline)
    outcomes = list(cmp.outcomes)
    fig = new_figure(7.5, 1.2 + 0.3 * len(outcomes) * max(1, len(others)) ** 0.5)
    ax = fig.add_subplot()
    step = 0.7 / max(1, len(others))
    base_mean = cmp.summary[cmp.summary["scenario"] == cmp.baseline].set_index("outcome")["mean"]
    base_mean = base_mean[~base_mean.index.duplicated()]
    for j, scen in enumerate(others):
        d = diffs[diffs["scenario"] == scen].set_index("outcome").reindex(outcomes)
        scale = np.abs(base_mean.reindex(outcomes).to_numpy(dtype=float))
        with np.errstate(all="ignore"):
            mid = d["diff_mean"].to_numpy(dtype=float) / scale
            lo = d["ci_low"].to_numpy(dtype=float) / scale
            hi = d["ci_high"].to_numpy(dtype=float) / scale
        y = len(outcomes) - 1 - np.arange(len(outcomes)) + 0.35 - step * (j + 0.5)
        ok = np.isfinite(mid)
        ax.hlines(y[ok], lo[ok], hi[ok], color=colours[scen], lw=2)
        ax.scatter(mid[ok], y[ok], color=colours[scen], s=18, zorder=3, label=scen)
    ax.axvline(0, color="black", lw=0.8)
    ax.set_yticks(range(len(outcomes)), list(reversed(outcomes)))
    _percent_axis(ax, "x", decimals=0)
    ax.set_xlabel(f"difference from {cmp.baseline}, % of the {cmp.baseline} mean")
    ax.set_title(
        f"Mean difference from {cmp.baseline} with {cmp.level:.0%} bootstrap interval",
        loc="left",
    )
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    if others:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig


# --------------------------------------------------------------------------------------------
# every figure of a results folder


@dataclass
class FigureSpec:
    """A figure of the report.

    Attributes:
        name: File stem, e.g. ``fan_civilian_fatalities``.
        section: ``fan``, ``distribution``, ``difference`` or ``map``.
        title: Heading.
        caption: What it shows.
        figure: The matplotlib figure.
    """

    name: str
    section: str
    title: str
    caption: str
    figure: Figure


def iter_figures(
    results: Results,
    comparison: Comparison | None = None,
    *,
    fan_outcomes: Sequence[str] | None = None,
    maps: bool = True,
) -> Iterator[FigureSpec]:
    """Make every figure of a results folder, one at a time.

    Args:
        results: The results.
        comparison: A comparison of the results (made with the defaults if None); its baseline
            and outcomes choose what the distribution plots show.
        fan_outcomes: Monthly outcomes drawn as fan charts (default :data:`FAN_OUTCOMES`).
        maps: Also draw the maps (if the results kept series or events).

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
    if "series" not in results.tables:
        return
    from malisim.viz.maps import MAP_SERIES_COLUMNS

    wanted = list(fan_outcomes or FAN_OUTCOMES)
    available = _series_columns(results)
    ids = [
        c
        for c in ("run_id", "scenario", "point_id", "replicate", "date", "region")
        if c in available
    ]
    need = [c for c in dict.fromkeys([*wanted, *MAP_SERIES_COLUMNS]) if c in available]
    series = results.read("series", [*ids, *need])
    timeline = policy_timeline(results.manifest, scenarios)
    for outcome in wanted:
        if outcome not in series.columns:
            continue
        yield FigureSpec(
            f"fan_{outcome}",
            "fan",
            outcome,
            f"{_DESCRIPTIONS.get(outcome, outcome)} National monthly values: median of the "
            "runs (line), 50% and 90% of the runs (bands). Vertical lines: policy dates "
            "(grey dashed: in every scenario; coloured dotted: only in the scenarios named).",
            fan_chart(series, outcome, scenarios=scenarios, baseline=baseline, timeline=timeline),
        )
    if maps:
        from malisim.viz.maps import iter_maps

        yield from iter_maps(results, scenarios=scenarios, baseline=baseline, series=series)


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
