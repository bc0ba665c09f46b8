"""Documented targets: the pattern set, and the one rule that gives a target its simulated value.

A targets file is a CSV with one row per documented figure (``data/targets.csv`` ships the
project's pattern set, each row with its source; ``data/targets_README.md`` describes it):

=============  ===============================================================================
column         meaning
=============  ===============================================================================
target         the observable: a column of the monthly series, ``gdp_growth``, an observable
               of the event log (:data:`malisim.data_io.aggregate.OBSERVABLE_NAMES`), or one
               the model does not produce yet (:data:`NOT_SIMULATED`)
period_start   first month of the period, ``YYYY-MM``
period_end     last month of the period, ``YYYY-MM``
region         ``national`` or one of the ten regions
value          the documented value
unit           its unit (information only)
kind           how the period is summarised (below)
split          ``fit`` (the period ends by 2022-12) or ``out_of_sample`` (it starts 2023-01 or
               later); optional: derived from the period when absent, checked when given
tolerance      when a simulated value counts as reproducing the figure (:class:`Tolerance`);
               optional (no tolerance: scored, never "inside")
source         the bibliography key of the document (``malisim.core.sources``), or free text
locator        optional: where in the document (page, footnote, table)
note           optional: what the document says, and why this tolerance
use            optional: ``fit`` or ``holdout`` for a calibration (a calibration's ``split``
               section may set it instead)
=============  ===============================================================================

**The rule.** A target's simulated value comes from one run's monthly series at the target's
region (the national rows for ``national``), by its kind:

* ``count`` — the sum of the monthly values over the period (deaths in 2022);
* ``stock`` and ``share`` — the mean of the monthly values over the period (IDPs in early 2022,
  approval in April 2022);
* ``regional_share`` — the region's sum over the period divided by the national sum (Mopti's
  share of the civilian deaths of 2022, of the IDPs at a date);
* ``share_of_total`` — the observable's sum over the period divided by the sum, over the same
  period and at the same region, of the total it is a part of (:data:`TOTAL_OF`: the jihadists'
  share of the civilian deaths of 2021 is ``civilian_fatalities_jihadist`` over
  ``civilian_fatalities``); NaN where the total is zero;
* ``rate`` — the yearly growth of ``gdp_growth``: the mean GDP index over the period divided by
  the mean over the same months one year earlier, minus one. Year on year, so that a period of
  any length gives a growth per year, the unit of the documented (IMF, yearly) figures; for a
  calendar year it is the growth of the yearly mean, the run-level ``gdp_growth_<year>``.

``rate`` is the kind of ``gdp_growth`` and of nothing else (a monthly rate averaged over the
period is a ``stock``); a target file that pairs them otherwise is refused. ``share_of_total``
is the kind of a part of a total (a key of :data:`TOTAL_OF`) only. A run that does not
cover every month the rule needs (for ``rate`` also the year before) has no value (NaN).

**The split.** The fit period is 2019-01 to 2022-12 (:data:`malisim.core.calendar.FIT_END`);
a figure whose period ends later is out-of-sample, and a period may not straddle the boundary.
Out-of-sample figures are scored, never fitted (the calibration refuses them).

:func:`simulated_values` applies the rule to one run (calibration), :func:`simulated_by_run` to
many at once (the report, ``malisim compare``, ``malisim score``), and
:func:`simulated_for_runs` falls back on the run-level outcomes (``<outcome>_<year>``,
``gdp_growth_<year>``) of a results folder that kept no monthly series, for the targets that are
one of them. The scores of a simulated distribution are in :mod:`malisim.analysis.scores`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from malisim.core.calendar import FIT_END, DateError, format_month, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.data_io.aggregate import OBSERVABLE_NAMES as EVENT_OBSERVABLES
from malisim.model.outcomes import NATIONAL, OUTCOME_NAMES, SCALAR_OUTCOMES
from malisim.model.space import REGIONS

KINDS = ("count", "stock", "rate", "share", "regional_share", "share_of_total")
#: Columns every targets file has.
COLUMNS = ("target", "period_start", "period_end", "region", "value", "unit", "kind", "source")
#: Columns a targets file may have (the shipped one has all of them).
OPTIONAL_COLUMNS = ("split", "tolerance", "locator", "note", "use")
#: The two splits: a figure is fitted only if its period ends in the fit period.
SPLITS = ("fit", "out_of_sample")
#: Targets computed from something other than a series column: target -> the column it reads.
DERIVED_TARGETS: dict[str, str] = {"gdp_growth": "gdp_index"}
#: The kind of each derived target (and the only targets of that kind).
DERIVED_KINDS: dict[str, str] = {"gdp_growth": "rate"}
#: The total each part is a share of (kind ``share_of_total``): part -> total, both observables
#: (the part a series column or an observable of the event log, the total a series column).
#: Civilian deaths by perpetrator family are parts of all civilian deaths: the state's forces
#: (FAMa), foreign forces (Wagner / Africa Corps and others), both together (event log),
#: jihadists, signatory groups and communal militias (malisim.model.outcomes).
TOTAL_OF: dict[str, str] = {
    "civilian_fatalities_state": "civilian_fatalities",
    "civilian_fatalities_foreign": "civilian_fatalities",
    "civilian_fatalities_state_and_partners": "civilian_fatalities",
    "civilian_fatalities_jihadist": "civilian_fatalities",
    "civilian_fatalities_signatory": "civilian_fatalities",
    "civilian_fatalities_militia": "civilian_fatalities",
}
#: Documented observables the model does not produce yet: name -> what is missing. A target of
#: one is kept in the pattern set and reported as not simulated (a miss), never dropped.
NOT_SIMULATED: dict[str, str] = {}
#: The run-level summary rule that gives a whole calendar year's value of a target, per kind.
YEARLY_RULES: dict[str, str] = {"count": "yearly_total", "rate": "yearly_growth"}
#: Note for a target of a results folder that kept no monthly series.
NEEDS_SERIES = "needs the monthly series (keep: {series: true} in the experiment)"
#: Note for a target of the event log in a results folder that kept no events.
NEEDS_EVENTS = "needs the event log (keep: {events: true} in the experiment)"
#: Tolerance rules and what their text looks like.
TOLERANCE_RULES = {
    "relative": "relative:R (within value x (1 +/- R))",
    "absolute": "absolute:A (within value +/- A)",
    "range": "range:LO:HI (inside [LO, HI])",
    "at_least": "at_least:X (X or more)",
    "at_most": "at_most:X (X or less)",
}


def known_observables() -> tuple[str, ...]:
    """Every name a target may have: series columns, derived, event-log and not simulated."""
    return (*OUTCOME_NAMES, *DERIVED_TARGETS, *EVENT_OBSERVABLES, *NOT_SIMULATED)


@dataclass(frozen=True)
class Tolerance:
    """When a simulated value counts as reproducing a documented figure.

    Attributes:
        rule: One of :data:`TOLERANCE_RULES`, or ``""`` for none.
        low: Lowest value inside (``-inf`` when unbounded).
        high: Highest value inside (``inf`` when unbounded).
        text: The rule as written in the targets file.
    """

    rule: str = ""
    low: float = float("nan")
    high: float = float("nan")
    text: str = ""

    def contains(self, values: np.ndarray | float) -> np.ndarray:
        """Whether each value is inside (always False without a rule or for NaN)."""
        x = np.asarray(values, dtype=float)
        if not self.rule:
            return np.zeros(x.shape, dtype=bool)
        return (x >= self.low) & (x <= self.high)


def parse_tolerance(text: str, value: float) -> Tolerance:
    """Read a tolerance rule (:data:`TOLERANCE_RULES`) for a documented value.

    Raises:
        ValueError: With what is wrong, when the text is not a rule.
    """
    text = text.strip()
    if not text:
        return Tolerance()
    rule, _, rest = text.partition(":")
    rule = rule.strip()
    if rule not in TOLERANCE_RULES:
        raise ValueError(f"unknown tolerance rule {rule!r}")
    parts = [x.strip() for x in rest.split(":")] if rest.strip() else []
    try:
        numbers = [float(x) for x in parts]
    except ValueError:
        raise ValueError(f"tolerance {text!r} has a value that is not a number") from None
    wanted = 2 if rule == "range" else 1
    if len(numbers) != wanted or not all(np.isfinite(numbers)):
        raise ValueError(f"tolerance {text!r} needs {wanted} finite number(s)")
    a = numbers[0]
    if rule in ("relative", "absolute") and a < 0:
        raise ValueError(f"tolerance {text!r} is negative")
    if rule == "relative":
        low, high = sorted((value * (1 - a), value * (1 + a)))
    elif rule == "absolute":
        low, high = value - a, value + a
    elif rule == "range":
        low, high = numbers
        if low > high:
            raise ValueError(f"tolerance {text!r}: LO is above HI")
    elif rule == "at_least":
        low, high = a, float("inf")
    else:
        low, high = float("-inf"), a
    return Tolerance(rule, low, high, text)


def split_of(start: int, end: int) -> str | None:
    """The split of a period: ``fit``, ``out_of_sample``, or None if it straddles the boundary."""
    boundary = parse_month(FIT_END)
    if end <= boundary:
        return "fit"
    if start > boundary:
        return "out_of_sample"
    return None


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
        source: Where the figure comes from (a bibliography key in the shipped file).
        use: ``fit``, ``holdout`` or ``""`` (unassigned) for a calibration.
        split: ``fit`` or ``out_of_sample`` (from the period; see module docstring).
        tolerance: When a simulated value reproduces the figure.
        locator: Where in the source.
        note: What the source says, and why the tolerance.
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
    split: str = "fit"
    tolerance: Tolerance = field(default_factory=Tolerance)
    locator: str = ""
    note: str = ""

    @property
    def period(self) -> str:
        """The period as text: ``2022-04``, or ``2022-01 to 2022-12``."""
        first, last = format_month(self.start), format_month(self.end)
        return first if first == last else f"{first} to {last}"

    @property
    def simulated(self) -> bool:
        """Whether the model produces this target's observable."""
        return self.target not in NOT_SIMULATED


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


