"""The commands behind the ``malisim`` command line: call the library, format, print.

Each ``cmd_<name>(args)`` takes the parsed arguments and returns an exit status. Errors in user
input are raised as :class:`~malisim.core.errors.UserError` and reported by :mod:`malisim.cli.main`.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

from malisim.core.errors import UserError
from malisim.core.interrupts import sigterm_as_interrupt
from malisim.core.rng import replicate_seed
from malisim.model.parameters import Parameters, parameter_specs
from malisim.scenario import ResolvedScenario, load_scenario, scenario_from_dict, validate_files

#: Columns of the yearly summary table printed by ``malisim run``.
SUMMARY_COLUMNS: dict[str, tuple[str, str]] = {
    # column: (outcome, yearly rule)
    "civ killed": ("civilian_fatalities", "sum"),
    "by state": ("civilian_fatalities_state", "sum"),
    "by foreign": ("civilian_fatalities_foreign", "sum"),
    "by jihadist": ("civilian_fatalities_jihadist", "sum"),
    "by signatory": ("civilian_fatalities_signatory", "sum"),
    "battle dead": ("battle_fatalities", "sum"),
    "events": ("events", "sum"),
    "IDPs (Dec)": ("idps", "last"),
    "refugees (Dec)": ("refugees", "last"),
    "state ctrl": ("control_state", "last"),
    "jihadist ctrl": ("control_jihadist", "last"),
    "approval": ("junta_approval", "last"),
    "GDP index": ("gdp_index", "last"),
    "in need (Dec)": ("people_in_need", "last"),
}


def normalise_overrides(overrides: list[str]) -> list[str]:
    """Accept ``NAME=VALUE`` for a parameter as shorthand for ``params.NAME=VALUE``."""
    out = []
    for text in overrides:
        key, sep, value = text.partition("=")
        if sep and key.strip() in Parameters.model_fields:
            text = f"params.{key.strip()}={value}"
        out.append(text)
    return out


def resolve(scenario: str | None, overrides: list[str]) -> ResolvedScenario:
    """Resolve a scenario file (or the defaults) with ``--set`` overrides."""
    overrides = normalise_overrides(overrides)
    if scenario is None:
        return scenario_from_dict({"name": "defaults"}, source="defaults", overrides=overrides)
    return load_scenario(scenario, overrides)


def yearly_table(series: pd.DataFrame) -> pd.DataFrame:
    """Summarise the national monthly series by calendar year."""
    nat = series[series["region"] == "Mali"].copy()
    nat["control_jihadist"] = nat["control_jnim"] + nat["control_is_sahel"]
    nat["year"] = pd.DatetimeIndex(nat["date"]).year
    rows = {}
    for label, (col, rule) in SUMMARY_COLUMNS.items():
        grouped = nat.groupby("year")[col]
        rows[label] = grouped.sum() if rule == "sum" else grouped.last()
    return pd.DataFrame(rows)


def format_yearly(table: pd.DataFrame) -> str:
    """Format the yearly table for the terminal."""
    shown = table.copy()
    for col in shown.columns:
        if col in ("state ctrl", "jihadist ctrl", "approval"):
            shown[col] = shown[col].map(lambda v: f"{v:.0%}")
        elif col == "GDP index":
            shown[col] = shown[col].map(lambda v: f"{v:.3f}")
        else:
            shown[col] = shown[col].map(lambda v: f"{v:,.0f}")
    return shown.to_string()


def cmd_run(args: argparse.Namespace) -> int:
    """``malisim run``: run a scenario, print a summary, write outputs."""
    from malisim.scenario.runner import check_output_dir, run_scenario, write_run

    overrides = list(args.overrides)
    if args.start:
        overrides.append(f"start={args.start}")
    if args.end:
        overrides.append(f"end={args.end}")
    if args.seed < 0:
        raise UserError("--seed must be a non-negative integer", key="--seed")
    if args.replicates < 1:
        raise UserError("--replicates must be at least 1", key="--replicates")
    scenario = resolve(args.scenario, overrides)
    out = Path(args.out)
    check_output_dir(out, args.overwrite)
    print(
        f"malisim: scenario {scenario.name!r}, {scenario.start} to {scenario.end}, "
        f"seed {args.seed}, {args.replicates} replicate(s)"
    )
    for k in range(args.replicates):
        seed = args.seed if args.replicates == 1 else replicate_seed(args.seed, k)
        result = run_scenario(scenario, seed)
        target = out if args.replicates == 1 else out / f"replicate_{k:03d}"
        write_run(result, target, overwrite=args.overwrite)
        if args.replicates > 1:
            print(f"\nreplicate {k} (seed {seed})")
        print(format_yearly(yearly_table(result.series)))
    print(f"\nwrote {out}/ (series.parquet, events.parquet, summary.json)")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    """``malisim validate``: validate scenario files; non-zero exit if any is invalid."""
    bad = 0
    for path, result in validate_files(args.files):
        if isinstance(result, UserError):
            bad += 1
            print(f"invalid: {result}")
        else:
            print(f"ok: {path} ({result.name}, {result.start} to {result.end}, "
                  f"{len(result.policies)} policies)")  # fmt: skip
    if bad:
        raise UserError(f"{bad} of {len(args.files)} scenario files are invalid")
    return 0


def shipped_scenarios() -> list[Path]:
    """Scenario files in the repository's ``scenarios/`` folder (when run from a checkout)."""
    here = Path.cwd() / "scenarios"
    return sorted(here.glob("*.yaml")) if here.is_dir() else []


