"""docs/ODD.md against the code: its code references resolve and its tables match the model.

The ODD names code in two forms. The tables (the phase and rule tables of section 3, section 8)
use ``path:qualname``: a file from the repository root and the dotted name defined in it
(``src/malisim/model/conflict.py:clashes``, ``src/malisim/model/civilians.py:
CivilianPopulation.victimise``). Running text uses a short form in backticks: a module and a
name (``conflict.clashes``), a class and a member (``State.deploy``), a file under
``src/malisim`` (``model/conflict.py``) or a parameter (``p.flight_rate``). The tests check that
every such reference names something that exists, that the rule table has a row for every rule
of section 7, and that the phase table is the model's ``PHASE_TABLE``. Names are resolved by
parsing the source files (no import), so a private method counts.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

from malisim.model.mali_model import PHASE_TABLE, PHASES
from malisim.model.parameters import FIXED_CONSTANTS_BEGIN, FIXED_CONSTANTS_END, Parameters

ROOT = Path(__file__).resolve().parents[1]
ODD = ROOT / "docs" / "ODD.md"
PACKAGE = ROOT / "src" / "malisim"

#: ``path:qualname`` anywhere in the text (a trailing full stop is not part of it).
PATH_QUALNAME = re.compile(r"(?<![\w/.-])([\w/.-]+\.py):([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)")
CODE_SPAN = re.compile(r"`([^`\n]+)`")
DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
PARAMETER = re.compile(r"(?<![\w.])p\.([A-Za-z_]\w*)")
#: Bare names that can only be code: private (``_sieges``) or constants (``MINUSMA_BASES``).
BARE_CODE_NAME = re.compile(r"_\w+|[A-Z][A-Z0-9]*_[A-Z0-9_]+")
#: Roots of dotted names that belong to other libraries (not checked).
EXTERNAL_ROOTS = frozenset({"np", "numpy", "pd", "pandas", "mesa", "random", "scipy"})
#: Suffixes of data and document files named in the text (not code).
DATA_SUFFIXES = (".csv", ".yaml", ".yml", ".json", ".md", ".txt", ".parquet", ".html")
RULE_TABLE_HEADER = ["section", "rule", "function(s)", "phase"]
PHASE_TABLE_HEADER = ["#", "phase"]
PHASE_FILE = "src/malisim/model/mali_model.py"


def odd_text() -> str:
    return ODD.read_text(encoding="utf-8")


def hand_written(text: str) -> str:
    """The text with the generated block of section 8 blanked (scripts/gen_docs.py writes it).

    Its lines stay as empty lines, so that line numbers still match the file.
    """
    if FIXED_CONSTANTS_BEGIN in text and FIXED_CONSTANTS_END in text:
        head, rest = text.split(FIXED_CONSTANTS_BEGIN, 1)
        block, tail = rest.split(FIXED_CONSTANTS_END, 1)
        return head + "\n" * block.count("\n") + tail
    return text


def section(text: str, number: int) -> str:
    """Section ``number`` of the ODD (from its ``## n`` heading to the next ``##`` heading)."""
    parts = re.split(rf"^## {number} ", text, maxsplit=1, flags=re.M)
    assert len(parts) == 2, f"docs/ODD.md has no section heading '## {number} ...'"
    return re.split(r"^## ", parts[1], maxsplit=1, flags=re.M)[0]


def tables(text: str) -> list[list[list[str]]]:
    """The Markdown tables of a text: rows of stripped cells, header first, separator dropped."""
    found: list[list[list[str]]] = []
    current: list[list[str]] = []
    for line in [*text.splitlines(), ""]:
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if not all(re.fullmatch(r":?-+:?", c) for c in cells):
                current.append(cells)
        elif current:
            found.append(current)
            current = []
    return found


def table_with_header(text: str, header: list[str], where: str) -> list[list[str]]:
    for table in tables(text):
        if table[0][: len(header)] == header:
            return table
    raise AssertionError(
        f"docs/ODD.md {where} has no table whose header starts with | {' | '.join(header)} |"
    )


def line_of(text: str, needle: str) -> int:
    return text[: text.find(needle)].count("\n") + 1


# ---------------------------------------------------------------------- resolving names in files
def _targets(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for elt in node.elts for name in _targets(elt)]
    return []


def defined_names(body: list[ast.stmt], with_imports: bool = False) -> dict[str, ast.AST]:
    """Names a module or class body defines: functions, classes, assigned names.

    A class also defines the attributes its methods assign to ``self``. With ``with_imports``,
    names imported into the body count too (a module's re-exports).
    """
    names: dict[str, ast.AST] = {}
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                names.update(dict.fromkeys(_targets(target), node))
        elif isinstance(node, ast.AnnAssign):
            names.update(dict.fromkeys(_targets(node.target), node))
        elif with_imports and isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names[(alias.asname or alias.name).split(".")[0]] = node
    return names


def _self_attributes(cls: ast.ClassDef) -> set[str]:
    out = set()
    for node in ast.walk(cls):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id == "self"
            ):
                out.add(target.attr)
    return out


