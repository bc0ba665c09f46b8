"""The generic ``parameter_schedule`` policy: change any parameter between two months."""

from __future__ import annotations

from typing import Literal

from pydantic import field_validator, model_validator

from malisim.core.calendar import parse_month
from malisim.model.hooks import PolicyHooks
from malisim.model.parameters import Parameters, parameter_specs
from malisim.policies.base import Month, Policy, register_policy


@register_policy
class ParameterSchedule(Policy):
    """Set a parameter to a value (or multiply it) from ``start`` through ``end`` inclusive.

    After ``end`` the parameter returns to the scenario's value. Covers the long tail of
    interventions that no dedicated policy describes.

    Hooks: ``month``, ``base_param``, ``set_param``.
    """

    policy_type = "parameter_schedule"
    allow_multiple = True
    hooks = ("month", "base_param", "set_param")
    sources = ("design: Covasim/Starsim generic interventions",)

    parameter: str
    start: Month
    end: Month | None = None
    value: float
    mode: Literal["absolute", "multiply"] = "absolute"

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

    def apply(self, model: PolicyHooks) -> None:
        """Set the parameter while the schedule is active; restore it the month after."""
        start = self.required_month("start")
        end = self.month("end")
        month = model.month
        base = model.base_param(self.parameter)
        if start <= month and (end is None or month <= end):
            value = self.value if self.mode == "absolute" else base * self.value
            model.set_param(self.parameter, value)
        elif end is not None and month == end + 1:
            model.set_param(self.parameter, base)
