"""Results folders as the comparison reads them: opened, checked, combined into one table.

:func:`open_results` opens a results folder (or passes :class:`~malisim.experiment.Results`
through), :func:`load_outcomes` reads its outcomes table with notes on unfinished runs, and
:func:`combine_results` puts several folders in one table: a ``source`` column numbers the
folder (runs of different sources are never paired), scenario names shared by several folders
get the folder's name as prefix, and folders whose periods or outcomes differ are refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from malisim.analysis.columns import outcome_columns
from malisim.core.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.results import Results


def open_results(item: Results | str | Path) -> Results:
    """Open a results folder (or pass :class:`~malisim.experiment.Results` through).

    Raises:
        UserError: If the folder does not exist or is not a results folder.
    """
    from malisim.experiment.results import Results

    if isinstance(item, Results):
        return item
    path = Path(item)
    if not path.is_dir():
        raise UserError("results folder not found", file=str(path))
    if not (path / "manifest.json").is_file():
        raise UserError(
            "not a malisim results folder (no manifest.json); make one with "
            "'malisim batch EXPERIMENT --out DIR'",
            file=str(path),
        )
    return Results(path)


def load_outcomes(res: Results) -> tuple[pd.DataFrame, list[str]]:
    """The outcomes table of a results folder and notes (incomplete results, failed runs).

    Raises:
        UserError: If the folder has no finished run.
    """
    notes = []
    table = res.outcomes
    if table.empty:
        raise UserError("no finished runs in this results folder", file=str(res.path))
    s = res.summary
    if s.pending or s.failed:
        notes.append(
            f"{res.path}: {s.done} of {s.total} runs done ({s.failed} failed, {s.pending} "
            "pending): comparing the runs done"
        )
    return table, notes


def _periods(manifest: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (str(s.get("start")), str(s.get("end")))
        for s in manifest.get("experiment", {}).get("scenarios", [])
    }


def combine_results(
    results: Sequence[Results],
) -> tuple[pd.DataFrame, list[str]]:
    """One outcomes table of several results folders.

    A ``source`` column numbers the folder; scenario names shared by several folders are
    prefixed with the folder's name.

    Raises:
        UserError: If the folders' experiments are incompatible (different periods or
            outcomes).
    """
    tables: list[pd.DataFrame] = []
    notes: list[str] = []
    for res in results:
        table, more = load_outcomes(res)
        tables.append(table)
        notes += more
    if len(results) > 1:
        first = results[0]
        p0, c0 = _periods(first.manifest), set(outcome_columns(tables[0]))
        for res, table in zip(results[1:], tables[1:], strict=True):
            p1 = _periods(res.manifest)
            if p1 != p0:
                raise UserError(
                    "incompatible results: the simulated periods differ ("
                    f"{first.path}: {_fmt_periods(p0)}; {res.path}: {_fmt_periods(p1)})",
                    file=str(res.path),
                )
            c1 = set(outcome_columns(table))
            if c1 != c0:
                only0, only1 = sorted(c0 - c1), sorted(c1 - c0)
                raise UserError(
                    "incompatible results: the outcomes differ (only in "
                    f"{first.path}: {', '.join(only0[:8]) or 'none'}; only in {res.path}: "
                    f"{', '.join(only1[:8]) or 'none'})",
                    file=str(res.path),
                )
    names = _folder_names([r.path for r in results])
    counts: dict[str, int] = {}
    for table in tables:
        for s in dict.fromkeys(table["scenario"].astype(str)):
            counts[s] = counts.get(s, 0) + 1
    parts = []
    for i, table in enumerate(tables):
        t = table.copy()
        scen = t["scenario"].astype(str)
        if len(tables) > 1:
            dup = scen.map(counts) > 1
            scen = scen.where(~dup, names[i] + "/" + scen)
        t["scenario"] = scen
        t["source"] = i
        parts.append(t)
    combined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return combined, notes


def _fmt_periods(periods: set[tuple[str, str]]) -> str:
    return ", ".join(f"{a} to {b}" for a, b in sorted(periods))


def _folder_names(paths: Sequence[Path]) -> list[str]:
    names = [Path(p).resolve().name or str(p) for p in paths]
    if len(set(names)) < len(names):
        names = [f"{i + 1}:{n}" for i, n in enumerate(names)]
    return names
