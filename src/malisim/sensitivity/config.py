"""Sensitivity files: the schema and the loader, with errors located like the scenario loader's.

A sensitivity file is a YAML mapping::

    name: sensitivity
    description: Which assumptions drive the historical scenario's outcomes.
    scenario: ../scenarios/historical.yaml   # relative to this file's folder
    start: 2019-01                           # optional: override the scenario's period
    end: 2026-12
    params: {n_civilian_agents: 20000}       # optional: fixed overrides (not varied)
    parameters:                              # the assumptions varied, with their ranges
      state_abuse_rate: bounds               # the schema's bounds (also: ~ or {})
      jnim_abuse_rate: [1.0, 6.0]            # [low, high] within the schema's bounds
    outcomes: [civilian_fatalities_total, idps_end]
    method: morris                           # morris (screening) or sobol (S1 / ST)
    n: 20                                    # Morris: trajectories r; Sobol: base sample N
    levels: 4                                # Morris grid levels (even; default 4)
    replicates: 2                            # runs per design point (outcomes are averaged)
    seed: 1                                  # sampler, model replicates and bootstrap
    bootstrap: 1000                          # resamples of the confidence intervals
    confidence: 0.95
    executor: {kind: local, workers: 2}      # defaults for the command line's options

Runs: Morris ``r (k + 1)`` design points, Sobol (Saltelli, first and total order only)
``N (k + 2)`` points, each run ``replicates`` times. :func:`load_sensitivity` validates the file
and returns a :class:`SensitivityConfig`; every problem is a :class:`~malisim.core.errors.UserError`
``file:line: key: message; allowed: ...; did you mean '...'?``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import Locator, raise_validation
from malisim.core.yamlio import load_yaml_file
from malisim.experiment.config import ExecutorSection
from malisim.model.outcomes import scalar_columns
from malisim.model.parameters import parameter_specs
from malisim.policies import Month, RunEnd
from malisim.scenario import ResolvedScenario, load_scenario

#: Fewest Morris trajectories accepted (sigma and the bootstrap need several effects each).
MIN_MORRIS_TRAJECTORIES = 4
#: Smallest Sobol base sample accepted (a power of two).
MIN_SOBOL_N = 16
#: Most design points of one analysis.
MAX_POINTS = 200_000
METHODS = ("morris", "sobol")


class SensitivityFile(BaseModel):
    """The top level of a sensitivity file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name of the analysis (recorded in the manifest).")
    description: str = Field("", description="What the analysis is for.")
    scenario: str = Field(description="Scenario file, relative to this file's folder.")
    start: Month | None = Field(None, description="First month (YYYY-MM).")
    end: RunEnd | None = Field(None, description="Last month (YYYY-MM; at the latest 2030-12).")
    params: dict[str, Any] = Field(default_factory=dict, description="Fixed overrides.")
    parameters: dict[str, Any] = Field(description="Parameter -> [low, high] or `bounds`.")
    outcomes: list[str] = Field(description="Run-level outcomes analysed.")
    method: Literal["morris", "sobol"] = Field(description="morris or sobol.")
    n: int = Field(ge=1, le=MAX_POINTS, description="Morris trajectories / Sobol base sample.")
    levels: int = Field(4, ge=2, le=100, description="Morris grid levels (even).")
    replicates: int = Field(1, ge=1, le=10_000, description="Runs per design point.")
    seed: int = Field(1, ge=0, le=2**32 - 1, description="Root seed.")
    bootstrap: int = Field(1000, ge=0, le=100_000, description="Bootstrap resamples.")
    confidence: float = Field(0.95, gt=0.0, lt=1.0, description="Confidence level.")
    executor: dict[str, Any] = Field(default_factory=dict, description="kind, workers.")