def reads_series(target: Target) -> bool:
    """Whether a target's value comes from the monthly series (not the event log, not absent)."""
    return target.target in OUTCOME_NAMES or target.target in DERIVED_TARGETS


def total_column(target: Target) -> str | None:
    """The series column of the total a ``share_of_total`` divides by (None for other kinds)."""
    return TOTAL_OF[target.target] if target.kind == "share_of_total" else None


def series_columns_of(targets: Sequence[Target]) -> set[str]:
    """The monthly series columns the targets read (event-log and unsimulated ones excluded).

    A ``share_of_total`` also reads its total's column, whichever table its part comes from.
    """
    out = {series_column(t.target) for t in targets if reads_series(t)}
    return out | {c for t in targets if t.simulated and (c := total_column(t)) is not None}


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
        UserError: For a missing file or column, an unknown observable, region, kind, split or
            tolerance rule, a kind that does not fit the target (``rate`` is the kind of
            ``gdp_growth`` only, ``share_of_total`` of a part of :data:`TOTAL_OF` only), a
            split that contradicts the period, a malformed period or value, or a figure given
            twice; messages name the file, line and column.
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
            f"missing column(s) {', '.join(missing)}",
            file=str(file),
            allowed=", ".join(COLUMNS) + " (optional: " + ", ".join(OPTIONAL_COLUMNS) + ")",
        )
    for column in OPTIONAL_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    known = known_observables()
    out: list[Target] = []
    seen: dict[str, int] = {}
    for line, row in enumerate(frame.to_dict("records"), start=2):  # header is line 1
        out.append(_read_row(row, known, {"file": str(file), "line": line}))
        label = out[-1].name
        if label in seen:
            raise UserError(
                f"{label} is given twice (first on line {seen[label]})",
                file=str(file),
                line=line,
                key="target",
            )
        seen[label] = line
    return out


