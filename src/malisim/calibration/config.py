"""Calibration files: the schema and the loader, with errors located like the scenario loader's.

A calibration file is a YAML mapping::

    name: calibration
    description: Fit 2019-2021, hold out 2022.
    scenario: ../scenarios/historical.yaml   # relative to this file's folder
    end: 2022-12                  # optional: last simulated month (held-out targets need it)
    params: {}                    # optional: fixed parameter overrides (not calibrated)
    priors:                       # the uncertain parameters: uniform priors, each with a reason
      state_abuse_rate: {low: 0.5, high: 4.0, why: "..."}
    targets: null                 # targets CSV relative to this file (default: the shipped one)
    split:                        # labels or periods (YYYY-MM..YYYY-MM: targets inside it)
      fit: ["2019-01..2021-12"]
      holdout: ["2022-01..2022-12", "civilian_fatalities_state[2017-01..2020-12,national]"]
    method: smc                   # smc (ABC population Monte Carlo) or rejection
    simulations: 1800             # calibration budget (all generations together)
    generations: 4                # smc only
    quantile: 0.5                 # smc: tolerance = this quantile of the generation's distances
    kernel: independent           # smc: perturbation kernel (independent, multivariate, olcm)
    accept: 0.1                   # rejection: share of the draws accepted
    predictive: 200               # posterior predictive runs used for the evaluation
    scales: {}                    # optional per-target distance scales (label -> scale)
    seed: 20260101
    executor: {kind: local, workers: 2}
    fitted_scenario: ../scenarios/calibrated.yaml   # optional: where the fitted file is written

Instead of ``split``, a ``patterns`` section fits the whole pattern set at once (pattern-oriented
ABC)::

    patterns: all_fit             # or, with options:
    patterns:
      select: all_fit             # every fit-period figure (to FIT_END, 2022-12) the model
                                  # simulates and the scenario covers
      kinds: [count, stock, rate, share, regional_share, share_of_total]   # optional filter
      observables: [idps, refugees]                        # optional: only these observables
      exclude: ["people_in_need[2021-02..2021-02,national]"]  # optional: labels left out
      weights: {idps: 1.0, gdp_growth: 2.0}   # per observable family (default 1 each;
                                  # regional shares: idps:regional_share; the shares of a
                                  # total: civilian_fatalities:share_of_total)
      scale: tolerance            # residual scales: tolerance (default) or kind
      holdout: out_of_sample      # score every out-of-sample figure the run covers (or none)

Selected figures are fitted (counts, stocks, rates, shares, regional shares, shares of a total,
and bounds: ``at_least``/``at_most``/``range`` tolerances, whose residual is zero inside the
bound; see :mod:`malisim.calibration.distance`); figures the model does not simulate, or whose
period the scenario does not cover, are listed as unused with the reason. Observables of the
event log are fitted too (the fitting runs then keep their event logs). Out-of-sample figures (after
``FIT_END``) are never selected for fitting: a ``patterns`` section that names one under
``observables``/``kinds`` only scores it; ``split`` and ``patterns`` cannot be combined.

``fitted_scenario`` is relative to this file's folder, ends in ``.yaml`` or ``.yml`` and must lie
in the output folder or in the folder of ``scenario`` (see :mod:`malisim.calibration.fitted`);
an absolute path is refused here, the folder when the calibration runs.

A target's split comes from the ``split`` section (labels first, then periods) or else from the
``use`` column of the targets file; targets assigned nowhere are reported as unused. Only
figures of the monthly series can be fitted (the runs keep no event log): a fitted period
selects those in it and leaves the others unused, a fitted label of another figure is refused.
Out-of-sample figures (after the fit period, 2022-12) are never fitted: a fitted label or period
that holds one is refused. Every problem is a :class:`~malisim.core.errors.UserError` naming the
file, line and key.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from malisim.analysis.targets import (
    EVENT_OBSERVABLES,
    KINDS,
    Target,
    covered,
    known_observables,
    load_targets,
    reads_series,
)
from malisim.calibration.distance import family_of
from malisim.core.calendar import FIT_END, FIT_START, DateError, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.core.locate import Locator, describe, raise_validation, validate_section
from malisim.core.yamlio import load_yaml_file
from malisim.experiment.config import ExecutorSection
from malisim.experiment.design import NAME_ALLOWED, name_problem
from malisim.model.parameters import Parameters, parameter_specs
from malisim.policies import Month, RunEnd
from malisim.scenario import SET_SOURCE, ResolvedScenario, load_scenario

#: The ABC-SMC perturbation kernel of a calibration file without ``kernel``. On the shipped
#: problem (28 parameters, 3 x 300 simulations) the multivariate kernels reached lower
#: tolerances but their importance weights degenerated (effective sample 1-5 of 90), so the
#: independent kernel, whose population stays usable, remains the default (docs/calibration.md,
#: "Method"); :mod:`malisim.calibration.abc` describes the three.
DEFAULT_KERNEL = "independent"

_PERIOD = re.compile(r"^(\d{4}-\d{2})\.\.(\d{4}-\d{2})$")


class PriorSpec(BaseModel):
    """A uniform prior on one parameter."""

    model_config = ConfigDict(extra="forbid")

    low: float = Field(description="Lower end of the uniform prior (within the schema bounds).")
    high: float = Field(description="Upper end of the uniform prior (within the schema bounds).")
    why: str = Field(min_length=1, description="Why this range (sources, reasoning).")


class SplitSection(BaseModel):
    """Which targets are fitted and which are held out."""

    model_config = ConfigDict(extra="forbid")

    fit: list[str] = Field(default_factory=list, description="Labels or periods fitted.")
    holdout: list[str] = Field(default_factory=list, description="Labels or periods held out.")


class PatternsSection(BaseModel):
    """Pattern-oriented selection of the fitted targets (instead of ``split``)."""

    model_config = ConfigDict(extra="forbid")

    select: Literal["all_fit"] = Field(
        "all_fit", description="all_fit: every fit-period figure the model simulates."
    )
    kinds: list[str] | None = Field(None, description="Only figures of these kinds.")
    observables: list[str] | None = Field(None, description="Only these observables.")
    exclude: list[str] = Field(default_factory=list, description="Labels left out.")
    weights: dict[str, float] = Field(
        default_factory=dict, description="Observable family -> weight (default 1)."
    )
    scale: Literal["tolerance", "kind"] = Field(
        "tolerance", description="Residual scales: the figure's tolerance or its kind's."
    )
    holdout: Literal["out_of_sample", "none"] = Field(
        "out_of_sample", description="Score the out-of-sample figures the run covers."
    )


class CalibrationFile(BaseModel):
    """The top level of a calibration file."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(description="Name of the calibration.")
    description: str = Field("", description="What it is for.")
    scenario: str = Field(description="Scenario file, relative to this file's folder.")
    start: Month | None = Field(None, description="First simulated month (YYYY-MM).")
    end: RunEnd | None = Field(
        None, description="Last simulated month (YYYY-MM; at the latest 2030-12)."
    )
    params: dict[str, Any] = Field(default_factory=dict, description="Fixed overrides.")
    priors: dict[str, Any] = Field(description="Parameter -> {low, high, why}.")
    targets: str | None = Field(None, description="Targets CSV (default: the shipped one).")
    split: dict[str, Any] = Field(default_factory=dict, description="fit / holdout lists.")
    patterns: Any = Field(None, description="all_fit, or a patterns section (see above).")
    method: Literal["smc", "rejection"] = Field("smc", description="ABC method.")
    simulations: int = Field(ge=2, le=10_000_000, description="Calibration simulations.")
    generations: int = Field(4, ge=1, le=100, description="SMC generations.")
    quantile: float = Field(0.5, gt=0.0, lt=1.0, description="SMC tolerance quantile.")
    kernel: Literal["independent", "multivariate", "olcm"] = Field(
        DEFAULT_KERNEL, description="SMC perturbation kernel."
    )
    accept: float = Field(0.1, gt=0.0, le=1.0, description="Rejection: accepted share.")
    predictive: int = Field(200, ge=0, le=1_000_000, description="Posterior predictive runs.")
    scales: dict[str, float] = Field(default_factory=dict, description="Distance scales.")
    seed: int = Field(ge=0, le=2**63 - 1, description="Root seed.")
    executor: dict[str, Any] = Field(default_factory=dict, description="Executor options.")
    fitted_scenario: str | None = Field(None, description="Where to write the fitted scenario.")


