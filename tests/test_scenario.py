"""Scenario files: loading, extends chains, --set overrides, error messages, round trip, schema."""

from __future__ import annotations

import json
import pickle
import textwrap
from pathlib import Path

import pytest
from pydantic import Field

from malisim.core.errors import UserError, did_you_mean
from malisim.core.yamlio import load_yaml_file
from malisim.model.parameters import Parameters
from malisim.policies import POLICY_REGISTRY, Month, Policy, policy_types
from malisim.scenario import (
    DEFAULT_END,
    DEFAULT_START,
    ResolvedScenario,
    Scenario,
    load_scenario,
    scenario_from_dict,
    scenario_json_schema,
    validate_files,
    write_scenario_schema,
)

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))


class Withdrawal(Policy):
    """A test policy that may appear only once (like french_withdrawal)."""

    policy_type = "test_withdrawal"
    allow_multiple = False

    date: Month
    remaining: float = Field(0, ge=0, le=5000, json_schema_extra={"unit": "troops"})


@pytest.fixture
def withdrawal():
    """Register the single-instance test policy for one test only."""
    POLICY_REGISTRY[Withdrawal.policy_type] = Withdrawal
    yield Withdrawal
    POLICY_REGISTRY.pop(Withdrawal.policy_type, None)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def error_of(path: Path | str, overrides: list[str] | tuple[str, ...] = ()) -> str:
    with pytest.raises(UserError) as info:
        load_scenario(path, overrides)
    return str(info.value)


BASE = """
name: base
description: The base case.
start: 2019-01
end: 2024-12
params:
  fama_troops: 30000
  jnim_fighters: 3000
policies:
  - type: parameter_schedule
    parameter: aid_budget
    start: 2021-01
    value: 10
"""


@pytest.fixture
def base(tmp_path: Path) -> Path:
    return write(tmp_path, "base.yaml", BASE)


# --- errors and helpers --------------------------------------------------------------------


def test_user_error_renders_one_line():
    err = UserError(
        "unknown parameter",
        file="scenarios/x.yaml",
        line=12,
        key="params.fama_tropos",
        suggestion="fama_troops",
    )
    assert str(err) == (
        "scenarios/x.yaml:12: params.fama_tropos: unknown parameter; did you mean 'fama_troops'?"
    )
    ranged = UserError("70000 is out of range", key="params.fama_troops", allowed="5 to 6 troops")
    assert str(ranged) == "params.fama_troops: 70000 is out of range; allowed: 5 to 6 troops"
    copy = pickle.loads(pickle.dumps(err))
    assert str(copy) == str(err) and copy.line == 12


def test_did_you_mean():
    assert did_you_mean("fama_tropos", Parameters.model_fields) == "fama_troops"
    assert did_you_mean("Policies", ["policies", "params"]) == "policies"
    assert did_you_mean("zzz", ["policies", "params"]) is None


def test_line_of(tmp_path: Path):
    path = write(tmp_path, "s.yaml", BASE)
    data, line_of = load_yaml_file(path)
    assert data["params"]["fama_troops"] == 30000
    assert line_of(("params", "fama_troops")) == 6
    assert line_of(("policies", 0, "start")) == 11
    assert line_of(("policies", 0, "nope")) == 9  # deepest existing prefix
    assert line_of(("nope",)) is None


# --- a valid scenario, extends, exclusions, overrides ---------------------------------------


def test_load_simple(base: Path):
    scn = load_scenario(base)
    assert isinstance(scn, ResolvedScenario)
    assert (scn.name, scn.description, scn.start, scn.end) == (
        "base",
        "The base case.",
        "2019-01",
        "2024-12",
    )
    assert scn.n_months == 72
    assert scn.parameters.fama_troops == 30000
    assert scn.parameters.hardship_mean == Parameters().hardship_mean
    assert [p.policy_type for p in scn.policies] == ["parameter_schedule"]
    assert scn.source_files == [str(base)]


def test_defaults_for_start_and_end(tmp_path: Path):
    scn = load_scenario(write(tmp_path, "s.yaml", "name: plain\n"))
    assert (scn.start, scn.end) == (DEFAULT_START, DEFAULT_END) == ("2019-01", "2026-12")
    assert scn.parameters == Parameters()
    assert scn.policies == []


