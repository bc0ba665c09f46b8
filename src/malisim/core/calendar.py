"""Calendar months: parsing, formatting and arithmetic on ``YYYY-MM`` dates.

One model step is one calendar month. Months are held as integers (``year * 12 + month - 1``) so
that date arithmetic is exact and comparisons are cheap.
"""

from __future__ import annotations

import re

#: First month of a run unless a scenario or the caller says otherwise.
DEFAULT_START = "2019-01"
#: Last month (inclusive) of a run unless a scenario or the caller says otherwise.
DEFAULT_END = "2026-12"
#: Last month (inclusive) any run may reach: scenarios may explore futures to here, no further
#: (the model's inputs, such as the population growth rate, are not meant to carry beyond it).
LATEST_END = "2030-12"
#: First month of the fit period: documented figures from here to :data:`FIT_END` may be fitted.
FIT_START = "2019-01"
#: Last month of the fit period; every documented figure from the month after is out-of-sample
#: (scored, never fitted, tuned or used to choose a mechanism).
FIT_END = "2022-12"

_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")
#: Months parsed so far (text -> index): the policies read their dates every month.
_PARSED: dict[str, int] = {}
#: Most texts kept in :data:`_PARSED` (every month of two centuries is under 3,000).
_PARSED_MAX = 10_000


class DateError(ValueError):
    """Raised when a text is not a valid ``YYYY-MM`` month."""


def parse_month(text: str) -> int:
    """Parse ``YYYY-MM`` into a month index (``year * 12 + month - 1``).

    Args:
        text: A month such as ``"2022-01"``.

    Returns:
        The month index.

    Raises:
        DateError: If the text is not of the form ``YYYY-MM`` with a month from 01 to 12.
    """
    key = text if isinstance(text, str) else str(text)
    known = _PARSED.get(key)
    if known is not None:
        return known
    match = _PATTERN.match(key.strip())
    if not match:
        raise DateError(f"{text!r} is not a month: expected YYYY-MM, e.g. 2022-01")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12:
        raise DateError(f"{text!r} has month {month:02d}: expected 01 to 12")
    if not 1900 <= year <= 2200:
        raise DateError(f"{text!r} has year {year}: expected 1900 to 2200")
    index = year * 12 + month - 1
    if len(_PARSED) < _PARSED_MAX:
        _PARSED[key] = index
    return index


def check_run_end(text: str) -> str:
    """Check the last month of a run: a ``YYYY-MM`` month no later than :data:`LATEST_END`.

    Args:
        text: The run's last month, such as ``"2030-12"``.

    Returns:
        The text unchanged.

    Raises:
        DateError: If the text is not a month or is after :data:`LATEST_END`.
    """
    if parse_month(text) > parse_month(LATEST_END):
        raise DateError(
            f"{text!r} is after {LATEST_END}, the last month a run may reach: "
            f"expected {LATEST_END} or earlier"
        )
    return text


def format_month(index: int) -> str:
    """Format a month index as ``YYYY-MM``."""
    year, month0 = divmod(int(index), 12)
    return f"{year:04d}-{month0 + 1:02d}"


def month_year(index: int) -> int:
    """Return the calendar year of a month index."""
    return int(index) // 12


def month_of_year(index: int) -> int:
    """Return the calendar month (1-12) of a month index."""
    return int(index) % 12 + 1
