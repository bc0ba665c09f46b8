"""Small time-series charts drawn directly as SVG (lines, stacked areas, bands).

The page redraws its charts every simulated month; matplotlib takes several hundred
milliseconds per redraw of six panels on a modest machine, an SVG string a few milliseconds. The
browser scales SVG to the width of its container, so the charts stay sharp at any size.

Hovering a chart shows the values of the month under the pointer: each month is a transparent
column (``rect.hover``) whose ``<title>`` lists every series' value that month (the browser
shows it as a tooltip; no script). Dated markers (:class:`Marker`, the scenario's policies) are
dashed vertical lines (``line.marker``) whose ``<title>`` names the date and the policy.

A charting library (Plotly, Altair) would add zoom and export, but none is installed with the
project, and a Plotly figure per chart costs far more per redraw than these strings; the run's
data are exported beside the charts instead (CSV, Parquet).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from malisim.core.formatting import escape

#: Plot area margins (px in the chart's own coordinates): left, right, top, bottom.
MARGINS = (34, 8, 31, 16)


@dataclass(frozen=True)
class Series:
    """One thing drawn on a chart.

    Attributes:
        label: Legend text ("" for none).
        colour: CSS colour.
        y: Values (for ``line`` and ``area``), same length as the chart's x.
        kind: ``line``, ``area`` (stacked on the previous areas) or ``band`` (between ``y`` and
            ``y2``).
        y2: Upper values of a band.
        dashed: Dashed line.
        opacity: Fill opacity of areas and bands.
        width: Line width.
    """

    label: str
    colour: str
    y: np.ndarray
    kind: str = "line"
    y2: np.ndarray | None = None
    dashed: bool = False
    opacity: float = 0.9
    width: float = 1.6
    x: np.ndarray | None = None


@dataclass(frozen=True)
class Marker:
    """A dated marker: a dashed vertical line at ``x`` (decimal years) with a hover text."""

    x: float
    text: str


MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def month_of(x: float) -> str:
    """The month of a decimal year (``month index / 12``) as "March 2021"."""
    return _month_name(round(float(x) * 12.0))


@functools.lru_cache(maxsize=4096)
def _month_name(index: int) -> str:
    """A month index (``year * 12 + month - 1``) as "March 2021".

    Cached: the hover columns name every month of the run at every redraw.
    """
    year, month0 = divmod(index, 12)
    return f"{MONTHS[month0]} {year}"


def format_value(v: float) -> str:
    """A value for a hover text: 12,345 / 3.2 / 0.45."""
    if not math.isfinite(v):
        return "n/a"
    a = abs(v)
    if a >= 100 or float(v).is_integer():
        return f"{v:,.0f}"
    if a >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


@functools.lru_cache(maxsize=256)
def _marker_lines(
    markers: tuple[Marker, ...], xa: float, xb: float, left: float, pw: float, top: float, ph: float
) -> str:
    """The markers inside ``[xa, xb]`` as dashed vertical lines with their hover text.

    Cached: the same markers are drawn on the same axes at every redraw of a run.
    """
    out = []
    for m in markers:
        if not xa <= m.x <= xb:
            continue
        xx = left + (m.x - xa) / (xb - xa) * pw
        out.append(
            f'<line x1="{xx:.1f}" y1="{top}" x2="{xx:.1f}" y2="{top + ph}" class="marker" '
            'stroke="#8a5a00" stroke-width="0.9" stroke-dasharray="2 2">'
            f"<title>{_escaped(month_of(m.x))}: {_escaped(m.text)}</title></line>"
        )
    return "".join(out)


@functools.lru_cache(maxsize=1024)
def _escaped(text: str) -> str:
    """:func:`escape` of a text drawn on every redraw (marker texts, month names), cached."""
    return escape(text)


def nice_ticks(lo: float, hi: float, n: int = 4) -> np.ndarray:
    """About ``n`` round tick values covering ``[lo, hi]``."""
    if not math.isfinite(lo) or not math.isfinite(hi) or hi <= lo:
        hi = lo + 1.0
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    first = math.ceil(lo / step - 1e-9) * step
    return np.arange(first, hi + step * 0.5, step)


def format_tick(v: float, step: float) -> str:
    """Short tick label: 12k, 1.5M, 0.25, 40."""
    a = abs(v)
    if a >= 1e6:
        return f"{v / 1e6:g}M"
    if a >= 1e4 or (a >= 1e3 and step >= 1e3):
        return f"{v / 1e3:g}k"
    if step >= 1:
        return f"{v:.0f}"
    decimals = max(0, -math.floor(math.log10(step)) + (0 if step * 10 % 1 == 0 else 1))
    return f"{v:.{min(decimals, 3)}f}"


def _finite(values: np.ndarray) -> np.ndarray:
    """``values`` as floats, NaN as 0 and infinities as the largest floats (``nan_to_num``).

    When all are finite (the common case) the values are returned as they are, not copied.
    """
    y = np.asarray(values, dtype=float)
    return y if np.isfinite(y).all() else np.nan_to_num(y)


def _fmt_points(xs: np.ndarray, ys: np.ndarray) -> str:
    """``x,y`` pairs to one decimal, space-separated.

    Formatted from Python floats: a numpy scalar formats the same text several times slower.
    """
    xl, yl = np.asarray(xs, dtype=float).tolist(), np.asarray(ys, dtype=float).tolist()
    if len(xl) != len(yl):
        raise ValueError(f"{len(xl)} x values but {len(yl)} y values")
    return " ".join(map("{:.1f},{:.1f}".format, xl, yl))


def _legend(series: Sequence[Series], width: int) -> tuple[list[str], int]:
    """Legend items under the title, wrapped to the width; return them and the line count."""
    out: list[str] = []
    lx, line = 6.0, 0
    for s in series:
        if not s.label:
            continue
        item = 12 + 5.1 * len(s.label)
        if lx > 6.0 and lx + item > width - 2:
            lx, line = 6.0, line + 1
        y = 20 + 11 * line
        if s.kind == "line":
            dash = ' stroke-dasharray="3 2"' if s.dashed else ""
            out.append(
                f'<line x1="{lx}" y1="{y}" x2="{lx + 10}" y2="{y}" stroke="{s.colour}" '
                f'stroke-width="2"{dash}/>'
            )
        else:
            out.append(
                f'<rect x="{lx}" y="{y - 4}" width="9" height="8" fill="{s.colour}" '
                f'fill-opacity="{s.opacity}"/>'
            )
        label = escape(s.label)
        out.append(f'<text x="{lx + 12}" y="{y + 3.5}" font-size="9" fill="#333">{label}</text>')
        lx += item + 8
    return out, line + 1


def chart_svg(
    title: str,
    x: np.ndarray,
    series: Sequence[Series],
    x_range: tuple[float, float],
    y_range: tuple[float | None, float | None] = (0.0, None),
    width: int = 260,
    height: int = 160,
    name: str = "",
    markers: Sequence[Marker] = (),
    hover: bool = True,
) -> str:
    """A chart as SVG text.

    Args:
        title: Title, drawn top left.
        x: x values (decimal years), shared by the series.
        series: What to draw, in order (areas stack in the order given).
        x_range: x axis limits.
        y_range: y axis limits; None for a limit taken from the data.
        width: Width in chart units (the SVG scales to its container).
        height: Height in chart units.
        name: Value of the ``data-chart`` attribute (for tests and styling).
        markers: Dated markers drawn as dashed vertical lines (outside the x range: left out).
        hover: Draw the hover columns (one per x value, its ``<title>`` the month's values).

    Returns:
        SVG text with ``data-points`` (number of x values drawn).
    """
    legend, lines = _legend(series, width)
    left, right, top, bottom = MARGINS
    top += 11 * (lines - 1)
    pw, ph = width - left - right, height - top - bottom
    x = np.asarray(x, dtype=float)
    stacked = np.zeros_like(x)
    drawn: list[tuple[Series, np.ndarray, np.ndarray, np.ndarray | None]] = []
    values = []
    for s in series:
        sx = x if s.x is None else np.asarray(s.x, dtype=float)
        y = _finite(s.y)
        if s.kind == "area":
            base = stacked.copy()
            stacked = stacked + y
            drawn.append((s, sx, stacked.copy(), base))
            values.append(stacked)
        elif s.kind == "band":
            y2 = _finite(s.y2)
            drawn.append((s, sx, y2, y))
            values += [y, y2]
        else:
            drawn.append((s, sx, y, None))
            values.append(y)
    data_max = max((float(v.max()) for v in values if v.size), default=1.0)
    data_min = min((float(v.min()) for v in values if v.size), default=0.0)
    y0 = data_min if y_range[0] is None else y_range[0]
    y1 = data_max if y_range[1] is None else y_range[1]
    if y_range[1] is None:
        y1 = max(y1 * 1.08, y0 + 1e-9)
        if y_range[0] is None:
            pad = (y1 - y0) * 0.1 or abs(y1) * 0.05 or 1.0
            y0, y1 = y0 - pad, y1 + pad
    if y1 <= y0:
        y1 = y0 + 1.0
    ticks = nice_ticks(y0, y1)
    step = float(ticks[1] - ticks[0]) if ticks.size > 1 else 1.0
    if y_range[1] is None:
        y1 = max(y1, float(ticks[-1]))
    if y_range[0] is None:
        y0 = min(y0, float(ticks[0]))
    ticks = ticks[(ticks >= y0 - 1e-9) & (ticks <= y1 + 1e-9)]
    xa, xb = x_range

    def px(v: np.ndarray) -> np.ndarray:
        return left + (np.asarray(v, dtype=float) - xa) / (xb - xa) * pw

    def py(v: np.ndarray) -> np.ndarray:
        return top + ph - (np.asarray(v, dtype=float) - y0) / (y1 - y0) * ph

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'class="malisim-chart" data-chart="{escape(name)}" data-points="{x.size}" '
        f'font-family="sans-serif">',
        f'<text x="4" y="12" font-size="11" font-weight="600" fill="#222">{escape(title)}</text>',
    ]
    out += legend
    # grid and axes
    for t, yy in zip(ticks.tolist(), py(ticks).tolist(), strict=True):
        out.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{left + pw}" y2="{yy:.1f}" stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{left - 3}" y="{yy + 3:.1f}" font-size="9" text-anchor="end" '
            f'fill="#555">{format_tick(t, step)}</text>'
        )
    years = np.arange(math.ceil(xa), math.floor(xb) + 1)
    every = 2 if years.size > 6 else 1
    shown_years = years[::every]
    for yr, xx in zip(shown_years.tolist(), px(shown_years).tolist(), strict=True):
        if xx > left + pw - 6:
            continue
        out.append(
            f'<line x1="{xx:.1f}" y1="{top}" x2="{xx:.1f}" y2="{top + ph}" stroke="#f0f0f0"/>'
        )
        out.append(
            f'<text x="{xx:.1f}" y="{height - 4}" font-size="9" text-anchor="middle" '
            f'fill="#555">{int(yr)}</text>'
        )
    out.append(
        f'<path d="M{left} {top}V{top + ph}H{left + pw}" fill="none" stroke="#888" '
        'stroke-width="0.8"/>'
    )
    # data, clipped to the plot area
    clip = f"clip-{escape(name) or 'c'}"
    out.append(
        f'<clipPath id="{clip}"><rect x="{left}" y="{top}" width="{pw}" height="{ph}"/></clipPath>'
        f'<g clip-path="url(#{clip})">'
    )
    for s, sx, y, base in drawn:
        if sx.size == 0:
            continue
        xs = px(sx)
        if s.kind in ("area", "band"):
            assert base is not None
            pts = _fmt_points(
                np.concatenate([xs, xs[::-1]]), np.concatenate([py(y), py(base)[::-1]])
            )
            out.append(
                f'<polygon points="{pts}" fill="{s.colour}" fill-opacity="{s.opacity}" '
                'stroke="none"/>'
            )
        else:
            dash = ' stroke-dasharray="4 3"' if s.dashed else ""
            out.append(
                f'<polyline points="{_fmt_points(xs, py(y))}" fill="none" stroke="{s.colour}" '
                f'stroke-width="{s.width}" stroke-linejoin="round"{dash}/>'
            )
    out.append("</g>")
    if markers:
        out.append(_marker_lines(tuple(markers), xa, xb, left, pw, top, ph))
    if hover and x.size:
        out.append(_hover_columns(x, series, px, top, ph, markers, name))
    out.append("</svg>")
    return "".join(out)


def format_values(values: np.ndarray) -> list[str]:
    """:func:`format_value` of each value (the classes are found with numpy, at once)."""
    y = np.asarray(values, dtype=float)
    finite = np.isfinite(y)
    a = np.abs(np.where(finite, y, 0.0))
    whole = finite & ((a >= 100) | (y == np.round(y)))
    tenth = finite & ~whole & (a >= 10)
    if whole.all():  # counts: one format for all (the common case, formatted at once)
        return list(map("{:,.0f}".format, y.tolist()))
    kind = np.where(whole, 0, np.where(tenth, 1, np.where(finite, 2, 3))).tolist()
    fmts = ("{:,.0f}".format, "{:.1f}".format, "{:.2f}".format, "n/a".format)
    return [fmts[k](v) for k, v in zip(kind, y.tolist(), strict=True)]


#: The last hover columns drawn for each chart name (see :func:`_hover_columns`).
_HOVER_CACHE: dict[str, tuple[object, np.ndarray, np.ndarray, list[str]]] = {}


def _aligned(series: Sequence[Series], x: np.ndarray) -> np.ndarray:
    """Each series' values at the chart's x values (NaN where it has none), one row each.

    A band gives two rows (lower, upper).
    """
    n = x.size
    rows = []
    for s in series:
        if s.x is not None and (len(s.x) != n or not np.allclose(s.x, x)):
            own = np.asarray(s.x, dtype=float)
            pos = np.minimum(np.searchsorted(own, x - 1e-9), max(own.size - 1, 0))
            ok = (np.abs(own[pos] - x) < 1e-6) if own.size else np.zeros(n, dtype=bool)
            y = np.where(ok, np.asarray(s.y, dtype=float)[pos] if own.size else np.nan, np.nan)
        else:
            y = np.asarray(s.y, dtype=float)[:n]
        rows.append(np.pad(y, (0, n - y.size), constant_values=np.nan) if y.size < n else y)
        if s.kind == "band":
            y2 = np.asarray(s.y2, dtype=float)[:n]
            rows.append(np.pad(y2, (0, n - y2.size), constant_values=np.nan))
    return np.vstack(rows) if rows else np.zeros((0, n))


def _hover_titles(
    x: np.ndarray, values: np.ndarray, series: Sequence[Series], markers: Sequence[Marker]
) -> list[str]:
    """The hover text of each x value: its month, the policies dated there, the values.

    Each series' lines are made for all months at once, then joined month by month (a value
    that is not finite gets no line, except in a band: "n/a to 3").
    """
    n = x.size
    texts: list[list[str]] = [[_month_name(round(v * 12.0)) for v in x.tolist()]]
    if markers and n:
        policy = [""] * n
        lo, hi = float(x.min()) - 1e-6, float(x.max()) + 1e-6
        for m in markers:
            if not lo <= m.x <= hi:  # no month of these columns is the marker's
                continue
            i = int(np.argmin(np.abs(x - m.x)))
            if abs(float(x[i]) - m.x) < 1e-6:
                line = f"policy: {_escaped(m.text)}"
                policy[i] = f"{policy[i]}\n{line}" if policy[i] else line
        texts.append(policy)
    row = 0
    for s in series:
        prefix = f"{_escaped(s.label or 'value')}: "
        y = values[row]
        row += 1
        if s.kind == "band":
            lo, hi = format_values(y), format_values(values[row])
            row += 1
            lines = [f"{prefix}{a} to {b}" for a, b in zip(lo, hi, strict=True)]
        else:
            shown = np.isfinite(y)
            lines = [prefix + t for t in format_values(y)]
            if not shown.all():
                lines = [t if keep else "" for t, keep in zip(lines, shown.tolist(), strict=True)]
        texts.append(lines)
    return ["\n".join(filter(None, col)) for col in zip(*texts, strict=True)]


def _hover_columns(
    x: np.ndarray,
    series: Sequence[Series],
    px: Callable[[np.ndarray], np.ndarray],
    top: float,
    ph: float,
    markers: Sequence[Marker] = (),
    name: str = "",
) -> str:
    """One transparent column per x value; its title lists the series' values there.

    The markers of a month are named in its title too (the column covers their line). Labels
    and marker texts are escaped once; numbers and month names need no escaping.

    The page redraws a chart every month with one month more: the columns of the chart last
    drawn under ``name`` are kept (:data:`_HOVER_CACHE`), and those of its months whose position
    and values are unchanged (checked with numpy, exactly) are reused, so a redraw writes the
    new months' columns only. Any other chart is drawn in full; the text is the same either way.
    """
    xs = px(x)
    half = (float(xs[1] - xs[0]) if x.size > 1 else 4.0) / 2.0
    values = _aligned(series, x)
    column = (
        f'<rect class="hover" x="{{:.1f}}" y="{top}" width="{2 * half:.1f}" height="{ph}">'
        "<title>{}</title></rect>"
    )
    key = (column, tuple((s.label, s.kind) for s in series), tuple(markers))
    cached = _HOVER_CACHE.get(name) if name else None
    reuse = 0
    if cached is not None and cached[0] == key:
        old_xs, old_values, old_columns = cached[1], cached[2], cached[3]
        k = old_xs.size
        if (
            k <= xs.size
            and np.array_equal(old_xs, xs[:k])
            and np.array_equal(old_values, values[:, :k], equal_nan=True)
        ):
            reuse = k
    if reuse == x.size:  # the same chart again
        columns = old_columns
    else:
        new = _hover_titles(x[reuse:], values[:, reuse:], series, markers)
        columns = (old_columns[:reuse] if reuse else []) + list(
            map(column.format, (xs[reuse:] - half).tolist(), new)
        )
    if name:
        _HOVER_CACHE[name] = (key, xs.copy(), values.copy(), columns)
    return "".join(['<g class="hover" fill="#000" fill-opacity="0">', *columns, "</g>"])
