"""Value axes by unit: shares in percent, counts in thousands (k) and millions (M).

The unit and description of a monthly outcome come from :data:`malisim.model.outcomes.OUTCOMES`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from malisim.model.outcomes import OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

_UNITS = {o.name: o.unit for o in OUTCOMES}
_DESCRIPTIONS = {o.name: o.description for o in OUTCOMES}


def unit_of(outcome: str) -> str:
    """Unit of a monthly outcome (empty if unknown)."""
    return _UNITS.get(outcome, "")


def description_of(outcome: str, default: str = "") -> str:
    """Description of a monthly outcome (``default`` if unknown)."""
    return _DESCRIPTIONS.get(outcome, default)


def percent_axis(ax: Axes, axis: str = "y", decimals: int | None = None) -> None:
    """Label an axis's ticks as percentages of 1 (``0.25`` -> ``25%``)."""
    from matplotlib.ticker import PercentFormatter

    formatter = PercentFormatter(1.0, decimals=decimals)
    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(formatter)


def thousands_axis(ax: Axes, axis: str = "y") -> None:
    """Label an axis's ticks in thousands (``k``) from 10,000 and millions (``M``)."""
    from matplotlib.ticker import FuncFormatter

    def fmt(x: float, _pos: int) -> str:
        if abs(x) >= 1e6:
            return f"{x / 1e6:g}M"
        if abs(x) >= 1e4:
            return f"{x / 1e3:g}k"
        return f"{x:,.10g}"

    (ax.yaxis if axis == "y" else ax.xaxis).set_major_formatter(FuncFormatter(fmt))


def value_axis(ax: Axes, unit: str, axis: str = "y") -> None:
    """Label an axis after its unit: shares in percent, indices as they are, else counts."""
    if unit.startswith("share") or unit == "fraction":
        percent_axis(ax, axis)
    elif not unit.startswith("index"):
        thousands_axis(ax, axis)
