"""Benchmark: civilian agent updates per second on the full grid of Mali.

Builds a :class:`~malisim.model.civilians.CivilianPopulation` of N agents on the packaged
grid (488 cells), feeds it fixed synthetic :class:`~malisim.model.civilians.CellSignals` (armed
presence by region, violence in a share of cells, jihadist governance where jihadists hold
authority), warms up with one step, then times repeated ``step`` calls.

Figures per size: median seconds per step, agent updates per second (N / median), bytes of
per-agent state (``nbytes_per_agent``), and the peak of memory traced by :mod:`tracemalloc`
while building the population and running its first (untimed) step.

Both engines of the step are timed at each size (``numpy``, the reference, and ``numba``, the
compiled passes of :mod:`malisim.model.civilian_kernels`; the results are the same bit for bit):
two populations built from the same seed step alternately, one timed step of each per round, so
a busy spell of a shared machine falls on both; wall and CPU time (``time.process_time``) medians
side by side, and the ratio numpy / numba. ``--kernel-load`` times, in fresh processes, the
first compile of the kernels (an empty numba cache) and their load from the cache.

One core: BLAS/OpenMP threads are limited to 1 before numpy is imported, and the timed loop runs
with the process pinned to a single CPU (``os.sched_setaffinity``) where the platform allows.
The step uses only element-wise numpy operations, ``bincount``, ``take`` and fancy indexing,
which numpy runs single-threaded anyway.

Run: ``python benchmarks/bench_civilians.py [--quick] [--engines numpy,numba] [--kernel-load]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import contextlib  # noqa: E402
import gc  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
from collections.abc import Iterator, Sequence  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from malisim.model.civilians import (  # noqa: E402
    CellSignals,
    CivilianPopulation,
    compiled_kernels_available,
)
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


def bench_size(
    grid: MaliGrid,
    n_agents: int,
    repeats: int,
    seed: int = SEED,
    engines: Sequence[str] = ("numpy",),
) -> dict[str, Any]:
    """Time ``CivilianPopulation.step`` at one size, each engine in turn.

    Args:
        grid: The grid.
        n_agents: Number of civilian agents.
        repeats: Timed steps per engine (after one warm-up step each), alternating engines.
        seed: Seed of the signals and generators.
        engines: Engines to time (``numpy``, ``numba``); the first is the row's headline.

    Returns:
        One row of figures (those of the first engine), with ``engines``: per-engine figures.
    """
    params = Parameters(n_civilian_agents=n_agents)
    seeds = np.random.SeedSequence(seed).spawn(5)
    signals = synthetic_signals(grid, params, np.random.default_rng(seeds[0]))
    pops: dict[str, CivilianPopulation] = {}
    rngs: dict[str, dict[str, np.random.Generator]] = {}
    per: dict[str, dict[str, Any]] = {}
    for engine in engines:
        rngs[engine] = {
            name: np.random.default_rng(s)
            for name, s in zip(("victimisation", "civilians", "movement"), seeds[1:4], strict=True)
        }
        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        pop = CivilianPopulation(
            grid, params, np.random.default_rng(seeds[4]), TOTAL_PEOPLE, engine=engine
        )
        build_s = time.perf_counter() - t0
        state_traced = tracemalloc.get_traced_memory()[0]
        t0 = time.perf_counter()
        pop.step(signals, rngs[engine], dialogue=0.0)  # warm-up, also the step whose peak is traced
        warmup_s = time.perf_counter() - t0
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        pops[engine] = pop
        per[engine] = {
            "build_s": build_s,
            "warmup_s": warmup_s,
            "state_mb": state_traced / 1e6,
            "peak_mb": peak / 1e6,
            "times": [],
            "cpu": [],
        }
    for _ in range(repeats):
        for engine in engines:
            t0, c0 = time.perf_counter(), time.process_time()
            pops[engine].step(signals, rngs[engine], dialogue=0.0)
            per[engine]["times"].append(time.perf_counter() - t0)
            per[engine]["cpu"].append(time.process_time() - c0)
    first = pops[engines[0]]
    n = first.cell.size
    for engine in engines:
        f = per[engine]
        f["median_s"] = statistics.median(f["times"])
        f["cpu_s"] = statistics.median(f["cpu"])
        f["min_s"] = min(f["times"])
        f["updates_per_s"] = n / f["median_s"]
    head = per[engines[0]]
    return {
        "agents": n,
        "repeats": repeats,
        "build_s": head["build_s"],
        "median_s": head["median_s"],
        "cpu_s": head["cpu_s"],
        "min_s": head["min_s"],
        "updates_per_s": head["updates_per_s"],
        "bytes_per_agent": first.nbytes_per_agent(),
        "state_mb": head["state_mb"],
        "peak_mb": head["peak_mb"],
        "active_share": float(first.active.mean()),
        "engines": {e: {k: v for k, v in per[e].items() if k not in ("times", "cpu")} for e in per},
    }


def available_engines() -> tuple[str, ...]:
    """The engines this machine can time: numpy, and numba when it is installed."""
    return ("numpy", "numba") if compiled_kernels_available() else ("numpy",)


_KERNEL_LOAD_CHILD = """
import time
t0 = time.perf_counter()
import numba  # noqa: F401
t_numba = time.perf_counter() - t0
import numpy as np
from malisim.model.civilians import CivilianPopulation
from malisim.model.parameters import Parameters
from malisim.model.space import load_grid
import bench_civilians as b
grid = load_grid()
params = Parameters(n_civilian_agents=5000)
seeds = np.random.SeedSequence(b.SEED).spawn(5)
signals = b.synthetic_signals(grid, params, np.random.default_rng(seeds[0]))
rngs = {k: np.random.default_rng(s) for k, s in zip(("victimisation", "movement"), seeds[1:3])}
pop = CivilianPopulation(grid, params, np.random.default_rng(seeds[4]), b.TOTAL_PEOPLE,
                         engine="numba")
