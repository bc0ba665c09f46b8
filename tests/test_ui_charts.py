"""The page's charts: hover values, dated policy markers, running totals, the baseline, export."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from malisim.app.render import (
    CHARTS,
    national_history,
    outcome_charts,
    policy_markers,
    run_csv,
    run_parquet,
    running_totals,
    totals_html,
)
from malisim.app.session import Session
from malisim.app.svgchart import (
    Marker,
    Series,
    chart_svg,
    format_value,
    format_values,
    month_of,
)
from malisim.scenario import load_scenario, scenario_from_dict
from malisim.scenario.runner import build_model

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"


def _titles(svg: str, cls: str) -> list[str]:
    root = ET.fromstring(svg)
    return [
        e.find(f"{SVG}title").text or ""
        for e in root.iter()
        if e.get("class") == cls and e.find(f"{SVG}title") is not None
    ]


def test_hover_columns_give_each_months_values() -> None:
    x = (2019 * 12 + np.arange(3)) / 12.0
    series = [
        Series("FAMa", "#000", np.array([1.0, 2.0, 3.0]), kind="area"),
        Series("Jihadists", "#111", np.array([10.0, 20.0, 1234.0]), kind="area"),
        Series("band", "#222", np.zeros(3), kind="band", y2=np.ones(3)),
    ]
    svg = chart_svg("t", x, series, (x[0], x[-1] + 1 / 12), markers=[Marker(x[1], "Wagner")])
    hover = _titles(svg, "hover")
    assert len(hover) == 3
    # the series' own values, not the stacked heights
    assert hover[2].split("\n") == [
        "March 2019",
        "FAMa: 3",
        "Jihadists: 1,234",
        "band: 0 to 1",
    ]
    assert "policy: Wagner" in hover[1] and "policy" not in hover[0]
    assert _titles(svg, "marker") == ["February 2019: Wagner"]
    assert not _titles(chart_svg("t", x, series, (x[0], x[-1]), hover=False), "hover")


def test_markers_outside_the_axis_are_left_out_and_texts_escaped() -> None:
    x = (2020 * 12 + np.arange(2)) / 12.0
    svg = chart_svg(
        "t", x, [], (x[0], x[-1]), markers=[Marker(2030.0, "late"), Marker(x[0], "<b>")]
    )
    assert _titles(svg, "marker") == ["January 2020: <b>"]  # parsed back from &lt;b&gt;


def test_value_and_month_formats() -> None:
    assert [format_value(v) for v in (12345.6, 3.25, 0.456, 7.0, float("nan"))] == [
        "12,346",
        "3.25",
        "0.46",
        "7",
        "n/a",
    ]
    assert month_of(2021 + 2 / 12) == "March 2021"
    values = np.array([12345.6, 3.25, 0.456, 7.0, float("nan"), -150.2, float("inf"), 10.04])
    assert format_values(values) == [format_value(float(v)) for v in values]


def test_policy_markers_date_the_historical_policies_in_plain_words() -> None:
    markers = policy_markers(load_scenario(ROOT / "scenarios" / "historical.yaml"))
    texts = {month_of(m.x): m.text for m in markers}
    assert "Wagner deployment" in texts["December 2021"]
    assert any("Donors suspend aid" in t for t in texts.values())
    assert all("_" not in t for t in texts.values())
    assert [m.x for m in markers] == sorted(m.x for m in markers)


@pytest.fixture(scope="module")
def short_run():
    scenario = scenario_from_dict(
        {"name": "s", "start": "2019-01", "end": "2019-06", "params": {"n_civilian_agents": 2000}}
    )
    model = build_model(scenario, 3)
    for _ in range(4):
        model.step()
    yield model
    model.release()


def test_running_totals_sum_counts_and_keep_the_last_stock(short_run) -> None:
    h = national_history(short_run)
    totals = running_totals(h)
    assert totals["killed"] == pytest.approx(float(np.sum(h["civilian_fatalities"])))
    assert totals["idps"] == pytest.approx(float(h["idps"][-1]))
    text = totals_html(h, h)
    assert f"<b>{totals['killed']:,.0f}</b> civilians killed so far" in text
    assert "(baseline" in text and "+0)" in text
    assert "(baseline" not in totals_html(h, None)


def test_charts_draw_the_baseline_as_dashed_lines(short_run) -> None:
    h = national_history(short_run)
    plain = outcome_charts(h, short_run.start_month, short_run.end_month)
    compared = outcome_charts(h, short_run.start_month, short_run.end_month, baseline=h)
    for name, _ in CHARTS:
        assert "baseline" not in plain[name]
        assert "baseline" in compared[name], name
        assert compared[name].count("stroke-dasharray") > plain[name].count("stroke-dasharray")


def test_the_run_exports_as_csv_and_parquet(short_run) -> None:
    csv = pd.read_csv(io.BytesIO(run_csv(short_run)))
    parquet = pd.read_parquet(io.BytesIO(run_parquet(short_run)))
    assert len(csv) == len(parquet) > 0
    assert {"date", "region", "civilian_fatalities", "idps"} <= set(csv.columns)
    national = parquet[parquet["region"] == "Mali"]
    assert len(national) == 4  # the months run so far
    np.testing.assert_allclose(
        national["civilian_fatalities"].to_numpy(),
        national_history(short_run)["civilian_fatalities"],
    )
    np.testing.assert_allclose(csv["idps"].to_numpy(), parquet["idps"].to_numpy(), rtol=1e-9)


def test_the_baseline_is_the_same_seed_without_the_changed_levers(tmp_path) -> None:
    path = tmp_path / "short.yaml"
    path.write_text(
        "name: short\nstart: 2019-01\nend: 2019-12\nparams: {n_civilian_agents: 2000}\n"
        "policies:\n  - {type: wagner_deployment, start: 2019-02, personnel: 3000}\n",
        encoding="utf-8",
    )
    sess = Session(str(path))
    try:
        sess.step(3)
        same = sess.baseline_history()
        assert same is not None and len(same["month"]) == 3  # no lever changed: the run itself
        np.testing.assert_array_equal(same["idps"], national_history(sess.model)["idps"])
        # Wagner off: the baseline keeps Wagner, with the same seed
        key = (sess.initial, 1, sess.initial_levers.replace(wagner_on=False))
        model, scenario = sess.build(key)
        for _ in range(3):
            model.step()
        sess.model, sess.scenario, sess.key, sess.steps = model, scenario, key, 3
        base = sess.baseline_history()
        assert base is not None and len(base["month"]) == 3
        assert (
            base["troops_wagner"].max() > 0 and national_history(model)["troops_wagner"].max() == 0
        )
        reference = build_model(load_scenario(path), 1)
        for _ in range(3):
            reference.step()
        np.testing.assert_allclose(base["idps"], national_history(reference)["idps"])
        reference.release()
        sess.step(2)
        assert len(sess.baseline_history()["month"]) == 5  # stepped on with the run
    finally:
        sess.close()
    assert sess.baseline_history() is None


def test_zooming_in_shows_only_the_months_of_the_window() -> None:
    """A window of one year keeps that year's twelve hover columns and its markers only."""
    scenario = scenario_from_dict(
        {"name": "z", "start": "2019-01", "end": "2020-12", "params": {"n_civilian_agents": 2000}}
    )
    model = build_model(scenario, 5)
    try:
        for _ in range(24):
            model.step()
        h = national_history(model)
        start, end = model.start_month, model.end_month
        markers = (Marker((start + 3) / 12.0, "early"), Marker((start + 15) / 12.0, "late"))
        whole = outcome_charts(h, start, end, markers)
        zoomed = outcome_charts(h, start, end, markers, window=(start + 12, start + 23))
        for name, _ in CHARTS:
            months = [t.split("\n")[0] for t in _titles(zoomed[name], "hover")]
            assert len(_titles(whole[name], "hover")) == 24, name
            assert months[0].startswith("January 2020") and months[-1].startswith("December 2020")
            assert len(months) == 12, name
            assert "late" in zoomed[name] and "early" not in zoomed[name], name
        # the y axis scales to the values shown: the zoomed IDP line's values are 2020's
        assert zoomed["displaced"] != whole["displaced"]
        # a window beyond the run is clipped to it
        clipped = outcome_charts(h, start, end, markers, window=(start - 50, end + 50))
        assert clipped == whole
    finally:
        model.release()


