"""The ``malisim`` command line: a thin layer that parses arguments, calls the library, prints.

Every user error is reported as one line ``error: ...`` on stderr with exit status 2, never a
traceback; an interrupted command exits with 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from malisim.core.errors import UserError
from malisim.core.version import __version__
from malisim.experiment.executor_kinds import EXECUTORS

DEFAULT_SEED = 1


def _add_overrides(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value: params.NAME=VALUE (or just NAME=VALUE for a parameter), "
        "start=YYYY-MM, end=YYYY-MM, name=TEXT; may be repeated",
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="malisim",
        description="Agent-based simulation of stabilisation scenarios in Mali "
        "(scenario exploration, not a forecast).",
    )
    parser.add_argument("--version", action="version", version=f"malisim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", help="run a scenario (one or a few replicates)")
    run.add_argument("scenario", nargs="?", help="scenario file (default: the default parameters)")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED, help="root seed (default 1)")
    run.add_argument("--start", help="first month YYYY-MM (overrides the scenario)")
    run.add_argument("--end", help="last month YYYY-MM (overrides the scenario)")
    run.add_argument("--replicates", type=int, default=1, help="replicates (default 1)")
    _add_overrides(run)
    run.add_argument("--out", required=True, help="output folder")
    run.add_argument("--overwrite", action="store_true", help="replace a non-empty --out")

    val = sub.add_parser("validate", help="validate scenario files")
    val.add_argument("files", nargs="+", help="scenario files")

    sub.add_parser("list", help="list shipped scenarios, policies and parameters")

    desc = sub.add_parser("describe", help="show a fully resolved scenario")
    desc.add_argument("scenario", help="scenario file")
    _add_overrides(desc)

    _add_batch(sub)

    demo = sub.add_parser(
        "demo",
        help="the main job: run the demo experiment, print the distributions, write the report",
    )
    demo.add_argument("--out", default="results/demo", help="results folder (results/demo)")
    demo.add_argument("--workers", type=int, metavar="N", help="local worker processes")

    from malisim.cli import analysis as commands_analysis
    from malisim.cli import calibration as commands_calibration
    from malisim.cli import sensitivity as commands_sensitivity
    from malisim.cli import ui as commands_ui

    commands_analysis.add_parsers(sub)
    commands_sensitivity.add_parsers(sub)
    commands_calibration.add_parsers(sub)
    commands_ui.add_parsers(sub)
    return parser


def _add_batch(sub: argparse._SubParsersAction) -> None:
    """Add the ``batch`` and ``status`` subcommands."""
    batch = sub.add_parser(
        "batch",
        help="run an experiment: replicates of several scenarios into a resumable results folder",
        description="Run an experiment file (scenarios x design points x replicates) into a "
        "results folder that survives interruption: rerun with --resume to complete it.",
    )
    batch.add_argument("experiment", help="experiment file (e.g. experiments/demo.yaml)")
    batch.add_argument("--out", help="results folder (default: results/<experiment name>)")
    batch.add_argument(
        "--executor",
        choices=EXECUTORS,
        help="where runs are computed (default: local processes, or dask with --scheduler "
        "or --dask-local)",
    )
    batch.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: all cores)"
    )
    batch.add_argument(
        "--scheduler", metavar="tcp://HOST:PORT", help="address of a running Dask scheduler"
    )
    batch.add_argument(
        "--dask-local", type=int, metavar="N", help="start a local Dask cluster of N workers"
    )
    batch.add_argument(
        "--resume", action="store_true", help="continue the batch in --out (keeps runs done)"
    )
    batch.add_argument(
        "--force",
        action="store_true",
        help="resume even if the experiment or the malisim version changed (keeps the runs "
        "that are unaffected)",
    )
    batch.add_argument("--retry-failed", action="store_true", help="rerun failed runs")
    batch.add_argument(
        "--progress",
        choices=("auto", "bar", "log", "none"),
        default="auto",
        help="progress display (default: a bar on a terminal, log lines otherwise)",
    )
    batch.add_argument(
        "--log-every",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="seconds between progress log lines (default 30)",
    )
    batch.add_argument(
        "--flush-seconds",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="commit finished runs to disk at least this often (default 10; 0 = every run)",
    )

    status = sub.add_parser("status", help="show a results folder: done, failed, pending, why")
    status.add_argument("dir", help="results folder")
    status.add_argument(
        "--tracebacks", action="store_true", help="show the traceback of each failed run"
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``malisim`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        from malisim.cli import commands

        handler = getattr(args, "handler", None) or getattr(commands, f"cmd_{args.command}")
        return int(handler(args) or 0)
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
