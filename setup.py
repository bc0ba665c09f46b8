"""Build hook: the wheel carries the example scenarios, experiments, docs and schema.

They stay at the top of the checkout (scenarios/, experiments/, docs/, schemas/), where every
command, test and document refers to them; building the package copies those folders into
``malisim/examples/`` of the build, so that an installed wheel has them too and ``malisim init
DIR`` can copy them into a project folder (see ``malisim.core.examples``). An editable install
copies nothing: it reads the checkout's folders. Everything else is configured in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: The folders shipped (the same as malisim.core.examples.EXAMPLE_FOLDERS; tests/test_install.py
#: checks that the wheel holds every file of each).
EXAMPLE_FOLDERS = ("scenarios", "experiments", "docs", "schemas")
IGNORED = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", ".*", "*.pyc")


class BuildPyWithExamples(build_py):
    """``build_py`` that also copies the example folders into ``malisim/examples``."""

    def run(self) -> None:
        """Build the packages, then copy the examples next to them (not for editable installs)."""
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "malisim" / "examples"
        if target.exists():
            shutil.rmtree(target)
        for name in EXAMPLE_FOLDERS:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, target / name, ignore=IGNORED)


setup(cmdclass={"build_py": BuildPyWithExamples})
