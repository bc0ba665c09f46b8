"""The plots' former single module, kept so that ``malisim.viz.plots`` imports still work.

The plots now live in one module per concept (new code imports them from :mod:`malisim.viz` or
from these modules):

* :mod:`malisim.viz.figure` — figures on the Agg canvas, the report style, saving
  (:class:`FigureSpec`, :func:`new_figure`, :func:`save_figure`, :func:`figure_bytes`);
* :mod:`malisim.viz.colours` — the Okabe-Ito colours of the scenarios;
* :mod:`malisim.viz.axes` — value axes by unit;
* :mod:`malisim.viz.timeline` — the policy timeline of the fan charts;
* :mod:`malisim.viz.fans` — fan charts of monthly national series;
* :mod:`malisim.viz.distributions` — distributions of run-level outcomes;
* :mod:`malisim.viz.differences` — differences from the baseline;
* :mod:`malisim.viz.results_figures` — every figure of a results folder.
"""

from malisim.viz.axes import unit_of
from malisim.viz.colours import OKABE_ITO, scenario_colours
from malisim.viz.differences import difference_plot
from malisim.viz.distributions import MAX_POINTS, distribution_plot
from malisim.viz.fans import FAN_BANDS, FAN_OUTCOMES, fan_chart, national_series
from malisim.viz.figure import (
    DPI,
    FORMATS,
    FigureSpec,
    figure_bytes,
    new_figure,
    require_matplotlib,
    save_figure,
    styled,
)
from malisim.viz.results_figures import iter_figures, write_figures
from malisim.viz.timeline import KeyEntry, TimelineMark, policy_timeline, timeline_key

__all__ = [
    "DPI",
    "FAN_BANDS",
    "FAN_OUTCOMES",
    "FORMATS",
    "MAX_POINTS",
    "OKABE_ITO",
    "FigureSpec",
    "KeyEntry",
    "TimelineMark",
    "difference_plot",
    "distribution_plot",
    "fan_chart",
    "figure_bytes",
    "iter_figures",
    "national_series",
    "new_figure",
    "policy_timeline",
    "require_matplotlib",
    "save_figure",
    "scenario_colours",
    "styled",
    "timeline_key",
    "unit_of",
    "write_figures",
]
