"""The command line's shape: one module per command group, one registration convention.

Every module of ``malisim.cli`` other than the entry points (``__init__``, ``__main__``, ``main``)
and the shared option definitions (``options``) is a command group listed in
:data:`malisim.cli.main.COMMAND_GROUPS`, exposes ``register(subparsers)``, and every subcommand it
adds has a ``handler`` defined in that module. ``main`` turns user errors and interrupts into exit
statuses 2 and 130. Command modules import no heavy module (model, pandas, plotting) at their top,
so that building the parser stays cheap.
"""

from __future__ import annotations

import argparse
import ast
import importlib
from pathlib import Path

import pytest

from malisim.core.errors import UserError

#: The module malisim.cli.main (``malisim.cli.main`` as an attribute is the function).
cli_main = importlib.import_module("malisim.cli.main")

CLI_DIR = Path(__file__).resolve().parents[1] / "src" / "malisim" / "cli"
#: Modules of malisim.cli that register no command.
NOT_GROUPS = {"__init__", "__main__", "main", "options"}
#: malisim modules a command module may import at its top (everything else inside a function).
TOP_LEVEL_ALLOWED = ("malisim.cli.", "malisim.core.", "malisim.experiment.executor_kinds",
                     "malisim.experiment.progress")  # fmt: skip


def group_names() -> list[str]:
    return sorted(p.stem for p in CLI_DIR.glob("*.py") if p.stem not in NOT_GROUPS)


def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_every_cli_module_is_a_registered_group():
    listed = {group.__name__.rsplit(".", 1)[1] for group in cli_main.COMMAND_GROUPS}
    assert set(group_names()) == listed, (
        "each module of malisim/cli (except entry points and options) is one command group: "
        "add it to malisim.cli.main.COMMAND_GROUPS, or move shared code into cli/options.py"
    )


@pytest.mark.parametrize("name", group_names())
def test_group_registers_subcommands_with_their_handlers(name):
    module = importlib.import_module(f"malisim.cli.{name}")
    assert callable(getattr(module, "register", None)), f"malisim.cli.{name} has no register()"
    parser = argparse.ArgumentParser(prog="malisim")
    module.register(parser.add_subparsers(dest="command"))
    commands = subcommands(parser)
    assert commands, f"malisim.cli.{name}.register() added no subcommand"
    for command, sub in commands.items():
        handler = sub.get_default("handler")
        assert callable(handler), f"`malisim {command}` sets no handler (set_defaults(handler=))"
        assert handler.__module__ == module.__name__, (
            f"`malisim {command}` is registered by {module.__name__} but handled in "
            f"{handler.__module__}: keep a command's parser and handler in one module"
        )


def test_the_top_parser_has_every_group_subcommand_once():
    names = []
    for group in cli_main.COMMAND_GROUPS:
        parser = argparse.ArgumentParser()
        group.register(parser.add_subparsers(dest="command"))
        names.extend(subcommands(parser))
    assert len(names) == len(set(names)), f"a subcommand is registered twice: {sorted(names)}"
    top = subcommands(cli_main.build_parser())
    assert list(top) == names
    assert {"run", "validate", "list", "describe", "batch", "status", "demo", "compare",
            "report", "sensitivity", "discover", "calibrate", "ui"} <= set(top)  # fmt: skip
    assert all(callable(sub.get_default("handler")) for sub in top.values())


@pytest.mark.parametrize("name", [*group_names(), "main", "options"])
def test_command_modules_import_nothing_heavy_at_their_top(name):
    tree = ast.parse((CLI_DIR / f"{name}.py").read_text(encoding="utf-8"))
    heavy = []
    for node in tree.body:  # module level only; TYPE_CHECKING blocks are not executed
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        else:
            continue
        for module in modules:
            third_party = module.split(".")[0] in {"pandas", "numpy", "matplotlib", "mesa"}
            ours = module.startswith("malisim") and not module.startswith(TOP_LEVEL_ALLOWED)
            if third_party or (ours and module != "malisim.cli"):
                heavy.append(module)
    assert not heavy, (
        f"malisim/cli/{name}.py imports {heavy} when the parser is built: import it inside the "
        "handler that needs it"
    )


def test_main_maps_errors_and_interrupts_to_exit_statuses(monkeypatch, capsys):
    from malisim.cli import run

    def user_error(args):
        raise UserError("no such thing", key="--x")

    def interrupt(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(run, "cmd_list", user_error)
    assert cli_main.main(["list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such thing" in err and "Traceback" not in err

    monkeypatch.setattr(run, "cmd_list", interrupt)
    assert cli_main.main(["list"]) == 130
    assert capsys.readouterr().err == "interrupted\n"

    assert cli_main.main([]) == 2  # no command: the help, status 2
    assert "COMMAND" in capsys.readouterr().out


def test_both_entry_points_are_the_same_function():
    import malisim.cli

    assert malisim.cli.main is cli_main.main


def test_list_shows_required_and_factory_defaults(capsys):
    assert cli_main.main(["list"]) == 0
    out = capsys.readouterr().out
    assert "PydanticUndefined" not in out
    assert "      start (required; month, YYYY-MM, within the run)" in out
    assert "      regions (default [Kidal]; region names)" in out  # kidal_offensive's factory
