"""Output folders: refuse a path that is a file or lies inside one, before anything is written.

Every writer of an output folder (a run, a batch store, a calibration) calls
:func:`check_folder_path` before it creates the folder, so that a bad path is one clear error
rather than an operating-system traceback half-way through; the command line calls it too, before
it prints or runs anything.
"""

from __future__ import annotations

from pathlib import Path

from malisim.core.errors import UserError


def check_folder_path(out: str | Path, key: str = "--out") -> None:
    """Reject an output folder that is a file or would lie inside a file.

    Args:
        out: The folder (it need not exist yet).
        key: The option or file key that gave it (named in the error).

    Raises:
        UserError: When ``out`` or the nearest of its existing parents is not a folder.
    """
    out = Path(out)
    for folder in (out, *out.parents):
        if not folder.exists():
            continue
        if folder.is_dir():
            return
        where = "is a file" if folder == out else f"lies inside {folder}, which is a file"
        raise UserError(f"{where}, not a folder", file=str(out), key=key, allowed="a folder path")
