"""Policy settings by path: ``policies.<type>.<setting>``, and the parameters policies control.

A policy setting of a resolved scenario is addressed by a path: ``policies.wagner_deployment.
personnel`` or ``policies.french_withdrawal.drawdown_start``; when a scenario holds several
policies of one type (``ecowas_sanctions``, ``aid_suspension``, ...), ``policies.
ecowas_sanctions[1].start`` names the second of them in the scenario's order (0-based).
``--set`` overrides (:mod:`malisim.scenario.resolve`) and an experiment's sweeps and samples
(:mod:`malisim.experiment.design`) reach policy settings this way: :func:`apply_policy_settings`
returns the scenario with new values, validated by the policy itself (types, bounds, the order
of its dates) and against the run period.

A parameter that a policy of the scenario sets to a value of its own
(:meth:`~malisim.policies.Policy.controlled_parameters`) is not overridden as a parameter:
:func:`check_not_controlled` refuses it, naming the policy and the path of the setting to change
instead (the scenario's value would only apply outside the policy's months, a silent trap).
"""

from __future__ import annotations

import re
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from malisim.core.calendar import parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import describe, error_from_pydantic
from malisim.policies import POLICY_REGISTRY, Month, Policy, policy_types
from malisim.policies.base import setting_unit
from malisim.scenario.resolved import ResolvedScenario

#: The first part of a policy setting's path.
PREFIX = "policies"
#: The form of a path, for error messages.
PATH_FORM = "policies.<type>.<setting> or policies.<type>[<i>].<setting>"
_PATH_RE = re.compile(r"policies\.(?P<type>[^.\[\]]+)(?:\[(?P<index>\d+)\])?\.(?P<setting>[^.]+)")
_MONTH_CHECK = Month.__metadata__[0]

#: Where an error is: a function of the path giving ``file``/``line``/``key`` keyword arguments.
Where = Callable[[str], dict[str, Any]]


def is_policy_path(key: Any) -> bool:
    """Whether a key addresses a policy setting (starts with ``policies.``)."""
    return isinstance(key, str) and key.startswith(f"{PREFIX}.")


@dataclass(frozen=True)
class PolicyPath:
    """A parsed ``policies.<type>[<i>].<setting>`` path.

    Attributes:
        text: The path as written.
        policy_type: The policy type.
        index: Which policy of that type (0-based, in the scenario's order); None if not given.
        setting: The setting's name.
    """

    text: str
    policy_type: str
    index: int | None
    setting: str


def _key_where(path: str) -> dict[str, Any]:
    return {"key": path}


def parse_policy_path(text: str, where: Where = _key_where) -> PolicyPath:
    """Parse and check a policy setting path against the policy registry.

    Args:
        text: ``policies.<type>.<setting>`` or ``policies.<type>[<i>].<setting>``.
        where: Location of errors (default: the path as the key).

    Returns:
        The parsed path.

    Raises:
        UserError: A malformed path, an unknown policy type or an unknown setting.
    """
    match = _PATH_RE.fullmatch(text)
    if match is None:
        raise UserError("not a policy setting path", allowed=PATH_FORM, **where(text))
    kind, setting = match["type"], match["setting"]
    if kind not in POLICY_REGISTRY:
        types = policy_types()
        raise UserError(
            f"unknown policy type {describe(kind)}",
            allowed=", ".join(types),
            suggestion=did_you_mean(kind, types),
            **where(text),
        )
    fields = POLICY_REGISTRY[kind].model_fields
    if setting not in fields or setting == "trigger":
        names = [n for n in fields if n != "trigger"]
        raise UserError(
            f"unknown setting of policy '{kind}'",
            allowed=", ".join(names),
            suggestion=did_you_mean(setting, names),
            **where(text),
        )
    index = int(match["index"]) if match["index"] is not None else None
    return PolicyPath(text, kind, index, setting)


def is_month_setting(cls: type[Policy], name: str) -> bool:
    """Whether a policy setting is a month (``YYYY-MM``), optional or not."""
    info = cls.model_fields[name]
    if any(m is _MONTH_CHECK for m in info.metadata):
        return True
    stack = [info.annotation]
    while stack:
        tp = stack.pop()
        if any(m is _MONTH_CHECK for m in getattr(tp, "__metadata__", ())):
            return True
        stack.extend(typing.get_args(tp))
    return False


