"""Resolution of scenarios: ``extends`` chains, ``exclude_policies``, ``--set`` overrides.

:func:`load_scenario` reads a file, follows its ``extends`` chain (a child's params override its
parent's key by key; its policies are appended to the parent's after ``exclude_policies``;
name, description, start and end come from the nearest file that sets them), applies ``--set``
overrides and returns a :class:`ResolvedScenario`; :func:`scenario_from_dict` does the same for
a mapping. What no single file can check is checked on the merged result: a run period that ends
before it starts, policies that may appear once, policy dates outside the run as each file sees
it, exclusions of policies that are not inherited. Every problem is a located
:class:`~malisim.core.errors.UserError`.

``extends`` is confined to the extending file's own folder, the scenario search path: it names
a scenario file there, with or without its ``.yaml``/``.yml`` ending (``extends: historical``).
Absolute paths, folders (``../x`` and subfolders such as ``variants/x`` alike) and symbolic
links whose target lies outside the folder are refused before anything is read; a mapping
resolved with :func:`scenario_from_dict` uses its ``base_dir`` as that folder. Every refusal,
and a named file that is no scenario (not YAML, not a mapping), is reported at the extending
file's ``extends`` key (``file.yaml:LINE: extends: ...``) without quoting the named file.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from malisim.core.calendar import DEFAULT_END, DEFAULT_START, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import Locator, describe, raise_validation
from malisim.core.yamlio import LineOf, load_yaml_file, parse_yaml_text
from malisim.model.parameters import Parameters
from malisim.policies import Month, Policy, RunEnd
from malisim.scenario.files import Scenario, build_policy, check_params, validate_scenario
from malisim.scenario.resolved import ResolvedScenario
from malisim.scenario.settings import (
    PATH_FORM,
    apply_policy_settings,
    check_not_controlled,
    is_policy_path,
    parse_policy_path,
)

#: The name of the ``--set`` overrides in error messages (where a file name would be).
SET_SOURCE = "--set"


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
        """``file``, ``line`` and ``key`` of a key path of this layer."""
        return Locator(self.file, self.line_of)(*path)


def _layer(scn: Scenario, file: str, line_of: LineOf | None, base_dir: Path) -> _Layer:
    values = {k: getattr(scn, k) for k in ("name", "description", "start", "end")}
    values = {k: v for k, v in values.items() if k in scn.model_fields_set and v is not None}
    return _Layer(file, scn, line_of, base_dir, set(values), {**values, "params": scn.params})


#: File name endings of a scenario file that ``extends`` may name.
SCENARIO_SUFFIXES = (".yaml", ".yml")


def _extends_refusal(layer: _Layer, ref: str, why: str) -> UserError:
    """The error for an ``extends`` value that names no file of the extending file's folder."""
    return UserError(
        f"{describe(ref)} {why}",
        allowed=f"the name of a scenario file in {layer.base_dir} (e.g. 'historical' or "
        "'historical.yaml'), without folders",
        **layer.where("extends"),
    )


def _find_parent(layer: _Layer) -> Path:
    """Return the file named by a layer's ``extends``, confined to the layer's folder.

    ``extends`` names a scenario file of the extending file's own folder, with or without its
    ``.yaml``/``.yml`` ending: no absolute path, no folder (neither ``..`` nor a subfolder),
    and a symbolic link only if its target is in the same folder. Nothing else is read.
    """
    assert layer.scenario is not None and layer.scenario.extends is not None
    ref = layer.scenario.extends
    base = layer.base_dir
    if Path(ref).is_absolute():
        raise _extends_refusal(layer, ref, "is an absolute path")
    if any(sep in ref for sep in ("/", "\\", os.sep)) or ref in ("", ".", ".."):
        raise _extends_refusal(layer, ref, "names a file outside this file's folder")
    if any(ord(c) < 32 for c in ref):
        raise _extends_refusal(layer, ref, "is not a file name")
    target = Path(ref)
    if target.suffix in SCENARIO_SUFFIXES:
        candidates = [base / target]
    else:
        candidates = [base / f"{ref}{suffix}" for suffix in SCENARIO_SUFFIXES]
    for cand in candidates:
        if cand.is_file():
            if cand.resolve().parent != base.resolve():
                raise _extends_refusal(
                    layer, ref, "is a symbolic link to a file outside this file's folder"
                )
            return Path(os.path.normpath(cand))
    names = sorted({p.stem for p in base.glob("*.y*ml") if p.suffix in SCENARIO_SUFFIXES})
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    raise UserError(
        f"cannot find the scenario '{ref}' to extend (looked for {candidates[0]})",
        allowed=f"scenarios in {base}: {shown}" if names else None,
        suggestion=did_you_mean(target.stem, names),
        **layer.where("extends"),
    )


