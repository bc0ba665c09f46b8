"""Experiment files: the schema and the loader, with errors located like the scenario loader's.

An experiment file is a YAML mapping (every key: ``docs/experiments.md``)::

    name: policy_comparison
    description: Four policy histories, 200 replicates each.
    scenarios:                        # scenario files, relative to this file's folder
      - ../scenarios/historical.yaml
      - ../scenarios/no_wagner.yaml
    replicates: 200                   # per scenario and design point
    seed: 20240601                    # root seed; replicate k uses replicate_seed(seed, k)
    start: 2019-01                    # optional: overrides every scenario's start / end
    end: 2026-12
    params: {n_civilian_agents: 50000}  # optional: parameter overrides for every scenario
    sweep:                            # optional: a full factorial ...
      grid: {fama_troops: [15000, 25000], policies.wagner_deployment.personnel: [500, 1500]}
      # ... or an explicit list:  points: [{fama_troops: 15000}, {fama_troops: 30000}]
    sample:                           # optional, instead of sweep: quasi-random sampling
      method: lhs                     # lhs (Latin hypercube) or sobol (n a power of two)
      n: 64
      seed: 3                         # optional; default: the experiment's seed
      ranges:                         # [low, high] within the schema's bounds, or `bounds`
        fama_troops: [15000, 30000]
        wagner_abuse_multiplier: bounds
    keep: {series: true, events: false}   # run-level scalars are always kept
    parameters: posterior             # optional: replicate k of every scenario uses posterior
                                      # draw k (the shipped posterior), or
                                      # {posterior: ../results/calibration} (a calibration's
                                      # output folder or posterior.parquet, inside this file's
                                      # folder tree)

``parameters`` (:mod:`malisim.experiment.posterior`): each draw replaces the values of the
calibrated layer; parameters a scenario file sets itself, and the experiment's ``params``,
``sweep`` and ``sample`` keys, keep their values; policies are unchanged. The posterior path is
read from this file's folder and must stay inside it (no absolute path, no ``..`` out of it, no
symbolic link out of it).

The ``name`` becomes the default results folder (``results/<name>``), so it must be a plain
folder name (letters, digits, ``_``, ``-``, ``.``; no path separator or ``..``). Sizes are
The experiment's ``start``, ``end`` and ``params`` apply after every scenario's own files, as
``malisim run --set`` or a child scenario file would: a shorter period truncates a scenario's
timeline (its policies dated after the new end never happen). Sizes are
limited and checked from their counts before anything is expanded: at most
:data:`~malisim.experiment.design.MAX_POINTS` (1,000,000) design points and
:data:`~malisim.experiment.design.MAX_RUNS` (10,000,000) runs (scenarios x points x replicates).

:func:`load_experiment` validates the file and returns an
:class:`~malisim.experiment.design.Experiment`. Every problem is a
:class:`~malisim.core.errors.UserError` of the form ``file:line: key: message; allowed: ...; did you
mean '...'?``; problems inside a scenario file are reported by the scenario loader, located in
that file.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from malisim.core.calendar import parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import (
    Locator,
    describe,
    error_from_pydantic,
    raise_validation,
    validate_section,
)
from malisim.core.yamlio import load_yaml_file
from malisim.experiment.design import (
    BASE_POINT,
    MAX_POINTS,
    MAX_RUNS,
    NAME_ALLOWED,
    DesignPoint,
    Experiment,
    apply_point,
    grid_points,
    grid_size,
    name_problem,
    point_id,
    runs_text,
    sample_points,
)
from malisim.experiment.executor_kinds import DEFAULT_EXECUTOR, ExecutorKind
from malisim.experiment.posterior import Posterior, load_posterior
from malisim.model.parameters import Parameters, parameter_specs
from malisim.policies import POLICY_REGISTRY, Month, RunEnd
from malisim.policies.base import setting_unit
from malisim.scenario import ResolvedScenario, load_scenario, load_scenario_with
from malisim.scenario.settings import (
    PATH_FORM,
    check_setting_value,
    is_policy_path,
    parse_policy_path,
    setting_bounds,
    setting_kind,
)

MAX_REPLICATES = 1_000_000


class ExperimentFile(BaseModel):
    """The top level of an experiment file (sections are validated by their own models)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name of the experiment (recorded in the manifest).")
    description: str = Field("", description="What the experiment is for.")
    scenarios: list[str] = Field(
        description="Scenario files, relative to the experiment file's folder."
    )
    replicates: int = Field(
        ge=1, le=MAX_REPLICATES, description="Replicates per scenario and design point."
    )
    seed: int = Field(ge=0, le=2**63 - 1, description="Root seed of the experiment.")
    start: Month | None = Field(None, description="First month for every scenario (YYYY-MM).")
    end: RunEnd | None = Field(
        None, description="Last month for every scenario (YYYY-MM; at the latest 2030-12)."
    )
    params: dict[str, Any] = Field(
        default_factory=dict, description="Parameter overrides applied to every scenario."
    )
    sweep: dict[str, Any] | None = Field(
        None,
        description="Sweep of parameters and policy settings: `grid: {key: [values]}` or "
        "`points: [{key: value, ...}, ...]`.",
    )
    sample: dict[str, Any] | None = Field(
        None, description="Quasi-random sample: method (lhs, sobol), n, seed, ranges."
    )
    keep: dict[str, Any] = Field(
        default_factory=dict, description="Outputs kept besides run-level scalars."
    )
    parameters: Any = Field(
        None,
        description="Parameter uncertainty: `posterior` (replicate k of every scenario uses "
        "draw k of the posterior shipped with the package, with seed k) or `{posterior: PATH}` "
        "(a calibration's output folder or its posterior.parquet, relative to this file's "
        "folder and inside it). Each draw replaces the calibrated layer's values; parameters a "
        "scenario file, `params`, `sweep` or `sample` set explicitly keep theirs; policies "
        "are unchanged. The design table records each run's draw (posterior_draw).",
    )


