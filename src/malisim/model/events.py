"""The event log in ACLED's schema and vocabulary.

Every battle, act of violence against civilians, explosion or strike, and strategic development
the model generates is written here as one row, with ACLED's column names, event types,
sub-event types, actor names and interaction codes, so that analysts can run their ACLED scripts
on simulated data. Two columns are malisim extensions (ACLED does not split fatalities):
``fatalities_civilian`` (civilians among the fatalities) and ``perpetrator`` (the family held
responsible for those civilian deaths: state, foreign, jihadist, signatory, militia).

Rows are buffered per batch (scalars in lists, per-event arrays as given) and turned into
columns once, at the end (:meth:`EventLog.columns`); the DataFrame is built from them
(:func:`events_frame`), so that a run can write its events without pandas.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from malisim.core.calendar import format_month, month_year
from malisim.model.space import REGIONS, MaliGrid
from malisim.model.vocab import PERPETRATOR_NAMES

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

BATTLES = "Battles"
VIOLENCE_AGAINST_CIVILIANS = "Violence against civilians"
EXPLOSIONS = "Explosions/Remote violence"
STRATEGIC = "Strategic developments"

EVENT_TYPES: tuple[str, ...] = (BATTLES, VIOLENCE_AGAINST_CIVILIANS, EXPLOSIONS, STRATEGIC)
SUB_EVENT_TYPES: tuple[str, ...] = (
    "Armed clash",
    "Government regains territory",
    "Non-state actor overtakes territory",
    "Attack",
    "Abduction/forced disappearance",
    "Air/drone strike",
    "Remote explosive/landmine/IED",
    "Non-violent transfer of territory",
    "Change to group/activity",
)
SUB_TO_TYPE: dict[str, str] = {
    "Armed clash": BATTLES,
    "Government regains territory": BATTLES,
    "Non-state actor overtakes territory": BATTLES,
    "Attack": VIOLENCE_AGAINST_CIVILIANS,
    "Abduction/forced disappearance": VIOLENCE_AGAINST_CIVILIANS,
    "Air/drone strike": EXPLOSIONS,
    "Remote explosive/landmine/IED": EXPLOSIONS,
    "Non-violent transfer of territory": STRATEGIC,
    "Change to group/activity": STRATEGIC,
}


@dataclass(frozen=True)
class ActorInfo:
    """An ACLED actor: display name and inter code.

    Inter codes: 1 state forces, 2 rebel groups, 3 political militias, 4 identity militias,
    7 civilians, 8 external/other forces.
    """

    key: str
    name: str
    inter: int


ACTORS: tuple[ActorInfo, ...] = (
    ActorInfo("fama", "Military Forces of Mali", 1),
    ActorInfo("jnim", "JNIM: Group for Support of Islam and Muslims", 2),
    ActorInfo("is_sahel", "Islamic State (Sahel)", 2),
    ActorInfo("cma", "CMA: Coordination of Azawad Movements", 2),
    ActorInfo("platform", "Platform", 3),
    ActorInfo("wagner", "Wagner Group", 8),
    ActorInfo("france", "Military Forces of France", 8),
    ActorInfo("minusma", "MINUSMA: United Nations Multidimensional Integrated Stabilization "
              "Mission in Mali", 8),
    ActorInfo("dan_na_ambassagou", "Dan Na Ambassagou", 4),
    ActorInfo("dozo", "Dozo Communal Militia (Mali)", 4),
    ActorInfo("fulani_militia", "Fulani Ethnic Militia (Mali)", 4),
    ActorInfo("civilians", "Civilians (Mali)", 7),
    ActorInfo("none", "", 0),
)  # fmt: skip
ACTOR_INDEX: dict[str, int] = {a.key: i for i, a in enumerate(ACTORS)}
#: Perpetrator codes of the event log: the families, then "" (no civilian victims).
PERPETRATORS: tuple[str, ...] = (*PERPETRATOR_NAMES, "")
_PERP_CODE: dict[str, int] = {name: i for i, name in enumerate(PERPETRATORS)}
_SUB_CODE: dict[str, int] = {name: i for i, name in enumerate(SUB_EVENT_TYPES)}
_INTP, _INT64 = np.dtype(np.intp), np.dtype(np.int64)

#: Column order of the event log.
COLUMNS: tuple[str, ...] = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "inter1", "actor2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "location", "latitude",
    "longitude", "geo_precision", "source", "fatalities", "priogrid_gid",
    "fatalities_civilian", "perpetrator",
)  # fmt: skip


def fama_name(month: int) -> str:
    """ACLED's period-specific name of the Malian armed forces for a month index."""
    ym = format_month(month)
    if ym < "2020-08":
        return "Military Forces of Mali (2013-2020)"
    if ym < "2021-05":
        return "Military Forces of Mali (2020-2021)"
    return "Military Forces of Mali (2021-)"