def _read_parent(layer: _Layer, path: Path) -> tuple[dict[str, Any], LineOf]:
    """Read the file a layer extends; a file that is no scenario is blamed on ``extends``.

    The reader's own message is kept unless it would quote the file (a top level that is a
    single value), so that no content of an extended file is ever echoed.
    """
    try:
        return load_yaml_file(path)
    except UserError as err:
        reason = err.message
        if reason.startswith("top level must be a mapping"):
            reason = "its top level is not a mapping of keys to values"
        at = f"{path}:{err.line}" if err.line else str(path)
        raise UserError(
            f"{describe(layer.scenario.extends if layer.scenario else '')} ({at}) is not a "
            f"scenario file: {reason}",
            **layer.where("extends"),
        ) from None


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
        data, line_of = _read_parent(current, path)
        scn = validate_scenario(data, str(path), line_of)
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

    parameters = check_params(params, layers[-1].file, None)
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
        policy = build_policy(origin.data, origin.index, layer.file, layer.line_of)
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
        _check_scaled_value(policy, parameters, layer.where("policies", origin.index, "value"))
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


def _check_scaled_value(policy: Policy, parameters: Parameters, where: dict[str, Any]) -> None:
    """Refuse a ``multiply`` parameter schedule that takes its parameter past its bounds.

    The factor is checked against the scenario's own value of the parameter (the value it
    multiplies while no other schedule of the parameter is in force), so that the run does not
    stop with an out-of-bounds error in the month the schedule starts.

    Raises:
        UserError: At the schedule's ``value``, with the allowed factors.
    """
    if policy.policy_type != "parameter_schedule" or getattr(policy, "mode", "") != "multiply":
        return
    from malisim.model.parameters import parameter_specs

    name = str(policy.parameter)
    factor = float(policy.value)
    spec = parameter_specs()[name]
    base = float(getattr(parameters, name))
    scaled = base * factor
    if spec.low <= scaled <= spec.high:
        return
    allowed = (
        f"a factor from {spec.low / base:g} to {spec.high / base:g} (the parameter's bounds "
        f"{spec.low:g} to {spec.high:g} {spec.unit}, over the scenario's value {base:g})"
        if base > 0
        else f"any factor (the scenario's value is {base:g})"
    )
    raise UserError(
        f"multiplying {name} ({base:g} in this scenario) by {factor:g} gives {scaled:g}, "
        "outside the parameter's bounds",
        allowed=allowed,
        **where,
    )


# --------------------------------------------------------------------------------------------
# --set overrides


