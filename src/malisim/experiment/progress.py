"""Progress of a batch: a tqdm bar in a terminal, plain periodic log lines otherwise.

:class:`Progress` counts runs done and failed (including those of earlier sessions of a resumed
batch) and shows the rate and the time left for this session. In a terminal (``mode="auto"``
and the stream is a TTY) it draws a tqdm bar; otherwise (a log file, CI, a pipe) it writes one
line every ``every`` seconds and a last one when it closes, e.g.::

    batch: 120/800 runs (2 failed), 1.92 runs/s, 5m54s left
"""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

#: Accepted values of ``mode``.
MODES: tuple[str, ...] = ("auto", "bar", "log", "none")


def format_seconds(seconds: float) -> str:
    """Format a duration as ``1h02m``, ``5m54s`` or ``12s``."""
    seconds = max(0.0, float(seconds))
    if seconds >= 3600:
        return f"{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m"
    if seconds >= 60:
        return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"
    return f"{seconds:.0f}s"


class Progress:
    """Progress display of a batch.

    Args:
        total: Runs in the experiment.
        done: Runs already done when this session starts.
        failed: Runs already failed when this session starts (and not retried).
        mode: ``auto`` (bar on a TTY, log lines otherwise), ``bar``, ``log`` or ``none``.
        stream: Where to write (default: standard error).
        every: Seconds between log lines.
        label: Prefix of log lines.
    """

    def __init__(
        self,
        total: int,
        done: int = 0,
        failed: int = 0,
        *,
        mode: str = "auto",
        stream: TextIO | None = None,
        every: float = 30.0,
        label: str = "batch",
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        self.stream = stream if stream is not None else sys.stderr
        if mode == "auto":
            isatty = getattr(self.stream, "isatty", None)
            mode = "bar" if isatty is not None and isatty() else "log"
        self.mode = mode
        self.total = total
        self.done = done
        self.failed = failed
        self.every = every
        self.label = label
        self._initial = done + failed
        self._t0 = time.monotonic()
        self._last_log = self._t0
        self._bar: Any = None
        if mode == "bar":
            from tqdm import tqdm

            self._bar = tqdm(
                total=total,
                initial=self._initial,
                unit="run",
                desc=label,
                file=self.stream,
                dynamic_ncols=True,
                smoothing=0.05,
            )
            self._bar.set_postfix_str(f"failed={failed}", refresh=False)

    @property
    def rate(self) -> float:
        """Runs finished per second in this session."""
        elapsed = time.monotonic() - self._t0
        finished = self.done + self.failed - self._initial
        return finished / elapsed if elapsed > 0 else 0.0

    def line(self) -> str:
        """The current state as one line of text."""
        finished = self.done + self.failed
        text = f"{self.label}: {self.done}/{self.total} runs done ({self.failed} failed)"
        rate = self.rate
        if rate > 0:
            left = self.total - finished
            text += f", {rate:.2f} runs/s"
            if left > 0:
                text += f", {format_seconds(left / rate)} left"
        return text

    def add(self, ok: bool) -> None:
        """Count one finished run."""
        if ok:
            self.done += 1
        else:
            self.failed += 1
        if self._bar is not None:
            if not ok:
                self._bar.set_postfix_str(f"failed={self.failed}", refresh=False)
            self._bar.update(1)
        self.poll()

    def poll(self) -> None:
        """Write a log line if one is due (call it periodically)."""
        if self.mode != "log":
            return
        now = time.monotonic()
        if now - self._last_log >= self.every:
            self._last_log = now
            self._write(self.line())

    def message(self, text: str) -> None:
        """Write a message without breaking the bar."""
        if self.mode == "none":
            return
        if self._bar is not None:
            self._bar.write(text, file=self.stream)
        else:
            self._write(text)

    def _write(self, text: str) -> None:
        print(text, file=self.stream, flush=True)

    def close(self) -> None:
        """Close the bar, or write a last log line."""
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.mode == "log":
            self._write(self.line())
