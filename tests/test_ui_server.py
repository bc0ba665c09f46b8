"""``malisim ui`` as a process: stopping it with Ctrl-C or SIGTERM (issue 14).

The server is started on a free port in a subprocess; once it accepts connections it is sent
the signal, and must exit with status 130 and one line on stderr, without a traceback.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("solara") is None, reason="needs the viz extra (solara)"
)


def default_sigint() -> None:
    """Default Ctrl-C handling in the server, whatever this test process inherited.

    A job started in the background by a non-interactive shell inherits SIGINT ignored, and a
    Python process started with SIGINT ignored keeps ignoring it (then the server would not
    stop on Ctrl-C in this test, though it does in a terminal).
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(proc: subprocess.Popen, port: int) -> None:
    """Wait until the server accepts connections (fails if it exits or never listens)."""
    deadline = time.monotonic() + 120  # a generous bound on start-up, not a timing check
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"the server exited early: {proc.communicate()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    proc.kill()
    pytest.fail("the server never listened")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_ui_stops_on_a_signal_with_one_line_and_status_130(signum):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "malisim.cli", "ui", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
        preexec_fn=default_sigint,
    )
    try:
        wait_listening(proc, port)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert f"serving on http://127.0.0.1:{port}/" in out
    assert "Traceback" not in err and "Abort" not in err, err
    assert err.split() == ["interrupted"], err
    assert proc.returncode == 130
