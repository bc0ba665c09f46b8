"""Benchmark: one full replicate of the model, 2019-01 to 2026-12, on the full grid.

Each replicate runs in a fresh Python subprocess (this file with ``--child``), so every run pays
the same cold costs a user's ``malisim run`` pays, and its memory is measured alone. The child
reports:

* ``import_s``: importing malisim and its dependencies (mesa, pandas, pyarrow, scipy);
* ``build_s``: building the :class:`~malisim.model.MaliModel` (grid load, civilians, actors);
* ``run_s``: stepping it to the end month, with the per-phase wall time of
  ``MaliModel.phase_seconds`` for every phase of ``malisim.model.mali_model.PHASES``;
* ``build_cpu_s`` / ``run_cpu_s``: the CPU time (``time.process_time``) of the same two steps,
  beside their wall time: on a shared machine wall time above CPU time is time spent waiting
  for a core, not work of the model;
* ``collect_s``: turning it into outputs (series, events, summary, people accounting);
* ``write_s``: :func:`malisim.scenario.runner.write_run` into a temporary folder (Parquet + JSON);
* ``rss_base_mb``: resident memory after the imports (``VmRSS`` of ``/proc/self/status``);
* ``peak_rss_mb`` / ``peak_rss_run_mb``: the child's own peak resident set size at the end, and
  before writing the outputs: ``VmHWM`` of ``/proc/self/status`` (``ru_maxrss`` only where
  ``/proc`` is missing: on Linux a child's ``ru_maxrss`` includes its parent's resident size at
  fork). This is the whole process: interpreter, imported libraries, model, outputs.

Replicate ``i`` uses seed ``seed + i``. Figures are medians over the runs. Targets (printed, never
asserted in tests): build + run <= 1.0 s median, peak RSS <= 300 MB.

``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/wt-old b90ffda``) times one
replicate on this tree and on ``DIR`` alternately, ``--rounds`` times, each in a fresh process,
and prints the medians and the ratio this tree / the other (build + run wall and CPU time, and
every phase): the figure behind "N times faster than commit X".

``--agents N`` sets the number of civilian agents (the ``n_civilian_agents`` parameter): at
1,000,000 the target is one replicate (build + run) in under 6 s (issue 21).

Run: ``python benchmarks/bench_model.py [--quick] [--runs N] [--agents N]
[--against DIR [--rounds N]]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

DEFAULT_START = "2019-01"
DEFAULT_END = "2026-12"
TARGET_SECONDS: float = 1.0
TARGET_PEAK_MB: float = 300.0
#: The model's default number of civilian agents (the targets above apply to it).
DEFAULT_AGENTS: int = 50_000
#: From this many agents the 1M-agent target applies (issue 21: one replicate in under 6 s).
MILLION_AGENTS: int = 1_000_000
TARGET_MILLION_SECONDS: float = 6.0
#: Marker of the child's result line on stdout.
RESULT_PREFIX = "BENCH_MODEL_RESULT "


def _status_mb(field: str) -> float:
    """A memory figure of this process from ``/proc/self/status`` in MB (NaN if unavailable)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return float("nan")


def _peak_rss_mb() -> float:
    """Peak resident set size of this process in MB.

    ``VmHWM`` (Linux) is the high-water mark of this process's own address space since it was
    exec'd. ``getrusage(RUSAGE_SELF).ru_maxrss`` is the fallback elsewhere; on Linux it is not
    used because it carries over the parent's resident size at fork/exec (a child started from
    a parent holding 350 MB reports at least 350 MB).
    """
    hwm = _status_mb("VmHWM")
    if hwm == hwm:  # not NaN
        return hwm
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024.0 * 1024.0) if sys.platform == "darwin" else peak / 1024.0


