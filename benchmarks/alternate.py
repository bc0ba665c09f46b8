"""Alternate measurement: the same benchmark on this tree and another checkout, turn about.

A change is judged "not slower than commit X" only when both are timed in one session on the same
machine, alternately, so that a busy spell of a shared machine falls on both. ``bench_ui.py
--against DIR`` and ``bench_report.py --against DIR`` use :func:`run_alternately`: each round runs
the benchmark's child mode once per tree in a fresh process (``PYTHONPATH=<tree>/src``, the
tree's own scenarios), alternating which tree goes first, and collects the JSON the child prints:
``{figure: [seconds, ...]}``, wall time and CPU time (``time.process_time``) figures side by side.
:func:`format_alternate` prints the median of each figure per tree over all rounds, and the ratio
this tree / the other.

``DIR`` is any checkout of the project, for example ``git worktree add /tmp/wt-old dbb97db``.
The child runs *this* benchmark script against the other tree's code, so the figures are measured
the same way on both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import history  # benchmarks/history.py (this folder is on the path of every benchmark)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def add_against_arguments(parser: argparse.ArgumentParser, rounds: int) -> None:
    """The options of a benchmark that can time another checkout alternately with this tree.

    ``--against DIR`` and ``--rounds N`` for the user; ``--child`` and ``--root`` (hidden) for
    the fresh process :func:`run_child` starts in each tree.
    """
    parser.add_argument(
        "--against", type=Path, metavar="DIR",
        help="another checkout: time it and this tree alternately, in fresh processes",
    )  # fmt: skip
    parser.add_argument(
        "--rounds", type=int, default=rounds, help=f"rounds of --against (default {rounds})"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)


def child_env(tree: Path) -> dict[str, str]:
    """The environment of a child process measuring ``tree`` (its ``src`` first on the path)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(tree / "src")
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.setdefault(var, "1")
    return env


def run_child(script: Path, tree: Path, args: Sequence[str]) -> dict[str, list[float]]:
    """Run ``script --child --root tree *args`` on ``tree``'s code; return the JSON it prints.

    The child prints one JSON object on its last line of output.
    """
    cmd = [sys.executable, str(script), "--child", "--root", str(tree), *args]
    done = subprocess.run(
        cmd, cwd=tree, env=child_env(tree), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"benchmark child on {tree} failed ({done.returncode}):\n{done.stderr[-3000:]}"
        )
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def run_alternately(
    script: Path, other: Path, rounds: int, args: Sequence[str] = ()
) -> dict[str, dict[str, list[float]]]:
    """Run the child of ``script`` on this tree and on ``other``, alternately, ``rounds`` times.

    Round ``k`` runs this tree first when ``k`` is even, ``other`` first when it is odd.

    Returns:
        ``{"this": {figure: [seconds, ...]}, "other": {...}}``, each figure's values from every
        round concatenated.
    """
    trees = {"this": ROOT, "other": other.resolve()}
    out: dict[str, dict[str, list[float]]] = {"this": {}, "other": {}}
    for k in range(rounds):
        order = ("this", "other") if k % 2 == 0 else ("other", "this")
        for which in order:
            figures = run_child(script, trees[which], args)
            for name, values in figures.items():
                out[which].setdefault(name, []).extend(float(v) for v in values)
            print(f"  round {k + 1}/{rounds}: {which} done", flush=True)
    return out


def format_alternate(
    results: dict[str, dict[str, list[float]]], other: Path, unit: str = "ms", scale: float = 1e3
) -> str:
    """Medians per figure and tree, and the ratio this tree / the other (a table)."""
    commit = history.commit_of(other)
    lines = [
        f"  alternate: this tree ({ROOT}) against {other} ({commit}), medians in {unit}",
        f"  {'figure':<36} {'n':>4} {'other':>9} {'this':>9} {'this/other':>10}",
    ]
    for name, mine in results["this"].items():
        theirs = results["other"].get(name, [])
        a = statistics.median(mine) * scale
        if theirs:
            b = statistics.median(theirs) * scale
            ratio = f"{a / b:.3f}" if b else "-"
            lines.append(f"  {name:<36} {len(mine):>4} {b:>9.2f} {a:>9.2f} {ratio:>10}")
        else:
            lines.append(f"  {name:<36} {len(mine):>4} {'-':>9} {a:>9.2f} {'new':>10}")
    return "\n".join(lines)
