"""Commands of the exploratory analyses: ``malisim sensitivity`` and ``malisim discover``.

:func:`register` adds the two subcommands (each sets ``handler``). Handlers raise
:class:`~malisim.core.errors.UserError` for anything the user got wrong; :mod:`malisim.cli.main`
prints it as one ``error: ...`` line and exits with status 2.

Usage::

    malisim sensitivity experiments/sensitivity.yaml --out results/sensitivity --workers 2
    malisim sensitivity experiments/sensitivity.yaml --out results/sensitivity --resume
    malisim discover results/sensitivity --outcome civilian_fatalities_total --where "> q90"
    malisim discover results/policy_comparison --outcome idps_end --where ">= 1500000"
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from malisim.cli.options import (
    add_executor_options,
    add_progress,
    check_out_folder,
    check_workers,
)
from malisim.core.interrupts import sigterm_as_interrupt


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``sensitivity`` and ``discover`` to the ``malisim`` parser."""
    sen = subparsers.add_parser(
        "sensitivity",
        help="global sensitivity analysis (Morris screening or Sobol indices) of a scenario's "
        "assumptions",
        description="Draw a Morris or Sobol (Saltelli) sample of the parameters named in the "
        "file, run it through the batch machinery (resumable, same results store as `malisim "
        "batch`), and write the indices (CSV, Parquet) and plots to OUT/sensitivity.",
    )
    sen.add_argument("file", metavar="FILE", help="sensitivity file (YAML)")
    sen.add_argument("--out", required=True, metavar="DIR", help="results folder")
    add_executor_options(sen, default="the file's", workers_default="the file's")
    sen.add_argument("--resume", action="store_true", help="continue an interrupted analysis")
    sen.add_argument(
        "--retry-failed", action="store_true", help="run the failed runs again (with --resume)"
    )
    add_progress(
        sen, "auto", "progress display (default: a bar on a terminal, log lines otherwise)"
    )
    sen.add_argument(
        "--dry-run", action="store_true", help="validate the file and print the design's size"
    )
    sen.add_argument("--top", type=int, default=5, metavar="K", help="parameters shown per outcome")
    sen.set_defaults(handler=cmd_sensitivity)

    dis = subparsers.add_parser(
        "discover",
        help="scenario discovery: which parameter and policy combinations lead to an outcome "
        "(PRIM boxes, CART tree)",
        description="Mark the runs of a results folder where an outcome meets a condition "
        "(e.g. '> q90': above its 90th percentile, or '> 1500'), then find the regions of the "
        "varied parameters and scenarios (policy levers) where such runs concentrate: PRIM "
        "boxes with coverage and density and the peeling trajectory, and a CART tree.",
    )
    dis.add_argument("dir", metavar="RESULTS_DIR", help="results folder")
    dis.add_argument("--outcome", required=True, metavar="NAME", help="run-level outcome")
    dis.add_argument(
        "--where",
        required=True,
        metavar="CONDITION",
        help="'> q90' (quantile), '< q10', '>= 1500' (threshold)",
    )
    dis.add_argument(
        "--threshold",
        type=float,
        default=0.8,
        metavar="DENSITY",
        help="PRIM: minimum density of a box (default 0.8)",
    )
    dis.add_argument(
        "--mass-min",
        type=float,
        default=0.05,
        metavar="SHARE",
        help="PRIM: smallest share of runs in a box (default 0.05)",
    )
    dis.add_argument("--boxes", type=int, default=3, metavar="N", help="most PRIM boxes, 1-100 (3)")
    dis.add_argument("--depth", type=int, default=3, metavar="N", help="CART tree depth, 1-8 (3)")
    dis.add_argument(
        "--out", metavar="DIR", help="output folder (default: RESULTS_DIR/discovery/OUTCOME)"
    )
    dis.set_defaults(handler=cmd_discover)


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """``malisim sensitivity FILE --out DIR``: run the analysis, print and write the indices."""
    from malisim.sensitivity.config import load_sensitivity
    from malisim.sensitivity.design import SENSITIVITY_DIR, run_sensitivity

    check_workers(args.workers)
    check_out_folder(args.out)
    cfg = load_sensitivity(args.file)
    print(
        f"{cfg.method} analysis {cfg.name!r}: {len(cfg.ranges)} parameters, {cfg.n_points} "
        f"design points x {cfg.replicates} replicates = {cfg.n_runs} runs of {cfg.scenario.name} "
        f"({cfg.scenario.start} to {cfg.scenario.end})",
        file=sys.stderr,
    )
    if args.dry_run:
        return 0
    t0 = time.monotonic()
    try:
        with sigterm_as_interrupt():
            out = run_sensitivity(
                cfg,
                args.out,
                executor=args.executor,
                workers=args.workers,
                scheduler=args.scheduler,
                resume=args.resume,
                retry_failed=args.retry_failed,
                progress=args.progress,
            )
    except KeyboardInterrupt:
        print(
            f"interrupted: the runs finished so far are saved in {args.out}/; continue with: "
            f"malisim sensitivity {args.file} --out {args.out} --resume",
            file=sys.stderr,
        )
        return 130
    report, result = out["batch"], out["analysis"]
    wall = time.monotonic() - t0
    if not report.complete:
        print(
            f"batch incomplete: {report.done} done, {report.failed} failed, {report.pending} "
            f"pending; continue with --resume",
            file=sys.stderr,
        )
        return 1
    if result is None:
        return 1
    print(result.format(top=args.top))
    print(
        f"\n{report.done} runs done, {report.failed} failed; wall time {wall:.0f} s "
        f"({report.ran} runs in this session)"
    )
    print(f"wrote indices and plots in {Path(args.out) / SENSITIVITY_DIR}")
    return 0


def cmd_discover(args: argparse.Namespace) -> int:
    """``malisim discover RESULTS_DIR --outcome NAME --where "> q90"``: PRIM and CART."""
    from malisim.sensitivity.discover import OUT_DIR, discover

    result = discover(
        args.dir,
        args.outcome,
        args.where,
        threshold=args.threshold,
        mass_min=args.mass_min,
        max_boxes=args.boxes,
        max_depth=args.depth,
    )
    out = Path(args.out) if args.out else Path(args.dir) / OUT_DIR / args.outcome
    files = result.write(out)
    print(result.format())
    print(f"\nwrote {len(files)} files in {out}")
    return 0
