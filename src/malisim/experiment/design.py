"""The design of an experiment: scenarios x design points x replicates, with stable ids and seeds.

An :class:`Experiment` is built either from an experiment file (:func:`malisim.experiment.config.
load_experiment`) or directly in Python, which is how calibration and sensitivity analysis use
the batch machinery::

    from malisim.experiment import Experiment
    from malisim.scenario import load_scenario

    exp = Experiment(
        name="fama_sweep",
        scenarios=[load_scenario("scenarios/historical.yaml")],
        points=[{"fama_troops": 15_000}, {"fama_troops": 30_000}],   # or DesignPoint objects
        replicates=20,
        seed=7,
    )
    exp.runs()          # RunSpec objects in design order
    exp.design_frame()  # the table written to design.parquet

Runs are identified by ``run_id = f"{scenario}|{point_id}|{replicate}"`` and their seed is
``replicate_seed(seed, replicate)``: it depends on the replicate index only, so replicate ``k`` of
every scenario and design point shares its seed (common random numbers), and adding scenarios,
points or replicates never changes the seed, or the results, of an existing run.

*Design order* is scenario, then point, then replicate (the order of the final tables);
*execution order* is replicate-major (:meth:`Experiment.execution_order`), so that a partial
batch holds comparable replicates of every scenario.

Point generators: :func:`grid_points` (a full factorial), :func:`sample_points` (Latin hypercube
or scrambled Sobol samples through :mod:`scipy.stats.qmc`, scaled to parameter ranges).

Limits: an experiment has at most :data:`MAX_POINTS` (1,000,000) design points and
:data:`MAX_RUNS` (10,000,000) runs (scenarios x points x replicates); sizes are checked from
their counts (:func:`grid_size`) before anything is expanded. An experiment's name becomes its
default results folder (``results/<name>``), so an experiment file's name must be a plain folder
name (:func:`name_problem`, :data:`NAME_ALLOWED`).
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import math
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from malisim.core.calendar import format_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.rng import replicate_seed
from malisim.experiment.posterior import Posterior
from malisim.model.parameters import Parameters, parameter_specs
from malisim.scenario import ResolvedScenario
from malisim.scenario.settings import (
    apply_policy_settings,
    check_not_controlled,
    is_policy_path,
    parse_policy_path,
    split_settings,
)

#: Point id of the single design point of an experiment without sweep or sample.
BASE_POINT = "base"
#: Columns of the design table before the parameter columns.
DESIGN_ID_COLUMNS: tuple[str, ...] = (
    "index",
    "run_id",
    "scenario",
    "point_id",
    "replicate",
    "seed",
    "fingerprint",
)
_INT_COLUMNS = frozenset({"index", "replicate", "seed", "posterior_draw"})
#: Column of the design table naming the posterior row a run used (experiments with a
#: posterior only; :mod:`malisim.experiment.posterior`).
POSTERIOR_DRAW_COLUMN = "posterior_draw"

#: Most design points of an experiment (a sweep's grid is counted before it is expanded).
MAX_POINTS = 1_000_000
#: Most runs of an experiment: scenarios x design points x replicates.
MAX_RUNS = 10_000_000
#: Longest name of an experiment.
MAX_NAME_LENGTH = 100
#: What an experiment name may be, in words (for error messages).
NAME_ALLOWED = (
    f"letters, digits, '_', '-' and '.', starting with a letter or digit, at most "
    f"{MAX_NAME_LENGTH} characters, without '..' (the name is a folder name: results/<name>)"
)
_NAME_RE = re.compile(r"\w[\w.-]*")


def name_problem(name: str) -> str | None:
    """What makes a name unfit to be a folder name (``results/<name>``), or None if it is fit.

    Args:
        name: An experiment name.

    Returns:
        A short description of the problem (e.g. ``"contains '/'"``), or None.
    """
    if not name:
        return "is empty"
    if len(name) > MAX_NAME_LENGTH:
        return f"is {len(name)} characters long"
    for sep in ("/", "\\"):
        if sep in name:
            return f"contains a path separator {sep!r}"
    if ".." in name:
        return "contains '..'"
    if not _NAME_RE.fullmatch(name):
        bad = next((c for c in name if not (c.isalnum() or c in "_-.")), None)
        return f"contains {bad!r}" if bad is not None else f"starts with {name[0]!r}"
    return None


def grid_size(grid: Mapping[str, Sequence[Any]]) -> int:
    """Number of points of the full factorial of a grid (the product of the value counts)."""
    return math.prod(len(values) for values in grid.values())


def runs_text(n_scenarios: int, n_points: int, replicates: int) -> str:
    """``"2 scenario(s) x 1,728 point(s) x 600,000 replicate(s) = 2,073,600,000 runs"``."""
    total = n_scenarios * n_points * replicates
    return (
        f"{n_scenarios:,} scenario(s) x {n_points:,} design point(s) x {replicates:,} "
        f"replicate(s) = {total:,} runs"
    )


@dataclass(frozen=True)
class DesignPoint:
    """One point of the parameter design: parameter values applied on top of every scenario.

    Attributes:
        point_id: Stable id used in run ids (``"base"``, ``"p0000"``, ...); no ``|``.
        params: Parameter name -> value (validated against the schema's bounds).
    """

    point_id: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RunSpec:
    """One run of an experiment.

    Attributes:
        index: Position in design order (0-based).
        run_id: ``"{scenario}|{point_id}|{replicate}"``, stable across edits of the experiment.
        scenario: Scenario name.
        scenario_index: Position of the scenario in the experiment.
        point_id: Design point id.
        point_index: Position of the point in the experiment.
        replicate: Replicate index ``k`` (0-based).
        seed: The run's seed, ``replicate_seed(experiment.seed, k)``.
        fingerprint: Hash of everything that determines the run's outputs (resolved scenario,
            point parameters, seed, what is kept, the posterior draw); a stored run is reused
            only if it matches.
        draw: The row of the experiment's posterior that the run uses (-1 without posterior).
    """

    index: int
    run_id: str
    scenario: str
    scenario_index: int
    point_id: str
    point_index: int
    replicate: int
    seed: int
    fingerprint: str
    draw: int = -1


def canonical_json(data: Any) -> str:
    """Serialise data as compact JSON with sorted keys (the input of every hash)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)


