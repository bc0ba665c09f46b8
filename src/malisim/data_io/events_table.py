"""The normalised event table: simulated and real events in one form, ready to aggregate.

Every source of events (the model's event log, an ACLED export, a UCDP GED file) is turned into
this table, one row per event, with the columns of :data:`EVENT_COLUMNS` (and ``run_id`` first
when the input had it):

* ``month`` - month index (``year * 12 + month - 1``);
* ``priogrid_gid`` - the PRIO-GRID cell (int64), always one of the model's grid cells;
* ``region`` - the model region of that cell (:data:`malisim.model.space.REGIONS`);
* ``event_type``, ``sub_event_type`` - ACLED's (GED events: ``Battles`` for state-based and
  non-state violence, ``Violence against civilians`` for one-sided; no sub-event type);
* ``family1``, ``family2`` - the actors' families (:data:`~malisim.data_io.families.FAMILY_NAMES`,
  ``""`` for no second actor);
* ``fatalities``, ``civilian_fatalities`` (floats);
* ``perpetrator`` - the family held responsible for the civilian deaths (``""`` for none);
* ``ucdp_type`` - 1 state-based, 2 non-state, 3 one-sided, 0 none (:func:`ucdp_type`);
* ``peacekeepers`` - a UN peacekeeping force is actor 1 or actor 2.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from malisim.data_io.families import ORGANISED, STATE_SIDE
from malisim.model.space import REGIONS, load_grid

#: Columns of the normalised event table (``run_id`` comes first when present).
EVENT_COLUMNS: tuple[str, ...] = (
    "month",
    "priogrid_gid",
    "region",
    "event_type",
    "sub_event_type",
    "family1",
    "family2",
    "fatalities",
    "civilian_fatalities",
    "perpetrator",
    "ucdp_type",
    "peacekeepers",
)
#: UCDP's types of violence.
STATE_BASED, NON_STATE, ONE_SIDED = 1, 2, 3
#: ACLED event types of organised violence between armed actors.
VIOLENT_TYPES: tuple[str, ...] = ("Battles", "Explosions/Remote violence")
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"


@lru_cache(maxsize=1)
def _grid_lookup() -> tuple[np.ndarray, np.ndarray]:
    grid = load_grid()
    return np.asarray(grid.gid, np.int64), np.asarray(grid.region, np.int64)


def grid_gids() -> np.ndarray:
    """The model grid's PRIO-GRID ids, ascending."""
    return _grid_lookup()[0].copy()


def cell_region(gids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Region code (into ``REGIONS``) of each PRIO-GRID id, and whether it is a grid cell.

    Ids outside the grid get code -1.
    """
    grid_gid, grid_region = _grid_lookup()
    gids = np.asarray(gids, np.int64)
    pos = np.clip(np.searchsorted(grid_gid, gids), 0, grid_gid.size - 1)
    inside = grid_gid[pos] == gids
    return np.where(inside, grid_region[pos], -1), inside


def ucdp_type(
    event_type: np.ndarray, civilian_targeting: np.ndarray, family1: np.ndarray, family2: np.ndarray
) -> np.ndarray:
    """UCDP's type of violence of ACLED-style events, by a documented rule (docs/data.md).

    * one-sided (3): violence against civilians (the event type, or civilian targeting set) by
      an organised group (family 1 in :data:`~malisim.data_io.families.ORGANISED`);
    * state-based (1): a battle or explosion between the state side (state or foreign
      forces: counting foreign forces with the state is an assumption) and an organised
      non-state group;
    * non-state (2): a battle or explosion between two organised non-state groups;
    * 0 otherwise (protests, riots, strategic developments, unorganised or one-actor events).

    Args:
        event_type: ACLED event types.
        civilian_targeting: Whether each event targets civilians.
        family1: Family of actor 1.
        family2: Family of actor 2.

    Returns:
        The types (int64).
    """
    f1 = np.asarray(family1, dtype=object)
    f2 = np.asarray(family2, dtype=object)
    et = np.asarray(event_type, dtype=object)
    organised1 = np.isin(f1, ORGANISED)
    organised2 = np.isin(f2, ORGANISED)
    state1, state2 = np.isin(f1, STATE_SIDE), np.isin(f2, STATE_SIDE)
    violent = np.isin(et, VIOLENT_TYPES)
    civilian = (et == VIOLENCE_AGAINST_CIVILIANS) | np.asarray(civilian_targeting, bool)
    out = np.zeros(f1.size, np.int64)
    armed = violent & organised1 & organised2 & ~civilian
    out[armed & (state1 != state2)] = STATE_BASED
    out[armed & ~state1 & ~state2] = NON_STATE
    out[civilian & organised1] = ONE_SIDED
    return out


def event_table(columns: Mapping[str, Any], run_id: pd.Series | np.ndarray | None) -> pd.DataFrame:
    """Assemble the normalised table from its columns (``region`` from ``priogrid_gid``).

    Rows whose cell is not a grid cell are dropped; their count is in
    ``frame.attrs["outside_grid"]``.

    Args:
        columns: Every column of :data:`EVENT_COLUMNS` but ``region``.
        run_id: The run of each event, or None.
    """
    gid = np.asarray(columns["priogrid_gid"], np.int64)
    code, inside = cell_region(gid)
    data: dict[str, Any] = {}
    if run_id is not None:
        data["run_id"] = np.asarray(run_id, dtype=object)
    for name in EVENT_COLUMNS:
        if name == "region":
            data[name] = np.array(REGIONS, dtype=object)[np.clip(code, 0, None)]
        else:
            data[name] = columns[name]
    frame = pd.DataFrame(data)
    frame = frame.astype(
        {
            "month": np.int64,
            "priogrid_gid": np.int64,
            "fatalities": float,
            "civilian_fatalities": float,
            "ucdp_type": np.int64,
            "peacekeepers": bool,
        }
    )
    frame = frame.loc[inside].reset_index(drop=True)
    frame.attrs["outside_grid"] = int((~inside).sum())
    return frame


def empty_event_table(with_run: bool = False) -> pd.DataFrame:
    """A normalised table without rows."""
    cols: dict[str, list[Any]] = {c: [] for c in EVENT_COLUMNS if c != "region"}
    return event_table(cols, np.array([], dtype=object) if with_run else None)
