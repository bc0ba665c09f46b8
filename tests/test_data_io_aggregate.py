"""Event observables: the simulated event log's agree with the model's own series; dense shapes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from malisim.core.errors import UserError
from malisim.data_io.acled import normalise_acled
from malisim.data_io.aggregate import EVENT_OBSERVABLES, aggregate, event_series
from malisim.data_io.events_table import empty_event_table, grid_gids
from malisim.experiment.results import load_results
from malisim.model.outcomes import NATIONAL
from malisim.model.space import REGIONS
from test_export_views import run_batch

NAMES = ("fatalities", "fatalities_battles", "fatalities_vac", "fatalities_explosions",
         "events_battles", "events_vac", "events_explosions", "events_ied", "events_air_strikes",
         "events_peacekeepers", "civilian_fatalities_militia",
         "civilian_fatalities_state_and_partners", "ged_sb", "ged_ns", "ged_os")  # fmt: skip


@pytest.fixture(scope="module")
def simulated(tmp_path_factory) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    res = load_results(run_batch(tmp_path_factory.mktemp("agg") / "b", ["spring"], events=True))
    runs = list(res.outcomes["run_id"])
    return normalise_acled(res.events), res.series, runs


def test_observables_are_declared_once_with_these_names():
    assert tuple(o.name for o in EVENT_OBSERVABLES) == NAMES
    assert all(o.unit and o.description for o in EVENT_OBSERVABLES)


def test_simulated_observables_agree_with_the_model_series(simulated):
    table, series, runs = simulated
    ours = event_series(table, "2022-01", "2022-03", runs=runs)
    assert list(ours.columns) == ["run_id", "date", "region", *NAMES]
    assert len(ours) == len(series) == len(runs) * 3 * (len(REGIONS) + 1)
    both = ours.merge(
        series, on=["run_id", "date", "region"], validate="one_to_one", suffixes=("", "_series")
    )
    assert len(both) == len(ours)
    # civilian deaths: national and regional, per month, as the model counted them
    civilians = table.groupby(["run_id", "month", "region"])["civilian_fatalities"].sum()
    national = table.groupby(["run_id", "month"])["civilian_fatalities"].sum()
    nat = both[both["region"] == NATIONAL]
    assert national.to_numpy().tolist() == nat["civilian_fatalities"].tolist()
    reg = both[both["region"] != NATIONAL]
    assert civilians.sum() == reg["civilian_fatalities"].sum() > 0
    assert np.array_equal(
        both["civilian_fatalities_state_and_partners"],
        both["civilian_fatalities_state"] + both["civilian_fatalities_foreign"],
    )
    # all fatalities are the combatants' plus the civilians'
    assert np.array_equal(
        both["fatalities"], both["battle_fatalities"] + both["civilian_fatalities"]
    )
    # every simulated fatality has a UCDP type, and the events add up to the model's count
    assert np.array_equal(both["ged_sb"] + both["ged_ns"] + both["ged_os"], both["fatalities"])
    strategic = table[table["event_type"] == "Strategic developments"]
    n_strategic = strategic.groupby(["run_id", "month"]).size()
    counted = nat["events_battles"] + nat["events_vac"] + nat["events_explosions"]
    assert np.array_equal(counted.to_numpy() + n_strategic.to_numpy(), nat["events"].to_numpy())
    # the communal militias' victims, from the event log, as the model's series counted them
    assert np.array_equal(
        both["civilian_fatalities_militia"], both["civilian_fatalities_militia_series"]
    )


def test_dense_levels_add_up(simulated):
    table, _, runs = simulated
    cell = aggregate(table, "cell", "ged_os", "2022-01", "2022-03", runs=runs)
    region = aggregate(table, "region", "ged_os", "2022-01", "2022-03", runs=runs)
    nation = aggregate(table, "national", "ged_os", "2022-01", "2022-03", runs=runs)
    assert cell.values.shape == (2, len(grid_gids()), 3)
    assert region.values.shape == (2, len(REGIONS), 3)
    assert nation.values.shape == (2, 1, 3)
    assert cell.units == tuple(int(g) for g in grid_gids())
    assert np.allclose(cell.values.sum(axis=1), nation.values[:, 0])
    assert np.allclose(region.values.sum(axis=1), nation.values[:, 0])
    assert nation.values.sum() == table.loc[table["ucdp_type"] == 3, "fatalities"].sum()
    frame = region.to_frame()
    assert list(frame.columns) == ["run_id", "unit", "month", "ged_os"]
    assert len(frame) == 2 * len(REGIONS) * 3


def test_months_and_runs_without_events_are_zeros(simulated):
    table, _, runs = simulated
    counts = aggregate(table, "national", "fatalities", "2021-11", "2022-04", runs=[*runs, "x"])
    assert counts.values.shape == (3, 1, 6)
    assert (counts.values[:, 0, :2] == 0).all() and (counts.values[:, 0, -1] == 0).all()
    assert (counts.values[2] == 0).all() and (counts.values[:2, 0, 2:5] > 0).all()
    empty = event_series(empty_event_table(), "2022-01", "2022-02")
    assert len(empty) == 2 * (len(REGIONS) + 1)
    assert (empty[list(NAMES)] == 0).all().all()


def test_real_data_has_one_run_axis():
    table = empty_event_table()
    counts = aggregate(table, "region", "events_vac", 24264, 24265)
    assert counts.runs == ("",) and counts.values.shape == (1, len(REGIONS), 2)


def test_bad_arguments():
    table = empty_event_table()
    with pytest.raises(UserError, match=r"unknown level 'cells'.*did you mean 'cell'"):
        aggregate(table, "cells", "ged_sb", 1, 2)  # type: ignore[arg-type]
    with pytest.raises(UserError, match="unknown event observable"):
        aggregate(table, "cell", "ged_xx", 1, 2)
    with pytest.raises(UserError, match="ends"):
        event_series(table, "2022-03", "2022-01")
