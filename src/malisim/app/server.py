"""Starting the page's web server (Solara on uvicorn) from Python.

Used by ``malisim ui`` (``python -m malisim.cli ui``); the scenario file given on the command
line reaches the page through the environment (:data:`malisim.app.settings.SCENARIO_ENV`).
Ctrl-C (or SIGTERM) stops the server and comes out of :func:`serve` as ``KeyboardInterrupt``,
which the command line turns into one line and exit status 130.
"""

from __future__ import annotations

import os
from pathlib import Path

from malisim.app.settings import SCENARIO_ENV
from malisim.core.interrupts import sigterm_as_interrupt

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
APP_MODULE = "malisim.app.page"
#: Seconds a browser session whose page disconnected without closing is kept for it to come
#: back (a network drop, a laptop lid) before it is culled and its model freed; a closed tab
#: ends its session at once. Solara's own default is 24 hours (about 7 MB per session).
DEFAULT_SESSION_TIMEOUT = 120
#: The values ``--session-timeout`` accepts, in seconds (0: cull as soon as it disconnects).
SESSION_TIMEOUTS = range(0, 86_401)


def serve(
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    scenario: str | Path | None = None,
    session_timeout: int = DEFAULT_SESSION_TIMEOUT,
) -> None:
    """Serve the page until interrupted (blocks).

    Raises:
        KeyboardInterrupt: When the server was stopped by Ctrl-C or SIGTERM (uvicorn shuts
            down first; the click wrapper of Solara's command would otherwise turn it into
            ``click.exceptions.Abort``).

    Args:
        host: Interface to bind (default localhost only).
        port: TCP port.
        scenario: Scenario file the page opens with (default: the shipped historical one).
        session_timeout: Seconds a disconnected page's session is kept (see
            :data:`DEFAULT_SESSION_TIMEOUT`; within :data:`SESSION_TIMEOUTS`).
    """
    if scenario is not None:
        os.environ[SCENARIO_ENV] = str(Path(scenario).resolve())
    # no telemetry, no version check against PyPI, no CDN: the page must work offline
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_CHECK_VERSION", "False")
    os.environ.setdefault("SOLARA_THEME_SHOW_BANNER", "False")
    os.environ.setdefault("SOLARA_THEME_TITLE", "malisim")
    os.environ["SOLARA_KERNEL_CULL_TIMEOUT"] = f"{int(session_timeout)}s"
    import click
    import solara.server.settings
    from solara.__main__ import run

    solara.server.settings.kernel.cull_timeout = f"{int(session_timeout)}s"

    args = [
        APP_MODULE,
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--no-check-version",
        "--theme-loader",
        "plain",
        "--log-level-uvicorn",
        "warning",
    ]
    with sigterm_as_interrupt():
        try:
            run.main(args=args, prog_name="malisim ui", standalone_mode=False)
        except click.exceptions.Abort:
            raise KeyboardInterrupt from None
