from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from malisim.analysis.scores import crps_ensemble as crps
from malisim.analysis.scores import interval_coverage
from malisim.analysis.targets import (
    covered,
    load_targets,
    parse_tolerance,
    run_level_column,
    simulated_by_run,
    simulated_for_runs,
    simulated_values,
)
from malisim.core.calendar import FIT_END, parse_month
from malisim.core.errors import UserError

HEADER = "target,period_start,period_end,region,value,unit,kind,source\n"


def test_shipped_pattern_set_is_sourced_and_split():
    """Issue 22: at least 30 sourced figures, at least 8 out-of-sample, each row complete."""
    from malisim.core.sources import REFERENCES

    targets = load_targets()
    assert len(targets) >= 30
    assert sum(t.split == "out_of_sample" for t in targets) >= 8
    keys = {r.key: r for r in REFERENCES}
    for t in targets:
        assert t.source in keys, f"{t.name}: source {t.source!r} is not a bibliography key"
        ref = keys[t.source]
        # a full reference: title, who published it, and a date or an address to find it by
        assert ref.title and (ref.publisher or ref.author), t.name
        assert ref.date or ref.url, f"{t.name}: {t.source} has neither a date nor a URL"
        assert t.tolerance.rule, f"{t.name} has no tolerance rule"
        assert t.locator, f"{t.name} does not say where in {t.source} the figure is"
        assert t.note, f"{t.name} has no note"
        assert t.split == ("fit" if t.end <= parse_month(FIT_END) else "out_of_sample")
        # every figure lies in 2017-2025 (the runs start in 2019; 2017-2020 sums are kept; the
        # historical scenario runs to 2026-12, so a 2025 stock is scored out of sample)
        assert parse_month("2017-01") <= t.start and t.end <= parse_month("2025-12"), t.name


def test_crps_matches_closed_form_for_a_normal():
    x = np.random.default_rng(0).normal(size=20_000)
    # CRPS of N(0,1) at y: y(2F(y)-1) + 2f(y) - 1/sqrt(pi); at y = 0: 2*0.3989 - 0.5642
    expected = 2 / math.sqrt(2 * math.pi) - 1 / math.sqrt(math.pi)
    assert crps(x, 0.0) == pytest.approx(expected, abs=0.01)
    assert crps(x, 3.0) > crps(x, 0.0)
    assert crps(np.array([2.0]), 5.0) == pytest.approx(3.0)


def test_interval_coverage():
    x = np.arange(101.0)
    assert interval_coverage(x, 50.0, 0.5)
    assert not interval_coverage(x, 90.0, 0.5)
    assert interval_coverage(x, 90.0, 0.9)


def series_frame(months: int) -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", periods=months, freq="MS")
    return pd.DataFrame(
        {
            "date": dates,
            "region": "Mali",
            "civilian_fatalities": 10.0,
            "idps": 100.0,
            "gdp_index": np.linspace(1.0, 1.0 + 0.01 * (months - 1), months),
        }
    )


def test_simulated_values_count_stock_and_growth(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        HEADER
        + "civilian_fatalities,2021-01,2021-12,national,100,people,count,x\n"
        + "idps,2021-03,2021-04,national,100,people,stock,x\n"
        + "gdp_growth,2022-01,2022-12,national,0.1,fraction,rate,x\n"
        + "civilian_fatalities,2023-01,2023-12,national,1,people,count,x\n"
    )
    targets = load_targets(path)
    values = simulated_values(series_frame(24), targets)
    v = list(values.values())
    assert v[0] == 120.0 and v[1] == 100.0
    assert v[2] == pytest.approx((1 + 0.01 * 17.5) / (1 + 0.01 * 5.5) - 1)
    assert math.isnan(v[3])  # period not covered
    assert not covered(24252, 24275, targets[3])


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("civilian_fatalitis,2021-01,2021-12,national,1,p,count,x", "did you mean"),
        ("idps,2021-13,2021-12,national,1,p,stock,x", "month 13"),
        ("idps,2021-06,2021-01,national,1,p,stock,x", "before period_start"),
        ("idps,2021-01,2021-02,Gaoo,1,p,stock,x", "unknown region"),
        ("idps,2021-01,2021-02,national,1,p,level,x", "unknown kind"),
        ("idps,2021-01,2021-02,national,many,p,stock,x", "not a number"),
    ],
)
def test_bad_targets_files(tmp_path, row, message):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + row + "\n")
    with pytest.raises(UserError) as err:
        load_targets(path)
    assert message in str(err.value) and str(path) in str(err.value) and ":2:" in str(err.value)


