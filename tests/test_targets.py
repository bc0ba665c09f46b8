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
    run_level_column,
    simulated_by_run,
    simulated_for_runs,
    simulated_values,
)
from malisim.core.errors import UserError

HEADER = "target,period_start,period_end,region,value,unit,kind,source\n"


def test_shipped_targets_load():
    targets = load_targets()
    assert len(targets) == 11
    assert {t.kind for t in targets} <= {"count", "stock", "rate", "share"}


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