class SweepSection(BaseModel):
    """The ``sweep`` section: exactly one of ``grid`` and ``points``."""

    model_config = ConfigDict(extra="forbid")

    grid: dict[str, list[Any]] | None = Field(
        None, description="Parameter or policy setting (policies.<type>.<setting>) -> values."
    )
    points: list[dict[str, Any]] | None = Field(
        None, description="Explicit design points, each a mapping of keys as in grid to values."
    )


class SampleSection(BaseModel):
    """The ``sample`` section."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["lhs", "sobol"] = Field(description="lhs (Latin hypercube) or sobol.")
    n: int = Field(ge=1, le=MAX_POINTS, description="Number of design points.")
    seed: int | None = Field(None, ge=0, le=2**63 - 1, description="Seed of the sampler.")
    ranges: dict[str, Any] = Field(
        description="Parameter or policy setting -> [low, high] (months for a month setting) "
        "or `bounds`."
    )


class ExecutorSection(BaseModel):
    """Where simulations run: the batch machinery's executors (an ``executor`` file section).

    Calibration and sensitivity files use it; command-line options override it.
    """

    model_config = ConfigDict(extra="forbid")

    kind: ExecutorKind = Field(DEFAULT_EXECUTOR, description="Executor.")
    workers: int | None = Field(None, ge=1, description="Local worker processes.")
    scheduler: str | None = Field(None, description="Dask scheduler address.")
    dask_local: int | None = Field(None, ge=1, description="Workers of a local Dask cluster.")


class KeepSection(BaseModel):
    """The ``keep`` section."""

    model_config = ConfigDict(extra="forbid")

    series: bool = Field(False, description="Keep monthly national and regional series.")
    events: bool = Field(False, description="Keep the event logs.")


def _check_value(name: str, value: Any, path: tuple[Hashable, ...], where: Locator) -> Any:
    """Check one parameter value or policy setting (type and bounds) at ``path``; return it."""
    if is_policy_path(name):
        return check_setting_value(name, value, lambda _: where(*path))
    try:
        checked = Parameters.model_validate({name: value}, strict=True)
    except ValidationError as exc:
        err = error_from_pydantic(exc.errors(include_url=False)[0], Parameters, (), None, None)
        raise UserError(
            err.message, allowed=err.allowed, suggestion=err.suggestion, **where(*path)
        ) from None
    return getattr(checked, name)


def _check_name(name: Any, path: tuple[Hashable, ...], where: Locator) -> str:
    """Check a design key: a parameter name or a policy setting path (``policies.x.y``)."""
    if is_policy_path(name):
        parse_policy_path(name, lambda _: where(*path))
        return name
    if not isinstance(name, str) or name not in Parameters.model_fields:
        raise UserError(
            "unknown parameter",
            allowed=f"a parameter (docs/parameters.md) or a policy setting, {PATH_FORM}",
            suggestion=did_you_mean(name, Parameters.model_fields),
            **where(*path),
        )
    return name


def _low_high(value: Any, bounds: str, at: dict[str, Any]) -> tuple[float, float]:
    """A sample range written ``[low, high]`` (two numbers), or a located error.

    Raises:
        UserError: If ``value`` is not a list of two numbers (``at``: file, line and key).
    """
    if (
        not isinstance(value, list)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        raise UserError(
            f"expected [low, high] or the word bounds, got {value!r}",
            allowed=f"a range within {bounds}",
            **at,
        )
    return value[0], value[1]


def _setting_range(name: str, value: Any, path: tuple[Hashable, ...], where: Locator) -> Any:
    """The sample range of a policy setting: ``(low, high, kind)`` (months as month indices)."""
    parsed = parse_policy_path(name, lambda _: where(*path))
    cls = POLICY_REGISTRY[parsed.policy_type]
    kind = setting_kind(cls, parsed.setting)
    if kind == "month":
        shape = "[first month, last month], e.g. [2021-06, 2022-08]"
        if (
            not isinstance(value, list)
            or len(value) != 2
            or not all(isinstance(v, str) for v in value)
        ):
            raise UserError(f"expected {shape}, got {value!r}", **where(*path))
        try:
            low, high = (parse_month(v) for v in value)
        except ValueError as exc:
            raise UserError(str(exc), allowed=shape, **where(*path)) from None
        if low >= high:
            raise UserError(f"{value[0]} is not before {value[1]}", allowed=shape, **where(*path))
        return float(low), float(high), kind
    if kind not in ("int", "float"):
        raise UserError(
            f"{parsed.setting} of {parsed.policy_type} is not a number or a month: it cannot "
            "be sampled (list its values in a sweep instead)",
            **where(*path),
        )
    s_low, s_high = setting_bounds(cls, parsed.setting)
    bounds = (
        f"{s_low:g} to {s_high:g} {setting_unit(cls.model_fields[parsed.setting])}"
        if s_low is not None and s_high is not None
        else "any number"
    )
    if value == "bounds":
        if s_low is None or s_high is None:
            raise UserError("the setting has no bounds: give [low, high]", **where(*path))
        return float(s_low), float(s_high), kind
    low, high = _low_high(value, bounds, where(*path))
    inside = (s_low is None or s_low <= low) and (s_high is None or high <= s_high)
    if not (low < high and inside):
        problem = (
            f"low {low:g} is not below high {high:g}"
            if low >= high
            else f"[{low:g}, {high:g}] is outside the setting's bounds"
        )
        raise UserError(problem, allowed=f"a range within {bounds}", **where(*path))
    return float(low), float(high), kind


def _scenario_path(entry: str, index: int, base: Path, where: Locator) -> Path:
    """Find a scenario file named by the experiment (relative to the experiment's folder)."""
    path = Path(entry)
    full = path if path.is_absolute() else base / path
    if full.is_file():
        return full
    folder = full.parent
    names = (
        sorted(p.name for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))
        if folder.is_dir()
        else []
    )
    guess = did_you_mean(path.name, names) or did_you_mean(f"{path.name}.yaml", names)
    suggestion = str(Path(entry).parent / guess) if guess else None
    what = "is a directory, not a scenario file" if full.is_dir() else "scenario file not found"
    shown = ", ".join(names[:12]) + (", ..." if len(names) > 12 else "")
    raise UserError(
        f"{what} ({full})",
        allowed=f"files in {folder}: {shown}" if names else None,
        suggestion=suggestion,
        **where("scenarios", index),
    )