# --------------------------------------------------------------------------------------------
# the one rule (shared by the calibration, the report and `malisim compare`)


def write_targets(tmp_path, *rows: str):
    path = tmp_path / "t.csv"
    path.write_text(HEADER + "".join(r + "\n" for r in rows))
    return load_targets(path)


def test_rate_is_year_on_year_growth_for_any_period(tmp_path):
    # GDP index 1 + 0.01 * month: a quarter's growth is against the same quarter a year
    # earlier (a growth per year, as the documented IMF figures), not the quarter just before
    (quarter,) = write_targets(tmp_path, "gdp_growth,2022-04,2022-06,national,0.1,fraction,rate,x")
    value = simulated_values(series_frame(24), [quarter])[quarter.name]
    assert value == pytest.approx((1 + 0.01 * 16) / (1 + 0.01 * 4) - 1, rel=1e-12), (
        "kind rate must compare the period with the same months a year earlier"
    )
    assert not covered(24252 + 12, 24275, quarter)  # the year before is needed too


def test_rate_belongs_to_gdp_growth_only(tmp_path):
    with pytest.raises(UserError, match="yearly growth of gdp_growth only"):
        write_targets(tmp_path, "idps,2021-01,2021-12,national,0.1,fraction,rate,x")
    with pytest.raises(UserError, match="its kind is 'rate'"):
        write_targets(tmp_path, "gdp_growth,2021-01,2021-12,national,1,index,stock,x")


def runs_frame() -> pd.DataFrame:
    """Three runs: run b has other values, run c stops before the end of 2022."""
    frames = []
    for run, scale, months in (("a", 1.0, 24), ("b", 2.0, 24), ("c", 1.0, 20)):
        frame = series_frame(months)
        frame[["civilian_fatalities", "idps"]] *= scale
        frame.insert(0, "run_id", run)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def test_many_runs_give_the_values_of_each_run_alone(tmp_path):
    targets = write_targets(
        tmp_path,
        "civilian_fatalities,2021-01,2021-12,national,100,people,count,x",
        "idps,2021-03,2021-04,national,100,people,stock,x",
        "gdp_growth,2022-01,2022-12,national,0.1,fraction,rate,x",
        "civilian_fatalities,2023-01,2023-12,national,1,people,count,x",
    )
    series = runs_frame()
    found = simulated_by_run(series, targets)
    assert list(found.values.index) == ["a", "b", "c"]
    for run, rows in series.groupby("run_id"):
        alone = simulated_values(rows.drop(columns="run_id"), targets)
        together = found.values.loc[run].to_numpy()
        assert np.array_equal(together, list(alone.values()), equal_nan=True), run
    assert found.values.loc["b", targets[0].name] == 240.0
    # run c does not cover 2022: no value for it, while the others have one
    assert np.isnan(found.values.loc["c", targets[2].name])
    assert "outside the simulated period (2021-01 to 2022-12)" in found.notes[targets[3].name]
    assert targets[2].name not in found.notes


