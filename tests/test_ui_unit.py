"""Fast tests of the page's logic without a browser: levers <-> scenarios, map, charts, CLI.

The page itself is rendered in-process with ``solara.render`` (no server, no browser); the real
browser test is tests/test_ui_browser.py.
"""

from __future__ import annotations

import argparse
import time
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from malisim.app.render import (
    CHARTS,
    FAN_OUTCOMES,
    civilian_deaths_by_cell,
    displaced_by_cell,
    fan_charts,
    map_svg,
    model_map_svg,
    national_history,
    outcome_charts,
)
from malisim.app.settings import (
    LEVER_POLICIES,
    Levers,
    available_scenarios,
    kept_policies,
    lever_info,
    levers_from_scenario,
    load_base,
    resolve_levers,
    scenario_dict,
    scenario_yaml,
)
from malisim.app.svgchart import Series, chart_svg, format_tick, nice_ticks
from malisim.core.errors import UserError
from malisim.model.space import load_grid
from malisim.model.vocab import CONTROL_NAMES
from malisim.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
ALL_ON = {
    "french_on": True,
    "wagner_on": True,
    "sanctions_on": True,
    "minusma_on": True,
    "dialogue_on": True,
    "accord_on": True,
    "kidal_on": True,
}


@pytest.fixture(scope="module")
def shipped():
    scenarios = available_scenarios()
    assert len(scenarios) >= 7, scenarios
    return {name: load_base(path) for name, path in scenarios.items()}


def _policy_dicts(scenario):
    return [p.to_dict() for p in scenario.policies]


# ------------------------------------------------------------------------------ levers


def test_levers_reproduce_every_shipped_scenario(shipped):
    for name, base in shipped.items():
        data = scenario_dict(base, levers_from_scenario(base))
        again = scenario_from_dict(data)
        assert _policy_dicts(again) == _policy_dicts(base), name
        assert again.parameters == base.parameters, name
        assert (again.start, again.end) == (base.start, base.end)
        assert "extends" not in data


def test_historical_levers_read_the_timeline(shipped):
    lev = levers_from_scenario(shipped["historical"])
    assert lev.french_on and lev.french_start == "2022-02"
    assert lev.wagner_on and lev.wagner_start == "2021-12" and lev.wagner_personnel == 1500
    # the lever drives the strongest sanctions episode (2022), not the brief 2020 one
    assert lev.sanctions_on and lev.sanctions_start == "2022-01" and lev.sanctions_months == 6
    assert lev.minusma_on and lev.minusma_start == "2023-07"
    assert not lev.dialogue_on
    assert lev.kidal_on and lev.kidal_start == "2023-10" and lev.kidal_months == 2
    assert lev.accord_on and lev.accord_level == 0.0
    kept = [p["type"] for p in kept_policies(shipped["historical"])]
    assert "ecowas_sanctions" in kept  # the 2020 episode stays as it is
    assert "wagner_deployment" not in kept and "aid_suspension" in kept


def test_changed_levers_change_the_scenario(shipped):
    base = shipped["historical"]
    lev = levers_from_scenario(base).replace(
        wagner_on=False,
        french_start="2023-06",
        sanctions_months=12,
        sanctions_intensity=0.5,
        dialogue_on=True,
        dialogue_start="2020-01",
        dialogue_intensity=0.7,
    )
    scenario = resolve_levers(base, lev)
    by_type = {}
    for p in _policy_dicts(scenario):
        by_type.setdefault(p["type"], []).append(p)
    assert "wagner_deployment" not in by_type
    french = by_type["french_withdrawal"][0]
    # the whole French timeline moves with the lever (announcement and end keep their gaps)
    assert french["drawdown_start"] == "2023-06" and french["announcement"] == "2023-06"
    assert french["drawdown_end"] == "2023-12"
    main = next(p for p in by_type["ecowas_sanctions"] if p["start"] == "2022-01")
    assert main["end"] == "2022-12" and main["intensity"] == 0.5
    assert len(by_type["ecowas_sanctions"]) == 2
    assert by_type["jihadist_dialogue"][0]["start"] == "2020-01"
    assert by_type["jihadist_dialogue"][0]["intensity"] == 0.7


def test_wagner_personnel_and_abuse_reach_the_policy(shipped):
    base = shipped["historical"]
    lev = levers_from_scenario(base).replace(wagner_personnel=3000.0, wagner_abuse=8.0)
    wagner = [p for p in scenario_dict(base, lev)["policies"] if p["type"] == "wagner_deployment"]
    assert wagner[0]["personnel"] == 3000.0
    assert wagner[0]["africa_corps_personnel"] == 3000.0  # same force after the hand-over
    assert wagner[0]["abuse_multiplier"] == 8.0


