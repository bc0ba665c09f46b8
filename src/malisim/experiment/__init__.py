"""Batch experiments: many replicates of several scenarios, resumable, on one machine or Dask.

Public API:

* :class:`Experiment`, :class:`DesignPoint`, :class:`RunSpec` — the design (also built in
  Python, e.g. by calibration and sensitivity analysis, from resolved scenarios and a list of
  parameter points); :func:`grid_points` and :func:`sample_points` make points;
* :func:`load_experiment` — an experiment file, validated with located errors;
* :func:`run_experiment` — run (or resume) an experiment into a results folder;
* :func:`load_results` / :class:`Results` — read a results folder as pandas DataFrames;
* :func:`format_status` — the ``malisim status`` report;
* :func:`distribution_table` / :func:`format_distributions` — outcome distributions.

Modules: ``config`` (experiment files), ``design`` (design, ids, seeds), ``worker`` (one run),
``executors`` (serial, local processes, Dask), ``store`` (the results folder: layout, manifest,
lock), ``atomic`` (crash-safe writes), ``status_log`` (the append-only log and run states),
``chunks`` (runs streamed into chunk files), ``consolidate`` (the final tables), ``batch``
(orchestration, resume), ``results`` (reading), ``progress``, ``report``, ``executor_kinds``.
Importing this package starts no process and imports neither multiprocessing's pools nor dask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from malisim.core.lazy import lazy_names

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.batch import BatchReport, run_experiment
    from malisim.experiment.config import load_experiment
    from malisim.experiment.design import (
        DesignPoint,
        Experiment,
        RunSpec,
        grid_points,
        sample_points,
    )
    from malisim.experiment.report import distribution_table, format_distributions
    from malisim.experiment.results import Results, format_status, load_results

#: Public name -> its module, imported on first access, so that importing a light module of
#: this package (e.g. ``executor_kinds`` for the command line's choices) loads no batch code.
_PUBLIC: dict[str, str] = {
    "BatchReport": "malisim.experiment.batch",
    "run_experiment": "malisim.experiment.batch",
    "load_experiment": "malisim.experiment.config",
    "DesignPoint": "malisim.experiment.design",
    "Experiment": "malisim.experiment.design",
    "RunSpec": "malisim.experiment.design",
    "grid_points": "malisim.experiment.design",
    "sample_points": "malisim.experiment.design",
    "distribution_table": "malisim.experiment.report",
    "format_distributions": "malisim.experiment.report",
    "Results": "malisim.experiment.results",
    "format_status": "malisim.experiment.results",
    "load_results": "malisim.experiment.results",
}

__all__ = [
    "BatchReport",
    "DesignPoint",
    "Experiment",
    "Results",
    "RunSpec",
    "distribution_table",
    "format_distributions",
    "format_status",
    "grid_points",
    "load_experiment",
    "load_results",
    "run_experiment",
    "sample_points",
]


__getattr__ = lazy_names(__name__, _PUBLIC)
