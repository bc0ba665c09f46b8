"""Scenario files: the file model, the loader (``extends`` chains, ``--set`` overrides), the schema.

A scenario file is a YAML mapping::

    name: history_without_french
    description: History, but France stays.
    extends: history                 # a file in the same folder, with or without .yaml
    start: 2019-01                   # optional; default 2019-01
    end: 2026-12                     # optional; default 2026-12
    params:                          # overrides of malisim.model.parameters.Parameters
      fama_troops: 25000
    policies:                        # built through the policy registry by `type`
      - {type: parameter_schedule, parameter: aid_budget, start: 2021-01, value: 10}
    exclude_policies: [french_withdrawal]   # inherited policy types to drop

:func:`load_scenario` reads a file, follows its ``extends`` chain (a child's params override its
parent's key by key; its policies are appended to the parent's after ``exclude_policies``;
name, description, start and end come from the nearest file that sets them), applies ``--set``
overrides and returns a :class:`ResolvedScenario`. Every problem is raised as a
:class:`~malisim.core.errors.UserError` naming the file, line and key path, what is allowed, and a
suggestion for typos.
"""

from __future__ import annotations

import json
import os
import typing
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    model_validator,
)

from malisim.core.calendar import DEFAULT_END, DEFAULT_START, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import TypeWord, describe, raise_validation
from malisim.core.yamlio import LineOf, format_key_path, load_yaml_file, parse_yaml_text
from malisim.model.parameters import Parameters
from malisim.policies import POLICY_REGISTRY, Month, Policy, policy_from_dict, policy_types

SET_SOURCE = "--set"
_MONTH_PATTERN = r"^\d{4}-(0[1-9]|1[0-2])$"
_MONTH_CHECK = Month.__metadata__[0]  # the AfterValidator that makes a str a Month
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
        description="Scenario this one builds on: a path relative to this file's folder, with "
        "or without .yaml (e.g. the name of a shipped scenario in the same folder).",
    )
    start: Month | None = Field(None, description="First month of the run (YYYY-MM).")
    end: Month | None = Field(None, description="Last month of the run (YYYY-MM), inclusive.")
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
        _check_content(self, context.get("file"), context.get("line_of"))
        return self


@dataclass
class ResolvedScenario:
    """A scenario with its ``extends`` chain and overrides merged, ready to run.

    Attributes:
        name: Scenario name.
        description: Scenario description.
        start: First month (``YYYY-MM``).
        end: Last month (``YYYY-MM``), inclusive.
        parameters: The full, validated parameter set.
        policies: Fresh policy instances, parents' first.
        source_files: The files read, root of the ``extends`` chain first (not compared).
    """

    name: str
    description: str
    start: str
    end: str
    parameters: Parameters
    policies: list[Policy]
    source_files: list[str] = field(default_factory=list, compare=False)

    @property
    def start_month(self) -> int:
        """First month as a month index."""
        return parse_month(self.start)

    @property
    def end_month(self) -> int:
        """Last month as a month index."""
        return parse_month(self.end)

    @property
    def n_months(self) -> int:
        """Number of months in the run (start and end included)."""
        return self.end_month - self.start_month + 1

    def overrides(self) -> dict[str, Any]:
        """Return the parameters that differ from their defaults."""
        values = self.parameters.model_dump()
        defaults = {name: f.default for name, f in Parameters.model_fields.items()}
        return {k: v for k, v in values.items() if v != defaults[k]}

    def to_dict(self) -> dict[str, Any]:
        """Return a plain mapping that :func:`scenario_from_dict` turns back into this scenario."""
        return {
            "name": self.name,
            "description": self.description,
            "start": self.start,
            "end": self.end,
            "params": self.overrides(),
            "policies": [p.to_dict() for p in self.policies],
        }


# --------------------------------------------------------------------------------------------
# checks of one file


def _check_params(params: dict[str, Any], file: str | None, line_of: LineOf | None) -> Parameters:
    try:
        return Parameters.model_validate(params, strict=True)
    except ValidationError as exc:
        raise_validation(exc, Parameters, ("params",), file, line_of)


def _build_policy(
    data: dict[str, Any], index: int, file: str | None, line_of: LineOf | None
) -> Policy:
    """Build one policy of a file through the registry, with located errors."""
    loc: tuple[Hashable, ...] = ("policies", index)

    def where(*extra: Hashable) -> dict[str, Any]:
        path = (*loc, *extra)
        return {
            "file": file,
            "line": line_of(path) if line_of else None,
            "key": format_key_path(path),
        }

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