@pytest.mark.parametrize("month", ["2019-01", "2023-05", "2026-12"])
def test_extreme_dates_stay_valid(shipped, month):
    """Dates pushed to the ends of the run are clamped into it, keeping their order."""
    for name, base in shipped.items():
        lev = levers_from_scenario(base).replace(
            **ALL_ON,
            **{f"{k}_start": month for k in ("french", "wagner", "sanctions", "minusma")},
            **{f"{k}_start": month for k in ("dialogue", "accord", "kidal")},
            sanctions_months=36,
            kidal_months=24,
        )
        scenario = resolve_levers(base, lev)
        types = {p.policy_type for p in scenario.policies}
        assert set(LEVER_POLICIES) <= types, name


def test_levers_off_remove_their_policies(shipped):
    base = shipped["historical"]
    lev = levers_from_scenario(base).replace(**{k: False for k in ALL_ON})
    types = [p.policy_type for p in resolve_levers(base, lev).policies]
    for kind in ("french_withdrawal", "wagner_deployment", "minusma_withdrawal", "kidal_offensive"):
        assert kind not in types
    assert types.count("ecowas_sanctions") == 1  # the 2020 episode is not a lever


def test_saved_yaml_validates_with_load_scenario(shipped, tmp_path):
    base = shipped["early_dialogue"]
    lev = levers_from_scenario(base).replace(kidal_on=False, accord_start="2020-06")
    text = scenario_yaml(scenario_dict(base, lev, seed=7), seed=7)
    assert "--seed 7" in text
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    loaded = load_scenario(path)
    assert loaded.name == "early_dialogue_custom"
    assert _policy_dicts(loaded) == _policy_dicts(resolve_levers(base, lev))


def test_every_lever_has_a_label_unit_and_tooltip():
    info = lever_info()
    assert set(info) == set(Levers.__dataclass_fields__)
    for key, item in info.items():
        assert item.label and item.unit and len(item.tooltip) > 20, key
    for key in ("french_on", "wagner_on", "sanctions_on", "minusma_on", "dialogue_on",
                "accord_on", "kidal_on", "wagner_personnel", "wagner_abuse"):  # fmt: skip
        assert "ource" in info[key].tooltip, key  # "Source(s):" or "source"
    assert "Sources: ICG2023" in info["wagner_abuse"].tooltip  # cited by bibliography key


# ------------------------------------------------------------------------------ map and charts


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def test_map_svg_has_every_cell_coloured_by_controller():
    grid = load_grid()
    control = np.arange(grid.n_cells) % len(CONTROL_NAMES)
    root = _parse(map_svg(grid, control, date="2022-03"))
    cells = root.findall(f"{SVG}rect")
    assert len(cells) == grid.n_cells == 488
    assert root.get("data-date") == "2022-03"
    assert [c.get("data-control") for c in cells[:5]] == list(CONTROL_NAMES)
    assert len({c.get("fill") for c in cells}) == len(CONTROL_NAMES)
    assert all(c.find(f"{SVG}title") is not None for c in cells)
    labels = {t.text for t in root.iter(f"{SVG}text")}
    assert {"Bamako", "Gao", "Kidal", "Timbuktu", "Mopti", "2022-03"} <= labels
    paths = root.findall(f"{SVG}path")
    assert len(paths) == 2 and all(p.get("d", "").startswith("M") for p in paths)  # borders


def test_map_overlays_toggle():
    grid = load_grid()
    control = np.zeros(grid.n_cells, dtype=int)
    deaths = np.zeros(grid.n_cells)
    deaths[:10] = 500
    idps = np.zeros(grid.n_cells)
    idps[20:25] = 50_000
    plain = _parse(map_svg(grid, control))
    both = _parse(map_svg(grid, control, deaths=deaths, displaced=idps))
    discs = [c for c in both.iter(f"{SVG}circle") if c.get("class") == "deaths"]
    rings = [c for c in both.iter(f"{SVG}circle") if c.get("class") == "idps"]
    assert len(discs) == 10 and len(rings) == 5
    assert not [c for c in plain.iter(f"{SVG}circle") if c.get("class") in ("deaths", "idps")]


