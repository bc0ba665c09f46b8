"""Benchmark of ``malisim compare``: 10,000 runs x 20 outcomes.

A synthetic results folder (four scenarios x 2,500 replicates under common random numbers, 20
outcome columns, written in the store's layout by :mod:`malisim.analysis.synthetic`) is compared
with its first scenario by ``malisim compare`` in a fresh Python process (so the figure includes
the interpreter start, the imports, reading the outcomes table, the statistics with 2,000
bootstrap resamples, printing and writing the CSV). Median of ``--repeats`` runs.

Target: **<= 30 s** for 10,000 runs x 20 outcomes.

Usage::

    python benchmarks/bench_compare.py             # 10,000 runs x 20 outcomes
    python benchmarks/bench_compare.py --quick     # 400 runs x 20 outcomes (smoke run)
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

TARGET_SECONDS = 30.0
SCENARIOS = ("historical", "france_stays", "no_wagner", "no_sanctions")
OUTCOMES = (
    "civilian_fatalities_total",
    "civilian_fatalities_2019",
    "civilian_fatalities_2020",
    "civilian_fatalities_2021",
    "civilian_fatalities_2022",
    "civilian_fatalities_2023",
    "civilian_fatalities_state_total",
    "civilian_fatalities_foreign_total",
    "civilian_fatalities_jihadist_total",
    "battle_fatalities_total",
    "events_total",
    "idps_end",
    "refugees_end",
    "control_state_last12",
    "control_jnim_last12",
    "control_is_sahel_last12",
    "junta_approval_end",
    "gdp_index_end",
    "people_in_need_end",
    "recruits_jihadist_total",
)


def run(runs: int = 10_000, repeats: int = 3) -> list[dict[str, Any]]:
    """Time ``malisim compare`` on ``runs`` runs x 20 outcomes; return the table rows."""
    from malisim.analysis.synthetic import synthetic_outcomes, write_results

    replicates = runs // len(SCENARIOS)
    with tempfile.TemporaryDirectory() as tmp:
        table = synthetic_outcomes(
            SCENARIOS, replicates, OUTCOMES, shifts={"no_wagner": -0.05, "france_stays": 0.02}
        )
        folder = write_results(Path(tmp) / "results", table, name="bench")
        cmd = [
            sys.executable,
            "-m",
            "malisim.cli",
            "compare",
            str(folder),
            "--outcomes",
            "all",
            "--out",
            str(Path(tmp) / "out"),
        ]
        times = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                raise RuntimeError(f"malisim compare failed:\n{proc.stdout}\n{proc.stderr}")
        rows = sum(1 for _ in open(Path(tmp) / "out" / "comparison.csv", encoding="utf-8")) - 1
    med = statistics.median(times)
    return [
        {
            "figure": f"malisim compare, {len(table):,} runs x {len(OUTCOMES)} outcomes",
            "value": f"{med:.2f} s",
            "target": f"<= {TARGET_SECONDS:.0f} s",
            "ok": "yes" if med <= TARGET_SECONDS else "NO",
            "detail": f"median of {repeats}; {rows} CSV rows",
        }
    ]


def main(argv: list[str] | None = None) -> int:
    """Print the benchmark's figure."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10_000, help="runs (default 10,000)")
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats (default 3)")
    parser.add_argument("--quick", action="store_true", help="400 runs, 1 repeat")
    args = parser.parse_args(argv)
    runs, repeats = (400, 1) if args.quick else (args.runs, args.repeats)
    for row in run(runs, repeats):
        print(
            f"{row['figure']}: {row['value']} (target {row['target']}: {row['ok']}; "
            f"{row['detail']})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