class EventLog:
    """A buffer of events, written in vectorised batches.

    Each :meth:`add` keeps its batch's scalars (month, sub-event type, actors, one perpetrator
    code) in plain lists and its per-event arrays as given; :meth:`to_frame` builds the columns
    once, in the order the batches came.

    Args:
        grid: The grid (for admin-1, coordinates, PRIO-GRID ids and town names).
    """

    def __init__(self, grid: MaliGrid) -> None:
        self.grid = grid
        #: Per batch: month, sub-event code, actor codes, perpetrator code (-1: per event).
        self._heads: list[tuple[int, int, int, int, int]] = []
        #: Per batch: its per-event arrays "cell", "fat" and "civ".
        self._batches: list[dict[str, np.ndarray]] = []
        #: Per batch: its per-event perpetrator codes (None: the one code of its head).
        self._perps: list[np.ndarray | None] = []
        self._month_cells: dict[int, list[np.ndarray]] = {}
        self.count = 0

    def cells_of_month(self, month: int) -> np.ndarray:
        """Cell index of every event logged for ``month`` (for monthly event counts)."""
        parts = self._month_cells.get(month, [])
        return np.concatenate(parts) if parts else np.zeros(0, np.intp)

    def add(
        self,
        month: int,
        sub_event_type: str,
        actor1: str,
        actor2: str,
        cells: np.ndarray,
        fatalities: np.ndarray,
        fatalities_civilian: np.ndarray | None = None,
        perpetrator: str | np.ndarray = "",
    ) -> None:
        """Append one event per cell in ``cells``.

        Args:
            month: Month index of the events.
            sub_event_type: ACLED sub-event type (determines the event type).
            actor1: Key of the first actor (see :data:`ACTORS`).
            actor2: Key of the second actor (``"none"`` if there is none).
            cells: Cell index of each event.
            fatalities: Total fatalities of each event.
            fatalities_civilian: Civilians among the fatalities (default 0).
            perpetrator: Family responsible for civilian deaths: one name for all, or per event
                (names, or integer codes into :data:`PERPETRATORS`).
        """
        # (the rules pass intp and int64 arrays: those are kept as they are, without a call)
        if type(cells) is not np.ndarray or cells.dtype != _INTP:
            cells = np.asarray(cells, dtype=np.intp)
        n = cells.size
        if n == 0:
            return
        if isinstance(perpetrator, str):
            code, perp = _PERP_CODE[perpetrator], None
        else:
            perp = np.asarray(perpetrator)
            code = -1
            if perp.ndim == 0:
                code, perp = _PERP_CODE[str(perpetrator)], None
            elif perp.dtype.kind in "iu":  # already codes into PERPETRATORS
                perp = perp.astype(np.int8)
            else:
                perp = np.array([PERPETRATORS.index(str(x)) for x in perp], np.int8)
        self._heads.append(
            (month, _SUB_CODE[sub_event_type], ACTOR_INDEX[actor1], ACTOR_INDEX[actor2], code)
        )
        if fatalities_civilian is None:
            civ = np.zeros(n, np.int64)
        elif type(fatalities_civilian) is np.ndarray and fatalities_civilian.dtype == _INT64:
            civ = fatalities_civilian
        else:
            civ = np.asarray(fatalities_civilian, np.int64)
        if type(fatalities) is not np.ndarray or fatalities.dtype != _INT64:
            fatalities = np.asarray(fatalities, np.int64)
        self._batches.append({"cell": cells, "fat": fatalities, "civ": civ})
        self._perps.append(perp)
        month_cells = self._month_cells.get(month)
        if month_cells is None:
            self._month_cells[month] = [cells]
        else:
            month_cells.append(cells)
        self.count += n

    def _columns(self) -> dict[str, np.ndarray]:
        """The buffered events as arrays, in the order they were added."""
        batches = self._batches
        sizes = np.array([x["cell"].size for x in batches], np.intp)
        heads = np.array(self._heads, np.int64).reshape(-1, 5)
        perp = np.repeat(heads[:, 4], sizes).astype(np.int8)
        ends = np.cumsum(sizes)
        for codes, end, size in zip(self._perps, ends.tolist(), sizes.tolist(), strict=True):
            if codes is not None:
                perp[end - size : end] = codes
        return {
            "month": np.repeat(heads[:, 0], sizes),
            "sub": np.repeat(heads[:, 1], sizes).astype(np.int8),
            "a1": np.repeat(heads[:, 2], sizes).astype(np.int8),
            "a2": np.repeat(heads[:, 3], sizes).astype(np.int8),
            "cell": np.concatenate([x["cell"] for x in batches]),
            "fat": np.concatenate([x["fat"] for x in batches]),
            "civ": np.concatenate([x["civ"] for x in batches]),
            "perp": perp,
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the event log as a DataFrame with ACLED's columns (plus two extensions)."""
        return events_frame(self.columns())

    def columns(self) -> dict[str, np.ndarray] | None:
        """The event log's columns (:data:`COLUMNS`, in order) as numpy arrays; None if empty.

        The arrays are those :func:`events_frame` makes the DataFrame of (text as object
        arrays, ``event_date`` as ``datetime64[ms]``). An empty log has no columns: its frame
        has types of its own (:func:`events_frame` of None).
        """
        if not self._heads:
            return None
        b = self._columns()
        grid = self.grid
        order = np.lexsort((b["cell"], b["a2"], b["a1"], b["sub"], b["month"]))
        b = {k: v[order] for k, v in b.items()}
        n = b["month"].size
        months = b["month"]
        names = np.array([a.name for a in ACTORS], dtype=object)
        inter = np.array([a.inter for a in ACTORS], dtype=np.int64)
        actor1 = names[b["a1"]]
        fama = b["a1"] == ACTOR_INDEX["fama"]
        if fama.any():
            actor1[fama] = [fama_name(m) for m in months[fama]]
        actor2 = names[b["a2"]]
        fama2 = b["a2"] == ACTOR_INDEX["fama"]
        if fama2.any():
            actor2[fama2] = [fama_name(m) for m in months[fama2]]
        i1, i2 = inter[b["a1"]], inter[b["a2"]]
        lo, hi = np.minimum(i1, i2), np.maximum(i1, i2)
        interaction = np.where(lo == 0, hi * 10, lo * 10 + hi)
        subs = np.array(SUB_EVENT_TYPES, dtype=object)[b["sub"]]
        types = np.array([SUB_TO_TYPE[s] for s in SUB_EVENT_TYPES], dtype=object)[b["sub"]]
        disorder = np.where(types == STRATEGIC, "Strategic developments", "Political violence")
        targeting = np.where(
            (types == VIOLENCE_AGAINST_CIVILIANS) | (b["a2"] == ACTOR_INDEX["civilians"]),
            "Civilian targeting",
            "",
        )
        cell = b["cell"]
        town = np.asarray(grid.main_town, dtype=object)[cell]
        gid = np.asarray(grid.gid)[cell]
        location = np.where(town != "", town, np.char.add("PRIO-GRID cell ", gid.astype(str)))
        # month index year * 12 + month0; datetime64[M] counts months from 1970-01
        dates = (months.astype(np.int64) - 1970 * 12).astype("datetime64[M]")
        columns = {
            "event_id_cnty": np.array([f"MLI{i + 1}" for i in range(n)], dtype=object),
            "event_date": dates.astype("datetime64[ms]"),
            "year": np.array([month_year(m) for m in months], np.int64),
            "time_precision": np.full(n, 3, np.int64),
            "disorder_type": disorder.astype(object),
            "event_type": types,
            "sub_event_type": subs,
            "actor1": actor1,
            "inter1": i1,
            "actor2": np.where(actor2 == "", None, actor2),
            "inter2": np.where(i2 == 0, 0, i2),
            "interaction": interaction,
            "civilian_targeting": targeting.astype(object),
            "iso": np.full(n, 466, np.int64),
            "region": np.full(n, "Western Africa", dtype=object),
            "country": np.full(n, "Mali", dtype=object),
            "admin1": np.array(REGIONS, dtype=object)[np.asarray(grid.region)[cell]],
            "location": location.astype(object),
            "latitude": np.asarray(grid.lat, float)[cell],
            "longitude": np.asarray(grid.lon, float)[cell],
            "geo_precision": np.full(n, 3, np.int64),
            "source": np.full(n, "malisim simulation", dtype=object),
            "fatalities": b["fat"],
            "priogrid_gid": gid.astype(np.int64),
            "fatalities_civilian": b["civ"],
            "perpetrator": np.array(PERPETRATORS, dtype=object)[b["perp"]],
        }
        return {c: columns[c] for c in COLUMNS}


def events_frame(columns: dict[str, np.ndarray] | None) -> pd.DataFrame:
    """The event log's DataFrame from its columns (:meth:`EventLog.columns`; None: no event).

    Args:
        columns: The columns, or None for an empty log.

    Returns:
        The frame with ACLED's columns (plus two extensions).
    """
    import pandas as pd  # here: a run writes its events without pandas

    if columns is None:
        return _empty_frame()
    frame = pd.DataFrame(columns, columns=list(COLUMNS))
    frame["event_date"] = frame["event_date"].astype("datetime64[ms]")
    return frame


def _empty_frame() -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    frame["event_date"] = frame["event_date"].astype("datetime64[ms]")
    for col in ("year", "time_precision", "inter1", "inter2", "interaction", "iso",
                "geo_precision", "fatalities", "priogrid_gid", "fatalities_civilian"):  # fmt: skip
        frame[col] = frame[col].astype(np.int64)
    for col in ("latitude", "longitude"):
        frame[col] = frame[col].astype(float)
    return frame
