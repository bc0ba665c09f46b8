"""The example files a project starts from, and ``malisim init``: copying them into a new folder.

The example scenarios, experiments, documentation (tutorial notebooks included) and the scenario
schema live at the top of the checkout (``scenarios/``, ``experiments/``, ``docs/``,
``schemas/``), where every command, test and document refers to them. Building a wheel copies
those folders into the package as ``malisim/examples/`` (``setup.py``), so that an installed
package carries them as well. :func:`examples_root` finds them in either place (the packaged copy
first, else the checkout the code runs from) and :func:`init_project` copies them into a project
folder, keeping the folders' names and relative layout (experiments refer to
``../scenarios/...``), so that the README's commands work from that folder.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from malisim.core.errors import UserError

#: The folders copied, in this order; the names are also those of the packaged copy.
EXAMPLE_FOLDERS: tuple[str, ...] = ("scenarios", "experiments", "docs", "schemas")
#: The packaged copy, inside the installed package (written by setup.py when a wheel is built).
PACKAGED_EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
#: The top of the checkout when the package runs from one (``src/malisim/core`` -> top).
CHECKOUT = Path(__file__).resolve().parents[3]
#: Names never copied: editor, notebook and Python caches.
IGNORED_NAMES = frozenset({"__pycache__", ".ipynb_checkpoints", ".DS_Store"})


@dataclass(frozen=True)
class InitResult:
    """What :func:`init_project` wrote.

    Attributes:
        folder: The project folder.
        files: The files written, relative to ``folder``, in copy order.
        replaced: Those of ``files`` that existed before (only with ``force``).
    """

    folder: Path
    files: tuple[Path, ...]
    replaced: tuple[Path, ...]

    def count(self, folder: str) -> int:
        """Number of files written under one of :data:`EXAMPLE_FOLDERS`."""
        return sum(1 for f in self.files if f.parts[0] == folder)


def _has_examples(root: Path) -> bool:
    return all((root / name).is_dir() for name in ("scenarios", "experiments"))


def examples_root() -> Path:
    """The folder holding the example folders (:data:`EXAMPLE_FOLDERS`).

    Returns:
        The packaged copy ``malisim/examples`` of an installed wheel, else the top of the
        checkout the package runs from (an editable install or ``PYTHONPATH=src``).

    Raises:
        UserError: If neither holds the examples (a package built without them).
    """
    if _has_examples(PACKAGED_EXAMPLES):
        return PACKAGED_EXAMPLES
    if _has_examples(CHECKOUT) and (CHECKOUT / "pyproject.toml").is_file():
        return CHECKOUT
    raise UserError(
        "the example scenarios and experiments are not installed with this malisim",
        file=str(PACKAGED_EXAMPLES),
        allowed="a malisim wheel built from the repository (pip wheel .), or a checkout",
    )


def example_files(root: Path | None = None) -> list[Path]:
    """Every example file, relative to ``root`` (default :func:`examples_root`), in copy order.

    Hidden files and the caches in :data:`IGNORED_NAMES` are left out; the order is by folder
    (:data:`EXAMPLE_FOLDERS`), then by path.
    """
    root = examples_root() if root is None else root
    out: list[Path] = []
    for name in EXAMPLE_FOLDERS:
        folder = root / name
        if not folder.is_dir():
            continue
        found = []
        for path in folder.rglob("*"):
            rel = path.relative_to(root)
            if not path.is_file() or any(
                part in IGNORED_NAMES or part.startswith(".") for part in rel.parts
            ):
                continue
            found.append(rel)
        out.extend(sorted(found))
    return out


def _copy_atomic(source: Path, target: Path) -> None:
    """Copy one file so that ``target`` appears whole or not at all."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    try:
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def init_project(folder: str | Path, *, force: bool = False) -> InitResult:
    """Copy the example scenarios, experiments, docs and schema into a project folder.

    The folder is created if needed. Nothing is written when an example file already exists
    there, unless ``force``; files of the folder that are not example files are never touched.

    Args:
        folder: The project folder (new, empty, or holding other files).
        force: Replace example files that already exist in ``folder``.

    Returns:
        The files written (:class:`InitResult`).

    Raises:
        UserError: If ``folder`` is a file, an example file exists there (without ``force``),
            or it cannot be written.
    """
    dest = Path(folder)
    root = examples_root()
    files = example_files(root)
    if dest.exists() and not dest.is_dir():
        raise UserError(
            "is a file, not a folder", file=str(dest), allowed="a new or existing folder"
        )
    existing = [rel for rel in files if (dest / rel).exists()]
    if existing and not force:
        raise UserError(
            f"{len(existing)} of the {len(files)} example files exist already, e.g. "
            f"{existing[0].as_posix()}",
            file=str(dest),
            allowed="a new or empty folder, or --force to replace the example files "
            "(other files are kept)",
        )
    try:
        for rel in files:
            _copy_atomic(root / rel, dest / rel)
    except OSError as err:
        raise UserError(
            f"cannot write the example files: {err.strerror or err}",
            file=str(dest),
            allowed="a folder you can write to",
        ) from err
    return InitResult(folder=dest, files=tuple(files), replaced=tuple(existing))