def sha256_of(data: Any) -> str:
    """Return the hex SHA-256 of :func:`canonical_json` of ``data``."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _plain(value: Any) -> Any:
    """Turn numpy scalars into Python numbers (for JSON and pydantic)."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def check_point_params(params: Mapping[str, Any], where: str = "design point") -> dict[str, Any]:
    """Validate parameter values of a design point against the schema (names, types, bounds).

    Args:
        params: Parameter name -> value.
        where: How to name the point in error messages.

    Returns:
        The values as plain Python numbers.

    Raises:
        UserError: For an unknown parameter, a value of the wrong type or out of bounds.
    """
    specs = parameter_specs()
    out: dict[str, Any] = {}
    for name, raw in params.items():
        value = _plain(raw)
        if is_policy_path(name):
            # checked against each scenario's policy when the point is applied (apply_point)
            parse_policy_path(name, lambda path: {"key": f"{where}.{path}"})
            out[name] = value
            continue
        spec = specs.get(name)
        if spec is None:
            raise UserError(
                "unknown parameter", key=f"{where}.{name}", suggestion=did_you_mean(name, specs)
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(f"expected a number, got {value!r}", key=f"{where}.{name}")
        if spec.type is int and not (isinstance(value, int) or float(value).is_integer()):
            raise UserError(f"expected a whole number, got {value!r}", key=f"{where}.{name}")
        if not spec.low <= value <= spec.high:
            raise UserError(
                f"{value} is out of range",
                key=f"{where}.{name}",
                allowed=f"{spec.low:g} to {spec.high:g} {spec.unit}",
            )
        out[name] = int(value) if spec.type is int else float(value)
    return out


def apply_point(
    scenario: ResolvedScenario,
    params: Mapping[str, Any],
    where: Callable[[str], dict[str, Any]] | None = None,
) -> ResolvedScenario:
    """Return the scenario with a design point's values applied (validated).

    A point holds parameter values (``fama_troops``) and policy settings by path
    (``policies.wagner_deployment.personnel``, :mod:`malisim.scenario.settings`). A parameter
    that a policy of the scenario controls is refused (the policy would override it).

    Args:
        scenario: A resolved scenario.
        params: Parameter values and policy settings of the point.
        where: Location of errors, from a key of the point (default: the key).

    Returns:
        A copy of the scenario with the new values (the scenario itself if ``params`` is empty).

    Raises:
        UserError: A controlled parameter, or a policy setting the scenario's policy refuses.
    """
    if not params:
        return scenario
    from dataclasses import replace

    values, settings = split_settings(params.items())
    at = where or (lambda key: {"key": key})
    if values:
        check_not_controlled(scenario, values, at, how="sweep or sample")
        merged = {**scenario.parameters.model_dump(), **values}
        scenario = replace(scenario, parameters=Parameters.model_validate(merged))
    return apply_policy_settings(scenario, settings, at)


def _design_column(values: list[Any]) -> pd.Series:
    """A design-table column: numbers as float64 (missing: NaN), anything else as text.

    Parameters and numeric policy settings are numbers; a month setting
    (``policies.french_withdrawal.drawdown_start``) is kept as its ``YYYY-MM`` text and a
    yes/no or list setting as its YAML-like text (missing: None).
    """
    given = [v for v in values if v is not None]
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in given):
        return pd.Series([np.nan if v is None else float(v) for v in values], dtype="float64")
    text = [None if v is None else (v if isinstance(v, str) else canonical_json(v)) for v in values]
    return pd.Series(text, dtype="object")