def test_a_chart_redrawn_each_month_is_the_chart_drawn_afresh() -> None:
    """The hover columns kept from the last redraw (svgchart._HOVER_CACHE) change no text."""
    from malisim.app import svgchart

    scenario = scenario_from_dict(
        {"name": "s", "start": "2019-01", "end": "2019-12", "params": {"n_civilian_agents": 2000}}
    )
    model = build_model(scenario, 5)
    markers = (Marker(2019 + 3 / 12, "a & b"), Marker(2019 + 7 / 12, "c"))
    try:
        for month in range(8):
            model.step()
            h = national_history(model)
            redrawn = outcome_charts(h, model.start_month, model.end_month, markers)
            if month == 4:  # another chart under the same names in between: drawn in full
                outcome_charts(h, model.start_month, model.end_month)
            svgchart._HOVER_CACHE.clear()
            afresh = outcome_charts(h, model.start_month, model.end_month, markers)
            assert redrawn == afresh
            # and the same month again: every column comes from the last redraw
            assert outcome_charts(h, model.start_month, model.end_month, markers) == afresh
        # a changed value in a past month is drawn, not taken from the last redraw
        h = {k: np.array(v, copy=True) for k, v in h.items()}
        h["idps"][2] += 12345.0
        changed = outcome_charts(h, model.start_month, model.end_month, markers)
        svgchart._HOVER_CACHE.clear()
        assert changed == outcome_charts(h, model.start_month, model.end_month, markers)
    finally:
        model.release()


