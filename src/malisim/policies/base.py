"""The policy base class, the registry of policy types, and the ``YYYY-MM`` month field type.

A policy is a dated intervention with a lifecycle (Covasim/Starsim style): ``initialize`` once
when the model is built, ``apply`` at the start of every month, ``finalize`` at the end of the
run, and ``to_dict`` to write it back as the ``{type: name, ...}`` mapping it was read from.
A policy is also its own configuration: a pydantic model whose fields are the policy's settings,
validated (bounds, dates, unknown keys) when a scenario file is loaded.

Policies touch the model only through the hooks of :class:`malisim.model.hooks.PolicyHooks`
(the calendar ``month`` and ``date``, ``set_param``, ``get_param``, ``base_param``,
``add_rally``, ``launch_offensive``, ``set_dialogue_regions``, ``indicator``), and each policy
class lists the hooks its own methods use in its ``hooks`` class attribute and its docstring.
The lifecycle of this base class itself uses :data:`LIFECYCLE_HOOKS` (the month, and the
indicator a trigger watches).

Each setting is declared with :func:`setting` (its meaning, unit and bounds, which
``docs/scenarios.md`` and ``malisim list`` show). A parameter that a policy sets to a value of
its own while it is in force is *controlled* by the policy (:attr:`Policy.controls`, parameter ->
the setting that gives the value): the scenario's value of that parameter would only apply
outside the policy's months, so the scenario layer refuses to override it (``--set``, an
experiment's ``params``, a sweep) and points to the setting instead
(``policies.<type>.<setting>``). The test suite runs every shipped policy against a proxy of the
model that exposes only :meth:`Policy.declared_hooks`.

Overlapping copies of a policy compose by a rule of their own, the same whatever their order in
the scenario: the policies of one model that share a :meth:`Policy.peer_key` find each other when
the model initialises them (a weak per-model table, so a finished model keeps nothing alive),
and each month every one of them recomputes the parameter from the scenario's value and the set
of peers active that month (:meth:`Policy.peers`, :meth:`Policy.active_at`). The parameter is
given back to the scenario's value only in the month after the last of them ends.
"""

from __future__ import annotations

import weakref
from collections.abc import Collection, Hashable, Mapping
from itertools import pairwise
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic.json_schema import JsonDict

from malisim.core.calendar import LATEST_END, check_run_end, parse_month
from malisim.core.locate import KeyWording, TypeWord
from malisim.model.hooks import HOOKS, INDICATORS, PolicyHooks
from malisim.model.parameters import Parameters


def setting(default: Any = ..., *, unit: str, description: str, **kwargs: Any) -> Any:
    """Declare a policy setting: a pydantic field with its meaning and unit.

    Args:
        default: The default (``...``: required; omit it when giving ``default_factory``).
        unit: The unit, in words (``troops``, ``share``, ``month``, ``yes/no``, ...).
        description: What the setting means, in a sentence or two.
        **kwargs: Passed to :func:`pydantic.Field` (bounds ``ge``/``le``, ``default_factory``).

    Returns:
        The field (use it as the class attribute's value).
    """
    extra: JsonDict = {"unit": unit}
    if "default_factory" in kwargs:
        return Field(description=description, json_schema_extra=extra, **kwargs)
    return Field(default, description=description, json_schema_extra=extra, **kwargs)


def setting_unit(field: Any) -> str:
    """The unit declared for a policy setting with :func:`setting` (empty if none)."""
    extra = field.json_schema_extra
    return str(extra.get("unit", "")) if isinstance(extra, dict) else ""


#: Hooks that :meth:`Policy.step` and triggers use for every policy.
LIFECYCLE_HOOKS: tuple[str, ...] = ("month", "indicator")


def _check_month(value: str) -> str:
    parse_month(value)  # raises DateError (a ValueError) with a clear message
    return value


def check_ordered_months(policy: BaseModel, *names: str) -> None:
    """Raise ValueError unless the named month settings that are set are in order.

    Args:
        policy: The policy whose settings are checked.
        *names: Names of month settings, in the order they must keep (unset ones are skipped).

    Raises:
        ValueError: ``"<later> <month> is before <earlier> <month>"`` for the first pair out of
            order.
    """
    months = [(n, parse_month(getattr(policy, n))) for n in names if getattr(policy, n) is not None]
    for (a, ma), (b, mb) in pairwise(months):
        if mb < ma:
            raise ValueError(f"{b} {getattr(policy, b)} is before {a} {getattr(policy, a)}")


def check_known(
    values: list[str], allowed: Collection[str], what: str, *, required: bool = False
) -> list[str]:
    """Raise ValueError unless every value is one of ``allowed`` (and, if required, one is given).

    Args:
        values: The names a policy setting lists.
        allowed: The names it may list.
        what: What a name is, for the message (``"region"``, ``"place"``...).
        required: Whether an empty list is an error too.

    Returns:
        ``values``, unchanged.

    Raises:
        ValueError: ``"unknown <what>(s) [...]; allowed: ..."`` (``"unknown or no ..."`` when
            ``required``).
    """
    unknown = [v for v in values if v not in allowed]
    if unknown or (required and not values):
        prefix = "unknown or no" if required else "unknown"
        raise ValueError(f"{prefix} {what}(s) {unknown}; allowed: {', '.join(allowed)}")
    return values