@dataclass(frozen=True)
class Prior:
    """A uniform prior.

    Attributes:
        name: Parameter name.
        low: Lower end.
        high: Upper end.
        why: The reason for the range.
        integer: Whether the parameter is a whole number (draws are rounded).
    """

    name: str
    low: float
    high: float
    why: str
    integer: bool = False


@dataclass
class Calibration:
    """A validated calibration.

    Attributes:
        name: Name.
        description: Description.
        scenario: The resolved scenario (with the file's start, end and params applied).
        priors: The uniform priors, in file order.
        targets: Every target of the targets file, with ``use`` set to ``fit``, ``holdout``
            or ``""`` (unused).
        method: ``smc`` or ``rejection``.
        simulations: Calibration budget.
        generations: SMC generations (1 for rejection).
        quantile: SMC tolerance quantile.
        kernel: SMC perturbation kernel (:data:`malisim.calibration.abc.KERNELS`).
        accept: Rejection acceptance share.
        predictive: Posterior predictive runs.
        scales: Per-target distance scale overrides.
        seed: Root seed.
        executor: Executor options (kind, workers, scheduler, dask_local).
        fitted_scenario: Where the fitted scenario file is written (or None), checked by
            :func:`malisim.calibration.fitted.fitted_scenario_target` before a run.
        fitted_scenario_line: The line of ``fitted_scenario`` in the calibration file.
        fixed_params: The file's fixed parameter overrides (copied into the fitted scenario).
        scenario_file: The scenario file named by the calibration.
        source: The calibration file.
        scale_mode: How residual scales are chosen (``kind`` or ``tolerance``).
        families: Observable family weights of the distance (None: each figure weighs 1).
        unused_notes: Target label -> why a ``patterns`` selection left it unused.
    """

    name: str
    description: str
    scenario: ResolvedScenario
    priors: list[Prior]
    targets: list[Target]
    method: str = "smc"
    simulations: int = 1000
    generations: int = 4
    quantile: float = 0.5
    kernel: str = DEFAULT_KERNEL
    accept: float = 0.1
    predictive: int = 200
    scales: dict[str, float] = field(default_factory=dict)
    seed: int = 1
    executor: dict[str, Any] = field(default_factory=dict)
    fitted_scenario: Path | None = None
    fitted_scenario_line: int | None = None
    fixed_params: dict[str, Any] = field(default_factory=dict)
    scenario_file: Path | None = None
    source: str | None = None
    scale_mode: str = "kind"
    families: dict[str, float] | None = None
    unused_notes: dict[str, str] = field(default_factory=dict)

    @property
    def fit_targets(self) -> list[Target]:
        """The fitted targets."""
        return [t for t in self.targets if t.use == "fit"]

    @property
    def holdout_targets(self) -> list[Target]:
        """The held-out targets."""
        return [t for t in self.targets if t.use == "holdout"]

    def per_generation(self) -> list[int]:
        """Simulations of each generation (the budget split as evenly as possible)."""
        g = self.generations if self.method == "smc" else 1
        base, extra = divmod(self.simulations, g)
        return [base + (1 if i < extra else 0) for i in range(g)]