t0 = time.perf_counter()
pop.step(signals, rngs)
t_first = time.perf_counter() - t0
t0 = time.perf_counter()
pop.step(signals, rngs)
print(t_numba, t_first, time.perf_counter() - t0)
"""


def kernel_load_times() -> dict[str, float]:
    """Import of numba, and first step with the kernels compiled afresh and loaded from cache.

    Runs fresh interpreters with ``NUMBA_CACHE_DIR`` set to an empty folder (the first process
    compiles and writes the cache) and then to the same folder (the second loads it).
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(os.path.dirname(os.path.abspath(__file__))), env.get("PYTHONPATH", "")]
    )
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as cache:
        env["NUMBA_CACHE_DIR"] = cache
        for label in ("compile", "cached"):
            done = subprocess.run(
                [sys.executable, "-c", _KERNEL_LOAD_CHILD],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            t_numba, t_first, t_next = map(float, done.stdout.split()[-3:])
            out["import_numba_s"] = t_numba
            out[f"first_step_{label}_s"] = t_first
            out["next_step_s"] = t_next
    return out


def run_benchmark(
    sizes: Sequence[int] = DEFAULT_SIZES,
    repeats: int = 7,
    repeats_large: int = 5,
    seed: int = SEED,
    engines: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Run the civilian benchmark at each size, pinned to one core.

    Args:
        sizes: Agent counts.
        repeats: Timed steps per size below :data:`LARGE` agents.
        repeats_large: Timed steps per size at or above :data:`LARGE` agents.
        seed: Seed of the signals and generators.
        engines: Engines timed alternately (default: numpy, and numba when installed).

    Returns:
        ``{"pinning": str, "rows": [one dict per size]}``.
    """
    grid = load_grid()
    engines = tuple(engines) if engines else available_engines()
    rows = []
    with one_core() as pinning:
        for size in sizes:
            reps = repeats_large if size >= LARGE else repeats
            rows.append(bench_size(grid, size, max(reps, 1), seed, engines))
            gc.collect()
    return {"pinning": pinning, "rows": rows, "engines": engines}


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
    engines = result.get("engines", ("numpy",))
    if len(engines) > 1:
        lines.append(
            f"  engines, timed alternately (median wall s/step, CPU s/step; headline row: "
            f"{engines[0]}):"
        )
        head = f"  {'agents':>10}"
        for e in engines:
            head += f" {e + ' wall':>11} {e + ' CPU':>10} {e + ' MB':>9}"
        head += f" {engines[0] + '/' + engines[1]:>12}"
        lines.append(head)
        for r in result["rows"]:
            line = f"  {r['agents']:>10,}"
            for e in engines:
                f = r["engines"][e]
                line += f" {f['median_s']:>11.4f} {f['cpu_s']:>10.4f} {f['peak_mb']:>9.1f}"
            ratio = r["engines"][engines[0]]["median_s"] / r["engines"][engines[1]]["median_s"]
            lines.append(line + f" {ratio:>11.2f}x")
    if "kernel_load" in result:
        k = result["kernel_load"]
        lines.append(
            f"  numba kernels (5,000 agents, fresh processes): import numba "
            f"{k['import_numba_s']:.2f} s; first step compiling {k['first_step_compile_s']:.2f} s, "
            f"loading the cache {k['first_step_cached_s']:.2f} s; next step "
            f"{k['next_step_s'] * 1000:.1f} ms"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: small sizes, 1 repeat")
    parser.add_argument(
        "--engines", default=None, help="comma-separated engines (default: numpy,numba)"
    )
    parser.add_argument(
        "--kernel-load", action="store_true",
        help="also time the numba kernels' first compile and cached load (fresh processes)",
    )  # fmt: skip
    parser.add_argument("--sizes", default=None, help="comma-separated agent counts")
    args = parser.parse_args(argv)
    engines = tuple(args.engines.split(",")) if args.engines else None
    sizes = tuple(int(x) for x in args.sizes.split(",")) if args.sizes else None
    if args.quick:
        result = run_benchmark(
            sizes=sizes or (5_000, TARGET_AT_AGENTS), repeats=1, repeats_large=1, engines=engines
        )
    else:
        result = run_benchmark(sizes=sizes or DEFAULT_SIZES, engines=engines)
    if args.kernel_load:
        result["kernel_load"] = kernel_load_times()
    print(format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
