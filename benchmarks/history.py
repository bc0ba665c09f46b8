"""Benchmark history: one JSON record per benchmark run, and the change against the last one.

Each record is one line of ``<history>/<benchmark>.jsonl``::

    {"benchmark": "model", "commit": "9704c97", "date": "...", "quick": false,
     "machine": {...}, "figures": {"build_run_s": 0.85, ...}}

``figures`` is flat: a name and a number for each headline figure (medians, CPU times, peak
memory, rates). :func:`compare` sets a new record beside the last earlier record of the same
benchmark made in the same mode (``--quick`` or full), so that a change is read as a ratio
measured on the same machine rather than against a number remembered from elsewhere.
"""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

#: Where records go unless ``--history`` names another folder.
DEFAULT_HISTORY = Path(__file__).resolve().parent / "history"


def make_record(
    benchmark: str,
    figures: Mapping[str, float],
    machine: Mapping[str, str],
    quick: bool,
    commit: str,
) -> dict[str, Any]:
    """The record of one benchmark run.

    Args:
        benchmark: The benchmark's name (``civilians``, ``model``, ``epstein``).
        figures: Headline figures by name (numbers only; others are dropped).
        machine: Machine and software versions (``run_all.machine_info``).
        quick: Whether it was a ``--quick`` smoke run (its figures are not comparable with a
            full run's).
        commit: The commit measured (``run_all.git_revision``: ``+dirty`` with local changes).

    Returns:
        A JSON-serialisable dict.
    """
    numbers = {
        k: float(v)
        for k, v in figures.items()
        if isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
    }
    return {
        "benchmark": benchmark,
        "commit": commit,
        "date": machine.get("date", ""),
        "quick": quick,
        "machine": dict(machine),
        "figures": numbers,
    }


def last_record(folder: Path, benchmark: str, quick: bool) -> dict[str, Any] | None:
    """The latest record of ``benchmark`` in ``folder`` made in the same mode, if any.

    Lines that are not valid JSON records (a run killed while writing) are skipped.
    """
    path = folder / f"{benchmark}.jsonl"
    if not path.is_file():
        return None
    found = None
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and record.get("quick") == quick and "figures" in record:
            found = record
    return found


def append_record(folder: Path, record: Mapping[str, Any]) -> Path:
    """Append ``record`` as one line of ``folder/<benchmark>.jsonl`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{record['benchmark']}.jsonl"
    with path.open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(record, sort_keys=True) + "\n")
    return path


def compare(previous: Mapping[str, Any] | None, current: Mapping[str, Any]) -> str:
    """Lines setting each figure of ``current`` beside the same figure of ``previous``.

    Returns:
        A plain-text table (figure, previous, now, now / previous), or a line saying there is
        no earlier record to compare with.
    """
    if previous is None:
        return "  history: no earlier record of this benchmark in this mode"
    lines = [
        f"  history: against {previous.get('commit', 'unknown')} of {previous.get('date', '?')}",
        f"  {'figure':<34} {'previous':>12} {'now':>12} {'now/prev':>9}",
    ]
    before = previous.get("figures", {})
    for name, now in current["figures"].items():
        old = before.get(name)
        if not isinstance(old, int | float):
            lines.append(f"  {name:<34} {'-':>12} {now:>12.4g} {'new':>9}")
            continue
        ratio = f"{now / old:.3f}" if old else "-"
        lines.append(f"  {name:<34} {old:>12.4g} {now:>12.4g} {ratio:>9}")
    return "\n".join(lines)


def commit_of(tree: Path) -> str:
    """Short commit of a checkout (``+dirty`` with local changes), or ``unknown``."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=tree, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=tree, capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return rev + ("+dirty" if dirty else "")