def _read_row(row: dict[str, str], known: tuple[str, ...], at: dict[str, Any]) -> Target:
    """One validated row of a targets file (``at``: file and line)."""

    def where(column: str) -> dict[str, Any]:
        return {**at, "key": column}

    name = row["target"].strip()
    if name not in known:
        raise UserError(
            f"unknown outcome {name!r}",
            suggestion=did_you_mean(name, known),
            allowed="a series column of malisim.model.outcomes, gdp_growth, an observable of "
            "the event log (malisim.data_io.aggregate) or " + ", ".join(NOT_SIMULATED),
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
    if kind == "regional_share" and region == "national":
        raise UserError(
            "a regional_share is the share of one region",
            allowed=", ".join(REGIONS),
            **where("region"),
        )
    try:
        value = float(row["value"])
    except ValueError:
        raise UserError(f"value {row['value']!r} is not a number", **where("value")) from None
    if not np.isfinite(value):
        raise UserError(f"value {row['value']!r} is not a finite number", **where("value"))
    split = _split(row["split"].strip(), start, end, where("split"))
    try:
        tolerance = parse_tolerance(row["tolerance"], value)
    except ValueError as err:
        raise UserError(
            str(err), allowed="; ".join(TOLERANCE_RULES.values()), **where("tolerance")
        ) from None
    use = row["use"].strip()
    if use not in ("", "fit", "holdout"):
        raise UserError(f"unknown use {use!r}", allowed="fit, holdout", **where("use"))
    if use == "fit" and split == "out_of_sample":
        raise UserError(
            f"an out-of-sample figure (after {FIT_END}) cannot be fitted",
            allowed="holdout, or nothing",
            **where("use"),
        )
    label = f"{name}[{row['period_start']}..{row['period_end']},{region}]"
    return Target(
        label,
        name,
        start,
        end,
        region,
        value,
        kind,
        row["unit"].strip(),
        row["source"].strip(),
        use,
        split,
        tolerance,
        row["locator"].strip(),
        row["note"].strip(),
    )


def _split(given: str, start: int, end: int, where: dict[str, Any]) -> str:
    """The split of a row: derived from its period, and checked against the one given."""
    derived = split_of(start, end)
    if derived is None:
        raise UserError(
            f"the period straddles the end of the fit period ({FIT_END}): split it in two",
            **{**where, "key": "period_start/period_end"},
        )
    if given and given not in SPLITS:
        raise UserError(f"unknown split {given!r}", allowed=", ".join(SPLITS), **where)
    if given and given != derived:
        raise UserError(
            f"split {given!r} contradicts the period: it is {derived!r} (the fit period ends "
            f"{FIT_END})",
            allowed=derived,
            **where,
        )
    return derived


def _check_kind(name: str, kind: str, where: dict[str, Any]) -> None:
    """Refuse a kind the rule cannot apply to the target (see the module docstring)."""
    if kind == "share_of_total" and name not in TOTAL_OF:
        raise UserError(
            f"{name} is not part of a total: kind 'share_of_total' needs an observable of "
            "TOTAL_OF (malisim.analysis.targets)",
            allowed=", ".join(f"{part} (of {total})" for part, total in TOTAL_OF.items()),
            **where,
        )
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


def share_of(part: np.ndarray, total: np.ndarray) -> np.ndarray:
    """The rule of ``regional_share`` and ``share_of_total``: part over total, per run.

    Args:
        part: Each run's sum of the part over the period.
        total: Each run's sum of the total over the same period.

    Returns:
        ``part / total``, NaN where the total is zero (no deaths: no share) or missing.
    """
    part, total = np.asarray(part, dtype=float), np.asarray(total, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, part / total, np.nan)


def simulated_by_run(series: pd.DataFrame, targets: list[Target]) -> SimulatedTargets:
    """Each target's simulated value for every run of a monthly series table.

    Args:
        series: Monthly series (columns ``date``, ``region`` and outcomes), of many runs with a
            ``run_id`` column, or of one run without. Observables of the event log are read
            from the same table (see :func:`with_event_observables`).
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

    def months_of(column: str, region: str, first: int, last: int) -> np.ndarray:
        """Runs x months of one column at one region (NaN where a run lacks the month)."""
        at_region = regions == (NATIONAL if region == "national" else region)
        rows = np.flatnonzero(at_region & (month >= first) & (month <= last))
        grid = np.full((len(index), last - first + 1), np.nan)
        grid[codes[rows], month[rows] - first] = columns[column][rows]
        return grid

    for j, t in enumerate(targets):
        if not t.simulated:
            notes[t.name] = "not simulated: " + NOT_SIMULATED[t.target]
            continue
        column = series_column(t.target)
        if column not in series.columns:
            in_events = t.target in EVENT_OBSERVABLES
            notes[t.name] = NEEDS_EVENTS if in_events else f"no simulated outcome {column!r}"
            continue
        total = total_column(t)
        if total is not None and total not in series.columns:
            notes[t.name] = f"no simulated outcome {total!r} (the total of the share)"
            continue
        for read in (column, total):
            if read is not None and read not in columns:
                columns[read] = series[read].to_numpy(float)
        first, last = needed_months(t)
        grid = months_of(column, t.region, first, last)
        complete = ~np.isnan(grid).any(axis=1)
        if t.kind == "regional_share":
            national = months_of(column, "national", first, last).sum(axis=1)
            values = share_of(grid.sum(axis=1), national)
        elif total is not None:
            whole = months_of(total, t.region, first, last)
            complete &= ~np.isnan(whole).any(axis=1)
            values = share_of(grid.sum(axis=1), whole.sum(axis=1))
        else:
            values = summarise(t.kind, grid)
        out[:, j] = np.where(complete, values, np.nan)
        if not complete.any():
            simulated = month[regions == (NATIONAL if t.region == "national" else t.region)]
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


def with_event_observables(
    series: pd.DataFrame | None, events: pd.DataFrame, start: int, end: int
) -> pd.DataFrame:
    """The monthly series with the event log's observables added as columns.

    Args:
        series: Monthly series of the runs (with ``run_id``), or None if not kept.
        events: The runs' event log (ACLED schema with ``run_id``).
        start: First month index of the runs.
        end: Last month index of the runs.

    Returns:
        One row per run, month and region (national included), with the series' columns (when
        given) and one column per observable of :data:`EVENT_OBSERVABLES`, zero in months
        without events.
    """
    from malisim.data_io.acled import normalise_acled
    from malisim.data_io.aggregate import event_series

    runs = list(dict.fromkeys(series["run_id"])) if series is not None else None
    if runs is None and "run_id" in events.columns:
        runs = list(dict.fromkeys(events["run_id"]))
    observed = event_series(normalise_acled(events), start, end, runs=runs)
    if series is None:
        return observed
    keys = ["run_id", "date", "region"]
    frame = series.copy()
    frame["date"] = pd.to_datetime(frame["date"])
    observed["date"] = pd.to_datetime(observed["date"])
    extra = [c for c in observed.columns if c not in frame.columns or c in keys]
    return frame.merge(observed[extra], on=keys, how="left")


def simulated_for_runs(
    targets: list[Target],
    outcomes: pd.DataFrame,
    series: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    period: tuple[int, int] | None = None,
) -> SimulatedTargets:
    """Each target's simulated value for the runs of a results folder.

    From the monthly series when they hold the target's column (:func:`simulated_by_run`),
    from the event log for its observables (:func:`with_event_observables`), else from the
    run-level outcome that holds the same value (:func:`run_level_column`).

    Args:
        targets: The targets.
        outcomes: The outcomes table (one row per run, ``run_id`` and run-level columns).
        series: The monthly series of the runs (with ``run_id``), or None if not kept.
        events: The event log of the runs (with ``run_id``), or None if not kept.
        period: First and last month index of the runs (needed with ``events``: months
            without events count zero).

    Returns:
        One row per run of ``outcomes`` (indexed by run id), and why a target has no value.
    """
    run_ids = pd.Index(outcomes["run_id"], name="run_id")
    kept_series = series is not None
    values = pd.DataFrame(np.nan, index=run_ids, columns=[t.name for t in targets])
    notes: dict[str, str] = {}
    wants_events = any(t.target in EVENT_OBSERVABLES for t in targets)
    if events is not None and wants_events and period is not None:
        series = with_event_observables(series, events, *period)
    from_series = (
        [t for t in targets if _has_columns(t, series) or not t.simulated]
        if series is not None
        else [t for t in targets if not t.simulated]
    )
    if from_series:
        frame = (
            series
            if series is not None
            else pd.DataFrame({"run_id": [], "date": pd.to_datetime([]), "region": []})
        )
        found = simulated_by_run(frame, from_series)
        values[found.values.columns] = found.values.reindex(run_ids)
        notes.update(found.notes)
    by_run = outcomes.set_index("run_id")
    for t in targets:
        if t in from_series:
            continue
        column = run_level_column(t)
        total = total_column(t)
        if column is not None and column in by_run.columns:
            values[t.name] = by_run[column].to_numpy(float)
        elif total is not None and not kept_series:
            notes[t.name] = NEEDS_SERIES  # the total comes from the series, whatever the part
        elif total is not None and series is not None and total not in series.columns:
            notes[t.name] = f"no simulated outcome {total!r} (the total of the share)"
        elif t.target in EVENT_OBSERVABLES:
            notes[t.name] = NEEDS_EVENTS
        elif series is None:
            notes[t.name] = NEEDS_SERIES
        else:
            notes[t.name] = f"no simulated outcome {series_column(t.target)!r}"
    return SimulatedTargets(values, notes)


def _has_columns(target: Target, series: pd.DataFrame) -> bool:
    """Whether a table holds every column a target's rule reads (the part, and its total)."""
    total = total_column(target)
    return series_column(target.target) in series.columns and (
        total is None or total in series.columns
    )


def covered(series_start: int, series_end: int, target: Target) -> bool:
    """Whether a run from ``series_start`` to ``series_end`` covers the months the rule needs."""
    first, last = needed_months(target)
    return series_start <= first and last <= series_end
