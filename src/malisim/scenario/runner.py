"""Running one replicate of a resolved scenario and writing its outputs.

:func:`run_scenario` builds a :class:`~malisim.model.MaliModel` from a resolved scenario and a
seed, runs it and releases it (so one process can run many); :func:`write_run` writes
``series.parquet``, ``events.parquet`` and ``summary.json`` into a folder atomically (everything
is written into a temporary sibling folder which is renamed at the end, so an interrupted or
failed run never leaves a half-written folder).
The same scenario, seed and package version give the same bytes.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from malisim.core.errors import UserError
from malisim.core.version import __version__
from malisim.model import MaliModel
from malisim.scenario.resolve import ResolvedScenario


@dataclass
class RunResult:
    """Outputs of one run.

    Attributes:
        scenario: The resolved scenario that was run.
        seed: The run's seed.
        series: Monthly national and per-region outcomes.
        events: The ACLED-style event log.
        summary: Run-level scalars.
        accounting: Terms of the people-conservation identity.
    """

    scenario: ResolvedScenario
    seed: int
    series: pd.DataFrame
    events: pd.DataFrame
    summary: dict[str, float]
    accounting: dict[str, float] = field(default_factory=dict)

    def summary_document(self) -> dict[str, Any]:
        """The content of ``summary.json``: scalars, seed, scenario, parameters, version."""
        return {
            "malisim_version": __version__,
            "scenario": self.scenario.name,
            "seed": self.seed,
            "start": self.scenario.start,
            "end": self.scenario.end,
            "outcomes": self.summary,
            "people_accounting": self.accounting,
            "parameters": self.scenario.parameters.model_dump(),
            "policies": [p.to_dict() for p in self.scenario.policies],
        }


def build_model(scenario: ResolvedScenario, seed: int, **kwargs: Any) -> MaliModel:
    """Build the model of a resolved scenario with fresh policy instances.

    Args:
        scenario: The resolved scenario.
        seed: The run's seed.
        **kwargs: Passed to :class:`MaliModel` (e.g. ``grid`` for tests).

    Returns:
        A model ready to run. Release it when finished (``with build_model(...) as model:`` or
        :meth:`MaliModel.release`), or Mesa keeps it alive for the life of the process.
    """
    policies = [type(p).model_validate(p.model_dump()) for p in scenario.policies]
    return MaliModel(
        seed=seed,
        start=scenario.start,
        end=scenario.end,
        policies=policies,
        **kwargs,
        **scenario.parameters.model_dump(),
    )


def run_scenario(scenario: ResolvedScenario, seed: int, **kwargs: Any) -> RunResult:
    """Run one replicate of a scenario.

    Args:
        scenario: The resolved scenario.
        seed: The run's seed (non-negative integer).
        **kwargs: Passed to :class:`MaliModel`.

    Returns:
        The run's series, events and summary.
    """
    with build_model(scenario, seed, **kwargs) as model:  # released at the end, also on error
        model.run()
        return RunResult(
            scenario=scenario,
            seed=seed,
            series=model.series(),
            events=model.events_frame(),
            summary=model.summary(),
            accounting=model.people_accounting(),
        )


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame to Parquet deterministically (no index, fixed options)."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd", write_statistics=False)


def write_run(result: RunResult, out_dir: str | Path, overwrite: bool = False) -> Path:
    """Write a run's outputs into ``out_dir`` atomically.

    Args:
        result: The run's outputs.
        out_dir: Destination folder; must not exist, or be empty, unless ``overwrite``.
        overwrite: Replace an existing folder.

    Returns:
        The folder written.

    Raises:
        UserError: If the folder exists and is not empty (and ``overwrite`` is false), or
            cannot be written.
    """
    out = Path(out_dir)
    check_output_dir(out, overwrite)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes 0700; give the folder the usual permissions
    try:
        write_parquet(result.series, tmp / "series.parquet")
        write_parquet(result.events, tmp / "events.parquet")
        (tmp / "summary.json").write_text(
            json.dumps(result.summary_document(), indent=2, sort_keys=True, default=float) + "\n",
            encoding="utf-8",
        )
        if out.exists():
            shutil.rmtree(out)
        os.replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def check_output_dir(out: Path, overwrite: bool) -> None:
    """Refuse an output folder that would lose existing work.

    Raises:
        UserError: If ``out`` is a file, or a non-empty folder and ``overwrite`` is false.
    """
    if out.exists() and not out.is_dir():
        raise UserError("output path exists and is a file", file=str(out))
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise UserError(
            "output folder exists and is not empty; choose another --out or pass --overwrite",
            file=str(out),
        )
