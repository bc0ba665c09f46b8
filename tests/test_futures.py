"""Futures to 2030: the latest end month, the shipped future scenarios, the report and the page.

Runs may end as late as :data:`malisim.core.calendar.LATEST_END` (2030-12) and no later; the
``scenarios/future_*.yaml`` files carry the documented timeline on to 2030-12 and each departs
from ``future_status_quo`` at a date of its own. Runs here use few civilian agents.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from malisim.cli.main import main
from malisim.core.calendar import DEFAULT_END, LATEST_END, DateError, check_run_end
from malisim.core.errors import UserError
from malisim.model import MaliModel
from malisim.scenario import load_scenario
from malisim.scenario.runner import run_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
FUTURES = sorted(SCENARIOS.glob("future_*.yaml"))
SMALL = ["params.n_civilian_agents=1000"]
SEED = 11
#: The first month each departure from future_status_quo can show (its first change).
FIRST_CHANGE = {
    "future_africa_corps_leaves": "2027-07",
    "future_jnim_negotiations": "2027-01",
    "future_aes_ecowas_reconcile": "2027-07",
    "future_blockades_end": "2027-01",
    "future_blockades_tighten": "2027-01",
}


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------- the end month


def test_the_latest_end_is_2030_12_and_the_default_end_is_unchanged():
    assert LATEST_END == "2030-12"
    assert DEFAULT_END == "2026-12"
    assert check_run_end("2030-12") == "2030-12"
    with pytest.raises(DateError, match="'2031-01' is after 2030-12"):
        check_run_end("2031-01")


def test_a_scenario_file_may_end_in_2030_12_but_not_later(tmp_path):
    ok = _write(tmp_path / "ok.yaml", "name: ok\nend: 2030-12\n")
    assert load_scenario(ok).end == "2030-12"
    late = _write(tmp_path / "late.yaml", "name: late\nstart: 2020-01\nend: 2031-01\n")
    with pytest.raises(UserError) as err:
        load_scenario(late)
    assert str(err.value) == (
        f"{late}:3: end: '2031-01' is after 2030-12, the last month a run may reach: "
        "expected 2030-12 or earlier"
    )


def test_set_end_past_2030_is_refused(tmp_path):
    ok = _write(tmp_path / "ok.yaml", "name: ok\n")
    assert load_scenario(ok, ["end=2030-12"]).end_month - load_scenario(ok).end_month == 48
    with pytest.raises(UserError, match=r"--set: end: '2032-06' is after 2030-12"):
        load_scenario(ok, ["end=2032-06"])


def test_the_command_line_refuses_a_later_end_without_a_traceback(tmp_path, capsys):
    out = tmp_path / "run"
    code = main(["run", str(SCENARIOS / "historical.yaml"), "--end", "2031-01", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert "'2031-01' is after 2030-12" in err and "Traceback" not in err
    assert not out.exists()


def test_an_experiment_end_past_2030_is_refused(tmp_path, capsys):
    exp = _write(
        tmp_path / "e.yaml",
        f"name: e\nscenarios:\n  - {SCENARIOS / 'historical.yaml'}\nreplicates: 1\nseed: 1\n"
        "end: 2031-06\n",
    )
    code = main(["batch", str(exp), "--out", str(tmp_path / "res"), "--executor", "serial"])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{exp}:6: end: '2031-06' is after 2030-12" in err


def test_the_model_itself_refuses_a_later_end():
    with pytest.raises(DateError, match="after 2030-12"):
        MaliModel(seed=1, start="2030-01", end="2031-01", n_civilian_agents=1000)


# ----------------------------------------------------------------- the future scenarios


def test_the_futures_are_shipped():
    names = {p.stem for p in FUTURES}
    assert names == {"future_status_quo", *FIRST_CHANGE}


@pytest.mark.parametrize("path", FUTURES, ids=lambda p: p.stem)
def test_every_future_validates_runs_to_2030_and_says_it_is_not_a_forecast(path):
    scenario = load_scenario(path)
    assert (scenario.start, scenario.end) == ("2019-01", "2030-12")
    assert scenario.name == path.stem
    text = " ".join(scenario.description.split())
    assert "not a forecast" in text and "Answers:" in text
    files = [Path(f).name for f in scenario.source_files]
    assert "historical.yaml" in files and "future_status_quo.yaml" in files
    # every policy date lies in the run (the validation checks it; the last one may be 2027+)
    dates = [d for p in scenario.policies for d in p.date_fields().values()]
    assert max(dates) <= "2030-12"


@pytest.fixture(scope="module")
def runs() -> dict[str, pd.DataFrame]:
    """Monthly series of historical and of every future (seed 11, 1,000 civilian agents)."""
    out = {}
    for path in [SCENARIOS / "historical.yaml", *FUTURES]:
        result = run_scenario(load_scenario(path, SMALL), SEED)
        out[path.stem] = result.series
    return out


def _same(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Whether two series tables are equal (NaN equal to NaN)."""
    return a.reset_index(drop=True).equals(b.reset_index(drop=True))