@cache
def parsed(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def qualname_problem(path: Path, qualname: str, with_imports: bool = False) -> str | None:
    """Why ``qualname`` is not defined in the file at ``path`` (None when it is).

    An empty qualname names the file itself; the last part of a class member may be an
    attribute that the class's methods assign to ``self``.
    """
    body: list[ast.stmt] = parsed(path).body
    parts = qualname.split(".") if qualname else []
    owner: ast.ClassDef | None = None
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        node = defined_names(body, with_imports=with_imports and owner is None).get(part)
        done = ".".join(parts[: i + 1])
        if node is None:
            if last and owner is not None and part in _self_attributes(owner):
                return None
            return f"{done} is not defined in {path.relative_to(ROOT)}"
        if last:
            return None
        if not isinstance(node, ast.ClassDef):
            return f"{done} is not a class in {path.relative_to(ROOT)}, so it has no {parts[i + 1]}"
        owner, body = node, node.body
    return None


# ---------------------------------------------------------------------- the package's files
@cache
def package_files() -> tuple[Path, ...]:
    return tuple(sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts))


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def files_of_module() -> dict[str, list[Path]]:
    """Full and short module names (``malisim.model.conflict``, ``conflict``) -> files."""
    out: dict[str, list[Path]] = {}
    for path in package_files():
        name = module_name(path)
        out.setdefault(name, []).append(path)
        if "." in name:
            out.setdefault(name.rsplit(".", 1)[1], []).append(path)
    return out


@cache
def files_defining(name: str) -> tuple[Path, ...]:
    """Files of the package that define ``name`` at module level."""
    return tuple(p for p in package_files() if name in defined_names(parsed(p).body))


@cache
def every_defined_name() -> frozenset[str]:
    """Every name the package defines: at module level, in a class, or as a ``self`` attribute."""
    names: set[str] = set()
    for path in package_files():
        for node in ast.walk(parsed(path)):
            if isinstance(node, (ast.Module, ast.ClassDef)):
                names.update(defined_names(node.body))
            if isinstance(node, ast.ClassDef):
                names.update(_self_attributes(node))
    return frozenset(names)


def short_reference_problem(ref: str) -> str | None:
    """Why a dotted short reference names nothing (None when it names something)."""
    parts = ref.split(".")
    if parts[0] in EXTERNAL_ROOTS:
        return None
    modules = files_of_module()
    candidates: list[tuple[Path, str]] = []
    if parts[0] == "malisim":
        for cut in range(len(parts), 0, -1):
            for path in modules.get(".".join(parts[:cut]), []):
                candidates.append((path, ".".join(parts[cut:])))
            if candidates:
                break
    else:
        candidates += [(path, ".".join(parts[1:])) for path in modules.get(parts[0], [])]
        candidates += [(path, ref) for path in files_defining(parts[0])]
    if not candidates:
        return f"{parts[0]} is neither a module of malisim nor a name defined in one"
    problems = [qualname_problem(path, qual, with_imports=True) for path, qual in candidates]
    return None if None in problems else "; ".join(p for p in problems if p)


# ---------------------------------------------------------------------- (a) references resolve
def test_every_path_qualname_reference_resolves():
    text = odd_text()
    refs = PATH_QUALNAME.findall(text)
    assert refs, "docs/ODD.md names no code as path:qualname; its tables should"
    problems = []
    for path, qualname in sorted(set(refs)):
        where = f"`{path}:{qualname}` (line {line_of(text, f'{path}:{qualname}')})"
        file = ROOT / path
        if not file.is_file():
            problems.append(f"{where}: there is no file {path} (paths start at the repo root)")
            continue
        problem = qualname_problem(file, qualname)
        if problem:
            problems.append(f"{where}: {problem}")
    assert not problems, (
        "docs/ODD.md names code that does not exist; point each reference at the current "
        "path:qualname (or restore the function):\n" + "\n".join(problems)
    )