class _Overrides(BaseModel):
    """The settings a ``--set`` may change, validated like a file's."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    start: Month | None = None
    end: RunEnd | None = None


_SET_KEYS = ("name", "description", "start", "end")


def _override_layer(overrides: Iterable[str]) -> _Layer:
    """Parse ``--set KEY=VALUE`` strings into a layer applied after all files."""
    values: dict[str, Any] = {}
    params: dict[str, Any] = {}
    settings: dict[str, Any] = {}
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
        if is_policy_path(key):
            parse_policy_path(key, lambda path: {"file": SET_SOURCE, "key": path})
        elif parts[0] == "params" and len(parts) == 2:
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
                allowed=f"name, description, start, end, params.<parameter>, {PATH_FORM}",
                suggestion=suggestion,
                **where,
            )
        try:
            value, _ = parse_yaml_text(raw, SET_SOURCE)
        except UserError as err:
            raise UserError(err.message, **where) from None
        if key == "name" and not (isinstance(value, str) and value.strip()):
            raise UserError("must be non-empty text", allowed="e.g. name=my_scenario", **where)
        if key == "description" and value is None:
            value = ""  # `--set description=` (or =null) clears the description
        if is_policy_path(key):
            settings[key] = value
        elif len(parts) == 2:
            params[parts[1]] = value
        else:
            values[key] = value
    try:
        checked = _Overrides.model_validate(values)
    except ValidationError as exc:
        raise_validation(exc, _Overrides, (), SET_SOURCE, None)
    check_params(params, SET_SOURCE, None)
    values = {k: getattr(checked, k) for k in values}
    layer_values = {**values, "params": params, "policy_settings": settings}
    return _Layer(SET_SOURCE, None, None, Path.cwd(), set(values), layer_values)


def _resolve_with_overrides(layers: Sequence[_Layer]) -> ResolvedScenario:
    """Resolve layers whose last one may be overrides (``--set``, an experiment's settings).

    The overrides' parameters must not be parameters that a policy of the scenario controls;
    their policy settings (``policies.<type>.<setting>``) are applied to the resolved policies.
    """
    scenario = _resolve(layers)
    last = layers[-1]
    if last.scenario is not None:
        return scenario

    def where(name: str) -> dict[str, Any]:
        return last.where(*(("params", name) if not is_policy_path(name) else (name,)))

    check_not_controlled(scenario, last.values.get("params") or {}, where)
    return apply_policy_settings(scenario, last.values.get("policy_settings") or {}, where)


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
    scn = validate_scenario(data, file, line_of)
    first = _layer(scn, file, line_of, Path(file).parent)
    layers = _chain(first, [(Path(file).resolve(), file)])
    overrides = list(overrides)
    if overrides:
        layers.append(_override_layer(overrides))
    return _resolve_with_overrides(layers)


def load_scenario_with(
    path: str | Path,
    settings: Mapping[str, Any],
    *,
    source: str,
    line_of: LineOf | None = None,
) -> ResolvedScenario:
    """Load a scenario file with settings applied after all its files, as a child file's are.

    An experiment's ``start``, ``end`` and ``params`` use this, so that a shorter period
    truncates the scenario's timeline (a policy dated after the new end simply never happens),
    exactly as ``malisim run --end`` or a child scenario file does.

    Args:
        path: The scenario file.
        settings: Any of ``start`` and ``end`` (``YYYY-MM``) and ``params`` (parameter name ->
            value) that the other file sets.
        source: The other file (named in error messages about its settings).
        line_of: Lines of that file's keys, for error messages.

    Returns:
        The resolved scenario; its ``source_files`` are the scenario's files only.

    Raises:
        UserError: For any problem with the files, or with the settings against the scenario
            (e.g. an ``end`` before the scenario's start), located in ``source``.
    """
    file = str(path)
    data, file_line_of = load_yaml_file(file)
    scn = validate_scenario(data, file, file_line_of)
    first = _layer(scn, file, file_line_of, Path(file).parent)
    layers = _chain(first, [(Path(file).resolve(), file)])
    files = [layer.file for layer in layers]
    values = {k: settings[k] for k in ("start", "end") if settings.get(k) is not None}
    params = dict(settings.get("params") or {})
    check_params(params, source, line_of)
    last = _Layer(source, None, line_of, Path.cwd(), set(values), {**values, "params": params})
    layers.append(last)
    return replace(_resolve_with_overrides(layers), source_files=files)


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
    scn = validate_scenario(data, source, None)
    base = Path.cwd() if base_dir is None else Path(base_dir)
    first = _layer(scn, source, None, base)
    layers = _chain(first, [(Path(base, source).resolve(), source)])
    overrides = list(overrides)
    if overrides:
        layers.append(_override_layer(overrides))
    return _resolve_with_overrides(layers)


def parent_file(path: str | Path) -> Path | None:
    """The file a scenario file extends (confined to its folder), or None if it extends none.

    Raises:
        UserError: If the file is not a valid scenario, or its ``extends`` names no scenario
            file of its folder.
    """
    file = str(path)
    data, line_of = load_yaml_file(file)
    scn = validate_scenario(data, file, line_of)
    if scn.extends is None:
        return None
    return _find_parent(_layer(scn, file, line_of, Path(file).parent))


def parameter_shorthand(overrides: Iterable[str]) -> list[str]:
    """Accept ``NAME=VALUE`` for a parameter as shorthand for ``params.NAME=VALUE``.

    Args:
        overrides: ``KEY=VALUE`` strings as given on the command line.

    Returns:
        The same strings, a bare parameter name prefixed with ``params.``.
    """
    out = []
    for text in overrides:
        key, sep, value = text.partition("=")
        if sep and key.strip() in Parameters.model_fields:
            text = f"params.{key.strip()}={value}"
        out.append(text)
    return out


def resolve_scenario(path: str | Path | None, overrides: Iterable[str] = ()) -> ResolvedScenario:
    """Resolve a scenario file, or the default parameters when ``path`` is None, with overrides.

    This is what the command line does with its ``SCENARIO`` argument and ``--set`` options: a
    bare parameter name is accepted for ``params.NAME`` (:func:`parameter_shorthand`).

    Args:
        path: A scenario file, or None for a scenario named ``defaults`` with no policies.
        overrides: ``KEY=VALUE`` strings applied last.

    Returns:
        The resolved scenario.

    Raises:
        UserError: For any problem with the file or the overrides.
    """
    overrides = parameter_shorthand(overrides)
    if path is None:
        return scenario_from_dict({"name": "defaults"}, source="defaults", overrides=overrides)
    return load_scenario(path, overrides)