def test_extends_merges(tmp_path: Path, base: Path):
    child = write(
        tmp_path,
        "child.yaml",
        """
        name: child
        extends: base
        end: 2022-12
        params:
          fama_troops: 25000
          wagner_personnel: 1000
        policies:
          - {type: parameter_schedule, parameter: ecowas_sanctions, start: 2022-01, value: 1}
        """,
    )
    scn = load_scenario(child)
    assert scn.name == "child"
    assert scn.description == "The base case."  # nearest file that sets it
    assert (scn.start, scn.end) == ("2019-01", "2022-12")
    assert scn.parameters.fama_troops == 25000  # child overrides
    assert scn.parameters.jnim_fighters == 3000  # parent kept
    assert scn.parameters.wagner_personnel == 1000
    assert [p.parameter for p in scn.policies] == ["aid_budget", "ecowas_sanctions"]
    assert scn.source_files == [str(base), str(tmp_path / "child.yaml")]


def test_extends_names_a_file_of_the_same_folder_only(tmp_path: Path, base: Path):
    """extends is confined to the extending file's folder (no ``..``, no subfolder)."""
    child = write(tmp_path, "sub/child.yaml", "name: child\nextends: ../base\n")
    assert error_of(child) == (
        f"{child}:2: extends: '../base' names a file outside this file's folder; allowed: the "
        f"name of a scenario file in {tmp_path / 'sub'} (e.g. 'historical' or "
        "'historical.yaml'), without folders"
    )


def test_extends_with_suffix_and_grandparent(tmp_path: Path, base: Path):
    write(tmp_path, "mid.yaml", "name: mid\nextends: base.yaml\nstart: 2020-01\n")
    leaf = write(tmp_path, "leaf.yaml", "name: leaf\nextends: mid\ndescription: Leaf.\n")
    scn = load_scenario(leaf)
    assert (scn.name, scn.description, scn.start, scn.end) == (
        "leaf",
        "Leaf.",
        "2020-01",
        "2024-12",
    )
    assert len(scn.source_files) == 3


def test_exclude_policies(tmp_path: Path, base: Path, withdrawal):
    write(
        tmp_path,
        "history.yaml",
        """
        name: history
        extends: base
        policies:
          - {type: test_withdrawal, date: 2022-08, remaining: 0}
        """,
    )
    variant = write(
        tmp_path,
        "variant.yaml",
        """
        name: no_withdrawal
        extends: history
        exclude_policies: [test_withdrawal]
        policies:
          - {type: parameter_schedule, parameter: france_troops, start: 2022-01, value: 4000}
        """,
    )
    scn = load_scenario(variant)
    assert [p.policy_type for p in scn.policies] == ["parameter_schedule", "parameter_schedule"]
    assert [p.parameter for p in scn.policies] == ["aid_budget", "france_troops"]
    # the child may re-add an excluded type with other settings
    readd = write(
        tmp_path,
        "readd.yaml",
        """
        name: later_withdrawal
        extends: history
        exclude_policies: [test_withdrawal]
        policies:
          - {type: test_withdrawal, date: 2023-06}
        """,
    )
    assert load_scenario(readd).policies[-1].date == "2023-06"


def test_set_overrides(base: Path):
    scn = load_scenario(
        base,
        ["params.fama_troops=40000", "start=2020-01", "end=2022-12", "name=foo",
         "params.flight_radius=4", "description=From the command line"],
    )  # fmt: skip
    assert (scn.name, scn.start, scn.end) == ("foo", "2020-01", "2022-12")
    assert scn.description == "From the command line"
    assert scn.parameters.fama_troops == 40000
    assert scn.parameters.flight_radius == 4
    assert scn.source_files[-1] == "--set"


def test_exponent_numbers_are_numbers(tmp_path: Path):
    path = write(
        tmp_path, "s.yaml", "name: x\nparams:\n  fama_troops: 2.5e4\n  jnim_fighters: 4e3\n"
    )
    scn = load_scenario(path)
    assert (scn.parameters.fama_troops, scn.parameters.jnim_fighters) == (25000, 4000)


def test_scenario_model_checks_content():
    assert Scenario(name="x", params={"fama_troops": 30000}).params == {"fama_troops": 30000}
    with pytest.raises(UserError, match=r"params\.fama_tropos: unknown parameter"):
        Scenario(name="x", params={"fama_tropos": 30000})


