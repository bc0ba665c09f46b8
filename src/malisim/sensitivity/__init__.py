"""Which assumptions matter: global sensitivity analysis and scenario discovery.

Public API:

* :func:`load_sensitivity` / :class:`SensitivityConfig` — a sensitivity file (scenario,
  parameters and ranges, outcomes, Morris or Sobol, sample size), validated with located errors;
* :func:`run_sensitivity` — draw the SALib sample, run it through the batch machinery
  (:func:`malisim.experiment.run_experiment`: local processes or Dask, resumable, the same
  results store) and write the indices, tables and plots to ``OUT/sensitivity``;
* :func:`analyse_results`, :func:`morris_indices`, :func:`sobol_indices` — the estimators
  (SALib, bootstrap confidence intervals);
* :func:`malisim.sensitivity.discover.discover` — scenario discovery over a results folder:
  PRIM boxes (EMA Workbench) and a CART tree (scikit-learn) for the runs where an outcome
  is, e.g., ``> q90``.

Modules: ``config``, ``spec`` (SALib problem, settings on disk), ``design``, ``analyse``,
``discover``, ``figures`` (matplotlib on use), ``report`` (HTML fragment for
``malisim report``). Importing this package imports neither SALib, EMA Workbench nor
scikit-learn.
"""

from malisim.sensitivity.analyse import (
    SensitivityResult,
    analyse_results,
    morris_indices,
    sobol_indices,
)
from malisim.sensitivity.config import SensitivityConfig, load_sensitivity
from malisim.sensitivity.design import build_experiment, run_sensitivity, sample_matrix

__all__ = [
    "SensitivityConfig",
    "SensitivityResult",
    "analyse_results",
    "build_experiment",
    "load_sensitivity",
    "morris_indices",
    "run_sensitivity",
    "sample_matrix",
    "sobol_indices",
]