def _check_content(scn: Scenario, file: str | None, line_of: LineOf | None) -> None:
    """Check what a Scenario's types do not: parameters, policies, exclusions, start <= end."""

    def where(*path: Hashable) -> dict[str, Any]:
        return {
            "file": file,
            "line": line_of(path) if line_of else None,
            "key": format_key_path(path),
        }

    _check_params(scn.params, file, line_of)
    for i, data in enumerate(scn.policies):
        _build_policy(data, i, file, line_of)
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


def _validate_scenario(data: Any, file: str | None, line_of: LineOf | None) -> Scenario:
    if not isinstance(data, dict):
        raise UserError(f"a scenario must be a mapping, got {describe(data)}", file=file)
    try:
        return Scenario.model_validate(data, context={"file": file, "line_of": line_of})
    except ValidationError as exc:
        raise_validation(exc, Scenario, (), file, line_of)


# --------------------------------------------------------------------------------------------
# extends chains and resolution


@dataclass
class _Layer:
    """One source of settings: a file, a mapping, or the ``--set`` overrides."""

    file: str
    scenario: Scenario | None
    line_of: LineOf | None
    base_dir: Path
    fields_set: set[str]
    values: dict[str, Any]  # name/description/start/end/params set by this layer

    def where(self, *path: Hashable) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line_of(path) if self.line_of else None,
            "key": format_key_path(path),
        }


def _layer(scn: Scenario, file: str, line_of: LineOf | None, base_dir: Path) -> _Layer:
    values = {k: getattr(scn, k) for k in ("name", "description", "start", "end")}
    values = {k: v for k, v in values.items() if k in scn.model_fields_set and v is not None}
    return _Layer(file, scn, line_of, base_dir, set(values), {**values, "params": scn.params})


def _find_parent(layer: _Layer) -> Path:
    """Return the file named by a layer's ``extends``."""
    assert layer.scenario is not None and layer.scenario.extends is not None
    ref = layer.scenario.extends
    base = layer.base_dir
    target = Path(ref)
    if target.suffix in (".yaml", ".yml"):
        candidates = [base / target]
    else:
        candidates = [base / f"{ref}.yaml", base / f"{ref}.yml", base / target]
    for cand in candidates:
        if cand.is_file():
            return Path(os.path.normpath(cand))
    names = sorted({p.stem for p in base.glob("*.y*ml") if p.suffix in (".yaml", ".yml")})
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    raise UserError(
        f"cannot find the scenario '{ref}' to extend (looked for {candidates[0]})",
        allowed=f"scenarios in {base}: {shown}" if names else None,
        suggestion=did_you_mean(target.stem, names),
        **layer.where("extends"),
    )


def _chain(first: _Layer, stack: list[tuple[Path, str]]) -> list[_Layer]:
    """Return the layers of an ``extends`` chain, root first, ending with ``first``."""
    layers = [first]
    current = first
    while current.scenario is not None and current.scenario.extends is not None:
        path = _find_parent(current)
        real = path.resolve()
        if any(real == seen for seen, _ in stack):
            names = [shown for seen, shown in stack]
            start = next(i for i, (seen, _) in enumerate(stack) if seen == real)
            cycle = " -> ".join([*names[start:], str(path)])
            raise UserError(f"circular extends: {cycle}", **current.where("extends"))
        stack.append((real, str(path)))
        data, line_of = load_yaml_file(path)
        scn = _validate_scenario(data, str(path), line_of)
        current = _layer(scn, str(path), line_of, path.parent)
        layers.insert(0, current)
    return layers


@dataclass
class _Origin:
    """Where a policy of the resolved scenario comes from."""

    layer: _Layer
    index: int
    data: dict[str, Any]