# --- round trip ------------------------------------------------------------------------------


def assert_round_trip(scn: ResolvedScenario) -> None:
    data = scn.to_dict()
    assert set(data) == {"name", "description", "start", "end", "params", "policies"}
    again = scenario_from_dict(json.loads(json.dumps(data)))
    assert again == scn
    assert again.to_dict() == data
    assert again.parameters == scn.parameters
    assert again.policies == scn.policies


def test_round_trip_fixtures(tmp_path: Path, base: Path, withdrawal):
    write(tmp_path, "history.yaml", "name: h\nextends: base\npolicies:\n"
          "  - {type: test_withdrawal, date: 2022-08, remaining: 100}\n")  # fmt: skip
    variant = write(tmp_path, "v.yaml", "name: v\nextends: history\nend: 2023-12\n"
                    "params: {fama_troops: 5000}\n")  # fmt: skip
    for path in (base, tmp_path / "history.yaml", variant):
        assert_round_trip(load_scenario(path))
    assert_round_trip(load_scenario(variant, ["params.dialogue_intensity=0.5", "start=2020-06"]))
    data = load_scenario(base).to_dict()
    assert data["params"] == {"fama_troops": 30000, "jnim_fighters": 3000}  # overrides only


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_round_trip_shipped(path: Path):
    assert_round_trip(load_scenario(path))


# --- bad input: one test per case -----------------------------------------------------------