def test_model_map_and_charts_follow_the_model(make_model):
    model = make_model(end="2020-12")
    before = model_map_svg(model)
    charts0 = outcome_charts(national_history(model), model.start_month, model.end_month)
    for _ in range(6):
        model.step()
    after = model_map_svg(model)
    assert _parse(after).get("data-date") == "2019-06"
    assert after != before
    assert civilian_deaths_by_cell(model).sum() > 0
    assert displaced_by_cell(model).sum() > 0
    charts = outcome_charts(national_history(model), model.start_month, model.end_month)
    assert set(charts) == {name for name, _ in CHARTS}
    for name, svg in charts.items():
        root = _parse(svg)
        assert root.get("data-chart") == name
        assert root.get("data-points") == "6"
        assert _parse(charts0[name]).get("data-points") == "0"


def test_fan_charts_from_replicates():
    months = 2019 * 12 + np.arange(24)
    rng = np.random.default_rng(0)
    runs = {name: rng.random((5, 24)) for name, _, _ in FAN_OUTCOMES}
    current = {"month": months[:10], **{name: np.full(10, 0.5) for name, _, _ in FAN_OUTCOMES}}
    charts = fan_charts(months, runs, current)
    assert len(charts) == len(FAN_OUTCOMES)
    for svg in charts.values():
        root = _parse(svg)
        assert len(root.findall(f".//{SVG}polygon")) == 2  # the 90% and 50% bands
        assert len(root.findall(f".//{SVG}polyline")) == 2  # median and this run


def test_svg_chart_helpers():
    assert list(nice_ticks(0, 1)) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert format_tick(250_000, 50_000) == "250k" and format_tick(0.25, 0.25) == "0.25"
    x = np.arange(5) / 12 + 2019
    svg = chart_svg("t", x, [Series("a", "#000", np.ones(5), kind="area")], (2019, 2020), name="z")
    assert _parse(svg).get("data-points") == "5"


# ------------------------------------------------------------------------------ replicates


@pytest.mark.slow
def test_replicates_run_in_processes_with_progress():
    from malisim.app.replicates import run_replicates

    data = {"name": "short", "start": "2019-01", "end": "2019-04", "params": {
        "n_civilian_agents": 2000}}  # fmt: skip
    seen = []
    res = run_replicates(data, 3, 3, workers=2, progress=lambda d, n: seen.append((d, n)))
    assert res.n == 3 and not res.cancelled
    assert res.runs["civilian_fatalities"].shape == (3, 4)
    assert seen[0] == (0, 3) and seen[-1] == (3, 3)
    assert len(set(res.seeds)) == 3


# ------------------------------------------------------------------------------ command line


def test_ui_command_parses_and_needs_the_extra(monkeypatch, capsys):
    from malisim.cli import ui as commands_ui

    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command")
    commands_ui.register(sub)
    args = parser.parse_args(["ui", "--port", "9001", "scenarios/historical.yaml"])
    assert (args.host, args.port, args.scenario) == ("127.0.0.1", 9001, "scenarios/historical.yaml")
    assert args.handler is commands_ui.cmd_ui
    monkeypatch.setattr(commands_ui, "viz_missing", lambda: ["solara"])
    assert commands_ui.cmd_ui(args) == 2
    assert "pip install 'malisim[viz]'" in capsys.readouterr().err


def test_ui_command_rejects_a_bad_scenario(tmp_path, capsys):
    from malisim.cli import ui as commands_ui

    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nparams: {no_such_parameter: 1}\n", encoding="utf-8")
    args = argparse.Namespace(host="127.0.0.1", port=0, scenario=str(bad))
    assert commands_ui.cmd_ui(args) == 2
    assert "no_such_parameter" in capsys.readouterr().err


# ------------------------------------------------------------------------- the page, in-process


