"""Bad inputs (issue 14): each gets one clear located line, exit status 2, no traceback, no output.

Covers inputs that used to crash, hang or write outside their folder: deeply nested YAML, ports
and durations outside their range, NaN trigger bounds, an empty ``--set name=``, ``--boxes 0``,
experiment names that would become paths outside ``results/``, and sweeps or experiments too
large to expand (refused from their counts, before anything is expanded).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from malisim.analysis.synthetic import synthetic_outcomes, write_results
from malisim.cli.main import main
from malisim.core.errors import UserError
from malisim.core.yamlio import MAX_NESTING, load_yaml_file
from malisim.experiment import Experiment, load_experiment
from malisim.experiment import config as experiment_config
from malisim.experiment.design import MAX_RUNS
from malisim.scenario import load_scenario

CALM = """\
name: calm
start: 2019-01
end: 2019-12
"""
OTHER = """\
name: other
start: 2019-01
end: 2019-12
"""
FAST_RUN = ["--end", "2019-03", "--set", "n_civilian_agents=2000"]


def one_error_line(code: int, out: str, err: str) -> str:
    """Exit 2, exactly one stderr line starting with ``error:``, no traceback anywhere."""
    assert "Traceback" not in out + err
    assert code == 2, f"expected exit status 2, got {code}; stderr: {err}"
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one error line, got: {err}"
    assert lines[0].startswith("error: ")
    return lines[0]


def write_experiment(folder: Path, body: str) -> Path:
    """Write two one-year scenarios and an experiment file with ``body``; return its path."""
    (folder / "scenarios").mkdir(parents=True, exist_ok=True)
    (folder / "scenarios" / "calm.yaml").write_text(CALM)
    (folder / "scenarios" / "other.yaml").write_text(OTHER)
    path = folder / "exp.yaml"
    path.write_text(textwrap.dedent(body))
    return path


TINY = """\
name: tiny
scenarios: [scenarios/calm.yaml, scenarios/other.yaml]
replicates: 1
seed: 3
params: {n_civilian_agents: 2000}
"""


# --------------------------------------------------------------------- 1. deeply nested YAML


@pytest.mark.parametrize("text", ["[" * 10_000, "{a: " * 10_000])
def test_deeply_nested_yaml_is_a_located_error(tmp_path, text):
    path = tmp_path / "deep.yaml"
    path.write_text("name: deep\nparams: " + text + "\n")
    with pytest.raises(UserError) as info:
        load_yaml_file(path)
    err = info.value
    assert err.file == str(path) and err.line == 2, "the error must name the file and line"
    assert "nested" in err.message and str(MAX_NESTING) in (err.allowed or ""), str(err)


def test_deep_block_nesting_names_the_line_where_the_limit_is_passed(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("".join("  " * i + f"k{i}:\n" for i in range(MAX_NESTING + 20)))
    with pytest.raises(UserError) as info:
        load_yaml_file(path)
    assert info.value.line == MAX_NESTING + 1, str(info.value)


def test_deeply_nested_yaml_on_the_command_line(tmp_path, capsys):
    path = tmp_path / "deep.yaml"
    path.write_text("name: deep\nparams: " + "[" * 10_000 + "\n")
    out = tmp_path / "out"
    line = one_error_line(main(["run", str(path), "--out", str(out)]), *capsys.readouterr())
    assert f"{path}:2:" in line and str(MAX_NESTING) in line
    assert not out.exists()


def test_reasonable_nesting_is_accepted(tmp_path):
    path = tmp_path / "ok.yaml"
    depth = MAX_NESTING - 2  # the top mapping and its key take two levels
    path.write_text("a: " + "[" * depth + "]" * depth + "\n")
    data, _ = load_yaml_file(path)
    inner = data["a"]
    for _ in range(depth - 1):
        inner = inner[0]
    assert inner == []


# ------------------------------------------------------------------------------ 2. ui --port


@pytest.mark.parametrize("port", ["99999", "-1", "0", "65536"])
def test_ui_port_out_of_range_is_refused_before_serving(monkeypatch, capsys, port):
    served = []
    import malisim.cli.ui as ui_module

    monkeypatch.setattr(ui_module, "viz_missing", lambda: [])
    try:
        import malisim.app.server as server
    except ImportError:  # pragma: no cover - without the viz extra
        server = None
    if server is not None:
        monkeypatch.setattr(server, "serve", lambda *a, **k: served.append(a))
    line = one_error_line(main(["ui", "--port", port]), *capsys.readouterr())
    assert "--port" in line and "1-65535" in line
    assert not served, "the server must not start"


@pytest.mark.parametrize("seconds", ["-1", "86401", "99999999"])
def test_ui_session_timeout_out_of_range_is_refused_before_serving(monkeypatch, capsys, seconds):
    served = []
    import malisim.cli.ui as ui_module

    monkeypatch.setattr(ui_module, "viz_missing", lambda: [])
    try:
        import malisim.app.server as server
    except ImportError:  # pragma: no cover - without the viz extra
        server = None
    if server is not None:
        monkeypatch.setattr(server, "serve", lambda *a, **k: served.append(a))
    line = one_error_line(main(["ui", "--session-timeout", seconds]), *capsys.readouterr())
    assert "--session-timeout" in line and "0-86400 seconds" in line
    assert not served, "the server must not start"


# --------------------------------------------------------------------- 3. NaN trigger bounds


@pytest.mark.parametrize("bound", ["below: .nan", "above: .inf", "below: -.inf"])
def test_trigger_bound_must_be_finite(tmp_path, capsys, bound):
    path = tmp_path / "trig.yaml"
    path.write_text(
        "name: trig\nstart: 2019-01\nend: 2019-12\npolicies:\n"
        "  - type: wagner_deployment\n    start: 2019-03\n    personnel: 1500\n"
        f"    trigger: {{when: control_state, {bound}}}\n"
    )
    with pytest.raises(UserError) as info:
        load_scenario(path)
    err = info.value
    assert err.file == str(path) and err.line == 8
    assert err.key == f"policies[0].trigger.{bound.split(':')[0]}"
    assert "finite number" in err.message, str(err)
    out = tmp_path / "out"
    line = one_error_line(main(["run", str(path), "--out", str(out)]), *capsys.readouterr())
    assert f"{path}:8:" in line and "finite number" in line
    assert not out.exists()


# ------------------------------------------------------- 4. batch --log-every / --flush-seconds


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--log-every", "nan"),
        ("--log-every", "inf"),
        ("--log-every", "-1"),
        ("--log-every", "0"),
        ("--flush-seconds", "nan"),
        ("--flush-seconds", "inf"),
        ("--flush-seconds", "-0.5"),
    ],
)
def test_batch_durations_must_be_in_range(tmp_path, capsys, option, value):
    exp = write_experiment(tmp_path / "exp", TINY)
    out = tmp_path / "out"
    args = ["batch", str(exp), "--out", str(out), "--executor", "serial", "--progress", "none"]
    line = one_error_line(main([*args, f"{option}={value}"]), *capsys.readouterr())
    assert option in line and "allowed:" in line and "86400" in line
    assert not out.exists(), "nothing may be written"


# ------------------------------------------------------------------------- 5. --set name=


@pytest.mark.parametrize("value", ["", "''", "' '", "null"])
def test_set_empty_name_is_refused(tmp_path, capsys, value):
    out = tmp_path / "out"
    code = main(["run", "--out", str(out), *FAST_RUN, "--set", f"name={value}"])
    line = one_error_line(code, *capsys.readouterr())
    assert "--set" in line and "name" in line and "non-empty text" in line
    assert not out.exists()


@pytest.mark.parametrize("value", ["", "''", "null", "~"])
def test_set_empty_description_clears_it(value):
    from malisim.scenario import resolve_scenario

    path = Path(__file__).resolve().parents[1] / "scenarios" / "historical.yaml"
    scenario = resolve_scenario(path, [f"description={value}"])
    assert scenario.description == ""
    assert scenario.to_dict()["description"] == ""  # never null


# ---------------------------------------------------------------------- 6. discover --boxes


@pytest.mark.parametrize("depth", ["0", "-1", "9", "100"])
def test_discover_depth_out_of_range(tmp_path, capsys, depth):
    res = write_results(tmp_path / "res", synthetic_outcomes(replicates=30))
    out = tmp_path / "disc"
    args = ["discover", str(res), "--outcome", "idps_end", "--where", "> q80", "--out", str(out)]
    line = one_error_line(main([*args, "--depth", depth]), *capsys.readouterr())
    assert "--depth" in line and "1 to 8" in line
    assert not out.exists()


@pytest.mark.parametrize("boxes", ["0", "-2", "1000"])
def test_discover_boxes_out_of_range(tmp_path, capsys, boxes):
    res = write_results(tmp_path / "res", synthetic_outcomes(replicates=30))
    out = tmp_path / "disc"
    args = ["discover", str(res), "--outcome", "idps_end", "--where", "> q80", "--out", str(out)]
    line = one_error_line(main([*args, "--boxes", boxes]), *capsys.readouterr())
    assert "--boxes" in line and "1 to 100" in line
    assert not out.exists()


# ------------------------------------------------------------------ 7. names that become paths


@pytest.mark.parametrize(
    "name",
    ["../../out/escaped", "a/b", "a\\\\b", "..", "x..y", "'.hidden'", "'with space'", "''"],
)
def test_experiment_name_must_be_a_safe_folder_name(tmp_path, name):
    exp = write_experiment(tmp_path / "exp", TINY.replace("name: tiny", f"name: {name}"))
    with pytest.raises(UserError) as info:
        load_experiment(exp)
    err = info.value
    assert (err.file, err.line, err.key) == (str(exp), 1, "name"), str(err)
    assert "letters, digits" in (err.allowed or ""), str(err)


def test_experiment_name_cannot_escape_results_folder(tmp_path, monkeypatch, capsys):
    exp = write_experiment(tmp_path / "exp", TINY.replace("name: tiny", "name: ../../out/x"))
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    code = main(["batch", str(exp), "--executor", "serial", "--progress", "none"])
    line = one_error_line(code, *capsys.readouterr())
    assert f"{exp}:1: name:" in line
    assert not (tmp_path / "out").exists() and not (work / "results").exists()


def test_ordinary_experiment_names_are_accepted(tmp_path):
    for name in ("tiny", "policy_comparison", "run-2.v3", "Ségou_2020"):
        exp = write_experiment(tmp_path / "exp", TINY.replace("name: tiny", f"name: {name}"))
        assert load_experiment(exp).name == name


# ----------------------------------------------------------------------------------- 8. sizes


SHARES = (
    "activation_threshold",
    "legitimacy_adjustment",
    "jihadist_governance_legitimacy",
    "presence_appeal",
    "flight_rate",
    "refugee_share",
    "return_rate",
)


def share_grid(n_params: int, n_values: int) -> str:
    """A ``sweep.grid`` over ``n_params`` share parameters with ``n_values`` values each."""
    values = [round(i / n_values, 3) for i in range(n_values)]
    return "sweep:\n  grid:\n" + "".join(f"    {k}: {values}\n" for k in SHARES[:n_params])


@pytest.fixture
def no_expansion(monkeypatch):
    """Make expanding a grid fail: sizes must be refused from their counts."""

    def expanded(*args, **kwargs):
        raise AssertionError("the grid was expanded before its size was checked")

    monkeypatch.setattr(experiment_config, "grid_points", expanded)


def test_grid_point_limit_is_checked_on_the_count(tmp_path, no_expansion):
    exp = write_experiment(tmp_path / "exp", TINY + share_grid(7, 10))
    with pytest.raises(UserError) as info:
        load_experiment(exp)
    err = info.value
    assert f"{10**7:,} design points" in err.message, str(err)
    assert (err.file, err.line, err.key) == (str(exp), 7, "sweep.grid"), str(err)
    assert "1,000,000" in (err.allowed or ""), str(err)


def test_grid_runs_count_replicates_and_scenarios(tmp_path, no_expansion):
    body = TINY.replace("replicates: 1", "replicates: 600000") + share_grid(3, 12)
    exp = write_experiment(tmp_path / "exp", body)
    with pytest.raises(UserError) as info:
        load_experiment(exp)
    err = info.value
    # 12^3 = 1728 points x 600,000 replicates x 2 scenarios
    assert f"{1728 * 600_000 * 2:,} runs" in err.message, str(err)
    assert f"{MAX_RUNS:,}" in (err.allowed or ""), str(err)
    assert err.file == str(exp)


def test_total_runs_are_capped(tmp_path):
    points = "".join(f"    - {{fama_troops: {15000 + 1000 * i}}}\n" for i in range(6))
    body = TINY.replace("replicates: 1", "replicates: 1000000") + "sweep:\n  points:\n" + points
    exp = write_experiment(tmp_path / "exp", body)
    with pytest.raises(UserError) as info:
        load_experiment(exp)
    err = info.value
    assert "12,000,000 runs" in err.message and f"{MAX_RUNS:,}" in (err.allowed or ""), str(err)
    assert err.file == str(exp)


def test_experiment_built_in_python_is_capped_too(tmp_path):
    path = tmp_path / "calm.yaml"
    path.write_text(CALM)
    with pytest.raises(UserError, match="too many runs") as info:
        Experiment(name="big", scenarios=[load_scenario(path)], replicates=MAX_RUNS + 1)
    assert f"{MAX_RUNS:,}" in (info.value.allowed or "")


def test_library_writers_refuse_an_output_folder_inside_a_file(tmp_path):
    # the check lives in the library, not only in the command line: Python callers get the same
    # one-line error and nothing is written
    import malisim
    from malisim.core.errors import UserError
    from malisim.scenario.runner import check_output_dir

    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder", encoding="utf-8")
    root = Path(__file__).resolve().parents[1]
    with pytest.raises(UserError, match=r"lies inside .*a_file, which is a file"):
        malisim.run_experiment(root / "experiments" / "smoke.yaml", blocker / "out", progress="off")
    with pytest.raises(UserError, match="lies inside"):
        check_output_dir(blocker / "run", overwrite=False)
    assert blocker.read_text(encoding="utf-8") == "not a folder"