def _load_with_overrides(
    scenario_file: Path, entry: str, spec: ExperimentFile, where: Locator
) -> ResolvedScenario:
    """Load one scenario with the experiment's ``params``, ``start`` and ``end`` applied.

    They act as a last layer over the scenario's files, like ``malisim run --set`` or a child
    scenario file: a shorter period truncates the scenario's timeline.
    """
    if not (spec.params or spec.start or spec.end):
        return load_scenario(scenario_file)
    settings = {"start": spec.start, "end": spec.end, "params": spec.params}
    try:
        return load_scenario_with(
            scenario_file, settings, source=where.file or "", line_of=where.line_of
        )
    except UserError as err:
        if err.file != where.file:
            raise  # a problem of the scenario's own files
        raise err.reworded(f"{err.message}, for scenario {entry!r}") from None


def _check_size(n_points: int, spec: ExperimentFile, where: Locator, *path: Hashable) -> None:
    """Refuse more than MAX_POINTS design points or MAX_RUNS runs, from the counts alone."""
    if n_points > MAX_POINTS:
        raise UserError(
            f"too many design points: {n_points:,}",
            allowed=f"at most {MAX_POINTS:,} design points",
            **where(*path),
        )
    if len(spec.scenarios) * n_points * spec.replicates > MAX_RUNS:
        raise UserError(
            "too many runs: " + runs_text(len(spec.scenarios), n_points, spec.replicates),
            allowed=f"at most {MAX_RUNS:,} runs (fewer replicates, points or scenarios)",
            **where(*path),
        )


