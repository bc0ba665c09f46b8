"""Sensitivity analysis and scenario discovery: estimators on known answers, errors, end to end.

* Sobol indices of the Ishigami function against the analytical values;
* Morris ranks the inputs of a function with known effects in the right order;
* PRIM finds a box planted in synthetic data (and CART splits on the same inputs);
* each user error (unknown parameter, range outside the schema, sample too small, outcome not
  in the results) is a clear UserError and exit status 2 on the command line;
* a tiny analysis (1,000 agents, one year) through the batch machinery, resumed, analysed,
  discovered and rendered.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from malisim.core.errors import UserError
from malisim.sensitivity import (
    analyse_results,
    load_sensitivity,
    morris_indices,
    run_sensitivity,
    sample_matrix,
    sobol_indices,
)
from malisim.sensitivity.discover import discover, discover_frame, parse_where
from malisim.sensitivity.report import sensitivity_section
from malisim.sensitivity.spec import salib_problem

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"

TINY = f"""\
name: tiny
scenario: {HISTORICAL}
start: 2019-01
end: 2019-12
params: {{n_civilian_agents: 1000}}
method: morris
n: 4
levels: 4
replicates: 2
seed: 5
bootstrap: 50
parameters:
  state_abuse_rate: [0.5, 5.0]
  jnim_abuse_rate: bounds
