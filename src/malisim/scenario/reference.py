"""The reference page of scenario files (``docs/scenarios.md``), generated from the schemas.

:func:`scenarios_markdown` writes every key of a scenario file (from
:class:`~malisim.scenario.files.Scenario`), how ``extends`` and ``exclude_policies`` combine
files, the paths of policy settings for ``--set`` and sweeps, the trigger syntax (from
:class:`~malisim.policies.Trigger`), and every registered policy with each setting's meaning,
unit, bounds and default (from :func:`~malisim.policies.base.setting` declarations) and the
parameters it controls. ``scripts/gen_docs.py`` writes the page; a test fails when it drifts.
"""

from __future__ import annotations

from typing import Any

from malisim.model.hooks import INDICATORS
from malisim.policies import POLICY_REGISTRY, Trigger, policy_types
from malisim.policies.base import setting_unit
from malisim.scenario.files import Scenario
from malisim.scenario.settings import is_month_setting, setting_bounds, setting_kind


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def default_text(field: Any) -> str:
    """A field's default as the docs show it: ``required``, ``unset`` or the value."""
    if field.is_required():
        return "required"
    value = field.get_default(call_default_factory=True)
    if value is None:
        return "unset"
    if value == "":
        return '""'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    if isinstance(value, float) and value.is_integer():
        return f"{value:g}"
    return str(value)


def bounds_words(cls: type, name: str) -> str:
    """A setting's bounds in words (``0 to 5000``, ``YYYY-MM``, ``-``)."""
    if is_month_setting(cls, name):
        return "YYYY-MM, within the run"
    low, high = setting_bounds(cls, name)
    if low is None and high is None:
        return "-"
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    return f">= {low:g}" if low is not None else f"<= {high:g}"


_SCENARIO_EXAMPLE = """\
```yaml
name: wagner_2020
description: Wagner arrives in January 2020 with 2,000 men, and France stays.
extends: historical              # a scenario file in the same folder
end: 2024-12
params:                          # parameter overrides (docs/parameters.md)
  fama_troops: 25000
exclude_policies: [french_withdrawal, wagner_deployment]
policies:
  - {type: wagner_deployment, start: 2020-01, personnel: 2000}
```"""

_RESOLUTION = """\
A scenario is resolved along its `extends` chain, root first: a child's `params` override its
parent's key by key; `name`, `description`, `start` and `end` come from the nearest file that sets
them; a child's `policies` are appended to the inherited ones, after `exclude_policies` has
removed every inherited policy of the types it lists (an exclusion that matches no inherited
policy is an error). `extends` names a file of the same folder, with or without `.yaml`. A policy
date outside the run period as its own file sees it is an error; a child (or `--set`, or an
experiment) that shortens the run truncates the inherited timeline instead.

`malisim describe FILE` prints the resolved scenario; `malisim describe FILE --diff` only what
the file changes relative to its parent."""

_PATHS = """\
`--set` (and an experiment's `sweep` and `sample`) reach a policy's setting by its path:
`policies.<type>.<setting>`, e.g. `--set policies.wagner_deployment.personnel=2000` or
`--set policies.french_withdrawal.drawdown_start=2022-05`; when the scenario holds several
policies of one type, `policies.<type>[<i>].<setting>` names the `i`-th of them (0-based, in the
order of the resolved scenario, e.g. `policies.ecowas_sanctions[1].end`). The value is checked
as in a file: type, bounds, the order of the policy's dates, and months within the run.

A parameter that a policy of the scenario sets to a value of its own (the policy's *controls*
below) cannot be overridden as a parameter: `--set wagner_personnel=2000` on a scenario with a
`wagner_deployment` policy is refused, since the policy would override it during its months and
the value would only apply outside them. Change the policy's setting, or use a scenario that
excludes the policy."""


