"""End-to-end tests of the command line: ``malisim run``, ``validate`` and ``describe``.

Most tests call :func:`malisim.cli.main` in-process (fast; output captured with ``capsys``);
one runs ``python -m malisim.cli`` in a subprocess to check the real exit status and stderr of a
failing command. Runs use the full grid with 5,000 civilian agents over six months (well under a
second each).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from malisim.cli.main import main
from malisim.model.parameters import parameter_specs

FAST = ["--end", "2019-06", "--set", "n_civilian_agents=5000"]

SCENARIO = """
name: cli_test
description: A small scenario for the CLI tests.
start: 2019-01
end: 2019-06
params:
  fama_troops: 25000
  n_civilian_agents: 5000
policies:
  - {type: parameter_schedule, parameter: aid_budget, start: 2019-03, value: 10}
"""


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


def assert_one_line_error(code: int, out: str, err: str) -> str:
    """Exit 2, exactly one stderr line starting with "error:", no traceback anywhere."""
    assert code == 2
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ")
    return lines[0]


# ---------------------------------------------------------------------------------- run


def test_run_writes_outputs_and_prints_table(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["run", "--out", str(out), *FAST])
    printed = capsys.readouterr()
    assert code == 0, printed.err
    assert {p.name for p in out.iterdir()} == {"series.parquet", "events.parquet", "summary.json"}

    lines = printed.out.splitlines()
    assert any(line.startswith("2019 ") for line in lines), printed.out  # the year row
    assert any("civ killed" in line for line in lines)
    assert "Traceback" not in printed.err

    series = pd.read_parquet(out / "series.parquet")
    dates = pd.DatetimeIndex(series["date"].unique())
    assert dates.min() == pd.Timestamp("2019-01-01") and dates.max() == pd.Timestamp("2019-06-01")
    assert {"date", "region", "civilian_fatalities", "control_state"} <= set(series.columns)
    events = pd.read_parquet(out / "events.parquet")
    assert len(events) == series.loc[series["region"] == "Mali", "events"].sum()

    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 1
    assert summary["start"] == "2019-01" and summary["end"] == "2019-06"
    assert summary["parameters"]["n_civilian_agents"] == 5000
    assert "civilian_fatalities_total" in summary["outcomes"]
    # no temporary folder left next to the output
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_run_twice_same_bytes(tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["run", "--out", str(tmp_path / name), "--seed", "7", *FAST]) == 0
    capsys.readouterr()
    assert snapshot(tmp_path / "a") == snapshot(tmp_path / "b")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--set", "fama_tropos=1"], "did you mean"),
        (["--set", "params.fama_tropos=1"], "did you mean 'fama_troops'"),
        (["--set", "n_civilian_agents=10"], "out of range"),
        (["--set", "fama_troops=1e9"], "fama_troops"),
        (["--start", "2019-13"], "2019-13"),
        (["--start", "19-01"], "YYYY-MM"),
        (["--start", "2020-01"], "before start"),  # end 2019-06 from FAST
        (["--seed", "-1"], "non-negative"),
    ],
)
def test_run_errors_are_one_line(tmp_path, capsys, args, expected):
    out = tmp_path / "out"
    code = main(["run", "--out", str(out), *FAST, *args])
    printed = capsys.readouterr()
    line = assert_one_line_error(code, printed.out, printed.err)
    assert expected in line
    assert not out.exists()  # nothing written


def test_unknown_key_suggestion_names_the_parameter(tmp_path, capsys):
    code = main(["run", "--out", str(tmp_path / "o"), *FAST, "--set", "minusma_trops=0"])
    line = assert_one_line_error(code, *capsys.readouterr())
    assert "minusma_trops" in line and "minusma_troops" in line


def test_non_empty_output_folder_untouched(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("precious results\n", encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "series.parquet").write_bytes(b"not really parquet")
    before = snapshot(out)
    code = main(["run", "--out", str(out), *FAST])
    line = assert_one_line_error(code, *capsys.readouterr())
    assert "not empty" in line and "--overwrite" in line
    assert snapshot(out) == before
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "sub"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no temporary sibling left


def test_output_path_is_a_file(tmp_path, capsys):
    target = tmp_path / "out"
    target.write_text("a file\n", encoding="utf-8")
    code = main(["run", "--out", str(target), *FAST])
    assert_one_line_error(code, *capsys.readouterr())
    assert target.read_text(encoding="utf-8") == "a file\n"


def test_subprocess_error_exit_status(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "run", "--out", str(tmp_path / "o"), *FAST,
         "--set", "fama_tropos=1"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    line = assert_one_line_error(proc.returncode, proc.stdout, proc.stderr)
    assert "fama_tropos" in line and "did you mean" in line


def test_replicates_write_a_results_folder_as_batch_does(tmp_path, capsys):
    from malisim.core.rng import replicate_seed
    from malisim.experiment import load_results

    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--replicates", "2", *FAST]) == 0
    printed = capsys.readouterr().out
    assert "median over 2 replicates" in printed
    assert printed.count("civ killed") == 1, "one aggregated table, not one per replicate"
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "a temporary sibling was left"
    results = load_results(out)
    assert results.complete
    assert results.design["run_id"].tolist() == ["defaults|base|0", "defaults|base|1"]
    outcomes = results.outcomes.set_index("replicate")
    for k in range(2):
        seed = replicate_seed(1, k)
        assert int(outcomes.loc[k, "seed"]) == seed
        single = tmp_path / f"single_{k}"
        assert main(["run", "--out", str(single), "--seed", str(seed), *FAST]) == 0
        summary = json.loads((single / "summary.json").read_text(encoding="utf-8"))["outcomes"]
        for name, value in summary.items():
            assert outcomes.loc[k, name] == pytest.approx(value, nan_ok=True), name
    capsys.readouterr()
    # the commands that read a batch's folder read this one
    assert main(["status", str(out)]) == 0
    assert "done           2" in capsys.readouterr().out
    assert main(["compare", str(out)]) == 0
    assert "civilian_fatalities_total" in capsys.readouterr().out


def test_replicates_overwrite_with_fewer_leaves_no_stale_replicate(tmp_path, capsys):
    from malisim.experiment import load_results

    out = tmp_path / "out"
    assert main(["run", "--out", str(out), "--replicates", "3", *FAST]) == 0
    scenario = write(tmp_path / "scn.yaml", SCENARIO)
    code = main(["run", str(scenario), "--out", str(out), "--replicates", "2", "--overwrite",
                 *FAST])  # fmt: skip
    capsys.readouterr()
    assert code == 0
    assert load_results(out).design["run_id"].tolist() == ["cli_test|base|0", "cli_test|base|1"], (
        "--overwrite must replace the whole folder, not keep runs of the earlier one"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "scn.yaml"]


@pytest.mark.parametrize("previous", [True, False], ids=["overwrite", "fresh"])
def test_replicates_interrupt_keeps_previous_output(tmp_path, capsys, monkeypatch, previous):
    import malisim.experiment.worker as worker

    out = tmp_path / "out"
    if previous:
        assert main(["run", "--out", str(out), "--replicates", "3", *FAST]) == 0
    before = snapshot(out) if previous else None

    real_simulate = worker.simulate
    calls = []

    def interrupt_second(*args, **kwargs):
        calls.append(args)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real_simulate(*args, **kwargs)

    monkeypatch.setattr(worker, "simulate", interrupt_second)
    code = main(["run", "--out", str(out), "--replicates", "2", "--overwrite", "--seed", "5",
                 *FAST])  # fmt: skip
    printed = capsys.readouterr()
    assert code == 130, printed.err
    assert len(calls) == 2
    if previous:
        assert snapshot(out) == before, "an interrupted run must leave the earlier output whole"
        assert [p.name for p in tmp_path.iterdir()] == ["out"], "a temporary sibling was left"
    else:
        assert list(tmp_path.iterdir()) == [], "an interrupted fresh run must write nothing"


# ---------------------------------------------------------------------------------- describe


def test_describe_diff_shows_what_a_file_changes(tmp_path, capsys):
    write(tmp_path / "parent.yaml", SCENARIO)
    child = write(
        tmp_path / "child.yaml",
        """
        name: child
        extends: parent
        end: 2019-05
        params: {fama_troops: 30000}
        exclude_policies: [parameter_schedule]
        policies:
          - {type: minusma_restrictions, start: 2019-02, mobility: 0.4}
        """,
    )
    assert main(["describe", str(child), "--diff"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Scenario: child, against {tmp_path / 'parent.yaml'}"
    assert lines[1:] == [
        "  name: cli_test -> child",  # the description is inherited: unchanged
        "  end: 2019-06 -> 2019-05",
        "  params.fama_troops: 25000 -> 30000 troops",
        "  - {type: parameter_schedule, parameter: aid_budget, start: 2019-03, value: 10.0, "
        "mode: absolute}",
        "  + {type: minusma_restrictions, start: 2019-02, mobility: 0.4}",
    ]
    assert main(["describe", str(child), "--diff", "--set",
                 "policies.minusma_restrictions.mobility=0.2"]) == 0  # fmt: skip
    assert "  + {type: minusma_restrictions, start: 2019-02, mobility: 0.2}" in (
        capsys.readouterr().out
    )


def test_describe_diff_of_a_changed_setting_and_without_extends(tmp_path, capsys):
    parent = write(tmp_path / "parent.yaml", SCENARIO)
    child = write(
        tmp_path / "child.yaml",
        """
        name: cli_test
        extends: parent
        policies: []
        """,
    )
    assert main(["describe", str(child), "--diff", "--set",
                 "policies.parameter_schedule.start=2019-04"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.splitlines()[1:] == ["  ~ policies.parameter_schedule.start: 2019-03 -> 2019-04"]
    assert main(["describe", str(parent), "--diff"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Scenario: cli_test, against the defaults\n")
    assert "  + {type: parameter_schedule, parameter: aid_budget" in out


def test_describe_prints_policy_settings_as_yaml(tmp_path, capsys):
    scenario = write(tmp_path / "scn.yaml", SCENARIO)
    assert main(["describe", str(scenario)]) == 0
    out = capsys.readouterr().out
    assert "      {type: parameter_schedule, parameter: aid_budget, start: 2019-03, value: 10.0, " \
        "mode: absolute}" in out  # fmt: skip
    assert "{'" not in out


# ---------------------------------------------------------------------------------- validate


def test_validate_bad_file_fails(tmp_path, capsys):
    good = write(tmp_path / "good.yaml", SCENARIO)
    bad = write(
        tmp_path / "bad.yaml",
        """
        name: bad
        params:
          fama_tropos: 25000
        """,
    )
    code = main(["validate", str(good), str(bad)])
    printed = capsys.readouterr()
    assert code != 0
    assert "Traceback" not in printed.out + printed.err
    assert f"ok: {good}" in printed.out
    invalid = [line for line in printed.out.splitlines() if line.startswith("invalid:")]
    assert len(invalid) == 1
    assert str(bad) in invalid[0] and "fama_tropos" in invalid[0] and ":3:" in invalid[0]
    assert printed.err.strip().startswith("error:")


def test_validate_good_file_passes(tmp_path, capsys):
    good = write(tmp_path / "good.yaml", SCENARIO)
    assert main(["validate", str(good)]) == 0
    assert "ok:" in capsys.readouterr().out


# ---------------------------------------------------------------------------------- describe


def test_describe_prints_sources(tmp_path, capsys):
    path = write(tmp_path / "scn.yaml", SCENARIO)
    assert main(["describe", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Scenario: cli_test" in out
    assert "Period: 2019-01 to 2019-06" in out
    assert str(path) in out
    specs = parameter_specs()
    param_lines = [line for line in out.splitlines() if "[source: " in line]
    assert len(param_lines) == len(specs)  # every parameter with its source
    fama = next(line for line in param_lines if " fama_troops = " in line)
    assert fama.lstrip().startswith("*") and "25000" in fama
    assert specs["fama_troops"].source in fama
    assert "parameter_schedule" in out and "sources:" in out  # the policy and its sources


def test_describe_missing_file_is_an_error(tmp_path, capsys):
    code = main(["describe", str(tmp_path / "missing.yaml")])
    assert_one_line_error(code, *capsys.readouterr())
