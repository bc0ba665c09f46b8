"""An experiment's ``params``, ``start`` and ``end`` act like ``malisim run --set`` or a child file.

A shorter period truncates each scenario's timeline (its policies dated after the new end never
happen) instead of invalidating the scenario; a period that does not fit the scenario at all is
refused at the experiment's own key and line.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from malisim.core.errors import UserError
from malisim.experiment.config import load_experiment
from malisim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"


def experiment(tmp_path: Path, body: str, scenario: Path = HISTORICAL) -> Path:
    path = tmp_path / "exp.yaml"
    path.write_text(f"name: e\nscenarios: [{scenario}]\nreplicates: 1\nseed: 1\n{body}")
    return path


@pytest.mark.parametrize(
    ("body", "overrides"),
    [
        ("end: 2020-12\n", ["end=2020-12"]),
        ("start: 2022-06\n", ["start=2022-06"]),
        (
            "start: 2021-01\nend: 2022-03\nparams: {n_civilian_agents: 2000}\n",
            ["start=2021-01", "end=2022-03", "params.n_civilian_agents=2000"],
        ),
    ],
)
def test_experiment_period_truncates_the_scenario_like_run_set(tmp_path, body, overrides):
    resolved = load_experiment(experiment(tmp_path, body)).scenarios[0]
    expected = load_scenario(HISTORICAL, overrides)
    assert resolved.to_dict() == expected.to_dict()
    assert resolved.source_files == expected.source_files[:-1]  # the scenario files, not --set
    # the timeline is truncated, not dropped: later policies are kept and never start
    assert len(resolved.policies) == len(load_scenario(HISTORICAL).policies)


def test_experiment_params_accept_a_shorter_child_scenario(tmp_path):
    folder = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", folder)
    child = folder / "short.yaml"
    child.write_text("name: short\nextends: historical\nend: 2020-12\n")
    path = experiment(tmp_path, "params: {n_civilian_agents: 2000}\n", scenario=child)
    resolved = load_experiment(path).scenarios[0]
    assert resolved.end == "2020-12"
    assert resolved.parameters.n_civilian_agents == 2000
    expected = load_scenario(child, ["params.n_civilian_agents=2000"])
    assert resolved.to_dict() == expected.to_dict()


@pytest.mark.parametrize(
    ("body", "key", "line", "words"),
    [
        ("start: 2027-01\n", "start", 5, "2027-01 is after end 2026-12"),
        ("end: 2018-06\n", "end", 5, "2018-06 is before start 2019-01"),
    ],
)
def test_a_period_outside_the_scenario_is_refused_at_the_experiment_key(
    tmp_path, body, key, line, words
):
    path = experiment(tmp_path, body)
    with pytest.raises(UserError) as caught:
        load_experiment(path)
    err = caught.value
    assert (err.file, err.line, err.key) == (str(path), line, key)
    assert words in err.message and "historical.yaml" in err.message
