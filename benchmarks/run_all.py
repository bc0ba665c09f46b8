"""Run every malisim benchmark in one invocation and print the figures with the machine info.

Benchmarks, in order:

1. ``bench_civilians``: civilian agent updates per second at 50k, 200k and 1M agents (one core);
2. ``bench_model``: one replicate 2019-01 -> 2026-12 with the default 50,000 agents
   (wall time, peak memory, per-phase breakdown, output writing);
3. ``bench_startup``: the whole process of ``malisim run`` of one month and of
   ``import malisim`` (median wall and CPU time of fresh interpreters; target 0.6 s);
4. ``bench_epstein``: the Epstein civil-violence model on square grids (if the module exists);
5. ``bench_ui``: one step of the page (model step, map, charts, and the click on "Step 1 month"
   on the page rendered in-process, when Solara is installed), wall and CPU time;
6. ``bench_report``: the HTML report of the smoke experiment (all figures, no maps, the
   comparison alone), wall and CPU time.

``bench_ui.py --against DIR`` and ``bench_report.py --against DIR`` set this tree beside another
checkout, measured alternately (see :mod:`alternate`); ``run_all.py`` times this tree only.

Usage::

    python benchmarks/run_all.py            # full run (a few minutes at most)
    python benchmarks/run_all.py --quick    # smoke run (seconds): checks the scripts still work
    python benchmarks/run_all.py --history /tmp/h   # records elsewhere (default benchmarks/history)

Each benchmark's headline figures (medians, CPU time beside wall time, peak memory, rates) are
appended as one JSON record (commit, date, machine, figures) to ``<history>/<benchmark>.jsonl``
(:mod:`history`), and printed beside the last earlier record of the same benchmark in the same
mode with the ratio now / previous; ``--no-history`` does neither.

The exit status is 0 when every benchmark ran and 1 when any raised (its traceback is printed and
the others still run). Targets are printed beside the figures; missing one does not change the
exit status.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import importlib  # noqa: E402
import importlib.util  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections.abc import Callable, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import history  # noqa: E402  (benchmarks/history.py, found through the path above)


def cpu_model() -> str:
    """CPU model name from ``/proc/cpuinfo`` (or ``platform.processor()``)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def git_revision() -> str:
    """Short commit of the working tree, with ``+dirty`` when it has changes (or ``unknown``)."""
    return history.commit_of(HERE)


def machine_info() -> dict[str, str]:
    """Machine and software versions the figures depend on."""
    import numpy as np

    import malisim

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        from importlib.metadata import version

        mesa_version = version("mesa")
    except Exception:  # pragma: no cover - metadata missing
        mesa_version = "unknown"
    return {
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "numpy": np.__version__,
        "mesa": mesa_version,
        "malisim": f"{malisim.__version__} (git {git_revision()})",
        "platform": platform.platform(),
        "cpu": cpu_model(),
        "nproc": f"{os.cpu_count()} (usable by this process: {usable})",
        "threads": "OMP_NUM_THREADS={} OPENBLAS_NUM_THREADS={}".format(
            os.environ.get("OMP_NUM_THREADS"), os.environ.get("OPENBLAS_NUM_THREADS")
        ),
    }


