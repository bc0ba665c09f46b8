"""Benchmark: building the HTML report of a results folder (``malisim report``).

Runs the smoke experiment once (``experiments/smoke.yaml``: 2 scenarios x 3 replicates, series
and event logs kept), or takes a results folder given with ``--results``, then times
:func:`malisim.report.write_report` on it:

* ``report, all figures``: the comparison, the documented figures, fan charts, distributions
  and maps (what ``malisim report`` writes);
* ``report, no maps``: the same without the maps (``maps=False``);
* ``compare only``: :func:`malisim.analysis.compare` of the folder, the report's statistics.

Also prints the report's size. Target (printed, never asserted in tests): the full report in
at most 30 s on the smoke experiment.

``--against DIR`` (another checkout, e.g. ``git worktree add /tmp/wt-old dbb97db``) times the
three builds on this tree and on ``DIR`` alternately, each in a fresh process that runs the
smoke experiment with its own code first (:mod:`alternate`), ``--rounds`` times, and prints the
medians of both with the ratio, wall time and CPU time side by side. The CPU time counts the
report's worker process (it draws some of the fan charts, :mod:`malisim.report.figure_worker`)
with this one's.

Run: ``python benchmarks/bench_report.py [--quick] [--results DIR] [--against DIR [--rounds N]]``.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "benchmarks") not in sys.path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
SMOKE = ROOT / "experiments" / "smoke.yaml"
TARGET_S = 30.0


def _time(fn: Callable[[], object], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _row(label: str, values: list[float], target: float | None = None) -> None:
    med, top = statistics.median(values), max(values)
    mark = ""
    if target is not None:
        mark = f"   target <= {target:.0f} s: {'met' if med <= target else 'MISSED'}"
    print(f"  {label:<24} {med:8.2f} {top:8.2f}{mark}")


def smoke_results(folder: Path, smoke: Path = SMOKE) -> Path:
    """Run the smoke experiment into ``folder`` (keeping event logs, as the report test does)."""
    import malisim
    from malisim.experiment import load_experiment

    exp = dataclasses.replace(load_experiment(smoke), keep_events=True)
    out = folder / "results"
    malisim.run_experiment(exp, out, executor="local", workers=2, progress="none")
    return out


def child_figures(root: Path, repeats: int) -> dict[str, list[float]]:
    """The three builds timed on the code imported (``--child`` mode): wall and CPU seconds.

    The smoke experiment of ``root`` is run first with the same code (not timed), so that each
    version reads results it wrote itself.
    """
    from malisim.analysis import compare
    from malisim.report import write_report

    out: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        work = Path(tmp)
        results = smoke_results(work, root / "experiments" / "smoke.yaml")
        report = work / "report.html"
        builds: tuple[tuple[str, Callable[[], object]], ...] = (
            ("report, all figures", lambda: write_report(results, report)),
            ("report, no maps", lambda: write_report(results, report, maps=False)),
            ("compare only", lambda: compare(results)),
        )
        for label, fn in builds:
            for _ in range(repeats):
                c0, t0 = _cpu_seconds(), time.perf_counter()
                fn()
                out.setdefault(label, []).append(time.perf_counter() - t0)
                out.setdefault(f"{label} (CPU)", []).append(_cpu_seconds() - c0)
    return out


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the report's fan-chart worker)."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def main(argv: list[str] | None = None) -> int:
    import alternate  # benchmarks/alternate.py (the folder is on the path, above)

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="one build of each instead of three")
    parser.add_argument("--results", help="a results folder (default: run the smoke experiment)")
    alternate.add_against_arguments(parser, rounds=3)
    args = parser.parse_args(argv)
    repeats = 1 if args.quick else 3
    if args.child:
        print(json.dumps(child_figures(args.root, repeats)))
        return 0
    if args.against is not None:
        rounds = 1 if args.quick else args.rounds
        print(f"== report: this tree against {args.against}, {rounds} alternate round(s) ==")
        extra = ["--quick"] * args.quick
        results = alternate.run_alternately(Path(__file__), args.against, rounds, extra)
        print(alternate.format_alternate(results, args.against, unit="s", scale=1.0))
        return 0

    from malisim.analysis import compare
    from malisim.report import write_report

    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        work = Path(tmp)
        t0 = time.perf_counter()
        results = Path(args.results) if args.results else smoke_results(work)
        made = time.perf_counter() - t0
        out = work / "report.html"
        print(
            f"== report: {results if args.results else 'smoke experiment'}, {repeats} build(s) =="
        )
        if not args.results:
            print(f"  (smoke experiment run in {made:.1f} s, not counted)")
        print(f"  {'(s per build)':<24} {'median':>8} {'max':>8}")
        _row("report, all figures", _time(lambda: write_report(results, out), repeats), TARGET_S)
        size = out.stat().st_size
        _row("report, no maps", _time(lambda: write_report(results, out, maps=False), repeats))
        _row("compare only", _time(lambda: compare(results), repeats))
        print(f"  report size: {size / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
