"""The located-error toolkit of malisim.core.locate and the hooks models declare for it."""

from __future__ import annotations

from typing import Annotated, Any

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from malisim.core.errors import UserError
from malisim.core.locate import (
    KeyWording,
    Locator,
    TypeWord,
    bounds_text,
    describe,
    raise_validation,
    validate_section,
    wording_of,
)
from malisim.core.yamlio import parse_yaml_text
from malisim.model.parameters import Parameters, parameter_specs
from malisim.policies import POLICY_REGISTRY


class Plain(BaseModel):
    """A section without hooks: its keys are its fields, called keys."""

    model_config = ConfigDict(extra="forbid")

    count: int = Field(1, ge=1, le=10, json_schema_extra={"unit": "runs"})
    share: float = Field(0.5, gt=0)
    label: str


class Worded(BaseModel):
    """A section that declares its wording and type words."""

    model_config = ConfigDict(extra="forbid")

    colour: str
    when: Annotated[str, TypeWord("a day such as 'monday'")] | None = None
    items: list[Annotated[dict[str, Any], TypeWord("a mapping with a 'kind' key")]] = []

    @field_validator("colour")
    @classmethod
    def _known(cls, value: str) -> str:
        if value not in ("red", "green"):
            raise ValueError(f"unknown colour {value!r}")
        return value

    @classmethod
    def located_wording(cls) -> KeyWording:
        return KeyWording(
            unknown="unknown option",
            missing="missing required option",
            keys=("kind", *cls.model_fields),
            suggest_from={"unknown colour": ("red", "green")},
        )


def error(model: type[BaseModel], text: str) -> str:
    data, line_of = parse_yaml_text(text, "f.yaml")
    with pytest.raises(UserError) as info:
        validate_section(model, data, (), Locator("f.yaml", line_of))
    return str(info.value)


def test_a_model_without_hooks_speaks_of_keys():
    assert error(Plain, "label: a\ncont: 2\n") == (
        "f.yaml:2: cont: unknown key; allowed: count, share, label; did you mean 'count'?"
    )
    assert error(Plain, "count: 2\n") == "f.yaml: label: missing required key"
    assert error(Plain, "label: a\ncount: 11\n") == (
        "f.yaml:2: count: 11 is out of range; allowed: 1 to 10 runs"
    )
    assert error(Plain, "label: a\nshare: 0\n") == (
        "f.yaml:2: share: 0 is out of range; allowed: at least 0"
    )
    assert error(Plain, "label: 5\n") == "f.yaml:1: label: expected text, got 5"


def test_a_model_declares_its_wording_and_type_words():
    assert wording_of(Plain) == KeyWording()
    assert error(Worded, "colour: red\nkidn: 1\n") == (
        "f.yaml:2: kidn: unknown option; allowed: kind, colour, when, items; did you mean 'kind'?"
    )
    assert error(Worded, "when: monday\n") == "f.yaml: colour: missing required option"
    assert error(Worded, "colour: red\nwhen: 3\n") == (
        "f.yaml:2: when: expected a day such as 'monday', got 3"
    )
    assert error(Worded, "colour: red\nitems: [1]\n") == (
        "f.yaml:2: items[0]: expected a mapping with a 'kind' key, got 1"
    )
    # the item's words are not the list's: a value that is no list is reported as such
    assert error(Worded, "colour: red\nitems: 1\n") == "f.yaml:2: items: expected a list, got 1"
    assert error(Worded, "colour: rde\n") == (
        "f.yaml:1: colour: unknown colour 'rde'; did you mean 'red'?"
    )


def test_parameters_and_policies_declare_their_wording():
    assert wording_of(Parameters).unknown == "unknown parameter"
    assert not wording_of(Parameters).list_keys
    schedule = POLICY_REGISTRY["parameter_schedule"]
    wording = wording_of(schedule)
    assert wording.unknown == "unknown setting of policy 'parameter_schedule'"
    assert wording.keys == ("type", *schedule.model_fields)
    assert set(wording.suggest_from["unknown parameter"]) == set(Parameters.model_fields)


def test_parameter_bounds_read_from_the_fields_match_the_parameter_specs():
    # the toolkit reads bounds and units from the pydantic fields; for parameters they must be
    # those of the parameter schema (a mismatch means param() stopped recording ge/le/unit)
    for name, spec in parameter_specs().items():
        low = int(spec.low) if float(spec.low).is_integer() else spec.low
        high = int(spec.high) if float(spec.high).is_integer() else spec.high
        assert bounds_text(Parameters, name) == f"{low} to {high} {spec.unit}", name


def test_the_first_error_by_line_is_raised():
    data, line_of = parse_yaml_text("label: 5\ncount: 0\ncont: 1\n", "f.yaml")
    with pytest.raises(ValidationError) as info:
        Plain.model_validate(data, strict=True)
    with pytest.raises(UserError, match=r"^f\.yaml:1: label: expected text"):
        raise_validation(info.value, Plain, (), "f.yaml", line_of)


def test_describe_shortens_long_values():
    assert describe("x" * 100) == repr("x" * 100)[:57] + "..."
    assert describe(None) == "nothing (null)"
    assert describe(False) == "false"


def test_a_locator_without_lines_still_names_the_file_and_key():
    assert Locator("--set", None)("params", "x") == {
        "file": "--set",
        "line": None,
        "key": "params.x",
    }
