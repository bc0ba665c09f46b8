"""Dates as the data publishers write them, parsed in bulk; the first bad one is located.

Accepted forms (ACLED writes the first two, UCDP GED the first, IOM DTM any):

* ISO dates ``2022-03-27``, optionally followed by a time (``2022-03-27 00:00:00.000``);
* day, English month name and year: ``27 March 2022``, ``27-March-2022``, ``27 Mar 2022``;
* day-first numeric dates ``27/03/2022`` (``dayfirst`` forms only; DTM's French tables);
* a month alone, ``2022-03`` (``month`` forms only; dated to its first day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The forms of :func:`parse_dates`, in words for error messages.
DATE_FORMS = "2022-03-27 (optionally with a time), 27 March 2022, 27-March-2022 or 27 Mar 2022"
DAYFIRST_FORM = "27/03/2022"
MONTH_FORM = "2022-03"


def parse_dates(
    values: pd.Series, dayfirst: bool = False, month: bool = False
) -> tuple[pd.Series, int | None]:
    """Parse text dates in the accepted forms.

    Args:
        values: The texts (already stripped or not).
        dayfirst: Also accept ``DD/MM/YYYY``.
        month: Also accept ``YYYY-MM``.

    Returns:
        The dates (``datetime64[ns]``, same index) and the position (0-based, in ``values``) of
        the first text that is not a date, or None when all are dates.
    """
    text = values.astype(str).str.strip()
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    iso = text.str.match(r"^\d{4}-\d{2}-\d{2}(?:[ T].*)?$")
    if iso.any():
        out[iso] = pd.to_datetime(text[iso].str[:10], format="%Y-%m-%d", errors="coerce")
    named = text.str.match(r"^\d{1,2}[ -][A-Za-z]+\.?[ -]\d{4}$")
    if named.any():
        spaced = text[named].str.replace("-", " ", regex=False).str.replace(".", "", regex=False)
        full = pd.to_datetime(spaced, format="%d %B %Y", errors="coerce")
        short = pd.to_datetime(spaced, format="%d %b %Y", errors="coerce")
        out[named] = full.fillna(short)
    if dayfirst:
        slash = text.str.match(r"^\d{1,2}/\d{1,2}/\d{4}$")
        if slash.any():
            out[slash] = pd.to_datetime(text[slash], format="%d/%m/%Y", errors="coerce")
    if month:
        ym = text.str.match(r"^\d{4}-\d{2}$")
        if ym.any():
            out[ym] = pd.to_datetime(text[ym] + "-01", format="%Y-%m-%d", errors="coerce")
    bad = np.flatnonzero(out.isna().to_numpy())
    return out, (int(bad[0]) if bad.size else None)


def month_index(dates: pd.Series) -> np.ndarray:
    """Month indices (``year * 12 + month - 1``) of dates."""
    d = pd.DatetimeIndex(dates)
    return (d.year.to_numpy(np.int64) * 12 + d.month.to_numpy(np.int64) - 1).astype(np.int64)


def forms_text(dayfirst: bool = False, month: bool = False) -> str:
    """The accepted forms in words."""
    extra = [f for f, on in ((DAYFIRST_FORM, dayfirst), (MONTH_FORM, month)) if on]
    return DATE_FORMS + "".join(f", {f}" for f in extra)
