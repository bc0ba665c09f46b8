"""Figures of batch results: plots and maps of Mali's grid.

Every figure is a :class:`matplotlib.figure.Figure` on the Agg canvas, saved as PNG and SVG;
matplotlib is imported only when a figure is made (importing this package does not import it),
and pyplot's global state is never touched.

* :func:`write_figures` — every plot and map of a results folder into a folder;
* :func:`iter_figures` — the same as :class:`FigureSpec` objects (for the HTML report);
* :func:`fan_chart`, :func:`distribution_plot`, :func:`difference_plot` — single plots;
* :func:`save_figure`, :func:`figure_bytes` — a figure as files or in memory.

One module per concept: :mod:`.figure` (making, styling and saving figures), :mod:`.colours`,
:mod:`.axes` (value axes by unit), :mod:`.timeline` (the policy timeline of fan charts),
:mod:`.fans`, :mod:`.distributions`, :mod:`.differences`, :mod:`.maps` (maps of the grid) and
:mod:`.results_figures` (every figure of a results folder).
"""

from malisim.viz.colours import OKABE_ITO, scenario_colours
from malisim.viz.differences import difference_plot
from malisim.viz.distributions import distribution_plot
from malisim.viz.fans import FAN_OUTCOMES, fan_chart
from malisim.viz.figure import FigureSpec, figure_bytes, require_matplotlib, save_figure
from malisim.viz.results_figures import iter_figures, write_figures
from malisim.viz.timeline import TimelineMark, policy_timeline, timeline_key

__all__ = [
    "FAN_OUTCOMES",
    "OKABE_ITO",
    "FigureSpec",
    "TimelineMark",
    "difference_plot",
    "distribution_plot",
    "fan_chart",
    "figure_bytes",
    "iter_figures",
    "policy_timeline",
    "require_matplotlib",
    "save_figure",
    "scenario_colours",
    "timeline_key",
    "write_figures",
]