def test_every_short_code_reference_resolves():
    text = hand_written(odd_text())
    problems = []
    for span in sorted(set(CODE_SPAN.findall(text))):
        where = f"`{span}` (line {line_of(text, f'`{span}`')})"
        if span.endswith(".py") and " " not in span:
            if not ((ROOT / span).is_file() or (PACKAGE / span).is_file()):
                problems.append(f"{where}: no such file under the repo root or src/malisim/")
        elif (
            DOTTED.fullmatch(span)
            and not span.startswith("p.")
            and not span.endswith(DATA_SUFFIXES)
        ):
            problem = short_reference_problem(span)
            if problem:
                problems.append(f"{where}: {problem}")
        elif BARE_CODE_NAME.fullmatch(span) and span not in every_defined_name():
            problems.append(f"{where}: no module, class or function of malisim defines {span}")
    assert not problems, (
        "docs/ODD.md names modules, files or functions that do not exist; write the current "
        "name (`module.name`, `Class.member`, a file under src/malisim/, or path:qualname):\n"
        + "\n".join(problems)
    )


def test_every_parameter_named_exists():
    text = hand_written(odd_text())
    fields = set(Parameters.model_fields)
    unknown = {}
    for span in CODE_SPAN.findall(text):
        for name in PARAMETER.findall(span):
            if name not in fields:
                unknown.setdefault(name, line_of(text, f"p.{name}"))
    assert not unknown, (
        "docs/ODD.md names parameters that malisim.model.parameters does not declare; use the "
        "declared name (docs/parameters.md): "
        + ", ".join(f"p.{n} (line {line})" for n, line in sorted(unknown.items()))
    )


# ---------------------------------------------------------------------- (b) the rule table
def section_7_rules(text: str) -> tuple[dict[str, str], set[str]]:
    """(every section-7 heading number -> title, the numbers that need a row in the table).

    A ``#### 7.x.y`` heading is one rule; a ``### 7.x`` heading without subsections is one too.
    """
    body = section(text, 7)
    headings = dict(re.findall(r"^#{3,4} (7(?:\.\d+){1,2}) (.+)$", body, flags=re.M))
    subsections = {n for n in headings if n.count(".") == 2}
    parents = {n.rsplit(".", 1)[0] for n in subsections}
    alone = {n for n in headings if n.count(".") == 1 and n not in parents}
    return headings, subsections | alone


def test_rule_table_has_a_row_naming_a_function_for_every_rule_of_section_7():
    text = odd_text()
    headings, rules = section_7_rules(text)
    assert rules, "docs/ODD.md section 7 has no ### 7.x or #### 7.x.y headings"
    table = table_with_header(section(text, 3), RULE_TABLE_HEADER, "section 3 (rule table)")
    rows = table[1:]
    numbers = [row[0] for row in rows]
    problems = []
    for number in sorted(rules - set(numbers), key=lambda n: [int(x) for x in n.split(".")]):
        problems.append(
            f"section {number} ({headings[number]}) has no row: add | {number} | rule | "
            "`path:qualname` of its function(s) | phase(s) |"
        )
    for number in sorted({n for n in numbers if numbers.count(n) > 1}):
        problems.append(f"section {number} has {numbers.count(number)} rows: merge them")
    for row in rows:
        if len(row) != len(RULE_TABLE_HEADER):
            problems.append(f"row {row[0]} has {len(row)} cells, not {len(RULE_TABLE_HEADER)}")
            continue
        number, _, functions, phase = row
        if number not in headings:
            problems.append(f"row {number}: section 7 has no heading {number}; fix the number")
        if not PATH_QUALNAME.search(functions):
            problems.append(f"row {number}: name its function(s) as `path:qualname`")
        named = CODE_SPAN.findall(phase)
        unknown = [name for name in named if name not in PHASES]
        if unknown:
            problems.append(f"row {number}: {unknown} are not phases; phases are {list(PHASES)}")
        if not named and "initialisation" not in phase:
            problems.append(f"row {number}: name its phase(s) in backticks (or initialisation)")
    assert not problems, "the rule table of docs/ODD.md section 3:\n" + "\n".join(problems)


# ---------------------------------------------------------------------- (c) the phase table
def test_phase_table_is_the_model_phase_table():
    text = odd_text()
    table = table_with_header(section(text, 3), PHASE_TABLE_HEADER, "section 3 (phase table)")
    header, rows = table[0], table[1:]
    documented = [row[1].strip("`") for row in rows]
    assert documented == list(PHASES), (
        "the phases of docs/ODD.md section 3 must be malisim.model.mali_model.PHASES in order:\n"
        f"  doc:  {documented}\n  code: {list(PHASES)}"
    )
    column = next((i for i, h in enumerate(header) if "phase function" in h), None)
    assert column is not None, "the phase table needs a 'phase function' column"
    wrong = []
    for row, (name, run_phase) in zip(rows, PHASE_TABLE, strict=True):
        expected = f"{PHASE_FILE}:MaliModel.{run_phase.__name__}"
        if expected not in row[column]:
            wrong.append(f"phase {name}: its phase function is `{expected}`, not {row[column]}")
    assert not wrong, "docs/ODD.md section 3's phase table:\n" + "\n".join(wrong)
