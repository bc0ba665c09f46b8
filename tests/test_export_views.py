"""``malisim export views``: a tiny batch with kept event logs, round-tripped through Parquet."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from malisim.cli.main import main
from malisim.core.calendar import parse_month
from malisim.data_io.acled import normalise_acled
from malisim.data_io.events_table import grid_gids
from malisim.data_io.prio_grid import month_id
from malisim.data_io.views import VIEWS_COLUMNS, write_views
from malisim.experiment.results import load_results

SCENARIOS = {"spring": "name: spring\nstart: 2022-01\nend: 2022-03\n",
             "calm": "name: calm\nstart: 2022-02\nend: 2022-03\n"}  # fmt: skip


def run_batch(folder: Path, scenarios: list[str], events: bool, replicates: int = 2) -> Path:
    folder.mkdir()
    for name in scenarios:
        (folder / f"{name}.yaml").write_text(SCENARIOS[name])
    exp = folder / "exp.yaml"
    exp.write_text(
        f"name: tiny\nscenarios: [{', '.join(f'{s}.yaml' for s in scenarios)}]\n"
        f"replicates: {replicates}\nseed: 5\nparams: {{n_civilian_agents: 2000}}\n"
        f"keep: {{series: true, events: {str(events).lower()}}}\n"
    )
    out = folder / "results"
    code = main(["batch", str(exp), "--out", str(out), "--executor", "serial",
                 "--progress", "none"])  # fmt: skip
    assert code == 0
    return out


@pytest.fixture(scope="module")
def two_scenarios(tmp_path_factory) -> Path:
    return run_batch(tmp_path_factory.mktemp("views") / "b", ["spring", "calm"], events=True)


def test_round_trip(two_scenarios, tmp_path, capsys):
    out = tmp_path / "sub" / "views.parquet"
    code = main(["export", "views", str(two_scenarios), "--out", str(out), "--scenario",
                 "spring"])  # fmt: skip
    assert code == 0
    assert "2 draw(s) x 488 cells x 2022-01..2022-03" in capsys.readouterr().out
    frame = pd.read_parquet(out)
    assert list(frame.columns) == list(VIEWS_COLUMNS)
    gids = grid_gids()
    months = [month_id(parse_month(m)) for m in ("2022-01", "2022-02", "2022-03")]
    assert months[2] == 507
    assert sorted(frame["month_id"].unique()) == months
    assert np.array_equal(np.sort(frame["priogrid_gid"].unique()), gids)
    assert sorted(frame["draw"].unique()) == [0, 1]
    assert len(frame) == 2 * len(gids) * 3
    assert not frame.duplicated(["month_id", "priogrid_gid", "draw"]).any()
    assert (frame[["ged_sb", "ged_ns", "ged_os"]] >= 0).all().all()
    # the fatalities add up to the event log's, per draw and month
    res = load_results(two_scenarios)
    events = res.events[res.events["scenario"] == "spring"]
    table = normalise_acled(events)
    runs = list(res.outcomes.loc[res.outcomes["scenario"] == "spring", "run_id"])
    for draw, run in enumerate(runs):
        mine = table[table["run_id"] == run]
        for code_, col in ((1, "ged_sb"), (2, "ged_ns"), (3, "ged_os")):
            expected = mine[mine["ucdp_type"] == code_].groupby("month")["fatalities"].sum()
            got = frame[frame["draw"] == draw].groupby("month_id")[col].sum()
            assert got.to_dict() == {month_id(m): v for m, v in expected.items()} | {
                m: 0.0 for m in months if m not in {month_id(k) for k in expected.index}
            }
    assert frame["ged_sb"].sum() > 0 and frame["ged_os"].sum() > 0


def test_other_scenario_has_its_own_months(two_scenarios, tmp_path):
    done = write_views(two_scenarios, tmp_path / "calm.parquet", scenario="calm")
    frame = pd.read_parquet(done.path)
    assert sorted(frame["month_id"].unique()) == [506, 507]
    assert done.rows == len(frame) == 2 * 488 * 2


def test_several_scenarios_need_a_choice(two_scenarios, tmp_path, capsys):
    out = tmp_path / "v.parquet"
    assert main(["export", "views", str(two_scenarios), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds 2 scenarios; choose one with --scenario; allowed: spring, calm" in err
    assert main(["export", "views", str(two_scenarios), "--out", str(out), "--scenario",
                 "sprung"]) == 2  # fmt: skip
    assert "did you mean 'spring'?" in capsys.readouterr().err
    assert not out.exists()


def test_refuses_to_overwrite(two_scenarios, tmp_path, capsys):
    out = tmp_path / "v.parquet"
    out.write_bytes(b"keep me")
    args = ["export", "views", str(two_scenarios), "--out", str(out), "--scenario", "calm"]
    assert main(args) == 2
    assert "exists already; pass --overwrite" in capsys.readouterr().err
    assert out.read_bytes() == b"keep me"
    assert main([*args, "--overwrite"]) == 0
    assert len(pd.read_parquet(out)) == 2 * 488 * 2
    assert not list(tmp_path.glob(".*.tmp"))  # written through a temporary file


def test_folder_without_events_says_how_to_keep_them(tmp_path, capsys):
    res = run_batch(tmp_path / "b", ["calm"], events=False, replicates=1)
    assert main(["export", "views", str(res), "--out", str(tmp_path / "v.parquet")]) == 2
    err = capsys.readouterr().err
    assert "kept no event logs" in err and "keep: {events: true}" in err
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "v.parquet").exists()


def test_not_a_results_folder(tmp_path, capsys):
    assert main(["export", "views", str(tmp_path / "nope"), "--out", str(tmp_path / "x.pq")]) == 2
    assert "error:" in capsys.readouterr().err