def check_priors(raw: dict[str, Any], where: Locator) -> list[Prior]:
    """Validate the ``priors`` section: known parameters, low < high, within schema bounds."""
    if not raw:
        raise UserError("needs at least one uncertain parameter", **where("priors"))
    specs = parameter_specs()
    out = []
    for name, value in raw.items():
        path = ("priors", name)
        spec = specs.get(name)
        if spec is None:
            raise UserError(
                "unknown parameter", suggestion=did_you_mean(name, specs), **where(*path)
            )
        if isinstance(value, dict):
            value = {k: float(v) if type(v) is int else v for k, v in value.items()}
        prior = validate_section(PriorSpec, value, path, where)
        bounds = f"{spec.low:g} to {spec.high:g} {spec.unit}"
        for end in ("low", "high"):
            v = getattr(prior, end)
            if not spec.low <= v <= spec.high:
                raise UserError(
                    f"{end} {v:g} is outside the parameter's bounds",
                    allowed=bounds,
                    **where(*path, end),
                )
        if prior.low >= prior.high:
            raise UserError(
                f"low {prior.low:g} is not below high {prior.high:g}",
                allowed=f"low < high within {bounds}",
                **where(*path, "low"),
            )
        out.append(Prior(name, prior.low, prior.high, prior.why.strip(), spec.type is int))
    return out