def _trigger_section() -> list[str]:
    lines = [
        "## Triggers",
        "",
        "Every policy accepts `trigger`: a condition on the model's state that starts it. The "
        "policy waits from its first month until the condition holds; from the month it first "
        "holds, its whole timeline shifts by the wait (its first date becomes that month, and "
        "every later date keeps its distance).",
        "",
        "```yaml",
        "- {type: jihadist_dialogue, start: 2021-01, trigger: {when: control_state, below: 0.4}}",
        "```",
        "",
        "| key | meaning |",
        "|---|---|",
    ]
    for name, field in Trigger.model_fields.items():
        lines.append(f"| `{name}` | {_cell(field.description or '')} |")
    lines += [
        "",
        "Give exactly one of `below` and `above` (a finite number). The indicators: "
        + ", ".join(f"`{i}`" for i in INDICATORS)
        + ".",
    ]
    return lines


def _policy_section(kind: str) -> list[str]:
    cls = POLICY_REGISTRY[kind]
    doc = (cls.__doc__ or "").strip()
    paragraphs = [p.strip().replace("\n", " ") for p in doc.split("\n\n") if p.strip()]
    paragraphs = [
        " ".join(p.split()).replace("``", "`") for p in paragraphs if not p.startswith("Hooks:")
    ]
    lines = [f"### `{kind}`", "", *(f"{p}\n" for p in paragraphs)]
    lines.append(
        "Several may overlap in one scenario (see above how they compose)."
        if cls.allow_multiple
        else "At most one per scenario."
    )
    if cls.controls:
        controls = ", ".join(f"`{p}` (by `{s}`)" for p, s in cls.controls.items())
        lines.append(f"Controls the parameters {controls}.")
    elif kind == "parameter_schedule":
        lines.append("An `absolute` schedule controls its `parameter` (by `value`).")
    lines += ["", "| setting | meaning | unit | bounds | default |", "|---|---|---|---|---|"]
    for name, field in cls.model_fields.items():
        if name == "trigger":
            continue
        kind_word = setting_kind(cls, name)
        unit = setting_unit(field) or kind_word
        lines.append(
            f"| `{name}` | {_cell(field.description or '')} | {_cell(unit)} | "
            f"{_cell(bounds_words(cls, name))} | {_cell(default_text(field))} |"
        )
    lines.append(
        "| `trigger` | Optional start condition (see [Triggers](#triggers)). | condition | - | "
        "unset |"
    )
    if cls.sources:
        lines += ["", "Sources: " + "; ".join(_cell(s) for s in cls.sources) + "."]
    return [*lines, ""]


def scenarios_markdown() -> str:
    """The text of ``docs/scenarios.md`` (without a final newline)."""
    lines = [
        "# Scenario files",
        "",
        "<!-- Generated by scripts/gen_docs.py from malisim.scenario.files, the policy registry "
        "and its setting declarations; do not edit by hand. -->",
        "",
        "A scenario file is a YAML mapping: a period, parameter overrides and dated policies. "
        "The files shipped in `scenarios/` are examples; `schemas/scenario.schema.json` lets an "
        "editor check a file as you type, and `malisim validate FILE` checks it fully.",
        "",
        _SCENARIO_EXAMPLE,
        "",
        "## Keys",
        "",
        "| key | meaning | default |",
        "|---|---|---|",
    ]
    for name, field in Scenario.model_fields.items():
        default = default_text(field)
        if name in ("start", "end"):
            default = "2019-01" if name == "start" else "2026-12"
            default += " (or the parent's)"
        lines.append(f"| `{name}` | {_cell(field.description or '')} | {_cell(default)} |")
    lines += ["", "## `extends` and `exclude_policies`", "", _RESOLUTION, ""]
    lines += ["## Policy settings by path, and the parameters policies control", "", _PATHS, ""]
    lines += [*_trigger_section(), "", "## Policies", ""]
    lines.append(
        "Each item of `policies` is a mapping with `type` and the policy's settings; months are "
        "`YYYY-MM`; ramps are linear between their dates. Unset optional settings leave the "
        "scenario's parameters alone."
    )
    lines.append("")
    for kind in policy_types():
        lines += _policy_section(kind)
    return "\n".join(lines).rstrip()
