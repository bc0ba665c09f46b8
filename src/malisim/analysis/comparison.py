"""The result of a comparison of scenarios (:class:`Comparison`) and how it reads as text.

:class:`Comparison` holds the per-scenario summary and the differences from the baseline
(computed by :func:`malisim.analysis.compare.compare`), the settings they were computed with,
and writes them as one CSV table; :func:`format_comparison` renders them for the terminal: one
block per outcome (and design point), one line per scenario.
"""

from __future__ import annotations

import textwrap
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from malisim.analysis.columns import quantile_column, scalar_info
from malisim.core.errors import UserError
from malisim.core.formatting import format_number, format_p, format_relative, format_value

#: Central interval of the runs shown per scenario (quantiles).
DEFAULT_INTERVAL: tuple[float, float] = (0.05, 0.95)
#: Confidence level of the bootstrap interval of the mean difference.
DEFAULT_LEVEL = 0.95
#: Bootstrap resamples.
DEFAULT_BOOTSTRAP = 2000
#: Seed of the bootstrap generator.
DEFAULT_SEED = 20190101
#: Significance level of the ``significant`` column (on adjusted p-values).
DEFAULT_ALPHA = 0.05


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
        origins: Per scenario label, the number of its results folder in :attr:`sources` and
            its name in that folder (``"b/historical"`` -> ``(1, "historical")``); empty for a
            bare table.
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
    origins: dict[str, tuple[int, str]] = field(default_factory=dict)

    @property
    def interval_columns(self) -> tuple[str, str]:
        """Names of the interval columns of :attr:`summary`, e.g. ``("p5", "p95")``."""
        return quantile_column(self.interval[0]), quantile_column(self.interval[1])

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

    @property
    def key_columns(self) -> list[str]:
        """Columns that identify a row: ``outcome``, [``point_id``], ``scenario``."""
        if "point_id" in self.summary.columns:
            return ["outcome", "point_id", "scenario"]
        return ["outcome", "scenario"]

    def difference_rows(self) -> dict[tuple[Any, ...], dict[Hashable, Any]]:
        """The rows of :attr:`differences` as dicts, by (outcome, [point_id,] scenario)."""
        keys = self.key_columns
        return {tuple(r[k] for k in keys): r for r in self.differences.to_dict("records")}

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

    def folder_scenarios(self) -> list[tuple[str, list[tuple[str, str]]]]:
        """Per results folder compared: its path and its (label, scenario name) pairs, in order.

        The labels are those of :attr:`scenarios` (prefixed with the folder's name when a
        scenario name is in several folders); the names are the scenarios' names in the folder,
        for reading the folder's own tables (documented figures, series).
        """
        out: list[tuple[str, list[tuple[str, str]]]] = [(p, []) for p in self.sources]
        for label in self.scenarios:
            if label in self.origins:
                i, name = self.origins[label]
                out[i][1].append((label, name))
        return out

    def format(self) -> str:
        """The comparison as text: one block per outcome, one line per scenario."""
        return format_comparison(self)


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
    diffs = cmp.difference_rows()
    blocks = []
    for keys, block in cmp.summary.groupby(
        ["outcome", "point_id"] if has_points else ["outcome"], sort=False
    ):
        outcome = keys[0] if isinstance(keys, tuple) else keys
        info = scalar_info(outcome)
        kind = info.kind
        title = info.label + (f"  [point {keys[1]}]" if has_points else "")
        rows = []
        for rd in block.to_dict("records"):
            line = [
                str(rd["scenario"]),
                str(int(rd["runs"])),
                format_value(rd["median"], kind),
                format_value(rd["mean"], kind),
                f"{format_value(rd[lo_col], kind)} to {format_value(rd[hi_col], kind)}",
            ]
            key = (outcome, keys[1], rd["scenario"]) if has_points else (outcome, rd["scenario"])
            if rd["scenario"] == cmp.baseline or key not in diffs:
                line += ["(baseline)" if rd["scenario"] == cmp.baseline else "", "", "", "", ""]
            else:
                d = diffs[key]
                ci = (
                    f"{format_value(d['diff_mean'], kind, True)} "
                    f"[{format_value(d['ci_low'], kind, True)}, "
                    f"{format_value(d['ci_high'], kind, True)}]"
                )
                rel = d["diff_rel"]
                line += [
                    ci + ("" if d["paired"] else " (unpaired)"),
                    format_relative(rel),
                    format_number(d["p_higher"], ".2f"),
                    format_number(d["effect_size"], "+.2f"),
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
    pairing = "paired by replicate or seed" if _any_paired(cmp) else "unpaired"
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
    return "\n".join(textwrap.wrap(text, width))
