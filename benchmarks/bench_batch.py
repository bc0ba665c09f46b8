"""Batch throughput (runs per second with 1 and 2 local workers) and parent peak memory.

The parent process's peak memory is measured at 100 and 2,000 runs.

1. **Throughput** on the full model: the historical scenario on the full grid with the default
   50,000 civilian agents, 2019-01 to 2026-12, outcomes kept (the default), ``--runs`` runs (40)
   with 1 and then 2 local worker processes. The time for 1,000 runs is extrapolated as the fixed
   costs (time to the first run finished, i.e. starting the workers, plus consolidation) plus
   1,000 runs at the steady rate (between the first and the last run finished); the plain
   scaling of the whole wall time (which counts the start-up 1000/runs times) is printed too.
   Efficiency = (overall rate with 2 workers / overall rate with 1) / 2.
   Targets: 1,000 runs in at most 10 minutes on 2 cores; efficiency at least 80%.
   With ``--dask`` the same runs go through a Dask ``LocalCluster`` too (``--dask-local 1`` and
   ``2``), printed beside the pool's: the ratio Dask/pool and Dask's 1 -> 2 worker efficiency.
2. **Parent memory**: the peak resident memory of the parent process (``ru_maxrss`` of a fresh
   process running the batch; the workers are separate processes and not counted) for 100 and
   for 2,000 runs. To keep this part to about a minute it uses a *cheaper configuration*:
   baseline_2019 over 2019-01 to 2019-03 with 1,000 civilian agents, but with series and events
   kept, so the parent streams three tables per run into the store. Target: at most 500 MB and
   flat: the peak grows by at most 50 MB (a tenth of the budget) from 100 to 2,000 runs.

Usage::

    python benchmarks/bench_batch.py                # full (about 4 minutes on 2 cores)
    python benchmarks/bench_batch.py --quick        # smoke run (seconds), figures meaningless
    python benchmarks/bench_batch.py --only throughput --dask --runs 12   # pool vs Dask
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TARGET_MINUTES_1000 = 10.0
TARGET_EFFICIENCY = 0.80
TARGET_PARENT_MB = 500.0
#: "Flat": the peak grows by at most a tenth of the budget from the smallest to the largest batch.
FLAT_MB = 50.0


def _experiment(scenario: str, runs: int, overrides: list[str], keep: bool) -> Any:
    from malisim.experiment import Experiment
    from malisim.scenario import load_scenario

    resolved = load_scenario(ROOT / "scenarios" / f"{scenario}.yaml", overrides)
    return Experiment(
        name=f"bench_{scenario}",
        scenarios=[resolved],
        replicates=runs,
        seed=1,
        keep_series=keep,
        keep_events=keep,
    )


def throughput(
    workers: int, runs: int, overrides: list[str], executor: str = "local"
) -> dict[str, Any]:
    """Run ``runs`` replicates of the historical scenario on ``workers`` worker processes.

    ``executor`` ``"local"`` is the process pool; ``"dask"`` a Dask ``LocalCluster`` of
    ``workers`` single-threaded worker processes (``--dask-local``).
    """
    from malisim.experiment import run_experiment

    exp = _experiment("historical", runs, overrides, keep=False)
    where: dict[str, Any] = {"workers": workers} if executor == "local" else {"dask_local": workers}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.time()
        report = run_experiment(exp, Path(tmp) / "out", executor=executor, progress="none", **where)
        wall = time.time() - start
        records = [json.loads(x) for x in (Path(tmp) / "out" / "status.jsonl").open()]
    assert report.complete and report.done == runs, report
    done = [r for r in records if r["event"] == "done"]
    finished = sorted(r["finished"] for r in done)
    # steady state: the rate between the first and the last run finished; fixed costs: the
    # time to the first run (starting workers) and after the last (consolidation)
    steady = (len(finished) - 1) / (finished[-1] - finished[0])
    fixed = (finished[0] - start) + (start + wall - finished[-1])
    return {
        "executor": executor,
        "workers": workers,
        "runs": runs,
        "wall s": wall,
        "runs/s": runs / wall,
        "steady runs/s": steady,
        "fixed s": fixed,
        "s/run in worker": sum(r["seconds"] for r in done) / len(done),
        "cpu s/run in worker": sum(r["cpu_seconds"] for r in done) / len(done),
        "1000 runs, min": wall / runs * 1000 / 60,
        "1000 runs steady, min": (fixed + 1000 / steady) / 60,
        "load average": os.getloadavg()[0],
    }


def _memory_child(runs: int, workers: int) -> None:
    """Run the cheap batch in this (fresh) process and print its peak RSS in MB as JSON."""
    from malisim.experiment import run_experiment

    exp = _experiment(
        "baseline_2019", runs, ["params.n_civilian_agents=1000", "end=2019-03"], keep=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = run_experiment(
            exp, Path(tmp) / "out", executor="local", workers=workers, progress="none"
        )
        wall = time.perf_counter() - t0
    assert report.complete and report.done == runs
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux
    print(json.dumps({"runs": runs, "parent peak MB": peak_mb, "wall s": wall}))


def parent_memory(runs: int, workers: int) -> dict[str, Any]:
    """Peak RSS of a fresh parent process running ``runs`` cheap runs."""
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", str(runs), "--workers", str(workers)],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run_benchmark(
    runs: int = 40,
    memory_runs: tuple[int, ...] = (100, 2000),
    overrides: tuple[str, ...] = (),
    parts: tuple[str, ...] = ("throughput", "memory"),
    dask: bool = False,
) -> dict[str, Any]:
    """Run the parts asked for; return their figures (``dask``: the throughput on Dask too)."""
    result: dict[str, Any] = {}
    if "throughput" in parts:
        rows = [throughput(w, runs, list(overrides)) for w in (1, 2)]
        result["throughput"] = rows
        result["efficiency"] = rows[1]["runs/s"] / rows[0]["runs/s"] / 2
        result["steady efficiency"] = rows[1]["steady runs/s"] / rows[0]["steady runs/s"] / 2
        if dask:
            drows = [throughput(w, runs, list(overrides), executor="dask") for w in (1, 2)]
            result["dask"] = drows
            result["dask efficiency"] = drows[1]["runs/s"] / drows[0]["runs/s"] / 2
            result["dask steady efficiency"] = (
                drows[1]["steady runs/s"] / drows[0]["steady runs/s"] / 2
            )
    if "memory" in parts:
        result["memory"] = [parent_memory(n, 2) for n in memory_runs]
    return result


def format_report(result: dict[str, Any], quick: bool = False) -> str:
    """Format the figures with their targets."""
    lines: list[str] = []
    if "throughput" in result:
        lines += _format_throughput(result, quick)
    if "dask" in result:
        lines += _format_dask(result)
    if "memory" in result:
        lines += _format_memory(result)
    return "\n".join(lines)


def _format_throughput(result: dict[str, Any], quick: bool) -> list[str]:
    lines = ["Batch throughput (historical, full grid, 50,000 agents, 2019-01..2026-12, local):"]
    lines.append(
        "  (wall time per run well above CPU time per run means other processes shared the "
        "cores: the figures then understate the batch machinery)"
    )
    if quick:
        lines[0] = "Batch throughput (--quick: small runs, figures not meaningful):"
    for row in result["throughput"]:
        lines.append(
            f"  {row['workers']} worker(s): {row['runs']} runs in {row['wall s']:.1f} s = "
            f"{row['runs/s']:.2f} runs/s overall, {row['steady runs/s']:.2f} runs/s steady "
            f"(+{row['fixed s']:.1f} s start-up and consolidation); per run in a worker "
            f"{row['s/run in worker']:.2f} s wall, {row['cpu s/run in worker']:.2f} s CPU; "
            f"load average after: {row['load average']:.1f}"
        )
    two = result["throughput"][-1]
    best = two["1000 runs steady, min"]
    lines.append(
        f"  1,000 runs with 2 workers: {best:.1f} min (fixed costs + 1,000 runs at the steady "
        f"rate; {two['1000 runs, min']:.1f} min scaling the whole {two['runs']}-run wall time) "
        f"(target <= {TARGET_MINUTES_1000:.0f} min: "
        f"{'met' if best <= TARGET_MINUTES_1000 else 'MISSED'})"
    )
    eff = result["efficiency"]
    lines.append(
        f"  efficiency 1 -> 2 workers: {eff:.0%} overall, {result['steady efficiency']:.0%} "
        f"steady (target >= {TARGET_EFFICIENCY:.0%} overall: "
        f"{'met' if eff >= TARGET_EFFICIENCY else 'MISSED'})"
    )
    return lines


def _format_dask(result: dict[str, Any]) -> list[str]:
    """The Dask rows beside the pool's: rates, ratio Dask/pool, 1 -> 2 worker efficiency."""
    lines = [
        "Dask LocalCluster (--dask-local N, one task per run, at most 2 x threads in flight) "
        "against the process pool, same runs:"
    ]
    for pool, dask in zip(result["throughput"], result["dask"], strict=True):
        lines.append(
            f"  {dask['workers']} worker(s): {dask['runs/s']:.2f} runs/s overall, "
            f"{dask['steady runs/s']:.2f} steady (+{dask['fixed s']:.1f} s start-up and "
            f"consolidation); Dask/pool {dask['runs/s'] / pool['runs/s']:.2f} overall, "
            f"{dask['steady runs/s'] / pool['steady runs/s']:.2f} steady; per run in a worker "
            f"{dask['s/run in worker']:.2f} s wall, {dask['cpu s/run in worker']:.2f} s CPU "
            f"(pool {pool['cpu s/run in worker']:.2f})"
        )
    lines.append(
        f"  efficiency 1 -> 2 workers on Dask: {result['dask efficiency']:.0%} overall, "
        f"{result['dask steady efficiency']:.0%} steady (pool: {result['efficiency']:.0%}, "
        f"{result['steady efficiency']:.0%})"
    )
    return lines