def test_unknown_top_level_key(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\npolices: []\n")
    msg = error_of(path)
    assert msg.startswith(f"{path}:2: polices: unknown key; allowed: name, description,")
    assert msg.endswith("did you mean 'policies'?")


def test_unknown_parameter(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\nparams:\n  fama_tropos: 30000\n")
    assert error_of(path) == f"{path}:3: params.fama_tropos: unknown parameter; " + (
        "did you mean 'fama_troops'?"
    )


def test_wrong_type(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\nparams:\n  fama_troops: lots\n")
    assert error_of(path) == f"{path}:3: params.fama_troops: expected a number, got 'lots'"
    path = write(tmp_path, "t.yaml", "name: x\nparams:\n  flight_radius: 2.5\n")
    assert error_of(path) == f"{path}:3: params.flight_radius: expected a whole number, got 2.5"
    path = write(tmp_path, "u.yaml", "name: [a, b]\n")
    assert error_of(path) == f"{path}:1: name: expected text, got a list"
    path = write(tmp_path, "v.yaml", "name: x\nparams: 5\n")
    assert error_of(path) == f"{path}:2: params: expected a mapping, got 5"


def test_missing_name(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "description: no name\n")
    assert error_of(path) == f"{path}: name: missing required key"


def test_out_of_range(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\nparams:\n  fama_troops: 70000\n")
    assert error_of(path) == (
        f"{path}:3: params.fama_troops: 70000 is out of range; allowed: 5000 to 60000 troops"
    )


def test_policy_setting_out_of_range(tmp_path: Path, withdrawal):
    path = write(tmp_path, "s.yaml", "name: x\npolicies:\n"
                 "  - {type: test_withdrawal, date: 2020-01, remaining: -1}\n")  # fmt: skip
    assert error_of(path) == (
        f"{path}:3: policies[0].remaining: -1 is out of range; allowed: 0 to 5000 troops"
    )


def test_malformed_date(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\nstart: 2019-13\n")
    assert error_of(path) == f"{path}:2: start: '2019-13' has month 13: expected 01 to 12"
    path = write(tmp_path, "t.yaml", "name: x\nend: 201912\n")
    assert error_of(path) == (
        f"{path}:2: end: expected a month YYYY-MM no later than 2030-12, e.g. 2022-01, got 201912"
    )
    path = write(tmp_path, "u.yaml", "name: x\nstart: 2019-01-15\n")
    assert "u.yaml:2: start: '2019-01-15' is not a month: expected YYYY-MM" in error_of(path)
    path = write(tmp_path, "v.yaml", "name: x\npolicies:\n  - type: parameter_schedule\n"
                 "    parameter: aid_budget\n    start: 2021-1\n    value: 1\n")  # fmt: skip
    assert f"{path}:5: policies[0].start: '2021-1' is not a month" in error_of(path)


def test_end_before_start(tmp_path: Path, base: Path):
    path = write(tmp_path, "s.yaml", "name: x\nstart: 2020-01\nend: 2019-06\n")
    assert error_of(path) == (
        f"{path}:3: end: 2019-06 is before start 2020-01; allowed: 2020-01 or later"
    )
    child = write(tmp_path, "child.yaml", "name: c\nextends: base\nstart: 2025-01\n")
    assert error_of(child) == (
        f"{child}:3: start: 2025-01 is after end 2024-12 (end set in {base}); "
        "allowed: 2024-12 or earlier"
    )


def test_policy_date_outside_run(tmp_path: Path, base: Path):
    before = write(tmp_path, "before.yaml", "name: b\nstart: 2020-01\npolicies:\n  - type: "
                   "parameter_schedule\n    parameter: aid_budget\n    start: 2019-06\n"
                   "    value: 1\n")  # fmt: skip
    assert error_of(before) == (
        f"{before}:6: policies[0].start: parameter_schedule start 2019-06 is before the run "
        "starts (2020-01); allowed: 2020-01 to 2026-12"
    )
    # a run shortened by a child file or --set truncates the inherited timeline: the policy
    # is kept and simply does not act outside the run (historical runs stopped in 2022, say)
    child = write(tmp_path, "child.yaml", "name: c\nextends: base\nend: 2020-12\n")
    shortened = load_scenario(child)
    assert shortened.end == "2020-12"
    assert [p.policy_type for p in shortened.policies] == ["parameter_schedule"]
    assert load_scenario(base, ["start=2021-06"]).start == "2021-06"


def test_unknown_policy_type(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\npolicies:\n  - type: parameter_schedul\n")
    assert error_of(path) == (
        f"{path}:3: policies[0].type: unknown policy type 'parameter_schedul'; "
        f"allowed: {', '.join(policy_types())}; did you mean 'parameter_schedule'?"
    )
    path = write(tmp_path, "t.yaml", "name: x\npolicies:\n  - parameter: aid_budget\n")
    assert error_of(path) == (
        f"{path}:3: policies[0]: missing 'type' (the policy type); "
        f"allowed: {', '.join(policy_types())}"
    )
    path = write(tmp_path, "u.yaml", "name: x\npolicies:\n  - parameter_schedule\n")
    assert error_of(path).startswith(f"{path}:3: policies[0]: expected a mapping with a 'type' key")


def test_unknown_policy_setting(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\npolicies:\n  - type: parameter_schedule\n"
                 "    parameter: aid_budget\n    start: 2021-01\n    value: 1\n"
                 "    ned: 2022-01\n")  # fmt: skip
    assert error_of(path) == (
        f"{path}:7: policies[0].ned: unknown setting of policy 'parameter_schedule'; "
        "allowed: type, trigger, parameter, start, end, value, mode; did you mean 'end'?"
    )
    path = write(tmp_path, "t.yaml", "name: x\npolicies:\n  - type: parameter_schedule\n"
                 "    parameter: aid_budgt\n    start: 2021-01\n    value: 1\n")  # fmt: skip
    assert error_of(path) == (
        f"{path}:4: policies[0].parameter: unknown parameter 'aid_budgt'; "
        "did you mean 'aid_budget'?"
    )
    path = write(tmp_path, "u.yaml", "name: x\npolicies:\n  - type: parameter_schedule\n"
                 "    parameter: aid_budget\n    value: 1\n")  # fmt: skip
    assert error_of(path) == f"{path}:3: policies[0].start: missing required setting"


def test_duplicate_single_policy(tmp_path: Path, withdrawal):
    path = write(tmp_path, "s.yaml", "name: x\npolicies:\n  - {type: test_withdrawal, date: "
                 "2022-08}\n  - {type: test_withdrawal, date: 2022-09}\n")  # fmt: skip
    assert error_of(path) == (
        f"{path}:4: policies[1].type: only one 'test_withdrawal' policy is allowed; "
        "another is at line 3"
    )
    child = write(tmp_path, "c.yaml", "name: c\nextends: s\nexclude_policies: []\npolicies: []\n")
    assert "only one 'test_withdrawal'" in error_of(child)
    parent = write(tmp_path, "p.yaml", "name: p\npolicies:\n  - {type: test_withdrawal, "
                   "date: 2022-08}\n")  # fmt: skip
    child = write(tmp_path, "d.yaml", "name: d\nextends: p\npolicies:\n  - {type: "
                  "test_withdrawal, date: 2023-01}\n")  # fmt: skip
    assert error_of(child) == (
        f"{child}:4: policies[0].type: only one 'test_withdrawal' policy is allowed; "
        f"another is at {parent}:3"
    )


def test_missing_extends_target(tmp_path: Path, base: Path):
    path = write(tmp_path, "s.yaml", "name: x\nextends: bsae\n")
    msg = error_of(path)
    assert msg.startswith(
        f"{path}:2: extends: cannot find the scenario 'bsae' to extend "
        f"(looked for {tmp_path / 'bsae.yaml'}); allowed: scenarios in {tmp_path}: base, s"
    )
    assert msg.endswith("did you mean 'base'?")


def test_circular_extends(tmp_path: Path):
    a = write(tmp_path, "a.yaml", "name: a\nextends: b\n")
    b = write(tmp_path, "b.yaml", "name: b\nextends: c\n")
    c = write(tmp_path, "c.yaml", "name: c\nextends: a.yaml\n")
    assert error_of(a) == f"{c}:2: extends: circular extends: {a} -> {b} -> {c} -> {a}"
    me = write(tmp_path, "me.yaml", "name: me\nextends: me\n")
    assert error_of(me) == f"{me}:2: extends: circular extends: {me} -> {me}"


def test_exclude_policies_errors(tmp_path: Path, base: Path, withdrawal):
    path = write(tmp_path, "s.yaml", "name: x\nextends: base\nexclude_policies: [test_withdrawl]\n")
    assert error_of(path) == (
        f"{path}:3: exclude_policies[0]: unknown policy type 'test_withdrawl'; "
        f"allowed: {', '.join(policy_types())}; did you mean 'test_withdrawal'?"
    )
    path = write(tmp_path, "t.yaml", "name: x\nextends: base\nexclude_policies:\n"
                 "  - test_withdrawal\n")  # fmt: skip
    assert error_of(path) == (
        f"{path}:4: exclude_policies[0]: nothing to exclude: no 'test_withdrawal' policy is "
        "inherited; allowed: parameter_schedule"
    )
    path = write(tmp_path, "u.yaml", "name: x\nexclude_policies: [test_withdrawal]\n")
    assert error_of(path) == (
        f"{path}:2: exclude_policies: exclude_policies removes inherited policies, but this "
        "scenario has no 'extends'"
    )


def test_empty_file(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "")
    assert error_of(path) == f"{path}: file is empty"
    path = write(tmp_path, "t.yaml", "# only a comment\n")
    assert error_of(path) == f"{path}: file is empty (only comments or null)"


def test_not_yaml(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\nparams: {fama_troops: 3\nend: 2020-01\n")
    assert error_of(path).startswith(f"{path}:3: not valid YAML: ")
    path = write(tmp_path, "t.yaml", "name: x\n  bad: indent\n")
    assert error_of(path) == f"{path}:2: not valid YAML: mapping values are not allowed here"


def test_python_tags_refused(tmp_path: Path):
    path = write(tmp_path, "s.yaml", 'name: x\nparams: !!python/object/apply:os.system ["true"]\n')
    assert error_of(path) == (
        f"{path}:2: params: tags are not allowed (found !!python/object/apply:os.system)"
    )
    path = write(tmp_path, "t.yaml", "name: !!python/name:os.getcwd ''\n")
    assert "tags are not allowed (found !!python/name:os.getcwd)" in error_of(path)
    path = write(tmp_path, "u.yaml", "name: x\npolicies:\n  - !custom {type: a}\n")
    assert error_of(path) == f"{path}:3: policies[0]: tags are not allowed (found !custom)"


def test_non_utf8(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"name: x\ndescription: caf\xe9\n")
    assert error_of(path) == (
        f"{path}:2: not UTF-8 text: byte 0xe9 at byte offset 24 cannot be decoded "
        "(save the file as UTF-8)"
    )


def test_directory(tmp_path: Path):
    assert error_of(tmp_path) == f"{tmp_path}: is a directory, not a file"


def test_missing_file(tmp_path: Path):
    assert error_of(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: file not found"


def test_top_level_not_mapping(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "- name: x\n")
    assert error_of(path) == (
        f"{path}:1: top level must be a mapping of keys to values, found a list"
    )


def test_duplicate_keys(tmp_path: Path):
    path = write(tmp_path, "s.yaml", "name: x\nparams:\n  fama_troops: 1\n  fama_troops: 2\n")
    assert error_of(path) == (
        f"{path}:4: params.fama_troops: duplicate key 'fama_troops' (lines 3 and 4)"
    )


def test_bad_set_path(base: Path):
    assert error_of(base, ["params.fama_tropos=30000"]) == (
        "--set: params.fama_tropos: unknown parameter; did you mean 'fama_troops'?"
    )
    assert error_of(base, ["fama_troops=30000"]) == (
        "--set: fama_troops: unknown setting; allowed: name, description, start, end, "
        "params.<parameter>, policies.<type>.<setting> or policies.<type>[<i>].<setting>; "
        "did you mean 'params.fama_troops'?"
    )
    assert error_of(base, ["strat=2020-01"]).endswith("did you mean 'start'?")
    assert error_of(base, ["fama_troops"]) == (
        "--set: expected KEY=VALUE, e.g. params.fama_troops=30000; got 'fama_troops'"
    )


def test_bad_set_value(base: Path):
    assert error_of(base, ["params.fama_troops=70000"]) == (
        "--set: params.fama_troops: 70000 is out of range; allowed: 5000 to 60000 troops"
    )
    assert error_of(base, ["params.fama_troops=many"]) == (
        "--set: params.fama_troops: expected a number, got 'many'"
    )
    assert error_of(base, ["start=2020-13"]) == (
        "--set: start: '2020-13' has month 13: expected 01 to 12"
    )
    assert error_of(base, ["start=2025-06"]) == (
        "--set: start: 2025-06 is after end 2024-12 (end set in "
        f"{base}); allowed: 2024-12 or earlier"
    )
    assert error_of(base, ["params.fama_troops=[1"]).startswith(
        "--set: params.fama_troops: not valid YAML"
    )
    assert error_of(base, ["params.fama_troops=!!python/object:os.system 1"]).startswith(
        "--set: params.fama_troops: tags are not allowed"
    )


def test_validate_files(tmp_path: Path, base: Path):
    bad = write(tmp_path, "bad.yaml", "name: x\nparams:\n  fama_tropos: 1\n")
    results = validate_files([base, bad, tmp_path / "missing.yaml"])
    assert [p for p, _ in results] == [base, bad, tmp_path / "missing.yaml"]
    assert isinstance(results[0][1], ResolvedScenario)
    assert isinstance(results[1][1], UserError) and results[1][1].line == 3
    assert isinstance(results[2][1], UserError)


# --- JSON schema ------------------------------------------------------------------------------


def test_schema_content():
    schema = scenario_json_schema()
    props = schema["properties"]
    troops = props["params"]["properties"]["fama_troops"]
    assert (troops["minimum"], troops["maximum"], troops["unit"]) == (5000, 60000, "troops")
    assert troops["description"].startswith("Deployable FAMa strength")
    assert props["params"]["additionalProperties"] is False
    assert schema["additionalProperties"] is False
    refs = [r["$ref"].split("/")[-1] for r in props["policies"]["items"]["oneOf"]]
    assert len(refs) == len(POLICY_REGISTRY)
    for ref in refs:
        sub = schema["$defs"][ref]
        assert sub["properties"]["type"]["const"] in POLICY_REGISTRY
        assert sub["required"][0] == "type"
    assert props["start"]["pattern"].startswith("^")


def test_schema_file_is_up_to_date(tmp_path: Path):
    committed = ROOT / "schemas" / "scenario.schema.json"
    generated = tmp_path / "scenario.schema.json"
    write_scenario_schema(generated)
    assert committed.read_text(encoding="utf-8") == generated.read_text(encoding="utf-8"), (
        "schemas/scenario.schema.json is out of date: regenerate it with "
        "malisim.scenario.write_scenario_schema"
    )


def test_byte_order_mark_is_accepted_and_offsets_count_it(tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: x\n")
    assert load_scenario(path).name == "x"
    path.write_bytes(b"\xef\xbb\xbfname: \xff\n")
    assert "byte 0xff at byte offset 9 cannot be decoded" in error_of(path)
