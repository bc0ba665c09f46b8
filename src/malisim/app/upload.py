"""Opening a scenario file from the student's computer on the page.

The file arrives as bytes with its name (:mod:`malisim.app.upload_widget` reads it in the
browser). :func:`load_upload` writes it into the session's own folder and loads it with
:func:`malisim.scenario.load_scenario`, the loader of the command line, so a malformed file
gets the same located message (name, line, key, what is allowed) as ``malisim validate``;
the message names the file as the student called it, never the server's folder. Plain Python
(no Solara), so it is tested without a browser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from malisim.core.errors import UserError
from malisim.scenario import ResolvedScenario, load_scenario

#: The largest scenario file the page opens (bytes); shipped scenarios are a few kB.
MAX_UPLOAD_BYTES = 256_000
#: File name endings the page opens.
UPLOAD_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Upload:
    """A scenario file opened on the page.

    Attributes:
        name: The name the picker shows (the file's stem; made unique in the session).
        path: Where the session keeps the file.
        scenario: The scenario, resolved.
    """

    name: str
    path: Path
    scenario: ResolvedScenario


def _safe_stem(file_name: str) -> str:
    """The file's stem with anything but letters, digits, ``-`` and ``_`` replaced by ``_``."""
    stem = Path(file_name.replace("\\", "/")).name
    for suffix in UPLOAD_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return re.sub(r"[^A-Za-z0-9_-]+", "_", stem).strip("_")[:60] or "uploaded"


def load_upload(file_name: str, data: bytes, folder: Path, taken: set[str]) -> Upload:
    """Check and load an uploaded scenario file.

    Args:
        file_name: The file's name on the student's computer.
        data: Its bytes.
        folder: The session's folder for opened files (created if missing).
        taken: Names the picker already shows (the new one gets a number if its stem is taken).

    Returns:
        The :class:`Upload`.

    Raises:
        UserError: The file is not ``.yaml``/``.yml``, is empty or too large, or is not a valid
            scenario (the message names ``file_name`` and the line and key at fault).
    """
    shown = Path(file_name.replace("\\", "/")).name or "the file"
    if not shown.lower().endswith(UPLOAD_SUFFIXES):
        raise UserError(
            "not a scenario file", file=shown, allowed="a YAML file ending in .yaml or .yml"
        )
    if not data:
        raise UserError("the file is empty", file=shown)
    if len(data) > MAX_UPLOAD_BYTES:
        raise UserError(
            f"the file is too large ({len(data):,} bytes)",
            file=shown,
            allowed=f"at most {MAX_UPLOAD_BYTES:,} bytes",
        )
    stem = _safe_stem(shown)
    name, n = stem, 2
    while name in taken:
        name, n = f"{stem}_{n}", n + 1
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_bytes(data)
    try:
        scenario = load_scenario(path)
    except UserError as err:
        path.unlink(missing_ok=True)
        if err.file is not None and Path(err.file) == path:
            err.file = shown
        if err.file is not None and str(folder) in err.file:
            err.file = err.file.replace(str(folder), "").lstrip("/")
        raise
    return Upload(name, path, scenario)


def load_browser_upload(info: dict[str, object], folder: Path, taken: set[str]) -> Upload:
    """:func:`load_upload` of what the browser sent (the upload widget's ``upload`` trait).

    Args:
        info: ``{name, size, text}``; ``text`` is empty when the browser refused a file larger
            than :data:`MAX_UPLOAD_BYTES` without sending it.
        folder: The session's folder for opened files.
        taken: Names the picker already shows.

    Raises:
        UserError: As :func:`load_upload`.
    """
    name = str(info.get("name") or "the file")
    size = info.get("size")
    text = str(info.get("text") or "")
    if isinstance(size, int | float) and size > MAX_UPLOAD_BYTES:
        raise UserError(
            f"the file is too large ({int(size):,} bytes)",
            file=Path(name).name,
            allowed=f"at most {MAX_UPLOAD_BYTES:,} bytes",
        )
    return load_upload(name, text.encode("utf-8"), folder, taken)
