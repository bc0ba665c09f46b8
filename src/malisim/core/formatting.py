"""Numbers and user text as they are shown: in the terminal, the HTML report and the page.

One place for the display rules, so that a value reads the same wherever it is shown:

* :func:`format_value` — a run-level value by its kind (:data:`VALUE_KINDS`): counts with
  thousands separators, shares and rates as percent (differences in percentage points),
  indices with three decimals;
* :func:`format_figure` — a documented figure or a simulated value beside it;
* :func:`format_yes_no` — a check's answer; :func:`format_p` — a p-value;
  :func:`format_number` — any number with a format spec, ``-`` when it is missing;
  :func:`format_relative` — a relative change as a signed percent;
* :func:`escape` — user text (scenario names, descriptions, notes) made safe for HTML.

Missing values (None, NaN) read ``-`` everywhere unless said otherwise.
"""

from __future__ import annotations

import html
import math
from typing import Any, Literal

#: How a value is formatted: ``count`` (people, events...), ``share`` (0-1, of a whole),
#: ``index`` (1 = a reference date) or ``rate`` (a growth rate, fraction per year).
ValueKind = Literal["count", "share", "index", "rate"]
VALUE_KINDS: tuple[ValueKind, ...] = ("count", "share", "index", "rate")
#: Text shown for a missing value.
MISSING = "-"


def is_missing(value: Any) -> bool:
    """Whether a value is absent: None or a float NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value: float, kind: str, signed: bool = False) -> str:
    """Format a run-level value (or a difference of two, with ``signed``).

    Args:
        value: The value.
        kind: One of :data:`VALUE_KINDS` (anything else formats as a count).
        signed: Show the sign (``+``/``-``): the value is a difference. Differences of shares
            and rates are in percentage points (``pt``).

    Returns:
        Shares and rates as percent (rates below 10% with one decimal), indices with three
        decimals (tiny differences with two significant digits), counts with thousands
        separators (and decimals below 100); ``-`` when missing, ``inf`` when infinite.
    """
    if is_missing(value):
        return MISSING
    if math.isinf(value):
        return ("+" if value > 0 and signed else "") + ("inf" if value > 0 else "-inf")
    sign = "+" if signed else ""
    if kind in ("share", "rate"):
        if signed:
            pts = value * 100
            return f"{pts:+.2f} pt" if abs(pts) < 1 else f"{pts:+.1f} pt"
        return f"{value:.1%}" if abs(value) < 0.1 and kind == "rate" else f"{value:.0%}"
    if kind == "index":
        if signed and 0 < abs(value) < 0.01:
            return f"{value:+.2g}"
        return f"{value:{sign}.3f}"
    mag = abs(value)
    if mag >= 100 or mag == 0:
        return f"{value:{sign},.0f}"
    if mag >= 1:
        return f"{value:{sign},.1f}"
    return f"{value:{sign}.3g}"


def format_figure(value: float, kind: str, unit: str = "") -> str:
    """A documented figure, or a simulated value beside it: percent or a whole number.

    Args:
        value: The value.
        kind: The figure's kind (``count``, ``stock``, ``rate``, ``share``, ``regional_share``
            or ``share_of_total``).
        unit: Its unit; ``fraction`` reads as a percent whatever the kind.

    Returns:
        Rates, shares and fractions as percent with one decimal, others as whole numbers with
        thousands separators; ``-`` when missing.
    """
    if is_missing(value):
        return MISSING
    if unit == "fraction" or kind in ("rate", "share", "regional_share", "share_of_total"):
        return f"{value:.1%}"
    return f"{value:,.0f}"


def format_yes_no(value: Any) -> str:
    """A yes/no answer (``yes``, ``no``; ``-`` when missing, e.g. a check that does not apply)."""
    if is_missing(value):
        return MISSING
    return "yes" if value else "no"


def format_p(p: float) -> str:
    """A p-value as text (``<0.001`` below one in a thousand, ``-`` when missing)."""
    if is_missing(p):
        return MISSING
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def format_number(value: float, spec: str) -> str:
    """Format ``value`` with a format spec (e.g. ``".2f"``, ``"+.2f"``); ``-`` when missing."""
    if is_missing(value):
        return MISSING
    return format(value, spec)


def format_relative(value: float, decimals: int = 0) -> str:
    """A relative change as a signed percent (``+12%``); ``-`` when missing or infinite."""
    if is_missing(value) or math.isinf(value):
        return MISSING
    return f"{value:+.{decimals}%}"


def escape(text: Any) -> str:
    """User text made safe inside HTML elements and quoted attributes (``&<>"'`` escaped)."""
    return html.escape(str(text), quote=True)
