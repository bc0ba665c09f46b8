"""Event observables: counts and fatalities of the event table per month and place.

The observables are declared once, in :data:`EVENT_OBSERVABLES` (name, unit, description, and
which events and which quantity they add up). :func:`event_series` gives them as monthly series
in the layout of the model's series (``date``, ``region`` with the ten regions and the national
row, one column per observable, ``run_id`` first for simulated events); :func:`aggregate` gives
one observable as a dense array over (run, unit, month) at cell, region or national level, the
form the scores need. Months and places without events are zeros.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from malisim.core.calendar import format_month, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.data_io.events_table import grid_gids
from malisim.model.outcomes import NATIONAL
from malisim.model.space import REGIONS

Level = Literal["cell", "region", "national"]
LEVELS: tuple[str, ...] = ("cell", "region", "national")

BATTLES = "Battles"
VAC = "Violence against civilians"
EXPLOSIONS = "Explosions/Remote violence"


@dataclass(frozen=True)
class EventObservable:
    """One observable of the event table.

    Attributes:
        name: Column name.
        unit: Unit of the monthly value.
        description: What it measures.
        value: The quantity each event adds (a function of the event table).
    """

    name: str
    unit: str
    description: str
    value: Callable[[pd.DataFrame], np.ndarray]


Selector = Callable[[pd.DataFrame], np.ndarray]


def _fatalities_where(mask: Selector) -> Selector:
    return lambda t: np.where(mask(t), t["fatalities"].to_numpy(float), 0.0)


def _count_where(mask: Selector) -> Selector:
    return lambda t: np.asarray(mask(t), float)


def _type(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda t: (t["event_type"] == name).to_numpy()


def _sub(name: str) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda t: (t["sub_event_type"] == name).to_numpy()


def _ucdp(code: int) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda t: (t["ucdp_type"] == code).to_numpy()


def _civilians_by(families: tuple[str, ...]) -> Callable[[pd.DataFrame], np.ndarray]:
    return lambda t: np.where(
        t["perpetrator"].isin(families).to_numpy(), t["civilian_fatalities"].to_numpy(float), 0.0
    )


EVENT_OBSERVABLES: tuple[EventObservable, ...] = (
    EventObservable("fatalities", "people/month", "Fatalities of all events.",
                    lambda t: t["fatalities"].to_numpy(float)),
    EventObservable("fatalities_battles", "people/month", "Fatalities of battles.",
                    _fatalities_where(_type(BATTLES))),
    EventObservable("fatalities_vac", "people/month",
                    "Fatalities of violence against civilians.", _fatalities_where(_type(VAC))),
    EventObservable("fatalities_explosions", "people/month",
                    "Fatalities of explosions and remote violence.",
                    _fatalities_where(_type(EXPLOSIONS))),
    EventObservable("events_battles", "events/month", "Battles.", _count_where(_type(BATTLES))),
    EventObservable("events_vac", "events/month", "Events of violence against civilians.",
                    _count_where(_type(VAC))),
    EventObservable("events_explosions", "events/month",
                    "Explosions and remote violence events.", _count_where(_type(EXPLOSIONS))),
    EventObservable("events_ied", "events/month",
                    "Remote explosive, landmine and IED events.",
                    _count_where(_sub("Remote explosive/landmine/IED"))),
    EventObservable("events_air_strikes", "events/month", "Air and drone strikes.",
                    _count_where(_sub("Air/drone strike"))),
    EventObservable("events_peacekeepers", "events/month",
                    "Events with UN peacekeepers as actor 1 or actor 2.",
                    _count_where(lambda t: t["peacekeepers"].to_numpy(bool))),
    EventObservable("civilian_fatalities_militia", "people/month",
                    "Civilians killed by militias (perpetrator family militia).",
                    _civilians_by(("militia",))),
    EventObservable("civilian_fatalities_state_and_partners", "people/month",
                    "Civilians killed by the state and its foreign partners (perpetrator "
                    "family state or foreign).", _civilians_by(("state", "foreign"))),
    EventObservable("ged_sb", "people/month", "Fatalities of state-based violence (UCDP type 1).",
                    _fatalities_where(_ucdp(1))),
    EventObservable("ged_ns", "people/month", "Fatalities of non-state violence (UCDP type 2).",
                    _fatalities_where(_ucdp(2))),
    EventObservable("ged_os", "people/month", "Fatalities of one-sided violence (UCDP type 3).",
                    _fatalities_where(_ucdp(3))),
)  # fmt: skip
OBSERVABLE_NAMES: tuple[str, ...] = tuple(o.name for o in EVENT_OBSERVABLES)
_BY_NAME = {o.name: o for o in EVENT_OBSERVABLES}


def observable(name: str) -> EventObservable:
    """The declaration of an observable.

    Raises:
        UserError: For an unknown name (the names listed).
    """
    found = _BY_NAME.get(name)
    if found is None:
        raise UserError(
            f"unknown event observable {name!r}",
            allowed=", ".join(OBSERVABLE_NAMES),
            suggestion=did_you_mean(name, OBSERVABLE_NAMES),
        )
    return found


def _month(value: int | str) -> int:
    return parse_month(value) if isinstance(value, str) else int(value)


def _runs(table: pd.DataFrame, runs: Sequence[str] | None) -> tuple[tuple[str, ...], np.ndarray]:
    """The run axis and each event's position on it (-1: not a listed run)."""
    if "run_id" not in table.columns:
        return ("",), np.zeros(len(table), np.int64)
    ids = table["run_id"].astype(str)
    axis = tuple(runs) if runs is not None else tuple(pd.unique(ids))
    code = pd.Categorical(ids, categories=list(axis)).codes.astype(np.int64)
    return axis, code


