"""Commands on batch experiments: ``malisim batch``, ``status`` and ``demo``.

:func:`register` adds the three subcommands. ``batch`` runs an experiment file into a resumable
results folder and prints the outcome distributions; ``status`` reports on a results folder;
``demo`` is the README's main job (the demo experiment, then the HTML report). The batch
machinery is imported when a command runs.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from malisim.cli.options import (
    add_executor_options,
    add_progress,
    add_workers,
    check_dask_local,
    check_out_folder,
    check_workers,
)
from malisim.core.errors import UserError
from malisim.core.interrupts import sigterm_as_interrupt

#: Seconds between progress log lines without ``--log-every``.
LOG_EVERY = 30.0
#: Seconds a Dask batch waits for a worker without ``--worker-timeout`` (as the executor's,
#: malisim.experiment.executors.WORKER_TIMEOUT, which the parser does not import).
WORKER_TIMEOUT = 60.0
#: Longest time (s) finished runs wait before being committed, without ``--flush-seconds``.
FLUSH_SECONDS = 10.0
#: Longest ``--log-every`` and ``--flush-seconds`` (s): one day.
MAX_SECONDS = 86_400.0
#: The experiment that ``malisim demo`` runs (relative to the repository's top folder).
DEMO_EXPERIMENT = Path("experiments") / "demo.yaml"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``batch``, ``status`` and ``demo`` to the ``malisim`` parser."""
    batch = subparsers.add_parser(
        "batch",
        help="run an experiment: replicates of several scenarios into a resumable results folder",
        description="Run an experiment file (scenarios x design points x replicates) into a "
        "results folder that survives interruption: rerun with --resume to complete it.",
    )
    batch.add_argument("experiment", help="experiment file (e.g. experiments/demo.yaml)")
    batch.add_argument("--out", help="results folder (default: results/<experiment name>)")
    add_executor_options(
        batch,
        default="local processes, or dask with --scheduler or --dask-local",
        workers_default="all cores",
        dask_local=True,
    )
    batch.add_argument(
        "--worker-timeout",
        type=float,
        default=WORKER_TIMEOUT,
        metavar="SECONDS",
        help="with --scheduler: seconds to wait for a worker when the cluster has none (at the "
        "start, or after every worker left) before stopping, resumable; above 0 and at most "
        f"86400 (default {WORKER_TIMEOUT:g})",
    )
    batch.add_argument(
        "--resume", action="store_true", help="continue the batch in --out (keeps runs done)"
    )
    batch.add_argument(
        "--force",
        action="store_true",
        help="resume even if the experiment or the malisim version changed (keeps the runs "
        "that are unaffected)",
    )
    batch.add_argument("--retry-failed", action="store_true", help="rerun failed runs")
    add_progress(
        batch, "auto", "progress display (default: a bar on a terminal, log lines otherwise)"
    )
    batch.add_argument(
        "--log-every",
        type=float,
        default=LOG_EVERY,
        metavar="SECONDS",
        help="seconds between progress log lines, above 0 and at most 86400 (default 30)",
    )
    batch.add_argument(
        "--flush-seconds",
        type=float,
        default=FLUSH_SECONDS,
        metavar="SECONDS",
        help="commit finished runs to disk at least this often, 0 to 86400 (default 10; 0 = "
        "every run)",
    )
    batch.set_defaults(handler=cmd_batch)

    status = subparsers.add_parser(
        "status", help="show a results folder: done, failed, pending, why"
    )
    status.add_argument("dir", help="results folder")
    status.add_argument(
        "--tracebacks", action="store_true", help="show the traceback of each failed run"
    )
    status.set_defaults(handler=cmd_status)

    demo = subparsers.add_parser(
        "demo",
        help="the main job: run the demo experiment, print the distributions, write the report",
    )
    demo.add_argument("--out", default="results/demo", help="results folder (results/demo)")
    add_workers(demo, "all cores")
    demo.set_defaults(handler=cmd_demo)


def cmd_batch(args: argparse.Namespace) -> int:
    """``malisim batch``: run an experiment into a results folder; print outcome distributions.

    Exit status: 0 when every run is done, 1 when some failed, 130 when interrupted.
    """
    return run_batch(
        args.experiment,
        args.out,
        executor=args.executor,
        workers=args.workers,
        scheduler=args.scheduler,
        dask_local=args.dask_local,
        worker_timeout=args.worker_timeout,
        resume=args.resume,
        force=args.force,
        retry_failed=args.retry_failed,
        progress=args.progress,
        log_every=args.log_every,
        flush_seconds=args.flush_seconds,
    )


def check_seconds(
    log_every: float, flush_seconds: float, worker_timeout: float = WORKER_TIMEOUT
) -> None:
    """Refuse a ``--log-every``, ``--flush-seconds`` or ``--worker-timeout`` out of range.

    NaN and infinity are out of range too.

    Raises:
        UserError: When ``log_every`` or ``worker_timeout`` is not in (0, MAX_SECONDS] or
            ``flush_seconds`` not in [0, MAX_SECONDS].
    """
    top = f"{MAX_SECONDS:.0f}"
    if not (math.isfinite(worker_timeout) and 0 < worker_timeout <= MAX_SECONDS):
        raise UserError(
            f"{worker_timeout:g} is out of range",
            key="--worker-timeout",
            allowed=f"a number of seconds above 0 and at most {top}, e.g. 60",
        )
    if not (math.isfinite(log_every) and 0 < log_every <= MAX_SECONDS):
        raise UserError(
            f"{log_every:g} is out of range",
            key="--log-every",
            allowed=f"a number of seconds above 0 and at most {top}, e.g. 30",
        )
    if not (math.isfinite(flush_seconds) and 0 <= flush_seconds <= MAX_SECONDS):
        raise UserError(
            f"{flush_seconds:g} is out of range",
            key="--flush-seconds",
            allowed=f"a number of seconds from 0 to {top}, e.g. 10 (0: every run)",
        )


