"""Hostile user files: what ``calibrate`` may write and what a scenario's ``extends`` may read.

A calibration file's ``fitted_scenario`` is written only into the output folder (``--out``) or
the folder of the calibration's scenario file, never over an existing file without
``--overwrite``, atomically and as YAML emitted from data (a name cannot inject lines). A
scenario's ``extends`` reads only a scenario file in the extending file's own folder. Each
refusal is one located line (``file:line: key: ...``), exit status 2 on the command line, no
traceback, no file content echoed, nothing half-written.
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from malisim.calibration import load_calibration, run_calibration
from malisim.core.errors import UserError
from malisim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
HISTORICAL = SCENARIOS / "historical.yaml"

CALIBRATION = f"""\
name: t
scenario: {HISTORICAL}
end: 2022-12
params: {{n_civilian_agents: 2000}}
priors:
  refugee_share: {{low: 0.1, high: 0.6, why: test}}
split:
  fit: ["2019-01..2021-12"]
  holdout: ["2022-01..2022-12"]
simulations: 2
generations: 1
predictive: 0
seed: 1
executor: {{kind: serial}}
"""
#: The line of ``fitted_scenario`` when it is appended to CALIBRATION.
FITTED_LINE = CALIBRATION.count("\n") + 1


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), *sys.path])}
    return subprocess.run(
        [sys.executable, "-m", "malisim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=600,
    )


def _calibration(folder: Path, fitted: str, name: str = "cal.yaml") -> Path:
    path = folder / name
    path.write_text(CALIBRATION + f"fitted_scenario: {fitted}\n", encoding="utf-8")
    return path


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any model run fail the test: a refusal must come before the first simulation."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a model ran before the fitted_scenario was checked")

    monkeypatch.setattr("malisim.calibration.run.simulate_points", refuse)


def _refused(cal_path: Path, out: Path, **options: object) -> UserError:
    with pytest.raises(UserError) as info:
        run_calibration(load_calibration(cal_path), out, progress="none", **options)
    err = info.value
    assert (err.file, err.line, err.key) == (str(cal_path), FITTED_LINE, "fitted_scenario"), err
    assert "\n" not in str(err) and err.allowed, f"one line with what is allowed: {err!s}"
    return err


# --- item 2: calibrate writes only where it may ----------------------------------------------


def test_fitted_scenario_absolute_path_is_refused(tmp_path: Path, no_model: None) -> None:
    target = tmp_path / "elsewhere" / "evil.yaml"
    target.parent.mkdir()
    cal = _calibration(tmp_path, str(target))
    _refused(cal, tmp_path / "out")
    assert not target.exists() and not (tmp_path / "out").exists(), "nothing may be written"


def test_fitted_scenario_outside_the_allowed_folders_is_refused(
    tmp_path: Path, no_model: None
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    cal = _calibration(work, "../../escape.yaml")
    err = _refused(cal, work / "out")
    assert str(SCENARIOS) in err.allowed and str(work / "out") in err.allowed
    assert not (tmp_path / "escape.yaml").exists()


def _scenario_folder(tmp_path: Path) -> Path:
    """A copy of the shipped historical scenario and its calibrated layer, with a calibration."""
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("historical.yaml", "calibrated.yaml"):
        (folder / name).write_text((SCENARIOS / name).read_text())
    return folder


def _local_calibration(tmp_path: Path, fitted: str) -> Path:
    cal = tmp_path / "cal.yaml"
    text = CALIBRATION.replace(str(HISTORICAL), "scenarios/historical.yaml")
    cal.write_text(text + f"fitted_scenario: {fitted}\n")
    return cal


def test_fitted_scenario_through_a_symlinked_folder_is_refused(
    tmp_path: Path, no_model: None
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (_scenario_folder(tmp_path) / "link").symlink_to(outside, target_is_directory=True)
    _refused(_local_calibration(tmp_path, "scenarios/link/fitted.yaml"), tmp_path / "out")
    assert list(outside.iterdir()) == []


def test_fitted_scenario_must_be_a_yaml_file(tmp_path: Path, no_model: None) -> None:
    cal = _calibration(tmp_path, "out/fitted.py")
    _refused(cal, tmp_path / "out")


def test_existing_fitted_scenario_needs_overwrite(tmp_path: Path, no_model: None) -> None:
    """The shipped case: the fitted file exists in the scenario folder; refused up front."""
    folder = _scenario_folder(tmp_path)
    before = (folder / "calibrated.yaml").read_text()
    err = _refused(_local_calibration(tmp_path, "scenarios/calibrated.yaml"), tmp_path / "out")
    assert "--overwrite" in str(err)
    assert (folder / "calibrated.yaml").read_text() == before
    assert not (tmp_path / "out").exists()


def test_shipped_calibration_writes_into_the_scenario_folder(tmp_path: Path) -> None:
    from malisim.calibration.fitted import fitted_scenario_target

    cal = load_calibration(ROOT / "experiments" / "calibration.yaml")
    target = fitted_scenario_target(cal, tmp_path / "out", overwrite=True)
    assert target == SCENARIOS / "calibrated.yaml"
    with pytest.raises(UserError, match="--overwrite"):
        fitted_scenario_target(cal, tmp_path / "out", overwrite=False)


def test_fitted_scenario_text_is_yaml_data_not_injected_lines(tmp_path: Path) -> None:
    """A scenario name or a file name with newlines stays inside one YAML value."""
    from malisim.calibration.fitted import fitted_scenario_text

    hostile = "x\nextends: /etc/passwd\nparams:\n  fama_troops: 1\n# "
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"name: {yaml.safe_dump(hostile, default_style=chr(34)).strip()}\n", encoding="utf-8"
    )
    text = CALIBRATION.replace(str(HISTORICAL), str(scenario))
    path = tmp_path / "cal2.yaml"
    path.write_text(text)
    cal = dataclasses.replace(load_calibration(path), source=f"c.yaml\n{hostile}")
    assert cal.scenario.name == hostile
    written = fitted_scenario_text(cal, {"refugee_share": 0.25}, tmp_path / "f.yaml", 2)
    data = yaml.safe_load(written)
    assert set(data) == {"name", "description", "params"}, written
    assert data["params"] == {"refugee_share": 0.25}, written
    assert data["name"] == "calibrated" and hostile in data["description"]
    for line in written.splitlines():
        assert not line.startswith(("extends", "  fama_troops")), written
    (tmp_path / "f.yaml").write_text(written)
    assert load_scenario(tmp_path / "f.yaml").parameters.refugee_share == 0.25


def test_writer_is_atomic_and_never_clobbers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from malisim.calibration import fitted as run_module

    path = tmp_path / "fitted.yaml"
    path.write_text("old\n")
    with pytest.raises(FileExistsError):
        run_module.write_fitted_scenario(path, "new\n", overwrite=False)
    assert path.read_text() == "old\n" and os.listdir(tmp_path) == ["fitted.yaml"]
    run_module.write_fitted_scenario(path, "new\n", overwrite=True)
    assert path.read_text() == "new\n" and os.listdir(tmp_path) == ["fitted.yaml"]
    fresh = tmp_path / "fresh.yaml"
    run_module.write_fitted_scenario(fresh, "a: 1\n", overwrite=False)
    assert fresh.read_text() == "a: 1\n"

    def broken(src: object, dst: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(run_module.os, "replace", broken)
    with pytest.raises(OSError, match="disk full"):
        run_module.write_fitted_scenario(path, "half\n", overwrite=True)
    assert path.read_text() == "new\n", "a failed write must leave the old file whole"
    assert sorted(os.listdir(tmp_path)) == ["fitted.yaml", "fresh.yaml"], "no temporary file left"


def test_cli_refuses_a_hostile_fitted_scenario_without_running(tmp_path: Path) -> None:
    target = tmp_path / "victim.yaml"
    cal = _calibration(tmp_path, str(target))
    result = _cli("calibrate", str(cal), "--out", str(tmp_path / "out"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors == [f"error: {cal}:{FITTED_LINE}: fitted_scenario: " + errors[0].split(
        "fitted_scenario: ", 1)[-1]], result.stderr  # fmt: skip
    assert not target.exists() and not (tmp_path / "out").exists(), "nothing may be written"


# --- item 3: extends reads only scenarios of the extending file's folder ---------------------


def _extends_error(folder: Path, ref: str) -> tuple[Path, str]:
    child = folder / "child.yaml"
    child.write_text(f"name: child\nextends: {ref}\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_scenario(child)
    text = str(info.value)
    assert text.startswith(f"{child}:2: extends: "), f"blame the extends key: {text}"
    assert "\n" not in text, text
    return child, text


@pytest.mark.parametrize("ref", ["/etc/passwd", "../../../../etc/hostname", "/etc/hostname"])
def test_extends_outside_the_folder_is_refused_without_reading(tmp_path: Path, ref: str) -> None:
    _, text = _extends_error(tmp_path, ref)
    for secret in ("root:", Path("/etc/hostname").read_text().strip() or "root:"):
        assert secret not in text.replace(ref, ""), f"file content echoed: {text}"


def test_extends_up_one_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.yaml").write_text("name: outside\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    _extends_error(sub, "../outside")


def test_extends_into_a_subfolder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "inner.yaml").write_text("name: inner\n")
    _extends_error(tmp_path, "sub/inner")


def test_extends_through_a_symlink_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "s.yaml").write_text("name: leaked\nparams: {fama_troops: 12345}\n")
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "base.yaml").symlink_to(secret / "s.yaml")
    _, text = _extends_error(folder, "base")
    assert "12345" not in text


def test_extends_a_sibling_that_is_no_scenario_does_not_echo_it(tmp_path: Path) -> None:
    (tmp_path / "notes.yaml").write_text("a private note\nwith two lines\n")
    _, text = _extends_error(tmp_path, "notes")
    assert "private" not in text, text


def test_extends_within_the_folder_and_symlinks_inside_it_still_work(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("name: base\nparams: {fama_troops: 25000}\n")
    (tmp_path / "alias.yaml").symlink_to(tmp_path / "base.yaml")
    for ref in ("base", "base.yaml", "alias"):
        (tmp_path / "c.yaml").write_text(f"name: c\nextends: {ref}\n")
        assert load_scenario(tmp_path / "c.yaml").parameters.fama_troops == 25000


def test_shipped_scenarios_still_resolve() -> None:
    for path in sorted(SCENARIOS.glob("*.yaml")):
        assert load_scenario(path).name


def test_cli_validate_blames_the_extends_key(tmp_path: Path) -> None:
    child = tmp_path / "file.yaml"
    child.write_text(textwrap.dedent("name: x\nextends: /etc/passwd\n"))
    result = _cli("validate", str(child), cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert "Traceback" not in output and "root:" not in output.replace("/etc/passwd", ""), output
    assert f"{child}:2: extends: " in output, output
    assert "/etc/passwd:" not in output, f"blames the extended file: {output}"


def test_a_calibration_name_cannot_become_a_path_outside_results(tmp_path):
    # `malisim calibrate` without --out writes results/<name>: the name is checked like an
    # experiment's
    from malisim.calibration import load_calibration
    from malisim.core.errors import UserError

    path = tmp_path / "cal.yaml"
    path.write_text(CALIBRATION.replace("name: t\n", "name: ../../escaped\n"), encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_calibration(path)
    text = str(info.value)
    assert f"{path}:1: name:" in text and "'..'" in text
