"""Comparing scenarios: outcome distributions and differences against a baseline.

For each run-level outcome (a column of the outcomes table, e.g. ``civilian_fatalities_total``)
and each scenario, :func:`compare` gives the number of runs, the mean, the median and a central
interval of the runs (5-95% by default). Against the baseline scenario it gives:

* the **difference** scenario - baseline: its mean, median and relative size (mean difference /
  |baseline mean|), with a **bootstrap confidence interval** of the mean difference (percentile
  method, 2,000 resamples by default, drawn from a :class:`numpy.random.Generator` with a fixed
  seed so that the table is reproducible);
* ``p_higher``, the **probability that the scenario's outcome is higher**: with paired runs, the
  share of pairs where the scenario's run is higher (ties count one half); unpaired, the
  probability of superiority P(X > Y) + P(X = Y) / 2 (the Mann-Whitney U over na * nb);
* a **standardised effect size**: paired, Cohen's d_z = mean difference / sd of the differences;
  unpaired, Hedges' g (Cohen's d with the pooled sd, bias-corrected);
* a **test**: Wilcoxon signed-rank on the paired differences (pairs with no difference are left
  out, scipy's ``zero_method="wilcox"``), Mann-Whitney U when the runs are not paired; two-sided;
* the p-values **adjusted for multiple comparisons** across every (scenario, outcome) comparison
  of the table: Holm's step-down method by default (controls the family-wise error rate: the
  chance of any false "significant" among all comparisons), or Benjamini-Hochberg
  (``correction="bh"``, controls the false discovery rate, less conservative) or none.

**Pairing.** Under common random numbers, replicate *k* of every scenario of an experiment runs
with the same seed, so the difference between replicate *k* of a scenario and replicate *k* of
the baseline is a policy effect, not seed noise: runs of the same results folder are paired by
(design point, replicate) when their seeds agree. Runs from different results folders are never
paired (Mann-Whitney, bootstrap of each group separately). Pairing removes the seed-to-seed
variation the two scenarios share, so its intervals are narrower.

**Design points.** With several design points, each scenario is compared with the baseline at
the same point; the tables then have a ``point_id`` column.

Everything is vectorised over outcomes (one bootstrap resampling matrix per comparison serves
every outcome), so 10,000 runs x 20 outcomes compare in a few seconds.

Usage::

    from malisim.analysis import compare
    cmp = compare("results/demo", baseline="historical")
    print(cmp.format())
    cmp.table            # one row per outcome and scenario (summary and difference columns)
    cmp.to_csv("results/demo/analysis")
"""

from __future__ import annotations

import fnmatch
import math
import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from malisim.core.errors import UserError, did_you_mean
from malisim.model.outcomes import OUTCOMES, SUMMARY_SUFFIX

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.results import Results

#: Outcomes compared when none are asked for (those present in the table).
DEFAULT_OUTCOMES: tuple[str, ...] = (
    "civilian_fatalities_total",
    "civilian_fatalities_2022",
    "battle_fatalities_total",
    "idps_end",
    "refugees_end",
    "control_state_last12",
    "control_jnim_last12",
    "junta_approval_end",
    "gdp_index_end",
    "people_in_need_end",
)
#: Central interval of the runs shown per scenario (quantiles).
DEFAULT_INTERVAL: tuple[float, float] = (0.05, 0.95)
#: Confidence level of the bootstrap interval of the mean difference.
DEFAULT_LEVEL = 0.95
#: Bootstrap resamples.
DEFAULT_BOOTSTRAP = 2000
#: Seed of the bootstrap generator.
DEFAULT_SEED = 20190101
#: Corrections for multiple comparisons.
CORRECTIONS: tuple[str, ...] = ("holm", "bh", "none")
#: Fewest runs (or pairs) for which a bootstrap interval is meaningful.
MIN_RUNS_BOOTSTRAP = 10
#: Significance level of the ``significant`` column (on adjusted p-values).
DEFAULT_ALPHA = 0.05
#: Identifier columns of an outcomes table (not outcomes).
ID_COLUMNS: tuple[str, ...] = ("run_id", "scenario", "point_id", "replicate", "seed", "source")
#: Elements of the bootstrap count matrix built at once (bounds memory at about 32 MB).
_BOOT_CHUNK = 4_000_000

_SCALAR_RE = re.compile(r"^(?P<base>.+)_(?P<rule>total|end|last12|peak|\d{4})$")
_OUTCOME_BY_NAME = {o.name: o for o in OUTCOMES}


# --------------------------------------------------------------------------------------------
# outcome metadata


@dataclass(frozen=True)
class ScalarInfo:
    """What a run-level outcome column measures.

    Attributes:
        column: The column name, e.g. ``civilian_fatalities_2022``.
        outcome: The monthly outcome it summarises (``gdp_index`` for ``gdp_growth_<year>``),
            or None for a column outside the naming rule.
        rule: ``total``, ``end``, ``last12``, ``peak``, ``year`` (a yearly total) or ``growth``.
        unit: Unit of the run-level value (monthly rates lose their ``/month`` when summed).
        kind: How to format it: ``count``, ``share``, ``index`` or ``rate``.
    """

    column: str
    outcome: str | None
    rule: str
    unit: str
    kind: str

    @property
    def label(self) -> str:
        """``column (unit)``."""
        return f"{self.column} ({self.unit})" if self.unit else self.column


