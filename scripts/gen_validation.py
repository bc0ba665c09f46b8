"""Regenerate docs/validation.md from the committed validation experiment.

Runs ``experiments/validation.yaml`` (the historical scenario, 40 replicates over the shipped
posterior) into ``results/validation`` unless a complete batch of the same experiment is there
already (``--rerun`` forces a new one), scores it against the shipped pattern set
(:func:`malisim.analysis.validation.validate_results`, the table of ``malisim score``) and
writes ``docs/validation.md`` and ``docs/validation_patterns.csv``. Rerun after any change of
model behaviour or of the pattern set (CONTRIBUTING.md).

Usage::

    python scripts/gen_validation.py [--rerun] [--workers N]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path

from malisim.analysis.validation import validate_results
from malisim.core.version import __version__
from malisim.experiment import load_results
from malisim.report.validation_markdown import validation_markdown

ROOT = Path(__file__).resolve().parents[1]
EXPERIMENT = ROOT / "experiments" / "validation.yaml"
RESULTS = ROOT / "results" / "validation"
COMMAND = "python scripts/gen_validation.py --rerun"


def main(argv: list[str] | None = None) -> int:
    """Run (or reuse) the batch, score it and write the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rerun", action="store_true", help="run the batch again")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    args = parser.parse_args(argv)
    complete = RESULTS.is_dir() and (RESULTS / "manifest.json").is_file()
    if complete:
        complete = load_results(RESULTS).complete
    seconds = float("nan")
    if args.rerun or not complete:
        if RESULTS.exists():
            shutil.rmtree(RESULTS)
        started = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "malisim.cli",
                "batch",
                str(EXPERIMENT),
                "--out",
                str(RESULTS),
                "--workers",
                str(args.workers),
            ],
            check=True,
        )
        seconds = time.perf_counter() - started
    started = time.perf_counter()
    validation = validate_results(RESULTS)
    scoring = time.perf_counter() - started
    res = load_results(RESULTS)
    what = [
        f"experiment `experiments/validation.yaml`: {res.summary.done} runs of the historical "
        "scenario (2019-01 to 2026-12), seed 20190101",
        f"malisim {res.manifest.get('malisim_version', __version__)}, git commit "
        f"{res.manifest.get('git_commit') or 'unknown'}",
        f"scoring took {scoring:.1f} s"
        + (f"; the batch {seconds:.0f} s on {args.workers} workers" if seconds == seconds else ""),
    ]
    design = res.design
    if "posterior_draw" in design.columns:
        draws = design["posterior_draw"].dropna()
        what.insert(
            1,
            f"parameters: one draw of the shipped posterior per replicate "
            f"(`malisim/data/posterior.parquet`, {draws.nunique()} distinct draws of "
            f"{len(draws)} runs), so the ranges carry parameter uncertainty and seed noise",
        )
    docs = ROOT / "docs"
    (docs / "validation.md").write_text(validation_markdown(validation, what, COMMAND))
    validation.patterns.to_csv(docs / "validation_patterns.csv", index=False)
    print(f"wrote {docs / 'validation.md'} and {docs / 'validation_patterns.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