@dataclass
class SensitivityConfig:
    """A validated sensitivity analysis.

    Attributes:
        name: Name of the analysis.
        scenario: The resolved scenario (with ``params``, ``start`` and ``end`` applied).
        ranges: Parameter -> ``(low, high)``, in file order.
        outcomes: Outcome names.
        method: ``"morris"`` or ``"sobol"``.
        n: Morris trajectories or Sobol base sample size.
        levels: Morris grid levels.
        replicates: Runs per design point.
        seed: Root seed (sampler, replicates, bootstrap).
        bootstrap: Bootstrap resamples for the confidence intervals.
        confidence: Confidence level of the intervals.
        executor: Default executor options (``kind``, ``workers``, ``scheduler``).
        description: Free text.
        source: The file read, if any.
    """

    name: str
    scenario: ResolvedScenario
    ranges: dict[str, tuple[float, float]]
    outcomes: list[str]
    method: str = "morris"
    n: int = 10
    levels: int = 4
    replicates: int = 1
    seed: int = 1
    bootstrap: int = 1000
    confidence: float = 0.95
    executor: dict[str, Any] = field(default_factory=dict)
    description: str = ""
    source: str | None = None

    def __post_init__(self) -> None:
        check_method(self.method, self.n, self.levels, len(self.ranges))
        specs = parameter_specs()
        for name, (low, high) in self.ranges.items():
            check_range(name, [low, high], specs)
        if not self.outcomes:
            raise UserError("needs at least one outcome", key="outcomes")
        for i, name in enumerate(self.outcomes):
            check_outcome(name, self.scenario, key=f"outcomes[{i}]")

    @property
    def n_points(self) -> int:
        """Number of design points of the sample."""
        k = len(self.ranges)
        return self.n * (k + 1) if self.method == "morris" else self.n * (k + 2)

    @property
    def n_runs(self) -> int:
        """Number of model runs."""
        return self.n_points * self.replicates

    def to_dict(self) -> dict[str, Any]:
        """The analysis' settings as plain data (written to ``sensitivity/spec.json``)."""
        return {
            "name": self.name,
            "description": self.description,
            "scenario": self.scenario.name,
            "start": self.scenario.start,
            "end": self.scenario.end,
            "parameters": {k: [lo, hi] for k, (lo, hi) in self.ranges.items()},
            "outcomes": list(self.outcomes),
            "method": self.method,
            "n": self.n,
            "levels": self.levels,
            "replicates": self.replicates,
            "seed": self.seed,
            "bootstrap": self.bootstrap,
            "confidence": self.confidence,
            "source": self.source,
        }


def check_method(method: str, n: int, levels: int, k: int, **where: Any) -> None:
    """Check the method and the sample size (Morris trajectories, Sobol base sample).

    Args:
        method: ``"morris"`` or ``"sobol"``.
        n: Trajectories (Morris) or base sample size (Sobol).
        levels: Morris grid levels.
        k: Number of parameters varied.
        **where: Location keywords for the error (``file``, ``line``, ``key``).

    Raises:
        UserError: For an unknown method, too few parameters or a sample too small.
    """
    loc = {"key": "n", **where}
    if method not in METHODS:
        raise UserError(
            f"unknown method {method!r}",
            allowed=", ".join(METHODS),
            suggestion=did_you_mean(method, METHODS),
            **{**loc, "key": "method"},
        )
    if k < 1:
        raise UserError("no parameter to vary", **{**loc, "key": "parameters"})
    if method == "morris":
        if n < MIN_MORRIS_TRAJECTORIES:
            raise UserError(
                f"sample size too small for the Morris method: {n} trajectories",
                allowed=f"at least {MIN_MORRIS_TRAJECTORIES} (10-20 usual)",
                **loc,
            )
        if levels < 2 or levels % 2:
            raise UserError(
                f"Morris levels must be even, got {levels}",
                allowed="an even number, e.g. 4",
                **{**loc, "key": "levels"},
            )
    else:
        if n < MIN_SOBOL_N:
            raise UserError(
                f"sample size too small for the Sobol method: N = {n}",
                allowed=f"a power of two of at least {MIN_SOBOL_N} (512 or more for tight "
                "intervals)",
                **loc,
            )
        if n & (n - 1):
            low = 1 << (n.bit_length() - 1)
            raise UserError(
                f"Sobol samples need a power of two, got N = {n}",
                allowed=f"e.g. {low} or {low * 2}",
                **loc,
            )
    points = n * (k + 1) if method == "morris" else n * (k + 2)
    if points > MAX_POINTS:
        raise UserError(f"{points} design points", allowed=f"at most {MAX_POINTS}", **loc)


def check_range(
    name: Any, value: Any, specs: dict[str, Any] | None = None, **where: Any
) -> tuple[float, float]:
    """Check one parameter's range against the schema.

    Args:
        name: Parameter name.
        value: ``[low, high]``, ``"bounds"``, ``None`` or ``{}`` (the schema's bounds).
        specs: The parameter specs (default: :func:`parameter_specs`).
        **where: Location keywords for the error (``file``, ``line``); ``key`` defaults to
            ``parameters.<name>``.

    Returns:
        ``(low, high)`` as floats.

    Raises:
        UserError: For an unknown parameter (with a suggestion), a malformed range or one
            outside the schema's bounds.
    """
    specs = specs or parameter_specs()
    loc = {"key": f"parameters.{name}", **where}
    spec = specs.get(name) if isinstance(name, str) else None
    if spec is None:
        raise UserError("unknown parameter", suggestion=did_you_mean(name, specs), **loc)
    bounds = f"{spec.low:g} to {spec.high:g} {spec.unit}"
    if value is None or value == "bounds" or value == {}:
        return float(spec.low), float(spec.high)
    if (
        not isinstance(value, list | tuple)
        or len(value) != 2
        or any(isinstance(v, bool) or not isinstance(v, int | float) for v in value)
    ):
        raise UserError(
            f"expected [low, high] or the word bounds, got {value!r}",
            allowed=f"a range within {bounds}",
            **loc,
        )
    low, high = float(value[0]), float(value[1])
    if low >= high:
        raise UserError(
            f"low {low:g} is not below high {high:g}", allowed=f"a range within {bounds}", **loc
        )
    if not spec.low <= low < high <= spec.high:
        raise UserError(
            f"range [{low:g}, {high:g}] is outside the schema's bounds",
            allowed=f"a range within {bounds}",
            **loc,
        )
    return low, high


