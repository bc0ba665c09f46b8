"""Running one replicate of a resolved scenario and writing its outputs.

:func:`run_scenario` builds a :class:`~malisim.model.MaliModel` from a resolved scenario and a
seed, runs it and releases it (so one process can run many). :func:`write_run` writes one run's
``series.parquet``, ``events.parquet`` and ``summary.json`` into a folder; :func:`write_replicates`
writes several runs as ``replicate_000``, ``replicate_001``, ... subfolders of one folder. Both
write atomically through :func:`staged_folder`: everything goes into a temporary sibling folder
that replaces the destination only once it is complete (an existing destination, with
``overwrite``, is removed only at that moment), so an interrupted or failed run leaves neither a
half-written folder nor a temporary one, and the destination as it was.
The same scenario, seed and package version give the same bytes. A run keeps its series and
events as numpy columns and writes them without pandas where :mod:`malisim.scenario.tables`
reproduces pandas' files (pandas 3); its DataFrames are built on first use.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from malisim.core.errors import UserError
from malisim.core.folders import check_folder_path
from malisim.core.version import __version__
from malisim.model import MaliModel
from malisim.scenario.resolve import ResolvedScenario

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    import pandas as pd


@dataclass
class RunResult:
    """Outputs of one run.

    Attributes:
        scenario: The resolved scenario that was run.
        seed: The run's seed.
        series_columns: The monthly series as numpy columns (:meth:`MaliModel.series_columns`).
        events_columns: The event log as numpy columns, None when the run had no event
            (:meth:`MaliModel.events_columns`).
        summary: Run-level scalars.
        accounting: Terms of the people-conservation identity.
    """

    scenario: ResolvedScenario
    seed: int
    series_columns: dict[str, np.ndarray]
    events_columns: dict[str, np.ndarray] | None
    summary: dict[str, float]
    accounting: dict[str, float] = field(default_factory=dict)

    @cached_property
    def series(self) -> pd.DataFrame:
        """Monthly national and per-region outcomes (built on first use)."""
        from malisim.model.outcomes import series_frame

        return series_frame(self.series_columns)

    @cached_property
    def events(self) -> pd.DataFrame:
        """The ACLED-style event log (built on first use)."""
        from malisim.model.events import events_frame

        return events_frame(self.events_columns)

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
            series_columns=model.series_columns(),
            events_columns=model.events_columns(),
            summary=model.summary(),
            accounting=model.people_accounting(),
        )


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write a DataFrame to Parquet deterministically (no index, fixed options)."""
    import pyarrow as pa  # here: only writing needs Arrow (and pyarrow.parquet, ssl among it)
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, compression="zstd", write_statistics=False)


def write_outputs(result: RunResult, folder: Path) -> None:
    """Write a run's three files into an existing folder (not atomic; see :func:`write_run`).

    The Parquet files are written from the run's columns without pandas where
    :func:`malisim.scenario.tables.pandas_free` holds (the same bytes), else from its frames.
    """
    from malisim.scenario.tables import pandas_free, write_columns

    fast = pandas_free()
    if fast:
        write_columns(result.series_columns, folder / "series.parquet")
    else:
        write_parquet(result.series, folder / "series.parquet")
    if fast and result.events_columns is not None:
        write_columns(result.events_columns, folder / "events.parquet")
    else:  # an empty log's frame has types of its own
        write_parquet(result.events, folder / "events.parquet")
    (folder / "summary.json").write_text(
        json.dumps(result.summary_document(), indent=2, sort_keys=True, default=float) + "\n",
        encoding="utf-8",
    )


def replicate_folder_name(index: int) -> str:
    """The subfolder of replicate ``index`` in :func:`write_replicates`: ``replicate_000``, ..."""
    return f"replicate_{index:03d}"


@contextmanager
def staged_folder(out_dir: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Build a folder in a temporary sibling and put it in place when the block ends cleanly.

    The block writes into the yielded empty folder (``.NAME.XXXXXXXX`` next to ``out_dir``).
    When it finishes, the folder becomes ``out_dir``; an existing ``out_dir`` (empty, or any with
    ``overwrite``) is moved aside and removed only then. When the block raises (also
    ``KeyboardInterrupt``), the temporary folder is removed and ``out_dir`` is left as it was.

    Args:
        out_dir: Destination folder; must not exist, or be empty, unless ``overwrite``.
        overwrite: Replace an existing folder.

    Yields:
        The temporary folder to write into.

    Raises:
        UserError: If the folder exists and is not empty (and ``overwrite`` is false), at the
            start or at the end of the block.
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
        yield tmp
        check_output_dir(out, overwrite)  # nothing was written into out meanwhile
        replace_folder(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def replace_folder(new: Path, out: Path) -> None:
    """Put folder ``new`` in place of ``out``; a present ``out`` is removed only once replaced.

    The old ``out`` is first renamed to a sibling of ``new`` (``NEW.old``), so that ``out`` is
    missing only between two renames; if the second fails, the old folder is renamed back.
    The old folder is removed last; if that fails, the new ``out`` stays in place.
    """
    if not out.exists():
        os.replace(new, out)
        return
    old = new.with_name(f"{new.name}.old")
    os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)


def write_run(result: RunResult, out_dir: str | Path, overwrite: bool = False) -> Path:
    """Write a run's outputs into ``out_dir`` atomically (see :func:`staged_folder`).

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
    with staged_folder(out_dir, overwrite) as tmp:
        write_outputs(result, tmp)
    return Path(out_dir)


def write_replicates(
    results: Iterable[RunResult], out_dir: str | Path, overwrite: bool = False
) -> Path:
    """Write several runs into ``out_dir/replicate_000``, ... atomically, as one folder.

    ``results`` is consumed lazily (it may run each replicate as it is asked for): replicate
    ``k`` is written into the temporary folder as soon as it arrives, and ``out_dir`` is replaced
    only after the last one (see :func:`staged_folder`). An interrupt or error while a replicate
    runs or is written leaves ``out_dir`` as it was, with none of the new replicates; with
    ``overwrite`` the new folder holds exactly the new replicates, none of an earlier run.

    Args:
        results: The runs, in replicate order.
        out_dir: Destination folder; must not exist, or be empty, unless ``overwrite``.
        overwrite: Replace an existing folder.

    Returns:
        The folder written.

    Raises:
        UserError: If the folder exists and is not empty (and ``overwrite`` is false).
    """
    with staged_folder(out_dir, overwrite) as tmp:
        for index, result in enumerate(results):
            folder = tmp / replicate_folder_name(index)
            folder.mkdir()
            write_outputs(result, folder)
    return Path(out_dir)


def check_output_dir(out: Path, overwrite: bool) -> None:
    """Refuse an output folder that would lose existing work.

    Raises:
        UserError: If ``out`` is a file or lies inside one, or is a non-empty folder and
            ``overwrite`` is false.
    """
    check_folder_path(out)
    if out.is_dir() and any(out.iterdir()) and not overwrite:
        raise UserError(
            "output folder exists and is not empty; choose another --out or pass --overwrite",
            file=str(out),
        )
