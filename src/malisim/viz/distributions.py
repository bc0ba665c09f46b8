"""Distribution plots: a run-level outcome per scenario, one row per scenario.

Violins (10 runs or more), the runs as points (up to :data:`MAX_POINTS`), the median and the
5-95% range; the baseline's median as a dashed reference line.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from malisim.viz.axes import value_axis
from malisim.viz.colours import scenario_colours
from malisim.viz.figure import new_figure, styled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

#: Runs drawn as points on distribution plots (at most).
MAX_POINTS = 200


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
    value_axis(ax, info.unit if info.kind != "rate" else "fraction", axis="x")
    ax.set_title(
        f"{column}: the runs of each scenario\n"
        f"white dot: median; thick line: {interval[0]:.0%}-{interval[1]:.0%} range"
        + (f"; dashed line: the {baseline} median" if baseline else ""),
        loc="left",
        fontsize=9,
    )
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    return fig
