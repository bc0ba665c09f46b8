"""The validation table (`malisim score`): scores, baselines, order, split and the command."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from malisim.analysis.targets import NOT_SIMULATED, SimulatedTargets, load_targets
from malisim.analysis.validation import pattern_baselines, pattern_table, validate_results
from malisim.core.errors import UserError

HEADER = (
    "target,period_start,period_end,region,value,unit,kind,split,tolerance,source,locator,note\n"
)
ROWS = (
    "civilian_fatalities,2021-01,2021-12,national,400,people,count,fit,relative:0.25,x,p1,n\n"
    "civilian_fatalities,2022-01,2022-12,national,2000,people,count,fit,relative:0.25,x,p1,n\n"
    "civilian_fatalities,2023-01,2023-12,national,1000,people,count,out_of_sample,"
    "relative:0.25,x,p2,n\n"
    "made_up_observable,2022-01,2022-12,national,14,people,count,fit,relative:0.5,x,p3,n\n"
)


@pytest.fixture
def targets(tmp_path: Path, monkeypatch):
    # every documented observable is simulated today (peacekeeper deaths since issue 18): a
    # made-up one stands for a documented figure the model does not produce
    monkeypatch.setitem(NOT_SIMULATED, "made_up_observable", "not built yet")
    path = tmp_path / "targets.csv"
    path.write_text(HEADER + ROWS)
    return load_targets(path)


def simulated(targets, per_target: dict[int, list[float]], runs: int) -> SimulatedTargets:
    values = pd.DataFrame(
        np.nan,
        index=pd.Index([f"r{i}" for i in range(runs)], name="run_id"),
        columns=[t.name for t in targets],
    )
    for j, v in per_target.items():
        values[targets[j].name] = v
    return SimulatedTargets(values, {})


def test_baselines_come_from_the_other_figures_of_the_same_observable(targets):
    base = pattern_baselines(targets)
    y21, y22, y23, ret = (base[t.name] for t in targets)
    assert np.isnan(y21.persistence) and y22.persistence == 400 and y23.persistence == 2000
    # climatology: the fit-period figures but the figure itself
    assert list(y21.climatology) == [2000] and list(y23.climatology) == [400, 2000]
    assert np.isnan(ret.persistence) and ret.climatology.size == 0


def test_pattern_scores_known_values(targets):
    sims = simulated(targets, {0: [300, 400, 500], 1: [600, 700, 800], 2: [1000] * 3}, runs=3)
    scen = pd.Series("historical", index=sims.values.index)
    table = pattern_table(targets, sims, scen)
    row = table.set_index("target").loc[targets[0].name]
    assert row["median"] == 400 and row["inside"] and row["in_90"]
    assert row["share_inside"] == 1.0  # 300, 400 and 500 all lie in 400 +/- 25%
    # CRPS of {300, 400, 500} at 400: E|X-y| = 200/3, E|X-X'|/2 = (8 * 100 ... ) by hand:
    # pairs |xi-xj| over 9 ordered pairs: 0,100,200,100,0,100,200,100,0 -> mean 800/9; half 400/9
    assert row["crps"] == pytest.approx(200 / 3 - 400 / 9)
    y22 = table.set_index("target").loc[targets[1].name]
    assert y22["status"] == "miss" and not y22["in_90"] and y22["share_inside"] == 0.0
    # persistence forecast of 2022 is the 2021 figure (400): CRPS |400 - 2000| = 1600
    assert y22["crps_persistence"] == 1600
    assert y22["skill_persistence"] == pytest.approx(1 - y22["crps"] / 1600)
    y23 = table.set_index("target").loc[targets[2].name]
    assert y23["crps"] == 0 and y23["skill_persistence"] == 1.0


def test_a_forecast_equal_to_the_baseline_has_zero_skill(targets):
    # every run gives the 2022 figure's persistence forecast (the 2021 value)
    sims = simulated(targets, {1: [400.0] * 5}, runs=5)
    table = pattern_table(targets, sims, pd.Series("s", index=sims.values.index))
    row = table.set_index("target").loc[targets[1].name]
    assert row["skill_persistence"] == 0.0


def test_order_misses_first_in_sample_before_out_of_sample(targets):
    sims = simulated(targets, {0: [400] * 2, 1: [100] * 2, 2: [900] * 2}, runs=2)
    scen = pd.Series(["a", "b"], index=sims.values.index)
    table = pattern_table(targets, sims, scen, ["b", "a"])
    assert list(dict.fromkeys(table["scenario"])) == ["b", "a"]
    a = table[table.scenario == "a"]
    assert list(a["split"]) == ["fit", "fit", "fit", "out_of_sample"]
    assert list(a["status"][:3]) == ["miss", "not simulated", "hit"]
    assert a["note"].iloc[1].startswith("")  # not-simulated rows are kept, never dropped
    assert len(table) == 2 * len(targets)


def test_not_simulated_figures_stay_in_the_table(targets):
    sims = simulated(targets, {}, runs=2)
    table = pattern_table(targets, sims, pd.Series("s", index=sims.values.index))
    row = table.set_index("target").loc[targets[3].name]
    assert row["status"] == "not simulated" and row["runs"] == 0


# ---------------------------------------------------------------------------------------------
# a small batch end to end

EXPERIMENT = """
name: score_test
scenarios:
  - {scenarios}/historical.yaml
