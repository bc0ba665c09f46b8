"""Analysing batch results: comparing scenarios with a baseline, with their uncertainty.

Public API:

* :func:`compare` — one or more results folders: per outcome and scenario the distribution of
  the runs, and against a baseline the paired difference with a bootstrap confidence interval,
  P(higher), an effect size and a test corrected for multiple comparisons;
* :func:`compare_table` — the same on an outcomes DataFrame;
* :class:`Comparison` — the result (``summary``, ``differences``, ``table``, ``format()``,
  ``to_csv()``);
* :func:`select_outcomes`, :func:`scalar_info`, :func:`format_value` — outcome names and units.

Modules: :mod:`~malisim.analysis.compare` (the comparison), :mod:`~malisim.analysis.comparison`
(its result and text form), :mod:`~malisim.analysis.statistics` (paired and unpaired statistics,
bootstrap, corrections), :mod:`~malisim.analysis.columns` (outcome columns and what they
measure), :mod:`~malisim.analysis.sources` (results folders), :mod:`~malisim.analysis.targets`
(documented figures and their simulated values), :mod:`~malisim.analysis.synthetic` (results
folders for tests). Plots and maps are in :mod:`malisim.viz`, the HTML report in
:mod:`malisim.report`. Importing this package imports neither scipy.stats nor matplotlib.
"""

from malisim.analysis.columns import DEFAULT_OUTCOMES, ScalarInfo, scalar_info, select_outcomes
from malisim.analysis.compare import compare, compare_table
from malisim.analysis.comparison import Comparison, format_comparison
from malisim.analysis.statistics import CORRECTIONS
from malisim.core.formatting import format_value

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
