"""The local Dask cluster malisim starts: its workers run without distributed's malloc trim."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("distributed", reason="the distributed extra is part of .[dev]")

from malisim.experiment.executors import DaskExecutor


def _trim() -> str | None:
    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_local_cluster_workers_have_no_malloc_trim_threshold(monkeypatch) -> None:
    """distributed sets MALLOC_TRIM_THRESHOLD_=65536 in its workers; malisim's cluster does not.

    (With it, every numpy temporary above 64 kB is an mmap/munmap pair: the Dask executor ran
    1.7 times slower than the local pool on the same batch, issue 21.) The parent's own setting,
    if any, is inherited as usual: the test clears it so that only the cluster's config counts.
    """
    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    executor = DaskExecutor(local_workers=1)
    executor.start()
    try:
        values = executor._client.run(_trim)
        assert values and set(values.values()) == {None}, values
        # the other defaults of distributed still reach the workers (one thread of BLAS each)
        assert set(executor._client.run(lambda: os.environ.get("OMP_NUM_THREADS")).values()) == {
            "1"
        }
    finally:
        executor.close()


def test_local_cluster_workers_run_without_the_statistical_profiler() -> None:
    """The local cluster's workers do not sample their threads' stacks (no dashboard to show it).

    (The sampling thread took 3-8% of a run's CPU time; benchmarks/README.md.) The setting
    reaches the workers through the nannies' configuration, as the environment does.
    """
    import dask

    executor = DaskExecutor(local_workers=1)
    executor.start()
    try:
        values = executor._client.run(lambda: dask.config.get("distributed.worker.profile.enabled"))
        assert values and set(values.values()) == {False}, values
    finally:
        executor.close()
