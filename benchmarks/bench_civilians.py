"""Benchmark: civilian agent updates per second on the full grid of Mali.

Builds a :class:`~malisim.model.civilians.CivilianPopulation` of N agents on the packaged
grid (488 cells), feeds it fixed synthetic :class:`~malisim.model.civilians.CellSignals` (armed
presence by region, violence in a share of cells, jihadist governance where jihadists hold
authority), warms up with one step, then times repeated ``step`` calls.

Figures per size: median seconds per step, agent updates per second (N / median), bytes of
per-agent state (``nbytes_per_agent``), and the peak of memory traced by :mod:`tracemalloc`
while building the population and running its first (untimed) step.

One core: BLAS/OpenMP threads are limited to 1 before numpy is imported, and the timed loop runs
with the process pinned to a single CPU (``os.sched_setaffinity``) where the platform allows.
The step uses only element-wise numpy operations, ``bincount``, ``take`` and fancy indexing,
which numpy runs single-threaded anyway.

Run: ``python benchmarks/bench_civilians.py [--quick]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from malisim.model.civilians import CellSignals, CivilianPopulation  # noqa: E402
from malisim.model.parameters import Parameters  # noqa: E402
from malisim.model.space import REGIONS, MaliGrid, load_grid  # noqa: E402
from malisim.model.vocab import N_FAMILIES  # noqa: E402

#: Agent counts benchmarked by default.
DEFAULT_SIZES: tuple[int, ...] = (50_000, 200_000, 1_000_000)
#: Sizes at or above this get ``repeats_large`` timed steps instead of ``repeats``.
LARGE: int = 500_000
#: Targets (printed beside the figures; never asserted in tests).
TARGET_UPDATES_PER_S: float = 1_000_000.0
TARGET_AT_AGENTS: int = 200_000
TARGET_BYTES_PER_AGENT: float = 200.0
#: Seed of the synthetic signals and of the civilians' generators.
SEED: int = 20190101
#: Total people at the start (about Mali's population in 2019).
TOTAL_PEOPLE: float = 20_000_000.0


def synthetic_signals(grid: MaliGrid, params: Parameters, rng: np.random.Generator) -> CellSignals:
    """Plausible per-cell signals: who is armed where, violence in some cells.

    State forces are present in most southern cells and fewer central/northern ones; JNIM in the
    centre and north; IS Sahel in Gao and Ménaka; signatory groups in Kidal, Tombouctou and Gao.
    About a quarter of central/northern cells and 3% of southern cells see violence this month.

    Args:
        grid: The grid.
        params: Parameters (for the victimisation reach of the violence index).
        rng: Generator (fixed seed for a reproducible benchmark).

    Returns:
        The signals.
    """
    n = grid.n_cells
    names = np.asarray(REGIONS)[np.asarray(grid.region)]
    centre_north = np.isin(names, ["Ségou", "Mopti", "Tombouctou", "Gao", "Kidal", "Ménaka"])
    is_zone = np.isin(names, ["Gao", "Ménaka"])
    signatory_zone = np.isin(names, ["Kidal", "Tombouctou", "Gao"])

    presence = np.zeros((N_FAMILIES, n))
    presence[0] = (rng.random(n) < np.where(centre_north, 0.3, 0.6)) * rng.gamma(2.0, 150.0, n)
    presence[1] = (rng.random(n) < np.where(centre_north, 0.5, 0.1)) * rng.gamma(2.0, 60.0, n)
    presence[2] = (rng.random(n) < 0.6 * is_zone) * rng.gamma(2.0, 50.0, n)
    presence[3] = (rng.random(n) < 0.5 * signatory_zone) * rng.gamma(2.0, 80.0, n)

    violent = rng.random(n) < np.where(centre_north, 0.25, 0.03)
    rates = np.array([1.0, 0.2, 2.5, 0.3])[:, None]  # state, foreign, jihadist, signatory
    killed = rng.poisson(rates, (4, n)) * violent
    killed = killed.astype(float)
    jnim_share = np.where(is_zone, 0.4, 0.9)
    by_family = np.vstack(
        [killed[0] + killed[1], killed[2] * jnim_share, killed[2] * (1 - jnim_share), killed[3]]
    )
    pop = np.asarray(grid.population, dtype=float)
    violence_index = (
        killed.sum(axis=0) * params.victimisation_reach / np.maximum(pop, 5000.0) * 1000.0
    )
    authority = np.where(presence.sum(axis=0) > 0, np.argmax(presence, axis=0), 0).astype(np.intp)
    governance = np.zeros((N_FAMILIES, n))
    for fam in (1, 2):
        governance[fam] = np.where(authority == fam, rng.uniform(0.1, 0.6, n), 0.0)
    return CellSignals(
        presence=presence,
        killed=killed,
        killed_by_family=by_family,
        violence_index=violence_index,
        authority=authority,
        governance=governance,
        state_service=np.where(authority == 0, 1.0, 0.2),
        economic_loss=np.full(n, 0.05),
    )


@contextlib.contextmanager
def one_core() -> Iterator[str]:
    """Pin the calling process to one CPU for the duration; yields a description."""
    getter = getattr(os, "sched_getaffinity", None)
    setter = getattr(os, "sched_setaffinity", None)
    if getter is None or setter is None:
        yield "not pinned (no sched_setaffinity); BLAS/OpenMP threads = 1"
        return
    before = getter(0)
    cpu = min(before)
    try:
        setter(0, {cpu})
    except OSError:
        yield "not pinned (sched_setaffinity refused); BLAS/OpenMP threads = 1"
        return
    try:
        yield f"pinned to CPU {cpu}; BLAS/OpenMP threads = 1"
    finally:
        setter(0, before)


def bench_size(grid: MaliGrid, n_agents: int, repeats: int, seed: int = SEED) -> dict[str, Any]:
    """Time ``CivilianPopulation.step`` at one size.

    Args:
        grid: The grid.
        n_agents: Number of civilian agents.
        repeats: Timed steps (after one warm-up step).
        seed: Seed of the signals and generators.

    Returns:
        One row of figures.
    """
    params = Parameters(n_civilian_agents=n_agents)
    seeds = np.random.SeedSequence(seed).spawn(5)
    signals = synthetic_signals(grid, params, np.random.default_rng(seeds[0]))
    rngs = {
        name: np.random.default_rng(s)
        for name, s in zip(("victimisation", "civilians", "movement"), seeds[1:4], strict=True)
    }

    gc.collect()
    tracemalloc.start()
    t0 = time.perf_counter()
    pop = CivilianPopulation(grid, params, np.random.default_rng(seeds[4]), TOTAL_PEOPLE)
    build_s = time.perf_counter() - t0
    state_traced = tracemalloc.get_traced_memory()[0]
    pop.step(signals, rngs, dialogue=0.0)  # warm-up, also the step whose peak is traced
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        pop.step(signals, rngs, dialogue=0.0)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    n = pop.cell.size
    return {
        "agents": n,
        "repeats": repeats,
        "build_s": build_s,
        "median_s": median,
        "min_s": min(times),
        "updates_per_s": n / median,
        "bytes_per_agent": pop.nbytes_per_agent(),
        "state_mb": state_traced / 1e6,
        "peak_mb": peak / 1e6,
        "active_share": float(pop.active.mean()),
    }


def run_benchmark(
    sizes: Sequence[int] = DEFAULT_SIZES,
    repeats: int = 7,
    repeats_large: int = 5,
    seed: int = SEED,
) -> dict[str, Any]:
    """Run the civilian benchmark at each size, pinned to one core.

    Args:
        sizes: Agent counts.
        repeats: Timed steps per size below :data:`LARGE` agents.
        repeats_large: Timed steps per size at or above :data:`LARGE` agents.
        seed: Seed of the signals and generators.

    Returns:
        ``{"pinning": str, "rows": [one dict per size]}``.
    """
    grid = load_grid()
    rows = []
    with one_core() as pinning:
        for size in sizes:
            reps = repeats_large if size >= LARGE else repeats
            rows.append(bench_size(grid, size, max(reps, 1), seed))
            gc.collect()
    return {"pinning": pinning, "rows": rows}


def format_report(result: dict[str, Any]) -> str:
    """Format the civilian benchmark as a table with its targets."""
    lines = [
        f"civilian step on the full grid ({result['pinning']})",
        f"  {'agents':>10} {'reps':>4} {'median s/step':>13} {'updates/s':>12} "
        f"{'bytes/agent':>11} {'state MB':>8} {'peak MB':>8} {'build s':>7}",
    ]
    for r in result["rows"]:
        lines.append(
            f"  {r['agents']:>10,} {r['repeats']:>4} {r['median_s']:>13.4f} "
            f"{r['updates_per_s']:>12,.0f} {r['bytes_per_agent']:>11.1f} "
            f"{r['state_mb']:>8.1f} {r['peak_mb']:>8.1f} {r['build_s']:>7.2f}"
        )
    at_target = [r for r in result["rows"] if r["agents"] == TARGET_AT_AGENTS]
    if at_target:
        ups = at_target[0]["updates_per_s"]
        verdict = "met" if ups >= TARGET_UPDATES_PER_S else "NOT met"
        lines.append(
            f"  target: >= {TARGET_UPDATES_PER_S:,.0f} updates/s on one core at "
            f"{TARGET_AT_AGENTS:,} agents: {ups:,.0f} ({verdict})"
        )
    else:
        lines.append(
            f"  target: >= {TARGET_UPDATES_PER_S:,.0f} updates/s on one core at "
            f"{TARGET_AT_AGENTS:,} agents (size not run)"
        )
    worst = max(r["bytes_per_agent"] for r in result["rows"])
    verdict = "met" if worst <= TARGET_BYTES_PER_AGENT else "NOT met"
    lines.append(
        f"  target: <= {TARGET_BYTES_PER_AGENT:.0f} bytes of state per agent: "
        f"{worst:.1f} ({verdict})"
    )
    lines.append(
        "  peak MB: tracemalloc peak while building the population and running one step "
        "(numpy buffers included; interpreter and grid excluded)"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 1 repeat")
    args = parser.parse_args(argv)
    if args.quick:
        result = run_benchmark(sizes=(5_000, TARGET_AT_AGENTS), repeats=1, repeats_large=1)
    else:
        result = run_benchmark()
    print(format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