def known_outcomes(scenario: ResolvedScenario) -> list[str]:
    """Run-level outcome names a run of the scenario produces (as in ``model.summary()``)."""
    return scalar_columns(int(scenario.start[:4]), int(scenario.end[:4]))


def check_outcome(name: Any, scenario: ResolvedScenario, **where: Any) -> str:
    """Check that an outcome name is one a run of the scenario produces.

    Raises:
        UserError: For an unknown outcome, with a suggestion.
    """
    known = known_outcomes(scenario)
    if name not in known:
        bare = [n for n in known if str(n).startswith(f"{name}_")]
        raise UserError(
            f"unknown outcome {name!r}",
            allowed="run-level outcomes such as civilian_fatalities_total, idps_end, "
            "control_state_last12, junta_approval_end, gdp_index_end",
            suggestion=bare[0] if len(bare) == 1 else did_you_mean(name, known),
            **where,
        )
    return str(name)


def _scenario(spec: SensitivityFile, base: Path, where: Locator) -> ResolvedScenario:
    path = Path(spec.scenario)
    full = path if path.is_absolute() else base / path
    if not full.is_file():
        folder = full.parent
        names = sorted(p.name for p in folder.glob("*.y*ml")) if folder.is_dir() else []
        guess = did_you_mean(path.name, names)
        raise UserError(
            f"scenario file not found ({full})",
            allowed=f"files in {folder}: {', '.join(names)}" if names else None,
            suggestion=str(path.parent / guess) if guess else None,
            **where("scenario"),
        )
    specs = parameter_specs()
    sets: list[str] = []
    for name, value in spec.params.items():
        loc = where("params", name)
        if name not in specs:
            raise UserError("unknown parameter", suggestion=did_you_mean(name, specs), **loc)
        if name in spec.parameters:
            raise UserError("is both fixed (params) and varied (parameters)", **loc)
        s = specs[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise UserError(f"expected a number, got {value!r}", **loc)
        if not s.low <= value <= s.high:
            raise UserError(
                f"{value:g} is out of range", allowed=f"{s.low:g} to {s.high:g} {s.unit}", **loc
            )
        sets.append(f"params.{name}={value!r}")
    if spec.start:
        sets.append(f"start={spec.start}")
    if spec.end:
        sets.append(f"end={spec.end}")
    try:
        return load_scenario(full, sets)
    except UserError as err:
        if err.file and err.file != "--set":
            raise
        detail = f"{err.key}: {err.message}" if err.key else err.message
        raise UserError(
            f"makes the scenario invalid: {detail}", allowed=err.allowed, **where("params")
        ) from None


def load_sensitivity(path: str | Path) -> SensitivityConfig:
    """Load and validate a sensitivity file and the scenario it names.

    Args:
        path: The sensitivity file.

    Returns:
        The validated analysis.

    Raises:
        UserError: For any problem with the file (unknown parameter, range outside the schema's
            bounds, sample too small for the method, unknown outcome, ...) or the scenario.
    """
    file = str(path)
    data, line_of = load_yaml_file(file)
    where = Locator(file, line_of)
    try:
        spec = SensitivityFile.model_validate(data, strict=True)
    except ValidationError as exc:
        raise_validation(exc, SensitivityFile, (), file, line_of)
    try:
        executor = ExecutorSection.model_validate(spec.executor, strict=True)
    except ValidationError as exc:
        raise_validation(exc, ExecutorSection, ("executor",), file, line_of)
    if not spec.parameters:
        raise UserError("no parameter to vary", **where("parameters"))
    specs = parameter_specs()
    ranges = {
        name: check_range(name, value, specs, **where("parameters", name))
        for name, value in spec.parameters.items()
    }
    if spec.method == "morris" and spec.levels % 2:
        raise UserError(
            f"Morris levels must be even, got {spec.levels}",
            allowed="an even number, e.g. 4",
            **where("levels"),
        )
    check_method(spec.method, spec.n, spec.levels, len(ranges), **where("n"))
    scenario = _scenario(spec, Path(file).parent, where)
    if not spec.outcomes:
        raise UserError("needs at least one outcome", **where("outcomes"))
    for i, name in enumerate(spec.outcomes):
        check_outcome(name, scenario, **where("outcomes", i))
    return SensitivityConfig(
        name=spec.name,
        description=spec.description,
        scenario=scenario,
        ranges=ranges,
        outcomes=list(dict.fromkeys(spec.outcomes)),
        method=spec.method,
        n=spec.n,
        levels=spec.levels,
        replicates=spec.replicates,
        seed=spec.seed,
        bootstrap=spec.bootstrap,
        confidence=spec.confidence,
        executor=executor.model_dump(exclude_none=True),
        source=file,
    )