def cmd_list(args: argparse.Namespace) -> int:
    """``malisim list``: scenarios found, policies with their settings, parameter names."""
    from malisim.policies import POLICY_REGISTRY

    print("Scenarios (./scenarios):")
    for path in shipped_scenarios():
        print(f"  {path}")
    print("\nPolicies:")
    for name in sorted(POLICY_REGISTRY):
        cls = POLICY_REGISTRY[name]
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        print(f"  {name}: {doc}")
        for field_name, field in cls.model_fields.items():
            default = "required" if field.is_required() else f"default {field.default!r}"
            print(f"      {field_name} ({default})")
    print("\nParameters (see docs/parameters.md):")
    for spec in parameter_specs().values():
        print(f"  {spec.name} = {spec.default} [{spec.low}, {spec.high}] {spec.unit}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    """``malisim describe``: every parameter with value, unit and source; the policy timeline."""
    scenario = resolve(args.scenario, list(args.overrides))
    print(f"Scenario: {scenario.name}")
    if scenario.description:
        print(f"  {scenario.description.strip()}")
    print(f"Period: {scenario.start} to {scenario.end}")
    print(f"Files: {' -> '.join(scenario.source_files) or '(none)'}")
    overridden = scenario.overrides()
    print("\nParameters (* = set by the scenario):")
    values = scenario.parameters.model_dump()
    for spec in parameter_specs().values():
        mark = "*" if spec.name in overridden else " "
        print(f" {mark} {spec.name} = {values[spec.name]} {spec.unit}  [source: {spec.source}]")
    print("\nPolicy timeline:")
    if not scenario.policies:
        print("  (no policies)")
    for policy in sorted(scenario.policies, key=lambda p: min(p.months().values(), default=0)):
        dates = ", ".join(f"{k} {v}" for k, v in policy.date_fields().items())
        print(f"  {policy.policy_type}: {dates}")
        settings = {k: v for k, v in policy.to_dict().items() if k != "type"}
        print(f"      {settings}")
        if policy.sources:
            print(f"      sources: {'; '.join(policy.sources)}")
    return 0


def cmd_batch(args: argparse.Namespace) -> int:
    """``malisim batch``: run an experiment into a results folder; print outcome distributions.

    Exit status: 0 when every run is done, 1 when some failed, 130 when interrupted.
    """
    import sys

    from malisim.experiment import (
        distribution_table,
        format_distributions,
        load_experiment,
        load_results,
        run_experiment,
    )
    from malisim.experiment.results import resume_command

    experiment = load_experiment(args.experiment)
    out = Path(args.out) if args.out else Path("results") / experiment.name
    if args.log_every <= 0:
        raise UserError("must be positive", key="--log-every")
    if args.flush_seconds < 0:
        raise UserError("must be zero or positive", key="--flush-seconds")
    print(
        f"malisim batch: experiment {experiment.name!r}, {len(experiment.scenarios)} scenario(s)"
        f" x {len(experiment.points)} point(s) x {experiment.replicates} replicate(s) = "
        f"{experiment.n_runs} runs -> {out}/",
        flush=True,
    )

    try:
        with sigterm_as_interrupt():
            report = run_experiment(
                experiment,
                out,
                executor=args.executor,
                workers=args.workers,
                scheduler=args.scheduler,
                dask_local=args.dask_local,
                resume=args.resume,
                force=args.force,
                retry_failed=args.retry_failed,
                progress=args.progress,
                log_every=args.log_every,
                flush_seconds=args.flush_seconds,
            )
    except KeyboardInterrupt:
        manifest = {"experiment_file": str(Path(args.experiment).resolve())}
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
        manifest = {"experiment_file": str(Path(args.experiment).resolve())}
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

    experiment_file = Path("experiments") / "demo.yaml"
    if not experiment_file.is_file():
        raise UserError(
            "experiments/demo.yaml not found: run `malisim demo` from the repository's top folder",
            file=str(experiment_file),
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
    batch_args = argparse.Namespace(
        experiment=str(experiment_file),
        out=str(out),
        executor=None,
        workers=args.workers,
        scheduler=None,
        dask_local=None,
        resume=resume,
        force=False,
        retry_failed=False,
        progress="auto",
        log_every=30.0,
        flush_seconds=10.0,
    )
    status = cmd_batch(batch_args)
    if status not in (0, 1):
        return status
    report = write_report(out, out / "report.html")
    print(f"\nreport: {report.path}")
    return status
