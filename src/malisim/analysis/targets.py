"""Documented targets: the targets file, and the one rule that gives a target its simulated value.

A targets file is a CSV with one row per documented figure (``data/targets.csv`` ships the
project's figures with their sources):

=============  ===============================================================================
column         meaning
=============  ===============================================================================
target         simulated outcome: a column of the monthly series, or ``gdp_growth``
period_start   first month of the period, ``YYYY-MM``
period_end     last month of the period, ``YYYY-MM``
region         ``national`` or one of the ten regions
value          the documented value
unit           its unit (information only)
kind           how the period is summarised (below)
source         where the figure comes from
use            optional: ``fit`` or ``holdout`` (a split may also be given separately)
=============  ===============================================================================

**The rule.** A target's simulated value comes from one run's monthly series at the target's
region (the national rows for ``national``), by its kind:

* ``count`` — the sum of the monthly values over the period (deaths in 2022);
* ``stock`` and ``share`` — the mean of the monthly values over the period (IDPs in early 2022,
  approval in April 2022);
* ``rate`` — the yearly growth of ``gdp_growth``: the mean GDP index over the period divided by
  the mean over the same months one year earlier, minus one. Year on year, so that a period of
  any length gives a growth per year, the unit of the documented (IMF, yearly) figures; for a
  calendar year it is the growth of the yearly mean, the run-level ``gdp_growth_<year>``.

``rate`` is the kind of ``gdp_growth`` and of nothing else (a monthly rate averaged over the
period is a ``stock``); a target file that pairs them otherwise is refused. A run that does not
cover every month the rule needs (for ``rate`` also the year before) has no value (NaN).

:func:`simulated_values` applies the rule to one run (calibration), :func:`simulated_by_run` to
many at once (the report, ``malisim compare``), and :func:`simulated_for_runs` falls back on the
run-level outcomes (``<outcome>_<year>``, ``gdp_growth_<year>``) of a results folder that kept
no monthly series, for the targets that are one of them. Scores for a simulated distribution
against a documented value (interval coverage, CRPS) are here too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from malisim.core.calendar import DateError, format_month, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.model.outcomes import NATIONAL, OUTCOME_NAMES, SCALAR_OUTCOMES
from malisim.model.space import REGIONS

KINDS = ("count", "stock", "rate", "share")
COLUMNS = ("target", "period_start", "period_end", "region", "value", "unit", "kind", "source")
#: Targets computed from something other than a series column: target -> the column it reads.
DERIVED_TARGETS: dict[str, str] = {"gdp_growth": "gdp_index"}
#: The kind of each derived target (and the only targets of that kind).
DERIVED_KINDS: dict[str, str] = {"gdp_growth": "rate"}
#: The run-level summary rule that gives a whole calendar year's value of a target, per kind.
YEARLY_RULES: dict[str, str] = {"count": "yearly_total", "rate": "yearly_growth"}
#: Note for a target of a results folder that kept no monthly series.
NEEDS_SERIES = "needs the monthly series (keep: {series: true} in the experiment)"


@dataclass(frozen=True)
class Target:
    """One documented figure.

    Attributes:
        name: Unique label, e.g. ``civilian_fatalities[2021-01..2021-12,national]``.
        target: The simulated outcome.
        start: First month index of the period.
        end: Last month index of the period.
        region: ``national`` or a region name.
        value: The documented value.
        kind: How the period is summarised (see module docstring).
        unit: Unit of the value.
        source: Where the figure comes from.
        use: ``fit``, ``holdout`` or ``""`` (unassigned).
    """

    name: str
    target: str
    start: int
    end: int
    region: str
    value: float
    kind: str
    unit: str
    source: str
    use: str = ""

    @property
    def period(self) -> str:
        """The period as text: ``2022-04``, or ``2022-01 to 2022-12``."""
        first, last = format_month(self.start), format_month(self.end)
        return first if first == last else f"{first} to {last}"


@dataclass
class SimulatedTargets:
    """Simulated values of targets for many runs.

    Attributes:
        values: One row per run (indexed by run id), one column per target (by name); NaN where
            a run has no value.
        notes: Target name -> why no run has a value (outside the simulated period, no series).
    """

    values: pd.DataFrame
    notes: dict[str, str] = field(default_factory=dict)


def series_column(target: str) -> str:
    """The column of the monthly series a target reads (``gdp_index`` for ``gdp_growth``)."""
    return DERIVED_TARGETS.get(target, target)


def needed_months(target: Target) -> tuple[int, int]:
    """First and last month index the rule needs (a ``rate`` also needs the year before)."""
    first = target.start - 12 if target.kind == "rate" else target.start
    return first, target.end


def default_targets_path() -> Path:
    """Path of the targets file shipped with the package."""
    return Path(str(resources.files("malisim.data").joinpath("targets.csv")))


def load_targets(path: str | Path | None = None) -> list[Target]:
    """Read and validate a targets file.

    Args:
        path: The CSV file (default: the shipped ``data/targets.csv``).

    Returns:
        The targets, in file order.

    Raises:
        UserError: For a missing file or column, an unknown outcome, region or kind, a kind
            that does not fit the target (``rate`` is the kind of ``gdp_growth`` only), a
            malformed period or value; messages name the file, line and column.
    """
    file = Path(path) if path is not None else default_targets_path()
    if not file.is_file():
        raise UserError("targets file not found", file=str(file))
    try:
        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise UserError(f"not a readable CSV file ({err})", file=str(file)) from None
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise UserError(
            f"missing column(s) {', '.join(missing)}", file=str(file), allowed=", ".join(COLUMNS)
        )
    known = (*OUTCOME_NAMES, *DERIVED_TARGETS)
    out: list[Target] = []
    for line, row in enumerate(frame.to_dict("records"), start=2):  # header is line 1

        def where(column: str, line: int = line) -> dict[str, Any]:
            return {"file": str(file), "line": line, "key": column}

        name = row["target"].strip()
        if name not in known:
            raise UserError(
                f"unknown outcome {name!r}",
                suggestion=did_you_mean(name, known),
                allowed="a series column of malisim.model.outcomes or gdp_growth",
                **where("target"),
            )
        try:
            start, end = parse_month(row["period_start"]), parse_month(row["period_end"])
        except DateError as err:
            raise UserError(str(err), **where("period_start/period_end")) from None
        if end < start:
            raise UserError(
                f"period_end {row['period_end']} is before period_start {row['period_start']}",
                **where("period_end"),
            )
        region = row["region"].strip()
        if region != "national" and region not in REGIONS:
            raise UserError(
                f"unknown region {region!r}",
                suggestion=did_you_mean(region, ("national", *REGIONS)),
                allowed="national, " + ", ".join(REGIONS),
                **where("region"),
            )
        kind = row["kind"].strip()
        if kind not in KINDS:
            raise UserError(f"unknown kind {kind!r}", allowed=", ".join(KINDS), **where("kind"))
        _check_kind(name, kind, where("kind"))
        try:
            value = float(row["value"])
        except ValueError:
            raise UserError(f"value {row['value']!r} is not a number", **where("value")) from None
        use = row.get("use", "").strip() if "use" in frame.columns else ""
        if use not in ("", "fit", "holdout"):
            raise UserError(f"unknown use {use!r}", allowed="fit, holdout", **where("use"))
        label = f"{name}[{row['period_start']}..{row['period_end']},{region}]"
        out.append(
            Target(label, name, start, end, region, value, kind, row["unit"], row["source"], use)
        )
    return out


def _check_kind(name: str, kind: str, where: dict[str, Any]) -> None:
    """Refuse a kind the rule cannot apply to the target (see the module docstring)."""
    expected = DERIVED_KINDS.get(name)
    if expected is not None and kind != expected:
        raise UserError(f"{name} is a growth rate: its kind is {expected!r}, not {kind!r}", **where)
    if expected is None and kind in DERIVED_KINDS.values():
        targets = ", ".join(t for t, k in DERIVED_KINDS.items() if k == kind)
        raise UserError(
            f"kind {kind!r} is the yearly growth of {targets} only",
            allowed="count (sum over the period), stock or share (mean over the period)",
            **where,
        )


def summarise(kind: str, months: np.ndarray) -> np.ndarray:
    """The rule: the simulated value of a target from each run's months (rows: runs).

    Args:
        kind: The target's kind.
        months: One row per run, one column per month of :func:`needed_months`, in order.

    Returns:
        One value per run (NaN where a month is NaN).
    """
    if kind == "count":
        return months.sum(axis=1)
    if kind in ("stock", "share"):
        return months.mean(axis=1)
    if kind == "rate":
        span = months.shape[1] - 12
        return months[:, 12:].mean(axis=1) / months[:, :span].mean(axis=1) - 1.0
    raise ValueError(f"unknown kind {kind!r}")


def simulated_by_run(series: pd.DataFrame, targets: list[Target]) -> SimulatedTargets:
    """Each target's simulated value for every run of a monthly series table.

    Args:
        series: Monthly series (columns ``date``, ``region`` and outcomes), of many runs with a
            ``run_id`` column, or of one run without.
        targets: The targets.

    Returns:
        The values (one row per run, in order of first appearance; the index is the run ids, or
        ``[0]`` without ``run_id``) and, for targets no run has a value of, why.
    """
    if "run_id" in series.columns:
        codes, runs = pd.factorize(series["run_id"], sort=False)
        index = pd.Index(runs, name="run_id")
    else:
        codes = np.zeros(len(series), dtype=np.intp)
        index = pd.Index([0], name="run_id")
    dates = pd.DatetimeIndex(series["date"])
    month = dates.year.to_numpy() * 12 + dates.month.to_numpy() - 1
    regions = series["region"].to_numpy()
    out = np.full((len(index), len(targets)), np.nan)
    notes: dict[str, str] = {}
    columns: dict[str, np.ndarray] = {}
    for j, t in enumerate(targets):
        column = series_column(t.target)
        if column not in series.columns:
            notes[t.name] = f"no simulated outcome {column!r}"
            continue
        if column not in columns:
            columns[column] = series[column].to_numpy(float)
        at_region = regions == (NATIONAL if t.region == "national" else t.region)
        first, last = needed_months(t)
        rows = np.flatnonzero(at_region & (month >= first) & (month <= last))
        grid = np.full((len(index), last - first + 1), np.nan)
        seen = np.zeros(grid.shape, dtype=bool)
        grid[codes[rows], month[rows] - first] = columns[column][rows]
        seen[codes[rows], month[rows] - first] = True
        complete = seen.all(axis=1)
        out[:, j] = np.where(complete, summarise(t.kind, grid), np.nan)
        if not complete.any():
            simulated = month[at_region]
            notes[t.name] = (
                f"outside the simulated period ({format_month(simulated.min())} to "
                f"{format_month(simulated.max())})"
                if simulated.size
                else "no series rows for this region"
            )
    return SimulatedTargets(
        pd.DataFrame(out, index=index, columns=[t.name for t in targets]), notes
    )


def simulated_values(series: pd.DataFrame, targets: list[Target]) -> dict[str, float]:
    """Compute each target's simulated value from one run's monthly series.

    Args:
        series: Monthly series of one run (columns ``date``, ``region`` and the outcomes).
        targets: The targets.

    Returns:
        Target label -> simulated value; NaN when the series does not cover the period.
    """
    one_run = series.drop(columns="run_id") if "run_id" in series.columns else series
    values = simulated_by_run(one_run, targets).values.to_numpy(float)[0]
    return {t.name: float(v) for t, v in zip(targets, values, strict=True)}


def run_level_column(target: Target) -> str | None:
    """The run-level outcome that holds a target's simulated value, if one does.

    A national ``count`` over one calendar year is the yearly total ``<outcome>_<year>``, a
    ``rate`` over one calendar year the yearly growth ``gdp_growth_<year>``; other targets
    need the monthly series.
    """
    year, month0 = divmod(target.start, 12)
    whole_year = month0 == 0 and target.end == target.start + 11
    rule = YEARLY_RULES.get(target.kind)
    if not whole_year or target.region != "national" or rule is None:
        return None
    column = series_column(target.target)
    for scalar in SCALAR_OUTCOMES:
        if scalar.source == column and scalar.rule == rule:
            return scalar.column(year)
    return None


def simulated_for_runs(
    targets: list[Target], outcomes: pd.DataFrame, series: pd.DataFrame | None = None
) -> SimulatedTargets:
    """Each target's simulated value for the runs of a results folder.

    From the monthly series when they hold the target's column (:func:`simulated_by_run`),
    else from the run-level outcome that holds the same value (:func:`run_level_column`).

    Args:
        targets: The targets.
        outcomes: The outcomes table (one row per run, ``run_id`` and run-level columns).
        series: The monthly series of the runs (with ``run_id``), or None if not kept.

    Returns:
        One row per run of ``outcomes`` (indexed by run id), and why a target has no value.
    """
    run_ids = pd.Index(outcomes["run_id"], name="run_id")
    values = pd.DataFrame(np.nan, index=run_ids, columns=[t.name for t in targets])
    notes: dict[str, str] = {}
    from_series = (
        [t for t in targets if series_column(t.target) in series.columns]
        if series is not None
        else []
    )
    if series is not None and from_series:
        found = simulated_by_run(series, from_series)
        values[found.values.columns] = found.values.reindex(run_ids)
        notes.update(found.notes)
    by_run = outcomes.set_index("run_id")
    for t in targets:
        if t in from_series:
            continue
        column = run_level_column(t)
        if column is not None and column in by_run.columns:
            values[t.name] = by_run[column].to_numpy(float)
        elif series is None:
            notes[t.name] = NEEDS_SERIES
        else:
            notes[t.name] = f"no simulated outcome {series_column(t.target)!r}"
    return SimulatedTargets(values, notes)


def covered(series_start: int, series_end: int, target: Target) -> bool:
    """Whether a run from ``series_start`` to ``series_end`` covers the months the rule needs."""
    first, last = needed_months(target)
    return series_start <= first and last <= series_end