def _resolve(layers: Sequence[_Layer]) -> ResolvedScenario:
    """Merge layers (root first) into a ResolvedScenario and check the result."""
    chosen: dict[str, tuple[Any, _Layer]] = {}
    params: dict[str, Any] = {}
    origins: list[_Origin] = []
    for layer in layers:
        for key in ("name", "description", "start", "end"):
            if key in layer.fields_set:
                chosen[key] = (layer.values[key], layer)
        params.update(layer.values.get("params") or {})
        scn = layer.scenario
        if scn is None:
            continue
        if scn.exclude_policies:
            inherited = {o.data["type"] for o in origins}
            parent = origins[-1].layer.file if origins else "the scenarios it extends"
            for i, kind in enumerate(scn.exclude_policies):
                if kind not in inherited:
                    raise UserError(
                        f"nothing to exclude: no '{kind}' policy is inherited",
                        allowed=", ".join(sorted(inherited)) or f"none (no policies in {parent})",
                        **layer.where("exclude_policies", i),
                    )
            excluded = set(scn.exclude_policies)
            origins = [o for o in origins if o.data["type"] not in excluded]
        origins += [_Origin(layer, i, d) for i, d in enumerate(scn.policies)]

    if "name" not in chosen:
        last = layers[-1]
        raise UserError("missing required key", **last.where("name"))
    start, start_layer = chosen.get("start", (DEFAULT_START, None))
    end, end_layer = chosen.get("end", (DEFAULT_END, None))
    if parse_month(end) < parse_month(start):
        # blame the nearer of the two settings
        order = {id(layer): i for i, layer in enumerate(layers)}
        s_rank = order.get(id(start_layer), -1)
        e_rank = order.get(id(end_layer), -1)
        if e_rank >= s_rank:
            assert end_layer is not None
            note = (
                f" (start set in {start_layer.file})"
                if start_layer not in (None, end_layer)
                else ""
            )
            raise UserError(
                f"{end} is before start {start}{note}",
                allowed=f"{start} or later",
                **end_layer.where("end"),
            )
        assert start_layer is not None
        note = " (the default end)" if end_layer is None else ""
        if end_layer not in (None, start_layer):
            note = f" (end set in {end_layer.file})"
        raise UserError(
            f"{start} is after end {end}{note}",
            allowed=f"{end} or earlier",
            **start_layer.where("start"),
        )

    parameters = _check_params(params, layers[-1].file, None)
    # Each policy's dates are checked against the run period as its own file sees it (that
    # file and the files it extends); a child file or --set that shortens the run truncates
    # the inherited timeline instead of invalidating it.
    period_of: dict[int, tuple[str, str, _Layer | None, _Layer | None]] = {}
    seen_start, seen_end = (DEFAULT_START, None), (DEFAULT_END, None)
    for layer in layers:
        if "start" in layer.fields_set:
            seen_start = (layer.values["start"], layer)
        if "end" in layer.fields_set:
            seen_end = (layer.values["end"], layer)
        period_of[id(layer)] = (seen_start[0], seen_end[0], seen_start[1], seen_end[1])
    policies: list[Policy] = []
    single: dict[str, _Origin] = {}
    for origin in origins:
        layer = origin.layer
        policy = _build_policy(origin.data, origin.index, layer.file, layer.line_of)
        kind = policy.policy_type
        if not type(policy).allow_multiple:
            if kind in single:
                other = single[kind]
                line = (
                    other.layer.line_of(("policies", other.index)) if other.layer.line_of else None
                )
                at = f"line {line}" if other.layer is layer and line else other.layer.file
                if other.layer is not layer and line:
                    at += f":{line}"
                raise UserError(
                    f"only one '{kind}' policy is allowed; another is at {at}",
                    **layer.where("policies", origin.index, "type"),
                )
            single[kind] = origin
        own_start, own_end, own_start_layer, own_end_layer = period_of[id(layer)]
        first, last = parse_month(own_start), parse_month(own_end)
        for key, value in policy.date_fields().items():
            month = parse_month(value)
            if first <= month <= last:
                continue
            before = month < first
            set_by = own_start_layer if before else own_end_layer
            note = ", the default" if set_by is None else ""
            if set_by is not None and set_by is not layer:
                note = f", set in {set_by.file}"
            relation = (
                f"before the run starts ({own_start}"
                if before
                else f"after the run ends ({own_end}"
            )
            raise UserError(
                f"{kind} {key} {value} is {relation}{note})",
                allowed=f"{own_start} to {own_end}",
                **layer.where("policies", origin.index, key),
            )
        policies.append(policy)

    return ResolvedScenario(
        name=chosen["name"][0],
        description=chosen.get("description", ("", None))[0],
        start=start,
        end=end,
        parameters=parameters,
        policies=policies,
        source_files=[layer.file for layer in layers],
    )


# --------------------------------------------------------------------------------------------
# --set overrides


