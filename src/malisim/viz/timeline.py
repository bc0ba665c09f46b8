"""The policy timeline of fan charts: policy dates as numbered vertical lines and their key.

* :func:`policy_timeline` — the policies of a manifest's scenarios as dated marks;
* :func:`timeline_key` — the marks between two dates, numbered (one number per month and set of
  scenarios); grey for policies every scenario shown has, else in the first owner's colour;
* :func:`draw_timeline` and :func:`draw_key` — the lines on a time axis and the key below it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.axes import Axes

#: Fields that date a policy, earliest first.
_DATE_FIELDS: tuple[str, ...] = ("announcement", "start", "drawdown_start")


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


def draw_timeline(ax: Axes, key: Sequence[KeyEntry]) -> None:
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


def key_height(key: Sequence[KeyEntry]) -> float:
    """Inches the key needs."""
    if not key:
        return 0.0
    lines = max(sum(len(w) for _, w in col) for col in _key_columns(key))
    return _KEY_LINE_IN * lines + 0.1


def draw_key(ax: Axes, key: Sequence[KeyEntry], height: float) -> None:
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
