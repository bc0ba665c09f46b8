"""Rewrite the regression baseline (``tests/baseline/baseline.json``) and print what changed.

The baseline pins the model's behaviour: for a fixed seed it runs every shipped scenario on the
full grid and one short run on the test sub-grid, and records each run's scalar outcomes and a
fingerprint (SHA-256) of its monthly series and event log. ``tests/test_baseline.py`` recomputes
them and requires exact equality, so a change that is meant to keep behaviour (a move, a
rename, a refactoring) can be checked to the last bit.

Run it only for a change that is *meant* to change the model's numbers, in a commit of its own
whose message says why, with a CHANGELOG.md line under "model behaviour changed"::

    python scripts/update_baseline.py           # rewrite and print the differences
    python scripts/update_baseline.py --check   # exit 1 if the baseline is out of date
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parent.parent
BASELINE = REPO / "tests" / "baseline" / "baseline.json"
SCENARIO_DIR = REPO / "scenarios"
#: Seed of every baseline run.
SEED = 20190101
#: The sub-grid run: the test suite's five regions, few agents, two years.
SUBGRID_REGIONS = ("Mopti", "Ségou", "Gao", "Ménaka", "Tombouctou")
SUBGRID_RUN = {"start": "2021-01", "end": "2022-12", "n_civilian_agents": 5_000}


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """SHA-256 of a table's column names, dtypes and values (independent of file formats).

    Args:
        frame: The table.

    Returns:
        The hex digest.
    """
    digest = hashlib.sha256()
    digest.update(f"{len(frame)}\n".encode())
    for name in frame.columns:
        column = frame[name]
        digest.update(f"{name}\x1f{column.dtype}\x1e".encode())
        values = column.to_numpy()
        if values.dtype.kind in "biuf":
            digest.update(np.ascontiguousarray(values.astype(values.dtype.newbyteorder("<"))))
        else:
            digest.update("\x1f".join(map(str, values)).encode())
    return digest.hexdigest()


def _record(series: pd.DataFrame, events: pd.DataFrame, scalars: dict[str, float]) -> dict:
    return {
        "series_sha256": frame_fingerprint(series),
        "events_sha256": frame_fingerprint(events),
        "series_rows": len(series),
        "events_rows": len(events),
        "scalars": {k: float(v) for k, v in sorted(scalars.items())},
    }


def compute_baseline() -> dict[str, Any]:
    """Run the baseline runs and return their records, keyed by run name."""
    from malisim.model import MaliModel
    from malisim.model.space import load_grid
    from malisim.scenario import load_scenario
    from malisim.scenario.runner import run_scenario

    runs: dict[str, Any] = {}
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        scenario = load_scenario(path)
        result = run_scenario(scenario, SEED)
        runs[f"scenario:{path.stem}"] = _record(result.series, result.events, result.summary)
    grid = load_grid().subset(regions=list(SUBGRID_REGIONS))
    model = MaliModel(seed=SEED, grid=grid, **SUBGRID_RUN).run()
    runs["subgrid:default"] = _record(model.series(), model.events_frame(), model.summary())
    return {"seed": SEED, "runs": runs}


def differences(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Human-readable lines naming every difference between two baselines."""
    lines: list[str] = []
    old_runs, new_runs = old.get("runs", {}), new.get("runs", {})
    for name in sorted(set(old_runs) | set(new_runs)):
        if name not in old_runs:
            lines.append(f"{name}: new run")
            continue
        if name not in new_runs:
            lines.append(f"{name}: run removed")
            continue
        a, b = old_runs[name], new_runs[name]
        for key in ("series_sha256", "events_sha256", "series_rows", "events_rows"):
            if a.get(key) != b.get(key):
                lines.append(f"{name}: {key} {a.get(key)} -> {b.get(key)}")
        sa, sb = a.get("scalars", {}), b.get("scalars", {})
        for key in sorted(set(sa) | set(sb)):
            if sa.get(key) != sb.get(key):
                lines.append(f"{name}: {key} {sa.get(key)} -> {sb.get(key)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Rewrite the baseline (or, with ``--check``, compare with it) and print the differences."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare only; exit 1 on change")
    args = parser.parse_args(argv)
    new = compute_baseline()
    old = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    changed = differences(old, new)
    for line in changed:
        print(line)
    if args.check:
        print("baseline up to date" if not changed else f"{len(changed)} differences")
        return 1 if changed else 0
    BASELINE.parent.mkdir(parents=True, exist_ok=True)
    BASELINE.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {BASELINE.relative_to(REPO)} ({len(changed)} differences)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
