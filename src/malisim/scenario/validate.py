"""Validation of scenario files for ``malisim validate FILE...``: every file, every error."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from malisim.core.errors import UserError
from malisim.scenario.resolve import ResolvedScenario, load_scenario


def validate_files(
    paths: Iterable[str | Path],
) -> list[tuple[str | Path, ResolvedScenario | UserError]]:
    """Load each scenario file and return its resolved scenario or the error it raised.

    Args:
        paths: Scenario files (for ``malisim validate FILE...``).

    Returns:
        ``(path, result)`` pairs in the order given.
    """
    results: list[tuple[str | Path, ResolvedScenario | UserError]] = []
    for path in paths:
        try:
            results.append((path, load_scenario(path)))
        except UserError as err:
            results.append((path, err))
    return results
