"""The generated reference pages (docs/scenarios.md, docs/experiments.md) and ``malisim list``.

The pages are generated from the schemas by scripts/gen_docs.py: the committed files must equal
what the generators give (a drift fails here and in ``gen_docs.py --check``), every key and
every policy setting must appear with its unit and default, and the examples they show must
load.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from malisim.cli.main import main
from malisim.experiment.config import ExperimentFile, KeepSection, SampleSection, SweepSection
from malisim.experiment.reference import experiments_markdown
from malisim.policies import POLICY_REGISTRY, policy_types
from malisim.policies.base import setting_unit
from malisim.scenario import Scenario
from malisim.scenario.reference import scenarios_markdown
from malisim.scenario.resolve import scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]


def test_committed_pages_are_the_generated_ones():
    pages = {"scenarios.md": scenarios_markdown(), "experiments.md": experiments_markdown()}
    for name, text in pages.items():
        committed = (ROOT / "docs" / name).read_text(encoding="utf-8")
        assert committed == text + "\n", f"docs/{name} is out of date: run scripts/gen_docs.py"


def test_gen_docs_check_reports_a_drifted_page(tmp_path, monkeypatch, capsys):
    from test_repository import load_gen_docs

    gen_docs = load_gen_docs()
    page = ROOT / "docs" / "scenarios.md"
    original = gen_docs.generated()
    # point the generator's scenarios page at a stale copy: --check must name it and fail
    stale = tmp_path / "docs" / "scenarios.md"
    stale.parent.mkdir()
    stale.write_text("stale\n", encoding="utf-8")
    monkeypatch.setattr(gen_docs, "ROOT", tmp_path)
    monkeypatch.setattr(gen_docs, "generated", lambda: {stale: original[page]})
    assert gen_docs.main(["--check"]) == 1
    assert "out of date: docs/scenarios.md" in capsys.readouterr().out
    assert stale.read_text(encoding="utf-8") == "stale\n", "--check must write nothing"


def table_rows(text: str, heading: str) -> dict[str, list[str]]:
    """The rows of the first table under a heading: first cell (without backticks) -> cells."""
    section = text.split(f"\n{heading}\n", 1)[1]
    rows = {}
    for line in section.splitlines():
        if line.startswith("#"):
            break
        if line.startswith("| `"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
            rows[cells[0].strip("`")] = cells
    return rows


def test_every_scenario_key_and_policy_setting_is_documented():
    text = scenarios_markdown()
    assert set(table_rows(text, "## Keys")) == set(Scenario.model_fields)
    assert "exclude_policies" in text and "extends" in text
    assert "{when: control_state, below: 0.4}" in text  # the trigger syntax
    for kind in policy_types():
        cls = POLICY_REGISTRY[kind]
        rows = table_rows(text, f"### `{kind}`")
        assert set(rows) == set(cls.model_fields), kind
        for name, field in cls.model_fields.items():
            if name == "trigger":
                continue
            meaning, unit, _bounds, default = rows[name][1:]
            assert meaning == field.description.replace("|", "\\|"), (kind, name)
            assert unit == setting_unit(field) != "", (kind, name)
            assert default and "PydanticUndefined" not in default, (kind, name)
    personnel = table_rows(text, "### `wagner_deployment`")["personnel"]
    assert personnel[2:] == ["personnel", "0 to 5000", "1000"]
    assert table_rows(text, "### `kidal_offensive`")["regions"][4] == "[Kidal]"
    assert "Controls the parameters `wagner_personnel` (by `personnel`)" in text


def test_every_experiment_key_is_documented():
    text = experiments_markdown()
    assert set(table_rows(text, "## Keys")) == set(ExperimentFile.model_fields)
    assert set(table_rows(text, "## `sweep`")) == set(SweepSection.model_fields)
    assert set(table_rows(text, "## `sample`")) == set(SampleSection.model_fields)
    assert set(table_rows(text, "## `keep`")) == set(KeepSection.model_fields)
    assert "## Executors" in text and "`dask`" in text


def test_the_pages_examples_load(tmp_path):
    example = scenarios_markdown().split("```yaml\n", 1)[1].split("```", 1)[0]
    scenario = scenario_from_dict(yaml.safe_load(example), base_dir=ROOT / "scenarios")
    assert [p.policy_type for p in scenario.policies].count("wagner_deployment") == 1
    assert "french_withdrawal" not in [p.policy_type for p in scenario.policies]

    from malisim.experiment import load_experiment

    text = experiments_markdown().split("```yaml\n", 1)[1].split("```", 1)[0]
    folder = tmp_path / "experiments"
    folder.mkdir()
    path = folder / "example.yaml"
    path.write_text(text.replace("../scenarios/", f"{ROOT / 'scenarios'}/"), encoding="utf-8")
    exp = load_experiment(path)
    assert len(exp.points) == 9


def test_list_prints_settings_with_defaults_units_and_meanings(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "PydanticUndefined" not in out
    assert (
        "      personnel (default 1000; personnel, 0 to 5000): Wagner personnel once the ramp "
        "is complete (sets wagner_personnel)." in out
    )
    assert "      regions (default []; region names): Regions where the dialogue holds" in out
    assert "      drawdown_start (required; month, YYYY-MM, within the run): " in out