def _in_period(t: Target, text: str) -> bool | None:
    """Whether a target lies in a ``YYYY-MM..YYYY-MM`` period; None if ``text`` is no period."""
    m = _PERIOD.match(text.strip())
    if not m:
        return None
    lo, hi = parse_month(m.group(1)), parse_month(m.group(2))
    return lo <= t.start and t.end <= hi


def assign_split(targets: list[Target], split: SplitSection, where: Locator) -> list[Target]:
    """Set each target's ``use`` from the split (labels first, then periods, then the file)."""
    labels = {t.name for t in targets}
    by_label: dict[str, str] = {}
    periods: list[tuple[str, str]] = []
    for use in ("fit", "holdout"):
        for i, item in enumerate(getattr(split, use)):
            path = ("split", use, i)
            if _PERIOD.match(item.strip()):
                try:
                    lo, hi = (parse_month(x) for x in item.strip().split(".."))
                except DateError as err:
                    raise UserError(str(err), **where(*path)) from None
                if hi < lo:
                    raise UserError(f"period {item!r} ends before it starts", **where(*path))
                periods.append((use, item))
            elif item in labels:
                if by_label.get(item, use) != use:
                    raise UserError(f"{item} is both fitted and held out", **where(*path))
                by_label[item] = use
            else:
                raise UserError(
                    f"{item!r} is neither a target label nor a period YYYY-MM..YYYY-MM",
                    suggestion=did_you_mean(item, labels),
                    allowed=", ".join(sorted(labels)),
                    **where(*path),
                )
    out = []
    for t in targets:
        use = by_label.get(t.name)
        if use is None:
            hits = {u for u, p in periods if _in_period(t, p)}
            if len(hits) > 1:
                raise UserError(
                    f"target {t.name} falls in both a fitted and a held-out period",
                    **where("split"),
                )
            use = hits.pop() if hits else t.use
            if use == "fit" and not reads_series(t) and t.split == "fit":
                use = ""  # a period fits the series figures in it; the others stay unused
        if use == "fit" and t.split == "out_of_sample":
            raise UserError(
                f"target {t.name} is out-of-sample (after {FIT_END}): it is scored, never fitted",
                allowed=f"figures of the fit period ({FIT_START} to {FIT_END}) under split.fit",
                **where("split", "fit"),
            )
        if use == "fit" and not reads_series(t):
            raise UserError(
                f"target {t.name} cannot be fitted: the calibration fits figures of the monthly "
                "series (its runs keep no event log)",
                allowed="series outcomes and gdp_growth under split.fit",
                **where("split", "fit"),
            )
        out.append(replace(t, use=use))
    return out


def simulates(target: Target) -> bool:
    """Whether a calibration's runs can compute a target (series, gdp_growth or event log)."""
    return target.simulated and (reads_series(target) or target.target in EVENT_OBSERVABLES)


