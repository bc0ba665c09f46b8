"""``python -m malisim.app [--host HOST] [--port PORT] [SCENARIO_FILE]``: serve the page."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and serve the page (same options as ``malisim ui``)."""
    import argparse

    from malisim.cli.ui import add_ui_arguments, cmd_ui

    parser = argparse.ArgumentParser(
        prog="python -m malisim.app",
        description="Serve the interactive page (the same command as malisim ui).",
    )
    add_ui_arguments(parser)
    return cmd_ui(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
