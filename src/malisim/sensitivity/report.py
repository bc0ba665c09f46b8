"""HTML fragment of the sensitivity analysis and scenario discovery of a results folder.

:func:`sensitivity_section` reads what ``malisim sensitivity`` (``RESULTS_DIR/sensitivity``) and
``malisim discover`` (``RESULTS_DIR/discovery/<outcome>``) wrote and renders it as one HTML
fragment (tables, PNG images embedded as base64, no script) for ``malisim report``; it returns
None when neither is present. Nothing is recomputed.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path
from typing import Any

import pandas as pd

from malisim.sensitivity.discover import OUT_DIR
from malisim.sensitivity.spec import SENSITIVITY_DIR, SPEC_FILE


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _img(path: Path, caption: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (
        f"<figure><img alt='{_e(caption)}' src='data:image/png;base64,{data}'>"
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def _num(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return _e(value)
    if v != v:
        return "&ndash;"
    return f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.3g}"


def _table(frame: pd.DataFrame, numeric: set[str]) -> str:
    head = "".join(f"<th>{_e(c)}</th>" for c in frame.columns)
    body = []
    for row in frame.itertuples(index=False):
        cells = "".join(
            f"<td class='n'>{_num(v)}</td>" if c in numeric else f"<td>{_e(v)}</td>"
            for c, v in zip(frame.columns, row, strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _indices_part(folder: Path, top: int) -> list[str]:
    spec = json.loads((folder / SPEC_FILE).read_text(encoding="utf-8"))
    table = pd.read_csv(folder / "indices.csv")
    method = spec.get("method", "morris")
    params = spec.get("parameters", {})
    parts = [
        "<h2 id='sensitivity'>Which assumptions matter</h2>",
        f"<p>{_e(method.capitalize())} analysis of scenario <b>{_e(spec.get('scenario'))}</b> "
        f"({_e(spec.get('start'))} to {_e(spec.get('end'))}): {len(params)} parameters varied "
        f"over their ranges, {_e(spec.get('n'))} "
        f"{'trajectories' if method == 'morris' else 'base samples'}, "
        f"{_e(spec.get('replicates'))} replicate(s) per design point, outcomes averaged over "
        "replicates; bootstrap intervals at "
        f"{float(spec.get('confidence', 0.95)):.0%}.</p>",
    ]
    if method == "morris":
        parts.append(
            "<p class='note'>mu*: mean absolute elementary effect, in the outcome's unit per "
            "move across 2/3 of the parameter's range (4 levels); sigma: spread of the effects "
            "(non-linearity, interactions); noise mu*: what run-to-run noise alone would "
            "give.</p>"
        )
        cols = ["rank", "parameter", "mu_star", "mu_star_conf", "sigma"]
        if "noise_mu_star" in table.columns:
            cols.append("noise_mu_star")
    else:
        parts.append(
            "<p class='note'>S1: share of the outcome's variance due to the parameter alone; "
            "ST: including its interactions.</p>"
        )
        cols = ["rank", "parameter", "ST", "ST_conf", "S1", "S1_conf"]
    overview = folder / f"{method}_overview.png"
    if overview.is_file():
        parts.append(_img(overview, "Indices per parameter and outcome"))
    ranges = pd.DataFrame(
        [(k, v[0], v[1]) for k, v in params.items()], columns=["parameter", "low", "high"]
    )
    parts.append("<details><summary>Ranges</summary>")
    parts.append(_table(ranges, {"low", "high"}))
    parts.append("</details>")
    for outcome in dict.fromkeys(table["outcome"]):
        rows = table[table["outcome"] == outcome].sort_values("rank").head(top)
        parts.append(f"<h3>{_e(outcome)}</h3>")
        parts.append(_table(rows[cols], set(cols) - {"parameter", "rank"}))
        png = folder / f"{method}_{outcome}.png"
        if png.is_file():
            parts.append(_img(png, f"{outcome}: {method} indices, ranked"))
    return parts


def _discovery_part(folder: Path) -> list[str]:
    parts = ["<h2 id='discovery'>Scenario discovery</h2>"]
    for sub in sorted(p for p in folder.iterdir() if (p / "summary.txt").is_file()):
        summary = (sub / "summary.txt").read_text(encoding="utf-8")
        first = summary.splitlines()[0] if summary else sub.name
        parts.append(f"<h3>{_e(first)}</h3>")
        boxes = sub / "boxes.csv"
        if boxes.is_file():
            frame = pd.read_csv(boxes, keep_default_na=False, na_values=[""])
            if not frame.empty:
                parts.append(
                    _table(
                        frame,
                        {
                            "coverage",
                            "density",
                            "mass",
                            "n_runs",
                            "low",
                            "high",
                            "full_low",
                            "full_high",
                        },
                    )
                )
        parts.append(
            f"<details><summary>Summary and CART tree</summary><pre>{_e(summary)}</pre></details>"
        )
        for name, cap in (
            ("prim_trajectory.png", "PRIM peeling trajectory"),
            ("cart.png", "CART tree"),
        ):
            if (sub / name).is_file():
                parts.append(_img(sub / name, cap))
    return parts if len(parts) > 1 else []


def sensitivity_section(results_dir: str | Path, top: int = 8) -> str | None:
    """Render the sensitivity indices and scenario discovery of a results folder as HTML.

    Args:
        results_dir: A results folder.
        top: Parameters shown per outcome in the tables.

    Returns:
        An HTML fragment (``<h2>`` sections), or None if the folder holds neither.
    """
    root = Path(results_dir)
    parts: list[str] = []
    sens = root / SENSITIVITY_DIR
    if (sens / "indices.csv").is_file() and (sens / SPEC_FILE).is_file():
        parts += _indices_part(sens, top)
    disc = root / OUT_DIR
    if disc.is_dir():
        parts += _discovery_part(disc)
    return "\n".join(parts) if parts else None