def select_patterns(
    targets: list[Target],
    raw: Any,
    scenario: ResolvedScenario,
    where: Locator,
) -> tuple[list[Target], PatternsSection, dict[str, str]]:
    """Set each target's ``use`` from a ``patterns`` section (see the module docstring).

    Returns:
        The targets with ``use`` set, the section, and why each unselected fit-period figure
        is unused.

    Raises:
        UserError: For an unknown kind, observable, label or family weight, located.
    """
    section = validate_section(
        PatternsSection, {"select": raw} if isinstance(raw, str) else raw, ("patterns",), where
    )
    known = known_observables()
    for i, kind in enumerate(section.kinds or []):
        if kind not in KINDS:
            raise UserError(
                f"unknown kind {kind!r}", allowed=", ".join(KINDS), **where("patterns", "kinds", i)
            )
    for i, name in enumerate(section.observables or []):
        if name not in known:
            raise UserError(
                f"unknown observable {name!r}",
                suggestion=did_you_mean(name, known),
                **where("patterns", "observables", i),
            )
    labels = {t.name for t in targets}
    for i, label in enumerate(section.exclude):
        if label not in labels:
            raise UserError(
                "unknown target label",
                suggestion=did_you_mean(label, labels),
                **where("patterns", "exclude", i),
            )
    fit_last = parse_month(FIT_END)
    out: list[Target] = []
    notes: dict[str, str] = {}
    for t in targets:
        use = ""
        chosen = (section.kinds is None or t.kind in section.kinds) and (
            section.observables is None or t.target in section.observables
        )
        if t.split == "out_of_sample":
            if section.holdout == "out_of_sample" and covered(
                scenario.start_month, scenario.end_month, t
            ):
                use = "holdout"
        elif t.name in section.exclude:
            notes[t.name] = "excluded by patterns.exclude"
        elif not chosen:
            notes[t.name] = "not selected (patterns.kinds / patterns.observables)"
        elif not simulates(t):
            notes[t.name] = "not simulated by the model"
        elif not covered(scenario.start_month, min(scenario.end_month, fit_last), t):
            year_before = " (a growth rate also needs the year before)" if t.kind == "rate" else ""
            notes[t.name] = (
                f"period outside the simulated run {scenario.start}..{scenario.end}{year_before}"
            )
        else:
            use = "fit"
        out.append(replace(t, use=use))
    fitted = {family_of(t) for t in out if t.use == "fit"}
    for family, weight in section.weights.items():
        if family not in fitted:
            raise UserError(
                f"no fitted figure of {family!r}",
                allowed=", ".join(sorted(fitted)),
                suggestion=did_you_mean(family, fitted),
                **where("patterns", "weights", family),
            )
        if not weight > 0:
            raise UserError("must be positive", **where("patterns", "weights", family))
    return out, section, notes


def _scenario(spec: CalibrationFile, base: Path, where: Locator) -> tuple[ResolvedScenario, Path]:
    path = Path(spec.scenario)
    full = path if path.is_absolute() else base / path
    if not full.is_file():
        raise UserError(f"scenario file not found ({full})", **where("scenario"))
    overrides = [f"params.{k}={v}" for k, v in spec.params.items()]
    overrides += [f"{k}={getattr(spec, k)}" for k in ("start", "end") if getattr(spec, k)]
    try:
        scenario = load_scenario(full, overrides)
    except UserError as err:
        if err.file != SET_SOURCE:
            raise
        key = "params" if err.key and err.key.startswith("params") else (err.key or "end")
        raise UserError(
            f"makes scenario {full} invalid: {err.message}", allowed=err.allowed, **where(key)
        ) from None
    return scenario, full


def _fitted_path(value: str | None, base: Path, where: Locator) -> Path | None:
    """The file named by ``fitted_scenario``: a relative .yaml path, read from ``base``."""
    if value is None:
        return None
    allowed = (
        "a .yaml file name relative to this file's folder, in the output folder (--out) or "
        "in the scenario's folder"
    )
    if any(ord(c) < 32 for c in value) or not value.strip():
        raise UserError("is not a file name", allowed=allowed, **where("fitted_scenario"))
    path = Path(value)
    if path.is_absolute() or value.startswith("~"):
        raise UserError(
            f"{describe(value)} is an absolute path", allowed=allowed, **where("fitted_scenario")
        )
    if path.suffix not in (".yaml", ".yml"):
        raise UserError(
            f"{describe(value)} is not a .yaml file", allowed=allowed, **where("fitted_scenario")
        )
    return Path(os.path.normpath(base / path))


