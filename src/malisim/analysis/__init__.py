"""Analysing batch results: comparing scenarios with a baseline, with their uncertainty.

Public API:

* :func:`compare` — one or more results folders: per outcome and scenario the distribution of
  the runs, and against a baseline the paired difference with a bootstrap confidence interval,
  P(higher), an effect size and a test corrected for multiple comparisons;
* :func:`compare_table` — the same on an outcomes DataFrame;
* :class:`Comparison` — the result (``summary``, ``differences``, ``table``, ``format()``,
  ``to_csv()``);
* :func:`select_outcomes`, :func:`scalar_info`, :func:`format_value` — outcome names and units.

Plots and maps are in :mod:`malisim.viz`, the HTML report in :mod:`malisim.report`. Importing
this package imports neither scipy.stats nor matplotlib.
"""

from malisim.analysis.compare import (
    CORRECTIONS,
    DEFAULT_OUTCOMES,
    Comparison,
    ScalarInfo,
    compare,
    compare_table,
    format_comparison,
    format_value,
    scalar_info,
    select_outcomes,
)

__all__ = [
    "CORRECTIONS",
    "DEFAULT_OUTCOMES",
    "Comparison",
    "ScalarInfo",
    "compare",
    "compare_table",
    "format_comparison",
    "format_value",
    "scalar_info",
    "select_outcomes",
]