def child(
    seed: int, start: str, end: str, engine: str = "auto", agents: int | None = None
) -> dict[str, Any]:
    """Run one replicate in this process and return its figures (see the module docstring).

    ``engine`` is the civilian step's engine (``auto``, ``numpy`` or ``numba``); a tree whose
    civilians have no choice of engine runs its only one. ``agents`` sets the number of
    civilian agents (the ``n_civilian_agents`` parameter; ``None``: the default 50,000).
    """
    import tempfile
    from pathlib import Path

    t0 = time.perf_counter()
    from malisim.model.mali_model import PHASES
    from malisim.scenario import scenario_from_dict
    from malisim.scenario.runner import RunResult, build_model, write_run

    import_s = time.perf_counter() - t0
    rss_base = _status_mb("VmRSS")

    spec: dict[str, Any] = {"name": "benchmark", "start": start, "end": end}
    if agents is not None:
        spec["params"] = {"n_civilian_agents": int(agents)}
    scenario = scenario_from_dict(spec, source="benchmark")
    t0, c0 = time.perf_counter(), time.process_time()
    model = build_model(scenario, seed)
    if engine != "auto" and hasattr(model.civilians, "set_engine"):
        model.civilians.set_engine(engine)  # numba: the import and kernel load count here
    build_s = time.perf_counter() - t0
    build_cpu_s = time.process_time() - c0

    model.phase_seconds = {}
    t0, c0 = time.perf_counter(), time.process_time()
    model.run()
    run_s = time.perf_counter() - t0
    run_cpu_s = time.process_time() - c0
    months = model.end_month - model.start_month + 1

    t0 = time.perf_counter()
    if hasattr(model, "series_columns"):  # outputs as columns (since the run path left pandas)
        outputs = {
            "series_columns": model.series_columns(),
            "events_columns": model.events_columns(),
        }
    else:  # an older tree timed with --against: its outputs are frames
        outputs = {"series": model.series(), "events": model.events_frame()}
    result = RunResult(
        scenario=scenario,
        seed=seed,
        summary=model.summary(),
        accounting=model.people_accounting(),
        **outputs,
    )
    collect_s = time.perf_counter() - t0
    peak_run = _peak_rss_mb()

    with tempfile.TemporaryDirectory(prefix="malisim-bench-") as tmp:
        t0 = time.perf_counter()
        write_run(result, Path(tmp) / "run")
        write_s = time.perf_counter() - t0
    return {
        "seed": seed,
        "months": months,
        "agents": int(model.civilians.cell.size),
        "import_s": import_s,
        "build_s": build_s,
        "run_s": run_s,
        "build_cpu_s": build_cpu_s,
        "run_cpu_s": run_cpu_s,
        "collect_s": collect_s,
        "write_s": write_s,
        "rss_base_mb": rss_base,
        "peak_rss_run_mb": peak_run,
        "peak_rss_mb": _peak_rss_mb(),
        "phases": {name: model.phase_seconds.get(name, 0.0) for name in PHASES},
        "events": len(result.events),
    }


def run_one(
    seed: int,
    start: str,
    end: str,
    timeout: float = 300.0,
    engine: str = "auto",
    agents: int | None = None,
) -> dict[str, Any]:
    """Run one replicate in a fresh subprocess and return the child's figures."""
    cmd = [
        sys.executable, os.path.abspath(__file__), "--child",
        "--seed", str(seed), "--start", start, "--end", end, "--engine", engine,
    ]  # fmt: skip
    if agents is not None:
        cmd += ["--agents", str(agents)]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0:
        raise RuntimeError(
            f"replicate subprocess failed (exit {proc.returncode}):\n{proc.stderr.strip()}"
        )
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(f"replicate subprocess printed no result:\n{proc.stdout}")


def run_benchmark(
    runs: int = 5,
    seed: int = 1,
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    engine: str = "auto",
    agents: int | None = None,
) -> dict[str, Any]:
    """Run ``runs`` replicates, each in a fresh subprocess, and summarise them.

    Args:
        runs: Number of replicates (seeds ``seed`` .. ``seed + runs - 1``).
        seed: First seed.
        start: First month.
        end: Last month.
        engine: The civilian step's engine (``auto``, ``numpy`` or ``numba``).
        agents: Civilian agents (``None``: the default 50,000).

    Returns:
        ``{"runs": [child figures], "median": {figure: median}, "phases": {phase: median s}}``.
    """
    results = [
        run_one(seed + i, start, end, engine=engine, agents=agents) for i in range(max(runs, 1))
    ]
    keys = (
        "import_s", "build_s", "run_s", "build_cpu_s", "run_cpu_s", "collect_s", "write_s",
        "rss_base_mb", "peak_rss_run_mb", "peak_rss_mb",
    )  # fmt: skip
    median = {k: statistics.median(r[k] for r in results) for k in keys}
    median["build_run_s"] = statistics.median(r["build_s"] + r["run_s"] for r in results)
    median["build_run_cpu_s"] = statistics.median(
        r["build_cpu_s"] + r["run_cpu_s"] for r in results
    )
    phase_names = list(results[0]["phases"])
    phases = {p: statistics.median(r["phases"].get(p, 0.0) for r in results) for p in phase_names}
    return {
        "start": start,
        "end": end,
        "engine": engine,
        "months": results[0]["months"],
        "agents": results[0]["agents"],
        "runs": results,
        "median": median,
        "phases": phases,
    }


