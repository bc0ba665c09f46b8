"""Sensitivity designs: SALib samples as explicit design points, run through the batch machinery.

:func:`sample_matrix` draws the SALib sample (Morris trajectories with
:func:`SALib.sample.morris.sample`, or Saltelli's scheme for first-order and total Sobol indices
with :func:`SALib.sample.sobol.sample` and ``calc_second_order=False``); :func:`build_experiment`
turns its rows into :class:`~malisim.experiment.design.DesignPoint` objects (``p0000`` ... in
sample order) of one :class:`~malisim.experiment.design.Experiment`; :func:`run_sensitivity`
runs it into a results store with :func:`~malisim.experiment.run_experiment` (resumable, same
store as ``malisim batch``), then analyses it (:mod:`malisim.sensitivity.analyse`).

The sample depends only on the settings and the seed, so running the same file again with
``resume=True`` rebuilds the same experiment and continues it. Whole-number parameters are
rounded; the analysis uses the values actually run (read back from the design table).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from malisim.core.errors import UserError
from malisim.experiment.design import DesignPoint, Experiment, point_id
from malisim.model.parameters import parameter_specs
from malisim.sensitivity.config import SensitivityConfig, load_sensitivity
from malisim.sensitivity.spec import SENSITIVITY_DIR, salib_problem, write_spec


def sample_matrix(
    problem: Mapping[str, Any], method: str, n: int, levels: int = 4, seed: int = 1
) -> np.ndarray:
    """Draw the SALib sample of a method.

    Args:
        problem: SALib problem (``num_vars``, ``names``, ``bounds``).
        method: ``"morris"`` (``n`` trajectories on a ``levels`` grid, ``n (k + 1)`` rows) or
            ``"sobol"`` (Saltelli's scheme with a scrambled Sobol base sample of ``n``, first and
            total order only: ``n (k + 2)`` rows).
        n: Trajectories or base sample size.
        levels: Morris grid levels.
        seed: Seed of the sampler.

    Returns:
        The sample, one row per model evaluation, in SALib's order (the analysis needs it).
    """
    import warnings

    problem = dict(problem)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, N=int(n), num_levels=int(levels), seed=int(seed))
    if method == "sobol":
        from SALib.sample import sobol

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return sobol.sample(problem, int(n), calc_second_order=False, seed=int(seed))
    raise UserError(f"unknown method {method!r}", key="method", allowed="morris, sobol")


def points_from_matrix(names: list[str], x: np.ndarray) -> list[DesignPoint]:
    """Turn sample rows into design points ``p0000`` ... (whole-number parameters rounded)."""
    specs = parameter_specs()
    is_int = [specs[n].type is int for n in names]
    points = []
    for i, row in enumerate(np.asarray(x, dtype=float)):
        params = {
            name: int(np.rint(v)) if whole else float(v)
            for name, v, whole in zip(names, row, is_int, strict=True)
        }
        points.append(DesignPoint(point_id(i), params))
    return points


def build_experiment(cfg: SensitivityConfig) -> tuple[Experiment, np.ndarray]:
    """Build the experiment of an analysis: one scenario, the sample's points, replicates.

    Args:
        cfg: The analysis.

    Returns:
        ``(experiment, sample)``: the experiment and SALib's sample matrix.
    """
    problem = salib_problem(cfg.ranges)
    x = sample_matrix(problem, cfg.method, cfg.n, cfg.levels, cfg.seed)
    exp = Experiment(
        name=cfg.name,
        description=cfg.description,
        scenarios=[cfg.scenario],
        points=points_from_matrix(problem["names"], x),
        replicates=cfg.replicates,
        seed=cfg.seed,
        source=cfg.source,
    )
    return exp, x


def run_sensitivity(
    config: SensitivityConfig | str | Path,
    out: str | Path,
    *,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: str = "auto",
    analyse: bool = True,
    **batch_options: Any,
) -> dict[str, Any]:
    """Run a sensitivity analysis into a results folder and analyse it.

    Args:
        config: The analysis or the path of a sensitivity file.
        out: The results folder (a results store, with the analysis in ``OUT/sensitivity``).
        executor: ``serial``, ``local`` or ``dask`` (default: the file's, else ``local``).
        workers: Local worker processes (default: the file's, else all cores).
        scheduler: Dask scheduler address.
        resume: Continue an interrupted analysis in ``out``.
        progress: Progress display of the batch (``auto``, ``bar``, ``log``, ``none``).
        analyse: Compute the indices once every run is done.
        **batch_options: More options of :func:`~malisim.experiment.run_experiment`.

    Returns:
        ``{"config", "batch" (the BatchReport), "analysis" (a SensitivityResult or None)}``.
    """
    from malisim.experiment import run_experiment
    from malisim.sensitivity.analyse import analyse_results

    cfg = config if isinstance(config, SensitivityConfig) else load_sensitivity(config)
    exp, _ = build_experiment(cfg)
    opts = cfg.executor
    report = run_experiment(
        exp,
        out,
        executor=executor or opts.get("kind"),
        workers=workers or opts.get("workers"),
        scheduler=scheduler or opts.get("scheduler"),
        resume=resume,
        progress=progress,
        **batch_options,
    )
    write_spec(cfg, out)
    result = None
    if analyse and report.complete:
        result = analyse_results(out)
        result.write(Path(out) / SENSITIVITY_DIR)
    return {"config": cfg, "batch": report, "analysis": result}
