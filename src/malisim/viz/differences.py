"""Difference plots: each scenario's mean difference from the baseline, with its interval.

For every outcome of a :class:`~malisim.analysis.compare.Comparison`, as a percentage of the
baseline mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from malisim.viz.axes import percent_axis
from malisim.viz.colours import scenario_colours
from malisim.viz.figure import new_figure, styled

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

    from malisim.analysis.compare import Comparison


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
    percent_axis(ax, "x", decimals=0)
    ax.set_xlabel(f"difference from {cmp.baseline}, % of the {cmp.baseline} mean")
    ax.set_title(
        f"Mean difference from {cmp.baseline} with {cmp.level:.0%} bootstrap interval",
        loc="left",
    )
    ax.grid(axis="x", color="#dddddd", lw=0.6)
    if others:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return fig
