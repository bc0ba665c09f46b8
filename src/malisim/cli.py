"""The ``malisim`` command line: a thin layer that parses arguments, calls the library, prints.

Every user error is reported as one line ``error: ...`` on stderr with exit status 2, never a
traceback; an interrupted command exits with 130.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from malisim import __version__
from malisim.errors import UserError

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``malisim`` command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        from malisim import commands

        return int(getattr(commands, f"cmd_{args.command}")(args) or 0)
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
