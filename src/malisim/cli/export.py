"""Export commands: ``malisim export views``, a results folder in the ViEWS challenge format.

:func:`register` adds ``export`` with its subcommand ``views`` (handler :func:`cmd_views`);
``malisim export`` alone prints its help and exits with status 2. The work is done by
:func:`malisim.data_io.views.write_views`; user errors are printed by :mod:`malisim.cli.main`.

Usage::

    malisim export views results/historical --out views.parquet [--scenario historical]
"""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``export`` (and ``export views``) to the ``malisim`` parser."""
    export = subparsers.add_parser(
        "export",
        help="write a results folder in another project's format (views: the ViEWS challenge)",
        description="Write a results folder in another project's format.",
    )
    export.set_defaults(handler=cmd_export, export_parser=export)
    formats = export.add_subparsers(dest="format", metavar="FORMAT")
    views = formats.add_parser(
        "views",
        help="ViEWS challenge Parquet: month_id, priogrid_gid, draw, ged_sb, ged_ns, ged_os",
        description="One row per draw (a run of the scenario), PRIO-GRID cell and month of the "
        "scenario's period: the fatalities of state-based (ged_sb), non-state (ged_ns) and "
        "one-sided (ged_os) violence, from the runs' event logs (the experiment must keep "
        "them: keep: {events: true}). month_id 1 is January 1980.",
    )
    views.add_argument("dir", metavar="RESULTS_DIR", help="results folder")
    views.add_argument("--out", required=True, metavar="FILE", help="Parquet file to write")
    views.add_argument(
        "--scenario", metavar="NAME", help="scenario to export (needed when there are several)"
    )
    views.add_argument(
        "--families",
        metavar="FILE",
        help="actor family table (default: the packaged data/actor_families.csv)",
    )
    views.add_argument("--overwrite", action="store_true", help="replace an existing FILE")
    views.set_defaults(handler=cmd_views)


def cmd_export(args: argparse.Namespace) -> int:
    """Run ``malisim export`` without a format: print its help, exit 2."""
    args.export_parser.print_help()
    return 2


def cmd_views(args: argparse.Namespace) -> int:
    """Run ``malisim export views``.

    Returns:
        0 once the file is written.
    """
    from malisim.data_io.families import load_families
    from malisim.data_io.views import write_views

    families = load_families(args.families) if args.families else None
    done = write_views(
        args.dir, args.out, scenario=args.scenario, overwrite=args.overwrite, families=families
    )
    print(done.describe())
    return 0
