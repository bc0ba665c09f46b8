"""Commands on single scenarios: ``malisim run``, ``validate``, ``list`` and ``describe``.

:func:`register` adds the four subcommands; each ``cmd_<name>(args)`` calls the library, prints
and returns an exit status. Errors in user input are raised as
:class:`~malisim.core.errors.UserError` and reported by :mod:`malisim.cli.main`. The model,
pandas and the scenario machinery are imported when a command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from malisim.cli.options import add_overrides, check_out_folder
from malisim.core.errors import UserError

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterator

    import pandas as pd

    from malisim.scenario import ResolvedScenario
    from malisim.scenario.runner import RunResult

#: Root seed of ``malisim run`` without ``--seed``.
DEFAULT_SEED = 1


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``run``, ``validate``, ``list`` and ``describe`` to the ``malisim`` parser."""
    run = subparsers.add_parser("run", help="run a scenario (one or a few replicates)")
    run.add_argument("scenario", nargs="?", help="scenario file (default: the default parameters)")
    run.add_argument("--seed", type=int, default=DEFAULT_SEED, help="root seed (default 1)")
    run.add_argument("--start", help="first month YYYY-MM (overrides the scenario)")
    run.add_argument("--end", help="last month YYYY-MM (overrides the scenario)")
    run.add_argument("--replicates", type=int, default=1, help="replicates (default 1)")
    add_overrides(run)
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
    add_overrides(desc)
    desc.set_defaults(handler=cmd_describe)


def resolve(scenario: str | None, overrides: list[str]) -> ResolvedScenario:
    """The scenario of a command: a file (or the defaults) with ``--set`` overrides."""
    from malisim.scenario import resolve_scenario

    return resolve_scenario(scenario, overrides)


def format_yearly(table: pd.DataFrame) -> str:
    """Format the yearly table for the terminal (shares in percent, the index to 3 decimals)."""
    from malisim.scenario.summary import YEARLY_KINDS

    shown = table.copy()
    for col in shown.columns:
        kind = YEARLY_KINDS.get(col, "count")
        if kind == "share":
            shown[col] = shown[col].map(lambda v: f"{v:.0%}")
        elif kind == "index":
            shown[col] = shown[col].map(lambda v: f"{v:.3f}")
        else:
            shown[col] = shown[col].map(lambda v: f"{v:,.0f}")
    return shown.to_string()


def cmd_run(args: argparse.Namespace) -> int:
    """``malisim run``: run a scenario, print a summary, write outputs.

    One replicate writes its files into ``--out``; N replicates write ``--out/replicate_000``,
    ... and ``--out`` appears (or replaces the old one, with ``--overwrite``) only once all N are
    done, so an interrupted run leaves ``--out`` as it was.
    """
    from malisim.core.rng import replicate_seed
    from malisim.scenario.runner import (
        check_output_dir,
        replicate_folder_name,
        run_scenario,
        write_replicates,
        write_run,
    )
    from malisim.scenario.summary import yearly_summary

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
    check_out_folder(out)
    check_output_dir(out, args.overwrite)  # before any model runs
    print(
        f"malisim: scenario {scenario.name!r}, {scenario.start} to {scenario.end}, "
        f"seed {args.seed}, {args.replicates} replicate(s)"
    )
    files = "series.parquet, events.parquet, summary.json"
    if args.replicates == 1:
        result = run_scenario(scenario, args.seed)
        write_run(result, out, overwrite=args.overwrite)
        print(format_yearly(yearly_summary(result.series)))
        print(f"\nwrote {out}/ ({files})")
        return 0

    def replicates() -> Iterator[RunResult]:
        for k in range(args.replicates):
            seed = replicate_seed(args.seed, k)
            result = run_scenario(scenario, seed)
            print(f"\nreplicate {k} (seed {seed})")
            print(format_yearly(yearly_summary(result.series)))
            yield result

    write_replicates(replicates(), out, overwrite=args.overwrite)
    last = replicate_folder_name(args.replicates - 1)
    print(f"\nwrote {out}/ (replicate_000 to {last}, each with {files})")
    return 0


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


def setting_default(field: Any) -> str:
    """How ``malisim list`` shows a policy setting's default: ``required`` or ``default VALUE``.

    Args:
        field: The setting's pydantic ``FieldInfo``; a default factory (e.g. an empty list of
            regions) is called to show the value it makes.
    """
    if field.is_required():
        return "required"
    return f"default {field.get_default(call_default_factory=True)!r}"


def cmd_list(args: argparse.Namespace) -> int:
    """``malisim list``: scenarios found, policies with their settings, parameter names."""
    from malisim.model.parameters import parameter_specs
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
            print(f"      {field_name} ({setting_default(field)})")
    print("\nParameters (see docs/parameters.md):")
    for spec in parameter_specs().values():
        print(f"  {spec.name} = {spec.default} [{spec.low}, {spec.high}] {spec.unit}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    """``malisim describe``: every parameter with value, unit and source; the policy timeline."""
    from malisim.model.parameters import parameter_specs

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