def grid_points(grid: Mapping[str, Sequence[Any]]) -> list[DesignPoint]:
    """Return the full factorial of parameter values (the last parameter varies fastest).

    Args:
        grid: Parameter name -> values.

    Returns:
        Points ``p0000``, ``p0001``, ... in product order.
    """
    names = list(grid)
    combos = itertools.product(*(list(grid[n]) for n in names))
    return [
        DesignPoint(point_id(i), dict(zip(names, (_plain(v) for v in combo), strict=True)))
        for i, combo in enumerate(combos)
    ]


def point_id(i: int) -> str:
    """Return the id of the ``i``-th point of a sweep or sample (``p0000``, ``p0001``, ...)."""
    return f"p{i:04d}"


def sample_points(
    method: str,
    n: int,
    ranges: Mapping[str, tuple[float, float]],
    seed: int,
    kinds: Mapping[str, str] | None = None,
) -> list[DesignPoint]:
    """Draw design points by Latin hypercube or scrambled Sobol sampling over ranges.

    Whole-number parameters and settings are rounded to the nearest integer inside their
    range; a month setting is sampled over month indices, rounded to a whole month and given
    as ``YYYY-MM``.

    Args:
        method: ``"lhs"`` or ``"sobol"`` (``n`` should then be a power of two).
        n: Number of points.
        ranges: Parameter name or policy setting path -> ``(low, high)`` (month indices of
            :func:`malisim.core.calendar.parse_month` for a month setting).
        seed: Seed of the sampler (the draws depend on it and on the scipy version, which the
            manifest records; the points themselves are stored in ``design.parquet``).
        kinds: Name -> ``"float"``, ``"int"`` or ``"month"`` (default: a parameter's own type,
            ``"float"`` for a setting).

    Returns:
        Points ``p0000`` ... in sample order.
    """
    from scipy.stats import qmc

    names = list(ranges)
    cls = {"lhs": qmc.LatinHypercube, "sobol": qmc.Sobol}[method]
    gen = np.random.default_rng(np.random.SeedSequence(int(seed)))
    kwargs: dict[str, Any] = (
        {"rng": gen} if "rng" in inspect.signature(cls).parameters else {"seed": gen}
    )
    sampler = cls(d=len(names), **kwargs)
    unit = sampler.random(n)
    lows = np.array([ranges[k][0] for k in names], dtype=float)
    highs = np.array([ranges[k][1] for k in names], dtype=float)
    values = qmc.scale(unit, lows, highs)
    specs = parameter_specs()
    kind_of = dict(kinds or {})
    for name in names:
        if name not in kind_of:
            kind_of[name] = "int" if name in specs and specs[name].type is int else "float"
    whole = {name for name in names if kind_of[name] in ("int", "month")}
    points = []
    for i in range(n):
        params: dict[str, Any] = {}
        for j, name in enumerate(names):
            if name in whole:
                value = int(np.clip(np.rint(values[i, j]), lows[j], highs[j]))
                params[name] = format_month(value) if kind_of[name] == "month" else value
            else:
                params[name] = float(values[i, j])
        points.append(DesignPoint(point_id(i), params))
    return points


