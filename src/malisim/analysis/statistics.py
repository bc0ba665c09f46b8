"""Statistics of paired and unpaired comparisons of runs, on matrices.

Rows are runs (or pairs of runs), columns outcomes.

* :func:`paired_stats` — differences of paired runs: mean and median difference, percentile
  bootstrap interval of the mean, P(higher) (ties count one half), Cohen's d_z and the Wilcoxon
  signed-rank test (pairs with no difference left out, scipy's ``zero_method="wilcox"``);
* :func:`unpaired_stats` — two groups of runs: difference of means and of medians, bootstrap of
  each group, the probability of superiority P(X > Y) + P(X = Y) / 2, Hedges' g and the
  Mann-Whitney U test;
* :func:`with_nan_columns` — either of them when some outcomes have missing values (pairs or
  runs with a NaN left out of that outcome only);
* :func:`bootstrap_means` — bootstrap resamples of column means, one resampling for every
  column;
* :func:`adjust_pvalues` — multiple comparisons: :func:`holm` (family-wise error rate),
  :func:`benjamini_hochberg` (false discovery rate) or none;
* :func:`min_runs_for_interval` — fewest runs for a central interval of the runs.

Tests are two-sided. Everything is vectorised over the columns. scipy.stats is imported only
when a test runs.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from malisim.core.errors import UserError

#: Corrections for multiple comparisons.
CORRECTIONS: tuple[str, ...] = ("holm", "bh", "none")
#: Elements of the bootstrap count matrix built at once (bounds memory at about 32 MB).
_BOOT_CHUNK = 4_000_000


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


def percentile_interval(boot: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Central ``level`` interval of bootstrap replicates (rows), per column."""
    lo, hi = np.quantile(boot, [(1 - level) / 2, 1 - (1 - level) / 2], axis=0)
    return lo, hi


def column_sd(x: np.ndarray) -> np.ndarray:
    """Sample standard deviation of each column (NaN with fewer than two rows)."""
    if x.shape[0] < 2:
        return np.full(x.shape[1], np.nan)
    return x.std(axis=0, ddof=1)


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
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
        "effect_size": ratio(mean, column_sd(d)),
    }
    if n:
        out["ci_low"], out["ci_high"] = percentile_interval(bootstrap_means(d, n_boot, rng), level)
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
    lo, hi = percentile_interval(boot, level)
    if na + nb > 2:
        pooled = np.sqrt(
            (
                (na - 1) * a.var(axis=0, ddof=1 if na > 1 else 0)
                + (nb - 1) * b.var(axis=0, ddof=1 if nb > 1 else 0)
            )
            / (na + nb - 2)
        )
        correction = 1 - 3 / (4 * (na + nb) - 9) if na + nb > 3 else 1.0
        g = ratio(diff, pooled) * correction
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


#: The signature of :func:`paired_stats` and :func:`unpaired_stats`.
StatsFunction = Callable[..., dict[str, np.ndarray]]


def with_nan_columns(
    fn: StatsFunction, a: np.ndarray, b: np.ndarray, paired: bool, **kw: Any
) -> dict[str, np.ndarray]:
    """Run ``fn`` on the columns without NaN at once, and on each other column alone.

    Pairs with a NaN (paired) or runs with a NaN (unpaired) are left out of that outcome; each
    such column gets a bootstrap generator of its own, seeded from ``kw["rng"]``.
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


def min_runs_for_interval(interval: Sequence[float]) -> int:
    """Fewest runs for which each tail of a central interval holds a run (20 for 5-95%)."""
    tail = min(interval[0], 1 - interval[1])
    return 1 if tail <= 0 else math.ceil(1 / tail - 1e-9)
