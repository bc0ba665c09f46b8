"""Figures of batch results: plots (:mod:`.plots`) and maps of Mali's grid (:mod:`.maps`).

Every figure is a :class:`matplotlib.figure.Figure` on the Agg canvas, saved as PNG and SVG;
matplotlib is imported only when a figure is made (importing this package does not import it),
and pyplot's global state is never touched.

* :func:`write_figures` — every plot and map of a results folder into a folder;
* :func:`iter_figures` — the same as :class:`FigureSpec` objects (for the HTML report);
* :func:`fan_chart`, :func:`distribution_plot`, :func:`difference_plot` — single plots.
"""

from malisim.viz.plots import (
    OKABE_ITO,
    FigureSpec,
    difference_plot,
    distribution_plot,
    fan_chart,
    iter_figures,
    policy_timeline,
    save_figure,
    scenario_colours,
    write_figures,
)

__all__ = [
    "OKABE_ITO",
    "FigureSpec",
    "difference_plot",
    "distribution_plot",
    "fan_chart",
    "iter_figures",
    "policy_timeline",
    "save_figure",
    "scenario_colours",
    "write_figures",
]