def format_rows(rows: Sequence[dict[str, Any]]) -> str:
    """Format a list of dicts as a plain table (columns: union of keys, first-seen order)."""
    if not rows:
        return "  (no rows)"
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)

    def cell(value: Any) -> str:
        if isinstance(value, bool) or value is None:
            return str(value)
        if isinstance(value, int):
            return f"{value:,}"
        if isinstance(value, float):
            return f"{value:,.0f}" if abs(value) >= 1e4 else f"{value:.4g}"
        if isinstance(value, list | tuple):
            return "x".join(str(v) for v in value)
        return str(value)

    table = [[cell(row.get(c, "")) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in table)) for i, c in enumerate(columns)]
    lines = ["  " + " ".join(c.rjust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  " + " ".join(v.rjust(w) for v, w in zip(r, widths, strict=True)) for r in table]
    return "\n".join(lines)


def _civilians(quick: bool) -> tuple[str, dict[str, float]]:
    import bench_civilians

    if quick:
        result = bench_civilians.run_benchmark(sizes=(5_000, 20_000), repeats=1, repeats_large=1)
    else:
        result = bench_civilians.run_benchmark()
    figures: dict[str, float] = {}
    for row in result["rows"]:
        n = row["agents"]
        figures[f"median_s_per_step@{n}"] = row["median_s"]
        figures[f"cpu_s_per_step@{n}"] = row["cpu_s"]
        figures[f"updates_per_s@{n}"] = row["updates_per_s"]
        figures[f"peak_mb@{n}"] = row["peak_mb"]
        compiled = row["engines"].get("numba")
        if compiled is not None:  # the compiled engine, timed alternately with numpy
            figures[f"numba_median_s_per_step@{n}"] = compiled["median_s"]
            figures[f"numba_cpu_s_per_step@{n}"] = compiled["cpu_s"]
    return bench_civilians.format_report(result), figures


def _model(quick: bool) -> tuple[str, dict[str, float]]:
    import bench_model

    if quick:
        result = bench_model.run_benchmark(runs=1, end="2019-06")
    else:
        result = bench_model.run_benchmark(runs=5)
    med = result["median"]
    names = ("build_run_s", "build_run_cpu_s", "import_s", "write_s", "peak_rss_mb")
    figures = {name: med[name] for name in names}
    figures.update({f"phase_s:{k}": v for k, v in result["phases"].items()})
    return bench_model.format_report(result), figures


def _epstein(quick: bool) -> tuple[str, dict[str, float]]:
    if importlib.util.find_spec("bench_epstein") is None:
        return "  bench_epstein.py not present: skipped", {}
    bench_epstein = importlib.import_module("bench_epstein")
    if quick:
        rows = bench_epstein.run_benchmark(sizes=((40, 40),), steps=5, repeats=1)
    else:
        rows = bench_epstein.run_benchmark()
    figures = {f"s_per_step:{r['model']}@{r['size']}": r["seconds_per_step"] for r in rows}
    return "Epstein civil-violence model\n" + format_rows(rows), figures


def _medians_table(
    figures: dict[str, list[float]], unit: str, scale: float
) -> tuple[str, dict[str, float]]:
    """A table of median, p95 and n per figure, and the medians as history figures."""
    import statistics

    rows, out = [], {}
    for name, values in figures.items():
        ordered = sorted(values)
        med = statistics.median(ordered)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        rows.append({"figure": name, f"median {unit}": med * scale, f"p95 {unit}": p95 * scale,
                     "n": len(values)})  # fmt: skip
        out[f"{unit}:{name}"] = med * scale
    return format_rows(rows), out


def _startup(quick: bool) -> tuple[str, dict[str, float]]:
    import bench_startup

    result = bench_startup.run_benchmark(runs=2 if quick else 5)
    figures = {f"{part}_{k}": result[part][k] for part in ("run", "import")
               for k in ("wall_s", "cpu_s")}  # fmt: skip
    return bench_startup.format_report(result), figures


def _ui(quick: bool) -> tuple[str, dict[str, float]]:
    import bench_ui

    months = 12 if quick else 96
    figures = bench_ui.child_figures(bench_ui.ROOT, months, min(months, 24), seed=1)
    text, out = _medians_table(figures, "ms", 1e3)
    header = f"One step of the page, historical scenario, {months} months (per step)\n"
    return header + text, out


def _report(quick: bool) -> tuple[str, dict[str, float]]:
    import bench_report

    figures = bench_report.child_figures(bench_report.ROOT, repeats=1 if quick else 3)
    text, out = _medians_table(figures, "s", 1.0)
    return "The HTML report of the smoke experiment (per build)\n" + text, out


BENCHMARKS: tuple[tuple[str, Callable[[bool], tuple[str, dict[str, float]]]], ...] = (
    ("civilians", _civilians),
    ("model", _model),
    ("startup", _startup),
    ("epstein", _epstein),
    ("ui", _ui),
    ("report", _report),
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke run with tiny sizes and repeats"
    )
    parser.add_argument(
        "--only", action="append", choices=[name for name, _ in BENCHMARKS],
        help="run only this benchmark (may be repeated)",
    )  # fmt: skip
    parser.add_argument(
        "--history", type=Path, default=history.DEFAULT_HISTORY, metavar="DIR",
        help="folder of the JSON records (one <benchmark>.jsonl each; default: %(default)s)",
    )  # fmt: skip
    parser.add_argument(
        "--no-history", action="store_true",
        help="neither write a record nor compare with the last one",
    )  # fmt: skip
    args = parser.parse_args(argv)

    print("malisim benchmarks" + (" (--quick: smoke run, figures not meaningful)" * args.quick))
    machine = machine_info()
    commit = git_revision()
    print("machine:")
    for key, value in machine.items():
        print(f"  {key:<9} {value}")
    failed = []
    t_all = time.perf_counter()
    for name, func in BENCHMARKS:
        if args.only and name not in args.only:
            continue
        print(f"\n== {name} ==", flush=True)
        t0 = time.perf_counter()
        try:
            text, figures = func(args.quick)
            print(text)
            if not args.no_history and figures:
                record = history.make_record(name, figures, machine, args.quick, commit)
                previous = history.last_record(args.history, name, args.quick)
                print(history.compare(previous, record))
                print(f"  record: {history.append_record(args.history, record)}")
        except Exception:
            failed.append(name)
            traceback.print_exc()
            print(f"  {name}: FAILED")
        print(f"  ({name} benchmark took {time.perf_counter() - t0:.1f} s)", flush=True)
    print(f"\ntotal {time.perf_counter() - t_all:.1f} s", end="")
    print(f"; failed: {', '.join(failed)}" if failed else "; all benchmarks ran")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