replicates: 2
seed: 3
params:
  n_civilian_agents: 1500
keep:
  series: true
  events: {events}
"""


def batch(tmp_path: Path, events: bool) -> Path:
    root = Path(__file__).resolve().parents[1]
    exp = tmp_path / f"exp_{events}.yaml"
    exp.write_text(EXPERIMENT.format(scenarios=root / "scenarios", events=str(events).lower()))
    out = tmp_path / f"res_{events}"
    done = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "batch", str(exp), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> Path:
    return batch(tmp_path_factory.mktemp("score"), events=True)


def test_score_command_prints_and_writes_the_table(results: Path, tmp_path: Path):
    out = tmp_path / "v.csv"
    done = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "score", str(results), "--out", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "In-sample (fit period 2019-01 to 2022-12)" in done.stdout
    assert "Out-of-sample (2023 onward" in done.stdout
    assert done.stdout.index("In-sample") < done.stdout.index("Out-of-sample")
    table = pd.read_csv(out)
    shipped = load_targets()
    assert len(table) == len(shipped)  # one row per figure, none dropped
    assert set(table["target"]) == {t.name for t in shipped}
    # event-log figures have values when the events were kept
    events_rows = table[table["observable"].str.startswith(("fatalities", "events_"))]
    assert (events_rows["runs"] > 0).all() or events_rows.empty


def test_validation_agrees_with_the_model_outcomes(results: Path):
    v = validate_results(results)
    row = v.patterns.set_index("target").loc["civilian_fatalities[2022-01..2022-12,national]"]
    hist = pd.read_parquet(results / "outcomes.parquet")
    assert row["median"] == pytest.approx(hist["civilian_fatalities_2022"].median())


def test_score_errors_are_one_line(results: Path, tmp_path: Path):
    for argv, message in (
        (["score", str(tmp_path / "missing")], "results folder not found"),
        (["score", str(results), "--scenario", "histrical"], "did you mean 'historical'"),
        (["score", str(results), "--targets", str(tmp_path / "none.csv")], "targets file"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "malisim.cli", *argv],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr


def test_folder_without_events_says_so(tmp_path: Path):
    out = batch(tmp_path, events=False)
    v = validate_results(out)
    assert any("no event log kept" in n for n in v.notes)
    event_rows = v.patterns[v.patterns["observable"].str.startswith("events_")]
    assert (event_rows["status"] == "no value").all()


def test_calibration_refuses_out_of_sample_figures(tmp_path: Path, monkeypatch):
    monkeypatch.setitem(NOT_SIMULATED, "made_up_observable", "not built yet")  # ROWS names it
    from malisim.calibration.config import load_calibration

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "t.csv").write_text(HEADER + ROWS)
    cal = tmp_path / "cal.yaml"
    cal.write_text(
        f"""name: c
scenario: {root / "scenarios" / "historical.yaml"}
targets: t.csv
priors:
  flight_rate: {{low: 0.05, high: 0.4, why: test}}
split:
  fit: ["2021-01..2023-12"]
