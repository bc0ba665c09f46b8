"""User-facing errors: one exception type that renders as a single clear line.

Everything a user can get wrong (scenario and experiment files, ``--set`` overrides, command-line
values) is reported by raising :class:`UserError`. It records where the problem is (file, line,
dotted key path), what is wrong, what is allowed and, for typos, a suggestion. The command line
catches it, prints ``error: <message>`` to stderr and exits with status 2, without a traceback::

    scenarios/x.yaml:12: params.fama_tropos: unknown parameter; did you mean 'fama_troops'?
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any


class UserError(Exception):
    """An error in user input, rendered as ``file:line: key: message; allowed: ...; did you mean``.

    Attributes:
        message: What is wrong, e.g. ``"unknown parameter"``.
        file: The file (or input such as ``--set``) holding the error, if any.
        line: The 1-based line in ``file``, if known.
        key: The dotted key path, e.g. ``"params.fama_troops"`` or ``"policies[1].start"``.
        allowed: What is allowed, e.g. ``"5000 to 60000 troops"``, if known.
        suggestion: A likely intended value for a typo, if any.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        key: str | None = None,
        allowed: str | None = None,
        suggestion: str | None = None,
    ) -> None:
        self.message = message
        self.file = None if file is None else str(file)
        self.line = line
        self.key = key
        self.allowed = allowed
        self.suggestion = suggestion
        super().__init__(message)

    def reworded(self, message: str, **changes: Any) -> UserError:
        """The same error with another message (and any field given in ``changes`` replaced).

        For callers that add context to an error raised below them (``raise err.reworded(...)
        from None``): where it is, what is allowed and the suggestion are kept.
        """
        fields = {
            "file": self.file,
            "line": self.line,
            "key": self.key,
            "allowed": self.allowed,
            "suggestion": self.suggestion,
        }
        return UserError(message, **{**fields, **changes})

    def __reduce__(self) -> tuple[Any, ...]:
        """Support pickling (keyword-only arguments are not restored by the default)."""
        return (_rebuild, (self.message, self.file, self.line, self.key, self.allowed,
                           self.suggestion))  # fmt: skip

    def __str__(self) -> str:
        parts = []
        if self.file:
            parts.append(f"{self.file}:{self.line}" if self.line else self.file)
        if self.key:
            parts.append(self.key)
        text = ": ".join([*parts, self.message])
        if self.allowed:
            text += f"; allowed: {self.allowed}"
        if self.suggestion:
            text += f"; did you mean '{self.suggestion}'?"
        return text

    def __repr__(self) -> str:
        return f"UserError({str(self)!r})"


def _rebuild(
    message: str,
    file: str | None,
    line: int | None,
    key: str | None,
    allowed: str | None,
    suggestion: str | None,
) -> UserError:
    return UserError(message, file=file, line=line, key=key, allowed=allowed, suggestion=suggestion)


def did_you_mean(word: Any, candidates: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the candidate closest to a mistyped word, or None if none is close.

    Args:
        word: The word the user wrote (converted to text).
        candidates: The valid words.
        cutoff: Minimum similarity (0-1) of :func:`difflib.get_close_matches`.

    Returns:
        The best match (a case-insensitive exact match first), or None.
    """
    text = str(word)
    pool = [str(c) for c in candidates]
    for cand in pool:
        if cand.lower() == text.lower() and cand != text:
            return cand
    matches = difflib.get_close_matches(text, pool, n=1, cutoff=cutoff)
    if not matches:
        lowered = {c.lower(): c for c in pool}
        matches = [lowered[m] for m in difflib.get_close_matches(text.lower(), lowered, 1, cutoff)]
    return matches[0] if matches else None