def test_civilian_deaths_by_cell_add_up_the_whole_log_as_it_grows() -> None:
    """The per-cell sum kept between months equals the sum over the whole event log."""
    from malisim.app.render import civilian_deaths_by_cell

    scenario = scenario_from_dict(
        {"name": "s", "start": "2019-01", "end": "2019-12", "params": {"n_civilian_agents": 2000}}
    )
    model = build_model(scenario, 7)
    try:
        for _ in range(6):
            model.step()
            frame = model.events.to_frame()
            expected = np.zeros(model.grid.n_cells)
            batches = model.events._batches
            if batches:
                cells = np.concatenate([b["cell"] for b in batches])
                civ = np.concatenate([b["civ"] for b in batches])
                expected = np.bincount(cells, weights=civ, minlength=model.grid.n_cells)
            got = civilian_deaths_by_cell(model)
            np.testing.assert_array_equal(got, expected)  # integer counts: exact
            assert got.sum() == frame["fatalities_civilian"].sum()
            got[:] = -1.0  # the caller's copy: the kept sum is not changed through it
            np.testing.assert_array_equal(civilian_deaths_by_cell(model), expected)
        # a log whose batches were replaced (same length) is summed again, not from the memo
        batches = model.events._batches
        last = dict(batches[-1], civ=batches[-1]["civ"] + 1)
        batches[-1] = last
        cells = np.concatenate([b["cell"] for b in batches])
        civ = np.concatenate([b["civ"] for b in batches])
        expected = np.bincount(cells, weights=civ, minlength=model.grid.n_cells)
        np.testing.assert_array_equal(civilian_deaths_by_cell(model), expected)
    finally:
        model.release()
