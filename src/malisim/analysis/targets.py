"""Documented targets: reading the targets file and computing the simulated value of each target.

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
kind           ``count`` (sum over the period), ``stock`` (mean over the period), ``rate``
               (growth of the yearly mean, for ``gdp_growth``) or ``share`` (mean)
source         where the figure comes from
use            optional: ``fit`` or ``holdout`` (a split may also be given separately)
=============  ===============================================================================

:func:`simulated_values` turns a run's monthly series into one value per target, so that the
same rules serve calibration, validation and reports. Scores for a simulated distribution
against a documented value (interval coverage, CRPS) are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from malisim.core.calendar import DateError, parse_month
from malisim.core.errors import UserError, did_you_mean
from malisim.model.outcomes import OUTCOME_NAMES
from malisim.model.space import REGIONS

KINDS = ("count", "stock", "rate", "share")
COLUMNS = ("target", "period_start", "period_end", "region", "value", "unit", "kind", "source")
#: Targets computed from something other than a series column.
DERIVED_TARGETS = ("gdp_growth",)


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
        UserError: For a missing file or column, an unknown outcome, region or kind, a
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
    for i, row in frame.iterrows():
        line = int(i) + 2  # header is line 1

        def where(column: str, line: int = line) -> dict[str, object]:
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


def simulated_values(series: pd.DataFrame, targets: list[Target]) -> dict[str, float]:
    """Compute each target's simulated value from one run's monthly series.

    Args:
        series: Monthly series of one run (columns ``date``, ``region`` and the outcomes).
        targets: The targets.

    Returns:
        Target label -> simulated value; NaN when the series does not cover the period.
    """
    dates = pd.DatetimeIndex(series["date"])
    months = dates.year.to_numpy() * 12 + dates.month.to_numpy() - 1
    regions = series["region"].to_numpy()
    out: dict[str, float] = {}
    for t in targets:
        region = "Mali" if t.region == "national" else t.region
        at_region = regions == region
        if t.target == "gdp_growth":
            out[t.name] = _growth(series, months, at_region, t)
            continue
        in_period = at_region & (months >= t.start) & (months <= t.end)
        covered = np.unique(months[in_period]).size == t.end - t.start + 1
        if not covered:
            out[t.name] = float("nan")
            continue
        values = series.loc[in_period, t.target].to_numpy(float)
        out[t.name] = float(values.sum() if t.kind == "count" else values.mean())
    return out


def _growth(series: pd.DataFrame, months: np.ndarray, at_region: np.ndarray, t: Target) -> float:
    """Growth of the mean GDP index over the period against the same span a year earlier."""
    now = at_region & (months >= t.start) & (months <= t.end)
    before = at_region & (months >= t.start - 12) & (months <= t.end - 12)
    span = t.end - t.start + 1
    if np.unique(months[now]).size != span or np.unique(months[before]).size != span:
        return float("nan")
    gdp = series["gdp_index"].to_numpy(float)
    return float(gdp[now].mean() / gdp[before].mean() - 1.0)


def covered(series_start: int, series_end: int, target: Target) -> bool:
    """Whether a run from ``series_start`` to ``series_end`` covers the target's period."""
    first = target.start - 12 if target.target == "gdp_growth" else target.start
    return series_start <= first and target.end <= series_end


def interval_coverage(samples: np.ndarray, observed: float, level: float) -> bool:
    """Whether the central ``level`` interval of the samples contains the observed value."""
    lo, hi = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2])
    return bool(lo <= observed <= hi)


def crps(samples: np.ndarray, observed: float) -> float:
    """Continuous ranked probability score of an ensemble (lower is better).

    ``CRPS = E|X - y| - 0.5 E|X - X'|`` with the ensemble's empirical distribution, computed
    in O(n log n) from the sorted sample (Gneiting & Raftery 2007).
    """
    x = np.sort(np.asarray(samples, dtype=float))
    n = x.size
    if n == 0:
        return float("nan")
    term1 = np.mean(np.abs(x - observed))
    ranks = np.arange(1, n + 1)
    term2 = np.sum((2 * ranks - n - 1) * x) / (n * n)
    return float(term1 - term2)