def format_report(result: dict[str, Any]) -> str:
    """Format the model benchmark with its targets."""
    med = result["median"]
    n = len(result["runs"])
    lines = [
        f"one replicate {result['start']} -> {result['end']} ({result['months']} months), "
        f"full grid, {result['agents']:,} civilian agents; median of {n} run(s), "
        f"each in a fresh subprocess; civilian engine {result.get('engine', 'auto')}",
        f"  import malisim             {med['import_s']:8.3f} s  (not in the target)",
        f"  model construction         {med['build_s']:8.3f} s  (CPU {med['build_cpu_s']:.3f} s)",
        f"  model run                  {med['run_s']:8.3f} s  (CPU {med['run_cpu_s']:.3f} s)",
        f"  replicate median, build+run {med['build_run_s']:7.3f} s  "
        f"(CPU {med['build_run_cpu_s']:.3f} s; wall above CPU: waiting for a core)",
        f"  collect outputs            {med['collect_s']:8.3f} s  (series, events, summary)",
        f"  write_run                  {med['write_s']:8.3f} s  (Parquet + JSON, temp folder)",
        f"  RSS after imports          {med['rss_base_mb']:8.1f} MB",
        f"  peak RSS before writing    {med['peak_rss_run_mb']:8.1f} MB",
        f"  peak RSS (whole process)   {med['peak_rss_mb']:8.1f} MB  "
        "(VmHWM of the child, /proc/self/status)",
    ]
    if result["agents"] >= MILLION_AGENTS:  # issue 21: a replicate of 1M agents in 6 s
        ok = med["build_run_s"] < TARGET_MILLION_SECONDS
        lines.append(
            f"  target at 1,000,000 agents: < {TARGET_MILLION_SECONDS:.1f} s (build + run): "
            f"{med['build_run_s']:.3f} s ({'met' if ok else 'NOT met'})"
        )
    elif result["agents"] == DEFAULT_AGENTS:
        ok = med["build_run_s"] <= TARGET_SECONDS
        lines.append(
            f"  target: <= {TARGET_SECONDS:.1f} s median (build + run): "
            f"{med['build_run_s']:.3f} s ({'met' if ok else 'NOT met'})"
        )
        ok = med["peak_rss_mb"] <= TARGET_PEAK_MB
        lines.append(
            f"  target: <= {TARGET_PEAK_MB:.0f} MB peak: {med['peak_rss_mb']:.1f} MB "
            f"({'met' if ok else 'NOT met'})"
        )
    else:
        lines.append(f"  (targets are for {DEFAULT_AGENTS:,} and 1,000,000 agents)")
    if (result["start"], result["end"]) != (DEFAULT_START, DEFAULT_END):
        lines.append(
            f"  (targets are for {DEFAULT_START} -> {DEFAULT_END}; this period is not comparable)"
        )
    total = sum(result["phases"].values()) or 1.0
    lines.append("  per-phase time (median s over runs, share of the phases' total):")
    for name, sec in sorted(result["phases"].items(), key=lambda kv: -kv[1]):
        lines.append(f"    {name:<14} {sec:8.4f} s {sec / total:6.1%}")
    lines.append(f"    {'(all phases)':<14} {total:8.4f} s")
    return "\n".join(lines)


def alternate_figures(
    seed: int, start: str, end: str, engine: str = "auto", agents: int | None = None
) -> dict[str, list[float]]:
    """One replicate in this process, as the ``{figure: [seconds]}`` of an alternate child.

    The figures are build + run wall and CPU time, and each phase's wall time, for
    :func:`alternate.run_alternately` (``--against``).
    """
    fig = child(seed, start, end, engine, agents)
    out = {
        "replicate build+run": [fig["build_s"] + fig["run_s"]],
        "replicate build+run (CPU)": [fig["build_cpu_s"] + fig["run_cpu_s"]],
    }
    for name, sec in fig["phases"].items():
        out[f"phase {name}"] = [sec]
    return out


def main(argv: Sequence[str] | None = None) -> int:
    import alternate  # benchmarks/alternate.py (this folder is on the path of every benchmark)

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 1 replicate of 2019")
    parser.add_argument("--runs", type=int, default=5, help="replicates (default 5)")
    parser.add_argument("--seed", type=int, default=1, help="first seed (default 1)")
    parser.add_argument("--start", default=DEFAULT_START)
    parser.add_argument("--end", default=None)
    parser.add_argument(
        "--engine", default="auto", choices=("auto", "numpy", "numba"),
        help="the civilian step's engine (default auto: numpy for one replicate)",
    )  # fmt: skip
    parser.add_argument(
        "--agents", type=int, default=None,
        help="civilian agents (the n_civilian_agents parameter; default 50,000)",
    )  # fmt: skip
    parser.add_argument("--figures", action="store_true", help=argparse.SUPPRESS)
    alternate.add_against_arguments(parser, rounds=5)
    args = parser.parse_args(argv)
    end = args.end or ("2019-12" if args.quick else DEFAULT_END)
    if args.child and args.figures:
        figures = alternate_figures(args.seed, args.start, end, args.engine, args.agents)
        print(json.dumps(figures), flush=True)
        return 0
    if args.child:
        print(
            RESULT_PREFIX + json.dumps(child(args.seed, args.start, end, args.engine, args.agents)),
            flush=True,
        )
        return 0
    if args.against is not None:
        rounds = 1 if args.quick else args.rounds
        print(
            f"== one replicate {args.start} -> {end}, seed {args.seed}: this tree against "
            f"{args.against}, {rounds} alternate round(s), each in a fresh process =="
        )
        extra = ["--figures", "--seed", str(args.seed), "--start", args.start, "--end", end]
        extra += ["--engine", args.engine]
        if args.agents is not None:
            extra += ["--agents", str(args.agents)]
        results = alternate.run_alternately(Path(__file__), args.against, rounds, extra)
        print(alternate.format_alternate(results, args.against))
        return 0
    runs = 1 if args.quick else args.runs
    result = run_benchmark(
        runs=runs, seed=args.seed, start=args.start, end=end, engine=args.engine,
        agents=args.agents,
    )  # fmt: skip
    print(format_report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
