"""What a scenario file changes relative to its parent (``malisim describe --diff``).

:func:`parent_of` resolves the scenario a file extends (the defaults when it extends none);
:func:`scenario_diff` lists, line by line, what differs between two resolved scenarios: name,
description, period, each parameter (old -> new, with its unit), and the policies (removed
``-``, added ``+``, and for policies of one type that both hold as many of, the settings that
changed ``~``). :func:`policy_yaml` writes a policy as one line of YAML, as a scenario file
would hold it.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from malisim.core.errors import UserError
from malisim.model.parameters import parameter_specs
from malisim.policies import Policy
from malisim.scenario.resolve import load_scenario, parent_file, scenario_from_dict
from malisim.scenario.resolved import ResolvedScenario


def policy_yaml(policy: Policy | dict[str, Any]) -> str:
    """A policy as one line of flow-style YAML: ``{type: wagner_deployment, start: 2021-12}``."""
    data = policy.to_dict() if isinstance(policy, Policy) else dict(policy)
    return yaml.safe_dump(
        data, default_flow_style=True, sort_keys=False, width=10_000, allow_unicode=True
    ).strip()


def parent_of(path: str | Path) -> ResolvedScenario:
    """The scenario a file extends, resolved; the defaults (no policies) if it extends none.

    Raises:
        UserError: If the file or its parent is not a valid scenario.
    """
    parent = parent_file(path)
    if parent is None:
        return scenario_from_dict({"name": "defaults"}, source="defaults")
    return load_scenario(parent)


def _value(value: Any) -> str:
    return (
        yaml.safe_dump(value, default_flow_style=True, width=10_000)
        .strip()
        .removesuffix("\n...")
        .removesuffix(" ...")
    )


def _policy_lines(old: list[Policy], new: list[Policy]) -> Iterable[str]:
    types = list(dict.fromkeys([p.policy_type for p in old] + [p.policy_type for p in new]))
    for kind in types:
        before = [p.to_dict() for p in old if p.policy_type == kind]
        after = [p.to_dict() for p in new if p.policy_type == kind]
        if before == after:
            continue
        if len(before) == len(after):
            for i, (a, b) in enumerate(zip(before, after, strict=True)):
                if a == b:
                    continue
                label = f"{kind}[{i}]" if len(before) > 1 else kind
                for key in dict.fromkeys([*a, *b]):
                    if a.get(key) != b.get(key):
                        shown_a = "(unset)" if key not in a else _value(a[key])
                        shown_b = "(unset)" if key not in b else _value(b[key])
                        yield f"  ~ policies.{label}.{key}: {shown_a} -> {shown_b}"
            continue
        for item in before:
            if item not in after:
                yield f"  - {policy_yaml(item)}"
        for item in after:
            if item not in before:
                yield f"  + {policy_yaml(item)}"


def scenario_diff(parent: ResolvedScenario, child: ResolvedScenario) -> list[str]:
    """The differences between two resolved scenarios, one indented line each.

    Args:
        parent: The scenario compared against (e.g. :func:`parent_of`).
        child: The scenario.

    Returns:
        Lines such as ``  end: 2026-12 -> 2024-12``, ``  params.fama_troops: 20000 -> 25000
        troops``, ``  - {type: wagner_deployment, ...}`` (a policy removed), ``  + {...}`` (added)
        and ``  ~ policies.french_withdrawal.drawdown_start: 2022-02 -> 2022-05``; empty when
        nothing differs.
    """
    if not isinstance(parent, ResolvedScenario) or not isinstance(child, ResolvedScenario):
        raise UserError("scenario_diff compares two resolved scenarios")
    lines = []
    for key in ("name", "description", "start", "end"):
        a, b = getattr(parent, key), getattr(child, key)
        if a != b:
            if key == "description":
                lines.append("  description: changed")
            else:
                lines.append(f"  {key}: {a} -> {b}")
    old, new = parent.parameters.model_dump(), child.parameters.model_dump()
    for name, spec in parameter_specs().items():
        if old[name] != new[name]:
            lines.append(f"  params.{name}: {old[name]:g} -> {new[name]:g} {spec.unit}")
    lines += list(_policy_lines(parent.policies, child.policies))
    return lines
