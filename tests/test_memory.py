"""Memory of a process that runs many models: finished models must be freed (issue 14).

Mesa 3.3 keeps every model that made an agent alive through the class attribute
``mesa.Agent._ids`` (mesa issue 3179), about 8 MB per full run, so a batch worker grew without
bound. The runner and the batch worker release each finished model (``MaliModel.release``);
these tests run many tiny models in this process, the way a worker does, and check that the
number of live models and the resident memory stay flat, also when runs fail.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from malisim.experiment.worker import RunTask, execute_run
from malisim.model import MaliModel
from malisim.model.space import MaliGrid
from malisim.scenario import scenario_from_dict
from malisim.scenario.runner import run_scenario

#: Runs in the worker test (the acceptance of issue 14 asks for at least 200).
N_RUNS = 200
#: Allowed growth of resident memory between run 50 and run 200, in MB. Before the fix it grew
#: by about 68 MB over those 150 runs (0.45 MB per tiny run); after it, by about 1 MB (allocator
#: noise). 20 MB is far above the noise and far below the leak.
RSS_TOLERANCE_MB = 20.0
#: More live models than this after a loop means finished models are being kept.
MAX_EXTRA_LIVE = 2

STATM = Path("/proc/self/statm")


def tiny_scenario(end: str = "2019-02") -> Any:
    """A scenario of a few months with 1,000 civilian agents."""
    return scenario_from_dict(
        {"name": "tiny", "start": "2019-01", "end": end, "params": {"n_civilian_agents": 1000}}
    )


def live_models() -> int:
    """Number of MaliModel objects alive in this process after a full garbage collection."""
    gc.collect()
    return sum(isinstance(obj, MaliModel) for obj in gc.get_objects())


def rss_mb() -> float:
    """Resident memory of this process in MB (Linux ``/proc/self/statm``)."""
    resident_pages = int(STATM.read_text().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_worker_memory_stays_flat_over_many_runs() -> None:
    scenario = tiny_scenario()
    before = live_models()
    rss: dict[int, float] = {}
    for i in range(N_RUNS):
        out = execute_run(RunTask(i, f"tiny|{i}", scenario, {}, i, True, True))
        assert out.ok, out.error
        if i + 1 in (50, N_RUNS) and STATM.exists():
            gc.collect()
            rss[i + 1] = rss_mb()
    extra = live_models() - before
    assert extra <= MAX_EXTRA_LIVE, (
        f"{extra} models are still alive after {N_RUNS} worker runs: a finished model is kept "
        "(Mesa's Agent._ids?); release it with MaliModel.release() once its outputs are taken"
    )
    if rss:
        growth = rss[N_RUNS] - rss[50]
        assert growth < RSS_TOLERANCE_MB, (
            f"resident memory grew by {growth:.1f} MB between run 50 and run {N_RUNS} "
            f"(tolerance {RSS_TOLERANCE_MB} MB): something keeps each run's data alive"
        )


def test_runner_frees_each_model(subgrid: MaliGrid) -> None:
    scenario = tiny_scenario()
    before = live_models()
    for seed in range(30):
        result = run_scenario(scenario, seed, grid=subgrid)
        assert len(result.series) > 0
    extra = live_models() - before
    assert extra <= MAX_EXTRA_LIVE, (
        f"{extra} models are still alive after 30 calls of run_scenario: it must release the "
        "model once the outputs are taken"
    )


def test_failing_runs_free_their_models(subgrid: MaliGrid, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_step(self: MaliModel) -> None:
        raise RuntimeError("boom in step")

    monkeypatch.setattr(MaliModel, "step", broken_step)
    scenario = tiny_scenario()
    before = live_models()
    for i in range(10):
        out = execute_run(RunTask(i, f"tiny|{i}", scenario, {}, i, False, False))
        assert not out.ok and out.error == "RuntimeError: boom in step"
        with pytest.raises(RuntimeError, match="boom in step"):
            run_scenario(scenario, i, grid=subgrid)
    extra = live_models() - before
    assert extra <= MAX_EXTRA_LIVE, (
        f"{extra} models of failed runs are still alive: the runner and the worker must "
        "release the model also when the run raises"
    )


class FailingPolicy:
    """A policy whose set-up raises (as a policy with a bad configuration might)."""

    def initialize(self, model: Any) -> None:
        raise ValueError("bad policy")

    def step(self, model: Any) -> None:  # pragma: no cover - never reached
        pass

    def finalize(self, model: Any) -> None:  # pragma: no cover - never reached
        pass


def test_model_whose_policy_setup_fails_is_freed(make_model: Callable[..., MaliModel]) -> None:
    before = live_models()
    for seed in range(5):
        with pytest.raises(ValueError, match="bad policy"):
            make_model(seed=seed, end="2019-02", policies=[FailingPolicy()], n_civilian_agents=1000)
    extra = live_models() - before
    assert extra <= MAX_EXTRA_LIVE, (
        f"{extra} half-built models are still alive: MaliModel.__init__ must release itself "
        "when a policy's initialize raises"
    )


def test_release_keeps_read_outs_and_is_idempotent(
    make_model: Callable[..., MaliModel],
) -> None:
    before = live_models()
    with make_model(seed=3, end="2019-03", n_civilian_agents=1000) as model:
        model.run()
        summary = model.summary()
    model.release()  # a second release does nothing
    assert model.summary() == summary
    assert len(model.series()) > 0
    del model
    assert live_models() <= before
