from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from malisim.analysis.targets import (
    covered,
    crps,
    interval_coverage,
    load_targets,
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
