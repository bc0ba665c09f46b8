"""Repository conventions: the README's two commands, CI, generated docs, layout."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from malisim.model.parameters import (
    FIXED_CONSTANTS_BEGIN,
    FIXED_CONSTANTS_END,
    fixed_constants_markdown,
    parameter_specs,
    parameters_markdown,
)

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


def odd_section(number: int) -> str:
    text = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    return text.split(f"\n## {number} ", 1)[1].split(f"\n## {number + 1} ", 1)[0]


def load_gen_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_odd_fixed_constants_are_generated_from_the_schema():
    section = odd_section(8)
    assert section.count(FIXED_CONSTANTS_BEGIN) == 1 and section.count(FIXED_CONSTANTS_END) == 1, (
        f"docs/ODD.md section 8 must hold {FIXED_CONSTANTS_BEGIN} ... {FIXED_CONSTANTS_END} once; "
        "then run: python scripts/gen_docs.py"
    )
    block = section.split(FIXED_CONSTANTS_BEGIN)[1].split(FIXED_CONSTANTS_END)[0]
    assert block == f"\n{fixed_constants_markdown()}\n", (
        "docs/ODD.md section 8 (fixed constants) is out of date: run python scripts/gen_docs.py"
    )


def test_fixed_constants_table_lists_exactly_the_fixed_parameters():
    listed = re.findall(r"^\| `(\w+)` \|", fixed_constants_markdown(), flags=re.M)
    fixed = [name for name, spec in parameter_specs().items() if spec.fixed]
    assert sorted(listed) == sorted(fixed)


def test_parameters_doc_puts_fixed_constants_in_their_own_tables():
    specs = parameter_specs()
    heading = ""
    for line in parameters_markdown().splitlines():
        if line.startswith("#"):
            heading = line
        row = re.match(r"\| `(\w+)` \|", line)
        if row:
            under_fixed = "fixed constants" in heading
            assert under_fixed == specs[row[1]].fixed, f"{row[1]} is listed under {heading!r}"


def test_gen_docs_replaces_only_the_marked_block():
    gen_docs = load_gen_docs()
    begin, end = FIXED_CONSTANTS_BEGIN, FIXED_CONSTANTS_END
    text = f"before\n{begin}\nstale\nlines\n{end}\nafter\n"
    assert gen_docs.splice(text, begin, end, "new") == f"before\n{begin}\nnew\n{end}\nafter\n"
    for broken in ("no markers\n", f"{end}\n{begin}\n", f"{begin}\n{begin}\n{end}\n"):
        with pytest.raises(gen_docs.MarkerError):
            gen_docs.splice(broken, begin, end, "new")


def test_gen_docs_check_finds_nothing_stale(capsys):
    assert load_gen_docs().main(["--check"]) == 0, (
        f"{capsys.readouterr().out}run: python scripts/gen_docs.py"
    )


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