def _wait(predicate, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _with_class(widgets, cls):
    def classes(w):
        text = getattr(w, "attributes", {}).get("class", "") or getattr(w, "class_", "") or ""
        return text.split()

    return [w for w in widgets if cls in classes(w)]


def test_page_renders_steps_and_reruns_on_a_lever_change(monkeypatch):
    solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")
    import ipyvuetify as v

    from malisim.app import page

    monkeypatch.setenv(page.SCENARIO_ENV, str(ROOT / "scenarios" / "historical.yaml"))
    _box, rc = solara.render(page.Page(), handle_error=False)

    def html(cls):
        return _with_class(rc.find(solara.widgets.HTML).widgets, cls)

    def date() -> str:
        return html("malisim-date")[0].unsafe_innerHTML

    def map_date() -> str:
        svg = html("malisim-map-box")[0].unsafe_innerHTML
        return svg.split('data-date="', 1)[1].split('"', 1)[0]

    def rebuilt() -> bool:
        return "re-running" not in html("malisim-month-count")[0].unsafe_innerHTML

    assert date() == "1 January 2019"
    rc.find(v.Btn, children=["Step 1 year"]).widget.click()
    assert date() == "31 December 2019" and map_date() == "2019-12"
    rc.find(v.Btn, children=["Step 1 month"]).widget.click()
    assert date() == "31 January 2020"
    (switch,) = _with_class(rc.find(v.Switch).widgets, "lever-wagner_on")
    assert switch.v_model is True
    switch.v_model = False  # the student turns Wagner off: the new settings re-run to 2020-01
    assert _wait(lambda: not html("lever-wagner_personnel"))
    assert _wait(rebuilt)
    assert date() == "31 January 2020" and map_date() == "2020-01"
    (link,) = html("malisim-save")
    assert link.attributes["download"] == "historical_custom.yaml"
    rc.close()


class _Tags(HTMLParser):
    """The start tags of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)


def _tags(fragment: str) -> list[str]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


HOSTILE = "<img src=x onerror=alert(1)>"


def test_scenario_texts_are_escaped_on_the_page(tmp_path, monkeypatch):
    """A scenario's description and policy texts reach the page as text, never as markup."""
    solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")

    from malisim.app import page

    path = tmp_path / "hostile.yaml"
    path.write_text(
        "name: hostile\n"
        f"description: 'Tom & Jerry {HOSTILE} end'\n"
        "params: {n_civilian_agents: 2000}\n"
        "policies:\n"
        "  - {type: aid_suspension, donor: '<script>alert(2)</script>', share: 0.2, "
        "start: 2021-01}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv(page.SCENARIO_ENV, str(path))
    _box, rc = solara.render(page.Page(), handle_error=False)
    try:
        widgets = rc.find(solara.widgets.HTML).widgets
        (description,) = _with_class(widgets, "malisim-description")
        assert description.unsafe_innerHTML == (
            "Tom &amp; Jerry &lt;img src=x onerror=alert(1)&gt; end"
        ), "escape the scenario description (html.escape) before it goes into unsafe_innerHTML"
        (others,) = [w for w in widgets if "malisim-other" in w.unsafe_innerHTML]
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in others.unsafe_innerHTML
        assert _tags(others.unsafe_innerHTML) == ["div", "ul", "li"], (
            "escape every item of the other policies list (a donor's name is the scenario's text)"
        )
        for w in widgets:
            tags = _tags(w.unsafe_innerHTML)
            assert "img" not in tags and "script" not in tags, (w.class_, w.unsafe_innerHTML[:200])
    finally:
        rc.close()


@pytest.fixture()
def short_session(tmp_path):
    from malisim.app.session import Session

    path = tmp_path / "short.yaml"
    path.write_text(
        "name: short\nstart: 2019-01\nend: 2019-06\nparams: {n_civilian_agents: 2000}\n",
        encoding="utf-8",
    )
    return Session(str(path))


def test_play_runs_to_the_end_and_stops_when_cancelled(short_session):
    import threading

    from malisim.app import run_loop

    sess = short_session
    months = []
    assert run_loop.play(sess, lambda: "fast", lambda: months.append(sess.steps), threading.Event())
    assert months == [1, 2, 3, 4, 5, 6] and not sess.model.running
    sess.reset()
    cancel = threading.Event()
    # Pause pressed during the first pause between months: one month played, then it stops
    assert not run_loop.play(sess, lambda: "slow", cancel.set, cancel)
    assert sess.steps == 1


def test_catch_up_replays_the_months_reached_on_new_settings(short_session):
    import threading

    from malisim.app import run_loop

    sess = short_session
    sess.step(3)
    key = (sess.initial, 2, sess.initial_levers.replace(wagner_on=True))
    model, scenario = sess.build(key)
    cancelled = threading.Event()
    cancelled.set()
    assert not run_loop.catch_up(sess, model, scenario, key, cancelled)
    assert sess.key[1] == 1, "a cancelled re-run must leave the session's model alone"
    assert run_loop.catch_up(sess, model, scenario, key, threading.Event())
    assert sess.model is model and sess.key == key and sess.steps == 3
    assert model.month - model.start_month == 3
    with pytest.raises(UserError, match="seed"):
        sess.build((sess.initial, -1, sess.initial_levers))


def test_a_replaced_session_model_is_freed(short_session):
    # Mesa 3.3 keeps every model alive through mesa.Agent._ids unless it is released; the page
    # replaces its model on every reset and change of settings, so the old one must be freed.
    import gc
    import weakref

    old = weakref.ref(short_session.model)
    short_session.reset()
    gc.collect()
    assert old() is None, "the page's previous model is still alive after a reset"
