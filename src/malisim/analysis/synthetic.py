"""Synthetic results folders, for tests and benchmarks of the analysis (no model run).

:func:`write_results` writes a complete results folder in the layout of
:mod:`malisim.experiment.store` (manifest, design, status log, consolidated outcomes and,
optionally, series and events) from DataFrames, so that :func:`malisim.load_results` reads it
like the output of a batch. The values mean nothing: they only exercise the analysis.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from malisim.core.calendar import DEFAULT_END, DEFAULT_START
from malisim.core.version import __version__

#: Chunk name the status log's ``done`` records point to.
_CHUNK = "s001-00000"


def synthetic_outcomes(
    scenarios: Sequence[str] = ("historical", "no_wagner"),
    replicates: int = 20,
    outcomes: Sequence[str] = ("civilian_fatalities_total", "idps_end"),
    shifts: dict[str, float] | None = None,
    seed: int = 0,
    noise: float = 0.1,
) -> pd.DataFrame:
    """An outcomes table under common random numbers.

    Replicate k of every scenario shares a seed effect; scenario s adds ``shifts[s]`` (a
    relative shift) and a small noise of its own.

    Returns:
        run_id, scenario, point_id, replicate, seed and one column per outcome.
    """
    rng = np.random.default_rng(seed)
    shifts = shifts or {}
    shared = rng.lognormal(0.0, 0.3, size=(replicates, len(outcomes))) * 1000.0
    frames = []
    for s in scenarios:
        own = rng.normal(0.0, noise, size=(replicates, len(outcomes)))
        values = shared * (1.0 + shifts.get(s, 0.0) + own)
        frame = pd.DataFrame(values, columns=list(outcomes))
        frame.insert(0, "seed", 1000 + np.arange(replicates))
        frame.insert(0, "replicate", np.arange(replicates))
        frame.insert(0, "point_id", "base")
        frame.insert(0, "scenario", s)
        frame.insert(0, "run_id", [f"{s}|base|{k}" for k in range(replicates)])
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def write_results(
    path: str | Path,
    outcomes: pd.DataFrame,
    *,
    name: str = "synthetic",
    start: str = DEFAULT_START,
    end: str = DEFAULT_END,
    series: pd.DataFrame | None = None,
    events: pd.DataFrame | None = None,
    policies: dict[str, list[dict[str, Any]]] | None = None,
) -> Path:
    """Write a complete results folder from tables.

    Args:
        path: The folder (created).
        outcomes: run_id, scenario, point_id, replicate, seed, outcome columns (design order).
        name: Experiment name.
        start: First month of every scenario.
        end: Last month of every scenario.
        series: Optional series table (run_id, scenario, point_id, replicate, date, region, ...).
        events: Optional events table (id columns, then event columns).
        policies: Optional policies of each scenario (for the timeline of the plots).

    Returns:
        The folder.
    """
    root = Path(path)
    root.mkdir(parents=True, exist_ok=True)
    scenarios = list(dict.fromkeys(outcomes["scenario"].astype(str)))
    points = list(dict.fromkeys(outcomes["point_id"].astype(str)))
    replicates = int(outcomes.groupby(["scenario", "point_id"]).size().max())
    keep = {"series": series is not None, "events": events is not None}
    manifest: dict[str, Any] = {
        "format": "malisim-results/1",
        "experiment_name": name,
        "experiment_file": None,
        "experiment_hash": "synthetic",
        "malisim_version": __version__,
        "versions": {"malisim": __version__},
        "git_commit": None,
        "host": "synthetic",
        "created": "2024-01-01T00:00:00+00:00",
        "completed": "2024-01-01T00:00:00+00:00",
        "runs": len(outcomes),
        "experiment": {
            "name": name,
            "scenarios": [
                {
                    "name": s,
                    "description": f"synthetic scenario {s}",
                    "start": start,
                    "end": end,
                    "params": {},
                    "policies": (policies or {}).get(s, []),
                }
                for s in scenarios
            ],
            "points": [{"point_id": p, "params": {}} for p in points],
            "replicates": replicates,
            "seed": 1,
            "keep": keep,
            "description": "synthetic results for tests and benchmarks",
        },
        "sessions": [],
        "history": [],
    }
    (root / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    ids = outcomes[["run_id", "scenario", "point_id", "replicate", "seed"]].copy()
    design = pd.DataFrame(
        {
            "index": np.arange(len(ids), dtype=np.int64),
            "run_id": ids["run_id"].astype(str).to_numpy(),
            "scenario": ids["scenario"].astype(str).to_numpy(),
            "point_id": ids["point_id"].astype(str).to_numpy(),
            "replicate": ids["replicate"].astype(np.int64).to_numpy(),
            "seed": ids["seed"].astype(np.int64).to_numpy(),
            "fingerprint": "synthetic",
        }
    )
    pq.write_table(pa.Table.from_pandas(design, preserve_index=False), root / "design.parquet")
    lines = [{"event": "session", "time": manifest["created"]}]
    lines += [
        {"event": "done", "run": r, "fp": "synthetic", "chunk": _CHUNK, "rg": i}
        for i, r in enumerate(design["run_id"])
    ]
    lines.append({"event": "complete", "time": manifest["completed"]})
    (root / "status.jsonl").write_text(
        "".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8"
    )
    tables = {"outcomes": outcomes, "series": series, "events": events}
    for table, frame in tables.items():
        if frame is None:
            continue
        (root / table).mkdir(exist_ok=True)
        (root / table / f"{_CHUNK}.parquet").write_bytes(b"")  # named by the status log
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), root / f"{table}.parquet")
    return root
