"""The page's "Parameters" choice: the shipped posterior's median or draw N, as ``malisim run``.

A draw picked on the page must give the run ``malisim run --posterior N`` gives with the same
seed, and the scenario file the page saves must reproduce it without the posterior.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from malisim.app.render import national_history
from malisim.app.session import Session
from malisim.app.settings import (
    levers_from_scenario,
    posterior_changes,
    resolve_levers,
    scenario_dict,
    scenario_yaml,
)
from malisim.cli.main import main
from malisim.cli.run import with_posterior
from malisim.core.errors import UserError
from malisim.scenario.runner import build_model

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"


@pytest.fixture(scope="module")
def base():
    return Session(str(HISTORICAL)).base("historical")


def _history(scenario, seed: int, months: int) -> dict:
    model = build_model(scenario, seed)
    for _ in range(months):
        model.step()
    out = national_history(model)
    model.release()
    return out


@pytest.mark.parametrize("which", ["median", "3"])
def test_page_choice_gives_the_run_of_malisim_run_posterior(base, which) -> None:
    page = resolve_levers(base, levers_from_scenario(base).replace(parameters=which))
    cli = with_posterior(base, which, None, [])
    assert page.parameters == cli.parameters
    # the same values and seed: the same monthly series, exactly (no tolerance needed)
    assert repr(_history(page, 5, 6)) == repr(_history(cli, 5, 6))
    changed, label = posterior_changes(base, which)
    assert changed and label.startswith("posterior")
    calibrated = resolve_levers(base, levers_from_scenario(base))
    assert any(getattr(calibrated.parameters, k) != v for k, v in changed.items())


def test_saved_file_reproduces_the_draw_and_names_it(base, tmp_path: Path) -> None:
    lev = levers_from_scenario(base).replace(parameters="3")
    data = scenario_dict(base, lev, seed=5)
    assert "posterior draw 3" in data["description"]
    saved = tmp_path / "mine.yaml"
    saved.write_text(scenario_yaml(data, 5), encoding="utf-8")
    args = ["--seed", "5", "--end", "2019-06", "--overwrite"]
    assert main(["run", str(saved), "--out", str(tmp_path / "a"), *args]) == 0
    assert (
        main(["run", str(HISTORICAL), "--posterior", "3", "--out", str(tmp_path / "b"), *args]) == 0
    )
    a = pd.read_parquet(tmp_path / "a" / "series.parquet")
    b = pd.read_parquet(tmp_path / "b" / "series.parquet")
    pd.testing.assert_frame_equal(a, b)


def test_a_row_outside_the_posterior_is_refused_in_words(base) -> None:
    with pytest.raises(UserError, match="not in the posterior") as err:
        posterior_changes(base, "100000")
    assert err.value.key == "parameters"
    # the page names the shipped posterior in plain words, never its path inside the package
    assert "of the shipped posterior" in str(err.value)
    assert ".parquet" not in str(err.value)
    assert posterior_changes(base, "calibrated") == ({}, "calibrated point")


def test_the_page_shows_the_draw_and_names_it_in_the_export(monkeypatch) -> None:
    solara = pytest.importorskip("solara", reason="the viz extra is part of .[dev]")
    import ipyvuetify as v

    from malisim.app import page
    from malisim.app.download_widget import RunDownload

    def classes(w) -> list[str]:
        text = getattr(w, "attributes", {}).get("class", "") or getattr(w, "class_", "") or ""
        return text.split()

    monkeypatch.setenv(page.SCENARIO_ENV, str(HISTORICAL))
    _box, rc = solara.render(page.Page(), handle_error=False)
    try:
        (choice,) = [w for w in rc.find(v.Select).widgets if "malisim-parameters-choice" in
                     classes(w)]  # fmt: skip
        choice.v_model = "posterior draw"
        boxes = [w for w in rc.find(v.TextField).widgets if "malisim-draw" in classes(w)]
        assert len(boxes) == 1
        boxes[0].v_model = "3"
        boxes[0].fire_event("keyup.enter", {})
        notes = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
                 if "malisim-draw-values" in classes(w)]  # fmt: skip
        assert len(notes) == 1 and notes[0].startswith("posterior draw 3 changes:"), notes
        names = {w.filename for w in rc.find(RunDownload).widgets}
        assert "historical_run_seed1_posterior_3.csv" in names, names
    finally:
        rc.close()
