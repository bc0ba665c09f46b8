"""Folding names for matching: case, accents, spacing and ACLED's regime-period suffixes.

Actor, admin-1 and column names are matched after :func:`fold`: accents removed (``Ségou`` ->
``segou``), lower case, runs of spaces and underscores as one space. :func:`strip_regime`
removes the period suffix ACLED gives state forces (``Military Forces of Mali (2021-)`` ->
``Military Forces of Mali``).
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

#: ACLED's regime-period suffix: ``(2012-2013)``, ``(2020-)``, ``(2021- )``.
REGIME_SUFFIX = re.compile(r"\s*\(\s*\d{4}\s*-\s*(?:\d{4})?\s*\)")


def strip_accents(text: str) -> str:
    """Remove accents (``Dioïla`` -> ``Dioila``), keeping everything else as written."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def fold(text: object) -> str:
    """Fold a name for matching: accents removed, lower case, spaces and underscores collapsed."""
    if text is None or (isinstance(text, float) and text != text):
        return ""
    folded = strip_accents(str(text)).casefold().replace("_", " ")
    return " ".join(folded.split())


def strip_regime(text: str) -> str:
    """Remove ACLED's regime-period suffixes from an actor name."""
    return REGIME_SUFFIX.sub("", text).strip()


def fold_series(values: pd.Series) -> pd.Series:
    """:func:`fold` of each value, computed once per distinct value."""
    unique = pd.unique(values.astype(object))
    mapping = {u: fold(u) for u in unique}
    return values.astype(object).map(mapping).astype(object)