class _Overrides(BaseModel):
    """The settings a ``--set`` may change, validated like a file's."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    start: Month | None = None
    end: Month | None = None


_SET_KEYS = ("name", "description", "start", "end")


def _override_layer(overrides: Iterable[str]) -> _Layer:
    """Parse ``--set KEY=VALUE`` strings into a layer applied after all files."""
    values: dict[str, Any] = {}
    params: dict[str, Any] = {}
    for text in overrides:
        key, sep, raw = str(text).partition("=")
        key = key.strip()
        if not sep or not key:
            raise UserError(
                f"expected KEY=VALUE, e.g. params.fama_troops=30000; got {text!r}",
                file=SET_SOURCE,
            )
        parts = key.split(".")
        where = {"file": SET_SOURCE, "key": key}
        if parts[0] == "params" and len(parts) == 2:
            if parts[1] not in Parameters.model_fields:
                raise UserError(
                    "unknown parameter",
                    suggestion=did_you_mean(parts[1], Parameters.model_fields),
                    **where,
                )
        elif not (len(parts) == 1 and parts[0] in _SET_KEYS):
            candidates = [*_SET_KEYS, *(f"params.{p}" for p in Parameters.model_fields)]
            suggestion = (
                f"params.{key}" if key in Parameters.model_fields else did_you_mean(key, candidates)
            )
            raise UserError(
                "unknown setting",
                allowed="name, description, start, end, params.<parameter>",
                suggestion=suggestion,
                **where,
            )
        try:
            value, _ = parse_yaml_text(raw, SET_SOURCE)
        except UserError as err:
            raise UserError(err.message, **where) from None
        if len(parts) == 2:
            params[parts[1]] = value
        else:
            values[key] = value
    try:
        checked = _Overrides.model_validate(values)
    except ValidationError as exc:
        raise_validation(exc, _Overrides, (), SET_SOURCE, None)
    _check_params(params, SET_SOURCE, None)
    values = {k: getattr(checked, k) for k in values}
    return _Layer(SET_SOURCE, None, None, Path.cwd(), set(values), {**values, "params": params})


# --------------------------------------------------------------------------------------------
# public API


def load_scenario(path: str | Path, overrides: Iterable[str] = ()) -> ResolvedScenario:
    """Load a scenario file, resolve its ``extends`` chain and apply ``--set`` overrides.

    Args:
        path: The scenario file.
        overrides: ``KEY=VALUE`` strings such as ``params.fama_troops=30000``, ``start=2020-01``,
            ``end=2022-12`` or ``name=foo``; values are read as YAML scalars and validated
            like file values. They apply after every file.

    Returns:
        The resolved scenario.

    Raises:
        UserError: For any problem with the files or the overrides.
    """
    file = str(path)
    data, line_of = load_yaml_file(file)
    scn = _validate_scenario(data, file, line_of)
    first = _layer(scn, file, line_of, Path(file).parent)
    layers = _chain(first, [(Path(file).resolve(), file)])
    overrides = list(overrides)
    if overrides:
        layers.append(_override_layer(overrides))
    return _resolve(layers)


def scenario_from_dict(
    data: dict[str, Any],
    *,
    source: str = "<dict>",
    base_dir: str | Path | None = None,
    overrides: Iterable[str] = (),
) -> ResolvedScenario:
    """Resolve a scenario given as a mapping (e.g. the output of ``ResolvedScenario.to_dict``).

    Args:
        data: The scenario mapping, with the keys of a scenario file.
        source: The name used for it in error messages.
        base_dir: Folder against which ``extends`` is resolved (default: the working folder).
        overrides: ``KEY=VALUE`` strings applied last, as in :func:`load_scenario`.

    Returns:
        The resolved scenario.

    Raises:
        UserError: For any problem with the mapping (or the files it extends).
    """
    scn = _validate_scenario(data, source, None)
    base = Path.cwd() if base_dir is None else Path(base_dir)
    first = _layer(scn, source, None, base)
    layers = _chain(first, [(Path(base, source).resolve(), source)])
    overrides = list(overrides)
    if overrides:
        layers.append(_override_layer(overrides))
    return _resolve(layers)


def validate_files(
    paths: Iterable[str | Path],
) -> list[tuple[str | Path, ResolvedScenario | UserError]]:
    """Load each scenario file and return its resolved scenario or the error it raised.

    Args:
        paths: Scenario files (for ``malisim validate FILE...``).

    Returns:
        ``(path, result)`` pairs in the order given.
    """
    results: list[tuple[str | Path, ResolvedScenario | UserError]] = []
    for path in paths:
        try:
            results.append((path, load_scenario(path)))
        except UserError as err:
            results.append((path, err))
    return results


# --------------------------------------------------------------------------------------------
# JSON schema


def _is_month_field(info: Any) -> bool:
    """Return whether a pydantic field is a :data:`~malisim.policies.Month` (optional or not)."""
    if any(m is _MONTH_CHECK for m in info.metadata):
        return True
    stack = [info.annotation]
    while stack:
        tp = stack.pop()
        if any(m is _MONTH_CHECK for m in getattr(tp, "__metadata__", ())):
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
