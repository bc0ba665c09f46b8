"""Argument definitions shared by several commands: ``--set`` overrides, executor and progress.

Not a command group (it registers no subcommand): the command modules call these helpers so that
an option means the same, with the same name and choices, wherever it appears. The choices come
from the library (:data:`malisim.experiment.executor_kinds.EXECUTORS`,
:data:`malisim.experiment.progress.MODES`), whose modules import neither the model nor pandas.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from malisim.core.errors import UserError
from malisim.core.folders import check_folder_path
from malisim.experiment.executor_kinds import EXECUTORS
from malisim.experiment.progress import MODES


def add_overrides(parser: argparse.ArgumentParser) -> None:
    """Add ``--set KEY=VALUE`` (repeatable; collected in ``args.overrides``)."""
    parser.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a value: params.NAME=VALUE (or just NAME=VALUE for a parameter), "
        "policies.TYPE.SETTING=VALUE for a setting of the scenario's policy (e.g. "
        "policies.wagner_deployment.personnel=2000; policies.TYPE[I].SETTING when it has "
        "several), start=YYYY-MM, end=YYYY-MM, name=TEXT; may be repeated",
    )


def add_workers(parser: argparse.ArgumentParser, default: str) -> None:
    """Add ``--workers N``, the number of local worker processes.

    Args:
        parser: The subcommand's parser.
        default: What happens without the option, for the help text (e.g. ``all cores``).
    """
    parser.add_argument(
        "--workers", type=int, metavar="N", help=f"local worker processes (default: {default})"
    )


def add_executor_options(
    parser: argparse.ArgumentParser,
    *,
    default: str,
    workers_default: str,
    scheduler: bool = True,
    dask_local: bool = False,
) -> None:
    """Add where the runs are computed: ``--executor``, ``--workers`` and the Dask options.

    Args:
        parser: The subcommand's parser.
        default: The executor used without ``--executor``, for the help text.
        workers_default: The worker count used without ``--workers``, for the help text.
        scheduler: Also add ``--scheduler ADDRESS`` (a running Dask scheduler).
        dask_local: Also add ``--dask-local N`` (start a local Dask cluster).
    """
    parser.add_argument(
        "--executor", choices=EXECUTORS, help=f"where runs are computed (default: {default})"
    )
    add_workers(parser, workers_default)
    if scheduler:
        parser.add_argument(
            "--scheduler", metavar="tcp://HOST:PORT", help="address of a running Dask scheduler"
        )
    if dask_local:
        parser.add_argument(
            "--dask-local", type=int, metavar="N", help="start a local Dask cluster of N workers"
        )


def add_progress(parser: argparse.ArgumentParser, default: str, help_text: str) -> None:
    """Add ``--progress {auto,bar,log,none}``.

    Args:
        parser: The subcommand's parser.
        default: The mode used without the option.
        help_text: The option's help.
    """
    parser.add_argument("--progress", choices=MODES, default=default, help=help_text)


def check_workers(workers: int | None) -> None:
    """Reject ``--workers`` below 1 before any work starts.

    Raises:
        UserError: When ``workers`` is given and smaller than 1.
    """
    if workers is not None and workers < 1:
        raise UserError("must be at least 1", key="--workers")


def check_dask_local(dask_local: int | None) -> None:
    """Reject ``--dask-local`` below 1 before any work starts.

    Raises:
        UserError: When ``dask_local`` is given and smaller than 1.
    """
    if dask_local is not None and dask_local < 1:
        raise UserError("must be at least 1", key="--dask-local")


def check_out_folder(out: str | Path) -> None:
    """Reject an ``--out`` that is a file or lies inside one, before any work starts.

    The command line calls it before printing anything; the library's writers check again
    (:func:`malisim.core.folders.check_folder_path`).
    """
    check_folder_path(out, key="--out")
