"""The scenario file as written: the :class:`Scenario` schema and the checks one file can fail.

A scenario file is a YAML mapping::

    name: history_without_french
    description: History, but France stays.
    extends: history                 # a file in the same folder, with or without .yaml
    start: 2019-01                   # optional; default 2019-01
    end: 2026-12                     # optional; default 2026-12, at the latest 2030-12
    params:                          # overrides of malisim.model.parameters.Parameters
      fama_troops: 25000
    policies:                        # built through the policy registry by `type`
      - {type: parameter_schedule, parameter: aid_budget, start: 2021-01, value: 10}
    exclude_policies: [french_withdrawal]   # inherited policy types to drop

Validating one file (:func:`validate_scenario`) checks everything the file can get wrong on its
own: unknown keys, types, months, parameter names and bounds, policy types and settings (each
policy is built through the registry), exclusions without ``extends``, ``end`` before ``start``.
What depends on the files it extends is checked when the chain is resolved
(:mod:`malisim.scenario.resolve`). Every problem is a located
:class:`~malisim.core.errors.UserError` (:mod:`malisim.core.locate`).
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from malisim.core.calendar import parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import Locator, TypeWord, describe, raise_validation
from malisim.core.yamlio import LineOf
from malisim.model.parameters import Parameters
from malisim.policies import (
    POLICY_REGISTRY,
    Month,
    Policy,
    RunEnd,
    policy_from_dict,
    policy_types,
)

#: What an item of ``policies`` must be, for the message when it is not a mapping.
_POLICY_ITEM = "a mapping with a 'type' key, e.g. {type: parameter_schedule, ...}"


class Scenario(BaseModel):
    """One scenario file as written (before its ``extends`` chain is resolved).

    Validating a mapping checks everything that one file can get wrong on its own: unknown keys,
    types, months, parameter names and bounds, policy types and settings, ``end`` before
    ``start``. Pass ``context={"file": ..., "line_of": ...}`` to ``model_validate`` to have
    content errors located; they are raised as :class:`~malisim.core.errors.UserError`.
    """

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Short name of the scenario (used in outputs).")
    description: str = Field("", description="What the scenario represents.")
    extends: str | None = Field(
        None,
        description="Scenario this one builds on: the name of a scenario file in this file's "
        "folder, with or without .yaml (e.g. historical); no folders or absolute paths.",
    )
    start: Month | None = Field(None, description="First month of the run (YYYY-MM).")
    end: RunEnd | None = Field(
        None, description="Last month of the run (YYYY-MM), inclusive; at the latest 2030-12."
    )
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameter overrides (see docs/parameters.md)."
    )
    policies: list[Annotated[dict[str, Any], TypeWord(_POLICY_ITEM)]] = Field(
        default_factory=list, description="Policies, each a mapping with a `type` key."
    )
    exclude_policies: list[str] = Field(
        default_factory=list,
        description="Policy types removed from those inherited through `extends`.",
    )

    @model_validator(mode="after")
    def _content(self, info: ValidationInfo) -> Scenario:
        context = info.context or {}
        check_content(self, context.get("file"), context.get("line_of"))
        return self


def check_params(params: dict[str, Any], file: str | None, line_of: LineOf | None) -> Parameters:
    """Validate parameter overrides (the ``params`` of a file, or merged ones) into Parameters.

    Raises:
        UserError: At ``params.<name>`` of ``file``: an unknown parameter, or a value of the
            wrong type or out of its bounds.
    """
    try:
        return Parameters.model_validate(params, strict=True)
    except ValidationError as exc:
        raise_validation(exc, Parameters, ("params",), file, line_of)


def build_policy(
    data: dict[str, Any], index: int, file: str | None, line_of: LineOf | None
) -> Policy:
    """Build one policy of a file (item ``index`` of its ``policies``) through the registry.

    Raises:
        UserError: At ``policies[index]``: no or an unknown ``type``, or a bad setting.
    """
    loc: tuple[Hashable, ...] = ("policies", index)
    locate = Locator(file, line_of)

    def where(*extra: Hashable) -> dict[str, Any]:
        return locate(*loc, *extra)

    types = policy_types()
    if "type" not in data:
        raise UserError("missing 'type' (the policy type)", allowed=", ".join(types), **where())
    kind = data["type"]
    if not isinstance(kind, str) or kind not in POLICY_REGISTRY:
        raise UserError(
            f"unknown policy type {describe(kind)}",
            allowed=", ".join(types),
            suggestion=did_you_mean(kind, types),
            **where("type"),
        )
    try:
        return policy_from_dict(data)
    except ValidationError as exc:
        raise_validation(exc, POLICY_REGISTRY[kind], loc, file, line_of)
    except (KeyError, ValueError, TypeError) as exc:  # a policy's own checks outside pydantic
        raise UserError(f"invalid policy: {exc}", **where()) from None


def check_content(scn: Scenario, file: str | None, line_of: LineOf | None) -> None:
    """Check what a Scenario's types do not: parameters, policies, exclusions, start <= end.

    Raises:
        UserError: Located in ``file``.
    """
    where = Locator(file, line_of)
    check_params(scn.params, file, line_of)
    for i, data in enumerate(scn.policies):
        build_policy(data, i, file, line_of)
    types = policy_types()
    for i, kind in enumerate(scn.exclude_policies):
        if kind not in POLICY_REGISTRY:
            raise UserError(
                f"unknown policy type {describe(kind)}",
                allowed=", ".join(types),
                suggestion=did_you_mean(kind, types),
                **where("exclude_policies", i),
            )
    if scn.exclude_policies and not scn.extends:
        raise UserError(
            "exclude_policies removes inherited policies, but this scenario has no 'extends'",
            **where("exclude_policies"),
        )
    if scn.start and scn.end and parse_month(scn.end) < parse_month(scn.start):
        raise UserError(
            f"{scn.end} is before start {scn.start}",
            allowed=f"{scn.start} or later",
            **where("end"),
        )


def validate_scenario(data: Any, file: str | None, line_of: LineOf | None) -> Scenario:
    """Validate the mapping of one scenario file (or a mapping given in Python).

    Args:
        data: The mapping.
        file: Its name in error messages.
        line_of: Key path -> line of the file, if known.

    Returns:
        The file as written (its ``extends`` chain not yet resolved).

    Raises:
        UserError: For anything the file gets wrong on its own.
    """
    if not isinstance(data, dict):
        raise UserError(f"a scenario must be a mapping, got {describe(data)}", file=file)
    try:
        return Scenario.model_validate(data, context={"file": file, "line_of": line_of})
    except ValidationError as exc:
        raise_validation(exc, Scenario, (), file, line_of)