def _points(spec: ExperimentFile, where: Locator) -> list[DesignPoint]:
    """Build the design points of the ``sweep`` or ``sample`` section (sizes checked first)."""
    if spec.sweep is not None and spec.sample is not None:
        raise UserError(
            "use either sweep or sample, not both (put one of them in another experiment)",
            **where("sample"),
        )
    if spec.sweep is not None:
        sweep = validate_section(SweepSection, spec.sweep, ("sweep",), where)
        if (sweep.grid is None) == (sweep.points is None):
            raise UserError(
                "give exactly one of 'grid' (parameter -> values) and 'points' (a list of "
                "parameter mappings)",
                **where("sweep"),
            )
        if sweep.grid is not None:
            if not sweep.grid:
                raise UserError("the grid is empty", **where("sweep", "grid"))
            for name, values in sweep.grid.items():
                _check_name(name, ("sweep", "grid", name), where)
                if not values:
                    raise UserError("needs at least one value", **where("sweep", "grid", name))
            n_points = grid_size(sweep.grid)
            if n_points > MAX_POINTS:
                counts = " x ".join(str(len(v)) for v in sweep.grid.values())
                raise UserError(
                    f"the grid's {len(sweep.grid)} parameters with {counts} values give "
                    f"{n_points:,} design points",
                    allowed=f"at most {MAX_POINTS:,} design points",
                    **where("sweep", "grid"),
                )
            _check_size(n_points, spec, where, "sweep", "grid")
            grid: dict[str, list[Any]] = {}
            for name, values in sweep.grid.items():
                grid[name] = [
                    _check_value(name, v, ("sweep", "grid", name, i), where)
                    for i, v in enumerate(values)
                ]
            points = grid_points(grid)
        else:
            assert sweep.points is not None
            if not sweep.points:
                raise UserError("the list of points is empty", **where("sweep", "points"))
            _check_size(len(sweep.points), spec, where, "sweep", "points")
            points = []
            for i, item in enumerate(sweep.points):
                params = {}
                for name, value in item.items():
                    _check_name(name, ("sweep", "points", i, name), where)
                    params[name] = _check_value(name, value, ("sweep", "points", i, name), where)
                points.append(DesignPoint(point_id(i), params))
        return points
    if spec.sample is not None:
        sample = validate_section(SampleSection, spec.sample, ("sample",), where)
        if sample.method == "sobol" and sample.n & (sample.n - 1):
            low = 1 << (sample.n.bit_length() - 1)
            raise UserError(
                f"Sobol samples need a power of two, got n = {sample.n}",
                allowed=f"e.g. {low} or {low * 2}",
                **where("sample", "n"),
            )
        if not sample.ranges:
            raise UserError("no parameter to sample", **where("sample", "ranges"))
        _check_size(sample.n, spec, where, "sample", "n")
        specs = parameter_specs()
        ranges: dict[str, tuple[float, float]] = {}
        kinds: dict[str, str] = {}
        for name, value in sample.ranges.items():
            path = ("sample", "ranges", name)
            _check_name(name, path, where)
            if is_policy_path(name):
                low_, high_, kinds[name] = _setting_range(name, value, path, where)
                ranges[name] = (low_, high_)
                continue
            spec_ = specs[name]
            bounds = f"{spec_.low:g} to {spec_.high:g} {spec_.unit}"
            if value == "bounds":
                ranges[name] = (spec_.low, spec_.high)
                continue
            low, high = _low_high(value, bounds, where(*path))
            if not spec_.low <= low < high <= spec_.high:
                problem = (
                    f"low {low:g} is not below high {high:g}"
                    if low >= high
                    else f"[{low:g}, {high:g}] is outside the parameter's bounds"
                )
                raise UserError(problem, allowed=f"a range within {bounds}", **where(*path))
            ranges[name] = (float(low), float(high))
        seed = spec.seed if sample.seed is None else sample.seed
        return sample_points(sample.method, sample.n, ranges, seed, kinds)
    _check_size(1, spec, where, "replicates")
    return [DesignPoint(BASE_POINT, {})]