@dataclass
class Experiment:
    """Scenarios x design points x replicates: what a batch runs.

    Args:
        name: Experiment name (recorded in the manifest).
        scenarios: Resolved scenarios, with unique names.
        points: Design points, as :class:`DesignPoint` objects or plain parameter mappings
            (numbered ``p0000``, ``p0001`` ...); default: one point ``"base"`` without changes.
        replicates: Replicates per scenario and point (at least 1).
        seed: Root seed; replicate ``k`` runs with ``replicate_seed(seed, k)``.
        keep_series: Keep each run's monthly national and regional series.
        keep_events: Keep each run's event log.
        description: Free text.
        source: The experiment file, if any (for the manifest).
        posterior: A posterior sample (:mod:`malisim.experiment.posterior`): replicate ``k``
            of every scenario and point then uses the same draw (common parameters).
        explicit_params: Parameters the experiment sets itself (its ``params``), which keep
            their values over the posterior's.

    Raises:
        UserError: For duplicate scenario or point ids, invalid point parameters, or
            non-positive replicates / negative seeds.
    """

    name: str
    scenarios: Sequence[ResolvedScenario]
    points: Sequence[DesignPoint | Mapping[str, Any]] = (DesignPoint(BASE_POINT, {}),)
    replicates: int = 1
    seed: int = 1
    keep_series: bool = False
    keep_events: bool = False
    description: str = ""
    source: str | None = None
    posterior: Posterior | None = None
    explicit_params: Sequence[str] = ()

    def __post_init__(self) -> None:
        self.scenarios = list(self.scenarios)
        if not self.scenarios:
            raise UserError("an experiment needs at least one scenario", key="scenarios")
        names: dict[str, int] = {}
        for i, scn in enumerate(self.scenarios):
            if "|" in scn.name:
                raise UserError(
                    f"scenario name {scn.name!r} contains '|' (used in run ids)",
                    key=f"scenarios[{i}]",
                )
            if scn.name in names:
                raise UserError(
                    f"two scenarios are named {scn.name!r} (scenarios[{names[scn.name]}] and "
                    f"scenarios[{i}]); run ids need unique scenario names",
                    key=f"scenarios[{i}]",
                )
            names[scn.name] = i
        points: list[DesignPoint] = []
        for i, p in enumerate(self.points):
            point = p if isinstance(p, DesignPoint) else DesignPoint(point_id(i), dict(p))
            if not point.point_id or "|" in point.point_id:
                raise UserError(f"invalid point id {point.point_id!r}", key=f"points[{i}]")
            params = check_point_params(point.params, where=f"points[{i}]")
            points.append(DesignPoint(point.point_id, params))
        if not points:
            raise UserError("an experiment needs at least one design point", key="points")
        ids = [p.point_id for p in points]
        if len(set(ids)) != len(ids):
            dup = next(x for x in ids if ids.count(x) > 1)
            raise UserError(f"duplicate point id {dup!r}", key="points")
        self.points = points
        if isinstance(self.replicates, bool) or int(self.replicates) < 1:
            raise UserError("must be at least 1", key="replicates")
        if int(self.seed) < 0:
            raise UserError("must be a non-negative integer", key="seed")
        self.replicates = int(self.replicates)
        self.seed = int(self.seed)
        if self.n_runs > MAX_RUNS:
            raise UserError(
                "too many runs: "
                + runs_text(len(self.scenarios), len(self.points), self.replicates),
                key="replicates",
                allowed=f"at most {MAX_RUNS:,} runs",
            )
        # every (scenario, point) combination must give a valid parameter set
        for scn in self.scenarios:
            for point in self.points:
                try:
                    apply_point(scn, point.params)
                except UserError as err:
                    raise err.reworded(
                        f"{err.message}, at point {point.point_id} of scenario {scn.name!r}"
                    ) from None
                except Exception as exc:  # pydantic cross-parameter checks
                    raise UserError(
                        f"point {point.point_id} is invalid for scenario {scn.name!r}: {exc}"
                    ) from None
        self._fp_cache: dict[tuple[str, int], str] = {}
        self._draw_rows: list[int] = []
        self._kept: list[frozenset[str]] = []
        self._scenario_cache: dict[tuple[int, int], ResolvedScenario] = {}
        if self.posterior is not None:
            self._set_up_posterior(self.posterior)

    def _set_up_posterior(self, posterior: Posterior) -> None:
        """Pick each replicate's draw; check every scenario with every draw it will use."""
        from malisim.experiment.posterior import (
            apply_draw,
            check_scaled_draws,
            draw_rows,
            explicit_parameters,
        )

        self.explicit_params = tuple(self.explicit_params)
        self._draw_rows = draw_rows(posterior, self.seed, range(self.replicates))
        point_keys = {k for p in self.points for k in p.params}
        for scn in self.scenarios:
            kept = frozenset(explicit_parameters(scn) | set(self.explicit_params) | point_keys)
            self._kept.append(kept & set(posterior.names))
            where = {"file": self.source, "key": "parameters.posterior"}
            check_scaled_draws(scn, posterior, kept, where)
            for row in sorted(set(self._draw_rows)):
                try:
                    apply_draw(scn, posterior.row(row), kept)
                except Exception as exc:  # pydantic cross-parameter checks
                    raise UserError(
                        f"row {row} of the posterior {posterior.source} is invalid for "
                        f"scenario {scn.name!r}: {exc}",
                        **where,
                    ) from None

    def kept_parameters(self, scenario_index: int) -> frozenset[str]:
        """Posterior parameters that a scenario keeps (set explicitly; empty without posterior)."""
        return self._kept[scenario_index] if self._kept else frozenset()

    def run_scenario(self, run: RunSpec) -> ResolvedScenario:
        """The scenario of a run before its design point: with its posterior draw, if any."""
        scn = self.scenarios[run.scenario_index]
        if self.posterior is None or run.draw < 0:
            return scn
        key = (run.scenario_index, run.draw)
        cached = self._scenario_cache.get(key)
        if cached is None:
            from malisim.experiment.posterior import apply_draw

            cached = apply_draw(scn, self.posterior.row(run.draw), self._kept[run.scenario_index])
            self._scenario_cache[key] = cached
        return cached

    # ---------------------------------------------------------------------------------------

    @property
    def n_runs(self) -> int:
        """Number of runs."""
        return len(self.scenarios) * len(self.points) * self.replicates

    def seed_of(self, replicate: int) -> int:
        """Seed of replicate ``k`` (the same for every scenario and point)."""
        return replicate_seed(self.seed, replicate)

    def to_dict(self) -> dict[str, Any]:
        """Everything that determines the experiment's results, as plain data."""
        out = {
            "name": self.name,
            "scenarios": [s.to_dict() for s in self.scenarios],
            "points": [{"point_id": p.point_id, "params": dict(p.params)} for p in self.points],
            "replicates": self.replicates,
            "seed": self.seed,
            "keep": {"series": self.keep_series, "events": self.keep_events},
        }
        if self.posterior is not None:
            out["posterior"] = {
                **self.posterior.to_dict(),
                "kept": {
                    s.name: sorted(k) for s, k in zip(self.scenarios, self._kept, strict=True)
                },
            }
        return out

    def fingerprint(self) -> str:
        """SHA-256 of :meth:`to_dict` (the ``experiment_hash`` of the manifest)."""
        return sha256_of(self.to_dict())

    def _run_fingerprint(self, s: int, p: int, seed: int, draw: int = -1) -> str:
        scenario_fp = self._fp_cache.get(("s", s))
        if scenario_fp is None:
            scenario_fp = sha256_of(self.scenarios[s].to_dict())
            self._fp_cache[("s", s)] = scenario_fp
        point_fp = self._fp_cache.get(("p", p))
        if point_fp is None:
            point_fp = sha256_of(dict(self.points[p].params))
            self._fp_cache[("p", p)] = point_fp
        keep = f"{int(self.keep_series)}{int(self.keep_events)}"
        text = f"{scenario_fp}|{point_fp}|{seed}|{keep}"
        if draw >= 0 and self.posterior is not None:
            kept = ",".join(sorted(self._kept[s]))
            text += f"|{self.posterior.sha256}:{draw}:{kept}"
        return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]

    def iter_runs(self) -> Iterator[RunSpec]:
        """Yield the runs in design order (scenario, point, replicate)."""
        seeds = [self.seed_of(k) for k in range(self.replicates)]
        draws = self._draw_rows or [-1] * self.replicates
        index = 0
        for s, scn in enumerate(self.scenarios):
            for p, point in enumerate(self.points):
                for k in range(self.replicates):
                    yield RunSpec(
                        index=index,
                        run_id=f"{scn.name}|{point.point_id}|{k}",
                        scenario=scn.name,
                        scenario_index=s,
                        point_id=point.point_id,
                        point_index=p,
                        replicate=k,
                        seed=seeds[k],
                        fingerprint=self._run_fingerprint(s, p, seeds[k], draws[k]),
                        draw=draws[k],
                    )
                    index += 1

    def runs(self) -> list[RunSpec]:
        """Return the runs in design order."""
        return list(self.iter_runs())

    @staticmethod
    def execution_order(runs: Iterable[RunSpec]) -> list[RunSpec]:
        """Sort runs replicate-major (replicate, scenario, point) for execution."""
        return sorted(runs, key=lambda r: (r.replicate, r.scenario_index, r.point_index))

    def design_frame(self) -> pd.DataFrame:
        """The design table: one row per run with ids, seed, fingerprint and point parameters.

        With a posterior, a ``posterior_draw`` column after the fingerprint names the row of
        the posterior file each run used.

        Parameter columns are the union of the points' parameters in order of first use; a
        point that does not set a parameter has a missing value there (the scenario's value
        applies).
        """
        param_names: list[str] = []
        for point in self.points:
            param_names += [k for k in point.params if k not in param_names]
        columns: dict[str, list[Any]] = {name: [] for name in DESIGN_ID_COLUMNS}
        if self.posterior is not None:
            columns[POSTERIOR_DRAW_COLUMN] = []
        values: dict[str, list[Any]] = {name: [] for name in param_names}
        for run in self.iter_runs():
            for name in DESIGN_ID_COLUMNS:
                columns[name].append(getattr(run, name))
            if self.posterior is not None:
                columns[POSTERIOR_DRAW_COLUMN].append(run.draw)
            params = self.points[run.point_index].params
            for name in param_names:
                values[name].append(params.get(name))
        data: dict[str, pd.Series] = {}
        for name, col in columns.items():
            data[name] = pd.Series(col, dtype="int64" if name in _INT_COLUMNS else None)
        for name, col in values.items():
            data[name] = _design_column(col)
        return pd.DataFrame(data)

    def scenario_by_name(self, name: str) -> ResolvedScenario:
        """Return the scenario of a given name."""
        for scn in self.scenarios:
            if scn.name == name:
                return scn
        raise KeyError(name)