@dataclass(frozen=True)
class Counts:
    """One observable on a dense (run, unit, month) array.

    Attributes:
        observable: Its name.
        level: ``cell``, ``region`` or ``national``.
        values: Shape ``(len(runs), len(units), len(months))``.
        runs: Run ids (``("",)`` for real data, which has no runs).
        units: PRIO-GRID ids (cells), region names, or ``("Mali",)``.
        months: Month indices.
    """

    observable: str
    level: str
    values: np.ndarray
    runs: tuple[str, ...]
    units: tuple
    months: np.ndarray

    def to_frame(self) -> pd.DataFrame:
        """Long form: run_id, unit, month, value."""
        r, u, m = np.meshgrid(
            np.arange(len(self.runs)), np.arange(len(self.units)), self.months, indexing="ij"
        )
        return pd.DataFrame(
            {
                "run_id": np.asarray(self.runs, dtype=object)[r.ravel()],
                "unit": np.asarray(self.units, dtype=object)[u.ravel()],
                "month": m.ravel().astype(np.int64),
                self.observable: self.values.ravel(),
            }
        )


def _dense(
    table: pd.DataFrame,
    weights: np.ndarray,
    unit: np.ndarray,
    n_units: int,
    start: int,
    end: int,
    runs: Sequence[str] | None,
    run_axis: tuple[tuple[str, ...], np.ndarray] | None = None,
) -> tuple[np.ndarray, tuple[str, ...]]:
    axis, run = _runs(table, runs) if run_axis is None else run_axis
    n_months = end - start + 1
    offset = table["month"].to_numpy(np.int64) - start
    keep = (run >= 0) & (offset >= 0) & (offset < n_months) & (unit >= 0)
    flat = (run[keep] * n_units + unit[keep]) * n_months + offset[keep]
    size = len(axis) * n_units * n_months
    values = np.bincount(flat, weights=weights[keep], minlength=size)[:size]
    return values.reshape(len(axis), n_units, n_months), axis


def _span(start: int | str, end: int | str) -> tuple[int, int]:
    first, last = _month(start), _month(end)
    if last < first:
        raise UserError(
            f"the period ends ({format_month(last)}) before it starts ({format_month(first)})",
            allowed="start <= end",
        )
    return first, last


