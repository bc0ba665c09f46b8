"""Benchmark: malisim's vectorised Epstein Model I against Mesa's example, per step.

Times end-to-end runs (construction, stepping and the per-step counts) of
:func:`malisim.docking.epstein.run` and of Mesa's ``EpsteinCivilViolence`` (through
:func:`malisim.docking.epstein.run_mesa`, i.e. with the example's own DataCollector) on
Epstein's Model I parameters (densities 0.7 / 0.04, vision 7, L = 0.82, J = 30) at each
lattice size, and reports the median over repeats of seconds per step and agent updates per second.

Run ``/work/venv/bin/python benchmarks/bench_epstein.py`` (about a minute; Mesa at 100×100
dominates).
"""

from __future__ import annotations

import time

import numpy as np

from malisim.docking.epstein import run, run_mesa

DENSITY = 0.7 + 0.04


def _time_run(runner, steps: int, seed: int, width: int, height: int) -> float:
    t0 = time.perf_counter()
    runner(steps, seed, width=width, height=height)
    return (time.perf_counter() - t0) / steps


def run_benchmark(
    sizes: tuple[tuple[int, int], ...] = ((40, 40), (100, 100)),
    steps: int = 30,
    repeats: int = 3,
) -> list[dict[str, object]]:
    """Time both models at each lattice size.

    Args:
        sizes: ``(width, height)`` lattices to time.
        steps: Steps per timed run (the time per step includes the amortised set-up).
        repeats: Timed runs per model and size (seeds 0..repeats-1); the median is reported.

    Returns:
        One row per model and size: ``model``, ``size``, ``agents`` (citizens + cops, expected
        for Mesa, whose placement is random per cell), ``seconds_per_step`` (median) and
        ``agent_updates_per_second``.
    """
    runners = (("malisim.docking.epstein", run), ("mesa example", run_mesa))
    rows: list[dict[str, object]] = []
    for width, height in sizes:
        agents = round(0.7 * width * height) + round(0.04 * width * height)
        for name, runner in runners:
            runner(2, 0, width=width, height=height)  # warm-up: imports, caches
            per_step = float(
                np.median([_time_run(runner, steps, s, width, height) for s in range(repeats)])
            )
            rows.append(
                {
                    "model": name,
                    "size": f"{width}x{height}",
                    "agents": agents,
                    "seconds_per_step": per_step,
                    "agent_updates_per_second": agents / per_step,
                }
            )
    return rows


def main() -> None:
    """Print the benchmark table."""
    t0 = time.perf_counter()
    rows = run_benchmark()
    print("| model | size | agents | median s/step | agent-updates/s |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['model']} | {r['size']} | {r['agents']} | {r['seconds_per_step']:.4f} "
            f"| {r['agent_updates_per_second']:,.0f} |"
        )
    speedups = {}
    for r in rows:
        speedups.setdefault(r["size"], {})[r["model"]] = r["seconds_per_step"]
    for size, t in speedups.items():
        print(f"speed-up at {size}: {t['mesa example'] / t['malisim.docking.epstein']:.0f}x")
    print(f"(benchmark took {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