def test_run_level_columns_and_fallback(tmp_path):
    count, stock, growth, regional = write_targets(
        tmp_path,
        "civilian_fatalities,2022-01,2022-12,national,1,people,count,x",
        "idps,2022-01,2022-03,national,1,people,stock,x",
        "gdp_growth,2021-01,2021-12,national,0.1,fraction,rate,x",
        "civilian_fatalities,2022-01,2022-12,Mopti,1,people,count,x",
    )
    assert run_level_column(count) == "civilian_fatalities_2022"
    assert run_level_column(growth) == "gdp_growth_2021"
    assert run_level_column(stock) is None and run_level_column(regional) is None
    outcomes = pd.DataFrame(
        {"run_id": ["r0", "r1"], "civilian_fatalities_2022": [5.0, 7.0], "gdp_growth_2021": 0.02}
    )
    found = simulated_for_runs([count, stock, growth], outcomes, series=None)
    assert found.values[count.name].tolist() == [5.0, 7.0]
    assert found.values[growth.name].tolist() == [0.02, 0.02]
    assert "needs the monthly series" in found.notes[stock.name]


# --------------------------------------------------------------------------------------------
# the pattern-set columns: split, tolerance, regional shares, observables not simulated

FULL = "target,period_start,period_end,region,value,unit,kind,split,tolerance,source,locator,note\n"


def full_targets(tmp_path, *rows: str):
    path = tmp_path / "p.csv"
    path.write_text(FULL + "".join(r + "\n" for r in rows))
    return load_targets(path)


def test_split_is_derived_from_the_period_and_checked(tmp_path):
    fit, oos = full_targets(
        tmp_path,
        "idps,2022-12,2022-12,national,1,p,stock,,,x,,",
        "idps,2023-01,2023-01,national,1,p,stock,out_of_sample,,x,,",
    )
    assert (fit.split, oos.split) == ("fit", "out_of_sample")
    with pytest.raises(UserError, match="contradicts the period") as err:
        full_targets(tmp_path, "idps,2023-03,2023-03,national,1,p,stock,fit,,x,,")
    assert ":2:" in str(err.value) and "split" in str(err.value)
    with pytest.raises(UserError, match="straddles"):
        full_targets(tmp_path, "civilian_fatalities,2022-06,2023-05,national,1,p,count,,,x,,")
    with pytest.raises(UserError, match="unknown split"):
        full_targets(tmp_path, "idps,2021-01,2021-01,national,1,p,stock,train,,x,,")


@pytest.mark.parametrize(
    ("text", "value", "inside", "outside"),
    [
        ("relative:0.25", 100.0, [75.0, 125.0, 100.0], [74.9, 125.1]),
        ("absolute:0.05", 0.9, [0.85, 0.95], [0.84, 0.96]),
        ("range:2:4", 3.0, [2.0, 4.0], [1.99, 4.01]),
        ("at_least:0.5", 0.5, [0.5, 1.0], [0.49]),
        ("at_most:0.2", 0.2, [0.0, 0.2], [0.21]),
        ("relative:0.5", -0.02, [-0.03, -0.01], [0.0, -0.031]),  # negative values stay ordered
    ],
)
def test_tolerance_rules(text, value, inside, outside):
    tol = parse_tolerance(text, value)
    assert tol.contains(np.array(inside)).all()
    assert not tol.contains(np.array(outside)).any()
    assert not tol.contains(np.nan)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("within:3", "unknown tolerance rule"),
        ("relative:x", "not a number"),
        ("range:1", "needs 2"),
        ("relative:-0.1", "negative"),
        ("range:4:2", "LO is above HI"),
        ("absolute:nan", "finite"),
    ],
)
def test_bad_tolerances_are_located(tmp_path, text, message):
    with pytest.raises(UserError, match=message) as err:
        full_targets(tmp_path, f"idps,2021-01,2021-01,national,1,p,stock,,{text},x,,")
    assert ":2:" in str(err.value) and "tolerance" in str(err.value)


def test_a_figure_given_twice_is_refused(tmp_path):
    with pytest.raises(UserError, match="given twice") as err:
        full_targets(
            tmp_path,
            "idps,2021-01,2021-01,national,1,p,stock,,,x,,",
            "idps,2021-01,2021-01,national,2,p,stock,,,y,,",
        )
    assert ":3:" in str(err.value) and "line 2" in str(err.value)