def run_batch(
    experiment_file: str,
    out_dir: str | None,
    *,
    executor: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    dask_local: int | None = None,
    worker_timeout: float = WORKER_TIMEOUT,
    resume: bool = False,
    force: bool = False,
    retry_failed: bool = False,
    progress: str = "auto",
    log_every: float = LOG_EVERY,
    flush_seconds: float = FLUSH_SECONDS,
) -> int:
    """Run an experiment file as ``malisim batch`` does, printing as it goes.

    Args:
        experiment_file: The experiment file.
        out_dir: The results folder (``None``: ``results/<experiment name>``).
        executor: See :func:`malisim.experiment.run_experiment`, as are the other options.
        workers: Local worker processes.
        scheduler: Address of a running Dask scheduler.
        dask_local: Workers of a local Dask cluster to start.
        worker_timeout: Seconds to wait for a Dask worker when the cluster has none.
        resume: Continue the batch in ``out_dir``.
        force: Resume even if the experiment or the version changed.
        retry_failed: Rerun the failed runs.
        progress: Progress display mode.
        log_every: Seconds between progress log lines (above 0, at most :data:`MAX_SECONDS`).
        flush_seconds: Longest wait before finished runs are committed (0 to
            :data:`MAX_SECONDS`).

    Returns:
        0 when every run is done, 1 when some failed, 130 when interrupted.
    """
    from malisim.experiment import (
        distribution_table,
        format_distributions,
        load_experiment,
        load_results,
        run_experiment,
    )
    from malisim.experiment.results import resume_command

    check_seconds(log_every, flush_seconds, worker_timeout)
    check_workers(workers)
    check_dask_local(dask_local)
    experiment = load_experiment(experiment_file)
    out = Path(out_dir) if out_dir else Path("results") / experiment.name
    check_out_folder(out)
    print(
        f"malisim batch: experiment {experiment.name!r}, {len(experiment.scenarios)} scenario(s)"
        f" x {len(experiment.points)} point(s) x {experiment.replicates} replicate(s) = "
        f"{experiment.n_runs} runs -> {out}/",
        flush=True,
    )
    manifest = {"experiment_file": str(Path(experiment_file).resolve())}
    try:
        with sigterm_as_interrupt():
            report = run_experiment(
                experiment,
                out,
                executor=executor,
                workers=workers,
                scheduler=scheduler,
                dask_local=dask_local,
                worker_timeout=worker_timeout,
                resume=resume,
                force=force,
                retry_failed=retry_failed,
                progress=progress,
                log_every=log_every,
                flush_seconds=flush_seconds,
            )
    except KeyboardInterrupt:
        print(
            f"\ninterrupted: the runs finished so far are saved in {out}/.\n"
            f"continue with: {resume_command(manifest, out)}",
            file=sys.stderr,
        )
        return 130
    rate = report.ran / report.seconds if report.seconds > 0 else 0.0
    print(
        f"\n{report.done} of {report.total} runs done, {report.failed} failed"
        + (f" ({report.ran} in this session, {rate:.2f} runs/s)" if report.ran else "")
    )
    if report.failures:
        for run_id, error in report.failures[:5]:
            print(f"  failed: {run_id}: {error}")
        print(
            f"see: malisim status {out} --tracebacks; rerun the failures with: "
            f"{resume_command(manifest, out, retry_failed=True)}"
        )
    results = load_results(out)
    if report.done:
        print(
            "\nOutcome distributions per scenario: median [5%-95%] over replicates "
            "(scenario exploration, not a forecast)"
        )
        print(format_distributions(distribution_table(results.outcomes)))
    print(f"\nresults: {out}/ (outcomes.parquet, design.parquet, manifest.json, status.jsonl)")
    return 1 if report.failed else 0


def cmd_status(args: argparse.Namespace) -> int:
    """``malisim status``: done / failed / pending runs of a results folder, and why."""
    from malisim.experiment import format_status

    print(format_status(args.dir, tracebacks=args.tracebacks))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``malisim demo``: the README's main job, end to end.

    Runs ``experiments/demo.yaml`` into ``--out`` (resuming it if a previous demo was cut short,
    starting afresh if it was complete), prints the outcome distributions per scenario, writes
    the HTML report and prints its path.
    """
    from malisim.experiment import load_results
    from malisim.report import write_report

    if not DEMO_EXPERIMENT.is_file():
        raise UserError(
            "experiments/demo.yaml not found: run `malisim demo` from the repository's top folder",
            file=str(DEMO_EXPERIMENT),
        )
    out = Path(args.out)
    resume = False
    if out.is_dir() and any(out.iterdir()):
        try:
            resume = not load_results(out).complete
        except UserError:
            resume = False
        if not resume:
            import shutil

            if not (out / "manifest.json").is_file():
                raise UserError(
                    "folder exists and is not a results folder; choose another --out", file=str(out)
                )
            shutil.rmtree(out)
    status = run_batch(str(DEMO_EXPERIMENT), str(out), workers=args.workers, resume=resume)
    if status not in (0, 1):
        return status
    report = write_report(out, out / "report.html")
    print(f"\nreport: {report.path}")
    return status
