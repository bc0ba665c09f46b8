"""Stopping long commands cleanly: SIGTERM is handled as Ctrl-C.

Batch, calibration and sensitivity runs commit the runs already finished when they are
interrupted (``KeyboardInterrupt``) and can be resumed. A scheduler or ``kill`` sends SIGTERM
instead; :func:`sigterm_as_interrupt` makes the two equivalent while a command runs.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Raise ``KeyboardInterrupt`` on SIGTERM inside the block; restore the old handler after.

    Yields:
        Nothing; the block runs with the handler installed.
    """

    def on_sigterm(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
