"""Actor families: ACLED and UCDP GED actor names mapped to the model's families.

The mapping is a table (``data/actor_families.csv``, documented in docs/data.md) that a user may
copy, edit and pass to :func:`load_families`. Its columns are ``pattern`` (a regular expression),
``family`` (one of :data:`FAMILY_NAMES`), ``peacekeeper`` (true for UN peacekeeping forces) and
``note``; lines starting with ``#`` are comments. A name is matched by searching each pattern, in
table order, in the name folded by :func:`~malisim.data_io.names.fold` after ACLED's regime-period
suffix is removed (``Military Forces of Mali (2020-)`` is matched as ``military forces of mali``);
patterns match regardless of case and accents; the first matching row wins. A name no row
matches takes the family of its ACLED inter code (:data:`INTER_FAMILY`); a name with no inter
code either is ``other``.

The families extend the model's perpetrator families (``state``, ``foreign``, ``jihadist``,
``signatory``, ``militia``: :data:`malisim.model.vocab.PERPETRATOR_NAMES`) with ``civilians`` and
``other``.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from malisim.core.errors import UserError, did_you_mean
from malisim.data_io.names import fold, strip_accents, strip_regime
from malisim.model.vocab import PERPETRATOR_NAMES

#: The actor families, the model's perpetrator families first.
FAMILY_NAMES: tuple[str, ...] = (*PERPETRATOR_NAMES, "civilians", "other")
#: Families of organised armed groups (the sides of UCDP's violence types).
ORGANISED: tuple[str, ...] = ("state", "foreign", "jihadist", "signatory", "militia")
#: Families on the state side of UCDP's state-based violence (foreign forces fight with the
#: state: an assumption, docs/data.md).
STATE_SIDE: tuple[str, ...] = ("state", "foreign")

#: ACLED's inter codes and their text labels (newer exports write the labels).
INTER_LABELS: dict[int, str] = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
#: Family of an actor that no pattern matches, by its inter code (0: no actor). Rebel groups
#: are ``other`` because in Mali they are jihadist or signatory groups the name must tell apart;
#: external forces are ``foreign``; political and identity militias are ``militia``.
INTER_FAMILY: dict[int, str] = {
    0: "",
    1: "state",
    2: "other",
    3: "militia",
    4: "militia",
    5: "other",
    6: "other",
    7: "civilians",
    8: "foreign",
}
#: Columns of a family table (``note`` and ``peacekeeper`` may be left out).
TABLE_COLUMNS: tuple[str, ...] = ("pattern", "family", "peacekeeper", "note")
_REQUIRED = ("pattern", "family")
_TRUE = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False, "": False}


def _label_key(text: str) -> str:
    key = fold(text)
    return key[:-1] if key.endswith("s") and key not in ("rioters", "protesters") else key


_INTER_BY_LABEL: dict[str, int] = {_label_key(v): k for k, v in INTER_LABELS.items()}
_INTER_BY_LABEL.update({"rioter": 5, "protester": 6, "civilian": 7, "external/other force": 8})


@dataclass(frozen=True)
class FamilyRule:
    """One row of a family table.

    Attributes:
        pattern: The regular expression as written.
        family: The family it assigns.
        peacekeeper: Whether matching actors are UN peacekeepers.
        note: What the row covers.
        line: Line of the row in its file.
        regex: The compiled pattern (accents removed, case ignored).
    """

    pattern: str
    family: str
    peacekeeper: bool
    note: str
    line: int
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", _compile(self.pattern))


@dataclass(frozen=True)
class FamilyTable:
    """A validated family table (see the module docstring).

    Attributes:
        rules: The rows, in matching order.
        source: The file it was read from.
    """

    rules: tuple[FamilyRule, ...]
    source: str

    def classify(
        self, names: pd.Series, inter: pd.Series | np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Family and peacekeeper flag of each actor name.

        Args:
            names: Actor names (empty or missing for no actor).
            inter: ACLED inter codes (0-8, integers) used where no pattern matches; None
                when there are none (unmatched names are then ``other``).

        Returns:
            The family of each name (``""`` for no actor) and whether it is a peacekeeper.
        """
        values = pd.Series(names, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
        codes = (
            np.zeros(values.size, np.int64)
            if inter is None
            else np.asarray(inter, dtype=np.int64).reshape(-1)
        )
        # each distinct name is classified once; factorize hashes the names (np.unique sorted
        # them, a Python comparison per step: most of the time on a long event log)
        inverse, unique = pd.factorize(values)
        folded = [fold(strip_regime(str(u))) for u in unique]
        fam = np.full(unique.size, "", dtype=object)
        keeper = np.zeros(unique.size, bool)
        matched = np.zeros(unique.size, bool)
        for rule in self.rules:
            search = rule.regex.search
            hit = np.fromiter((bool(search(f)) for f in folded), bool, len(folded)) & ~matched
            fam[hit] = rule.family
            keeper[hit] = rule.peacekeeper
            matched |= hit
        family = fam[inverse]
        peace = keeper[inverse]
        unmatched = ~matched[inverse] & (values != "")
        fallback = np.array([INTER_FAMILY[c] or "other" for c in range(9)], dtype=object)
        family[unmatched] = fallback[np.clip(codes[unmatched], 0, 8)]
        no_actor = values == ""
        family[no_actor] = np.array([INTER_FAMILY[c] for c in range(9)], dtype=object)[
            np.clip(codes[no_actor], 0, 8)
        ]
        return family.astype(object), peace


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(strip_accents(pattern), re.IGNORECASE)


def parse_inter(values: pd.Series) -> tuple[np.ndarray, int | None]:
    """ACLED inter codes from numbers (``1``, ``1.0``) or text labels (``State forces``).

    Empty cells are 0 (no actor).

    Returns:
        The codes (int64) and the position of the first value that is neither, or None.
    """
    text = values.astype(str).str.strip()
    unique = pd.unique(text)
    mapping: dict[str, int] = {}
    for u in unique:
        if u == "":
            mapping[u] = 0
            continue
        try:
            number = float(u)
        except ValueError:
            code = _INTER_BY_LABEL.get(_label_key(u), -1)
        else:
            code = int(number) if number.is_integer() and 0 <= number <= 8 else -1
        mapping[u] = code
    codes = text.map(mapping).to_numpy(np.int64)
    bad = np.flatnonzero(codes < 0)
    return codes, (int(bad[0]) if bad.size else None)


def inter_allowed() -> str:
    """The accepted inter codes in words."""
    return "0-8 or " + ", ".join(f"{v!r}" for v in INTER_LABELS.values()) + " (or empty)"


def _rows(text: str) -> list[tuple[int, list[str]]]:
    """The non-comment, non-blank CSV records of a text with their first line."""
    out = []
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    for row in reader:
        if row and any(c.strip() for c in row) and not row[0].lstrip().startswith("#"):
            out.append((start, row))
        start = reader.line_num + 1
    return out


def parse_family_table(text: str, source: str) -> FamilyTable:
    """Validate a family table given as text.

    Raises:
        UserError: Naming ``source``, the line and the column of the first problem: a missing
            column, an empty or invalid pattern, an unknown family, a peacekeeper flag that is
            not true or false.
    """
    rows = _rows(text)
    if not rows:
        raise UserError(
            "the family table is empty", file=source, allowed="a header " + ",".join(TABLE_COLUMNS)
        )
    header_line, header = rows[0]
    names = [h.strip().lower() for h in header]
    missing = [c for c in _REQUIRED if c not in names]
    if missing:
        raise UserError(
            f"the header lacks the column(s) {', '.join(missing)}",
            file=source,
            line=header_line,
            allowed="columns " + ", ".join(TABLE_COLUMNS) + " (peacekeeper and note optional)",
        )
    for i, name in enumerate(names):
        if name not in TABLE_COLUMNS:
            raise UserError(
                f"unknown column {header[i].strip()!r}",
                file=source,
                line=header_line,
                key=f"column {i + 1}",
                allowed=", ".join(TABLE_COLUMNS),
                suggestion=did_you_mean(name, TABLE_COLUMNS),
            )
    pos = {name: names.index(name) for name in names}
    rules = []
    for line, row in rows[1:]:

        def cell(col: str, row: list[str] = row) -> str:
            i = pos.get(col)
            return row[i].strip() if i is not None and i < len(row) else ""

        def bad(
            col: str, message: str, allowed: str, suggestion: str | None = None, line: int = line
        ) -> UserError:
            return UserError(
                message,
                file=source,
                line=line,
                key=f"column {pos[col] + 1} ({col})",
                allowed=allowed,
                suggestion=suggestion,
            )

        if len(row) > len(names):
            raise UserError(
                f"{len(row)} cells for {len(names)} columns (quote a pattern or note that holds "
                "a comma)",
                file=source,
                line=line,
            )
        pattern = cell("pattern")
        if not pattern:
            raise bad("pattern", "empty pattern", "a regular expression")
        try:
            _compile(pattern)
        except re.error as exc:
            raise bad(
                "pattern",
                f"{pattern!r} is not a valid regular expression ({exc})",
                "a Python regular expression, e.g. \\bjnim\\b|katiba macina",
            ) from None
        family = cell("family").lower()
        if family not in FAMILY_NAMES:
            raise bad(
                "family",
                f"unknown family {cell('family')!r}",
                ", ".join(FAMILY_NAMES),
                did_you_mean(family, FAMILY_NAMES),
            )
        flag = cell("peacekeeper").lower()
        if flag not in _TRUE:
            raise bad(
                "peacekeeper", f"peacekeeper is {cell('peacekeeper')!r}", "true or false (or empty)"
            )
        rules.append(FamilyRule(pattern, family, _TRUE[flag], cell("note"), line))
    return FamilyTable(tuple(rules), source)


def load_families(path: str | Path | None = None) -> FamilyTable:
    """Read and validate a family table.

    Args:
        path: A CSV file in the columns of ``data/actor_families.csv``; None reads that file.

    Returns:
        The table.

    Raises:
        UserError: If the file is missing or a row is invalid (file, line and column named).
    """
    if path is None:
        ref = resources.files("malisim").joinpath("data", "actor_families.csv")
        text = ref.read_text(encoding="utf-8")
        return parse_family_table(text, "malisim/data/actor_families.csv")
    path = Path(path)
    if not path.is_file():
        raise UserError("family table not found", file=str(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", file=str(path), allowed="a UTF-8 CSV file") from None
    return parse_family_table(text, str(path))