def test_every_future_run_reaches_december_2030(runs):
    for name, series in runs.items():
        last = pd.Timestamp(series["date"].max()).strftime("%Y-%m")
        assert last == ("2026-12" if name == "historical" else "2030-12"), name


def test_the_status_quo_follows_historical_exactly_to_2026(runs):
    history, future = runs["historical"], runs["future_status_quo"]
    assert _same(history, future[future["date"] <= pd.Timestamp("2026-12-01")])


@pytest.mark.parametrize("name", sorted(FIRST_CHANGE))
def test_each_future_departs_from_the_status_quo_at_its_first_change(runs, name):
    base, future = runs["future_status_quo"], runs[name]
    cut = pd.Timestamp(FIRST_CHANGE[name] + "-01")
    assert _same(future[future["date"] < cut], base[base["date"] < cut])
    assert not _same(future[future["date"] >= cut], base[base["date"] >= cut])


# --------------------------------------------------------------- the report past 2026


def test_a_report_of_a_tiny_batch_to_2030(tmp_path, capsys):
    exp = _write(
        tmp_path / "tiny.yaml",
        "name: tiny_futures\nscenarios:\n"
        f"  - {SCENARIOS / 'future_status_quo.yaml'}\n"
        f"  - {SCENARIOS / 'future_jnim_negotiations.yaml'}\n"
        "replicates: 2\nseed: 3\nparams:\n  n_civilian_agents: 1000\n"
        "keep:\n  series: true\n  events: true\n",
    )
    res = tmp_path / "res"
    assert main(["batch", str(exp), "--out", str(res), "--executor", "serial"]) == 0
    html, figures = tmp_path / "r.html", tmp_path / "figs"
    code = main(["report", str(res), "-o", str(html), "--figures", str(figures)])
    assert code == 0, capsys.readouterr().err
    text = html.read_text(encoding="utf-8")
    assert "2019-01 to 2030-12" in text
    assert "future_jnim_negotiations" in text and "not a forecast" in text
    # the fan charts' time axis reaches 2030 (matplotlib writes tick labels as SVG text)
    fan = (figures / "fan_civilian_fatalities.svg").read_text(encoding="utf-8")
    assert re.search(r">2030\s*<", fan), "the fan chart's axis stops before 2030"


# ----------------------------------------------------------------- the page past 2026


def test_the_page_date_levers_cover_the_futures():
    from malisim.app.settings import levers_from_scenario, month_options, resolve_levers

    base = load_scenario(SCENARIOS / "future_status_quo.yaml")
    months = month_options(base)
    assert months[0] == "2019-01" and months[-1] == "2030-12" and len(months) == 144
    lev = levers_from_scenario(base).replace(dialogue_on=True, dialogue_start="2029-06")
    scenario = resolve_levers(base, lev)
    dialogue = [p.to_dict() for p in scenario.policies if p.policy_type == "jihadist_dialogue"]
    assert dialogue and dialogue[0]["start"] == "2029-06"
    assert scenario.end == "2030-12"


def test_the_page_plays_to_december_2030(tmp_path):
    from malisim.app.render import model_map_svg, national_history, outcome_charts
    from malisim.app.session import Session
    from malisim.app.settings import month_options
    from malisim.app.texts import month_count, month_label

    path = _write(
        tmp_path / "late.yaml",
        "name: late\nstart: 2029-01\nend: 2030-12\nparams: {n_civilian_agents: 1000}\n",
    )
    sess = Session(str(path))
    assert month_options(sess.scenario)[-1] == "2030-12"
    sess.step(24)
    model = sess.model
    assert not model.running
    assert month_label(model) == "31 December 2030"  # the last day of the last month simulated
    assert month_count(model, False) == "month 24 of 24"
    assert 'data-date="2030-12"' in model_map_svg(model)
    charts = outcome_charts(national_history(model), model.start_month, model.end_month)
    for name, svg in charts.items():
        assert 'data-points="24"' in svg, name
        assert ">2029<" in svg and ">2030<" in svg, name