def setting_kind(cls: type[Policy], name: str) -> str:
    """What values a setting takes: ``month``, ``int``, ``float``, ``bool`` or ``other``."""
    if is_month_setting(cls, name):
        return "month"
    args = {a for a in typing.get_args(cls.model_fields[name].annotation) if a is not type(None)}
    annotation = cls.model_fields[name].annotation
    kinds = args or {annotation}
    for tp, word in ((bool, "bool"), (int, "int"), (float, "float")):
        if kinds == {tp}:
            return word
    return "other"


def setting_bounds(cls: type[Policy], name: str) -> tuple[float | None, float | None]:
    """The lower and upper bounds (``ge``/``le``) of a numeric setting, None where unbounded."""
    low = high = None
    for meta in cls.model_fields[name].metadata:
        low = getattr(meta, "ge", low)
        high = getattr(meta, "le", high)
    return low, high


def _matching(scenario: ResolvedScenario, path: PolicyPath, where: Where) -> tuple[int, Policy]:
    """The position in ``scenario.policies`` and the policy that a path names."""
    found = [(i, p) for i, p in enumerate(scenario.policies) if p.policy_type == path.policy_type]
    if not found:
        present = sorted({p.policy_type for p in scenario.policies})
        raise UserError(
            f"scenario {scenario.name!r} has no '{path.policy_type}' policy",
            allowed="a policy of the scenario: " + (", ".join(present) or "(it has none)"),
            **where(path.text),
        )
    if path.index is None:
        if len(found) > 1:
            choices = ", ".join(
                f"[{k}] ({', '.join(f'{a} {b}' for a, b in p.date_fields().items())})"
                for k, (_, p) in enumerate(found)
            )
            raise UserError(
                f"scenario {scenario.name!r} has {len(found)} '{path.policy_type}' policies: "
                "say which",
                allowed=f"policies.{path.policy_type}[<i>].{path.setting} with i one of {choices}",
                **where(path.text),
            )
        return found[0]
    if path.index >= len(found):
        raise UserError(
            f"scenario {scenario.name!r} has {len(found)} '{path.policy_type}' "
            f"polic{'y' if len(found) == 1 else 'ies'}",
            allowed=f"an index from 0 to {len(found) - 1}",
            **where(path.text),
        )
    return found[path.index]


def policy_setting(scenario: ResolvedScenario, path: str) -> Any:
    """The current value of a policy setting of a scenario (``policies.<type>.<setting>``).

    Raises:
        UserError: If the path is malformed or names no policy of the scenario.
    """
    parsed = parse_policy_path(path)
    _, policy = _matching(scenario, parsed, _key_where)
    return getattr(policy, parsed.setting)


def apply_policy_settings(
    scenario: ResolvedScenario,
    settings: Mapping[str, Any],
    where: Where = _key_where,
) -> ResolvedScenario:
    """Return the scenario with policy settings changed (fresh policy instances).

    Each value is validated by the policy itself (type, bounds, the order of its dates, e.g. a
    ``drawdown_start`` after its ``drawdown_end``), and a month must lie within the run.

    Args:
        scenario: A resolved scenario.
        settings: Path (``policies.<type>[<i>].<setting>``) -> new value.
        where: Location of errors, from the path (default: the path as the key).

    Returns:
        A copy of the scenario (the scenario itself when ``settings`` is empty).

    Raises:
        UserError: A bad path, a policy the scenario does not have, or a bad value.
    """
    if not settings:
        return scenario
    changes: dict[int, dict[str, Any]] = {}
    paths: dict[int, list[str]] = {}
    for text, value in settings.items():
        path = parse_policy_path(text, where)
        position, _ = _matching(scenario, path, where)
        changes.setdefault(position, {})[path.setting] = value
        paths.setdefault(position, []).append(text)
    policies = list(scenario.policies)
    first, last = scenario.start_month, scenario.end_month
    for position, values in changes.items():
        old = policies[position]
        cls = type(old)
        data = {**old.model_dump(), **values}
        at = where(paths[position][0])
        try:
            new = cls.model_validate(data)
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            loc = error.get("loc") or ()
            name = str(loc[0]) if loc else ""
            text = next((t for t in paths[position] if t.endswith(f".{name}")), None)
            err = error_from_pydantic(error, cls, (), None, None)
            raise err.reworded(
                f"{err.message} (policy {old.policy_type})",
                **(where(text) if text is not None else at),
            ) from None
        for name, value in values.items():
            if value is None or not is_month_setting(cls, name):
                continue
            if not first <= parse_month(value) <= last:
                text = next(t for t in paths[position] if t.endswith(f".{name}"))
                raise UserError(
                    f"{value} is outside the run ({scenario.start} to {scenario.end})",
                    allowed=f"a month from {scenario.start} to {scenario.end}",
                    **where(text),
                )
        policies[position] = new
    return replace(scenario, policies=policies)