def test_regional_share_is_the_region_over_the_nation(tmp_path):
    (share,) = full_targets(
        tmp_path, "civilian_fatalities,2021-01,2021-12,Mopti,0.4,fraction,regional_share,,,x,,"
    )
    national = series_frame(12)
    mopti = series_frame(12).assign(region="Mopti", civilian_fatalities=4.0)
    mopti.loc[0, "civilian_fatalities"] = 16.0  # the share is of sums, not a mean of shares
    value = simulated_values(pd.concat([national, mopti]), [share])[share.name]
    assert value == pytest.approx((16 + 11 * 4) / 120)
    with pytest.raises(UserError, match="share of one region"):
        full_targets(
            tmp_path, "civilian_fatalities,2021-01,2021-12,national,1,f,regional_share,,,x,,"
        )


def test_observables_not_simulated_are_kept_and_say_why(tmp_path, monkeypatch):
    # every documented observable is simulated today (peacekeeper deaths since issue 18): a
    # made-up one stands for the next documented figure the model does not produce
    from malisim.analysis import targets as targets_module

    monkeypatch.setitem(targets_module.NOT_SIMULATED, "made_up_observable", "not built yet")
    (t,) = full_targets(
        tmp_path, "made_up_observable,2022-01,2022-12,national,1,people,count,,,x,,"
    )
    assert not t.simulated
    found = simulated_by_run(series_frame(24), [t])
    assert found.values[t.name].isna().all()
    assert found.notes[t.name].startswith("not simulated")


def test_event_observables_need_the_event_log(tmp_path):
    (t,) = full_targets(tmp_path, "fatalities_battles,2021-01,2021-12,national,1,p,count,,,x,,")
    outcomes = pd.DataFrame({"run_id": ["a"]})
    found = simulated_for_runs([t], outcomes, series_frame(24).assign(run_id="a"))
    assert "keep: {events: true}" in found.notes[t.name]


# --- share_of_total: a part of a total (issue 20, perpetrator mixes) --------------------------


def perpetrator_frame(months: int, region: str = "Mali", run_id: str | None = None):
    """Monthly civilian deaths: 10, 4 of them by jihadists; 20, all by jihadists, in month one."""
    frame = series_frame(months).assign(region=region, civilian_fatalities_jihadist=4.0)
    frame.loc[0, ["civilian_fatalities", "civilian_fatalities_jihadist"]] = 20.0
    return frame if run_id is None else frame.assign(run_id=run_id)


def test_share_of_total_is_the_sum_of_the_part_over_the_sum_of_its_total(tmp_path):
    national, mopti = full_targets(
        tmp_path,
        "civilian_fatalities_jihadist,2021-01,2021-12,national,0.5,fraction,share_of_total,,,x,,",
        "civilian_fatalities_jihadist,2021-01,2021-06,Mopti,0.5,fraction,share_of_total,,,x,,",
    )
    # Mopti: 5 civilian deaths a month, 1 of them by jihadists
    region = series_frame(12).assign(
        region="Mopti", civilian_fatalities=5.0, civilian_fatalities_jihadist=1.0
    )
    values = simulated_values(pd.concat([perpetrator_frame(12), region]), [national, mopti])
    # a ratio of sums, (20 + 11 x 4) / (20 + 11 x 10) = 64 / 130, not the mean of the monthly
    # shares, (1 + 11 x 0.4) / 12 = 0.45
    assert values[national.name] == pytest.approx(64 / 130)
    # the region's part over the region's own total (6 / 30), not over the nation's (6 / 70)
    assert values[mopti.name] == pytest.approx(6 / 30)
    # a run that misses a month of the period has no value
    short = simulated_values(perpetrator_frame(11), [national])
    assert math.isnan(short[national.name])


