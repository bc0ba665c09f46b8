"""Repository conventions: the README's two commands, CI, generated docs, layout."""

from __future__ import annotations

import re
from pathlib import Path

from malisim.model.parameters import parameter_specs, parameters_markdown

ROOT = Path(__file__).resolve().parents[1]


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, flags=re.S)


def test_readme_gives_exactly_two_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands), "each command is one line"
    assert "malisim" in commands[0] and "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert readme_commands()[1] in ci


def test_parameters_doc_is_generated_from_the_schema():
    committed = (ROOT / "docs" / "parameters.md").read_text(encoding="utf-8")
    assert committed == parameters_markdown() + "\n", "run: python scripts/gen_docs.py"


def test_every_parameter_has_unit_description_source_and_bounds():
    for spec in parameter_specs().values():
        assert spec.unit and spec.description and spec.source, spec.name
        assert spec.low is not None and spec.high is not None and spec.low < spec.high
        assert spec.low <= spec.default <= spec.high


def test_required_layout():
    for name in ("pyproject.toml", "README.md", "src/malisim", "scenarios", "experiments",
                 "tests", "docs/ODD.md", "benchmarks"):  # fmt: skip
        assert (ROOT / name).exists(), name


def test_no_global_random_in_package():
    pattern = re.compile(
        r"\bnp\.random\.(rand|randn|random|randint|choice|seed|normal|uniform)\(|"
        r"^\s*import random\b|\brandom\.(random|randint|choice)\(",
        re.M,
    )
    for path in (ROOT / "src" / "malisim").rglob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_contributing_and_changelog_exist_and_name_the_baseline_script():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert "scripts/update_baseline.py" in contributing
    assert "model behaviour changed" in changelog.lower()


def test_readme_layout_names_every_subpackage():
    layout = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1]
    for child in sorted((ROOT / "src" / "malisim").iterdir()):
        if child.is_dir() and (child / "__init__.py").exists():
            assert f"{child.name}/" in layout, f"README's Layout does not name {child.name}/"
