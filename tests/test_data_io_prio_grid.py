"""PRIO-GRID ids from coordinates and ViEWS month ids, checked against the model's grid."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd
import pytest

from malisim.core.calendar import parse_month
from malisim.data_io.prio_grid import month_id, month_index_from_id, priogrid_gid


def grid_frame() -> pd.DataFrame:
    with resources.as_file(resources.files("malisim").joinpath("data", "grid.csv")) as path:
        return pd.read_csv(path)


def test_gid_formula_gives_every_grid_row_its_gid():
    grid = grid_frame()
    assert len(grid) > 400
    assert np.array_equal(priogrid_gid(grid["lat"], grid["lon"]), grid["gid"].to_numpy())
    # corners of each cell fall in that cell (south-west corner inclusive)
    assert np.array_equal(
        priogrid_gid(grid["lat"] - 0.2499, grid["lon"] + 0.2499), grid["gid"].to_numpy()
    )


def test_gid_known_values_and_edges():
    assert priogrid_gid(-90, -180) == 1
    assert priogrid_gid(-89.9, -179.9) == 1
    assert priogrid_gid(-90, -179.5) == 2
    assert priogrid_gid(-89.5, -180) == 721
    assert priogrid_gid(90, 180) == 360 * 720  # the last cell
    assert priogrid_gid(12.65, -8.0) == 147945  # Bamako's cell, a grid row
    assert priogrid_gid(np.array([12.65]), np.array([-8.0])).dtype == np.int64
    with pytest.raises(ValueError, match="latitude"):
        priogrid_gid(95, 0)
    with pytest.raises(ValueError):
        priogrid_gid(np.nan, 0)


def test_month_ids():
    assert month_id(parse_month("1980-01")) == 1
    assert month_id(parse_month("2022-03")) == 507
    assert month_id(parse_month("2023-01")) == 517
    months = np.arange(parse_month("2019-01"), parse_month("2026-12") + 1)
    assert np.array_equal(month_index_from_id(month_id(months)), months)
