"""Commands on results folders: ``malisim compare`` and ``malisim report``.

:func:`register` adds the two subcommands (each sets ``handler`` to :func:`cmd_compare` or
:func:`cmd_report`). Handlers raise :class:`~malisim.core.errors.UserError` for anything the user
got wrong; :mod:`malisim.cli.main` prints it as one ``error: ...`` line and exits with status 2.

Usage::

    malisim compare results/demo --baseline historical --outcomes civilian_fatalities_total idps
    malisim compare results/a results/b --out comparisons/      # two folders: unpaired
    malisim report results/demo -o report.html [--figures figures/]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from malisim.core.errors import UserError


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baseline",
        metavar="NAME",
        help="baseline scenario (default: the first scenario of the experiment)",
    )
    parser.add_argument(
        "--outcomes",
        nargs="+",
        metavar="NAME",
        help="run-level outcomes to compare, e.g. civilian_fatalities_total idps_end, "
        "patterns such as 'civilian_fatalities_20*', bare outcome names (idps -> idps_end) "
        "or 'all' (default: the main outcomes)",
    )
    parser.add_argument(
        "--interval",
        type=float,
        default=90.0,
        metavar="PERCENT",
        help="central interval of the runs shown per scenario (default 90: the 5-95%% range)",
    )
    parser.add_argument(
        "--level",
        type=float,
        default=95.0,
        metavar="PERCENT",
        help="confidence level of the bootstrap interval of the difference (default 95)",
    )
    parser.add_argument(
        "--bootstrap",
        type=int,
        default=2000,
        metavar="N",
        help="bootstrap resamples (default 2000)",
    )
    parser.add_argument(
        "--seed", type=int, default=None, metavar="N", help="seed of the bootstrap (fixed default)"
    )
    parser.add_argument(
        "--correction",
        choices=("holm", "bh", "none"),
        default="holm",
        help="correction for multiple comparisons: holm (family-wise error, default), bh "
        "(Benjamini-Hochberg false discovery rate) or none",
    )
    parser.add_argument(
        "--unpaired",
        action="store_true",
        help="treat runs as unpaired even when replicates share seeds",
    )


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``compare`` and ``report`` to the ``malisim`` parser."""
    cmp = subparsers.add_parser(
        "compare",
        help="compare scenarios of results folders with a baseline: distributions, "
        "differences with confidence intervals, tests",
        description="For each outcome and scenario: median, mean and 5-95%% range of the runs; "
        "against the baseline: the mean difference (paired by replicate under common random "
        "numbers) with a bootstrap confidence interval, P(scenario higher), an effect size and "
        "a Wilcoxon (paired) or Mann-Whitney (unpaired, e.g. across folders) test corrected "
        "for multiple comparisons. Prints a table and writes comparison.csv.",
    )
    cmp.add_argument("dirs", nargs="+", metavar="RESULTS_DIR", help="results folder(s)")
    _add_common(cmp)
    cmp.add_argument(
        "--out",
        metavar="DIR",
        help="folder of comparison.csv (default: RESULTS_DIR/analysis of the first folder)",
    )
    cmp.set_defaults(handler=cmd_compare)

    rep = subparsers.add_parser(
        "report",
        help="write a self-contained HTML report of a results folder",
        description="One HTML file (images embedded, opens without network): what was run, "
        "the comparison tables, fan charts, distributions, maps and the documented figures "
        "beside the simulated ones for the historical period.",
    )
    rep.add_argument("dir", metavar="RESULTS_DIR", help="results folder")
    rep.add_argument(
        "-o", "--out", metavar="FILE", help="report file (default: RESULTS_DIR/report.html)"
    )
    rep.add_argument(
        "--figures",
        metavar="DIR",
        help="also write every plot and map as PNG and SVG files in DIR",
    )
    _add_common(rep)
    rep.set_defaults(handler=cmd_report)


def _options(args: argparse.Namespace) -> dict:
    from malisim.analysis.compare import DEFAULT_SEED

    width = args.interval
    if not 0 < width < 100:
        raise UserError(
            f"invalid interval {width:g}",
            key="--interval",
            allowed="a percentage between 0 and 100, e.g. 90 for 5-95%",
        )
    if not 0 < args.level < 100:
        raise UserError(
            f"invalid confidence level {args.level:g}",
            key="--level",
            allowed="a percentage between 0 and 100, e.g. 95",
        )
    tail = (1 - width / 100) / 2
    return {
        "interval": (tail, 1 - tail),
        "level": args.level / 100,
        "n_boot": args.bootstrap,
        "seed": DEFAULT_SEED if args.seed is None else args.seed,
        "correction": args.correction,
        "paired": not args.unpaired,
    }


def _warn(notes: Sequence[str]) -> None:
    for note in notes:
        print(f"warning: {note}", file=sys.stderr)


def cmd_compare(args: argparse.Namespace) -> int:
    """``malisim compare RESULTS_DIR [RESULTS_DIR ...]``: print the comparison, write CSV."""
    from malisim.analysis.compare import compare

    cmp = compare(args.dirs, args.baseline, args.outcomes, **_options(args))
    out = Path(args.out) if args.out else Path(args.dirs[0]) / "analysis"
    path = cmp.to_csv(out)
    print(cmp.format())
    for folder, pairs in cmp.folder_scenarios():
        targets = _documented_figures(folder, pairs)
        if targets is not None:
            print(f"\nDocumented figures (the whole table: malisim score {folder}):")
            print(targets)
    print(f"\nwrote {path}")
    _warn(cmp.warnings)
    return 0


def _documented_figures(results_dir: str, scenarios: Sequence[tuple[str, str]]) -> str | None:
    """One line per scenario and split: how many documented figures the runs reproduce.

    ``scenarios`` are (label in the comparison, name in the folder) pairs. The full table is
    ``malisim score``'s (:mod:`malisim.analysis.validation`); only a folder that kept monthly
    series is summarised.
    """
    from malisim.analysis.validation import SPLIT_HEADINGS, validate_results
    from malisim.experiment import load_results

    results = load_results(results_dir)
    if "series" not in results.tables or not scenarios:
        return None
    labels = {name: label for label, name in scenarios}
    summary = validate_results(results, scenarios=list(labels)).summary
    lines = [
        f"  {labels.get(r['scenario'], r['scenario'])}, {SPLIT_HEADINGS[r['split']].lower()}: "
        f"{r['hits']} of {r['figures']} figures inside their tolerance, {r['misses']} missed, "
        f"{r['not_simulated'] + r['no_value']} without a simulated value"
        for r in summary.to_dict("records")
    ]
    return "\n".join(lines) if lines else None


def cmd_report(args: argparse.Namespace) -> int:
    """``malisim report RESULTS_DIR -o report.html``: write the HTML report."""
    from malisim.report import write_report

    out = Path(args.out) if args.out else Path(args.dir) / "report.html"
    report = write_report(
        args.dir,
        out,
        baseline=args.baseline,
        outcomes=args.outcomes,
        figures_dir=args.figures,
        **_options(args),
    )
    _warn(report.warnings)
    if report.figures:
        print(f"wrote {len(report.figures)} figure files in {args.figures}")
    print(f"wrote {report.path}")
    return 0