def load_calibration(path: str | Path) -> Calibration:
    """Load and validate a calibration file, its scenario and its targets.

    Args:
        path: The calibration file.

    Returns:
        The calibration.

    Raises:
        UserError: For any problem: unknown keys or parameters, a prior with low >= high or
            outside the schema bounds, an unknown target outcome (reported by the targets
            loader), a split naming no target, a fitted target whose period the scenario does
            not cover.
    """
    file = str(path)
    data, line_of = load_yaml_file(file)
    where = Locator(file, line_of)
    spec: CalibrationFile = validate_section(CalibrationFile, data, (), where)
    problem = name_problem(spec.name)  # it names the default folder results/<name>
    if problem is not None:
        raise UserError(
            f"calibration name {spec.name!r} {problem}", allowed=NAME_ALLOWED, **where("name")
        )
    if spec.params:
        try:
            Parameters.model_validate(spec.params, strict=True)
        except ValidationError as exc:
            raise_validation(exc, Parameters, ("params",), file, line_of)
    base = Path(file).parent
    priors = check_priors(spec.priors, where)
    fixed = set(spec.params) & {p.name for p in priors}
    if fixed:
        name = sorted(fixed)[0]
        raise UserError(f"{name} is both fixed (params) and calibrated", **where("params", name))
    scenario, scenario_file = _scenario(spec, base, where)
    targets_file = None if spec.targets is None else base / spec.targets
    targets = load_targets(targets_file)
    scale_mode, families, notes = "kind", None, {}
    if spec.patterns is not None:
        if spec.split:
            raise UserError(
                "give either split (named targets) or patterns (the pattern set), not both",
                **where("patterns"),
            )
        targets, section, notes = select_patterns(targets, spec.patterns, scenario, where)
        scale_mode = section.scale
        fitted_families = dict.fromkeys((family_of(t) for t in targets if t.use == "fit"), 1.0)
        families = {**fitted_families, **section.weights}
    else:
        split = validate_section(SplitSection, spec.split, ("split",), where)
        targets = assign_split(targets, split, where)
    fitted = [t for t in targets if t.use == "fit"]
    if not fitted and spec.patterns is None and not spec.split:
        raise UserError(
            "no target is fitted: give patterns (the pattern set, e.g. 'patterns: all_fit'), "
            "a split of named targets, or a targets file with a 'use' column",
            **where("patterns"),
        )
    if not fitted:
        raise UserError("no target is fitted", **where("split", "fit"))
    for t in fitted:
        if not covered(scenario.start_month, scenario.end_month, t):
            raise UserError(
                f"fitted target {t.name} is outside the simulated period "
                f"{scenario.start}..{scenario.end} (gdp_growth also needs the year before)",
                allowed="fit only targets the scenario covers; hold the others out",
                **where("split", "fit"),
            )
    labels = {t.name for t in targets}
    for label in spec.scales:
        if label not in labels:
            raise UserError(
                "unknown target label",
                suggestion=did_you_mean(label, labels),
                **where("scales", label),
            )
        if not spec.scales[label] > 0:
            raise UserError("must be positive", **where("scales", label))
    executor = validate_section(ExecutorSection, spec.executor, ("executor",), where)
    return Calibration(
        name=spec.name,
        description=spec.description,
        scenario=scenario,
        priors=priors,
        targets=targets,
        method=spec.method,
        simulations=spec.simulations,
        generations=spec.generations if spec.method == "smc" else 1,
        quantile=spec.quantile,
        kernel=spec.kernel,
        accept=spec.accept,
        predictive=spec.predictive,
        scales={k: float(v) for k, v in spec.scales.items()},
        seed=spec.seed,
        executor=executor.model_dump(),
        fitted_scenario=_fitted_path(spec.fitted_scenario, base, where),
        fitted_scenario_line=line_of(("fitted_scenario",)),
        fixed_params=dict(spec.params),
        scenario_file=scenario_file,
        source=file,
        scale_mode=scale_mode,
        families=families,
        unused_notes=notes,
    )
