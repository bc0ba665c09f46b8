"""The page's words: plain labels, no identifiers or file references, the Info tab, the date.

Plain Python for the texts (:mod:`malisim.app.texts`, :mod:`malisim.app.settings`), and the
page rendered in-process (Solara's test renderer) for what actually reaches the page.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from malisim.app.settings import (
    Levers,
    available_scenarios,
    lever_info,
    lever_value_text,
    load_base,
    scenario_dict,
    source_keys,
)
from malisim.app.texts import (
    INFO_SECTIONS,
    POLICY_NAMES,
    info_html,
    month_label,
    other_policies,
    plain_description,
    policy_name,
)
from malisim.core.sources import REFERENCES
from malisim.policies import POLICY_REGISTRY
from malisim.scenario import scenario_from_dict
from malisim.scenario.runner import build_model

ROOT = Path(__file__).resolve().parents[1]

#: What must not reach the page: identifiers (policy types, parameter names), file paths and
#: internal seed documents' numbers.
RAW = re.compile(
    r"\b[a-z]+_[a-z0-9_]+\b|\b(?:shared|docs|src)/|\.md\b|\.py\b|\bseed \d{3}\b|\bS0\d\d\b"
)


def _raw(text: str) -> list[str]:
    return RAW.findall(text)


def test_every_lever_text_is_plain_words() -> None:
    for key, info in lever_info().items():
        for text in (info.label, info.unit, info.tooltip):
            assert not _raw(text), (key, _raw(text), text)


def test_levers_cite_sources_by_bibliography_key() -> None:
    keys = {r.key for r in REFERENCES}
    tip = lever_info()["wagner_on"].tooltip
    cited = tip.split("Sources: ", 1)[1].rstrip(".").split(", ")
    assert cited and set(cited) <= keys, cited
    assert source_keys("no document says so (assumption)") == "an assumption of the model"
    assert source_keys("nothing cited") == ""


def test_every_policy_type_has_a_plain_name() -> None:
    assert set(POLICY_NAMES) == set(POLICY_REGISTRY)
    for kind in POLICY_REGISTRY:
        assert not _raw(policy_name(kind)), kind


@pytest.mark.parametrize("name", sorted(available_scenarios()))
def test_shipped_scenarios_read_in_plain_words(name: str) -> None:
    base = load_base(available_scenarios()[name])
    for text in [plain_description(base.description), *other_policies(base)]:
        assert not _raw(text), (name, _raw(text), text)


def test_descriptions_lose_references_to_the_projects_files() -> None:
    text = "Fitted values (posterior medians; see docs/calibration.md), from history."
    assert plain_description(text) == "Fitted values (posterior medians), from history."
    assert plain_description("As documented (shared/domain.md, seed 002) here.") == (
        "As documented here."
    )
    assert plain_description("  two\n lines  ") == "two lines"


def test_other_policies_name_dates_in_words() -> None:
    base = load_base(available_scenarios()["historical"])
    items = other_policies(base)
    assert "Donors suspend aid (World Bank and AfDB): April 2022 to July 2022" in items
    assert "Mali leaves ECOWAS: from January 2025" in items


def test_the_accord_level_says_what_zero_means() -> None:
    assert lever_value_text("accord_level", 0.0) == "0: the accord is ended"
    assert lever_value_text("accord_level", 1.0) == "1: fully implemented"
    assert lever_value_text("accord_level", 0.8) == "0.80 of full implementation"
    assert lever_value_text("accord_start", "2024-01") == "January 2024"
    info = lever_info()
    assert "0 (the accord is ended" in info["accord_on"].tooltip
    assert "0 = ended" in info["accord_level"].unit


def test_the_info_tab_says_what_the_model_is_and_is_not_and_lists_sources() -> None:
    page = info_html()
    headings = [h for h, _ in INFO_SECTIONS]
    assert headings == [
        "What the model is",
        "What the model is not",
        "How to read the map and the charts",
    ]
    assert "not a forecast" in page
    for ref in REFERENCES:
        assert f"<dt>{ref.key}</dt>" in page
    assert not _raw(re.sub(r"https?://\S+", "", re.sub(r"<[^>]+>", " ", page)))


def test_the_first_step_moves_the_date() -> None:
    scenario = scenario_from_dict(
        {"name": "t", "start": "2019-01", "end": "2019-03", "params": {"n_civilian_agents": 2000}}
    )
    with build_model(scenario, 1) as model:
        assert month_label(model) == "1 January 2019"
        model.step()
        assert month_label(model) == "31 January 2019"
        model.step()
        assert month_label(model) == "28 February 2019"


def test_nothing_raw_reaches_the_rendered_page(monkeypatch) -> None:
    solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")
    import ipyvuetify as v

    from malisim.app import page

    monkeypatch.setenv(page.SCENARIO_ENV, str(ROOT / "scenarios" / "historical.yaml"))
    _box, rc = solara.render(page.Page(), handle_error=False)
    try:

        def cls(w) -> str:
            return (w.attributes or {}).get("class", "") or getattr(w, "class_", "") or ""

        texts = []
        for w in rc.find(solara.widgets.HTML).widgets:
            if "malisim-map-box" in cls(w) or "chart" in cls(w):
                continue  # SVG markup: its class names are not text
            inner = re.sub(r"<[^>]+>", " ", w.unsafe_innerHTML)
            texts += [inner, (w.attributes or {}).get("title", "")]
        texts += [str(w.label) for w in rc.find(v.Switch).widgets]
        texts += [c for w in rc.find(v.Btn).widgets for c in w.children if isinstance(c, str)]
        found = [(t[:80], _raw(t)) for t in texts if _raw(re.sub(r"https?://\S+", "", t))]
        assert not found, found
        # the Info tab: shown on picking it, and the levers are kept
        (tabs,) = [w for w in rc.find(v.BtnToggle).widgets if "malisim-tabs" in w.class_]
        tabs.v_model = 1
        info = [w for w in rc.find(solara.widgets.HTML).widgets if "malisim-info-tab" in cls(w)]
        assert info and "What the model is not" in info[0].unsafe_innerHTML
        tabs.v_model = 0
        assert not [w for w in rc.find(solara.widgets.HTML).widgets if "malisim-info-tab" in cls(w)]
    finally:
        rc.close()


def test_scenario_saved_from_levers_keeps_the_accord_at_zero() -> None:
    base = load_base(available_scenarios()["historical"])
    data = scenario_dict(base, Levers(accord_on=True, accord_start="2024-01", accord_level=0.0))
    accord = [p for p in data["policies"] if p["type"] == "accord_implementation"]
    assert accord and accord[0]["level"] == 0.0 and accord[0]["start"] == "2024-01"
