"""Safe reading of user YAML files (scenarios, experiments) with line numbers for error messages.

:func:`load_yaml_file` reads a file with :class:`yaml.SafeLoader` (never ``yaml.load``) and returns
the data together with a ``line_of(key_path)`` function that gives the line of any key, so that a
validation error can point at ``file:line``. Every problem with the file itself (missing, a
directory, not UTF-8, empty, not YAML, tags such as ``!!python/object``, top level not a mapping,
duplicate keys, nesting deeper than :data:`MAX_NESTING` levels) is raised as a
:class:`~malisim.core.errors.UserError`.

Two departures from plain ``SafeLoader``, both to keep user files predictable: dates such as
``2019-01-01`` stay text (months are validated as ``YYYY-MM`` text downstream), and numbers in
exponent form without a dot (``1e4``) are read as numbers, as in YAML 1.2.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import yaml

from malisim.core.errors import UserError

#: Type of the function returned with the data: key path -> 1-based line (or None).
LineOf = Callable[[tuple[Hashable, ...]], int | None]

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = frozenset(
    _CORE + name for name in ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")
) | {_CORE + "merge"}


#: Deepest nesting of lists and mappings a user file may have (the top-level mapping is level 1);
#: user files need a handful of levels, and deeper documents would exhaust Python's recursion.
MAX_NESTING = 100


class _TooDeep(Exception):
    """Raised by the loader at the first node nested deeper than :data:`MAX_NESTING`."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Loader(yaml.SafeLoader):
    """SafeLoader keeping timestamps as text, reading ``1e4`` as a float, bounding the nesting."""

    _depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        """Compose a node, refusing one nested deeper than :data:`MAX_NESTING` levels."""
        if self.check_event(yaml.CollectionStartEvent):
            self._depth += 1
            try:
                if self._depth > MAX_NESTING:
                    raise _TooDeep(self.peek_event().start_mark.line + 1)
                return super().compose_node(parent, index)
            finally:
                self._depth -= 1
        return super().compose_node(parent, index)


_Loader.add_constructor(_CORE + "timestamp", yaml.SafeLoader.construct_yaml_str)  # type: ignore[type-var]
_Loader.add_implicit_resolver(
    _CORE + "float",
    re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
    list("-+0123456789"),
)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


