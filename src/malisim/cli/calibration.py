"""The calibration command: ``malisim calibrate`` (ABC against documented figures).

:func:`register` adds the subcommand; :func:`cmd_calibrate` runs it. User errors are raised as
:class:`~malisim.core.errors.UserError` (:mod:`malisim.cli.main` prints them and exits with 2).

The calibration file's ``fitted_scenario`` is written only directly into the output folder
(``--out``) or into the folder of the calibration's ``scenario`` file (the shipped
``experiments/calibration.yaml`` writes ``scenarios/calibrated.yaml``); an existing file is
replaced only with ``--overwrite``. Both are checked before any model runs
(:mod:`malisim.calibration.fitted`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from malisim.cli.options import (
    add_executor_options,
    add_progress,
    check_out_folder,
    check_workers,
)
from malisim.core.interrupts import sigterm_as_interrupt


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``calibrate`` to the ``malisim`` parser.

    Args:
        subparsers: The ``add_subparsers()`` object of the main parser.
    """
    cal = subparsers.add_parser(
        "calibrate",
        help="calibrate uncertain parameters against documented figures (ABC), with an "
        "out-of-sample check",
        description="Approximate Bayesian computation (rejection or ABC-SMC) of the uncertain "
        "parameters of a calibration file against the documented targets it fits; scores the "
        "posterior predictive distribution against fitted and held-out targets (50%%/90%% "
        "coverage, CRPS) and writes the fitted scenario. The file's fitted_scenario may only be "
        "a .yaml file directly in --out or in the folder of the file's scenario, and an "
        "existing one is replaced only with --overwrite (checked before any model runs). See "
        "docs/calibration.md.",
    )
    cal.add_argument("calibration", help="calibration file (e.g. experiments/calibration.yaml)")
    cal.add_argument("--out", help="output folder (default: results/<calibration name>)")
    cal.add_argument("--resume", action="store_true", help="continue an interrupted calibration")
    add_executor_options(cal, default="the file's", workers_default="the file's", scheduler=False)
    add_progress(cal, "log", "progress of each generation's batch (default: log)")
    cal.add_argument(
        "--no-fitted-scenario",
        action="store_true",
        help="do not write the calibration file's fitted_scenario (the copy in --out is "
        "always written)",
    )
    cal.add_argument(
        "--overwrite",
        action="store_true",
        help="replace an existing fitted_scenario file (e.g. the shipped "
        "scenarios/calibrated.yaml); without it an existing file stops the command before any "
        "model runs",
    )
    cal.set_defaults(handler=cmd_calibrate)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """``malisim calibrate``: run a calibration and print the posterior and the target scores.

    Returns:
        0 on success (130 when interrupted; the calibration resumes with ``--resume``).
    """
    from malisim.calibration import load_calibration, run_calibration
    from malisim.calibration.fitted import fitted_scenario_target

    check_workers(args.workers)
    cal = load_calibration(args.calibration)
    out = Path(args.out) if args.out else Path("results") / cal.name
    check_out_folder(out)
    if not args.no_fitted_scenario:
        fitted_scenario_target(cal, out, overwrite=args.overwrite)  # refuse before printing
    sizes = cal.per_generation()
    print(
        f"malisim calibrate: {cal.name!r}, ABC-{cal.method.upper()}, {len(cal.priors)} "
        f"parameters, {len(cal.fit_targets)} fitted and {len(cal.holdout_targets)} held-out "
        f"targets, {' + '.join(map(str, sizes))} + {cal.predictive} predictive simulations "
        f"-> {out}/",
        flush=True,
    )

    try:
        with sigterm_as_interrupt():
            result = run_calibration(
                cal,
                out,
                resume=args.resume,
                executor=args.executor,
                workers=args.workers,
                progress=args.progress,
                write_fitted=not args.no_fitted_scenario,
                overwrite=args.overwrite,
            )
    except KeyboardInterrupt:
        print(
            f"interrupted; continue with: malisim calibrate {args.calibration} --out {out} "
            "--resume",
            file=sys.stderr,
        )
        return 130
    cols = ["parameter", "prior_low", "prior_high", "q05", "median", "q95"]
    print("\nposterior (weighted quantiles):")
    print(result.summary[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    cols = ["target", "use", "observed", "q05", "median", "q95", "in_50", "in_90", "crps_scaled"]
    print("\ntargets (posterior predictive):")
    print(result.targets[cols].to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print("\ncoverage:")
    print(result.coverage.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(
        f"\n{result.simulations} simulations in {result.seconds / 60:.1f} min; outputs in {out}/ "
        "(report.md, posterior.parquet, posterior_summary.csv, targets.csv, calibrated.yaml)"
    )
    if not args.no_fitted_scenario and cal.fitted_scenario is not None:
        print(f"fitted scenario written to {cal.fitted_scenario}")
    return 0
