"""The page's command: ``malisim ui``, the interactive page for students (extra ``malisim[viz]``).

:func:`register` adds the subcommand; :func:`cmd_ui` runs it. Without Solara installed,
``malisim ui`` says how to install it and exits with status 2. ``python -m malisim.cli ui`` is the
same command where the ``malisim`` script is not on the path.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys

INSTALL_HINT = "pip install 'malisim[viz]'"
#: The TCP ports ``--port`` accepts.
PORTS = range(1, 65536)
#: ``--session-timeout``: default and accepted seconds (as malisim.app.server's, which the
#: parser does not import: it needs Solara).
SESSION_TIMEOUT = 120
SESSION_TIMEOUTS = range(0, 86_401)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``ui`` to the ``malisim`` parser."""
    ui = subparsers.add_parser(
        "ui",
        help="open the interactive page: levers, map and outcome curves (needs malisim[viz])",
        description="Serve the interactive page on http://HOST:PORT/: move the policy levers, "
        "step the months, watch Mali's map and the outcome curves change, run replicates, "
        "save the settings as a scenario file.",
    )
    ui.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1: this "
        "machine only)"
    )  # fmt: skip
    ui.add_argument("--port", type=int, default=8765, help="TCP port, 1-65535 (default 8765)")
    ui.add_argument(
        "--session-timeout",
        type=int,
        default=SESSION_TIMEOUT,
        metavar="SECONDS",
        help="seconds a page that lost its connection keeps its session (and model) before it "
        f"is freed, {SESSION_TIMEOUTS[0]}-{SESSION_TIMEOUTS[-1]} (default {SESSION_TIMEOUT}); "
        "a closed tab frees its session at once",
    )
    ui.add_argument(
        "scenario",
        nargs="?",
        metavar="SCENARIO_FILE",
        help="scenario the page opens with (default: scenarios/historical.yaml)",
    )
    ui.set_defaults(handler=cmd_ui)


def viz_missing() -> list[str]:
    """The packages of the ``viz`` extra that are not installed."""
    return [name for name in ("solara",) if importlib.util.find_spec(name) is None]


def cmd_ui(args: argparse.Namespace) -> int:
    """Run ``malisim ui``: serve the page until interrupted.

    Returns:
        2 when Solara is missing or the scenario file is invalid, else 0 after the server stops.

    Raises:
        UserError: For a ``--port`` outside 1-65535 or a ``--session-timeout`` outside
            0-86400 (before the server starts).
    """
    from malisim.core.errors import UserError

    missing = viz_missing()
    if missing:
        print(
            f"error: malisim ui needs {', '.join(missing)}, which is not installed; "
            f"install the page's extra with: {INSTALL_HINT}",
            file=sys.stderr,
        )
        return 2
    if args.scenario:
        from malisim.scenario import load_scenario

        try:
            load_scenario(args.scenario)
        except UserError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
    if args.port not in PORTS:
        raise UserError(
            f"{args.port} is not a TCP port", key="--port", allowed=f"{PORTS[0]}-{PORTS[-1]}"
        )
    if args.session_timeout not in SESSION_TIMEOUTS:
        raise UserError(
            f"{args.session_timeout} seconds is out of range",
            key="--session-timeout",
            allowed=f"{SESSION_TIMEOUTS[0]}-{SESSION_TIMEOUTS[-1]} seconds",
        )
    if importlib.util.find_spec("solara_assets") is None:
        print(
            "warning: solara-assets is not installed: the page will load its scripts from a "
            f"CDN and stay blank without internet; install it with: {INSTALL_HINT}",
            file=sys.stderr,
        )
    from malisim.app.server import serve

    print(f"malisim ui: serving on http://{args.host}:{args.port}/ (Ctrl-C to stop)", flush=True)
    serve(args.host, args.port, args.scenario, session_timeout=args.session_timeout)
    return 0
