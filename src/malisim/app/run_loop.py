"""Running the session's model in the background: playing the months, re-running new settings.

Both run in threads the page starts (``solara.use_thread``) and stop when their
``threading.Event`` is set (a newer change of the settings, Pause, or the page closing):

* :func:`play` steps the model a month at a time at the chosen speed;
* :func:`catch_up` runs a model of new settings up to the month the session reached and makes it
  the session's model, so the map and the curves show the effect of a change at once.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from malisim.app.session import Session, SettingsKey
from malisim.model import MaliModel
from malisim.scenario import ResolvedScenario

#: Seconds per simulated month while playing, by speed.
SPEEDS: dict[str, float] = {"slow": 0.8, "normal": 0.3, "fast": 0.0}
#: Seconds per month of a speed not in :data:`SPEEDS`.
DEFAULT_SECONDS_PER_MONTH = 0.3
#: Shortest pause between two months (seconds), so the page can redraw.
MIN_PAUSE = 0.02


def play(
    sess: Session,
    speed: Callable[[], str],
    on_month: Callable[[], None],
    cancel: threading.Event,
) -> bool:
    """Step the session's model month by month until its run ends or ``cancel`` is set.

    Args:
        sess: The session.
        speed: The current speed (a key of :data:`SPEEDS`), read before each pause.
        on_month: Called after each month.
        cancel: Stops the loop.

    Returns:
        False if ``cancel`` was set during a pause, else True (the run ended, or ``cancel`` was
        found set before a step).
    """
    while not cancel.is_set():
        t0 = time.perf_counter()
        if sess.closed or not sess.model.running:
            break
        sess.step(1)
        on_month()
        wait = SPEEDS.get(speed(), DEFAULT_SECONDS_PER_MONTH) - (time.perf_counter() - t0)
        if cancel.wait(max(wait, MIN_PAUSE)):
            return False
    return True


def catch_up(
    sess: Session,
    model: MaliModel,
    scenario: ResolvedScenario,
    key: SettingsKey,
    cancel: threading.Event,
) -> bool:
    """Run a new model to the month the session reached, then make it the session's model.

    Most months are run without the session's lock (the old model can still be stepped
    meanwhile); the months stepped meanwhile are replayed on the new model under the lock.

    Returns:
        True if the new model replaced the session's (which releases the old one), False if
        ``cancel`` was set first (the new model is released).
    """
    while model.month - model.start_month < sess.steps and model.running:
        if cancel.is_set() or sess.closed:
            model.release()
            return False
        model.step()
    with sess.lock:
        if cancel.is_set() or sess.closed:
            model.release()
            return False
        while model.month - model.start_month < sess.steps and model.running:
            model.step()
        sess.model, sess.scenario, sess.key = model, scenario, key
        sess.steps = model.month - model.start_month
    return True
