"""Commands on single scenarios: ``malisim run``, ``validate``, ``list`` and ``describe``.

:func:`register` adds the four subcommands; each ``cmd_<name>(args)`` calls the library, prints
and returns an exit status. Errors in user input are raised as
:class:`~malisim.core.errors.UserError` and reported by :mod:`malisim.cli.main`. The model,
pandas and the scenario machinery are imported when a command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from malisim.cli.options import add_overrides, add_workers, check_out_folder, check_workers
from malisim.core.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from malisim.scenario import ResolvedScenario

#: Root seed of ``malisim run`` without ``--seed``.
DEFAULT_SEED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``run``, ``validate``, ``list`` and ``describe`` to the ``malisim`` parser."""
    run = subparsers.add_parser("run", help="run a scenario (one or a few replicates)")
    run.add_argument("scenario", nargs="?", help="scenario file (default: the default parameters)")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED, help="root seed (default 1)")
    run.add_argument("--start", help="first month YYYY-MM (overrides the scenario)")
    run.add_argument("--end", help="last month YYYY-MM (overrides the scenario)")
    run.add_argument(
        "--replicates",
        type=int,
        default=1,
        help="replicates (default 1); with more than one, --out is a results folder as "
        "`malisim batch` writes it (compare, status and report read it)",
    )
    add_workers(run, "1")
    add_overrides(run)
    run.add_argument(
        "--posterior",
        metavar="median|N",
        help="run at the posterior median of each calibrated parameter, or at row N (0-based) "
        "of the posterior file (the row a batch records as posterior_draw); the values replace "
        "the calibrated layer's, parameters the scenario or --set give keep theirs",
    )
    run.add_argument(
        "--posterior-from",
        metavar="PATH",
        help="with --posterior: a calibration's output folder or posterior.parquet (default: "
        "the posterior shipped with the package)",
    )
    run.add_argument("--out", required=True, help="output folder")
    run.add_argument("--overwrite", action="store_true", help="replace a non-empty --out")
    run.set_defaults(handler=cmd_run)

    val = subparsers.add_parser("validate", help="validate scenario files")
    val.add_argument("files", nargs="+", help="scenario files")
    val.set_defaults(handler=cmd_validate)

    lst = subparsers.add_parser("list", help="list shipped scenarios, policies and parameters")
    lst.set_defaults(handler=cmd_list)

    desc = subparsers.add_parser("describe", help="show a fully resolved scenario")
    desc.add_argument("scenario", help="scenario file")
    desc.add_argument(
        "--diff",
        action="store_true",
        help="show only what the file changes relative to the scenario it extends (or to the "
        "defaults, without extends)",
    )
    add_overrides(desc)
    desc.set_defaults(handler=cmd_describe)


def resolve(scenario: str | None, overrides: list[str]) -> ResolvedScenario:
    """The scenario of a command: a file (or the defaults) with ``--set`` overrides."""
    from malisim.scenario import resolve_scenario

    return resolve_scenario(scenario, overrides)


def format_yearly(years: Sequence[object], table: Mapping[str, Sequence[float]]) -> str:
    """Format the yearly table for the terminal (shares in percent, the index to 3 decimals).

    Args:
        years: The calendar years (the rows).
        table: Column -> its value per year (:func:`malisim.scenario.summary.yearly_values`).

    Returns:
        The table laid out as ``DataFrame.to_string`` lays it out.
    """
    from malisim.scenario.summary import YEARLY_KINDS, text_table

    cells: dict[str, list[str]] = {}
    for col, values in table.items():
        kind = YEARLY_KINDS.get(col, "count")
        if kind == "share":
            cells[col] = [f"{v:.0%}" for v in values]
        elif kind == "index":
            cells[col] = [f"{v:.3f}" for v in values]
        else:
            cells[col] = [f"{v:,.0f}" for v in values]
    return text_table("year", years, cells)


def cmd_run(args: argparse.Namespace) -> int:
    """``malisim run``: run a scenario, print a summary, write outputs.

    One replicate writes its files into ``--out`` (series, events, summary.json). N replicates
    write a results folder as ``malisim batch`` does (one scenario, one design point, N
    replicates with the batch's seeds), so that ``compare``, ``status`` and ``report`` read it,
    and print the median yearly table over the replicates. ``--out`` appears (or replaces the
    old one, with ``--overwrite``) only once everything is written, so an interrupted run leaves
    ``--out`` as it was.
    """
    from malisim.scenario.runner import check_output_dir, run_scenario, write_run
    from malisim.scenario.summary import yearly_values

    overrides = list(args.overrides)
    if args.start:
        overrides.append(f"start={args.start}")
    if args.end:
        overrides.append(f"end={args.end}")
    if args.seed < 0:
        raise UserError("--seed must be a non-negative integer", key="--seed")
    if args.replicates < 1:
        raise UserError("--replicates must be at least 1", key="--replicates")
    check_workers(args.workers)
    scenario = resolve(args.scenario, overrides)
    if args.posterior is not None or args.posterior_from is not None:
        scenario = with_posterior(scenario, args.posterior, args.posterior_from, overrides)
    out = Path(args.out)
    check_out_folder(out)
    check_output_dir(out, args.overwrite)  # before any model runs
    print(
        f"malisim: scenario {scenario.name!r}, {scenario.start} to {scenario.end}, "
        f"seed {args.seed}, {args.replicates} replicate(s)",
        flush=True,
    )
    if args.replicates == 1:
        result = run_scenario(scenario, args.seed)
        write_run(result, out, overwrite=args.overwrite)
        print(format_yearly(*yearly_values(result.series_columns)))
        print(f"\nwrote {out}/ (series.parquet, events.parquet, summary.json)")
        return 0
    return _run_replicates(scenario, args, out)