def _check_points(
    scenario: ResolvedScenario, points: list[DesignPoint], spec: ExperimentFile, where: Locator
) -> None:
    """Apply every design point to a scenario, errors located at the key that sets the value.

    A point may not set a parameter that a policy of the scenario controls, and its policy
    settings must suit the scenario's policy (it has one; the dates stay in order and in the
    run).
    """
    for i, point in enumerate(points):
        if spec.sweep is not None and spec.sweep.get("points") is not None:
            section: tuple[Hashable, ...] = ("sweep", "points", i)
        elif spec.sweep is not None:
            section = ("sweep", "grid")
        else:
            section = ("sample", "ranges")

        def at(key: str, section: tuple[Hashable, ...] = section) -> dict[str, Any]:
            return where(*section, key)

        try:
            apply_point(scenario, point.params, at)
        except UserError as err:
            values = ", ".join(f"{k} = {v}" for k, v in point.params.items())
            raise err.reworded(
                f"{err.message}; at design point {point.point_id} ({values}) of scenario "
                f"{scenario.name!r}"
            ) from None


PARAMETERS_ALLOWED = (
    "`parameters: posterior` (the shipped posterior) or `parameters: {posterior: PATH}` (a "
    "calibration's output folder or posterior.parquet, inside this file's folder)"
)


