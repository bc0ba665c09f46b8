"""A multiplying parameter schedule that would take its parameter past its bounds is refused at
load time, at the schedule's line, instead of stopping the run with an error in its first month."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from malisim.core.errors import UserError
from malisim.scenario import load_scenario

SCHEDULE = """name: surge
policies:
  - {{type: parameter_schedule, parameter: jnim_abuse_rate, start: 2020-01, end: 2020-12,
     value: {factor}, mode: multiply}}
"""


def write(tmp_path: Path, factor: float) -> Path:
    path = tmp_path / "surge.yaml"
    path.write_text(SCHEDULE.format(factor=factor))
    return path


def test_a_factor_past_the_bounds_is_refused_at_its_line(tmp_path: Path):
    # jnim_abuse_rate defaults to 3 with bounds 0-20: a factor of 10 gives 30
    with pytest.raises(UserError, match="outside the parameter's bounds") as err:
        load_scenario(write(tmp_path, 10.0))
    text = str(err.value)
    assert (
        f"{tmp_path / 'surge.yaml'}:4" in text
    )  # the line of value and "policies[0].value" in text
    assert "a factor from 0 to 6.66667" in text


def test_a_factor_within_the_bounds_runs(tmp_path: Path):
    scenario = load_scenario(write(tmp_path, 5.0))  # 15, within 0-20
    assert scenario.policies[0].policy_type == "parameter_schedule"


def test_the_command_line_says_so_in_one_line(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "validate", str(write(tmp_path, 10.0))],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr + done.stdout
    assert "multiplying jnim_abuse_rate" in done.stdout + done.stderr