def controlling_policies(scenario: ResolvedScenario) -> dict[str, list[tuple[int, Policy, str]]]:
    """Parameter -> the policies of the scenario that set it, with their setting's path.

    Returns:
        For each controlled parameter, ``(position, policy, path)`` in the scenario's order,
        ``path`` being ``policies.<type>.<setting>`` (with ``[<i>]`` when the scenario holds
        several policies of that type).
    """
    counts: dict[str, int] = {}
    for p in scenario.policies:
        counts[p.policy_type] = counts.get(p.policy_type, 0) + 1
    seen: dict[str, int] = {}
    out: dict[str, list[tuple[int, Policy, str]]] = {}
    for position, policy in enumerate(scenario.policies):
        kind = policy.policy_type
        k = seen.get(kind, 0)
        seen[kind] = k + 1
        index = f"[{k}]" if counts[kind] > 1 else ""
        for name, setting in policy.controlled_parameters().items():
            out.setdefault(name, []).append((position, policy, f"{PREFIX}.{kind}{index}.{setting}"))
    return out


def check_not_controlled(
    scenario: ResolvedScenario,
    values: Mapping[str, Any],
    where: Where = _key_where,
    *,
    how: str = "--set",
) -> None:
    """Refuse parameter overrides that a policy of the scenario would override in turn.

    Args:
        scenario: The resolved scenario.
        values: Parameter name -> the value given.
        where: Location of errors, from the parameter's name.
        how: How the user gives a setting, for the suggestion (``--set`` or ``sweep``).

    Raises:
        UserError: Naming the policy (and its dates) and the path of the setting to change.
    """
    controlled = controlling_policies(scenario)
    for name, value in values.items():
        if name not in controlled:
            continue
        policies = controlled[name]
        _, policy, path = policies[0]
        dates = ", ".join(f"{k} {v}" for k, v in policy.date_fields().items())
        others = f" (and {len(policies) - 1} more)" if len(policies) > 1 else ""
        shown = value if not isinstance(value, str) else repr(value)
        instead = f"--set {path}={shown}" if how == "--set" else f"{path} in the {how}"
        raise UserError(
            f"{name} is set by the scenario's {policy.policy_type} policy ({dates}){others}, "
            "so a value here would only apply outside the policy's months",
            allowed=f"set the policy's setting instead: {instead}; or use a scenario without "
            f"the policy (exclude_policies: [{policy.policy_type}])",
            **where(name),
        )


def split_settings(values: Iterable[tuple[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``(key, value)`` pairs into parameter values and policy settings (by path)."""
    params: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    for key, value in values:
        (settings if is_policy_path(key) else params)[key] = value
    return params, settings


def check_setting_value(path: str, value: Any, where: Where = _key_where) -> Any:
    """Check a value for a policy setting on its own (type, bounds, month), as a file's would be.

    What depends on the policy's other settings (the order of its dates) and on the scenario
    (the run period) is checked when the value is applied (:func:`apply_policy_settings`).

    Args:
        path: The setting's path (``policies.<type>[<i>].<setting>``).
        value: The value.
        where: Location of errors, from the path.

    Returns:
        The value as the setting holds it (e.g. a whole number of months as an int).

    Raises:
        UserError: A bad path, a value of the wrong type or out of bounds, or not a month.
    """
    parsed = parse_policy_path(path, where)
    cls = POLICY_REGISTRY[parsed.policy_type]
    info = cls.model_fields[parsed.setting]
    adapter = TypeAdapter(Annotated[info.annotation, info])  # type: ignore[valid-type]
    try:
        return adapter.validate_python(value, strict=True)
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        kind = setting_kind(cls, parsed.setting)
        low, high = setting_bounds(cls, parsed.setting)
        unit = setting_unit(info)
        if kind == "month":
            allowed = "a month YYYY-MM, e.g. 2022-01"
        elif low is not None and high is not None:
            allowed = f"{low:g} to {high:g} {unit}".strip()
        elif low is not None or high is not None:
            allowed = f"at least {low:g} {unit}" if low is not None else f"at most {high:g} {unit}"
        else:
            allowed = None
        message = error.get("msg", "invalid value").removeprefix("Value error, ")
        raise UserError(
            f"{describe(value)} is not a valid {parsed.setting}: {message}",
            allowed=allowed,
            **where(path),
        ) from None
