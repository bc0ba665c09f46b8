"""Fan charts: a monthly national series per scenario, its median and the spread of the runs.

The median line and the 50% and 90% bands of the runs, dates on the time axis, the unit on the
value axis and the policy timeline of the scenarios (:mod:`malisim.viz.timeline`) as vertical
lines: grey dashed for policies every scenario shares, in the scenario's colour (dotted) for
those only some scenarios have.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from malisim.model.outcomes import NATIONAL
from malisim.viz.axes import description_of, unit_of, value_axis
from malisim.viz.colours import scenario_colours
from malisim.viz.figure import new_figure, styled
from malisim.viz.timeline import (
    KeyEntry,
    TimelineMark,
    draw_key,
    draw_timeline,
    key_height,
    timeline_key,
)

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

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


def national_series(
    series: pd.DataFrame, outcome: str, scenarios: Sequence[str] | None = None
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """National monthly values of one outcome: scenario -> (dates, runs x dates matrix)."""
    nat = series.loc[series["region"] == NATIONAL, ["scenario", "run_id", "date", outcome]]
    out = {}
    for scen, frame in nat.groupby("scenario", sort=False):
        if scenarios is not None and scen not in scenarios:
            continue
        try:  # one value per run and date: a reshape (pivot_table averaged them, slowly)
            wide = frame.pivot(index="run_id", columns="date", values=outcome)
            wide = wide.sort_index().sort_index(axis=1)
        except ValueError:  # a run and date twice: their mean, as before
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
        timeline: Policy marks (see :func:`~malisim.viz.timeline.policy_timeline`).
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
    key_inches = key_height(key)
    fig = new_figure(8.0, 4.2 + key_inches)
    if key:
        grid = fig.add_gridspec(2, 1, height_ratios=[4.2, key_inches])
        ax = fig.add_subplot(grid[0])
        draw_key(fig.add_subplot(grid[1]), key, key_inches)
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
        draw_timeline(ax, key)
    import matplotlib.dates as mdates

    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    unit = unit_of(outcome)
    ax.set_ylabel(f"{outcome} ({unit})" if unit else outcome)
    value_axis(ax, unit)
    ax.set_ylim(bottom=0 if ax.get_ylim()[0] >= 0 else None)
    ax.set_title(title or f"{outcome}: {description_of(outcome)}".rstrip(": "), loc="left")
    if key:
        ax.set_xlabel("numbered lines: policy dates (key below)", fontsize=7, color="#555555")
    ax.grid(axis="y", color="#dddddd", lw=0.6)
    handles, labels = ax.get_legend_handles_labels()
    from matplotlib.patches import Patch

    handles += [Patch(color="#777777", alpha=0.4), Patch(color="#777777", alpha=0.14)]
    labels += ["50% of runs", "90% of runs"]
    ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
