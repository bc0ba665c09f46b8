"""Start-up: the whole process of ``malisim run`` of one month, and of ``import malisim``.

``python -m malisim.cli run --end 2019-01 --out DIR`` (``malisim run``: the default parameters,
50,000 civilian agents, one month: the model's own work is a small part of it) is run ``--runs``
times (5) in fresh interpreters; the median wall time and the median CPU time (user + system of
the child, from ``getrusage``) are printed against the target (0.6 s, issue 21).
``python -c "import malisim"`` is timed the same way. On a shared machine the wall time counts
other processes' turns: compare the CPU time.

``PYTHONDONTWRITEBYTECODE`` set in the environment (as in the developers' sandbox) makes every
start compile malisim's sources again (about 0.06 s of CPU): the benchmark says when it is set.

Usage::

    python benchmarks/bench_startup.py             # 5 runs
    python benchmarks/bench_startup.py --runs 11
    python benchmarks/bench_startup.py --quick     # 2 runs (smoke)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Whole-process wall time of a one-month ``malisim run`` (issue 21).
TARGET_S = 0.6
#: The command timed, after ``python``; ``{out}`` is replaced by a fresh output folder.
RUN_ARGS = ("-m", "malisim.cli", "run", "--end", "2019-01", "--out", "{out}")
IMPORT_ARGS = ("-c", "import malisim")


def _environ() -> dict[str, str]:
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def time_process(args: tuple[str, ...], tmp: Path, index: int) -> dict[str, float]:
    """Wall and CPU seconds of one fresh ``python <args>`` (its output discarded)."""
    argv = [sys.executable, *(a.replace("{out}", str(tmp / f"run_{index}")) for a in args)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=_environ(), cwd=tmp)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu}


def measure(args: tuple[str, ...], runs: int) -> dict[str, Any]:
    """Median (and min, max) wall and CPU time of ``runs`` fresh processes."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = [time_process(args, Path(tmp), i) for i in range(runs)]
    walls = [r["wall_s"] for r in rows]
    cpus = [r["cpu_s"] for r in rows]
    return {
        "runs": runs,
        "wall_s": statistics.median(walls),
        "cpu_s": statistics.median(cpus),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "load average": os.getloadavg()[0],
    }


def run_benchmark(runs: int = 5) -> dict[str, Any]:
    """Time ``malisim run`` of one month and ``import malisim``."""
    return {
        "run": measure(RUN_ARGS, runs),
        "import": measure(IMPORT_ARGS, runs),
        "bytecode cache off": bool(os.environ.get("PYTHONDONTWRITEBYTECODE")),
    }


def format_report(result: dict[str, Any]) -> str:
    """The medians with the target."""
    run, imp = result["run"], result["import"]
    met = "met" if run["wall_s"] < TARGET_S else "MISSED"
    lines = [
        f"Start-up: whole process, median of {run['runs']} fresh interpreters "
        "(wall well above CPU means other processes shared the cores)",
        f"  malisim run --end 2019-01 (defaults, 50,000 agents): {run['wall_s']:.3f} s wall "
        f"(min {run['wall_min_s']:.3f}, max {run['wall_max_s']:.3f}), {run['cpu_s']:.3f} s CPU "
        f"(target < {TARGET_S} s wall: {met}; CPU {'<' if run['cpu_s'] < TARGET_S else '>='} "
        f"{TARGET_S} s); load average {run['load average']:.1f}",
        f"  python -c 'import malisim': {imp['wall_s']:.3f} s wall, {imp['cpu_s']:.3f} s CPU",
    ]
    if result["bytecode cache off"]:
        lines.append(
            "  (PYTHONDONTWRITEBYTECODE is set: every start compiles malisim's sources again, "
            "about 0.06 s of CPU an installed package does not pay)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per figure (5)")
    parser.add_argument("--quick", action="store_true", help="smoke run (2 processes)")
    args = parser.parse_args(argv)
    print(format_report(run_benchmark(2 if args.quick else args.runs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
