"""Identifiability of the calibrated parameters: contraction, correlations, informing patterns.

Three tables, written by :func:`malisim.calibration.run.run_calibration` into the output folder
and summarised in its report:

* ``identifiability.csv``: per parameter, the prior and posterior standard deviations and the
  *contraction* ``1 - var_post / var_prior`` (weighted posterior variance; the prior is uniform,
  ``var_prior = (high - low)^2 / 12``): 0 when the data teach nothing about the parameter, near
  1 when they pin it down; then the patterns that inform it most (below);
* ``posterior_correlations.csv``: the weighted Pearson correlation of every pair of parameters
  over the posterior sample (a strong correlation means the patterns constrain a combination,
  e.g. a rate and its threshold, rather than each parameter);
* ``pattern_information.csv``: for every parameter and fitted pattern, the Spearman rank
  correlation between the parameter and the pattern's simulated value over all proposals of
  the last generation (accepted or not, runs without a value left out). A pattern with a large
  ``|rho|`` moves with the parameter near the posterior, so it is what informs it; the
  correlation is marginal (it does not separate two parameters acting on one pattern).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from malisim.analysis.targets import Target
from malisim.calibration.config import Prior

#: How many informing patterns the summary table names per parameter.
TOP_PATTERNS = 3


def contraction(theta: np.ndarray, weight: np.ndarray, priors: Sequence[Prior]) -> pd.DataFrame:
    """Prior and posterior spread of each parameter, and the contraction."""
    rows = []
    w = weight / weight.sum()
    for j, p in enumerate(priors):
        mean = float(w @ theta[:, j])
        var_post = float(w @ (theta[:, j] - mean) ** 2)
        var_prior = (p.high - p.low) ** 2 / 12.0
        rows.append(
            {
                "parameter": p.name,
                "prior_sd": np.sqrt(var_prior),
                "posterior_sd": np.sqrt(var_post),
                "contraction": 1.0 - var_post / var_prior,
            }
        )
    return pd.DataFrame(rows)


def posterior_correlations(
    theta: np.ndarray, weight: np.ndarray, priors: Sequence[Prior]
) -> pd.DataFrame:
    """Weighted correlation matrix of the parameters (rows and columns named)."""
    w = weight / weight.sum()
    centred = theta - w @ theta
    cov = (centred * w[:, None]).T @ centred
    sd = np.sqrt(np.diag(cov))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(sd, sd)
    names = [p.name for p in priors]
    return pd.DataFrame(corr, index=pd.Index(names, name="parameter"), columns=names)


def pattern_information(
    theta: np.ndarray, values: np.ndarray, priors: Sequence[Prior], targets: Sequence[Target]
) -> pd.DataFrame:
    """Spearman correlation of each parameter with each pattern's simulated value.

    Args:
        theta: ``(n, d)`` proposals of the last generation.
        values: ``(n, n_targets)`` their simulated pattern values.
        priors: The priors (column order of ``theta``).
        targets: The fitted targets (column order of ``values``).

    Returns:
        Long table: parameter, target, spearman, n (NaN where fewer than 5 runs or a constant).
    """
    rows = []
    for j, p in enumerate(priors):
        for i, t in enumerate(targets):
            ok = np.isfinite(values[:, i])
            x, y = theta[ok, j], values[ok, i]
            rho = np.nan
            if ok.sum() >= 5 and np.ptp(x) > 0 and np.ptp(y) > 0:
                rho = float(spearmanr(x, y).statistic)
            rows.append(
                {"parameter": p.name, "target": t.name, "spearman": rho, "n": int(ok.sum())}
            )
    return pd.DataFrame(rows)


def identifiability_table(
    spread: pd.DataFrame, information: pd.DataFrame, top: int = TOP_PATTERNS
) -> pd.DataFrame:
    """The contraction table with each parameter's most informative patterns."""
    out = spread.copy()
    named = []
    for name in out["parameter"]:
        part = information[information["parameter"] == name].dropna(subset=["spearman"])
        part = part.reindex(part["spearman"].abs().sort_values(ascending=False).index)[:top]
        named.append("; ".join(f"{r.target} ({r.spearman:+.2f})" for r in part.itertuples()))
    out["informed_by"] = named
    return out


def markdown_section(table: pd.DataFrame, corr: pd.DataFrame, threshold: float = 0.5) -> str:
    """The report's identifiability section."""
    lines = [
        "## Identifiability",
        "",
        "Contraction = 1 - posterior variance / prior variance (0: the patterns teach nothing; "
        "1: pinned down). Informing patterns: Spearman rank correlation of the parameter with "
        "the pattern's simulated value over the last generation's proposals (the strongest "
        f"{TOP_PATTERNS}).",
        "",
        "| parameter | prior sd | posterior sd | contraction | informed by |",
        "|---|---:|---:|---:|---|",
    ]
    for r in table.itertuples():
        lines.append(
            f"| {r.parameter} | {r.prior_sd:.4g} | {r.posterior_sd:.4g} | {r.contraction:.2f} "
            f"| {r.informed_by or 'none'} |"
        )
    names = list(corr.columns)
    pairs = [
        (names[a], names[b], float(corr.iloc[a, b]))
        for a in range(len(names))
        for b in range(a + 1, len(names))
        if np.isfinite(corr.iloc[a, b]) and abs(corr.iloc[a, b]) >= threshold
    ]
    lines += ["", f"Posterior correlations with |r| >= {threshold} "
              "(all pairs: posterior_correlations.csv):", ""]  # fmt: skip
    if pairs:
        lines += ["| parameter | parameter | r |", "|---|---|---:|"]
        lines += [
            f"| {a} | {b} | {r:+.2f} |" for a, b, r in sorted(pairs, key=lambda x: -abs(x[2]))
        ]
    else:
        lines.append("none.")
    lines.append("")
    return "\n".join(lines)