def format_key_path(path: tuple[Hashable, ...]) -> str | None:
    """Render a key path such as ``("policies", 2, "start")`` as ``policies[2].start``.

    Returns:
        The dotted text, or None for the empty path.
    """
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text or None


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _check_nodes(root: yaml.Node, file: str) -> None:
    """Refuse unknown tags and duplicate keys anywhere in the document."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Hashable, ...]]] = [(root, ())]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # aliases share nodes; visit each once
            continue
        seen.add(id(node))
        if node.tag not in _ALLOWED_TAGS:
            raise UserError(
                f"tags are not allowed (found {_short_tag(node.tag)})",
                file=file,
                line=_line(node),
                key=format_key_path(path),
            )
        if isinstance(node, yaml.MappingNode):
            first: dict[tuple[str, str], int] = {}
            for key_node, value_node in node.value:
                if key_node.tag not in _ALLOWED_TAGS:
                    raise UserError(
                        f"tags are not allowed (found {_short_tag(key_node.tag)})",
                        file=file,
                        line=_line(key_node),
                        key=format_key_path(path),
                    )
                if isinstance(key_node, yaml.ScalarNode) and key_node.tag != _CORE + "merge":
                    ident = (key_node.tag, key_node.value)
                    if ident in first:
                        raise UserError(
                            f"duplicate key '{key_node.value}' (lines {first[ident]} and "
                            f"{_line(key_node)})",
                            file=file,
                            line=_line(key_node),
                            key=format_key_path((*path, key_node.value)),
                        )
                    first[ident] = _line(key_node)
                child = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                stack.append((value_node, (*path, child)))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                stack.append((item, (*path, i)))


def _make_line_of(root: yaml.Node) -> LineOf:
    def line_of(key_path: tuple[Hashable, ...]) -> int | None:
        """Line of a key path; the line of its deepest existing prefix if it is not there."""
        node = root
        line = None
        for part in key_path:
            if isinstance(node, yaml.MappingNode):
                for key_node, value_node in node.value:
                    if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(part):
                        line, node = _line(key_node), value_node
                        break
                else:
                    return line
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return line
                node = node.value[part]
                line = _line(node)
            else:
                return line
        return line

    return line_of


def _kind(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing (null)"
    return f"a single value ({value!r})"


def parse_yaml_text(text: str, file: str) -> tuple[Any, LineOf]:
    """Parse YAML text safely; see :func:`load_yaml_file` (the text may be any YAML value).

    Args:
        text: The YAML document.
        file: The name used in error messages.

    Returns:
        The data and its ``line_of`` function.

    Raises:
        UserError: If the text is not a single YAML document, holds a tag or duplicate key, or
            nests lists and mappings more than :data:`MAX_NESTING` levels deep.
    """
    loader = _Loader(text)
    try:
        try:
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            problem = err.problem or err.context or "syntax error"
            raise UserError(
                f"not valid YAML: {problem}",
                file=file,
                line=mark.line + 1 if mark else None,
            ) from None
        except yaml.YAMLError as err:  # pragma: no cover - reader errors are marked
            raise UserError(f"not valid YAML: {err}", file=file) from None
        except _TooDeep as err:
            raise UserError(
                f"lists and mappings nested more than {MAX_NESTING} levels deep",
                allowed=f"at most {MAX_NESTING} levels of nesting",
                file=file,
                line=err.line,
            ) from None
        if root is None:
            return None, lambda key_path: None
        _check_nodes(root, file)
        try:
            data = loader.construct_document(root)
        except yaml.MarkedYAMLError as err:
            mark = err.problem_mark or err.context_mark
            raise UserError(
                f"not valid YAML: {err.problem or err.context}",
                file=file,
                line=mark.line + 1 if mark else None,
            ) from None
        except (ValueError, TypeError) as err:  # pragma: no cover - defensive
            raise UserError(f"not valid YAML: {err}", file=file) from None
    finally:
        loader.dispose()
    return data, _make_line_of(root)


def load_yaml_file(path: str | Path) -> tuple[dict[str, Any], LineOf]:
    """Read a user YAML file whose top level is a mapping.

    Args:
        path: The file to read.

    Returns:
        ``(data, line_of)``: the mapping, and a function giving the 1-based line of a key path
        such as ``("params", "fama_troops")`` or ``("policies", 2, "start")`` (the line of the
        deepest part of the path present in the file; None if not even the first key is).

    Raises:
        UserError: If the path is missing or a directory, the bytes are not UTF-8, the file is
            empty or not YAML, holds tags such as ``!!python/object`` or duplicate keys, nests
            more than :data:`MAX_NESTING` levels deep, or its top level is not a mapping.
    """
    file = str(path)
    p = Path(path)
    if not p.exists():
        raise UserError("file not found", file=file)
    if p.is_dir():
        raise UserError("is a directory, not a file", file=file)
    try:
        raw = p.read_bytes()
    except OSError as err:
        raise UserError(f"cannot read the file: {err.strerror or err}", file=file) from None
    skip = 3 if raw.startswith(b"\xef\xbb\xbf") else 0  # a UTF-8 byte order mark
    try:
        text = raw[skip:].decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start + skip
        line = raw[:offset].count(b"\n") + 1
        raise UserError(
            f"not UTF-8 text: byte 0x{raw[offset]:02x} at byte offset {offset} cannot be "
            "decoded (save the file as UTF-8)",
            file=file,
            line=line,
        ) from None
    if not text.strip():
        raise UserError("file is empty", file=file)
    data, line_of = parse_yaml_text(text, file)
    if data is None:
        raise UserError("file is empty (only comments or null)", file=file)
    if not isinstance(data, dict):
        raise UserError(
            f"top level must be a mapping of keys to values, found {_kind(data)}",
            file=file,
            line=1,
        )
    return data, line_of
