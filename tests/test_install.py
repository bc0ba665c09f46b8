"""Installable anywhere: the wheel, installed outside the checkout, carries what a user needs.

The end-to-end test copies the checkout (without its virtual environment, results and caches) to
a temporary folder, builds the wheel there with a fresh virtual environment's pip
(``pip wheel --no-deps --no-build-isolation``; setuptools and wheel come from the package index),
installs it into that environment with its dependencies from the index, and then, from a folder
outside the checkout and with no ``PYTHONPATH``: runs ``malisim init``, validates every shipped
scenario, runs one for a few months and runs a tiny batch and its comparison. It takes about a
minute on two cores (most of it installing numpy, pandas, pyarrow and scipy into the fresh
environment); it is marked ``slow`` and runs in CI with the rest of the suite.

The quick tests check ``malisim init`` from the checkout (the fallback of an editable install).
"""

from __future__ import annotations

import filecmp
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from malisim.cli.main import main as cli_main
from malisim.core.examples import EXAMPLE_FOLDERS, example_files, examples_root, init_project

ROOT = Path(__file__).resolve().parents[1]
#: Not copied into the build folder: environments, outputs, caches and git metadata.
BUILD_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "results", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
    ".ruff_cache", ".mypy_cache", ".ipynb_checkpoints", "node_modules",
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# malisim init from the checkout


def test_the_checkout_is_the_examples_root_without_a_packaged_copy():
    assert examples_root() == ROOT
    files = example_files()
    for name in (
        "scenarios/historical.yaml",
        "experiments/smoke.yaml",
        "schemas/scenario.schema.json",
    ):
        assert Path(name) in files
    assert {f.parts[0] for f in files} == set(EXAMPLE_FOLDERS)
    assert not any("__pycache__" in f.parts or f.name.startswith(".") for f in files)


def test_init_copies_every_example_file_byte_for_byte(tmp_path):
    dest = tmp_path / "proj"
    result = init_project(dest)
    assert result.files == tuple(example_files())
    assert result.replaced == ()
    for rel in result.files:
        assert filecmp.cmp(ROOT / rel, dest / rel, shallow=False), rel
    assert not list(dest.rglob(".*.tmp"))
    assert result.count("scenarios") == len(list((ROOT / "scenarios").glob("*.yaml")))


def test_init_refuses_existing_example_files_and_keeps_other_files(tmp_path, capsys):
    dest = tmp_path / "proj"
    assert cli_main(["init", str(dest)]) == 0
    out = capsys.readouterr().out
    assert f"into {dest}/" in out and "scenarios/" in out
    mine = dest / "scenarios" / "mine.yaml"
    mine.write_text("name: mine\n", encoding="utf-8")
    (dest / "scenarios" / "historical.yaml").write_text("changed\n", encoding="utf-8")

    assert cli_main(["init", str(dest)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {dest}: ") and "exist already" in err and "--force" in err
    assert "Traceback" not in err
    assert (dest / "scenarios" / "historical.yaml").read_text(encoding="utf-8") == "changed\n"

    assert cli_main(["init", str(dest), "--force"]) == 0
    assert "replaced" in capsys.readouterr().out
    assert filecmp.cmp(
        ROOT / "scenarios" / "historical.yaml", dest / "scenarios" / "historical.yaml"
    )
    assert mine.read_text(encoding="utf-8") == "name: mine\n"


def test_init_into_a_file_is_a_user_error(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("x", encoding="utf-8")
    assert cli_main(["init", str(target)]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err


# --------------------------------------------------------------------------------------------
# the wheel, outside the checkout


def run(cmd: list[str | Path], cwd: Path, env: dict[str, str], timeout: int = 600) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout
    )
    assert result.returncode == 0, (
        f"{' '.join(map(str, cmd))} exited {result.returncode}:\n"
        f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def clean_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    env.pop("VIRTUAL_ENV", None)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.mark.slow
def test_wheel_installs_outside_the_checkout_and_runs(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=BUILD_IGNORE, symlinks=True)
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv], cwd=tmp_path, env=dict(os.environ))
    env = clean_env(venv)
    python, pip = venv / "bin" / "python", [venv / "bin" / "python", "-m", "pip"]
    run([*pip, "install", "-q", "setuptools>=68", "wheel"], cwd=tmp_path, env=env)

    # build: the wheel holds the package data and every example file of the checkout
    dist = tmp_path / "dist"
    run(
        [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", dist, source],
        tmp_path,
        env,
    )
    (wheel,) = dist.glob("malisim-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"malisim/examples/{rel.as_posix()}" for rel in example_files(ROOT)}
    assert expected <= names, sorted(expected - names)[:10]
    assert not any("__pycache__" in n or "/results/" in n for n in names)
    for data in ("malisim/data/grid.csv", "malisim/data/targets.csv", "malisim/py.typed"):
        assert data in names

    # install with its dependencies, into the fresh environment only
    run([*pip, "install", "-q", wheel], cwd=tmp_path, env=env)
    work = tmp_path / "elsewhere"
    work.mkdir()
    where = run([python, "-c", "import malisim; print(malisim.__file__)"], work, env).strip()
    assert Path(where).is_relative_to(venv), where
    malisim = venv / "bin" / "malisim"

    # malisim init: the examples arrive byte for byte
    out = run([malisim, "init", "proj"], cwd=work, env=env)
    proj = work / "proj"
    assert "wrote" in out
    for rel in example_files(ROOT):
        assert filecmp.cmp(ROOT / rel, proj / rel, shallow=False), rel

    # every shipped scenario validates; one runs for a few months
    scenarios = sorted(p.name for p in (proj / "scenarios").glob("*.yaml"))
    out = run([malisim, "validate", *(f"scenarios/{s}" for s in scenarios)], cwd=proj, env=env)
    assert out.count("ok: ") == len(scenarios), out
    run(
        [malisim, "run", "scenarios/historical.yaml", "--end", "2019-04", "--set",
         "n_civilian_agents=1000", "--out", "results/h"],
        cwd=proj, env=env,
    )  # fmt: skip
    assert (proj / "results" / "h" / "summary.json").is_file()

    # a tiny batch of two shipped scenarios, and its comparison
    (proj / "experiments" / "tiny.yaml").write_text(
        "name: tiny\nscenarios:\n  - ../scenarios/historical.yaml\n"
        "  - ../scenarios/no_wagner.yaml\nreplicates: 2\nseed: 3\nend: 2020-06\n"
        "params: {n_civilian_agents: 1000}\n",
        encoding="utf-8",
    )
    out = run(
        [malisim, "batch", "experiments/tiny.yaml", "--out", "results/tiny", "--workers", "2",
         "--progress", "none"],
        cwd=proj, env=env,
    )  # fmt: skip
    assert "4 of 4 runs done, 0 failed" in out, out
    out = run([malisim, "compare", "results/tiny"], cwd=proj, env=env)
    assert "no_wagner" in out and "diff vs historical" in out
    assert (proj / "results" / "tiny" / "analysis" / "comparison.csv").is_file()
