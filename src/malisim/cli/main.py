"""The ``malisim`` command line: builds the parser from the command groups and dispatches.

Each command group is a module of this package with a ``register(subparsers)`` function that
adds its subcommands and sets ``handler`` on each (see :data:`COMMAND_GROUPS`). This module only
builds the top parser, calls the chosen handler and turns its failures into exit statuses: every
user error is reported as one line ``error: ...`` on stderr with exit status 2, never a traceback;
an interrupted command exits with 130. Building the parser imports neither the model nor pandas.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from malisim.cli import (
    analysis,
    batch,
    calibration,
    export,
    init,
    run,
    sensitivity,
    ui,
    validation,
)
from malisim.core.errors import UserError
from malisim.core.version import __version__

#: The command groups, in the order their subcommands appear in ``malisim --help``.
COMMAND_GROUPS = (init, run, batch, analysis, validation, export, sensitivity, calibration, ui)


def build_parser() -> argparse.ArgumentParser:
    """Build the argument parser with all subcommands."""
    parser = argparse.ArgumentParser(
        prog="malisim",
        description="Agent-based simulation of stabilisation scenarios in Mali "
        "(scenario exploration, not a forecast).",
    )
    parser.add_argument("--version", action="version", version=f"malisim {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``malisim`` command.

    Returns:
        The handler's exit status; 2 for a user error or no command, 130 when interrupted.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
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