def _kind(unit: str) -> str:
    if unit.startswith("share"):
        return "share"
    if unit.startswith("index"):
        return "index"
    return "count"


@lru_cache(maxsize=4096)
def scalar_info(column: str) -> ScalarInfo:
    """Describe a run-level outcome column from its name (see :mod:`malisim.model.outcomes`).

    Names follow ``<outcome>_<total|end|last12|peak|year>`` and ``gdp_growth_<year>``.
    """
    growth = re.fullmatch(r"gdp_growth_(\d{4})", column)
    if growth:
        return ScalarInfo(column, "gdp_index", "growth", "fraction per year", "rate")
    match = _SCALAR_RE.match(column)
    if match and match["base"] in _OUTCOME_BY_NAME:
        out = _OUTCOME_BY_NAME[match["base"]]
        rule = "year" if match["rule"].isdigit() else match["rule"]
        unit = out.unit
        if rule in ("total", "year"):
            unit = unit.replace("/month", "")
        return ScalarInfo(column, out.name, rule, unit, _kind(unit))
    return ScalarInfo(column, None, "", "", "count")


def format_value(value: float, kind: str, signed: bool = False) -> str:
    """Format a value for the terminal or the report.

    Shares and rates as percent (differences in percentage points), indices with three
    decimals, counts with thousands separators.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if math.isinf(value):
        return ("+" if value > 0 and signed else "") + ("inf" if value > 0 else "-inf")
    sign = "+" if signed else ""
    if kind in ("share", "rate"):
        if signed:
            pts = value * 100
            return f"{pts:+.2f} pt" if abs(pts) < 1 else f"{pts:+.1f} pt"
        return f"{value:.1%}" if abs(value) < 0.1 and kind == "rate" else f"{value:.0%}"
    if kind == "index":
        if signed and 0 < abs(value) < 0.01:
            return f"{value:+.2g}"
        return f"{value:{sign}.3f}"
    mag = abs(value)
    if mag >= 100 or mag == 0:
        return f"{value:{sign},.0f}"
    if mag >= 1:
        return f"{value:{sign},.1f}"
    return f"{value:{sign}.3g}"


def format_p(p: float) -> str:
    """A p-value as text (``<0.001`` below one in a thousand)."""
    if p is None or math.isnan(p):
        return "-"
    return "<0.001" if p < 0.001 else f"{p:.3f}"


def outcome_columns(table: pd.DataFrame) -> list[str]:
    """The outcome columns of an outcomes table (every numeric non-id column)."""
    return [
        c
        for c in table.columns
        if c not in ID_COLUMNS and pd.api.types.is_numeric_dtype(table[c].dtype)
    ]


def select_outcomes(available: Sequence[str], requested: Iterable[str] | None = None) -> list[str]:
    """Resolve the outcomes asked for against the columns available.

    Args:
        available: Outcome columns of the results.
        requested: Names, comma-separated lists, shell-style patterns
            (``civilian_fatalities_20*``), bare outcome names (``idps`` -> ``idps_end``, by the
            outcome's summary rule) or ``all``. None or empty: :data:`DEFAULT_OUTCOMES` present
            (every column if none is).

    Returns:
        Columns in the order asked, without duplicates.

    Raises:
        UserError: For an outcome that is not in the results (with the closest name).
    """
    avail = list(available)
    names = [n.strip() for item in (requested or ()) for n in str(item).split(",") if n.strip()]
    if not names:
        chosen = [c for c in DEFAULT_OUTCOMES if c in avail]
        return chosen or avail
    out: list[str] = []
    for name in names:
        if name == "all":
            out += avail
        elif any(ch in name for ch in "*?["):
            hits = fnmatch.filter(avail, name)
            if not hits:
                raise UserError(
                    f"no outcome matches {name!r}", key="--outcomes", allowed=_allowed_text(avail)
                )
            out += hits
        elif name in avail:
            out.append(name)
        elif name in _OUTCOME_BY_NAME and (
            f"{name}_{SUMMARY_SUFFIX[_OUTCOME_BY_NAME[name].summary]}" in avail
        ):
            out.append(f"{name}_{SUMMARY_SUFFIX[_OUTCOME_BY_NAME[name].summary]}")
        else:
            raise UserError(
                f"unknown outcome {name!r}",
                key="--outcomes",
                allowed=_allowed_text(avail),
                suggestion=did_you_mean(name, avail),
            )
    return list(dict.fromkeys(out))


def _allowed_text(avail: Sequence[str]) -> str:
    main = [c for c in avail if not re.search(r"_\d{4}$", c)]
    text = ", ".join(main[:40]) + (", ..." if len(main) > 40 else "")
    if len(main) < len(avail):
        text += "; yearly <outcome>_<year> columns; patterns such as 'civilian_*'; all"
    return text


# --------------------------------------------------------------------------------------------
# statistics on matrices (rows: runs or pairs, columns: outcomes)


def holm(pvalues: np.ndarray) -> np.ndarray:
    """Holm's step-down adjusted p-values (NaN stay NaN and do not count)."""
    p = np.asarray(pvalues, float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m:
        order = np.argsort(q, kind="stable")
        adj = np.minimum(1.0, np.maximum.accumulate((m - np.arange(m)) * q[order]))
        res = np.empty(m)
        res[order] = adj
        out[ok] = res
    return out


def benjamini_hochberg(pvalues: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (false discovery rate; NaN stay NaN)."""
    p = np.asarray(pvalues, float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    q = p[ok]
    m = q.size
    if m:
        order = np.argsort(q, kind="stable")[::-1]
        ranks = m - np.arange(m)  # ranks of the sorted-descending values
        adj = np.minimum(1.0, np.minimum.accumulate(q[order] * m / ranks))
        res = np.empty(m)
        res[order] = adj
        out[ok] = res
    return out


def adjust_pvalues(pvalues: np.ndarray, method: str = "holm") -> np.ndarray:
    """Adjust p-values for multiple comparisons: ``holm``, ``bh`` or ``none``."""
    if method == "holm":
        return holm(pvalues)
    if method == "bh":
        return benjamini_hochberg(pvalues)
    if method == "none":
        return np.asarray(pvalues, float).copy()
    raise UserError(f"unknown correction {method!r}", allowed=", ".join(CORRECTIONS))


def bootstrap_means(x: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Means of ``n_boot`` bootstrap resamples of the rows of ``x`` (n x m), as n_boot x m.

    One resampling (a count matrix) serves every column; chunked to bound memory.
    """
    x = np.asarray(x, float)
    n, m = x.shape
    out = np.empty((n_boot, m))
    if n == 0:
        out.fill(np.nan)
        return out
    step = max(1, _BOOT_CHUNK // n)
    for start in range(0, n_boot, step):
        b = min(step, n_boot - start)
        idx = rng.integers(0, n, size=(b, n))
        idx += (np.arange(b) * n)[:, None]
        counts = np.bincount(idx.ravel(), minlength=b * n).reshape(b, n).astype(float)
        out[start : start + b] = counts @ x / n
    return out


def _quantiles(boot: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = np.quantile(boot, [(1 - level) / 2, 1 - (1 - level) / 2], axis=0)
    return lo, hi


def _sd(x: np.ndarray) -> np.ndarray:
    if x.shape[0] < 2:
        return np.full(x.shape[1], np.nan)
    return x.std(axis=0, ddof=1)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Return num / den, with 0 / 0 = 0 and x / 0 = +-inf (NaN stays NaN)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = num / den
        out = np.where((den == 0) & (num == 0), 0.0, out)
        return np.where((den == 0) & (num != 0), np.sign(num) * np.inf, out)


def paired_stats(
    base: np.ndarray, other: np.ndarray, *, n_boot: int, level: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Paired comparison of ``other`` with ``base`` (rows are pairs, columns outcomes; no NaN).

    Returns:
        Arrays over the columns: ``n``, ``diff_mean``, ``diff_median``, ``ci_low``,
        ``ci_high``, ``p_higher``, ``effect_size`` (d_z), ``statistic`` and ``p_value``
        (Wilcoxon signed-rank, two-sided).
    """
    from scipy import stats

    d = np.asarray(other, float) - np.asarray(base, float)
    n, m = d.shape
    mean = d.mean(axis=0) if n else np.full(m, np.nan)
    out: dict[str, np.ndarray] = {
        "n": np.full(m, n),
        "diff_mean": mean,
        "diff_median": np.median(d, axis=0) if n else np.full(m, np.nan),
        "p_higher": ((d > 0).mean(axis=0) + 0.5 * (d == 0).mean(axis=0))
        if n
        else np.full(m, np.nan),
        "effect_size": _ratio(mean, _sd(d)),
    }
    if n:
        out["ci_low"], out["ci_high"] = _quantiles(bootstrap_means(d, n_boot, rng), level)
    else:
        out["ci_low"] = out["ci_high"] = np.full(m, np.nan)
    stat = np.full(m, np.nan)
    pval = np.full(m, np.nan)
    if n:
        zero = np.all(d == 0, axis=0)
        stat[zero], pval[zero] = 0.0, 1.0
        live = ~zero
        if live.any():
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                res = stats.wilcoxon(d[:, live], axis=0, zero_method="wilcox")
            stat[live] = res.statistic
            pval[live] = res.pvalue
    out["statistic"], out["p_value"] = stat, pval
    return out


def unpaired_stats(
    base: np.ndarray, other: np.ndarray, *, n_boot: int, level: float, rng: np.random.Generator
) -> dict[str, np.ndarray]:
    """Unpaired comparison of ``other`` (rows: runs) with ``base`` (rows: runs); no NaN.

    Returns:
        Arrays over the columns as :func:`paired_stats`, with ``n`` the smaller group size,
        ``diff_median`` the difference of medians, ``effect_size`` Hedges' g, ``p_higher`` the
        probability of superiority and the Mann-Whitney U test (two-sided).
    """
    from scipy import stats

    a = np.asarray(base, float)
    b = np.asarray(other, float)
    na, nb = a.shape[0], b.shape[0]
    m = a.shape[1]
    nan = np.full(m, np.nan)
    if na == 0 or nb == 0:
        return {
            k: nan.copy()
            for k in (
                "diff_mean",
                "diff_median",
                "ci_low",
                "ci_high",
                "p_higher",
                "effect_size",
                "statistic",
                "p_value",
            )
        } | {"n": np.full(m, min(na, nb))}
    diff = b.mean(axis=0) - a.mean(axis=0)
    boot = bootstrap_means(b, n_boot, rng) - bootstrap_means(a, n_boot, rng)
    lo, hi = _quantiles(boot, level)
    if na + nb > 2:
        pooled = np.sqrt(
            (
                (na - 1) * a.var(axis=0, ddof=1 if na > 1 else 0)
                + (nb - 1) * b.var(axis=0, ddof=1 if nb > 1 else 0)
            )
            / (na + nb - 2)
        )
        correction = 1 - 3 / (4 * (na + nb) - 9) if na + nb > 3 else 1.0
        g = _ratio(diff, pooled) * correction
    else:
        g = nan.copy()
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        res = stats.mannwhitneyu(b, a, axis=0, alternative="two-sided")
    u = np.asarray(res.statistic, float)
    return {
        "n": np.full(m, min(na, nb)),
        "diff_mean": diff,
        "diff_median": np.median(b, axis=0) - np.median(a, axis=0),
        "ci_low": lo,
        "ci_high": hi,
        "p_higher": u / (na * nb),
        "effect_size": g,
        "statistic": u,
        "p_value": np.asarray(res.pvalue, float),
    }


def _with_nan_columns(fn: Any, a: np.ndarray, b: np.ndarray, paired: bool, **kw: Any) -> dict:
    """Run ``fn`` on the columns without NaN at once, and on each other column alone.

    Pairs with a NaN (paired) or runs with a NaN (unpaired) are left out of that outcome.
    """
    m = a.shape[1]
    bad_a, bad_b = np.isnan(a), np.isnan(b)
    if paired:
        bad = bad_a | bad_b
        clean = ~bad.any(axis=0)
    else:
        clean = ~(bad_a.any(axis=0) | bad_b.any(axis=0))
    if clean.all():
        return fn(a, b, **kw)
    out: dict[str, np.ndarray] = {}

    def put(cols: np.ndarray, res: dict[str, np.ndarray]) -> None:
        for key, val in res.items():
            if key not in out:
                out[key] = np.full(m, np.nan)
            out[key][cols] = val

    if clean.any():
        put(np.flatnonzero(clean), fn(a[:, clean], b[:, clean], **kw))
    base_rng: np.random.Generator = kw.pop("rng")
    for j in np.flatnonzero(~clean):
        rng = np.random.default_rng([int(base_rng.integers(2**31)), int(j)])
        if paired:
            keep = ~bad[:, j]
            res = fn(a[keep, j : j + 1], b[keep, j : j + 1], rng=rng, **kw)
        else:
            res = fn(a[~bad_a[:, j], j : j + 1], b[~bad_b[:, j], j : j + 1], rng=rng, **kw)
        put(np.array([j]), res)
    return out


# --------------------------------------------------------------------------------------------
# comparing the scenarios of a table


@dataclass
class Comparison:
    """The result of :func:`compare`.

    Attributes:
        summary: One row per outcome and scenario (and point): ``outcome``, ``unit``,
            [``point_id``], ``scenario``, ``runs``, ``mean``, ``median``, ``p5``, ``p95`` (named
            after the interval's quantiles).
        differences: One row per outcome and non-baseline scenario (and point): ``outcome``,
            ``unit``, [``point_id``], ``scenario``, ``baseline``, ``paired``, ``n``,
            ``diff_mean``, ``diff_median``, ``diff_rel``, ``ci_low``, ``ci_high``,
            ``p_higher``, ``effect_size``, ``effect_measure``, ``test``, ``statistic``,
            ``p_value``, ``p_adjusted``, ``significant``.
        baseline: The baseline scenario.
        scenarios: Scenario labels in order (baseline first).
        outcomes: Outcome columns compared.
        interval: Quantiles of the central interval of the runs.
        level: Confidence level of the bootstrap intervals.
        correction: ``holm``, ``bh`` or ``none``.
        n_boot: Bootstrap resamples.
        seed: Bootstrap seed.
        alpha: Level of the ``significant`` column (on adjusted p-values).
        warnings: Things to keep in mind (too few runs for the interval asked, unpaired runs...).
        sources: The results folders compared (empty for a bare table).
    """

    summary: pd.DataFrame
    differences: pd.DataFrame
    baseline: str
    scenarios: list[str]
    outcomes: list[str]
    interval: tuple[float, float] = DEFAULT_INTERVAL
    level: float = DEFAULT_LEVEL
    correction: str = "holm"
    n_boot: int = DEFAULT_BOOTSTRAP
    seed: int = DEFAULT_SEED
    alpha: float = DEFAULT_ALPHA
    warnings: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def interval_columns(self) -> tuple[str, str]:
        """Names of the interval columns of :attr:`summary`, e.g. ``("p5", "p95")``."""
        return _qname(self.interval[0]), _qname(self.interval[1])

    @property
    def table(self) -> pd.DataFrame:
        """Summary and difference columns in one table (the CSV).

        One row per outcome and scenario; the baseline's rows have empty difference columns.
        """
        keys = ["outcome", "unit", "scenario"]
        if "point_id" in self.summary.columns:
            keys.insert(2, "point_id")
        diff = self.differences.drop(columns=["unit"])
        merged = self.summary.merge(diff, how="left", on=[k for k in keys if k != "unit"])
        merged["baseline"] = merged["baseline"].fillna(self.baseline)
        return merged

    def to_csv(self, folder: str | Path) -> Path:
        """Write :attr:`table` as ``comparison.csv`` in ``folder`` (created); return the path."""
        folder = Path(folder)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "comparison.csv"
            tmp = folder / ".comparison.csv.tmp"
            self.table.to_csv(tmp, index=False)
            tmp.replace(path)
        except OSError as exc:
            raise UserError(
                f"cannot write the comparison: {exc.strerror}", file=str(folder)
            ) from None
        return path

    def format(self) -> str:
        """The comparison as text: one block per outcome, one line per scenario."""
        return format_comparison(self)


def _qname(q: float) -> str:
    return f"p{q * 100:g}"


def _check_options(interval: Sequence[float], level: float, n_boot: int, correction: str) -> None:
    lo, hi = interval
    if not 0 <= lo < hi <= 1:
        raise UserError(
            f"invalid interval {lo:g}-{hi:g}",
            key="--interval",
            allowed="two quantiles 0 <= low < high <= 1, e.g. 0.05 and 0.95",
        )
    if not 0 < level < 1:
        raise UserError(
            f"invalid confidence level {level:g}",
            key="--level",
            allowed="between 0 and 1, e.g. 0.95",
        )
    if n_boot < 100:
        raise UserError(
            f"too few bootstrap resamples ({n_boot})",
            key="--bootstrap",
            allowed="at least 100 (default 2000)",
        )
    if correction not in CORRECTIONS:
        raise UserError(
            f"unknown correction {correction!r}", key="--correction", allowed=", ".join(CORRECTIONS)
        )


def min_runs_for_interval(interval: Sequence[float]) -> int:
    """Fewest runs for which each tail of a central interval holds a run (20 for 5-95%)."""
    tail = min(interval[0], 1 - interval[1])
    return 1 if tail <= 0 else math.ceil(1 / tail - 1e-9)


def compare_table(
    table: pd.DataFrame,
    baseline: str | None = None,
    outcomes: Iterable[str] | None = None,
    *,
    interval: Sequence[float] = DEFAULT_INTERVAL,
    level: float = DEFAULT_LEVEL,
    n_boot: int = DEFAULT_BOOTSTRAP,
    seed: int = DEFAULT_SEED,
    correction: str = "holm",
    alpha: float = DEFAULT_ALPHA,
    paired: bool = True,
) -> Comparison:
    """Compare the scenarios of an outcomes table with a baseline.

    Args:
        table: One row per run: ``scenario``, ``replicate`` and outcome columns; optionally
            ``point_id``, ``seed`` and ``source`` (runs of different sources are never paired).
        baseline: Baseline scenario (default: the first scenario of the table).
        outcomes: Outcomes to compare (see :func:`select_outcomes`).
        interval: Quantiles of the central interval of the runs.
        level: Confidence level of the bootstrap interval.
        n_boot: Bootstrap resamples.
        seed: Bootstrap seed.
        correction: ``holm`` (default), ``bh`` (Benjamini-Hochberg) or ``none``.
        alpha: Level of the ``significant`` column (adjusted p-values).
        paired: Pair runs of the same source by (point, replicate) when their seeds agree;
            False treats every comparison as unpaired.

    Returns:
        The :class:`Comparison`.

    Raises:
        UserError: For an unknown baseline or outcome, or a table without runs.
    """
    interval = (float(interval[0]), float(interval[1]))
    _check_options(interval, level, n_boot, correction)
    for col in ("scenario", "replicate"):
        if col not in table.columns:
            raise UserError(f"the outcomes table has no {col!r} column")
    if table.empty:
        raise UserError("no finished runs to compare")
    cols = select_outcomes(outcome_columns(table), outcomes)
    if not cols:
        raise UserError("the outcomes table has no outcome columns")
    scenarios = list(dict.fromkeys(table["scenario"].astype(str)))
    if baseline is None:
        baseline = scenarios[0]
    elif baseline not in scenarios:
        raise UserError(
            f"unknown baseline scenario {baseline!r}",
            key="--baseline",
            allowed=", ".join(scenarios),
            suggestion=did_you_mean(baseline, scenarios),
        )
    order = [baseline] + [s for s in scenarios if s != baseline]
    multi_point = "point_id" in table.columns and table["point_id"].nunique() > 1
    points = list(dict.fromkeys(table["point_id"])) if multi_point else [None]
    values = table[cols].to_numpy(dtype=float, na_value=np.nan)
    source = table["source"].to_numpy() if "source" in table.columns else None
    reps = table["replicate"].to_numpy()
    seeds = table["seed"].to_numpy() if "seed" in table.columns else None
    units = [scalar_info(c).unit for c in cols]
    need = min_runs_for_interval(interval)
    notes: list[str] = []
    few: dict[int, list[str]] = {}
    few_boot: set[str] = set()

    groups: dict[tuple[str, str | None], np.ndarray] = {}
    for key, idx in table.groupby(
        ["scenario", "point_id"] if multi_point else ["scenario"], sort=False
    ).indices.items():
        k = key if isinstance(key, tuple) else (key,)
        groups[(str(k[0]), str(k[1]) if multi_point else None)] = np.asarray(idx)

    summary_rows: list[pd.DataFrame] = []
    q_lo, q_hi = _qname(interval[0]), _qname(interval[1])
    for p in points:
        for s in order:
            idx = groups.get((s, p))
            if idx is None:
                continue
            x = values[idx]
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                qs = np.nanquantile(x, [interval[0], 0.5, interval[1]], axis=0)
                mean = np.nanmean(x, axis=0)
            runs = (~np.isnan(x)).sum(axis=0)
            frame = pd.DataFrame(
                {
                    "outcome": cols,
                    "unit": units,
                    "scenario": s,
                    "runs": runs,
                    "mean": mean,
                    "median": qs[1],
                    q_lo: qs[0],
                    q_hi: qs[2],
                }
            )
            if multi_point:
                frame.insert(2, "point_id", p)
            summary_rows.append(frame)
            if 0 < runs.max() < need:
                few.setdefault(int(runs.max()), []).append(s)

    diff_rows: list[pd.DataFrame] = []
    unpaired_why: set[str] = set()
    k = 0
    for p in points:
        base_idx = groups.get((baseline, p))
        if base_idx is None:
            continue
        for s in order[1:]:
            idx = groups.get((s, p))
            if idx is None:
                continue
            rng = np.random.default_rng([seed, k])
            k += 1
            pair = None
            if paired:
                pair, why = _pairs(base_idx, idx, reps, seeds, source)
                if pair is None and why:
                    unpaired_why.add(why)
            if pair is not None:
                bi, oi = pair
                res = _with_nan_columns(
                    paired_stats, values[bi], values[oi], True, n_boot=n_boot, level=level, rng=rng
                )
                measure, test = "d_z", "wilcoxon"
            else:
                res = _with_nan_columns(
                    unpaired_stats,
                    values[base_idx],
                    values[idx],
                    False,
                    n_boot=n_boot,
                    level=level,
                    rng=rng,
                )
                measure, test = "hedges_g", "mann-whitney"
            base_mean = np.nanmean(values[base_idx], axis=0) if len(base_idx) else np.nan
            frame = pd.DataFrame(
                {
                    "outcome": cols,
                    "unit": units,
                    "scenario": s,
                    "baseline": baseline,
                    "paired": pair is not None,
                    "n": res["n"].astype(int),
                    "diff_mean": res["diff_mean"],
                    "diff_median": res["diff_median"],
                    "diff_rel": _ratio(res["diff_mean"], np.abs(base_mean)),
                    "ci_low": res["ci_low"],
                    "ci_high": res["ci_high"],
                    "p_higher": res["p_higher"],
                    "effect_size": res["effect_size"],
                    "effect_measure": measure,
                    "test": test,
                    "statistic": res["statistic"],
                    "p_value": res["p_value"],
                }
            )
            if multi_point:
                frame.insert(2, "point_id", p)
            diff_rows.append(frame)
            if int(np.nanmax(res["n"])) < MIN_RUNS_BOOTSTRAP:
                few_boot.add(s)

    summary = pd.concat(summary_rows, ignore_index=True)
    rank = {c: i for i, c in enumerate(cols)}
    summary = summary.sort_values(
        "outcome", key=lambda s: s.map(rank), kind="stable", ignore_index=True
    )
    if diff_rows:
        differences = pd.concat(diff_rows, ignore_index=True)
        differences["p_adjusted"] = adjust_pvalues(differences["p_value"].to_numpy(), correction)
        differences["significant"] = differences["p_adjusted"] < alpha
    else:
        differences = pd.DataFrame(
            columns=[
                "outcome",
                "unit",
                "scenario",
                "baseline",
                "paired",
                "n",
                "diff_mean",
                "diff_median",
                "diff_rel",
                "ci_low",
                "ci_high",
                "p_higher",
                "effect_size",
                "effect_measure",
                "test",
                "statistic",
                "p_value",
                "p_adjusted",
                "significant",
            ]
        )
        if multi_point:
            differences.insert(2, "point_id", pd.Series(dtype=object))

    for n_runs, names in sorted(few.items()):
        notes.append(
            f"only {n_runs} run(s) for {', '.join(names)}: a {interval[0]:.0%}-{interval[1]:.0%}"
            f" interval needs at least {need} runs per scenario; read it as the spread of the "
            "few runs there are"
        )
    if few_boot:
        notes.append(
            f"fewer than {MIN_RUNS_BOOTSTRAP} runs (or pairs) for {', '.join(sorted(few_boot))}: "
            "bootstrap confidence intervals and tests are unreliable with so few; run more "
            "replicates"
        )
    notes += sorted(unpaired_why)
    return Comparison(
        summary=summary,
        differences=differences,
        baseline=baseline,
        scenarios=order,
        outcomes=cols,
        interval=interval,
        level=level,
        correction=correction,
        n_boot=n_boot,
        seed=seed,
        alpha=alpha,
        warnings=notes,
    )


def _pairs(
    base_idx: np.ndarray,
    idx: np.ndarray,
    reps: np.ndarray,
    seeds: np.ndarray | None,
    source: np.ndarray | None,
) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """Match runs of two groups by replicate (None and a reason if they cannot be paired)."""
    if source is not None and len(set(source[base_idx]) | set(source[idx])) > 1:
        return None, ""  # different results folders: unpaired by design
    bkeys = pd.Index(reps[base_idx])
    okeys = pd.Index(reps[idx])
    if not bkeys.is_unique or not okeys.is_unique:
        return None, "replicate numbers repeat within a scenario: runs compared unpaired"
    pos = bkeys.get_indexer(okeys)
    found = pos >= 0
    if not found.any():
        return None, "no replicate number is shared with the baseline: runs compared unpaired"
    bi, oi = base_idx[pos[found]], idx[found]
    if seeds is not None and not np.array_equal(seeds[bi], seeds[oi]):
        return None, (
            "replicates of the scenarios do not share their seeds (no common random numbers): "
            "runs compared unpaired"
        )
    return (bi, oi), ""


# --------------------------------------------------------------------------------------------
# comparing results folders


def open_results(item: Results | str | Path) -> Results:
    """Open a results folder (or pass :class:`~malisim.experiment.Results` through).

    Raises:
        UserError: If the folder does not exist or is not a results folder.
    """
    from malisim.experiment.results import Results

    if isinstance(item, Results):
        return item
    path = Path(item)
    if not path.is_dir():
        raise UserError("results folder not found", file=str(path))
    if not (path / "manifest.json").is_file():
        raise UserError(
            "not a malisim results folder (no manifest.json); make one with "
            "'malisim batch EXPERIMENT --out DIR'",
            file=str(path),
        )
    return Results(path)


def load_outcomes(res: Results) -> tuple[pd.DataFrame, list[str]]:
    """The outcomes table of a results folder and notes (incomplete results, failed runs).

    Raises:
        UserError: If the folder has no finished run.
    """
    notes = []
    table = res.outcomes
    if table.empty:
        raise UserError("no finished runs in this results folder", file=str(res.path))
    s = res.summary
    if s.pending or s.failed:
        notes.append(
            f"{res.path}: {s.done} of {s.total} runs done ({s.failed} failed, {s.pending} "
            "pending): comparing the runs done"
        )
    return table, notes


def _periods(manifest: dict[str, Any]) -> set[tuple[str, str]]:
    return {
        (str(s.get("start")), str(s.get("end")))
        for s in manifest.get("experiment", {}).get("scenarios", [])
    }


def combine_results(
    results: Sequence[Results],
) -> tuple[pd.DataFrame, list[str]]:
    """One outcomes table of several results folders.

    A ``source`` column numbers the folder; scenario names shared by several folders are
    prefixed with the folder's name.

    Raises:
        UserError: If the folders' experiments are incompatible (different periods or
            outcomes).
    """
    tables: list[pd.DataFrame] = []
    notes: list[str] = []
    for res in results:
        table, more = load_outcomes(res)
        tables.append(table)
        notes += more
    if len(results) > 1:
        first = results[0]
        p0, c0 = _periods(first.manifest), set(outcome_columns(tables[0]))
        for res, table in zip(results[1:], tables[1:], strict=True):
            p1 = _periods(res.manifest)
            if p1 != p0:
                raise UserError(
                    "incompatible results: the simulated periods differ ("
                    f"{first.path}: {_fmt_periods(p0)}; {res.path}: {_fmt_periods(p1)})",
                    file=str(res.path),
                )
            c1 = set(outcome_columns(table))
            if c1 != c0:
                only0, only1 = sorted(c0 - c1), sorted(c1 - c0)
                raise UserError(
                    "incompatible results: the outcomes differ (only in "
                    f"{first.path}: {', '.join(only0[:8]) or 'none'}; only in {res.path}: "
                    f"{', '.join(only1[:8]) or 'none'})",
                    file=str(res.path),
                )
    names = _folder_names([r.path for r in results])
    counts: dict[str, int] = {}
    for table in tables:
        for s in dict.fromkeys(table["scenario"].astype(str)):
            counts[s] = counts.get(s, 0) + 1
    parts = []
    for i, table in enumerate(tables):
        t = table.copy()
        scen = t["scenario"].astype(str)
        if len(tables) > 1:
            dup = scen.map(counts) > 1
            scen = scen.where(~dup, names[i] + "/" + scen)
        t["scenario"] = scen
        t["source"] = i
        parts.append(t)
    combined = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    return combined, notes


def _fmt_periods(periods: set[tuple[str, str]]) -> str:
    return ", ".join(f"{a} to {b}" for a, b in sorted(periods))


def _folder_names(paths: Sequence[Path]) -> list[str]:
    names = [Path(p).resolve().name or str(p) for p in paths]
    if len(set(names)) < len(names):
        names = [f"{i + 1}:{n}" for i, n in enumerate(names)]
    return names


def compare(
    results: Results | str | Path | Sequence[Results | str | Path],
    baseline: str | None = None,
    outcomes: Iterable[str] | None = None,
    **options: Any,
) -> Comparison:
    """Compare the scenarios of one or more results folders with a baseline scenario.

    Args:
        results: A results folder (path or :class:`~malisim.experiment.Results`), or several:
            scenarios of different folders are compared unpaired; a scenario name found in
            several folders is prefixed with the folder's name (``demo/historical``).
        baseline: Baseline scenario (default: the first scenario of the first folder). A bare
            scenario name found in several folders must be given with its folder prefix.
        outcomes: Outcome columns (see :func:`select_outcomes`).
        **options: Passed to :func:`compare_table` (``interval``, ``level``, ``n_boot``,
            ``seed``, ``correction``, ``alpha``, ``paired``).

    Returns:
        The :class:`Comparison`.

    Raises:
        UserError: For a folder that is not a results folder, incompatible folders, an unknown
            baseline or outcome.
    """
    items = (
        [results]
        if isinstance(results, str | Path) or not isinstance(results, Sequence)
        else list(results)
    )
    if not items:
        raise UserError("no results folder given")
    loaded = [open_results(r) for r in items]
    table, notes = combine_results(loaded)
    labels = list(dict.fromkeys(table["scenario"]))
    if baseline is not None and baseline not in labels:
        hits = [lab for lab in labels if lab.split("/", 1)[-1] == baseline]
        if len(hits) == 1:
            baseline = hits[0]
        elif len(hits) > 1:
            raise UserError(
                f"baseline {baseline!r} is in several results folders",
                key="--baseline",
                allowed=", ".join(hits),
            )
    cmp = compare_table(table, baseline, outcomes, **options)
    cmp.warnings = notes + cmp.warnings
    cmp.sources = [str(r.path) for r in loaded]
    return cmp


# --------------------------------------------------------------------------------------------
# text output


def format_comparison(cmp: Comparison) -> str:
    """Render a :class:`Comparison` for the terminal: one block per outcome (and point)."""
    lo_col, hi_col = cmp.interval_columns
    lo_pct, hi_pct = f"{cmp.interval[0] * 100:g}", f"{cmp.interval[1] * 100:g}"
    ci_pct = f"{cmp.level * 100:g}%"
    adj = {"holm": "Holm", "bh": "BH", "none": "raw"}[cmp.correction]
    header = [
        "scenario",
        "runs",
        "median",
        "mean",
        f"{lo_pct}-{hi_pct}%",
        f"diff vs {cmp.baseline} [{ci_pct} CI]",
        "rel",
        "P(higher)",
        "effect",
        f"p ({adj})",
    ]
    has_points = "point_id" in cmp.summary.columns
    diffs = cmp.differences.set_index(
        ["outcome", "point_id", "scenario"] if has_points else ["outcome", "scenario"]
    )
    blocks = []
    for keys, block in cmp.summary.groupby(
        ["outcome", "point_id"] if has_points else ["outcome"], sort=False
    ):
        outcome = keys[0] if isinstance(keys, tuple) else keys
        info = scalar_info(outcome)
        kind = info.kind
        title = info.label + (f"  [point {keys[1]}]" if has_points else "")
        rows = []
        for r in block.itertuples(index=False):
            rd = r._asdict()
            line = [
                str(rd["scenario"]),
                str(int(rd["runs"])),
                format_value(rd["median"], kind),
                format_value(rd["mean"], kind),
                f"{format_value(rd[lo_col], kind)} to {format_value(rd[hi_col], kind)}",
            ]
            key = (outcome, keys[1], rd["scenario"]) if has_points else (outcome, rd["scenario"])
            if rd["scenario"] == cmp.baseline or key not in diffs.index:
                line += ["(baseline)" if rd["scenario"] == cmp.baseline else "", "", "", "", ""]
            else:
                d = diffs.loc[key]
                ci = (
                    f"{format_value(d['diff_mean'], kind, True)} "
                    f"[{format_value(d['ci_low'], kind, True)}, "
                    f"{format_value(d['ci_high'], kind, True)}]"
                )
                rel = d["diff_rel"]
                line += [
                    ci + ("" if d["paired"] else " (unpaired)"),
                    "-" if not np.isfinite(rel) else f"{rel:+.0%}",
                    "-" if np.isnan(d["p_higher"]) else f"{d['p_higher']:.2f}",
                    "-" if np.isnan(d["effect_size"]) else f"{d['effect_size']:+.2f}",
                    format_p(d["p_adjusted"]) + (" *" if d["significant"] else ""),
                ]
            rows.append(line)
        if cmp.differences.empty:  # one scenario: no difference columns
            header, rows = header[:5], [r[:5] for r in rows]
        widths = [max(len(header[i]), *(len(r[i]) for r in rows)) for i in range(len(header))]
        lines = [title, "  " + _fmt_row(header, widths)]
        lines += ["  " + _fmt_row(r, widths) for r in rows]
        blocks.append("\n".join(lines))
    measure = "paired: d_z = mean diff / sd of diffs; unpaired: Hedges' g"
    test = "Wilcoxon signed-rank (paired) / Mann-Whitney U (unpaired)"
    pairing = "paired by replicate" if _any_paired(cmp) else "unpaired"
    foot = (
        f"diff: mean of scenario - {cmp.baseline} ({pairing}), {ci_pct} bootstrap CI "
        f"({cmp.n_boot} resamples); rel: diff / "
        f"baseline mean; P(higher): chance the scenario's run is higher; effect: {measure}; "
        f"p: {test}, adjusted ({adj}) over {len(cmp.differences)} comparisons, * below "
        f"{cmp.alpha:g}. Shares and rates: differences in percentage points (pt)."
    )
    if cmp.differences.empty:
        foot = f"Only one scenario ({cmp.baseline}): nothing to compare it with."
    return "\n\n".join(blocks) + "\n\n" + _wrap(foot, 100)


def _fmt_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    """Columns padded to ``widths``: scenario and difference left-aligned, numbers right."""
    return "  ".join(
        f"{c:<{w}}" if i in (0, 5) else f"{c:>{w}}"
        for i, (c, w) in enumerate(zip(cells, widths, strict=True))
    ).rstrip()


def _any_paired(cmp: Comparison) -> bool:
    return bool(len(cmp.differences)) and bool(cmp.differences["paired"].any())


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))
