"""malisim: agent-based simulation of stabilisation scenarios in Mali, built on Mesa.

A tool to explore scenarios and their uncertainty, not a forecast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from malisim.experiment import BatchReport, Experiment, Results

from malisim.core.version import __version__ as __version__


def run_experiment(
    experiment: Experiment | str | Path, out: str | Path, **options: Any
) -> BatchReport:
    """Run (or resume) a batch experiment into a results folder.

    A lazy wrapper of :func:`malisim.experiment.run_experiment` (see it for the options:
    ``executor``, ``workers``, ``scheduler``, ``dask_local``, ``resume``, ``force``,
    ``retry_failed``, ``progress`` ...): importing malisim imports none of the batch machinery.

    Args:
        experiment: An experiment file or a :class:`malisim.experiment.Experiment`.
        out: The results folder.
        **options: Passed to :func:`malisim.experiment.run_experiment`.

    Returns:
        What was done (a :class:`malisim.experiment.BatchReport`).
    """
    from malisim.experiment import run_experiment as _run_experiment

    return _run_experiment(experiment, out, **options)


def load_results(path: str | Path) -> Results:
    """Open a results folder: outcomes, design, series, events and status as DataFrames.

    A lazy wrapper of :func:`malisim.experiment.load_results`.

    Args:
        path: The results folder.

    Returns:
        A :class:`malisim.experiment.Results` (tables are read on first access).
    """
    from malisim.experiment import load_results as _load_results

    return _load_results(path)
