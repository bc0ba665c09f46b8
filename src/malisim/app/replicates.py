"""Running replicates of the page's settings in local processes, with progress.

Each replicate is a full run of the scenario with its own seed (``replicate_seed(seed, i)``) in
a worker process started with the ``spawn`` method (safe under a threaded web server). Only the
national monthly series the fan chart needs come back.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from malisim.core.rng import replicate_seed

#: National outcomes kept from each replicate.
KEPT_OUTCOMES: tuple[str, ...] = (
    "civilian_fatalities",
    "idps",
    "refugees",
    "control_state",
    "junta_approval",
    "gdp_index",
)


@dataclass
class ReplicateResult:
    """Outcomes of replicates, aligned by month.

    Attributes:
        months: Month indices (length T).
        runs: Outcome name -> array (replicates, T).
        seeds: Seed of each replicate.
        cancelled: Whether the batch was stopped before every replicate finished.
    """

    months: np.ndarray
    runs: dict[str, np.ndarray]
    seeds: list[int]
    cancelled: bool = False

    @property
    def n(self) -> int:
        """Number of replicates that finished."""
        return len(self.seeds)


def run_one(scenario_data: dict[str, Any], seed: int) -> dict[str, np.ndarray]:
    """Run one replicate of a scenario mapping; return its national series (worker function)."""
    from malisim.app.render import national_history
    from malisim.scenario import scenario_from_dict
    from malisim.scenario.runner import build_model

    scenario = scenario_from_dict(scenario_data, source="<page settings>")
    with build_model(scenario, seed) as model:  # released when done (worker processes loop)
        history = national_history(model.run())
        return {name: np.asarray(history[name], dtype=float) for name in (*KEPT_OUTCOMES, "month")}


def run_replicates(
    scenario_data: dict[str, Any],
    seed: int,
    n: int,
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
) -> ReplicateResult:
    """Run ``n`` replicates of a scenario mapping in local worker processes.

    Args:
        scenario_data: A scenario mapping (:func:`malisim.app.settings.scenario_dict`).
        seed: Root seed; replicate ``i`` runs with ``replicate_seed(seed, i)``.
        n: Number of replicates (at least 1).
        workers: Worker processes (default: the number of CPUs, at most ``n``).
        progress: Called with ``(done, n)`` after each replicate (and once with ``(0, n)``).
        cancel: When set, replicates not yet started are dropped and the function returns
            what finished.

    Returns:
        The finished replicates, in seed order.
    """
    if n < 1:
        raise ValueError("n must be at least 1")
    seeds = [replicate_seed(seed, i) for i in range(n)]
    workers = max(1, min(workers or os.cpu_count() or 1, n))
    results: dict[int, dict[str, np.ndarray]] = {}
    if progress:
        progress(0, n)
    cancelled = False
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=ctx) as pool:
        pending = {pool.submit(run_one, scenario_data, s): i for i, s in enumerate(seeds)}
        while pending:
            done, _ = wait(list(pending), timeout=0.25, return_when=FIRST_COMPLETED)
            for fut in done:
                i = pending.pop(fut)
                results[i] = fut.result()
                if progress:
                    progress(len(results), n)
            if cancel is not None and cancel.is_set():
                cancelled = True
                for fut in pending:
                    fut.cancel()
                break
    order = sorted(results)
    if not order:
        return ReplicateResult(np.zeros(0, int), {k: np.zeros((0, 0)) for k in KEPT_OUTCOMES}, [])
    months = results[order[0]]["month"].astype(int)
    runs = {k: np.vstack([results[i][k] for i in order]) for k in KEPT_OUTCOMES}
    return ReplicateResult(months, runs, [seeds[i] for i in order], cancelled)
