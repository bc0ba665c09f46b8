"""Guarding the page's callbacks: an error becomes a message on the page, never a traceback.

Every callback of the page (a click, a lever moved, a value typed, a file opened, the work of a
background thread) goes through :func:`guarded`. When it raises, the exception is logged with
its traceback on the server (for the developer) and the page shows :func:`describe` of it in
plain words (for the student); nothing else changes, so the levers keep their settings and the
model keeps its last valid run.

Plain Python (no Solara), so it is tested without a browser. :func:`_invoke` is the one place a
guarded callback is called from; the test of the page replaces it to inject a fault into every
callback at once.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from malisim.core.errors import UserError

__all__ = ["GUARDED_ATTRIBUTE", "describe", "guarded", "is_guarded"]

LOG = logging.getLogger("malisim.app")
#: Marks a function made by :func:`guarded` (:func:`is_guarded` reads it).
GUARDED_ATTRIBUTE = "__malisim_guarded__"
#: The longest message shown (a longer one is cut, the whole one is in the server's log).
MAX_MESSAGE = 600
#: Said after a message on an unexpected error.
KEPT = "The settings are kept: change them, or press Reset."

F = TypeVar("F", bound=Callable[..., Any])


def describe(exc: BaseException) -> str:
    """What went wrong, in plain words, for the page.

    A :class:`~malisim.core.errors.UserError` (a value the student can change) is shown as it
    is, naming what is wrong and what is allowed; a ``ValueError`` by its message; anything
    else as an unexpected problem, with its message, and a note that the settings are kept.
    """
    if isinstance(exc, UserError):
        text = str(exc)
    elif isinstance(exc, ValueError):
        text = f"{exc}. {KEPT}"
    else:
        detail = str(exc) or type(exc).__name__
        text = f"Something went wrong ({detail}). {KEPT}"
    return text if len(text) <= MAX_MESSAGE else text[: MAX_MESSAGE - 1] + "…"


def _invoke(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    """Call a guarded callback (the tests replace this to inject a fault)."""
    return fn(*args, **kwargs)


def guarded(fn: F, report: Callable[[str], None], where: str = "") -> F:
    """``fn`` with every exception turned into ``report(describe(exc))``.

    Args:
        fn: The callback.
        report: Shows a message on the page (for example ``error.set``).
        where: What the callback does, for the server's log ("step", "upload", ...).

    Returns:
        A function with the signature of ``fn``; it returns ``fn``'s result, or None after an
        error.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return _invoke(fn, args, kwargs)
        except Exception as exc:  # every error ends here: shown on the page, logged in full
            if not isinstance(exc, UserError):
                LOG.exception("page callback %s failed", where or getattr(fn, "__name__", "?"))
            try:
                report(describe(exc))
            except Exception:  # the page is gone (closed tab): nothing to show it on
                LOG.exception("could not show the message of %s", where or "a callback")
            return None

    setattr(wrapper, GUARDED_ATTRIBUTE, True)
    return wrapper  # type: ignore[return-value]


def is_guarded(fn: Any) -> bool:
    """Whether ``fn`` was made by :func:`guarded`."""
    return bool(getattr(fn, GUARDED_ATTRIBUTE, False))
