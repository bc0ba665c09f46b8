"""Regenerate the files derived from the schemas: docs/parameters.md and the scenario JSON schema.

Run after changing a parameter or a policy: ``python scripts/gen_docs.py``. Tests fail when the
committed files and the schemas drift apart.
"""

from __future__ import annotations

from pathlib import Path

from malisim.model.parameters import parameters_markdown
from malisim.scenario import write_scenario_schema

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    """Write docs/parameters.md and schemas/scenario.schema.json."""
    (ROOT / "docs" / "parameters.md").write_text(parameters_markdown() + "\n", encoding="utf-8")
    write_scenario_schema(ROOT / "schemas" / "scenario.schema.json")
    print("wrote docs/parameters.md and schemas/scenario.schema.json")


if __name__ == "__main__":
    main()
