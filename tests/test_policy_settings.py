"""Policy settings as the one place for a quantity: ``--set`` and sweeps by path.

A parameter that a scenario's policy sets (``wagner_personnel`` under ``wagner_deployment``,
``ecowas_sanctions``, ``dialogue_intensity``, ``accord_implementation``) is refused by ``--set``,
an experiment's ``params`` and sweeps, naming the policy and the setting to change instead;
``policies.<type>.<setting>`` reaches the setting, dates included. The end-to-end test sweeps
``policies.wagner_deployment.personnel`` and ``policies.french_withdrawal.drawdown_start`` in a
batch and checks the direction of the outcomes with paired seeds.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from malisim.cli.main import main
from malisim.core.errors import UserError
from malisim.experiment import load_experiment, load_results, run_experiment
from malisim.policies import POLICY_REGISTRY
from malisim.scenario import resolve_scenario, scenario_from_dict
from malisim.scenario.settings import controlling_policies, policy_setting

ROOT = Path(__file__).resolve().parents[1]
HISTORICAL = ROOT / "scenarios" / "historical.yaml"


def error_of(path: Path | None, overrides: list[str]) -> str:
    with pytest.raises(UserError) as info:
        resolve_scenario(path, overrides)
    return str(info.value)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ the trap


@pytest.mark.parametrize(
    ("parameter", "policy", "path"),
    [
        ("wagner_personnel", "wagner_deployment", "policies.wagner_deployment.personnel"),
        ("ecowas_sanctions", "ecowas_sanctions", "policies.ecowas_sanctions[0].intensity"),
        ("accord_implementation", "accord_implementation", "policies.accord_implementation.level"),
        ("minusma_mobility", "minusma_restrictions", "policies.minusma_restrictions.mobility"),
    ],
)
def test_set_of_a_policy_controlled_parameter_is_refused(parameter, policy, path):
    message = error_of(HISTORICAL, [f"{parameter}=0.5"])
    assert message.startswith(f"--set: params.{parameter}: {parameter} is set by the scenario's "
                              f"{policy} policy")  # fmt: skip
    assert f"--set {path}=0.5" in message
    assert f"exclude_policies: [{policy}]" in message


def test_dialogue_intensity_is_refused_under_a_dialogue(tmp_path):
    scenario = write(
        tmp_path / "talks.yaml",
        """
        name: talks
        policies:
          - {type: jihadist_dialogue, start: 2020-01, intensity: 0.3}
        """,
    )
    message = error_of(scenario, ["params.dialogue_intensity=0.8"])
    assert "set by the scenario's jihadist_dialogue policy (start 2020-01)" in message
    assert "--set policies.jihadist_dialogue.intensity=0.8" in message
    # without the policy the parameter is the scenario's own
    assert resolve_scenario(None, ["dialogue_intensity=0.8"]).parameters.dialogue_intensity == 0.8


def test_set_is_allowed_where_no_policy_controls_the_parameter():
    no_wagner = resolve_scenario(ROOT / "scenarios" / "no_wagner.yaml", ["wagner_personnel=2000"])
    assert no_wagner.parameters.wagner_personnel == 2000
    # an unset optional setting controls nothing: wagner_power stays the scenario's
    assert resolve_scenario(HISTORICAL, ["wagner_power=3"]).parameters.wagner_power == 3


def test_every_declared_control_names_a_parameter_and_a_setting():
    from malisim.model.parameters import Parameters

    for cls in POLICY_REGISTRY.values():
        for parameter, setting in cls.controls.items():
            assert parameter in Parameters.model_fields, (cls.policy_type, parameter)
            assert setting in cls.model_fields, (cls.policy_type, setting)


def test_multiplying_schedule_controls_nothing_but_an_absolute_one_does():
    scn = scenario_from_dict(
        {
            "name": "s",
            "policies": [
                {"type": "parameter_schedule", "parameter": "air_support", "start": "2020-01",
                 "value": 0.5, "mode": "multiply"},
                {"type": "parameter_schedule", "parameter": "eu_training", "start": "2020-01",
                 "value": 0.0},
            ],
        }
    )  # fmt: skip
    controlled = controlling_policies(scn)
    assert "air_support" not in controlled
    assert controlled["eu_training"][0][2] == "policies.parameter_schedule[1].value"


def test_cli_run_refuses_the_trap_with_one_line(tmp_path, capsys):
    code = main(["run", str(HISTORICAL), "--set", "wagner_personnel=2000", "--out",
                 str(tmp_path / "out")])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 2
    assert "wagner_deployment policy" in err and "policies.wagner_deployment.personnel" in err
    assert not (tmp_path / "out").exists()


# ------------------------------------------------------------------------ --set by path


def test_set_reaches_policy_settings_dates_included():
    scn = resolve_scenario(
        HISTORICAL,
        [
            "policies.wagner_deployment.personnel=2000",
            "policies.french_withdrawal.drawdown_start=2022-05",
            "policies.ecowas_sanctions[1].end=2022-03",
        ],
    )
    assert policy_setting(scn, "policies.wagner_deployment.personnel") == 2000
    assert policy_setting(scn, "policies.french_withdrawal.drawdown_start") == "2022-05"
    assert policy_setting(scn, "policies.ecowas_sanctions[1].end") == "2022-03"
    assert policy_setting(scn, "policies.ecowas_sanctions[0].end") == "2020-10"  # untouched
    # the parameter stays the scenario's value: one place for the quantity
    assert scn.parameters.wagner_personnel == 0
    # and the change survives the round trip of the resolved scenario (what a batch stores)
    again = scenario_from_dict(scn.to_dict())
    assert policy_setting(again, "policies.wagner_deployment.personnel") == 2000


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("policies.wagner_deployment.personel=1",
         "--set: policies.wagner_deployment.personel: unknown setting of policy "
         "'wagner_deployment'"),
        ("policies.wagner_deploy.personnel=1", "unknown policy type 'wagner_deploy'"),
        ("policies.wagner_deployment.personnel=9000", "9000 is out of range"),
        ("policies.french_withdrawal.drawdown_start=2022-09",
         "drawdown_end 2022-08 is before drawdown_start 2022-09 (policy french_withdrawal)"),
        ("policies.french_withdrawal.drawdown_end=2027-03",
         "2027-03 is outside the run (2019-01 to 2026-12)"),
        ("policies.ecowas_sanctions.start=2022-02",
         "scenario 'historical' has 2 'ecowas_sanctions' policies: say which"),
        ("policies.ecowas_sanctions[2].start=2022-02", "allowed: an index from 0 to 1"),
        ("policies.jihadist_dialogue.start=2022-02",
         "scenario 'historical' has no 'jihadist_dialogue' policy"),
        ("policies.wagner_deployment=1", "not a policy setting path"),
    ],
)  # fmt: skip
def test_bad_policy_settings_are_located_at_the_set_key(override, expected):
    message = error_of(HISTORICAL, [override])
    assert message.startswith(f"--set: {override.split('=')[0]}: "), message
    assert expected in message


# ------------------------------------------------------------------ sweeps and samples


def experiment(tmp_path: Path, body: str, scenarios: str = "[scenarios/both.yaml]") -> Path:
    write(
        tmp_path / "scenarios" / "both.yaml",
        """
        name: both
        start: 2021-06
        end: 2023-06
        policies:
          - {type: wagner_deployment, start: 2021-08, personnel: 1500, ramp_months: 2}
          - {type: french_withdrawal, drawdown_start: 2022-02, drawdown_end: 2023-06}
        """,
    )
    write(tmp_path / "scenarios" / "calm.yaml", "name: calm\nstart: 2021-06\nend: 2023-06\n")
    head = f"name: acc\nscenarios: {scenarios}\nreplicates: 6\nseed: 5\n"
    head += "params: {n_civilian_agents: 2000}\n"
    return write(tmp_path / "exp.yaml", head + textwrap.dedent(body).lstrip("\n"))


def exp_error(path: Path) -> str:
    with pytest.raises(UserError) as info:
        load_experiment(path)
    return str(info.value)


def test_sweep_of_a_controlled_parameter_is_refused(tmp_path):
    path = experiment(tmp_path, "sweep:\n  grid: {wagner_personnel: [500, 3000]}\n")
    message = exp_error(path)
    assert message.startswith(f"{path}:7: sweep.grid.wagner_personnel: wagner_personnel is set "
                              "by the scenario's wagner_deployment policy")  # fmt: skip
    assert "policies.wagner_deployment.personnel in the sweep or sample" in message
    path = experiment(tmp_path, "")
    path.write_text(
        path.read_text().replace("{n_civilian_agents: 2000}", "{wagner_personnel: 500}")
    )
    assert "exp.yaml:5: params.wagner_personnel: wagner_personnel is set by" in exp_error(path)


def test_sweep_of_a_setting_is_checked_against_each_scenario(tmp_path):
    body = "sweep:\n  grid: {policies.wagner_deployment.personnel: [500]}\n"
    path = experiment(tmp_path, body, "[scenarios/both.yaml, scenarios/calm.yaml]")
    message = exp_error(path)
    assert "sweep.grid.policies.wagner_deployment.personnel: scenario 'calm' has no " in message
    body = "sweep:\n  points:\n    - {policies.french_withdrawal.drawdown_start: 2023-07}\n"
    message = exp_error(experiment(tmp_path, body))
    assert "sweep.points[0].policies.french_withdrawal.drawdown_start:" in message
    assert "drawdown_end 2023-06 is before drawdown_start 2023-07" in message
    body = "sweep:\n  grid: {policies.wagner_deployment.personnel: [500, 6000]}\n"
    message = exp_error(experiment(tmp_path, body))
    assert message.startswith(f"{tmp_path / 'exp.yaml'}:7: sweep.grid.policies.wagner_deployment"
                              ".personnel[1]: 6000 is not a valid personnel")  # fmt: skip
    assert "allowed: 0 to 5000 personnel" in message


def test_sample_over_a_date_and_a_setting(tmp_path):
    body = """
    sample:
      method: lhs
      n: 8
      seed: 3
      ranges:
        policies.french_withdrawal.drawdown_start: [2021-07, 2023-05]
        policies.wagner_deployment.personnel: bounds
        policies.wagner_deployment.ramp_months: [0, 12]
    """
    exp = load_experiment(experiment(tmp_path, body))
    starts = [p.params["policies.french_withdrawal.drawdown_start"] for p in exp.points]
    assert all("2021-07" <= s <= "2023-05" and len(s) == 7 for s in starts)
    assert len(set(starts)) == 8  # a Latin hypercube puts each draw in its own eighth
    ramps = [p.params["policies.wagner_deployment.ramp_months"] for p in exp.points]
    assert all(isinstance(r, int) and 0 <= r <= 12 for r in ramps)
    personnel = [p.params["policies.wagner_deployment.personnel"] for p in exp.points]
    assert all(0 <= v <= 5000 for v in personnel)
    design = exp.design_frame()
    assert design["policies.french_withdrawal.drawdown_start"].tolist()[:1] == starts[:1]
    assert design["policies.wagner_deployment.personnel"].dtype == "float64"
    bad = body.replace("[2021-07, 2023-05]", "[2023-05, 2021-07]")
    assert "2023-05 is not before 2021-07" in exp_error(experiment(tmp_path, bad))
    bad = body.replace("ramp_months: [0, 12]", "ramp_months: [0, 40]")
    assert "[0, 40] is outside the setting's bounds; allowed: a range within 0 to 36 months" in (
        exp_error(experiment(tmp_path, bad))
    )


def test_sweep_over_personnel_and_withdrawal_date_end_to_end(tmp_path):
    body = """
    keep: {series: false}
    sweep:
      grid:
        policies.wagner_deployment.personnel: [0, 3000]
        policies.french_withdrawal.drawdown_start: [2021-07, 2023-05]
    """
    exp = load_experiment(experiment(tmp_path, body))
    run_experiment(exp, tmp_path / "out", workers=1, progress="none")
    results = load_results(tmp_path / "out")
    assert results.complete
    wagner, start = (
        "policies.wagner_deployment.personnel",
        "policies.french_withdrawal.drawdown_start",
    )
    table = results.outcomes.merge(results.design[["run_id", wagner, start]], on="run_id")
    assert sorted(set(table[start])) == ["2021-07", "2023-05"]
    table["state_side"] = (
        table["civilian_fatalities_state_total"] + table["civilian_fatalities_foreign_total"]
    )
    wide = table.pivot_table(
        index="replicate", columns=[wagner, start], values=["state_side", "battle_fatalities_total"]
    )
    for date in ("2021-07", "2023-05"):
        few, many = wide["state_side"][0.0][date], wide["state_side"][3000.0][date]
        # Wagner multiplies state-side abuse (wagner_abuse_multiplier 4): measured over the six
        # paired seeds, 2.0-2.7 times the deaths without it; tolerance: more in every pair and
        # at least 1.5 times as many on average.
        assert (many > few).all(), (few, many)
        assert many.mean() > 1.5 * few.mean()
    for personnel in (0.0, 3000.0):
        early = wide["battle_fatalities_total"][personnel]["2021-07"]
        late = wide["battle_fatalities_total"][personnel]["2023-05"]
        # An early drawdown removes French troop-months, so their strikes and joint
        # operations, which count as battle deaths: measured 20-30% fewer in every pair;
        # tolerance: fewer in every pair and at least 10% fewer on average.
        assert (early < late).all(), (early, late)
        assert early.mean() < 0.9 * late.mean()