def _format_memory(result: dict[str, Any]) -> list[str]:
    lines = [
        "Parent peak memory (cheap runs: baseline_2019, 2019-01..2019-03, 1,000 agents, series "
        "and events kept, 2 workers):"
    ]
    for row in result["memory"]:
        lines.append(
            f"  {row['runs']:>5} runs: parent peak {row['parent peak MB']:.0f} MB "
            f"({row['wall s']:.0f} s)"
        )
    peaks = [row["parent peak MB"] for row in result["memory"]]
    runs = [row["runs"] for row in result["memory"]]
    growth = peaks[-1] - peaks[0]
    per_run_kb = growth * 1024 / max(1, runs[-1] - runs[0])
    ok = max(peaks) <= TARGET_PARENT_MB and growth <= FLAT_MB
    lines.append(
        f"  growth {growth:+.0f} MB from {runs[0]} to {runs[-1]} runs ({per_run_kb:.1f} kB per "
        f"run: the design's bookkeeping and warm allocator caches, no results) (target: <= "
        f"{TARGET_PARENT_MB:.0f} MB and flat, i.e. growth <= {FLAT_MB:.0f} MB: "
        f"{'met' if ok else 'MISSED'})"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs per worker count (40)")
    parser.add_argument("--quick", action="store_true", help="smoke run (seconds)")
    parser.add_argument(
        "--only", choices=("throughput", "memory"), help="run only this part of the benchmark"
    )
    parser.add_argument(
        "--dask",
        action="store_true",
        help="measure the throughput on a Dask LocalCluster too (pool vs Dask ratio)",
    )
    parser.add_argument("--memory-child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_child:
        _memory_child(args.memory_child, args.workers)
        return 0
    parts = (args.only,) if args.only else ("throughput", "memory")
    if args.quick:
        result = run_benchmark(
            runs=4,
            memory_runs=(10, 20),
            overrides=("params.n_civilian_agents=2000",),
            parts=parts,
            dask=args.dask,
        )
    else:
        result = run_benchmark(runs=args.runs, parts=parts, dask=args.dask)
    print(format_report(result, quick=args.quick))
    return 0


if __name__ == "__main__":
    sys.exit(main())