def _is_month_field(field: Any) -> bool:
    """Return whether a pydantic field is a :data:`Month` (optional or not)."""
    checks = [getattr(m, "func", None) for m in field.metadata]
    return _check_month in checks or "_check_month" in repr(field.annotation)


#: A ``YYYY-MM`` month kept as text (so scenarios round-trip unchanged) and checked on load.
Month = Annotated[str, AfterValidator(_check_month), TypeWord("a month YYYY-MM, e.g. 2022-01")]

#: The last month of a run: a :data:`Month` no later than
#: :data:`~malisim.core.calendar.LATEST_END` (scenario files, experiments, the command line).
RunEnd = Annotated[
    str,
    AfterValidator(check_run_end),
    TypeWord(f"a month YYYY-MM no later than {LATEST_END}, e.g. 2022-01"),
]


class Trigger(BaseModel):
    """A condition on the model's state that starts a policy.

    The policy waits until its first month (``start``) and then until the condition holds; from
    the month it first holds, its whole timeline is shifted by the wait, so ``start`` becomes
    that month and every later date keeps its distance from ``start``.

    Example: ``{when: control_state, below: 0.4}`` — when the state controls less than 40% of
    the population.
    """

    model_config = ConfigDict(extra="forbid")

    when: Literal[INDICATORS] = Field(  # type: ignore[valid-type]
        description="The indicator watched (a share or index of the model's state)."
    )
    # a bound must be finite: .nan or .inf would make the condition never or always hold
    below: float | None = Field(
        None, allow_inf_nan=False, description="The condition holds when the indicator is below."
    )
    above: float | None = Field(
        None, allow_inf_nan=False, description="The condition holds when the indicator is above."
    )

    @model_validator(mode="after")
    def _one_bound(self) -> Trigger:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of 'below' or 'above'")
        return self

    def holds(self, model: PolicyHooks) -> bool:
        """Whether the condition holds this month."""
        value = model.indicator(self.when)
        if self.below is not None:
            return value < self.below
        assert self.above is not None  # one of the two is set (validated)
        return value > self.above


#: Per model (weakly keyed), the policies that compose, grouped by their peer key.
_PEER_GROUPS: weakref.WeakKeyDictionary[Any, dict[Hashable, list[Policy]]] = (
    weakref.WeakKeyDictionary()
)


