"""Regenerate the files derived from the schemas: docs/parameters.md and the scenario JSON schema.

Run after changing a parameter or a policy: ``python scripts/gen_docs.py``; ``--check`` only
reports (exit 1) which files are out of date. Tests fail when the committed files and the
schemas drift apart.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from malisim.core.sources import sources_markdown
from malisim.model.parameters import parameters_markdown
from malisim.scenario import scenario_schema_text

ROOT = Path(__file__).resolve().parents[1]


def sources_text() -> str:
    """Content of docs/sources.md: the bibliography of ``malisim.core.sources``."""
    return sources_markdown() + "\n"


def generated() -> dict[Path, Callable[[], str]]:
    """Each generated file and the function that gives its content."""
    return {
        ROOT / "docs" / "sources.md": sources_text,
        ROOT / "docs" / "parameters.md": lambda: parameters_markdown() + "\n",
        ROOT / "schemas" / "scenario.schema.json": scenario_schema_text,
    }


def main(argv: list[str] | None = None) -> int:
    """Write (or with ``--check``, compare) every generated file; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale files; write none")
    args = parser.parse_args(argv)
    stale = []
    for path, content in generated().items():
        text = content()
        current = path.read_text(encoding="utf-8") if path.exists() else None
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