def _run_replicates(scenario: ResolvedScenario, args: argparse.Namespace, out: Path) -> int:
    """Run N replicates into a results folder (staged, then put in place); print the medians."""
    from malisim.experiment import Experiment, load_results, run_experiment
    from malisim.scenario.runner import staged_folder
    from malisim.scenario.summary import yearly_median

    experiment = Experiment(
        name=scenario.name,
        scenarios=[scenario],
        replicates=args.replicates,
        seed=args.seed,
        keep_series=True,
        keep_events=True,
        description=f"malisim run --replicates {args.replicates}",
    )
    workers = args.workers or 1
    with staged_folder(out, args.overwrite) as tmp:
        report = run_experiment(
            experiment,
            tmp,
            executor="serial" if workers == 1 else "local",
            workers=workers,
            progress="none",
        )
        if report.failed:
            run_id, error = report.failures[0]
            raise UserError(f"{report.failed} of {report.total} runs failed; {run_id}: {error}")
        series = load_results(tmp).series
    print(f"\nmedian over {args.replicates} replicates (scenario exploration, not a forecast):")
    medians = yearly_median(series)
    print(format_yearly(list(medians.index), {c: medians[c].to_numpy() for c in medians.columns}))
    print(
        f"\nwrote {out}/ (a results folder: outcomes.parquet, series.parquet, events.parquet, "
        f"design.parquet, manifest.json); see malisim compare {out}, malisim report {out}"
    )
    return 0


def with_posterior(
    scenario: ResolvedScenario, which: str | None, source: str | None, overrides: list[str]
) -> ResolvedScenario:
    """The scenario at the posterior median or at one row of a posterior (``--posterior``).

    Parameters the scenario's own files or ``--set`` give keep their values (the precedence of
    :mod:`malisim.experiment.posterior`); the values used are printed.
    """
    from malisim.experiment.posterior import (
        apply_draw,
        explicit_parameters,
        load_posterior,
        pick_draw,
    )

    if which is None:
        raise UserError("--posterior-from needs --posterior median or a row number",
                        key="--posterior")  # fmt: skip
    post = load_posterior(source, key="--posterior-from" if source else "--posterior")
    values, label = pick_draw(post, which)
    given = {o.split("=", 1)[0].strip().removeprefix("params.") for o in overrides}
    kept = (explicit_parameters(scenario) | given) & set(values)
    shown = ", ".join(f"{k}={v:.4g}" for k, v in values.items() if k not in kept)
    note = f" (kept from the scenario or --set: {', '.join(sorted(kept))})" if kept else ""
    print(f"malisim: {label}: {shown}{note}", flush=True)
    return apply_draw(scenario, values, kept)


def cmd_validate(args: argparse.Namespace) -> int:
    """``malisim validate``: validate scenario files; non-zero exit if any is invalid."""
    from malisim.scenario import validate_files

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


def setting_line(cls: Any, name: str) -> str:
    """How ``malisim list`` shows a policy setting: name, default, unit, bounds and meaning.

    Args:
        cls: The policy class.
        name: The setting (a pydantic field of the class); a default factory (e.g. an empty
            list of regions) is called to show the value it makes.
    """
    from malisim.policies.base import setting_unit
    from malisim.scenario.reference import bounds_words, default_text

    field = cls.model_fields[name]
    default = default_text(field)
    shown = default if default in ("required", "unset") else f"default {default}"
    unit = setting_unit(field)
    bounds = bounds_words(cls, name)
    extra = ", ".join(x for x in (unit, "" if bounds == "-" else bounds) if x)
    return f"{name} ({shown}; {extra}): {field.description or ''}".replace("; )", ")")


def cmd_list(args: argparse.Namespace) -> int:
    """``malisim list``: scenarios found, policies with their settings, parameter names."""
    from malisim.model.parameters import parameter_specs
    from malisim.policies import POLICY_REGISTRY

    print("Scenarios (./scenarios):")
    for path in shipped_scenarios():
        print(f"  {path}")
    print("\nPolicies (settings: docs/scenarios.md; --set policies.TYPE.SETTING=VALUE):")
    for name in sorted(POLICY_REGISTRY):
        cls = POLICY_REGISTRY[name]
        doc = (cls.__doc__ or "").strip().splitlines()[0]
        print(f"  {name}: {doc}")
        for field_name in cls.model_fields:
            print(f"      {setting_line(cls, field_name)}")
    print("\nParameters (see docs/parameters.md):")
    for spec in parameter_specs().values():
        print(f"  {spec.name} = {spec.default} [{spec.low}, {spec.high}] {spec.unit}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    """``malisim describe``: every parameter with value, unit and source; the policy timeline.

    With ``--diff``, only what the file changes relative to the scenario it extends.
    """
    from malisim.model.parameters import parameter_specs
    from malisim.scenario.diff import parent_of, policy_yaml, scenario_diff
    from malisim.scenario.resolve import parent_file

    scenario = resolve(args.scenario, list(args.overrides))
    if args.diff:
        parent = parent_of(args.scenario)
        against = parent_file(args.scenario) or "the defaults"
        print(f"Scenario: {scenario.name}, against {against}")
        print("\n".join(scenario_diff(parent, scenario)) or "  (no changes)")
        return 0
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
        print(f"      {policy_yaml(policy)}")
        if policy.sources:
            print(f"      sources: {'; '.join(policy.sources)}")
    return 0