simulations: 10
seed: 1
"""
    )
    with pytest.raises(UserError, match="out-of-sample") as err:
        load_calibration(cal)
    assert "split" in str(err.value) and str(cal) in str(err.value)


# ---------------------------------------------------------------------------------------------
# against real data files (small files in each native schema)


def real_files(tmp_path: Path) -> dict[str, Path]:
    sys.path.insert(0, str(Path(__file__).parent))
    from test_data_io_acled import ROWS as ACLED_ROWS
    from test_data_io_acled import write_acled
    from test_data_io_ged import ROWS as GED_ROWS
    from test_data_io_ged import write_ged

    later = dict(ACLED_ROWS[0], event_id_cnty="MLI9", event_date="2023-05-02")
    dtm = tmp_path / "dtm.csv"
    dtm.write_text(
        "admin1Name,reportingDate,numPresentIdpInd,returnees\n"
        "Mopti,2022-03-31,100000,10\nGao,2022-03-31,50000,5\n"
        "Mopti,2022-06-30,110000,10\nGao,2022-06-30,52000,5\nMopti,2023-03-31,120000,3\n"
    )
    return {
        "acled": write_acled(tmp_path / "acled.csv", [*ACLED_ROWS, later]),
        "ged": write_ged(tmp_path / "ged.csv", GED_ROWS, header=False),
        "dtm": dtm,
    }


def test_score_against_real_data_files(results: Path, tmp_path: Path):
    files = real_files(tmp_path)
    out = tmp_path / "v" / "patterns.csv"
    done = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "score", str(results), "--out", str(out),
         "--acled", str(files["acled"]), "--ged", str(files["ged"]), "--dtm", str(files["dtm"])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Against real data" in done.stdout
    data = pd.read_csv(out.with_name("patterns_data.csv"))
    acled = data[data["data"] == "acled"]
    # every outcome at every level, in-sample (2022) and out-of-sample (2023)
    assert set(acled["level"]) == {"cell", "region", "national"}
    assert set(acled["split"]) == {"fit", "out_of_sample"}
    national = acled[(acled.outcome == "fatalities") & (acled.level == "national")]
    # the file's events in Mali: 30 + 12 + 0 (missing) + 5 + 4 in 2022, 30 in 2023
    assert national.set_index("split")["observed_total"].to_dict() == {
        "fit": pytest.approx(51.0),
        "out_of_sample": pytest.approx(30.0),
    }
    # cell level scores every grid cell
    cells = acled[(acled.outcome == "fatalities") & (acled.level == "cell")]
    assert (cells["units"] == 488).all()
    ged = data[data["data"] == "ged"]
    assert set(ged["outcome"]) == {"ged_sb", "ged_ns", "ged_os"}  # read without a header row
    dtm = data[data["data"] == "dtm"]
    # IDPs and returnees, by region and (in rounds that report every region) nationally
    assert set(dtm["outcome"]) == {"idps", "returnees"}
    assert set(dtm.loc[dtm.outcome == "idps", "level"]) == {"region"}  # no round has all ten
    regional = dtm[(dtm.outcome == "idps") & (dtm.split == "fit")]
    # totals are over every round of the split (scores skip the first: nothing to persist)
    assert regional["observed_total"].iloc[0] == 100000 + 50000 + 110000 + 52000
    assert regional["unit_months"].iloc[0] == 2  # Mopti and Gao in round 2


def test_a_malformed_data_file_writes_nothing(results: Path, tmp_path: Path):
    files = real_files(tmp_path)
    text = files["acled"].read_text().splitlines()
    text[2] = text[2].replace("27 March 2022", "the 27th of March")
    files["acled"].write_text("\n".join(text) + "\n")
    out = tmp_path / "w" / "patterns.csv"
    done = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "score", str(results), "--out", str(out),
         "--acled", str(files["acled"])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"{files['acled']}:3" in done.stderr and "event_date" in done.stderr
    assert not out.exists() and not out.with_name("patterns_data.csv").exists()


def test_event_data_need_the_event_log(tmp_path: Path):
    out = batch(tmp_path, events=False)
    files = real_files(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "score", str(out), "--ged", str(files["ged"])],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 2 and "keep: {events: true}" in done.stderr


def test_bounds_are_judged_by_their_tolerance_only(tmp_path: Path):
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER
        + "civilian_fatalities,2019-01,2019-10,national,900,people,count,fit,at_least:900,x,p,n\n"
        + "civilian_fatalities,2020-01,2020-10,national,800,people,count,fit,relative:0.2,x,p,n\n"
        + "civilian_fatalities,2021-01,2021-12,national,500,people,count,fit,relative:0.2,x,p,n\n"
        + "civilian_fatalities,2022-01,2022-10,national,700,people,count,fit,relative:0.2,x,p,n\n"
    )
    targets = load_targets(path)
    sims = simulated(targets, {0: [950.0, 1000.0], 1: [800.0, 800.0], 3: [700.0, 700.0]}, 2)
    table = pattern_table(targets, sims, pd.Series("s", index=sims.values.index))
    bound = table.set_index("target").loc[targets[0].name]
    assert bound["status"] == "hit" and bound["share_inside"] == 1.0
    assert np.isnan(bound["crps"]) and np.isnan(bound["skill_persistence"])
    assert "bound" in bound["note"]
    # counts over 10 months are forecast by counts over 10 months only: the 2022 figure's
    # persistence is 2020 (the bound of 2019 and the 12-month 2021 figure are no baselines)
    base = pattern_baselines(targets)
    assert base[targets[3].name].persistence == 800
    assert sorted(base[targets[3].name].climatology) == [800]
