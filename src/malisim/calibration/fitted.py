"""The fitted scenario file: its YAML text, where it may be written, and its atomic write.

A calibration writes the posterior medians as a parameter layer (``name``, ``description``,
``params``; no ``extends``, no policies) twice: always as ``calibrated.yaml`` in its output
folder (``--out``), and, if the calibration file says so, to its ``fitted_scenario``. Because a
calibration file may come from anyone, that second file is confined:

* ``fitted_scenario`` is a ``.yaml``/``.yml`` file name or relative path, read from the
  calibration file's folder (the shipped ``../scenarios/calibrated.yaml``); absolute paths are
  refused when the file is loaded;
* the file must lie directly in one of two folders: the output folder, or the folder of the
  calibration's ``scenario`` file (where the scenarios that ``extends`` it live: ``extends`` only
  reads files of the extending file's own folder). The check is made on the real paths, so a
  symbolic link to a folder elsewhere is refused too;
* an existing file is replaced only with ``overwrite`` (``malisim calibrate --overwrite``);
  without it the calibration stops before running any model;
* the file is written atomically: to a new temporary file in the same folder, fsynced, then
  renamed into place (:func:`os.replace`) or, without ``overwrite``, hard-linked into place, which
  fails rather than replace a file created meanwhile. A failed write leaves the old file whole
  and no temporary file;
* the text is emitted by :func:`yaml.safe_dump` from data; user strings (the scenario's name)
  are only YAML values, and the header comment quotes the calibration file's name with every
  control character escaped, so no name can add a line to the file.

Every refusal is a :class:`~malisim.core.errors.UserError` at ``calibration.yaml:LINE:
fitted_scenario``, saying what is allowed.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import secrets
from pathlib import Path
from typing import Any

import yaml

from malisim.calibration.config import Calibration
from malisim.core.errors import UserError
from malisim.core.version import __version__

#: File name endings a fitted scenario may have.
FITTED_SUFFIXES = (".yaml", ".yml")
#: The name of the copy of the fitted scenario in the output folder.
OUT_COPY = "calibrated.yaml"


def fitted_scenario_text(
    cal: Calibration, fitted: dict[str, float | int], path: Path, n: int
) -> str:
    """The YAML text of the fitted parameter file.

    It holds only the calibrated parameters (no ``extends``, no policies): a layer that the
    shipped scenarios extend (``historical.yaml`` and ``baseline_2019.yaml`` do), so that every
    scenario built on them uses the calibrated values.

    Args:
        cal: The calibration.
        fitted: Parameter -> fitted value (plain Python numbers).
        path: Where the text is written (not used in it).
        n: Simulations run by the calibration.

    Returns:
        The text: a header comment, then YAML emitted from data.
    """
    del path
    source = json.dumps(str(cal.source))  # one line: control characters and non-ASCII escaped
    header = [
        f"# Written by malisim calibrate (malisim {__version__}) from {source} on "
        f"{datetime.date.today().isoformat()}.",
        f"# Posterior medians of an ABC-{cal.method.upper()} calibration ({int(n)} simulations) "
        "on the",
        "# fitted targets of docs/calibration.md; do not edit by hand, rerun the calibration.",
    ]
    data: dict[str, Any] = {
        "name": "calibrated",
        "description": f"Parameters calibrated on the documented figures of {_fit_span(cal)} "
        f"(posterior medians; see docs/calibration.md), fitted with the {cal.scenario.name} "
        "scenario. "
        "Scenarios extend this file to use them.",
        "params": dict(fitted),
    }
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=False, width=96)
    return "\n".join(header) + "\n" + body


def _fit_span(cal: Calibration) -> str:
    """The years the fitted figures cover, e.g. ``2019-2022`` (``the fit period`` if none)."""
    if not cal.fit_targets:
        return "the fit period"
    first = min(t.start for t in cal.fit_targets) // 12
    last = max(t.end for t in cal.fit_targets) // 12
    return f"{first}" if first == last else f"{first}-{last}"


def _where(cal: Calibration) -> dict[str, Any]:
    return {"file": cal.source, "line": cal.fitted_scenario_line, "key": "fitted_scenario"}


def allowed_folders(cal: Calibration, out: str | Path) -> list[Path]:
    """The folders a calibration's fitted scenario may be written into (real paths).

    Args:
        cal: The calibration.
        out: Its output folder (need not exist yet).

    Returns:
        The output folder, then the folder of the calibration's scenario file (if known).
    """
    folders = [Path(out).resolve()]
    if cal.scenario_file is not None:
        folders.append(Path(cal.scenario_file).parent.resolve())
    return list(dict.fromkeys(folders))


def fitted_scenario_target(cal: Calibration, out: str | Path, *, overwrite: bool) -> Path | None:
    """Check where the calibration's ``fitted_scenario`` goes, before anything runs.

    Args:
        cal: The calibration.
        out: Its output folder.
        overwrite: Whether an existing file may be replaced.

    Returns:
        The file to write, or None when the calibration names none (or names the output
        folder's own copy, which is written anyway).

    Raises:
        UserError: At ``fitted_scenario`` when the file lies outside the allowed folders (also
            through a symbolic link), is a folder, or exists and ``overwrite`` is not given.
    """
    path = cal.fitted_scenario
    if path is None:
        return None
    folders = allowed_folders(cal, out)
    shown = " or ".join(str(f) for f in folders)
    if path.parent.resolve() not in folders:
        raise UserError(
            f"{path} is outside the folders a fitted scenario may be written to",
            allowed=f"a .yaml file directly in the output folder (--out) or the scenario's "
            f"folder: {shown}",
            **_where(cal),
        )
    if path.parent.resolve() / path.name == Path(out).resolve() / OUT_COPY:
        return None
    if path.is_dir():
        raise UserError(f"{path} is a folder", allowed="a .yaml file name", **_where(cal))
    if os.path.lexists(path) and not overwrite:
        raise UserError(
            f"{path} exists; nothing was run or changed",
            allowed="pass --overwrite to replace it, or --no-fitted-scenario, or name a new file",
            **_where(cal),
        )
    return path


def write_fitted_scenario(path: Path, text: str, *, overwrite: bool) -> None:
    """Write a file atomically: a new temporary sibling, fsync, then into place.

    Args:
        path: The file.
        text: Its text.
        overwrite: Replace an existing file (:func:`os.replace`); without it the temporary file
            is hard-linked into place, which fails if the file exists.

    Raises:
        FileExistsError: When the file exists and ``overwrite`` is false.
        OSError: When the folder cannot be written; the old file (if any) is left whole and no
            temporary file is left.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)
            except FileExistsError:
                raise
            except OSError:  # no hard links on this file system: check, then rename
                if os.path.lexists(path):
                    raise FileExistsError(path) from None
                os.replace(tmp, path)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def save_fitted_scenario(cal: Calibration, path: Path, text: str, *, overwrite: bool) -> None:
    """Write the calibration's fitted scenario, its failures as located user errors.

    Args:
        cal: The calibration (for the location of ``fitted_scenario``).
        path: The file, as checked by :func:`fitted_scenario_target`.
        text: Its text.
        overwrite: Whether an existing file may be replaced.

    Raises:
        UserError: When the file appeared meanwhile (without ``overwrite``) or cannot be written.
    """
    try:
        write_fitted_scenario(path, text, overwrite=overwrite)
    except FileExistsError:
        raise UserError(
            f"{path} was created while the calibration ran; it was left as it was (the fitted "
            "scenario is in the output folder)",
            allowed="pass --overwrite to replace it",
            **_where(cal),
        ) from None
    except OSError as err:
        raise UserError(f"cannot write {path}: {err.strerror or err}", **_where(cal)) from None
