"""The generic ``parameter_schedule`` policy: change any parameter between two months."""

from __future__ import annotations

import math
from collections.abc import Hashable
from typing import Literal

from pydantic import field_validator, model_validator

from malisim.core.calendar import parse_month
from malisim.model.hooks import PolicyHooks
from malisim.model.parameters import Parameters, parameter_specs
from malisim.policies.base import Month, Policy, register_policy, setting


@register_policy
class ParameterSchedule(Policy):
    """Set a parameter to a value (or multiply it) from ``start`` through ``end`` inclusive.

    After ``end`` the parameter returns to the scenario's value. Covers the long tail of
    interventions that no dedicated policy describes.

    Overlapping schedules of one parameter compose, whatever their order in the scenario: of
    the ``absolute`` ones in force the one that started last sets the value (of two that started
    in the same month, the one that ends last, then the higher value), the scenario's value when
    none is; every ``multiply`` one in force multiplies it. The parameter returns to the
    scenario's value in the month after the last of them ends.

    Hooks: ``month``, ``base_param``, ``set_param``.
    """

    policy_type = "parameter_schedule"
    allow_multiple = True
    hooks = ("month", "base_param", "set_param")
    sources = ("design: Covasim/Starsim generic interventions",)

    parameter: str = setting(
        unit="parameter name", description="The parameter changed (see docs/parameters.md)."
    )
    start: Month = setting(unit="month", description="First month of the change.")
    end: Month | None = setting(
        None,
        unit="month",
        description="Last month of the change (unset: to the end of the run); the parameter "
        "returns to the scenario's value after it.",
    )
    value: float = setting(
        unit="the parameter's unit (absolute) or a factor (multiply)",
        description="The value the parameter takes, or the factor it is multiplied by.",
    )
    mode: Literal["absolute", "multiply"] = setting(
        "absolute",
        unit="absolute or multiply",
        description="absolute: the parameter is set to value; multiply: it is multiplied by "
        "value (overlapping multipliers compound).",
    )

    @field_validator("parameter")
    @classmethod
    def _known_parameter(cls, name: str) -> str:
        if name not in Parameters.model_fields:
            raise ValueError(f"unknown parameter {name!r}")
        return name

    @model_validator(mode="after")
    def _check(self) -> ParameterSchedule:
        if self.end is not None and parse_month(self.end) < parse_month(self.start):
            raise ValueError(f"end {self.end} is before start {self.start}")
        spec = parameter_specs()[self.parameter]
        if self.mode == "absolute" and not spec.low <= self.value <= spec.high:
            raise ValueError(
                f"value {self.value} for {self.parameter} outside its range "
                f"[{spec.low}, {spec.high}]"
            )
        if self.mode == "multiply" and self.value < 0:
            raise ValueError(f"multiplier {self.value} must be >= 0")
        return self

    def controlled_parameters(self) -> dict[str, str]:
        """The parameter of an ``absolute`` schedule, given by its ``value``.

        A ``multiply`` schedule scales the scenario's value, so it controls nothing.
        """
        return {self.parameter: "value"} if self.mode == "absolute" else {}

    def peer_key(self) -> Hashable:
        """Schedules of the same parameter compose."""
        return (self.policy_type, self.parameter)

    def _precedence(self) -> tuple[float, float, float]:
        end = self.month("end")
        return (self.required_month("start"), math.inf if end is None else end, self.value)

    def apply(self, model: PolicyHooks) -> None:
        """Set the parameter while a schedule of it is active; restore it the month after."""
        month = model.month
        group = [p for p in self.peers() if isinstance(p, ParameterSchedule)]
        active = [p for p in group if p.active_at(month)]
        base = model.base_param(self.parameter)
        if active:
            absolute = [p for p in active if p.mode == "absolute"]
            value = max(absolute, key=ParameterSchedule._precedence).value if absolute else base
            for factor in sorted(p.value for p in active if p.mode == "multiply"):
                value *= factor
            model.set_param(self.parameter, value)
        elif any(p.active_at(month - 1) for p in group):
            model.set_param(self.parameter, base)
