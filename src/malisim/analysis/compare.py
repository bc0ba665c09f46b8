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
(design point, replicate) when their seeds agree. Runs from different results folders are paired
by seed when both ran the same set of seeds (the comparison's warnings say so), and unpaired
otherwise (Mann-Whitney, bootstrap of each group separately; the warnings say why). Pairing
removes the seed-to-seed variation the two scenarios share, so its intervals are narrower.

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

This module computes the comparison; the statistics are in :mod:`malisim.analysis.statistics`,
the naming of outcome columns in :mod:`malisim.analysis.columns`, the reading of results folders
in :mod:`malisim.analysis.sources` and the result with its text form in
:mod:`malisim.analysis.comparison`.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from malisim.analysis.columns import outcome_columns, quantile_column, scalar_info, select_outcomes
from malisim.analysis.comparison import (
    DEFAULT_ALPHA,
    DEFAULT_BOOTSTRAP,
    DEFAULT_INTERVAL,
    DEFAULT_LEVEL,
    DEFAULT_SEED,
    Comparison,
)
from malisim.analysis.sources import _folder_names, combine_results, open_results
from malisim.analysis.statistics import (
    CORRECTIONS,
    adjust_pvalues,
    min_runs_for_interval,
    paired_stats,
    ratio,
    unpaired_stats,
    with_nan_columns,
)
from malisim.core.errors import UserError, did_you_mean

if TYPE_CHECKING:  # pragma: no cover
    from malisim.experiment.results import Results

# names other modules import from here (kept where they were before the split)
__all__ = [
    "DEFAULT_SEED",
    "MIN_RUNS_BOOTSTRAP",
    "Comparison",
    "compare",
    "compare_table",
    "open_results",
    "scalar_info",
]

#: Fewest runs (or pairs) for which a bootstrap interval is meaningful.
MIN_RUNS_BOOTSTRAP = 10


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
            ``point_id``, ``seed`` and ``source`` (runs of different
            sources are paired by seed only).
        baseline: Baseline scenario (default: the first scenario of the table).
        outcomes: Outcomes to compare (see :func:`select_outcomes`).
        interval: Quantiles of the central interval of the runs.
        level: Confidence level of the bootstrap interval.
        n_boot: Bootstrap resamples.
        seed: Bootstrap seed.
        correction: ``holm`` (default), ``bh`` (Benjamini-Hochberg) or ``none``.
        alpha: Level of the ``significant`` column (adjusted p-values).
        paired: Pair runs of the same source by (point, replicate) when their seeds agree,
            and runs of different sources by seed when both ran the same seeds; False treats
            every comparison as unpaired.

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
    for key, rows in table.groupby(
        ["scenario", "point_id"] if multi_point else ["scenario"], sort=False
    ).indices.items():
        parts = key if isinstance(key, tuple) else (key,)
        groups[(str(parts[0]), str(parts[1]) if multi_point else None)] = np.asarray(rows)

    summary_rows: list[pd.DataFrame] = []
    q_lo, q_hi = quantile_column(interval[0]), quantile_column(interval[1])
    for p in points:
        for s in order:
            members = groups.get((s, p))
            if members is None:
                continue
            x = values[members]
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
            rng = np.random.default_rng([int(seed), k])
            k += 1
            pair = None
            if paired:
                pair, why = _pairs(base_idx, idx, reps, seeds, source)
                if why:
                    unpaired_why.add(why)
            if pair is not None:
                bi, oi = pair
                res = with_nan_columns(
                    paired_stats, values[bi], values[oi], True, n_boot=n_boot, level=level, rng=rng
                )
                measure, test = "d_z", "wilcoxon"
            else:
                res = with_nan_columns(
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
                    "diff_rel": ratio(res["diff_mean"], np.abs(base_mean)),
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
    """Match runs of two groups (the pairs, or None, and a note for the reader).

    Runs of the same results folder are matched by replicate number (and must share their
    seeds); runs of different folders are matched by seed, when both groups ran the same set of
    seeds.
    """
    if source is not None and len(set(source[base_idx]) | set(source[idx])) > 1:
        return _pairs_by_seed(base_idx, idx, seeds)
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


def _pairs_by_seed(
    base_idx: np.ndarray, idx: np.ndarray, seeds: np.ndarray | None
) -> tuple[tuple[np.ndarray, np.ndarray] | None, str]:
    """Match runs of two results folders by seed: only when both ran the same seeds."""
    if seeds is None or pd.isna(seeds[base_idx]).any() or pd.isna(seeds[idx]).any():
        return None, ("runs of different results folders without recorded seeds: compared unpaired")
    bkeys, okeys = pd.Index(seeds[base_idx]), pd.Index(seeds[idx])
    if not bkeys.is_unique or not okeys.is_unique:
        return None, (
            "a seed repeats within a scenario: runs of different results folders compared unpaired"
        )
    shared = len(bkeys.intersection(okeys))
    if shared != len(bkeys) or shared != len(okeys):
        return None, (
            "runs of different results folders do not share their seeds "
            f"({shared} seed(s) in common, {len(bkeys)} and {len(okeys)} runs): compared "
            "unpaired"
        )
    pos = bkeys.get_indexer(okeys)
    return (base_idx[pos], idx), (
        "runs of different results folders ran the same seeds: paired by seed"
    )


def compare(
    results: Results | str | Path | Sequence[Results | str | Path],
    baseline: str | None = None,
    outcomes: Iterable[str] | None = None,
    **options: Any,
) -> Comparison:
    """Compare the scenarios of one or more results folders with a baseline scenario.

    Args:
        results: A results folder (path or :class:`~malisim.experiment.Results`), or several:
            scenarios of different folders are paired by seed when they ran the same seeds
            (unpaired otherwise); a scenario name found in several folders is prefixed with the
            folder's name (``demo/historical``).
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
    cmp.origins = _origins(table, loaded)
    return cmp


def _origins(table: pd.DataFrame, loaded: Sequence[Results]) -> dict[str, tuple[int, str]]:
    """Per scenario label of a combined table: its folder's number and name in that folder."""
    names = _folder_names([r.path for r in loaded])
    out: dict[str, tuple[int, str]] = {}
    src = table["source"] if "source" in table.columns else pd.Series(0, index=table.index)
    for label, i in dict.fromkeys(zip(table["scenario"].astype(str), src, strict=True)):
        prefix = f"{names[int(i)]}/"
        name = label[len(prefix) :] if len(loaded) > 1 and label.startswith(prefix) else label
        out[label] = (int(i), name)
    return out
