"""Batch experiments: experiment files and their errors, design and seeds, executors, the results
store, failures, resume checks, the command line.

Runs are kept tiny: one year (2019), 2,000 civilian agents, full grid (about 0.1 s per run).
The kill-and-resume tests are in test_batch_kill_resume.py, the Dask tests in test_batch_dask.py.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import malisim
from batch_support import same_bytes
from malisim.cli.main import main
from malisim.core.errors import UserError
from malisim.core.rng import replicate_seed
from malisim.experiment import (
    DesignPoint,
    Experiment,
    distribution_table,
    format_distributions,
    format_status,
    grid_points,
    load_experiment,
    load_results,
    run_experiment,
    sample_points,
)
from malisim.experiment import worker as worker_module
from malisim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]

CALM = """\
name: calm
description: The 2019 status quo, for tests.
start: 2019-01
end: 2019-12
"""
WAGNER_EARLY = """\
name: wagner_early
description: Wagner from March 2019, for tests.
start: 2019-01
end: 2019-12
policies:
  - {type: wagner_deployment, start: 2019-03, personnel: 1500}
"""


def write_experiment(folder: Path, replicates: int = 3, extra: str = "", **keys: str) -> Path:
    """Write two one-year scenarios and an experiment over them; return the experiment file."""
    (folder / "scenarios").mkdir(parents=True, exist_ok=True)
    (folder / "scenarios" / "calm.yaml").write_text(CALM)
    (folder / "scenarios" / "wagner_early.yaml").write_text(WAGNER_EARLY)
    body = {
        "name": "tiny",
        "scenarios": "[scenarios/calm.yaml, scenarios/wagner_early.yaml]",
        "replicates": str(replicates),
        "seed": "11",
        "params": "{n_civilian_agents: 2000}",
        "keep": "{series: true, events: true}",
    }
    body.update(keys)
    text = "".join(f"{k}: {v}\n" for k, v in body.items()) + extra
    path = folder / "tiny.yaml"
    path.write_text(text)
    return path


@pytest.fixture
def experiment_file(tmp_path: Path) -> Path:
    return write_experiment(tmp_path / "exp")


# ------------------------------------------------------------------------------------------
# experiment files and design


def test_shipped_experiments_load() -> None:
    smoke = load_experiment(ROOT / "experiments" / "smoke.yaml")
    assert smoke.n_runs <= 12
    policy = load_experiment(ROOT / "experiments" / "policy_comparison.yaml")
    assert [s.name for s in policy.scenarios] == [
        "historical",
        "france_stays",
        "no_wagner",
        "france_stays_wagner_comes",
        "minusma_stays",
        "no_sanctions",
    ]
    assert policy.replicates == 200
    demo = load_experiment(ROOT / "experiments" / "demo.yaml")
    assert demo.scenarios[0].parameters.n_civilian_agents >= 50_000
    assert (demo.scenarios[0].start, demo.scenarios[0].end) == ("2019-01", "2026-12")


def test_design_ids_seeds_and_common_random_numbers(experiment_file: Path) -> None:
    exp = load_experiment(experiment_file)
    runs = exp.runs()
    assert [r.run_id for r in runs[:4]] == ["calm|base|0", "calm|base|1", "calm|base|2",
                                            "wagner_early|base|0"]  # fmt: skip
    # seeds depend on the replicate index only: replicate k of every scenario shares its seed
    for r in runs:
        assert r.seed == replicate_seed(11, r.replicate)
    by_k = {}
    for r in runs:
        by_k.setdefault(r.replicate, set()).add(r.seed)
    assert all(len(s) == 1 for s in by_k.values())
    # execution order is replicate-major
    order = Experiment.execution_order(runs)
    assert [r.replicate for r in order] == [0, 0, 1, 1, 2, 2]
    design = exp.design_frame()
    assert list(design.columns[:7]) == ["index", "run_id", "scenario", "point_id", "replicate",
                                        "seed", "fingerprint"]  # fmt: skip
    assert design["fingerprint"].is_unique


def test_sweep_grid_and_points(tmp_path: Path) -> None:
    path = write_experiment(
        tmp_path,
        replicates=2,
        extra="sweep:\n  grid: {fama_troops: [15000, 25000],\n"
        "         state_abuse_rate: [1.0, 1.5, 2.0]}\n",
    )
    exp = load_experiment(path)
    assert [p.point_id for p in exp.points] == [f"p{i:04d}" for i in range(6)]
    assert exp.points[1].params == {"fama_troops": 15000.0, "state_abuse_rate": 1.5}
    assert exp.n_runs == 2 * 6 * 2
    run = exp.runs()[5]
    assert run.run_id == "calm|p0002|1"
    # common random numbers across points too
    assert len({r.seed for r in exp.runs() if r.replicate == 1}) == 1
    design = exp.design_frame()
    assert {"fama_troops", "state_abuse_rate"} <= set(design.columns)

    path.write_text(
        path.read_text().split("sweep:")[0]
        + "sweep:\n  points: [{fama_troops: 15000}, {state_abuse_rate: 0.8}]\n"
    )
    exp = load_experiment(path)
    assert [dict(p.params) for p in exp.points] == [{"fama_troops": 15000.0},
                                                    {"state_abuse_rate": 0.8}]  # fmt: skip
    assert np.isnan(exp.design_frame()["fama_troops"].iloc[-1])


@pytest.mark.parametrize("method,n", [("lhs", 10), ("sobol", 8)])
def test_sample_points_within_ranges(tmp_path: Path, method: str, n: int) -> None:
    path = write_experiment(
        tmp_path,
        replicates=1,
        extra=f"sample:\n  method: {method}\n  n: {n}\n  seed: 4\n  ranges:\n"
        "    fama_troops: [15000, 30000]\n    vision_radius: bounds\n",
    )
    exp = load_experiment(path)
    troops = [p.params["fama_troops"] for p in exp.points]
    assert len(troops) == n
    assert all(15000 <= t <= 30000 for t in troops)
    assert all(isinstance(p.params["vision_radius"], int) for p in exp.points)
    if method == "lhs":  # one point per stratum
        strata = np.floor((np.array(troops) - 15000) / 15000 * n).astype(int)
        assert sorted(strata) == list(range(n))
    again = sample_points(method, n, {"fama_troops": (15000, 30000), "vision_radius": (1, 3)}, 4)
    assert [p.params["fama_troops"] for p in again] == troops


def test_programmatic_experiment(tmp_path: Path, experiment_file: Path) -> None:
    scenario = load_scenario(
        experiment_file.parent / "scenarios" / "calm.yaml", ["params.n_civilian_agents=2000"]
    )
    exp = Experiment(
        name="api",
        scenarios=[scenario],
        points=[{"fama_troops": 15000}, DesignPoint("strong", {"fama_troops": 30000})],
        replicates=2,
        seed=3,
    )
    assert [p.point_id for p in exp.points] == ["p0000", "strong"]
    report = run_experiment(exp, tmp_path / "out", executor="serial", progress="none")
    assert report.complete and report.done == 4
    res = malisim.load_results(tmp_path / "out")
    assert list(res.outcomes["run_id"]) == ["calm|p0000|0", "calm|p0000|1", "calm|strong|0",
                                            "calm|strong|1"]  # fmt: skip
    assert list(res.design["fama_troops"]) == [15000, 15000, 30000, 30000]
    with pytest.raises(UserError, match="did not keep series"):
        _ = res.series
    with pytest.raises(UserError, match=r"points\[0\].fama_troops: 1 is out of range"):
        Experiment(name="bad", scenarios=[scenario], points=[{"fama_troops": 1}])
    with pytest.raises(UserError, match="two scenarios are named 'calm'"):
        Experiment(name="bad", scenarios=[scenario, scenario])
    assert grid_points({"a": [1, 2], "b": [3]})[1].params == {"a": 2, "b": 3}


# ------------------------------------------------------------------------------------------
# errors in experiment files


def _error(tmp_path: Path, replicates: int = 3, extra: str = "", **keys: str) -> str:
    path = write_experiment(tmp_path, replicates, extra, **keys)
    with pytest.raises(UserError) as info:
        load_experiment(path)
    return str(info.value).replace(str(tmp_path), "TMP")


def test_error_unknown_key_with_suggestion(tmp_path: Path) -> None:
    msg = _error(tmp_path, extra="replicate: 4\n")
    assert msg.startswith("TMP/tiny.yaml:7: replicate: unknown key; allowed: name, description,")
    assert msg.endswith("did you mean 'replicates'?")


def test_error_wrong_type(tmp_path: Path) -> None:
    msg = _error(tmp_path, replicates="many")  # type: ignore[arg-type]
    assert msg == "TMP/tiny.yaml:3: replicates: expected a whole number, got 'many'"


def test_error_out_of_range(tmp_path: Path) -> None:
    msg = _error(tmp_path, replicates=0)
    assert msg == "TMP/tiny.yaml:3: replicates: 0 is out of range; allowed: 1 to 1000000"
    msg = _error(tmp_path, seed="-1")
    assert msg.startswith("TMP/tiny.yaml:4: seed: -1 is out of range")


def test_error_missing_key(tmp_path: Path) -> None:
    path = write_experiment(tmp_path)
    path.write_text("\n".join(x for x in path.read_text().splitlines() if "seed" not in x))
    with pytest.raises(UserError, match=r"tiny.yaml: seed: missing required key"):
        load_experiment(path)


def test_error_missing_scenario_file_with_suggestion(tmp_path: Path) -> None:
    msg = _error(tmp_path, scenarios="[scenarios/calm.yaml, scenarios/wagner_erly.yaml]")
    assert msg.startswith("TMP/tiny.yaml:2: scenarios[1]: scenario file not found (TMP/")
    assert "allowed: files in TMP/scenarios: calm.yaml, wagner_early.yaml" in msg
    assert msg.endswith("did you mean 'scenarios/wagner_early.yaml'?")


def test_error_in_a_scenario_file_is_located_there(tmp_path: Path) -> None:
    path = write_experiment(tmp_path)
    (tmp_path / "scenarios" / "calm.yaml").write_text(CALM + "params: {fama_tropos: 3}\n")
    with pytest.raises(UserError) as info:
        load_experiment(path)
    assert str(info.value) == (
        f"{tmp_path}/scenarios/calm.yaml:5: params.fama_tropos: unknown parameter; "
        "did you mean 'fama_troops'?"
    )


def test_error_unknown_and_out_of_range_parameters(tmp_path: Path) -> None:
    msg = _error(tmp_path, params="{n_civilian_agent: 2000}")
    assert msg == (
        "TMP/tiny.yaml:5: params.n_civilian_agent: unknown parameter; "
        "did you mean 'n_civilian_agents'?"
    )
    msg = _error(tmp_path, extra="sweep:\n  grid:\n    fama_troops: [20000, 900000]\n")
    assert msg == (
        "TMP/tiny.yaml:9: sweep.grid.fama_troops[1]: 900000 is out of range; "
        "allowed: 5000 to 60000 troops"
    )
    msg = _error(tmp_path, extra="sweep:\n  points:\n    - {vision_radius: 1.5}\n")
    assert msg.startswith("TMP/tiny.yaml:9: sweep.points[0].vision_radius: expected a whole")


def test_error_sweep_and_sample_sections(tmp_path: Path) -> None:
    msg = _error(tmp_path, extra="sweep:\n  gird: {fama_troops: [20000]}\n")
    assert msg.endswith("sweep.gird: unknown key; allowed: grid, points; did you mean 'grid'?")
    msg = _error(
        tmp_path, extra="sample:\n  method: sobol\n  n: 10\n  ranges: {fama_troops: bounds}\n"
    )
    assert msg == (
        "TMP/tiny.yaml:9: sample.n: Sobol samples need a power of two, got n = 10; "
        "allowed: e.g. 8 or 16"
    )
    msg = _error(
        tmp_path, extra="sample:\n  method: lhc\n  n: 10\n  ranges: {fama_troops: bounds}\n"
    )
    assert msg.startswith("TMP/tiny.yaml:8: sample.method: 'lhc' is not allowed; allowed:")
    msg = _error(
        tmp_path, extra="sample:\n  method: lhs\n  n: 10\n  ranges: {fama_troops: [1000, 20000]}\n"
    )
    assert msg == (
        "TMP/tiny.yaml:10: sample.ranges.fama_troops: [1000, 20000] is outside the parameter's "
        "bounds; allowed: a range within 5000 to 60000 troops"
    )
    msg = _error(
        tmp_path,
        extra="sweep:\n  grid: {fama_troops: [20000]}\nsample:\n  method: lhs\n  n: 4\n"
        "  ranges: {fama_troops: bounds}\n",
    )
    assert msg == (
        "TMP/tiny.yaml:9: sample: use either sweep or sample, not both (put one of them in "
        "another experiment)"
    )


def test_error_months_and_scenario_horizon(tmp_path: Path) -> None:
    msg = _error(tmp_path, start="2019-13")
    assert msg.startswith("TMP/tiny.yaml:7: start:")
    msg = _error(tmp_path, start="2019-06", end="2019-03")
    assert msg == "TMP/tiny.yaml:8: end: 2019-03 is before start 2019-06; allowed: 2019-06 or later"
    # a shorter period truncates the scenario's timeline (as `run --end` does): Wagner, due
    # in 2019-03, never comes; a period outside the scenario is refused at the experiment's key
    short = load_experiment(write_experiment(tmp_path, end="2019-02")).scenarios[1]
    assert (short.name, short.end, short.policies[0].start) == (
        "wagner_early",
        "2019-02",
        "2019-03",
    )
    msg = _error(tmp_path, end="2018-12")
    assert msg == (
        "TMP/tiny.yaml:7: end: 2018-12 is before start 2019-01 (start set in "
        "TMP/scenarios/calm.yaml), for scenario 'scenarios/calm.yaml'; allowed: 2019-01 or later"
    )


def test_error_duplicate_scenario_and_bad_keep(tmp_path: Path) -> None:
    msg = _error(tmp_path, scenarios="[scenarios/calm.yaml, scenarios/calm.yaml]")
    assert msg.startswith("TMP/tiny.yaml:2: scenarios[1]: scenario 'calm' is already in the")
    msg = _error(tmp_path, keep="{series: yes please}")
    assert msg == "TMP/tiny.yaml:6: keep.series: expected true or false, got 'yes please'"
    msg = _error(tmp_path, keep="{event: true}")
    assert msg.endswith("keep.event: unknown key; allowed: series, events; did you mean 'events'?")
    msg = _error(tmp_path, scenarios="[]")
    assert msg == "TMP/tiny.yaml:2: scenarios: needs at least one scenario file"


def test_error_file_level_problems(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="file not found"):
        load_experiment(tmp_path / "nope.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(UserError, match="top level must be a mapping"):
        load_experiment(bad)


# ------------------------------------------------------------------------------------------
# running


def test_one_and_two_local_workers_and_serial_give_identical_bytes(
    tmp_path: Path, experiment_file: Path
) -> None:
    outs = {}
    for name, options in {
        "serial": {"executor": "serial"},
        "local1": {"executor": "local", "workers": 1},
        "local2": {"executor": "local", "workers": 2, "chunk_runs": 2},
    }.items():
        outs[name] = tmp_path / name
        report = run_experiment(experiment_file, outs[name], progress="none", **options)
        assert report.complete and report.done == 6 and report.failed == 0
    same_bytes(outs["serial"], outs["local1"])
    same_bytes(outs["serial"], outs["local2"])
    res = load_results(outs["local2"])
    assert res.outcomes["run_id"].is_unique and len(res.outcomes) == 6
    assert list(res.series.columns[:4]) == ["run_id", "scenario", "point_id", "replicate"]
    assert set(res.events["run_id"]) == set(res.outcomes["run_id"])
    manifest = json.loads((outs["local2"] / "manifest.json").read_text())
    assert manifest["sessions"][0]["executor"] == "local"
    assert manifest["sessions"][0]["workers"] == 2
    assert manifest["malisim_version"] == malisim.__version__
    assert {"numpy", "pyarrow", "mesa"} <= set(manifest["versions"])
    assert manifest["experiment"]["scenarios"][1]["policies"][0]["type"] == "wagner_deployment"


def test_adding_replicates_and_scenarios_keeps_earlier_runs(tmp_path: Path) -> None:
    small = write_experiment(tmp_path / "a", replicates=2, scenarios="[scenarios/calm.yaml]")
    large = write_experiment(tmp_path / "b", replicates=4)
    run_experiment(small, tmp_path / "small", executor="serial", progress="none")
    run_experiment(large, tmp_path / "large", executor="serial", progress="none")
    a, b = load_results(tmp_path / "small"), load_results(tmp_path / "large")
    shared = b.design[b.design["run_id"].isin(a.design["run_id"])]
    pd.testing.assert_frame_equal(
        a.design.drop(columns="index").reset_index(drop=True),
        shared.drop(columns="index").reset_index(drop=True),
    )
    kept = b.outcomes[b.outcomes["run_id"].isin(a.outcomes["run_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.outcomes, kept[a.outcomes.columns])
    ser_b = b.series[b.series["run_id"].isin(a.outcomes["run_id"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(a.series, ser_b)


def test_failing_run_is_recorded_and_the_batch_carries_on(
    tmp_path: Path, experiment_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = worker_module.simulate

    def flaky(task: worker_module.RunTask):  # type: ignore[no-untyped-def]
        if task.run_id.endswith("|1"):
            raise RuntimeError(f"boom in {task.run_id}")
        return real(task)

    monkeypatch.setattr(worker_module, "simulate", flaky)
    out = tmp_path / "out"
    report = run_experiment(experiment_file, out, executor="serial", progress="none")
    assert (report.done, report.failed, report.pending) == (4, 2, 0)
    assert report.complete
    assert report.failures[0] == ("calm|base|1", "RuntimeError: boom in calm|base|1")
    res = load_results(out)
    assert list(res.outcomes["replicate"]) == [0, 2, 0, 2]
    assert (res.status["state"] == "failed").sum() == 2
    text = format_status(out, tracebacks=True)
    assert "failed         2" in text and "--retry-failed" in text
    assert "raise RuntimeError" in text
    failed = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    failed = [r for r in failed if r["event"] == "failed"]
    assert "Traceback" in failed[0]["traceback"]

    # retrying the failures (now fixed) completes the store, identical to a clean batch
    monkeypatch.setattr(worker_module, "simulate", real)
    report = run_experiment(
        experiment_file, out, executor="serial", progress="none", resume=True, retry_failed=True
    )
    assert (report.done, report.failed, report.ran) == (6, 0, 2)
    run_experiment(experiment_file, tmp_path / "clean", executor="serial", progress="none")
    same_bytes(out, tmp_path / "clean")


def test_interrupt_commits_finished_runs_and_resume_completes(
    tmp_path: Path, experiment_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = worker_module.simulate
    calls = []

    def interrupted(task: worker_module.RunTask):  # type: ignore[no-untyped-def]
        calls.append(task.run_id)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(task)

    monkeypatch.setattr(worker_module, "simulate", interrupted)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_experiment(experiment_file, out, executor="serial", progress="none")
    res = load_results(out)
    assert not res.complete
    assert res.summary.done == 3 and res.summary.pending == 3 and res.summary.in_flight == 1
    assert list(res.outcomes["run_id"]) == ["calm|base|0", "calm|base|1", "wagner_early|base|0"]
    assert "stopped: interrupted" in format_status(out)
    records = [json.loads(x) for x in (out / "status.jsonl").read_text().splitlines()]
    assert records[-1]["event"] == "stopped"

    monkeypatch.setattr(worker_module, "simulate", real)
    report = run_experiment(experiment_file, out, executor="serial", progress="none", resume=True)
    assert report.complete and report.ran == 3
    run_experiment(experiment_file, tmp_path / "clean", executor="serial", progress="none")
    same_bytes(out, tmp_path / "clean")


def test_resume_refuses_a_changed_experiment_unless_forced(tmp_path: Path) -> None:
    path = write_experiment(tmp_path / "exp", replicates=2)
    out = tmp_path / "out"
    run_experiment(path, out, executor="serial", progress="none")
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    write_experiment(tmp_path / "exp", replicates=3)
    with pytest.raises(UserError) as info:
        run_experiment(path, out, executor="serial", progress="none", resume=True)
    msg = str(info.value)
    assert "cannot resume: the experiment changed since it was started (replicates 2 -> 3)" in msg
    assert "--force" in msg
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before

    report = run_experiment(path, out, executor="serial", progress="none", resume=True, force=True)
    assert report.complete and report.ran == 2 and report.done == 6  # only the new replicate
    run_experiment(path, tmp_path / "fresh", executor="serial", progress="none")
    same_bytes(out, tmp_path / "fresh")
    manifest = json.loads((out / "manifest.json").read_text())
    assert "replicates 2 -> 3" in manifest["history"][0]["reason"]

    # a changed scenario file changes the experiment too
    (tmp_path / "exp" / "scenarios" / "calm.yaml").write_text(
        CALM + "params: {fama_troops: 9000}\n"
    )
    with pytest.raises(UserError, match=r"scenarios changed: calm"):
        run_experiment(path, out, executor="serial", progress="none", resume=True)


def test_resume_refuses_another_malisim_version(tmp_path: Path, experiment_file: Path) -> None:
    out = tmp_path / "out"
    run_experiment(experiment_file, out, executor="serial", progress="none")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["malisim_version"] = "0.0.1"
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(UserError, match=r"it was started with malisim 0.0.1, this is"):
        run_experiment(experiment_file, out, executor="serial", progress="none", resume=True)
    report = run_experiment(
        experiment_file, out, executor="serial", progress="none", resume=True, force=True
    )
    assert report.complete and report.ran == 0


def test_non_empty_output_folder_is_refused(tmp_path: Path, experiment_file: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError, match="output folder exists and is not empty"):
        run_experiment(experiment_file, out, executor="serial", progress="none")
    with pytest.raises(UserError, match="not a malisim results folder"):
        run_experiment(experiment_file, out, executor="serial", progress="none", resume=True)
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
    done = tmp_path / "done"
    run_experiment(experiment_file, done, executor="serial", progress="none")
    with pytest.raises(UserError, match="already holds a results store; pass --resume"):
        run_experiment(experiment_file, done, executor="serial", progress="none")
    # resuming a complete store does nothing
    report = run_experiment(experiment_file, done, executor="serial", progress="none", resume=True)
    assert report.complete and report.ran == 0


def test_progress_log_lines_when_not_a_terminal(tmp_path: Path, experiment_file: Path) -> None:
    stream = io.StringIO()
    run_experiment(
        experiment_file, tmp_path / "o", executor="serial", progress="log", log_every=1e-9,
        stream=stream,
    )  # fmt: skip
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith("batch: 1/6 runs done (0 failed)")
    assert lines[-1].startswith("batch: 6/6 runs done (0 failed), ")
    assert "runs/s" in lines[-1]


def test_distribution_table(tmp_path: Path, experiment_file: Path) -> None:
    run_experiment(experiment_file, tmp_path / "o", executor="serial", progress="none")
    table = distribution_table(load_results(tmp_path / "o").outcomes)
    assert list(table.index) == ["calm", "wagner_early"]
    assert table.loc["calm", ("runs", "")] == 3
    lo, mid, hi = (table.loc["calm", ("idps_end", q)] for q in ("p5", "median", "p95"))
    assert lo <= mid <= hi
    text = format_distributions(table)
    assert "civilian deaths (all years)" in text and "calm" in text


# ------------------------------------------------------------------------------------------
# command line and import hygiene


def test_cli_batch_and_status(
    tmp_path: Path, experiment_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(["batch", str(experiment_file), "--out", str(out), "--executor", "serial",
                 "--progress", "none"])  # fmt: skip
    assert code == 0
    text = capsys.readouterr().out
    assert "6 of 6 runs done, 0 failed" in text
    assert "median [5%-95%]" in text and "wagner_early" in text
    assert main(["status", str(out)]) == 0
    status = capsys.readouterr().out
    assert "done           6" in status and "complete" in status
    assert main(["batch", str(experiment_file), "--out", str(out)]) == 2
    assert "pass --resume" in capsys.readouterr().err
    assert main(["batch", str(experiment_file), "--out", str(out), "--workers", "2",
                 "--executor", "serial"]) == 2  # fmt: skip
    assert "--workers: the serial executor has one worker" in capsys.readouterr().err
    assert main(["batch", str(experiment_file), "--scheduler", "localhost:1"]) == 2
    assert "is not a scheduler address" in capsys.readouterr().err
    assert main(["status", str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_import_has_no_side_effects() -> None:
    code = textwrap.dedent(
        """
        import multiprocessing, sys
        import malisim, malisim.experiment
        assert callable(malisim.run_experiment) and callable(malisim.load_results)
        loaded = [m for m in ("dask", "distributed", "concurrent.futures.process", "tqdm")
                  if m in sys.modules]
        assert not loaded, loaded
        assert multiprocessing.get_start_method(allow_none=True) is None
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_git_commit_is_dirty_when_model_code_is_modified(tmp_path: Path, monkeypatch):
    # A manifest's commit must say "-dirty" when any of the package's code differs from it,
    # not only the batch machinery: copy the package into a fresh repository and change the model
    # module.
    import shutil

    from malisim.experiment import store

    package = Path(store.__file__).resolve().parents[1]
    repo = tmp_path / "repo"
    shutil.copytree(package, repo / "src" / "malisim", ignore=shutil.ignore_patterns("__pycache__"))
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([*git, "add", "."], cwd=repo, check=True)
    subprocess.run([*git, "commit", "-q", "-m", "x"], cwd=repo, check=True)
    copied = repo / "src" / "malisim" / "experiment" / "store.py"
    monkeypatch.setattr(store, "__file__", str(copied))
    clean = store.git_commit()
    assert clean is not None and not clean.endswith("-dirty")
    model = repo / "src" / "malisim" / "model" / "mali_model.py"
    model.write_text(model.read_text() + "\n# changed\n")
    assert store.git_commit() == clean + "-dirty"


def test_executor_names_come_from_one_definition() -> None:
    # every executor class, the factory's default and the files' default use the names of
    # executor_kinds; a new or renamed executor must be added there
    from malisim.experiment.config import ExecutorSection
    from malisim.experiment.executor_kinds import DEFAULT_EXECUTOR, EXECUTORS
    from malisim.experiment.executors import (
        DaskExecutor,
        LocalExecutor,
        SerialExecutor,
        make_executor,
    )

    assert [c.name for c in (SerialExecutor, LocalExecutor, DaskExecutor)] == list(EXECUTORS)
    assert make_executor().name == DEFAULT_EXECUTOR == ExecutorSection().kind
    assert make_executor("serial").name == "serial"
    assert make_executor(scheduler="tcp://127.0.0.1:1").name == "dask"
    with pytest.raises(UserError, match="unknown executor 'threads'; allowed: serial, local, dask"):
        make_executor("threads")