class Policy(BaseModel):
    """Base class of all policies; subclasses register themselves with :func:`register_policy`.

    Class attributes:
        policy_type: The name used in scenario files (``type:``).
        allow_multiple: Whether a scenario may hold several policies of this type.
        hooks: The model hooks (:data:`malisim.model.hooks.HOOKS`) that the policy's own
            methods use; the lifecycle adds :data:`LIFECYCLE_HOOKS`.
        sources: Where its effects come from (seed documents, references).
        controls: The parameters the policy sets to a value of its own while in force, each
            mapped to the setting that gives the value (see :meth:`controlled_parameters`).
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    policy_type: ClassVar[str] = ""
    allow_multiple: ClassVar[bool] = False
    hooks: ClassVar[tuple[str, ...]] = ()
    sources: ClassVar[tuple[str, ...]] = ()
    controls: ClassVar[Mapping[str, str]] = {}

    trigger: Trigger | None = setting(
        None,
        unit="condition",
        description="Optional condition on the model's state that starts the policy: "
        "{when: INDICATOR, below: X} or {when: INDICATOR, above: X}; the policy waits from its "
        "first month until the condition holds, and all its dates shift by the wait.",
    )
    _offset: int | None = PrivateAttr(default=None)
    _peers: list[Policy] | None = PrivateAttr(default=None)

    @classmethod
    def located_wording(cls) -> KeyWording:
        """How errors in scenario files speak of the policy's settings (see core.locate)."""
        return KeyWording(
            unknown=f"unknown setting of policy '{cls.policy_type}'",
            missing="missing required setting",
            keys=("type", *cls.model_fields),
            suggest_from={"unknown parameter": tuple(Parameters.model_fields)},
        )

    def controlled_parameters(self) -> dict[str, str]:
        """The parameters this policy overrides, each with the setting that gives its value.

        A setting left unset (e.g. Wagner's ``combat_power``) leaves its parameter to the
        scenario, so it controls nothing.
        """
        return {p: s for p, s in self.controls.items() if getattr(self, s, None) is not None}

    @classmethod
    def declared_hooks(cls) -> frozenset[str]:
        """Every hook the policy may use: its own ``hooks`` and the lifecycle's."""
        return frozenset(LIFECYCLE_HOOKS) | frozenset(cls.hooks)

    def month(self, name: str) -> int | None:
        """A month field as a month index, shifted when a trigger delayed the policy."""
        value = getattr(self, name)
        if value is None:
            return None
        return parse_month(value) + (self._offset or 0)

    def required_month(self, name: str) -> int:
        """A month field that must be set, as a month index (see :meth:`month`).

        Raises:
            ValueError: If the field is not set.
        """
        month = self.month(name)
        if month is None:
            raise ValueError(f"{self.policy_type}: {name} is not set")
        return month

    @property
    def started(self) -> bool:
        """Whether the policy is under way (always, unless a trigger has not fired yet)."""
        return self.trigger is None or self._offset is not None

    def step(self, model: PolicyHooks) -> None:
        """Called by the model each month: check the trigger, then :meth:`apply`."""
        if self.trigger is not None and self._offset is None:
            first = min(self.months().values(), default=model.month)
            if model.month < first or not self.trigger.holds(model):
                return
            self._offset = model.month - first
        self.apply(model)

    def date_fields(self) -> dict[str, str]:
        """Return the policy's month fields that are set (name -> ``YYYY-MM``)."""
        out = {}
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if value is not None and _is_month_field(field):
                out[name] = value
        return out

    def months(self) -> dict[str, int]:
        """Return the policy's set month fields as month indices."""
        return {k: parse_month(v) for k, v in self.date_fields().items()}

    def peer_key(self) -> Hashable | None:
        """The key of the policies that compose with this one (None: it composes with none).

        Policies of one model with equal keys are each other's :meth:`peers`; a subclass that
        allows several copies (``allow_multiple``) returns one, e.g. its type or its parameter.
        """
        return None

    def peers(self) -> list[Policy]:
        """This policy and the other policies of its model with the same :meth:`peer_key`.

        In the model's order; only this policy before :meth:`initialize` or without a key.
        """
        return self._peers if self._peers is not None else [self]

    def active_at(self, month: int) -> bool:
        """Whether the policy is in force in a month: started, and from ``start`` through ``end``.

        A policy without a ``start`` field is in force from its first month on, one without an
        ``end`` (or with ``end`` unset) until the end of the run; a trigger shifts both.
        """
        if not self.started:
            return False
        start = self.month("start") if "start" in type(self).model_fields else None
        end = self.month("end") if "end" in type(self).model_fields else None
        return (start is None or start <= month) and (end is None or month <= end)

    def initialize(self, model: PolicyHooks) -> None:
        """Prepare the policy when the model is built (default: reset the trigger).

        Also joins the policy to its peers in this model (see :meth:`peer_key`); a subclass that
        overrides this calls ``super().initialize(model)``.
        """
        self._offset = None
        self._peers = None
        key = self.peer_key()
        if key is None:
            return
        try:
            groups = _PEER_GROUPS.setdefault(model, {})
        except TypeError:  # a stand-in model that cannot be weakly referenced: no peers
            return
        group = groups.setdefault(key, [])
        if not any(p is self for p in group):  # policies compare by value: check identity
            group.append(self)
        self._peers = group

    def apply(self, model: PolicyHooks) -> None:
        """Act on the model at the start of the current month (default: nothing)."""

    def finalize(self, model: PolicyHooks) -> None:
        """Clean up at the end of the run (default: nothing)."""

    def to_dict(self) -> dict[str, Any]:
        """Return the ``{type: name, ...}`` mapping that rebuilds this policy."""
        return {"type": self.policy_type, **self.model_dump(mode="json", exclude_none=True)}


POLICY_REGISTRY: dict[str, type[Policy]] = {}


def register_policy(cls: type[Policy]) -> type[Policy]:
    """Class decorator adding a policy class to the registry under its ``policy_type``.

    Raises:
        ValueError: If the class has no ``policy_type``, the type is registered already, or
            ``hooks`` names something that is not a model hook.
    """
    if not cls.policy_type:
        raise ValueError(f"{cls.__name__} has no policy_type")
    unknown = sorted(set(cls.hooks) - set(HOOKS))
    if unknown:
        raise ValueError(
            f"{cls.__name__}.hooks names {unknown}, which are not model hooks; "
            f"the hooks are {', '.join(HOOKS)} (malisim.model.hooks.PolicyHooks)"
        )
    if cls.policy_type in POLICY_REGISTRY:
        raise ValueError(f"policy type {cls.policy_type!r} registered twice")
    POLICY_REGISTRY[cls.policy_type] = cls
    return cls


def policy_types() -> list[str]:
    """Return the registered policy type names, sorted."""
    return sorted(POLICY_REGISTRY)


def policy_from_dict(data: dict[str, Any]) -> Policy:
    """Build a policy from its ``{type: name, ...}`` mapping.

    Raises:
        KeyError: If ``type`` is missing or not a registered policy type.
        pydantic.ValidationError: If a setting is unknown, of the wrong type or out of range.
    """
    if "type" not in data:
        raise KeyError("type")
    cls = POLICY_REGISTRY[data["type"]]
    return cls.model_validate({k: v for k, v in data.items() if k != "type"})
