"""Columns of an outcomes table: which are outcomes, what each measures, which are asked for.

An outcomes table has one row per run: identifier columns (:data:`ID_COLUMNS`) and one column
per run-level outcome, named as the model declares them (:data:`malisim.model.outcomes.
SCALAR_OUTCOMES`: ``<outcome>_<total|end|last12|peak>``, ``<outcome>_<year>``,
``gdp_growth_<year>``). :func:`scalar_info` reads a column's unit, kind and label from its
declaration; :func:`select_outcomes` resolves the names, patterns and bare outcome names a user
asks for.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from malisim.core.errors import UserError, did_you_mean
from malisim.model.outcomes import scalar_outcome, summary_scalar

#: Outcomes compared when none are asked for (those present in the table).
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "civilian_fatalities_total",
    "civilian_fatalities_2022",
    "battle_fatalities_total",
    "idps_end",
    "refugees_end",
    "control_state_last12",
    "control_jnim_last12",
    "junta_approval_end",
    "gdp_index_end",
    "people_in_need_end",
)
#: Identifier columns of an outcomes table (not outcomes).
ID_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "point_id", "replicate", "seed", "source")


@dataclass(frozen=True)
class ScalarInfo:
    """What a run-level outcome column measures (from its declaration in the model).

    Attributes:
        column: The column name, e.g. ``civilian_fatalities_2022``.
        outcome: The monthly outcome it summarises (``gdp_index`` for ``gdp_growth_<year>``),
            or None for a column the model does not declare.
        rule: The summary rule (:data:`malisim.model.scalars.SUMMARY_RULES`); ``""`` for an
            undeclared column.
        unit: Unit of the run-level value (``""`` for an undeclared column).
        kind: How to format it: ``count``, ``share``, ``index`` or ``rate``.
        title: The declared label for people (``civilian deaths 2022``); the column name for an
            undeclared column.
    """

    column: str
    outcome: str | None
    rule: str
    unit: str
    kind: str
    title: str = ""

    @property
    def label(self) -> str:
        """``column (unit)``: how tables and plots name the column."""
        return f"{self.column} ({self.unit})" if self.unit else self.column


@lru_cache(maxsize=4096)
def scalar_info(column: str) -> ScalarInfo:
    """Describe a run-level outcome column by its declaration (:func:`scalar_outcome`)."""
    declared = scalar_outcome(column)
    if declared is None:
        return ScalarInfo(column, None, "", "", "count", column)
    return ScalarInfo(
        column,
        declared.source,
        declared.rule,
        declared.unit,
        declared.kind,
        declared.label_of(column),
    )


def quantile_column(q: float) -> str:
    """Name of the column of a quantile: ``p5`` for 0.05, ``p97.5`` for 0.975."""
    return f"p{q * 100:g}"


def outcome_columns(table: pd.DataFrame) -> list[str]:
    """The outcome columns of an outcomes table (every numeric non-id column)."""
    return [
        c
        for c in table.columns
        if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(table[c].dtype)
    ]


def select_outcomes(available: Sequence[str], requested: Iterable[str] | None = None) -> list[str]:
    """Resolve the outcomes asked for against the columns available.

    Args:
        available: Outcome columns of the results.
        requested: Names, comma-separated lists, shell-style patterns
            (``civilian_fatalities_20*``), bare outcome names (``idps`` -> ``idps_end``, by the
            outcome's summary rule) or ``all``. None or empty: :data:`DEFAULT_OUTCOMES` present
            (every column if none is).

    Returns:
        Columns in the order asked, without duplicates.

    Raises:
        UserError: For an outcome that is not in the results (with the closest name).
    """
    avail = list(available)
    names = [n.strip() for item in (requested or ()) for n in str(item).split(",") if n.strip()]
    if not names:
        chosen = [c for c in DEFAULT_OUTCOMES if c in avail]
        return chosen or avail
    out: list[str] = []
    for name in names:
        summary = summary_scalar(name)
        if name == "all":
            out += avail
        elif any(ch in name for ch in "*?["):
            hits = fnmatch.filter(avail, name)
            if not hits:
                raise UserError(
                    f"no outcome matches {name!r}", key="--outcomes", allowed=_allowed_text(avail)
                )
            out += hits
        elif name in avail:
            out.append(name)
        elif summary is not None and summary.name in avail:
            out.append(summary.name)
        else:
            raise UserError(
                f"unknown outcome {name!r}",
                key="--outcomes",
                allowed=_allowed_text(avail),
                suggestion=did_you_mean(name, avail),
            )
    return list(dict.fromkeys(out))


def _allowed_text(avail: Sequence[str]) -> str:
    main = [c for c in avail if not re.search(r"_\d{4}$", c)]
    text = ", ".join(main[:40]) + (", ..." if len(main) > 40 else "")
    if len(main) < len(avail):
        text += "; yearly <outcome>_<year> columns; patterns such as 'civilian_*'; all"
    return text
