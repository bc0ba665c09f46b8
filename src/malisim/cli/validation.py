"""``malisim score``: how well the runs of a results folder reproduce the documented patterns.

:func:`register` adds the subcommand; :func:`cmd_score` prints the validation table of
:mod:`malisim.analysis.validation` (per scenario, in-sample and out-of-sample separated, misses
first) and writes it as CSV; with real data files (``--acled``, ``--ged``, ``--dtm``) also the
unit-month scores of :mod:`malisim.analysis.data_scores`, written beside it
(``patterns_data.csv``).

Usage::

    malisim score results/validation                       # the shipped pattern set
    malisim score results/validation --targets my_figures.csv --out scores.csv
    malisim score results/validation --acled acled_mali.csv --ged ged.csv --dtm dtm.csv
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``score`` to the ``malisim`` parser."""
    score = subparsers.add_parser(
        "score",
        help="score a results folder against the documented patterns (in-sample and "
        "out-of-sample) and real event data",
        description="For every documented figure (malisim/data/targets.csv, or --targets) and "
        "scenario: the simulated median and 5-95%% range, whether it lies inside the figure's "
        "tolerance, coverage of the 50%% and 90%% ranges, CRPS, and skill against naive "
        "forecasts made from the other documented figures. Prints the table (in-sample and "
        "out-of-sample separated, misses first) and writes it as CSV.",
    )
    score.add_argument("dir", metavar="RESULTS_DIR", help="results folder")
    score.add_argument(
        "--targets", metavar="FILE", help="documented figures (default: the shipped pattern set)"
    )
    score.add_argument(
        "--scenario", nargs="+", metavar="NAME", help="scenarios to score (default: all)"
    )
    score.add_argument(
        "--out",
        metavar="FILE",
        help="CSV file of the table (default: RESULTS_DIR/validation/patterns.csv)",
    )
    score.add_argument("--acled", metavar="FILE", help="an ACLED export (CSV) to score against")
    score.add_argument(
        "--ged", metavar="FILE", help="a UCDP GED file (CSV, with or without header)"
    )
    score.add_argument("--dtm", metavar="FILE", help="an IOM DTM displacement table (CSV)")
    score.add_argument(
        "--families",
        metavar="FILE",
        help="actor-family table replacing the shipped malisim/data/actor_families.csv",
    )
    score.set_defaults(handler=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    """``malisim score RESULTS_DIR``: print the validation table and write it as CSV."""
    from malisim.analysis.targets import load_targets
    from malisim.analysis.validation import validate_results, validation_text

    targets = load_targets(args.targets) if args.targets else None
    validation = validate_results(args.dir, targets, args.scenario)
    data = None
    if args.acled or args.ged or args.dtm:
        from malisim.analysis.data_scores import score_data_files

        data = score_data_files(
            args.dir, args.acled, args.ged, args.dtm, args.scenario, args.families
        )
    out = Path(args.out) if args.out else Path(args.dir) / "validation" / "patterns.csv"
    path = validation.to_csv(out)
    print(validation_text(validation))
    print(f"\nwrote {path}")
    if data is not None:
        from malisim.analysis.data_scores import data_scores_text, write_data_scores

        data_path = write_data_scores(data, out.with_name(out.stem + "_data.csv"))
        print("\n" + data_scores_text(data))
        print(f"\nwrote {data_path}")
    for note in validation.notes:
        print(f"warning: {note}", file=sys.stderr)
    return 0