def aggregate(
    table: pd.DataFrame,
    level: Level,
    outcome: str,
    start: int | str,
    end: int | str,
    runs: Sequence[str] | None = None,
) -> Counts:
    """One observable per (run, unit, month), zeros where nothing happened.

    Args:
        table: The normalised event table.
        level: ``cell`` (every grid cell, ascending gid), ``region`` (the ten regions, in
            ``REGIONS`` order) or ``national``.
        outcome: An observable of :data:`EVENT_OBSERVABLES`.
        start: First month (index or ``YYYY-MM``).
        end: Last month, inclusive.
        runs: The runs, in order (default: those of the table, in order of appearance; runs
            without events must be listed to get their zeros). Ignored without ``run_id``.

    Returns:
        The dense counts.

    Raises:
        UserError: For an unknown level or observable or an empty period.
    """
    if level not in LEVELS:
        raise UserError(
            f"unknown level {level!r}",
            allowed=", ".join(LEVELS),
            suggestion=did_you_mean(level, LEVELS),
        )
    obs = observable(outcome)
    first, last = _span(start, end)
    weights = obs.value(table) if len(table) else np.zeros(0)
    units: tuple
    if level == "cell":
        gids = grid_gids()
        gid = table["priogrid_gid"].to_numpy(np.int64)
        pos = np.clip(np.searchsorted(gids, gid), 0, gids.size - 1)
        unit = np.where(gids[pos] == gid, pos, -1)
        units = tuple(int(g) for g in gids)
    elif level == "region":
        unit = pd.Categorical(table["region"], categories=list(REGIONS)).codes.astype(np.int64)
        units = REGIONS
    else:
        unit = np.zeros(len(table), np.int64)
        units = (NATIONAL,)
    values, axis = _dense(table, weights, unit, len(units), first, last, runs)
    return Counts(outcome, level, values, axis, units, np.arange(first, last + 1))


def event_series(
    table: pd.DataFrame, start: int | str, end: int | str, runs: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every observable as monthly series, laid out like the model's series.

    Args:
        table: The normalised event table.
        start: First month (index or ``YYYY-MM``).
        end: Last month, inclusive.
        runs: The runs, in order (see :func:`aggregate`).

    Returns:
        Columns ``[run_id,] date, region`` and one per observable; per run and month the ten
        regions in ``REGIONS`` order, then the national row (``NATIONAL``); every month of the
        period, zeros where nothing happened.
    """
    first, last = _span(start, end)
    n_months = last - first + 1
    regions = (*REGIONS, NATIONAL)
    unit = pd.Categorical(table["region"], categories=list(REGIONS)).codes.astype(np.int64)
    blocks = {}
    run_axis = _runs(table, runs)  # once for every observable (the run ids are text)
    axis: tuple[str, ...] = run_axis[0]
    for obs in EVENT_OBSERVABLES:
        weights = obs.value(table) if len(table) else np.zeros(0)
        dense, axis = _dense(table, weights, unit, len(REGIONS), first, last, runs, run_axis)
        full = np.concatenate([dense, dense.sum(axis=1, keepdims=True)], axis=1)
        # (run, region, month) -> rows ordered run, month, region
        blocks[obs.name] = full.transpose(0, 2, 1).reshape(-1)
    dates = pd.to_datetime([format_month(m) + "-01" for m in range(first, last + 1)]).astype(
        "datetime64[ms]"
    )
    n_runs = len(axis)
    frame = pd.DataFrame(blocks)
    frame.insert(0, "region", np.tile(np.array(regions, dtype=object), n_runs * n_months))
    frame.insert(0, "date", np.tile(np.repeat(dates.to_numpy(), len(regions)), n_runs))
    if "run_id" in table.columns:
        frame.insert(0, "run_id", np.repeat(np.array(axis, dtype=object), n_months * len(regions)))
    return frame
