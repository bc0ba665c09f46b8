"""The JSON schema of scenario files, for editors (shipped as ``schemas/scenario.schema.json``).

Generated from the :class:`~malisim.scenario.files.Scenario` model, the parameter schema and the
policy registry by :func:`scenario_json_schema`; ``scripts/gen_docs.py`` writes it and a test
fails when the shipped file is out of date.
"""

from __future__ import annotations

import json
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from malisim.model.parameters import Parameters
from malisim.policies import POLICY_REGISTRY, Month, RunEnd, policy_types
from malisim.scenario.files import Scenario

_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_MONTH_CHECK = Month.__metadata__[0]  # the AfterValidator that makes a str a Month
_RUN_END_CHECK = RunEnd.__metadata__[0]  # the one that makes a str the last month of a run


def _is_month_field(info: Any) -> bool:
    """Return whether a pydantic field is a :data:`~malisim.policies.Month` (optional or not)."""
    checks = (_MONTH_CHECK, _RUN_END_CHECK)
    if any(m in checks for m in info.metadata):
        return True
    stack = [info.annotation]
    while stack:
        tp = stack.pop()
        if any(m in checks for m in getattr(tp, "__metadata__", ())):
            return True
        stack.extend(typing.get_args(tp))
    return False


def _mark_months(model: type[BaseModel], schema: dict[str, Any]) -> None:
    """Add the ``YYYY-MM`` pattern to the month fields of a model's schema."""
    props = schema.get("properties", {})
    for name, info in model.model_fields.items():
        if name in props and _is_month_field(info):
            props[name]["pattern"] = _MONTH_PATTERN


def scenario_json_schema() -> dict[str, Any]:
    """Return a JSON schema of scenario files for editors.

    ``params`` lists every parameter with its bounds, default, unit and description; each item
    of ``policies`` is one of the registered policy classes, told apart by a ``type`` constant.

    Returns:
        The schema (JSON Schema draft 2020-12) as a mapping.
    """
    schema = Scenario.model_json_schema()
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    _mark_months(Scenario, schema)
    props = schema["properties"]

    param_props = {}
    for name, prop in Parameters.model_json_schema()["properties"].items():
        param_props[name] = {k: v for k, v in prop.items() if k != "title"}
    props["params"] = {
        "description": props["params"]["description"],
        "type": "object",
        "properties": param_props,
        "additionalProperties": False,
    }

    refs = []
    for kind in policy_types():
        cls = POLICY_REGISTRY[kind]
        sub = cls.model_json_schema(ref_template="#/$defs/{model}")
        for def_name, def_schema in sub.pop("$defs", {}).items():
            if defs.get(def_name, def_schema) != def_schema:
                raise ValueError(f"conflicting schema definitions named {def_name!r}")
            defs[def_name] = def_schema
        _mark_months(cls, sub)
        sub["properties"] = {
            "type": {"const": kind, "description": "Policy type."},
            **sub.get("properties", {}),
        }
        sub["required"] = ["type", *sub.get("required", [])]
        sub["additionalProperties"] = False
        def_name = f"policy_{kind}"
        defs[def_name] = sub
        refs.append({"$ref": f"#/$defs/{def_name}"})
    props["policies"] = {
        "description": props["policies"]["description"],
        "type": "array",
        "items": {"oneOf": refs},
    }
    props["exclude_policies"]["items"] = {"enum": policy_types()}
    if not defs:
        del schema["$defs"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "malisim scenario",
        "description": "A malisim scenario file. Generated from malisim.scenario.files by "
        "write_scenario_schema(); do not edit by hand.",
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def scenario_schema_text() -> str:
    """:func:`scenario_json_schema` as the text of the shipped schema file (indented JSON)."""
    return json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n"


def write_scenario_schema(path: str | Path) -> None:
    """Write :func:`scenario_schema_text` to a file (UTF-8)."""
    text = scenario_schema_text()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(text, encoding="utf-8")
