"""Docking comparison: malisim's vectorised Epstein Model I against Mesa's own example.

Runs both models with Epstein's Model I parameters (40×40 torus, citizen density 0.7, cop
density 0.04, vision 7, J = 30) at legitimacy 0.82 and 0.89 over several seeds, detects outbursts
with :func:`malisim.docking.epstein.detect_outbursts` and prints a markdown table (the one in
``docs/epstein_docking.md``), followed by sensitivity runs of malisim's model (update scheme,
vision shape, rounding).

Usage::

    /work/venv/bin/python scripts/compare_epstein_mesa.py            # about 9 minutes
    /work/venv/bin/python scripts/compare_epstein_mesa.py --seeds 2 --steps 200   # quick look
    /work/venv/bin/python scripts/compare_epstein_mesa.py --parts sequential      # slow check

Mesa's example takes ~60 ms per step at 40×40, which dominates the running time (about 9
minutes of CPU for the default parts; ``--parts sequential`` takes about 7 more).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from malisim.docking.epstein import detect_outbursts, run, run_mesa

LEGITIMACIES = (0.82, 0.89)
#: Outburst definition used throughout the docking doc: starts at >= 50 actives (about 4.5 % of
#: the 1120 citizens), over once back to <= 10; the first 20 steps (initial transient) ignored.
START, END, BURN_IN = 50, 10, 20


def measure(
    label: str,
    runner: Callable[..., pd.DataFrame],
    legitimacy: float,
    seeds: list[int],
    steps: int,
    **kwargs,
) -> dict[str, object]:
    """Run one model variant over ``seeds`` and pool its outburst statistics."""
    counts, peaks, durations, waits, actives, jailed, seconds = [], [], [], [], [], [], []
    for seed in seeds:
        t0 = time.perf_counter()
        df = runner(steps, seed, legitimacy=legitimacy, **kwargs)
        seconds.append(time.perf_counter() - t0)
        bursts = detect_outbursts(df, start=START, end=END, burn_in=BURN_IN)
        counts.append(len(bursts))
        peaks.extend(bursts["peak"].tolist())
        durations.extend(bursts.loc[bursts["complete"], "duration"].tolist())
        waits.extend(bursts["wait"].iloc[1:].tolist())  # waits between outbursts only
        after = df[df["step"] >= BURN_IN]
        actives.append(after["active"].mean())
        jailed.append(after["jailed"].mean())

    def mean(xs: list[float]) -> float:
        return float(np.mean(xs)) if xs else float("nan")

    return {
        "model": label,
        "L": legitimacy,
        "seeds": len(seeds),
        "outbursts/run": mean(counts),
        "min-max": f"{min(counts)}-{max(counts)}",
        "mean peak": mean(peaks),
        "max peak": max(peaks) if peaks else float("nan"),
        "mean duration": mean(durations),
        "mean wait": mean(waits),
        "mean active": mean(actives),
        "mean jailed": mean(jailed),
        "s/run": mean(seconds),
    }


def to_markdown(rows: list[dict[str, object]]) -> str:
    """Format result rows as a markdown table."""
    cols = list(rows[0])
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in rows:
        cells = []
        for c in cols:
            v = row[c]
            if isinstance(v, float):
                cells.append("–" if np.isnan(v) else f"{v:.1f}" if c != "L" else f"{v:.2f}")
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    """Run the comparison and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="seeds per model and legitimacy")
    parser.add_argument("--steps", type=int, default=500, help="steps per run")
    parser.add_argument(
        "--parts",
        default="main,sensitivity",
        help="comma-separated parts to run: main (malisim vs Mesa), sensitivity (malisim "
        "variants), sequential (malisim with one agent per update group; slow, about two minutes "
        "per 500-step run)",
    )
    parser.add_argument(
        "--sequential-seeds", type=int, default=2, help="seeds for the sequential part"
    )
    parser.add_argument("--csv", help="also write the rows to this CSV file")
    args = parser.parse_args()
    seeds = list(range(args.seeds))
    t0 = time.perf_counter()

    parts = set(args.parts.split(","))
    main_rows = []
    for legitimacy in LEGITIMACIES if "main" in parts else ():
        main_rows.append(measure("malisim", run, legitimacy, seeds, args.steps))
        main_rows.append(measure("Mesa example", run_mesa, legitimacy, seeds, args.steps))
        print(f"L={legitimacy}: done ({time.perf_counter() - t0:.0f} s)", flush=True)

    variants: list[tuple[str, dict[str, object]]] = []
    if "sensitivity" in parts:
        variants += [
            ("malisim synchronous (batches=1)", {"batches": 1}),
            ("malisim batches=32", {"batches": 32}),
            ("malisim von Neumann vision", {"neighbourhood": "von_neumann"}),
            ("malisim round", {"rounding": "round"}),
            (
                "malisim Mesa rules (von Neumann + round)",
                {"neighbourhood": "von_neumann", "rounding": "round"},
            ),
        ]
    if "sequential" in parts:
        # 40*40*(0.7+0.04) = 1184 agents: one agent per group is random sequential activation.
        variants.append(("malisim fully sequential (batches=1184)", {"batches": 1184}))
    sens_rows = []
    for label, kwargs in variants:
        var_seeds = seeds if "sequential (" not in label else list(range(args.sequential_seeds))
        for legitimacy in LEGITIMACIES:
            sens_rows.append(measure(label, run, legitimacy, var_seeds, args.steps, **kwargs))
        print(f"{label}: done ({time.perf_counter() - t0:.0f} s)", flush=True)

    print()
    print(
        f"Outbursts: >= {START} actives until back to <= {END}; first {BURN_IN} steps ignored; "
        f"{args.steps} steps per run; seeds 0..{args.seeds - 1}"
        f" (sequential part: 0..{args.sequential_seeds - 1})."
    )
    print()
    if main_rows:
        print(to_markdown(main_rows))
    if sens_rows:
        print()
        print(to_markdown(sens_rows))
    print(f"\nTotal time: {time.perf_counter() - t0:.0f} s")
    if args.csv:
        pd.DataFrame(main_rows + sens_rows).to_csv(args.csv, index=False)


if __name__ == "__main__":
    main()
