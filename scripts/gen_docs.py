"""Regenerate the documentation derived from the schemas of parameters and scenarios.

The generated texts: docs/sources.md (the bibliography), docs/parameters.md, docs/scenarios.md
(scenario files and every policy setting), docs/experiments.md (experiment files),
schemas/scenario.schema.json and the tables of fixed constants in docs/ODD.md section 8. Run
after changing a parameter, a policy or a source: ``python scripts/gen_docs.py``; ``--check``
only reports (exit 1) which files are out of date. Whole files are rewritten; in docs/ODD.md
only the text between the markers ``FIXED_CONSTANTS_BEGIN`` and ``FIXED_CONSTANTS_END`` of
:mod:`malisim.model.parameters` is replaced. Tests fail when the committed files and the
schemas drift apart.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from malisim.core.sources import sources_markdown
from malisim.experiment.reference import experiments_markdown
from malisim.model.parameters import (
    FIXED_CONSTANTS_BEGIN,
    FIXED_CONSTANTS_END,
    fixed_constants_markdown,
    parameters_markdown,
)
from malisim.scenario import scenario_schema_text
from malisim.scenario.reference import scenarios_markdown

ROOT = Path(__file__).resolve().parents[1]


class MarkerError(ValueError):
    """A file's generated block has no (or more than one) pair of markers."""


def splice(text: str, begin: str, end: str, body: str) -> str:
    """Return ``text`` with what lies between the markers ``begin`` and ``end`` set to ``body``.

    The markers stay, each on its own line around ``body``; the text outside them is kept.

    Raises:
        MarkerError: If either marker is missing or repeated, or ``end`` comes before ``begin``.
    """
    if text.count(begin) != 1 or text.count(end) != 1:
        raise MarkerError(f"expected one {begin!r} and one {end!r}")
    head, rest = text.split(begin)
    if end not in rest:
        raise MarkerError(f"{end!r} comes before {begin!r}")
    tail = rest.split(end)[1]
    return f"{head}{begin}\n{body}\n{end}{tail}"


def generated() -> dict[Path, Callable[[str | None], str]]:
    """Each generated file and the function that gives its content from its current text."""
    return {
        ROOT / "docs" / "sources.md": lambda _: sources_markdown() + "\n",
        ROOT / "docs" / "parameters.md": lambda _: parameters_markdown() + "\n",
        ROOT / "docs" / "scenarios.md": lambda _: scenarios_markdown() + "\n",
        ROOT / "docs" / "experiments.md": lambda _: experiments_markdown() + "\n",
        ROOT / "schemas" / "scenario.schema.json": lambda _: scenario_schema_text(),
        ROOT / "docs" / "ODD.md": lambda text: splice(
            text or "", FIXED_CONSTANTS_BEGIN, FIXED_CONSTANTS_END, fixed_constants_markdown()
        ),
    }


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) every generated file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files; write none")
    args = parser.parse_args(argv)
    stale = []
    for path, content in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        try:
            text = content(current)
        except MarkerError as exc:
            print(f"{path.relative_to(ROOT)}: {exc}", file=sys.stderr)
            return 2
        if current == text:
            continue
        stale.append(path.relative_to(ROOT))
        if not args.check:
            path.write_text(text, encoding="utf-8")
    verb = "out of date" if args.check else "wrote"
    for path in stale:
        print(f"{verb}: {path}")
    if not stale:
        print("generated files up to date")
    return 1 if (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
