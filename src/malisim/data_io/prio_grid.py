"""PRIO-GRID cells and ViEWS months: coordinates to cell ids, month indices to month ids.

PRIO-GRID numbers the 0.5-degree cells of the globe row by row from the south-west corner:
``gid = floor((lat + 90) / 0.5) * 720 + floor((lon + 180) / 0.5) + 1``, so the point 12.65 N,
8.0 W (Bamako) lies in cell 147945. The model's grid (``data/grid.csv``)
holds the cells of Mali under these ids, and the event log writes them in ``priogrid_gid``.

ViEWS numbers months from January 1980 (``month_id`` 1); the model holds months as
``year * 12 + month - 1`` (:mod:`malisim.core.calendar`), so ``month_id = index - 1980 * 12 + 1``
(2022-03 is 507).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from malisim.model.space import CELL_DEG, PRIO_GRID_COLS

#: Month index (``year * 12 + month - 1``) of ViEWS month_id 1, January 1980.
VIEWS_EPOCH: int = 1980 * 12


def priogrid_gid(lat: npt.ArrayLike, lon: npt.ArrayLike) -> np.ndarray:
    """PRIO-GRID cell id of each coordinate.

    A point on a cell edge belongs to the cell north (east) of it, as ``floor`` puts it.

    Args:
        lat: Latitudes in degrees (-90 to 90).
        lon: Longitudes in degrees (-180 to 180).

    Returns:
        The cell ids (int64), same shape as the broadcast inputs.

    Raises:
        ValueError: If a coordinate is not finite or lies outside those ranges.
    """
    lat_a = np.asarray(lat, dtype=float)
    lon_a = np.asarray(lon, dtype=float)
    bad = ~np.isfinite(lat_a) | ~np.isfinite(lon_a) | (np.abs(lat_a) > 90) | (np.abs(lon_a) > 180)
    if np.any(bad):
        raise ValueError("coordinates must be finite, latitude -90 to 90, longitude -180 to 180")
    row = np.floor((lat_a + 90.0) / CELL_DEG).astype(np.int64)
    col = np.floor((lon_a + 180.0) / CELL_DEG).astype(np.int64)
    rows = round(180 / CELL_DEG)
    row = np.minimum(row, rows - 1)  # latitude 90 lies in the top row
    col = np.minimum(col, PRIO_GRID_COLS - 1)  # longitude 180 in the last column
    return row * PRIO_GRID_COLS + col + 1


def month_id(month_index: npt.ArrayLike) -> np.ndarray:
    """ViEWS ``month_id`` (1 = January 1980) of month indices (``year * 12 + month - 1``)."""
    return np.asarray(month_index, dtype=np.int64) - VIEWS_EPOCH + 1


def month_index_from_id(views_month_id: npt.ArrayLike) -> np.ndarray:
    """Month indices (``year * 12 + month - 1``) of ViEWS ``month_id`` values."""
    return np.asarray(views_month_id, dtype=np.int64) + VIEWS_EPOCH - 1