def test_share_of_total_of_a_zero_total_is_nan_not_an_error(tmp_path):
    (t,) = full_targets(
        tmp_path,
        "civilian_fatalities_jihadist,2021-01,2021-03,national,0.5,fraction,share_of_total,,,x,,",
    )
    quiet = perpetrator_frame(3, run_id="quiet").assign(
        civilian_fatalities=0.0, civilian_fatalities_jihadist=0.0
    )
    found = simulated_by_run(pd.concat([perpetrator_frame(3, run_id="deadly"), quiet]), [t])
    # no deaths at all: no share (NaN), while the other run keeps its value, 28 / 40
    assert found.values.loc["deadly", t.name] == pytest.approx(28 / 40)
    assert math.isnan(found.values.loc["quiet", t.name])


def test_share_of_total_is_refused_for_an_observable_that_is_no_part(tmp_path):
    with pytest.raises(UserError) as err:
        full_targets(
            tmp_path,
            "idps,2021-01,2021-01,national,1,p,stock,,,x,,",
            "idps,2021-01,2021-12,national,0.5,fraction,share_of_total,,,x,,",
        )
    text = str(err.value)
    # the message names the file, the line (3: the header and one row before it) and the column,
    # and lists the parts with their totals
    assert "p.csv" in text and ":3:" in text and "kind" in text
    assert "not part of a total" in text
    assert "civilian_fatalities_jihadist (of civilian_fatalities)" in text
    with pytest.raises(UserError, match="not part of a total"):
        full_targets(
            tmp_path, "gdp_growth,2021-01,2021-12,national,0.5,fraction,share_of_total,,,x,,"
        )


def test_every_part_and_total_is_an_observable_and_every_perpetrator_is_declared():
    from malisim.analysis.targets import TOTAL_OF, known_observables
    from malisim.data_io.aggregate import OBSERVABLE_NAMES
    from malisim.model.outcomes import OUTCOME_NAMES

    known = set(known_observables())
    assert set(TOTAL_OF) <= known
    # the total is read from the monthly series, whichever table the part comes from
    assert set(TOTAL_OF.values()) <= set(OUTCOME_NAMES)
    # every civilian toll by perpetrator, in the series or the event log, is a declared part,
    # so that a new perpetrator family cannot be left out of the map
    by_perpetrator = {
        n for n in (*OUTCOME_NAMES, *OBSERVABLE_NAMES) if n.startswith("civilian_fatalities_")
    }
    assert by_perpetrator == set(TOTAL_OF)


def test_share_of_total_from_a_results_folder_needs_the_series(tmp_path):
    from malisim.analysis.targets import NEEDS_SERIES, series_columns_of

    (t,) = full_targets(
        tmp_path,
        "civilian_fatalities_jihadist,2021-01,2021-12,national,0.5,fraction,share_of_total,,,x,,",
    )
    # the rule reads the part and its total
    assert series_columns_of([t]) == {"civilian_fatalities_jihadist", "civilian_fatalities"}
    outcomes = pd.DataFrame({"run_id": ["a"]})
    found = simulated_for_runs([t], outcomes, perpetrator_frame(12, run_id="a"))
    assert found.values.loc["a", t.name] == pytest.approx(64 / 130)
    # no run-level outcome holds a share: without the series there is no value, and the note
    # says what to keep
    found = simulated_for_runs([t], outcomes)
    assert math.isnan(found.values.loc["a", t.name])
    assert found.notes[t.name] == NEEDS_SERIES
    # a series without the total cannot give the share either, and says so
    part_only = perpetrator_frame(12, run_id="a").drop(columns="civilian_fatalities")
    found = simulated_for_runs([t], outcomes, part_only)
    assert "civilian_fatalities" in found.notes[t.name]


def test_shipped_perpetrator_shares_are_parts_of_their_total_and_fractions():
    from malisim.analysis.targets import TOTAL_OF

    shares = [t for t in load_targets() if t.kind == "share_of_total"]
    # MINUSMA's counts of 2021 (year and second half) and of the first half of 2022
    assert len(shares) >= 3
    for t in shares:
        assert t.target in TOTAL_OF and 0.0 <= t.value <= 1.0 and t.unit == "fraction", t.name
        assert t.split == "fit", t.name
