"""Statistics of `malisim compare` on constructed cases, outcome selection, errors, the CLI."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from malisim.analysis import compare, compare_table, scalar_info, select_outcomes
from malisim.analysis.statistics import (
    benjamini_hochberg,
    bootstrap_means,
    holm,
    min_runs_for_interval,
)
from malisim.analysis.synthetic import synthetic_outcomes, write_results
from malisim.cli.analysis import register
from malisim.cli.main import main
from malisim.core.calendar import parse_month
from malisim.core.errors import UserError
from malisim.model.outcomes import OutcomeRecorder, scalar_columns, scalar_outcome

OUTCOMES = ("civilian_fatalities_total", "idps_end", "control_state_last12")


def crn_table(
    n: int = 60,
    shift: float = 0.0,
    noise: float = 2.0,
    seed: int = 3,
    copy: bool = False,
) -> pd.DataFrame:
    """Two scenarios under common random numbers.

    Replicate k of both shares a large seed effect (sd 20 around 100); "other" adds ``shift``
    and its own noise (sd ``noise``); with ``copy`` it is an exact copy of the baseline.
    """
    rng = np.random.default_rng(seed)
    shared = rng.normal(100.0, 20.0, size=(n, len(OUTCOMES)))
    base = shared + rng.normal(0.0, noise, size=shared.shape)
    other = base.copy() if copy else shared + shift + rng.normal(0.0, noise, size=shared.shape)
    frames = []
    for name, values in (("base", base), ("other", other)):
        frame = pd.DataFrame(values, columns=list(OUTCOMES))
        frame.insert(0, "seed", 500 + np.arange(n))
        frame.insert(0, "replicate", np.arange(n))
        frame.insert(0, "scenario", name)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


# --------------------------------------------------------------------------------------------
# constructed cases


def test_identical_scenarios_give_zero_and_even_odds() -> None:
    cmp = compare_table(crn_table(copy=True), "base")
    d = cmp.differences
    assert len(d) == len(OUTCOMES)
    assert (d["ci_low"] <= 0).all() and (d["ci_high"] >= 0).all()
    assert np.allclose(d["diff_mean"], 0.0)
    assert np.allclose(d["p_higher"], 0.5)
    assert np.allclose(d["p_value"], 1.0)
    assert not d["significant"].any()
    assert np.allclose(d["effect_size"], 0.0)


def test_same_distribution_intervals_contain_zero() -> None:
    # independent runs from one distribution: no shift, every interval contains 0
    cmp = compare_table(crn_table(n=200, noise=5.0, seed=11), "base")
    d = cmp.differences
    assert (d["ci_low"] < 0).all() and (d["ci_high"] > 0).all()
    assert np.allclose(d["p_higher"], 0.5, atol=0.1)
    assert not d["significant"].any()
    # unpaired as well
    u = compare_table(crn_table(n=200, noise=5.0, seed=11), "base", paired=False).differences
    assert (u["ci_low"] < 0).all() and (u["ci_high"] > 0).all()
    assert np.allclose(u["p_higher"], 0.5, atol=0.1)


@pytest.mark.parametrize("shift", [10.0, -6.0])
def test_known_shift_detected_with_sign_and_size(shift: float) -> None:
    cmp = compare_table(crn_table(shift=shift), "base")
    d = cmp.differences
    assert d["paired"].all() and (d["test"] == "wilcoxon").all()
    assert (d["ci_low"] <= shift).all() and (d["ci_high"] >= shift).all()
    assert np.allclose(d["diff_mean"], shift, atol=1.0)
    assert (np.sign(d["ci_low"]) == np.sign(shift)).all()
    assert (np.sign(d["ci_high"]) == np.sign(shift)).all()
    assert np.allclose(d["diff_rel"], shift / 100.0, atol=0.03)
    assert ((d["p_higher"] > 0.95) if shift > 0 else (d["p_higher"] < 0.05)).all()
    # d_z = shift / sd of the differences (sd = 2 * sqrt(2))
    assert np.allclose(d["effect_size"], shift / (2.0 * np.sqrt(2.0)), rtol=0.3)
    assert d["significant"].all() and (d["p_adjusted"] < 1e-6).all()
    other = cmp.summary[cmp.summary["scenario"] == "other"]
    assert np.allclose(
        other["mean"] - cmp.summary[cmp.summary["scenario"] == "base"]["mean"].to_numpy(),
        d["diff_mean"].to_numpy(),
    )


def test_pairing_narrows_the_interval() -> None:
    table = crn_table(shift=3.0)
    paired = compare_table(table, "base").differences
    unpaired = compare_table(table, "base", paired=False).differences
    assert not unpaired["paired"].any() and (unpaired["test"] == "mann-whitney").all()
    assert (unpaired["effect_measure"] == "hedges_g").all()
    w_paired = paired["ci_high"] - paired["ci_low"]
    w_unpaired = unpaired["ci_high"] - unpaired["ci_low"]
    assert (w_paired * 3 < w_unpaired).all()
    # the shared seed effect hides the shift from the unpaired comparison
    assert paired["significant"].all() and not unpaired["significant"].any()
    np.testing.assert_allclose(paired["diff_mean"], unpaired["diff_mean"])


def test_tests_match_scipy() -> None:
    table = crn_table(n=30, shift=1.0)
    cmp = compare_table(table, "base", outcomes=["idps_end"], correction="none")
    base = table.loc[table.scenario == "base", "idps_end"].to_numpy()
    other = table.loc[table.scenario == "other", "idps_end"].to_numpy()
    row = cmp.differences.iloc[0]
    assert row["p_value"] == pytest.approx(stats.wilcoxon(other - base).pvalue)
    assert row["p_adjusted"] == row["p_value"]
    un = compare_table(table, "base", outcomes=["idps_end"], paired=False).differences.iloc[0]
    mw = stats.mannwhitneyu(other, base, alternative="two-sided")
    assert un["p_value"] == pytest.approx(mw.pvalue)
    assert un["p_higher"] == pytest.approx(mw.statistic / 900)
    pooled = np.sqrt((base.var(ddof=1) + other.var(ddof=1)) / 2)
    g = (other.mean() - base.mean()) / pooled * (1 - 3 / (4 * 60 - 9))
    assert un["effect_size"] == pytest.approx(g)


def test_bootstrap_is_reproducible_and_right() -> None:
    x = np.random.default_rng(0).normal(size=(50, 3))
    a = bootstrap_means(x, 500, np.random.default_rng(1))
    b = bootstrap_means(x, 500, np.random.default_rng(1))
    np.testing.assert_array_equal(a, b)
    # the bootstrap sd of a mean is close to sd / sqrt(n)
    np.testing.assert_allclose(a.std(axis=0), x.std(axis=0) / np.sqrt(50), rtol=0.2)
    t1 = compare_table(crn_table(shift=2.0), "base", seed=5).differences
    t2 = compare_table(crn_table(shift=2.0), "base", seed=5).differences
    pd.testing.assert_frame_equal(t1, t2)


def test_corrections() -> None:
    p = np.array([0.01, 0.04, 0.03, np.nan])
    np.testing.assert_allclose(holm(p)[:3], [0.03, 0.06, 0.06])
    assert np.isnan(holm(p)[3])
    np.testing.assert_allclose(benjamini_hochberg(p)[:3], stats.false_discovery_control(p[:3]))
    cmp = compare_table(crn_table(shift=0.5, n=25), "base", correction="bh")
    assert cmp.correction == "bh"


def test_nan_outcomes_drop_their_runs_only() -> None:
    table = crn_table(shift=10.0)
    table.loc[[0, 1, 2], "idps_end"] = np.nan
    d = compare_table(table, "base").differences.set_index("outcome")
    assert d.loc["idps_end", "n"] == 57
    assert d.loc["civilian_fatalities_total", "n"] == 60
    assert d.loc["idps_end", "ci_low"] > 0


def test_warnings_for_few_runs() -> None:
    cmp = compare_table(crn_table(n=5), "base")
    text = " ".join(cmp.warnings)
    assert "at least 20" in text and "fewer than 10" in text
    assert min_runs_for_interval((0.05, 0.95)) == 20
    assert min_runs_for_interval((0.25, 0.75)) == 4
    assert not compare_table(crn_table(n=40), "base").warnings


def test_design_points_compared_within_point() -> None:
    a = crn_table(shift=5.0).assign(point_id="p0000")
    b = crn_table(shift=-5.0, seed=4).assign(point_id="p0001")
    cmp = compare_table(pd.concat([a, b], ignore_index=True), "base")
    d = cmp.differences.set_index(["point_id", "outcome"])
    assert (d.loc["p0000", "diff_mean"] > 4).all() and (d.loc["p0001", "diff_mean"] < -4).all()
    assert "point_id" in cmp.table.columns and "point_id [p0000]" not in cmp.format()


def test_unshared_seeds_are_not_paired() -> None:
    table = crn_table(shift=1.0)
    table.loc[table.scenario == "other", "seed"] += 1
    cmp = compare_table(table, "base")
    assert not cmp.differences["paired"].any()
    assert any("seeds" in w for w in cmp.warnings)


# --------------------------------------------------------------------------------------------
# outcomes and formatting


def test_select_outcomes() -> None:
    avail = [
        "civilian_fatalities_total",
        "civilian_fatalities_2021",
        "civilian_fatalities_2022",
        "idps_end",
        "idps_peak",
        "gdp_growth_2021",
    ]
    assert select_outcomes(avail, None) == [
        "civilian_fatalities_total",
        "civilian_fatalities_2022",
        "idps_end",
    ]
    assert select_outcomes(avail, ["idps"]) == ["idps_end"]
    assert select_outcomes(avail, ["civilian_fatalities_20*,idps_peak"]) == [
        "civilian_fatalities_2021",
        "civilian_fatalities_2022",
        "idps_peak",
    ]
    assert select_outcomes(avail, ["all"]) == avail
    with pytest.raises(UserError, match=r"unknown outcome 'idps_ned'.*did you mean 'idps_end'"):
        select_outcomes(avail, ["idps_ned"])
    with pytest.raises(UserError, match="no outcome matches"):
        select_outcomes(avail, ["battle_*"])


def test_scalar_info_units() -> None:
    assert scalar_info("civilian_fatalities_2022").unit == "people"
    assert scalar_info("control_state_last12").kind == "share"
    assert scalar_info("gdp_growth_2021").kind == "rate"
    assert scalar_info("gdp_index_end").kind == "index"
    assert scalar_info("mystery").outcome is None


def test_format_with_an_interval_of_decimal_quantiles() -> None:
    # p2.5 / p97.5 are no Python identifiers: the text form must still find the columns
    cmp = compare_table(crn_table(shift=3.0), "base", interval=(0.025, 0.975))
    assert cmp.interval_columns == ("p2.5", "p97.5")
    assert "2.5-97.5%" in cmp.format()


def test_every_run_level_column_is_declared() -> None:
    # the recorder computes exactly the declared scalars, so units and labels read from the
    # declarations (compare, the report) cover every column of an outcomes table
    recorder = OutcomeRecorder(36, parse_month("2019-01"))
    recorder.values[:] = np.random.default_rng(0).lognormal(size=recorder.values.shape)
    recorder.recorded = 36
    columns = list(recorder.scalars())
    assert columns == scalar_columns(2019, 2021), "scalars() and SCALAR_OUTCOMES disagree"
    for column in columns:
        declared = scalar_outcome(column)
        assert declared is not None and declared.unit and declared.label, column
        info = scalar_info(column)
        assert (info.unit, info.kind, info.title) == (
            declared.unit,
            declared.kind,
            declared.label_of(column),
        )
    assert scalar_info("civilian_fatalities_2022").title == "civilian deaths 2022"
    assert scalar_info("control_state_last12").title == "state control (last 12 m)"
    assert scalar_info("gdp_growth_2021").unit == "fraction per year"


def test_format_names_every_scenario_and_outcome() -> None:
    cmp = compare_table(crn_table(shift=3.0), "base")
    text = cmp.format()
    for name in (*OUTCOMES, "base", "other", "P(higher)", "Holm"):
        assert name in text
    assert "+3.0" in text or "+2.9" in text or "+3.1" in text


# --------------------------------------------------------------------------------------------
# results folders


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    table = synthetic_outcomes(("historical", "no_wagner"), 25, OUTCOMES, {"no_wagner": -0.1})
    return write_results(tmp_path / "a", table, name="a")


def test_compare_folder(folder: Path, tmp_path: Path) -> None:
    cmp = compare(folder, baseline="historical")
    d = cmp.differences.set_index("outcome")
    assert d["paired"].all()
    assert (d["diff_rel"] < -0.05).all() and (d["ci_high"] < 0).all()
    path = cmp.to_csv(tmp_path / "out")
    csv = pd.read_csv(path)
    assert set(csv["scenario"]) == {"historical", "no_wagner"}
    assert set(csv["outcome"]) == set(OUTCOMES)
    assert len(csv) == 2 * len(OUTCOMES)


def test_compare_two_folders_with_the_same_seeds_is_paired(folder: Path, tmp_path: Path) -> None:
    # the same seeds in both folders (synthetic replicate k always has seed 1000 + k)
    other = synthetic_outcomes(("historical", "no_wagner"), 25, OUTCOMES, seed=9)
    second = write_results(tmp_path / "b", other, name="b")
    cmp = compare([folder, second], baseline="a/historical")
    assert cmp.scenarios == ["a/historical", "a/no_wagner", "b/historical", "b/no_wagner"]
    d = cmp.differences
    assert d["paired"].all()
    assert (d["test"] == "wilcoxon").all() and (d["effect_measure"] == "d_z").all()
    assert any("paired by seed" in w for w in cmp.warnings)
    with pytest.raises(UserError, match="in several results folders"):
        compare([folder, second], baseline="historical")


def test_two_folders_paired_differences_are_the_run_by_run_differences(
    folder: Path, tmp_path: Path
) -> None:
    # folder b holds the runs of a's baseline shifted by a known amount per run, in another
    # order: pairing by seed must find each run's partner and give exactly those differences
    table = synthetic_outcomes(("historical", "no_wagner"), 25, OUTCOMES, {"no_wagner": -0.1})
    hist = table[table["scenario"] == "historical"]
    shift = np.arange(len(hist), dtype=float)
    moved = hist.copy()
    moved["scenario"] = "more_aid"
    moved[list(OUTCOMES)] = moved[list(OUTCOMES)].to_numpy() + shift[:, None]
    moved = moved.iloc[::-1].reset_index(drop=True)
    moved["run_id"] = [f"b{i}" for i in range(len(moved))]
    second = write_results(tmp_path / "b", moved, name="b")
    cmp = compare([folder, second], baseline="historical", n_boot=500)
    d = cmp.differences.set_index(["scenario", "outcome"])
    row = d.loc[("more_aid", "idps_end")]
    assert bool(row["paired"]) and int(row["n"]) == len(hist)
    assert row["diff_mean"] == pytest.approx(shift.mean())
    assert row["diff_median"] == pytest.approx(np.median(shift))
    assert row["p_higher"] == pytest.approx((24 + 0.5) / 25)  # one pair has no difference
    # unpaired, the seed-to-seed spread would widen the interval far beyond the shifts' spread
    unpaired = compare([folder, second], baseline="historical", n_boot=500, paired=False)
    u = unpaired.differences.set_index(["scenario", "outcome"]).loc[("more_aid", "idps_end")]
    assert (row["ci_high"] - row["ci_low"]) < (u["ci_high"] - u["ci_low"])


def test_two_folders_with_other_seeds_are_unpaired_and_say_so(folder: Path, tmp_path: Path) -> None:
    other = synthetic_outcomes(("historical", "no_wagner"), 25, OUTCOMES, seed=9)
    other["seed"] += 10  # 15 of the 25 seeds in common with folder a
    second = write_results(tmp_path / "b", other, name="b")
    cmp = compare([folder, second], baseline="a/historical")
    d = cmp.differences
    assert (d.loc[d.scenario == "a/no_wagner", "paired"]).all()
    assert not d.loc[d.scenario.str.startswith("b/"), "paired"].any()
    assert (d.loc[d.scenario.str.startswith("b/"), "test"] == "mann-whitney").all()
    notes = [w for w in cmp.warnings if "do not share their seeds" in w]
    assert len(notes) == 1 and "15 seed(s) in common" in notes[0]


def test_folder_scenarios_map_labels_to_names(folder: Path, tmp_path: Path) -> None:
    other = synthetic_outcomes(("historical", "more_aid"), 25, OUTCOMES)
    second = write_results(tmp_path / "b", other, name="b")
    cmp = compare([folder, second], baseline="a/historical")
    assert cmp.folder_scenarios() == [
        (str(folder), [("a/historical", "historical"), ("no_wagner", "no_wagner")]),
        (str(second), [("b/historical", "historical"), ("more_aid", "more_aid")]),
    ]


def test_incompatible_folders(folder: Path, tmp_path: Path) -> None:
    table = synthetic_outcomes(("historical",), 25, OUTCOMES)
    shorter = write_results(tmp_path / "short", table, end="2023-12")
    with pytest.raises(UserError, match="simulated periods differ"):
        compare([folder, shorter])
    fewer = write_results(tmp_path / "fewer", table.drop(columns=["idps_end"]))
    with pytest.raises(UserError, match=r"outcomes differ.*idps_end"):
        compare([folder, fewer])


def test_errors(folder: Path, tmp_path: Path) -> None:
    with pytest.raises(UserError, match="results folder not found"):
        compare(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(UserError, match="not a malisim results folder"):
        compare(tmp_path / "empty")
    with pytest.raises(UserError, match=r"unknown baseline scenario 'histrical'.*historical"):
        compare(folder, baseline="histrical")
    with pytest.raises(UserError, match="unknown outcome"):
        compare(folder, outcomes=["civilian_deaths"])
    with pytest.raises(UserError, match="interval"):
        compare(folder, interval=(0.9, 0.1))


# --------------------------------------------------------------------------------------------
# command line


def test_cli_compare(folder: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "csv"
    code = main(
        [
            "compare",
            str(folder),
            "--baseline",
            "historical",
            "--out",
            str(out),
            "--outcomes",
            "idps_end",
            "civilian_fatalities_total",
            "--interval",
            "80",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "idps_end" in captured.out and "no_wagner" in captured.out and "10-90%" in captured.out
    assert (out / "comparison.csv").is_file()
    csv = pd.read_csv(out / "comparison.csv")
    assert {"p10", "p90", "ci_low", "ci_high", "p_higher", "p_adjusted"} <= set(csv.columns)


def test_cli_default_csv_folder(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["compare", str(folder)]) == 0
    assert (folder / "analysis" / "comparison.csv").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["compare", "{tmp}/missing"], "results folder not found"),
        (["compare", "{folder}", "--baseline", "nope"], "unknown baseline"),
        (["compare", "{folder}", "--outcomes", "nope"], "unknown outcome"),
        (["compare", "{folder}", "--interval", "120"], "invalid interval"),
        (["report", "{tmp}"], "not a malisim results folder"),
    ],
)
def test_cli_errors_exit_2(
    folder: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    argv = [a.format(tmp=tmp_path, folder=folder) for a in args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and "Traceback" not in err


def test_cli_no_traceback_in_a_process(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "malisim.cli", "compare", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "Traceback" not in proc.stderr


def test_register_on_another_parser(folder: Path) -> None:
    parser = argparse.ArgumentParser(prog="malisim")
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["compare", str(folder), "--correction", "bh", "--unpaired"])
    assert args.command == "compare" and args.handler.__name__ == "cmd_compare"
    assert args.handler(args) == 0


def test_wired_into_malisim_cli(folder: Path) -> None:
    from malisim.cli.main import build_parser

    args = build_parser().parse_args(["compare", str(folder)])
    assert args.handler.__name__ == "cmd_compare"
    assert main(["compare", str(folder), "--outcomes", "nope"]) == 2
    assert main(["compare", str(folder)]) == 0


def _series_of(outcomes: pd.DataFrame) -> pd.DataFrame:
    """A small national monthly series for each run (2019-2020, civilian fatalities)."""
    dates = pd.date_range("2019-01-01", "2020-12-01", freq="MS").astype("datetime64[ms]")
    ids = outcomes[["run_id", "scenario", "point_id", "replicate"]]
    frame = ids.loc[ids.index.repeat(len(dates))].reset_index(drop=True)
    frame["date"] = np.tile(dates.to_numpy(), len(ids))
    frame["region"] = "Mali"
    frame["civilian_fatalities"] = 10.0
    return frame


def test_cli_compare_two_folders_scores_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = synthetic_outcomes(("historical", "no_wagner"), 12, OUTCOMES)
    b = synthetic_outcomes(("historical", "more_aid"), 12, OUTCOMES, seed=4)
    fa = write_results(tmp_path / "a", a, name="a", series=_series_of(a), end="2020-12")
    fb = write_results(tmp_path / "b", b, name="b", series=_series_of(b), end="2020-12")
    code = main(["compare", str(fa), str(fb), "--baseline", "a/historical", "--out", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    out = captured.out
    assert f"malisim score {fa})" in out and f"malisim score {fb})" in out
    for label in ("a/historical", "no_wagner", "b/historical", "more_aid"):
        assert f"  {label}, " in out, label
    assert "no runs" not in out
    assert "paired by seed" in captured.err
