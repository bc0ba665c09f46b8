"""Shared pieces of the batch tests: a two-scenario experiment, the final tables, done counts.

The kill-and-resume and Dask tests run the same small experiment (2 scenarios x 8 replicates of
one year at 2,000 agents) in other processes and compare the final tables byte for byte.
"""

from __future__ import annotations

from pathlib import Path

#: The tables a finished batch writes (compared byte for byte between executors and sessions).
FINAL = ("design.parquet", "outcomes.parquet", "series.parquet", "events.parquet")

SCENARIOS = {
    "calm.yaml": "name: calm\nstart: 2019-01\nend: 2019-12\n",
    "wagner_early.yaml": "name: wagner_early\nstart: 2019-01\nend: 2019-12\npolicies:\n"
    "  - {type: wagner_deployment, start: 2019-03, personnel: 1500}\n",
}


def write_two_scenario_experiment(folder: Path, name: str, seed: int) -> Path:
    """Write the two scenarios and an experiment file over them (8 replicates each).

    Args:
        folder: An empty folder; ``scenarios/`` and ``<name>.yaml`` are written into it.
        name: The experiment's name.
        seed: The experiment's root seed.

    Returns:
        The experiment file.
    """
    (folder / "scenarios").mkdir()
    for scenario, text in SCENARIOS.items():
        (folder / "scenarios" / scenario).write_text(text)
    path = folder / f"{name}.yaml"
    path.write_text(
        f"name: {name}\n"
        "scenarios: [scenarios/calm.yaml, scenarios/wagner_early.yaml]\n"
        "replicates: 8\n"
        f"seed: {seed}\n"
        "params: {n_civilian_agents: 2000}\n"
        "keep: {series: true, events: true}\n"
    )
    return path


def same_bytes(a: Path, b: Path, files: tuple[str, ...] = FINAL) -> None:
    """Assert that two results folders hold byte-identical tables."""
    for name in files:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name


def done_count(out: Path) -> int:
    """Runs recorded done in a results folder's status log so far (0 before it exists)."""
    try:
        return (out / "status.jsonl").read_bytes().count(b'"event":"done"')
    except FileNotFoundError:
        return 0
