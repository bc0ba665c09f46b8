"""Tests of posterior ensembles in batches: draws per replicate, pairing, bytes, errors."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from batch_support import same_bytes
from malisim.cli.main import main
from malisim.core.errors import UserError
from malisim.experiment import load_experiment, load_results, run_experiment
from malisim.experiment.posterior import draw_rows, load_posterior, pick_draw

#: Two calibrated parameters with clearly different values per draw, weights unequal.
DRAWS = pd.DataFrame(
    {
        "refugee_share": [0.15, 0.3, 0.45, 0.6],
        "flight_rate": [0.05, 0.1, 0.2, 0.35],
        "weight": [0.1, 0.2, 0.3, 0.4],
        "distance": [1.0, 0.9, 0.8, 0.7],
    }
)

SCENARIOS = {
    # the calibrated layer (name: calibrated), which a draw replaces
    "calibrated.yaml": "name: calibrated\nparams: {refugee_share: 0.22, flight_rate: 0.25}\n",
    "calm.yaml": "name: calm\nextends: calibrated\nstart: 2019-01\nend: 2019-06\n",
    "wagner_early.yaml": "name: wagner_early\nextends: calibrated\nstart: 2019-01\n"
    "end: 2019-06\npolicies:\n  - {type: wagner_deployment, start: 2019-03, personnel: 1500}\n",
    # a scenario setting a calibrated parameter itself: it keeps its value
    "low_flight.yaml": "name: low_flight\nextends: calibrated\nstart: 2019-01\nend: 2019-06\n"
    "params: {flight_rate: 0.07}\n",
}


def _setup(folder: Path, posterior: str = "{posterior: cal}", replicates: int = 6) -> Path:
    (folder / "scenarios").mkdir(exist_ok=True)
    for name, text in SCENARIOS.items():
        (folder / "scenarios" / name).write_text(text)
    (folder / "cal").mkdir(exist_ok=True)
    DRAWS.to_parquet(folder / "cal" / "posterior.parquet", index=False)
    path = folder / "exp.yaml"
    path.write_text(
        textwrap.dedent(
            f"""\
            name: post
            scenarios: [scenarios/calm.yaml, scenarios/wagner_early.yaml,
                        scenarios/low_flight.yaml]
            replicates: {replicates}
            seed: 11
            params: {{n_civilian_agents: 2000}}
            parameters: {posterior}
            keep: {{series: true}}
            """
        )
    )
    return path


def test_draws_follow_the_weights_and_do_not_move_when_replicates_are_added(
    tmp_path: Path,
) -> None:
    DRAWS.to_parquet(tmp_path / "posterior.parquet", index=False)
    post = load_posterior(tmp_path)
    rows = draw_rows(post, 3, range(4000))
    share = np.bincount(rows, minlength=4) / 4000
    # multinomial resampling: each share within 0.03 of its weight (about 4 standard errors
    # of a proportion near 0.3 with 4,000 draws)
    assert np.allclose(share, DRAWS["weight"], atol=0.03)
    assert draw_rows(post, 3, range(10)) == rows[:10]
    assert draw_rows(post, 4, range(10)) != rows[:10]  # another seed, other draws


def test_pick_draw_reads_median_and_rows_and_refuses_others(tmp_path: Path) -> None:
    DRAWS.to_parquet(tmp_path / "posterior.parquet", index=False)
    post = load_posterior(tmp_path)
    values, label = pick_draw(post, "2")
    assert label == "posterior draw 2" and values == post.row(2)
    assert pick_draw(post, 2) == (values, label)  # an int and its string name the same row
    assert pick_draw(post, "median") == (post.median(), "posterior median")
    for bad in ("4", "-1", "mean"):
        with pytest.raises(UserError, match=r"row|neither") as err:
            pick_draw(post, bad, key="page")
        assert "0 to 3" in str(err.value)


def test_batch_with_a_posterior_pairs_scenarios_by_draw_and_seed(tmp_path: Path) -> None:
    exp = load_experiment(_setup(tmp_path))
    report = run_experiment(exp, tmp_path / "out", executor="serial", progress="none")
    assert report.complete and report.failed == 0
    res = load_results(tmp_path / "out")
    design = res.design
    assert "posterior_draw" in design.columns
    by = design.set_index(["scenario", "replicate"])
    draws = by.loc["calm", "posterior_draw"]
    # different parameters per replicate: several distinct rows among the six replicates
    assert draws.nunique() >= 2
    for k in range(6):
        rows = {s: by.loc[(s, k), "posterior_draw"] for s in ("calm", "wagner_early")}
        seeds = {s: by.loc[(s, k), "seed"] for s in ("calm", "wagner_early", "low_flight")}
        assert len(set(rows.values())) == 1 and len(set(seeds.values())) == 1
    # the runs used the drawn values: scenario parameters per run, rebuilt by the experiment
    for run in exp.runs():
        params = exp.run_scenario(run).parameters
        row = DRAWS.iloc[run.draw]
        assert params.refugee_share == pytest.approx(row["refugee_share"])
        if run.scenario == "low_flight":
            assert params.flight_rate == 0.07  # set by the scenario itself: kept
        else:
            assert params.flight_rate == pytest.approx(row["flight_rate"])
    assert len(res.outcomes) == 18


def test_posterior_batch_gives_identical_bytes_across_executors(tmp_path: Path) -> None:
    path = _setup(tmp_path, replicates=3)
    outs = {}
    for name, options in {
        "serial": {"executor": "serial"},
        "local2": {"executor": "local", "workers": 2, "chunk_runs": 2},
    }.items():
        outs[name] = tmp_path / name
        report = run_experiment(path, outs[name], progress="none", **options)
        assert report.complete and report.failed == 0
    same_bytes(outs["serial"], outs["local2"], ("design.parquet", "outcomes.parquet",
                                                "series.parquet"))  # fmt: skip


def test_experiment_param_wins_over_the_draw(tmp_path: Path) -> None:
    path = _setup(tmp_path, replicates=2)
    text = path.read_text().replace("2000}", "2000, refugee_share: 0.5}")
    path.write_text(text)
    exp = load_experiment(path)
    for run in exp.runs():
        assert exp.run_scenario(run).parameters.refugee_share == 0.5


@pytest.mark.parametrize(
    ("frame", "message"),
    [
        (DRAWS.drop(columns="weight"), "no 'weight' column"),
        (DRAWS.rename(columns={"flight_rate": "flight_rat"}), "'flight_rat' is not a parameter"),
        (DRAWS.assign(refugee_share=[0.1, 0.2, 1.5, 0.3]), "outside the parameter's bounds"),
        (DRAWS.assign(weight=[0.0, 0.0, 0.0, 0.0]), "positive sum"),
        (DRAWS.iloc[:0], "no draws"),
    ],
)
def test_malformed_posterior_is_refused_naming_file_and_key(
    tmp_path: Path, frame: pd.DataFrame, message: str
) -> None:
    path = _setup(tmp_path)
    frame.to_parquet(tmp_path / "cal" / "posterior.parquet", index=False)
    with pytest.raises(UserError) as err:
        load_experiment(path)
    text = str(err.value)
    assert message in text and "posterior.parquet" in text and "parameters.posterior" in text
    assert "exp.yaml:7" in text


def test_unreadable_or_missing_posterior(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = _setup(tmp_path)
    (tmp_path / "cal" / "posterior.parquet").write_bytes(b"not parquet")
    with pytest.raises(UserError, match="not a readable Parquet file"):
        load_experiment(path)
    (tmp_path / "cal" / "posterior.parquet").unlink()
    assert main(["batch", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "posterior file not found" in err and "Traceback" not in err
    assert "parameters.posterior" in err


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("{posterior: ../elsewhere}", "leads outside the experiment file's folder"),
        ("{posterior: /tmp}", "absolute path"),
        ("{posterior: cal, other: 1}", "is not a parameter source"),
        ("prior", "is not a parameter source"),
    ],
)
def test_posterior_path_escape_and_bad_values_refused(
    tmp_path: Path, value: str, message: str
) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "elsewhere").mkdir()
    DRAWS.to_parquet(tmp_path / "elsewhere" / "posterior.parquet", index=False)
    path = _setup(inner, posterior=value)
    with pytest.raises(UserError, match=message) as err:
        load_experiment(path)
    assert err.value.key is not None and err.value.key.startswith("parameters")


def test_symbolic_link_out_of_the_folder_is_refused(tmp_path: Path) -> None:
    inner = tmp_path / "inner"
    inner.mkdir()
    (tmp_path / "elsewhere").mkdir()
    DRAWS.to_parquet(tmp_path / "elsewhere" / "posterior.parquet", index=False)
    path = _setup(inner, posterior="{posterior: link}")
    (inner / "link").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(UserError, match="leads outside"):
        load_experiment(path)


def test_shipped_posterior_missing_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from malisim.experiment import posterior as module

    monkeypatch.setattr(module, "shipped_posterior_path", lambda: tmp_path / "none.parquet")
    path = _setup(tmp_path, posterior="posterior")
    with pytest.raises(UserError, match="ships no posterior yet") as err:
        load_experiment(path)
    assert err.value.key == "parameters"


def test_run_uses_the_posterior_median_or_a_draw(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    _setup(tmp_path)
    scenario = tmp_path / "scenarios" / "calm.yaml"
    cal = str(tmp_path / "cal")
    args = ["run", str(scenario), "--set", "n_civilian_agents=2000", "--end", "2019-02"]
    assert main([*args, "--posterior", "2", "--posterior-from", cal,
                 "--out", str(tmp_path / "r2")]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "posterior draw 2" in out and "refugee_share=0.45" in out
    assert main([*args, "--posterior", "median", "--posterior-from", cal,
                 "--out", str(tmp_path / "rm")]) == 0  # fmt: skip
    assert "posterior median" in capsys.readouterr().out
    assert main([*args, "--posterior", "9", "--posterior-from", cal,
                 "--out", str(tmp_path / "r9")]) == 2  # fmt: skip
    err = capsys.readouterr().err
    assert "--posterior" in err and "0 to 3" in err and "Traceback" not in err
