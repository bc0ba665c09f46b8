"""The model's side of its contract with policies: the hooks it offers, the lifecycle it calls.

Policies live in a layer above the model (:mod:`malisim.policies`); the model never imports
them. Instead it declares here what a policy may touch, :class:`PolicyHooks` (the model
implements it: :class:`~malisim.model.mali_model.MaliModel`), and what it expects of a policy,
:class:`ModelPolicy` (initialise once, step every month, finalise at the end). A policy declares
the hooks it uses (``Policy.hooks``); the test suite runs every shipped policy against a proxy
that exposes only those hooks.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

#: Model indicators a policy trigger can watch (see :meth:`PolicyHooks.indicator`).
INDICATORS: tuple[str, ...] = (
    "control_state",
    "control_jihadist",
    "junta_approval",
    "gdp_index",
    "accord_adherence",
    "civilian_fatalities_12m",
)


@runtime_checkable
class PolicyHooks(Protocol):
    """What a policy may read and change in the model; nothing else is part of the contract."""

    @property
    def month(self) -> int:
        """The current month index (the calendar: months since year 0, see core.calendar)."""
        ...

    @property
    def date(self) -> str:
        """The current month as ``YYYY-MM``."""
        ...

    def set_param(self, name: str, value: float) -> None:
        """Set a parameter for the rest of the run (validated against its bounds)."""
        ...

    def get_param(self, name: str) -> float:
        """The parameter's current value."""
        ...

    def base_param(self, name: str) -> float:
        """The parameter's value in the scenario (before any policy changed it)."""
        ...

    def add_rally(self, amount: float) -> None:
        """Add a sovereignty rally (approval share) to the junta's approval."""
        ...

    def launch_offensive(self, regions: list[str] | None, intensity: float) -> None:
        """Order a state offensive into these regions (None: signatory-held cells) this month."""
        ...

    def launch_offensive_at(self, points: list[tuple[float, float]], intensity: float) -> None:
        """Order a state offensive into the cells holding these (lat, lon) points this month."""
        ...

    def set_dialogue_regions(self, regions: list[str] | None) -> None:
        """Limit dialogue with JNIM to these regions (None: everywhere)."""
        ...

    def set_truce_areas(self, areas: dict[str, list[tuple[float, float, float]]]) -> None:
        """Local truces in force: militia key -> (lat, lon, coverage) of places (empty: none)."""
        ...

    def indicator(self, name: str) -> float:
        """A model indicator (one of :data:`INDICATORS`) as of the last recorded month."""
        ...


#: Names of the hooks of :class:`PolicyHooks`, in declaration order.
HOOKS: tuple[str, ...] = tuple(name for name in vars(PolicyHooks) if not name.startswith("_"))


class ModelPolicy(Protocol):
    """The lifecycle the model calls on each of its policies, with itself as the hooks."""

    def initialize(self, model: PolicyHooks) -> None:
        """Called once when the model is built."""
        ...

    def step(self, model: PolicyHooks) -> None:
        """Called at the start of every month (the ``policies`` phase)."""
        ...

    def finalize(self, model: PolicyHooks) -> None:
        """Called once after the last month."""
        ...