outcomes: [civilian_fatalities_total, idps_end]
"""


def _write(tmp_path: Path, text: str, name: str = "sens.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- estimators on functions with known answers ------------------------------------------------


def test_sobol_ishigami_matches_analytical_values() -> None:
    a, b = 7.0, 0.1
    problem = salib_problem({f"x{i}": (-np.pi, np.pi) for i in (1, 2, 3)})
    x = sample_matrix(problem, "sobol", 4096, seed=11)
    y = np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])
    table = sobol_indices(problem, {"ishigami": y}, bootstrap=200, seed=3).set_index("parameter")
    s1 = table.loc[["x1", "x2", "x3"], "S1"].to_numpy()
    st = table.loc[["x1", "x2", "x3"], "ST"].to_numpy()
    np.testing.assert_allclose(s1, [0.314, 0.442, 0.0], atol=0.03)
    np.testing.assert_allclose(st, [0.558, 0.442, 0.244], atol=0.03)
    assert (table["ST_conf"] > 0).all() and (table["ST_conf"] < 0.05).all()
    assert list(table.sort_values("rank").index) == ["x1", "x2", "x3"]


def test_morris_ranks_inputs_in_known_order() -> None:
    ranges = {"a": (0.0, 1.0), "b": (0.0, 1.0), "c": (0.0, 1.0), "d": (0.0, 1.0), "e": (0, 1)}
    problem = salib_problem(ranges)
    x = sample_matrix(problem, "morris", 20, levels=4, seed=2)
    # effects 10 > 5 (non-linear) > 2 > 0.5 > 0; c and d interact
    y = 10 * x[:, 0] + 5 * x[:, 1] ** 2 + 2 * x[:, 2] * (0.5 + x[:, 3]) + 0.0 * x[:, 4]
    table = morris_indices(problem, x, {"y": y, "neg": -y}, levels=4, bootstrap=100, seed=1)
    for outcome in ("y", "neg"):
        rows = table[table["outcome"] == outcome].sort_values("rank")
        assert list(rows["parameter"]) == ["a", "b", "c", "d", "e"]
    rows = table[table["outcome"] == "y"].set_index("parameter")
    assert rows.loc["a", "mu_star"] == pytest.approx(10.0)
    assert rows.loc["a", "sigma"] == pytest.approx(0.0, abs=1e-9)  # linear: no spread
    assert rows.loc["e", "mu_star"] == pytest.approx(0.0, abs=1e-12)
    assert rows.loc["b", "sigma"] > 0  # non-linear


def test_prim_finds_planted_box() -> None:
    rng = np.random.default_rng(42)
    x = pd.DataFrame(rng.uniform(0, 1, (2000, 5)), columns=[f"p{i}" for i in range(5)])
    inside = (x["p1"] > 0.6) & (x["p3"] < 0.35)
    noise = rng.random(2000) < 0.03  # a few cases outside the box
    value = np.where(inside | noise, 100.0, 0.0) + rng.random(2000)
    res = discover_frame(x, value, "y", "> 50")
    assert res.boxes, res.format()
    box = res.boxes[0]
    assert box.coverage > 0.85 and box.density > 0.85
    lim = box.limits.set_index("parameter")
    assert set(lim.index) == {"p1", "p3"}
    assert lim.loc["p1", "low"] == pytest.approx(0.6, abs=0.04)
    assert lim.loc["p3", "high"] == pytest.approx(0.35, abs=0.04)
    assert "p1" in res.cart_text and "p3" in res.cart_text
    assert res.cart_accuracy > 0.9
    # quantile conditions
    res_q = discover_frame(x, value, "y", ">= q90")
    assert res_q.n_cases == pytest.approx(200, abs=2)


def test_prim_uses_the_scenario_as_a_policy_lever() -> None:
    rng = np.random.default_rng(1)
    names = ["historical", "no_wagner", "france_stays", "no_sanctions"]
    x = pd.DataFrame({"a": rng.random(1200), "scenario": pd.Categorical(rng.choice(names, 1200))})
    bad = (x["a"] > 0.5) & x["scenario"].isin(["historical", "no_sanctions"])
    res = discover_frame(x, bad.to_numpy(float) + 0.01 * rng.random(1200), "y", "> 0.5")
    lim = res.boxes[0].limits.set_index("parameter")
    assert lim.loc["scenario", "values"] == "historical, no_sanctions"
    assert lim.loc["a", "low"] == pytest.approx(0.5, abs=0.02)


def test_shipped_analysis_loads() -> None:
    cfg = load_sensitivity(ROOT / "experiments" / "sensitivity.yaml")
    assert len(cfg.ranges) >= 8 and cfg.scenario.name == "historical"
    assert (cfg.scenario.start, cfg.scenario.end) == ("2019-01", "2026-12")
    assert cfg.n_runs <= 1000  # about 1 s of CPU per run: well within 30 min on two cores
    assert {"civilian_fatalities_total", "idps_end", "gdp_index_end"} <= set(cfg.outcomes)
    sobol = load_sensitivity(ROOT / "experiments" / "sensitivity_sobol.yaml")
    assert sobol.method == "sobol" and sobol.n_runs <= 1000


def test_parse_where() -> None:
    assert parse_where("> q90").quantile == 90
    assert parse_where(">=1,500").value == 1500
    assert parse_where("< 2e3").op == "<"
    for bad in ("q90", "> q100", "~ 3", "> x"):
        with pytest.raises(UserError):
            parse_where(bad)


# --- errors ----------------------------------------------------------------------------------


def test_unknown_parameter_with_suggestion(tmp_path: Path) -> None:
    path = _write(tmp_path, TINY.replace("state_abuse_rate: [0.5", "state_abuse_rat: [0.5"))
    with pytest.raises(UserError) as info:
        load_sensitivity(path)
    text = str(info.value)
    assert "unknown parameter" in text and "did you mean 'state_abuse_rate'" in text
    assert f"{path}:" in text and "parameters.state_abuse_rat" in text


def test_range_outside_schema_bounds(tmp_path: Path) -> None:
    path = _write(tmp_path, TINY.replace("[0.5, 5.0]", "[0.5, 50.0]"))
    with pytest.raises(UserError) as info:
        load_sensitivity(path)
    text = str(info.value)
    assert "outside the schema's bounds" in text and "allowed: a range within 0 to 10" in text


def test_sample_too_small(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="too small for the Morris method"):
        load_sensitivity(_write(tmp_path, TINY.replace("n: 4", "n: 2")))
    sobol = TINY.replace("method: morris", "method: sobol")
    with pytest.raises(UserError, match="too small for the Sobol method"):
        load_sensitivity(_write(tmp_path, sobol.replace("n: 4", "n: 8")))
    with pytest.raises(UserError, match="power of two"):
        load_sensitivity(_write(tmp_path, sobol.replace("n: 4", "n: 100")))


def test_unknown_outcome_in_file(tmp_path: Path) -> None:
    path = _write(tmp_path, TINY.replace("idps_end]", "idps_ends]"))
    with pytest.raises(UserError, match=r"unknown outcome 'idps_ends'.*did you mean 'idps_end'"):
        load_sensitivity(path)


def test_cli_error_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from malisim.cli.main import main

    path = _write(tmp_path, TINY.replace("n: 4", "n: 1"))
    assert main(["sensitivity", str(path), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "too small" in err and "Traceback" not in err
    assert main(["sensitivity", str(_write(tmp_path, TINY)), "--out", "x", "--dry-run"]) == 0


# --- end to end ------------------------------------------------------------------------------


@pytest.mark.slow
def test_tiny_analysis_end_to_end(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from malisim.cli.main import main

    out = tmp_path / "res"
    first = run_sensitivity(_write(tmp_path, TINY), out, executor="serial", progress="none")
    report, result = first["batch"], first["analysis"]
    assert report.complete and report.done == 4 * 3 * 2 and report.failed == 0
    assert set(result.table["parameter"]) == {"state_abuse_rate", "jnim_abuse_rate"}
    assert list(result.outcomes) == ["civilian_fatalities_total", "idps_end"]
    assert set(result.noise) == {"civilian_fatalities_total", "idps_end"}
    for name in ("indices.csv", "indices.parquet", "morris_idps_end.png", "morris_overview.png"):
        assert (out / "sensitivity" / name).is_file()
    # resuming runs nothing again and gives the same indices
    again = run_sensitivity(
        _write(tmp_path, TINY), out, executor="serial", progress="none", resume=True
    )
    assert again["batch"].ran == 0
    pd.testing.assert_frame_equal(again["analysis"].table, result.table)
    # outcome not in the results
    with pytest.raises(UserError, match=r"not in the results.*did you mean 'idps_end'"):
        analyse_results(out, ["idps_ed"])
    with pytest.raises(UserError, match="not in the results"):
        discover(out, "nonsense_total", "> q90")
    assert main(["discover", str(out), "--outcome", "idps_ed", "--where", "> q90"]) == 2
    assert "error: " in capsys.readouterr().err
    # scenario discovery and the report fragment
    assert (
        main(
            [
                "discover",
                str(out),
                "--outcome",
                "civilian_fatalities_total",
                "--where",
                "> q75",
                "--mass-min",
                "0.1",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "PRIM boxes" in printed and "CART tree" in printed
    folder = out / "discovery" / "civilian_fatalities_total"
    assert (folder / "boxes.csv").is_file() and (folder / "prim_trajectory.png").is_file()
    html = sensitivity_section(out)
    assert html is not None and "Which assumptions matter" in html
    assert "Scenario discovery" in html and "data:image/png;base64," in html
    assert sensitivity_section(tmp_path) is None


@pytest.mark.slow
def test_tiny_sobol_analysis_end_to_end(tmp_path: Path) -> None:
    text = (
        TINY.replace("method: morris", "method: sobol")
        .replace("n: 4", "n: 16")
        .replace("replicates: 2", "replicates: 1")
        .replace("end: 2019-12", "end: 2019-06")
    )
    out = run_sensitivity(
        _write(tmp_path, text), tmp_path / "res", executor="serial", progress="none"
    )
    assert out["batch"].done == 16 * (2 + 2)
    table = out["analysis"].table
    assert list(table.columns[:4]) == ["outcome", "parameter", "rank", "S1"]
    assert table[["S1", "ST", "S1_conf", "ST_conf"]].notna().all().all()
    assert (tmp_path / "res" / "sensitivity" / "sobol_idps_end.png").is_file()
    with pytest.raises(UserError, match="no run has"):
        discover(tmp_path / "res", "idps_end", "> 1e12")


def test_a_fixed_constant_may_be_varied_by_a_sensitivity_analysis(tmp_path: Path) -> None:
    # modelling constants are declared parameters (fixed=True), so an analysis can name them
    from malisim.model.parameters import parameter_specs

    spec = parameter_specs()["civilian_exposure_population"]
    assert spec.fixed
    text = TINY.replace("  jnim_abuse_rate: bounds\n", "  civilian_exposure_population: bounds\n")
    cfg = load_sensitivity(_write(tmp_path, text))
    assert "civilian_exposure_population" in cfg.ranges


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "[" * 100_000 + "]" * 100_000, ""])
def test_a_damaged_spec_is_one_error_naming_the_file(tmp_path: Path, content: str) -> None:
    from malisim.sensitivity.spec import SENSITIVITY_DIR, SPEC_FILE, read_spec

    spec = tmp_path / SENSITIVITY_DIR / SPEC_FILE
    spec.parent.mkdir()
    spec.write_text(content, encoding="utf-8")
    with pytest.raises(UserError) as info:
        read_spec(tmp_path)
    assert "spec.json" in str(info.value)
