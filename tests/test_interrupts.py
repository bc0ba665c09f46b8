"""SIGTERM stops long commands as Ctrl-C does, and the previous handler comes back."""

from __future__ import annotations

import os
import signal

import pytest

from malisim.core.interrupts import sigterm_as_interrupt


def test_sigterm_inside_the_block_is_a_keyboard_interrupt():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt), sigterm_as_interrupt():
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) == before
