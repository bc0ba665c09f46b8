"""The report's findings in plain words: what differs between scenarios, what the model misses.

Plain data for the report's first section (:mod:`malisim.report.templates` lays it out):

* :func:`difference_findings` — per scenario, its differences from the baseline whose
  adjusted test is significant, largest relative change first, each as one sentence with the
  mean difference and its bootstrap interval;
* :func:`miss_findings` — the documented figures the model misses, one sentence each, with the
  documented value and its source key, the simulated median and 5-95% range of the runs, and
  where the runs lie (every run below, every run above, or the range straddles it);
* :func:`figure_rows` — the documented-figures table: one row per figure, a column per scenario.

All of it is read from the comparison (:func:`malisim.analysis.compare`) and the validation
table (:func:`malisim.analysis.validation.pattern_table`, the table of ``malisim score``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from malisim.analysis.columns import scalar_info
from malisim.core.formatting import format_figure, format_relative, format_value
from malisim.model.outcomes import OUTCOMES

if TYPE_CHECKING:  # pragma: no cover
    from malisim.analysis.comparison import Comparison

#: The most differences listed per scenario on the first screen (the rest are in the tables).
MAX_DIFFERENCES = 4
#: Scenario read first against the documented figures (the timeline that happened).
HISTORICAL = "historical"


@dataclass(frozen=True)
class Finding:
    """One sentence of the summary, with the scenario it is about."""

    scenario: str
    text: str


@dataclass
class FigureRow:
    """One documented figure of the report's table, with a cell per scenario.

    Attributes:
        target: The figure's name (unique in the pattern set).
        observable: What it measures.
        period: Its period (``YYYY-MM to YYYY-MM``).
        region: Its region.
        split: ``fit`` or ``out_of_sample``.
        documented: The documented value, formatted.
        tolerance: Its tolerance rule.
        source: The bibliography key it comes from.
        locator: Where in the source.
        cells: Per scenario (in the report's order): (status, simulated text).
        missed: Whether some scenario misses it.
    """

    target: str
    observable: str
    period: str
    region: str
    split: str
    documented: str
    tolerance: str
    source: str
    locator: str
    cells: list[tuple[str, str]] = field(default_factory=list)
    missed: bool = False


def _range(r: dict, kind: str, unit: str) -> str:
    return (
        f"{format_figure(r['median'], kind, unit)} "
        f"[{format_figure(r['q05'], kind, unit)} to {format_figure(r['q95'], kind, unit)}]"
    )


def difference_findings(cmp: Comparison) -> list[Finding]:
    """The significant differences from the baseline, per scenario, largest first."""
    out: list[Finding] = []
    d = cmp.differences
    if d.empty:
        return out
    sig = d[d["significant"].fillna(False).astype(bool)]
    for scenario in cmp.scenarios:
        if scenario == cmp.baseline:
            continue
        rows = sig[sig["scenario"] == scenario]
        if rows.empty:
            n = int((d["scenario"] == scenario).sum())
            out.append(
                Finding(
                    scenario,
                    f"{scenario}: no outcome differs from {cmp.baseline} beyond chance "
                    f"(none of {n} comparisons significant after correction).",
                )
            )
            continue
        order = rows["diff_rel"].abs().fillna(-1.0).sort_values(ascending=False).index
        for r in rows.loc[order].head(MAX_DIFFERENCES).to_dict("records"):
            info = scalar_info(str(r["outcome"]))
            word = "higher" if r["diff_mean"] > 0 else "lower"
            diff = format_value(abs(float(r["diff_mean"])), info.kind)
            lo = format_value(r["ci_low"], info.kind, True)
            hi = format_value(r["ci_high"], info.kind, True)
            rel = format_relative(r["diff_rel"], 0)
            unit = f" {info.unit}" if info.unit and info.kind == "count" else ""
            pairing = "paired runs" if r["paired"] else "unpaired runs"
            out.append(
                Finding(
                    scenario,
                    f"{scenario}: {info.label} is {diff}{unit} {word} than in {cmp.baseline} "
                    f"({rel}; {cmp.level:.0%} interval {lo} to {hi}; {pairing}).",
                )
            )
        more = len(rows) - MAX_DIFFERENCES
        if more > 0:
            out.append(Finding(scenario, f"{scenario}: {more} more significant differences below."))
    return out


def plain_label(observable: str) -> str:
    """An observable in plain words (its outcome's label, else its name with spaces)."""
    for o in OUTCOMES:
        if o.name == observable and getattr(o, "label", ""):
            return str(o.label)
    return observable.replace("_", " ")


def _where(r: dict) -> str:
    """Where the runs lie against the documented value."""
    value = float(r["documented"])
    if float(r["q95"]) < value:
        return "the 5-95% range of the runs below it"
    if float(r["q05"]) > value:
        return "the 5-95% range of the runs above it"
    return "the median outside its tolerance"


def miss_findings(targets: pd.DataFrame, scenarios: Sequence[str]) -> list[Finding]:
    """The figures the model misses, fit period first.

    In full for the historical scenario (or the first); for each other scenario one line
    counting its misses (they are marked in the table).
    """
    order = list(scenarios)
    if HISTORICAL in order:
        order.remove(HISTORICAL)
        order.insert(0, HISTORICAL)
    out: list[Finding] = []
    misses = targets[targets["status"] == "miss"]
    for k, scenario in enumerate(order):
        rows = misses[misses["scenario"] == scenario]
        if k > 0:
            if len(rows):
                out.append(
                    Finding(
                        scenario,
                        f"{scenario}: misses {len(rows)} figures (marked in the table below; "
                        "a counterfactual is expected to differ from the record).",
                    )
                )
            continue
        rows = rows.sort_values("split", key=lambda s: s.map({"fit": 0}).fillna(1), kind="stable")
        for r in rows.to_dict("records"):
            kind, unit = str(r["kind"]), str(r["unit"])
            sample = "" if r["split"] == "fit" else " (out-of-sample)"
            out.append(
                Finding(
                    scenario,
                    f"{scenario}: {plain_label(str(r['observable']))}, {r['region']}, "
                    f"{r['period']}{sample}: "
                    f"documented {format_figure(r['documented'], kind, unit)} "
                    f"[{r['source']}], simulated {_range(r, kind, unit)} over {r['runs']} runs, "
                    f"{_where(r)}.",
                )
            )
    return out


def hit_counts(targets: pd.DataFrame, scenarios: Sequence[str]) -> dict[str, tuple[int, int]]:
    """Per scenario: (figures within their tolerance, figures scored)."""
    out = {}
    for s in scenarios:
        rows = targets[(targets["scenario"] == s) & targets["status"].isin(["hit", "miss"])]
        out[s] = (int((rows["status"] == "hit").sum()), len(rows))
    return out


def figure_rows(targets: pd.DataFrame, scenarios: Sequence[str]) -> list[FigureRow]:
    """One row per documented figure, a cell per scenario; missed figures first, fit first."""
    rows: dict[str, FigureRow] = {}
    for r in targets.to_dict("records"):
        name = str(r["target"])
        kind, unit = str(r["kind"]), str(r["unit"])
        if name not in rows:
            rows[name] = FigureRow(
                target=name,
                observable=str(r["observable"]),
                period=str(r["period"]),
                region=str(r["region"]),
                split=str(r["split"]),
                documented=format_figure(r["documented"], kind, unit),
                tolerance=str(r["tolerance"]),
                source=str(r["source"]),
                locator=str(r["locator"]),
                cells=[("", "")] * len(scenarios),
            )
    index = {s: i for i, s in enumerate(scenarios)}
    for r in targets.to_dict("records"):
        s = str(r["scenario"])
        if s not in index:
            continue
        row = rows[str(r["target"])]
        kind, unit = str(r["kind"]), str(r["unit"])
        text = _range(r, kind, unit) if r["runs"] else str(r["note"] or r["status"])
        row.cells[index[s]] = (str(r["status"]), text)
        if r["status"] == "miss":
            row.missed = True
    # sorted is stable: the pattern set's order within each group
    return sorted(rows.values(), key=lambda x: (x.split != "fit", not x.missed))