def _posterior(value: Any, base: Path, where: Locator) -> Posterior | None:
    """The posterior named by the ``parameters`` section (None without one).

    A path is read relative to the experiment file's folder and must stay inside it: absolute
    paths, ``~``, ``..`` that leaves the folder and symbolic links out of it are refused.
    """
    if value is None:
        return None
    if value == "posterior":
        return _read_posterior(None, where("parameters"))
    if not isinstance(value, dict) or list(value) != ["posterior"]:
        raise UserError(
            f"{describe(value)} is not a parameter source",
            allowed=PARAMETERS_ALLOWED,
            **where("parameters"),
        )
    raw = value["posterior"]
    at = where("parameters", "posterior")
    if not isinstance(raw, str) or not raw.strip() or any(ord(c) < 32 for c in raw):
        raise UserError(f"{describe(raw)} is not a path", allowed=PARAMETERS_ALLOWED, **at)
    if Path(raw).is_absolute() or raw.startswith("~"):
        raise UserError(f"{describe(raw)} is an absolute path", allowed=PARAMETERS_ALLOWED, **at)
    root = base.resolve()
    full = (base / raw).resolve()
    if full != root and root not in full.parents:
        raise UserError(
            f"{describe(raw)} leads outside the experiment file's folder ({root})",
            allowed="a path inside the experiment file's folder tree (copy or link the "
            "calibration's folder there)",
            **at,
        )
    return _read_posterior(full, at)


def _read_posterior(path: Path | None, at: dict[str, Any]) -> Posterior:
    """Load a posterior; its errors name the posterior file and the experiment's line."""
    try:
        return load_posterior(path, key=at.get("key"))
    except UserError as err:
        if err.file and at.get("file"):
            where_named = f"{at['file']}:{at['line']}" if at.get("line") else at["file"]
            raise err.reworded(f"{err.message} (named at {where_named})", line=None) from None
        raise


def load_experiment(path: str | Path) -> Experiment:
    """Load and validate an experiment file and the scenario files it names.

    Args:
        path: The experiment file.

    Returns:
        The experiment, with every scenario resolved and the design points drawn.

    Raises:
        UserError: For any problem with the experiment file or a scenario file.
    """
    file = str(path)
    data, line_of = load_yaml_file(file)
    where = Locator(file, line_of)
    if "scenarios" in data and data["scenarios"] == []:
        raise UserError("needs at least one scenario file", **where("scenarios"))
    spec: ExperimentFile = validate_section(ExperimentFile, data, (), where)
    problem = name_problem(spec.name)
    if problem is not None:
        raise UserError(
            f"experiment name {spec.name!r} {problem}", allowed=NAME_ALLOWED, **where("name")
        )
    if spec.params:
        try:
            Parameters.model_validate(spec.params, strict=True)
        except ValidationError as exc:
            raise_validation(exc, Parameters, ("params",), file, line_of)
    if spec.start and spec.end and parse_month(spec.end) < parse_month(spec.start):
        raise UserError(
            f"{spec.end} is before start {spec.start}",
            allowed=f"{spec.start} or later",
            **where("end"),
        )
    keep = validate_section(KeepSection, spec.keep, ("keep",), where)
    points = _points(spec, where)

    base = Path(file).parent
    scenarios: list[ResolvedScenario] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(spec.scenarios):
        scenario_file = _scenario_path(entry, i, base, where)
        scenario = _load_with_overrides(scenario_file, entry, spec, where)
        if scenario.name in seen:
            raise UserError(
                f"scenario {scenario.name!r} is already in the experiment (scenarios"
                f"[{seen[scenario.name]}]); run ids need unique scenario names",
                **where("scenarios", i),
            )
        seen[scenario.name] = i
        scenarios.append(scenario)
    for scenario in scenarios:
        _check_points(scenario, points, spec, where)
    posterior = _posterior(spec.parameters, base, where)
    return Experiment(
        name=spec.name,
        description=spec.description,
        scenarios=scenarios,
        points=points,
        replicates=spec.replicates,
        seed=spec.seed,
        keep_series=keep.series,
        keep_events=keep.events,
        source=file,
        posterior=posterior,
        explicit_params=tuple(spec.params),
    )
