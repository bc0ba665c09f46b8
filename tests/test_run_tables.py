"""A run's outputs without pandas are pandas' outputs: tables, Parquet bytes, yearly table.

``malisim run`` and the batch workers write the series and the event log from the model's numpy
columns (:mod:`malisim.scenario.tables`), print the yearly table with numpy
(:func:`malisim.scenario.summary.yearly_values`, :func:`~malisim.scenario.summary.text_table`)
and read the packaged communities with the ``csv`` module. Each is checked here against what
pandas makes of the same run (the way the outputs were made before), exactly.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from malisim.model.civilians import COMMUNITIES, load_community_table
from malisim.model.space import REGIONS
from malisim.model.vocab import FAMILIES
from malisim.scenario import scenario_from_dict
from malisim.scenario.runner import build_model, write_parquet
from malisim.scenario.summary import YEARLY_SUMMARY, text_table, yearly_summary
from malisim.scenario.tables import arrow_table, pandas_free, write_columns


@pytest.fixture(scope="module")
def run_outputs() -> dict[str, tuple[dict[str, np.ndarray], pd.DataFrame]]:
    """Columns and frames of a short run (two calendar years, a small population)."""
    spec = {
        "name": "t",
        "start": "2019-01",
        "end": "2020-12",
        "params": {"n_civilian_agents": 3000},
    }
    with build_model(scenario_from_dict(spec, source="t"), 5) as model:
        model.run()
        return {
            "series": (model.series_columns(), model.series()),
            "events": (model.events_columns(), model.events_frame()),
        }


@pytest.mark.parametrize("name", ["series", "events"])
def test_tables_and_files_from_columns_are_pandas_own(run_outputs, name, tmp_path) -> None:
    if not pandas_free():
        pytest.skip("the installed pandas is not the one malisim.scenario.tables reproduces")
    columns, frame = run_outputs[name]
    assert columns is not None and len(frame) > 0
    table = arrow_table(columns)
    want = pa.Table.from_pandas(frame, preserve_index=False)
    assert table.schema.equals(want.schema.remove_metadata())
    assert table.equals(want.replace_schema_metadata(None))
    write_columns(columns, tmp_path / "columns.parquet")
    write_parquet(frame, tmp_path / "frame.parquet")
    assert (tmp_path / "columns.parquet").read_bytes() == (tmp_path / "frame.parquet").read_bytes()


def test_nulls_and_odd_values_convert_as_pandas_converts_them() -> None:
    """None and NaN in text, NaN in floats, NaT, booleans: pandas' nulls and values."""
    if not pandas_free():
        pytest.skip("the installed pandas is not the one malisim.scenario.tables reproduces")
    columns = {
        "text": np.array(["Ségou", None, "", "a", np.nan], dtype=object),
        "x": np.array([1.5, np.nan, -0.0, np.inf, 2.0]),
        "n": np.arange(5, dtype=np.int64),
        "when": np.array(
            ["2019-01-01", "NaT", "2020-02-01", "2021-12-01", "2019-01-01"], dtype="datetime64[ms]"
        ),
        "flag": np.array([True, False, True, True, False]),
    }
    want = pa.Table.from_pandas(pd.DataFrame(columns), preserve_index=False)
    table = arrow_table(columns)
    assert table.schema.equals(want.schema.remove_metadata())
    assert table.equals(want.replace_schema_metadata(None))


def _yearly_summary_with_pandas(series: pd.DataFrame) -> pd.DataFrame:
    """The yearly table as pandas' ``groupby`` made it before ``yearly_values``."""
    nat = series[series["region"] == "Mali"].copy()
    nat["control_jihadist"] = nat["control_jnim"] + nat["control_is_sahel"]
    nat["year"] = pd.DatetimeIndex(nat["date"]).year
    rows = {}
    for label, (col, rule) in YEARLY_SUMMARY.items():
        grouped = nat.groupby("year")[col]
        rows[label] = grouped.sum() if rule == "sum" else grouped.last()
    return pd.DataFrame(rows)


def test_yearly_table_is_pandas_groupby(run_outputs) -> None:
    _, frame = run_outputs["series"]
    got = yearly_summary(frame)
    pd.testing.assert_frame_equal(got, _yearly_summary_with_pandas(frame), check_exact=True)
    # a stock missing in the last month: the year keeps its last value, as groupby.last does
    holed = frame.copy()
    holed.loc[holed.index[-1], "idps"] = np.nan
    pd.testing.assert_frame_equal(
        yearly_summary(holed), _yearly_summary_with_pandas(holed), check_exact=True
    )


@pytest.mark.parametrize(
    "cells",
    [
        {"civ killed": ["984", "870"], "state ctrl": ["89%", "84%"], "GDP index": ["1.029", "1"]},
        {"a": ["1,234,567", "2"], "a longer header": ["1", "22"]},
        {"x": ["5", "10"]},
    ],
)
def test_text_table_is_dataframe_to_string(cells) -> None:
    years = [2019, 2020]
    frame = pd.DataFrame(cells, index=pd.Index(years, name="year"))
    assert text_table("year", years, cells) == frame.to_string()


def test_communities_read_with_csv_as_pandas_reads_them() -> None:
    with resources.files("malisim.data").joinpath("communities.csv").open("r") as fh:
        frame = pd.read_csv(fh, comment="#")
    table = load_community_table()
    regions = frame[frame["table"] == "region_share"].set_index("key")
    shares = regions.loc[list(REGIONS), list(COMMUNITIES)].to_numpy(float)
    np.testing.assert_array_equal(table.shares, shares / shares.sum(axis=1, keepdims=True))
    for f, family in enumerate(FAMILIES):
        row = frame[frame["table"] == f"legitimacy_{family}"].iloc[0]
        np.testing.assert_array_equal(
            table.base_legitimacy[:, f], row[list(COMMUNITIES)].astype(float)
        )
    herder = frame[frame["table"] == "herder_share"].iloc[0]
    np.testing.assert_array_equal(table.herder_share, herder[list(COMMUNITIES)].astype(float))
