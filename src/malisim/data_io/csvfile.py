"""Reading users' CSV files: text cells, the line of each record, and located errors.

Every adapter reads its file with :func:`read_text_table` (all cells as text, nothing turned into
NaN, a UTF-8 byte-order mark removed, Windows-1252 as a fallback encoding) and reports a bad cell
with :func:`cell_error`: a :class:`~malisim.core.errors.UserError` naming the file, the line of the
record (counted as a text editor shows it, also when a quoted cell spans lines), the column
(position and name) and what is allowed. The line of a record is found only when an error is
reported, by reading the file again up to it.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from malisim.core.errors import UserError

_ENCODINGS = ("utf-8-sig", "cp1252")


def _open_text(path: Path) -> tuple[str, str]:
    """The file's text and the encoding it was read with."""
    if not path.is_file():
        raise UserError("file not found" if not path.exists() else "not a file", file=str(path))
    raw = path.read_bytes()
    for encoding in _ENCODINGS:
        try:
            return raw.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise UserError(  # pragma: no cover - cp1252 decodes nearly every byte
        "cannot decode the file", file=str(path), allowed="UTF-8 or Windows-1252 text"
    )


class TextTable:
    """A CSV file read as text cells.

    Attributes:
        path: The file.
        frame: One row per record, every cell a string (empty for an empty cell); the index is
            the record's position (0 for the first record after the header).
        header: Whether the first line is a header row.
        skipped: Records skipped before the first data record (e.g. an HXL hashtag row).
    """

    def __init__(self, path: Path, frame: pd.DataFrame, header: bool, skipped: int = 0) -> None:
        self.path = path
        self.frame = frame
        self.header = header
        self.skipped = skipped

    def line_of(self, position: int) -> int:
        """The 1-based line on which the data record at ``position`` starts."""
        target = int(position) + (1 if self.header else 0) + self.skipped
        text, _ = _open_text(self.path)
        reader = csv.reader(io.StringIO(text, newline=""))
        start = 1
        for index, _row in enumerate(reader):
            if index == target:
                return start
            start = reader.line_num + 1
        return start  # pragma: no cover - the record exists

    def column_number(self, column: str) -> int:
        """The 1-based position of a column in the file."""
        return list(self.frame.columns).index(column) + 1

    def cell_error(self, position: int, column: str, message: str, allowed: str) -> UserError:
        """A located error for the cell of record ``position`` in ``column``."""
        return UserError(
            message,
            file=str(self.path),
            line=self.line_of(position),
            key=f"column {self.column_number(column)} ({column})",
            allowed=allowed,
        )


def read_text_table(
    path: str | Path, names: tuple[str, ...] | None = None, what: str = "CSV file"
) -> TextTable:
    """Read a CSV file with every cell as text.

    Args:
        path: The file.
        names: Column names for a file without a header row (None: the first line is the
            header).
        what: What the file should be, for messages (``"ACLED export"``).

    Returns:
        The table.

    Raises:
        UserError: If the file is missing, empty or not CSV, or a header-less file has more
            cells in a row than ``names``.
    """
    path = Path(path)
    text, _ = _open_text(path)
    if not text.strip():
        raise UserError(f"the file is empty; expected a {what}", file=str(path))
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            dtype=str,
            keep_default_na=False,
            header=0 if names is None else None,
            names=None if names is None else list(names),
            index_col=False,
        )
    except (pd.errors.ParserError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise UserError(f"not a readable {what} ({first})", file=str(path)) from None
    if names is None:
        frame.columns = [str(c).strip() for c in frame.columns]
    frame = frame.reset_index(drop=True)
    return TextTable(path, frame, header=names is None)


def missing_columns_error(table: TextTable, missing: list[str], what: str) -> UserError:
    """The error for a header row that lacks required columns (line 1)."""
    return UserError(
        f"the header lacks the column(s) {', '.join(missing)}; this is not an {what} in its "
        "published columns",
        file=str(table.path),
        line=1,
        allowed=", ".join(missing),
    )
