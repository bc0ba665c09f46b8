"""Located errors for user files: pydantic validation errors as ``file:line: key: what is allowed``.

Every user file (scenarios, experiments, calibrations, sensitivity analyses) is validated with
pydantic models and reports a problem as one :class:`~malisim.core.errors.UserError` naming the
file, the line, the key path, what is allowed and, for a typo, the likely intended word:
:func:`validate_section` validates one mapping of a file, :func:`raise_validation` turns a
:class:`pydantic.ValidationError` into the first (by line) located error, and :class:`Locator`
builds the location of any key path of a file.

The toolkit knows no model of the package. A model declares how its keys are spoken of, and a
field type what its values must be, through two small hooks:

* a classmethod ``located_wording()`` on the model returning a :class:`KeyWording` (the message
  for an unknown or a missing key, the accepted keys, whether to list them); without one, a
  model's keys are its fields and are called keys;
* a :class:`TypeWord` in a field type's ``Annotated`` metadata (e.g. ``YYYY-MM`` months), used by
  "expected ..., got ..." messages for the field or, on a list's item type, for its items.

Bounds come from the fields' ``ge``/``gt``/``le``/``lt`` constraints and an optional
``json_schema_extra={"unit": ...}``.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Collection, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from malisim.core.errors import UserError, did_you_mean
from malisim.core.yamlio import LineOf, format_key_path

#: What a value of a pydantic error type must be, in words ("expected a number, got 'x'").
TYPE_WORDS: dict[str, str] = {
    "float_type": "a number",
    "float_parsing": "a number",
    "finite_number": "a finite number",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "string_type": "text",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
}
_RANGE_ERRORS = frozenset({"greater_than_equal", "less_than_equal", "greater_than", "less_than"})


@dataclass(frozen=True)
class TypeWord:
    """What a field's values must be, in words, put in the field type's ``Annotated`` metadata.

    Example: ``Month = Annotated[str, AfterValidator(check), TypeWord("a month YYYY-MM")]``
    makes a number given for a month read "expected a month YYYY-MM, got 5".

    Attributes:
        text: The words, e.g. ``"a month YYYY-MM, e.g. 2022-01"``.
    """

    text: str


@dataclass(frozen=True)
class KeyWording:
    """How located errors speak of the keys of one pydantic model.

    A model returns one from a classmethod ``located_wording()``; see :func:`wording_of`.

    Attributes:
        unknown: The message for a key the model does not accept.
        missing: The message for a required key that is absent.
        keys: The accepted keys (default: the model's fields); a mistyped key is matched
            against them.
        list_keys: Whether the message for an unknown key lists ``keys`` as allowed.
        suggest_from: For a validator's message that starts with one of these texts (e.g.
            ``"unknown parameter"``) about a text value, the names a did-you-mean is drawn from.
    """

    unknown: str = "unknown key"
    missing: str = "missing required key"
    keys: tuple[str, ...] | None = None
    list_keys: bool = True
    suggest_from: Mapping[str, Collection[str]] = field(default_factory=dict)


def wording_of(model: type[BaseModel]) -> KeyWording:
    """The model's :class:`KeyWording`: its ``located_wording()``, else the default wording."""
    hook = getattr(model, "located_wording", None)
    return hook() if callable(hook) else KeyWording()


def allowed_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts, as its wording declares them (default: its fields)."""
    keys = wording_of(model).keys
    return list(model.model_fields) if keys is None else list(keys)


def describe(value: Any) -> str:
    """Describe a user value briefly for a message (text quoted, long values shortened)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def number_text(value: Any) -> str:
    """A bound as text: whole floats without ``.0``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def type_word(annotation: Any, metadata: Collection[Any] = ()) -> str | None:
    """The :class:`TypeWord` of a type (in ``metadata``, on it, or on a member of a union)."""
    found = [m for m in metadata if isinstance(m, TypeWord)]
    stack = [annotation]
    while stack and not found:
        tp = stack.pop()
        found = [m for m in getattr(tp, "__metadata__", ()) if isinstance(m, TypeWord)]
        if typing.get_origin(tp) in (typing.Union, types.UnionType):
            stack.extend(typing.get_args(tp))
    return found[0].text if found else None


def _item_type_word(annotation: Any) -> str | None:
    """The :class:`TypeWord` of the items of a list type (optional or not), if any."""
    stack = [annotation]
    while stack:
        tp = stack.pop()
        origin = typing.get_origin(tp)
        if origin is list:
            args = typing.get_args(tp)
            return type_word(args[0]) if args else None
        if origin in (typing.Union, types.UnionType):
            stack.extend(typing.get_args(tp))
    return None


def bounds_text(model: type[BaseModel], name: str) -> str | None:
    """Return ``"low to high unit"`` (or ``at least``/``at most``) for a bounded field, or None."""
    info = model.model_fields.get(name)
    if info is None:
        return None
    low = high = None
    for meta in info.metadata:
        low = getattr(meta, "ge", getattr(meta, "gt", None)) if low is None else low
        high = getattr(meta, "le", getattr(meta, "lt", None)) if high is None else high
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    unit = f" {extra['unit']}" if "unit" in extra else ""
    if low is not None and high is not None:
        return f"{number_text(low)} to {number_text(high)}{unit}"
    if low is not None:
        return f"at least {number_text(low)}{unit}"
    if high is not None:
        return f"at most {number_text(high)}{unit}"
    return None


class Locator:
    """Builds the location keywords of a :class:`UserError` for key paths of one file.

    Args:
        file: The file (or ``--set``).
        line_of: Key path -> line, from :func:`malisim.core.yamlio.load_yaml_file` (or None
            when the lines are not known, e.g. for a mapping built in Python).
    """

    def __init__(self, file: str | None, line_of: LineOf | None) -> None:
        self.file = file
        self.line_of = line_of

    def __call__(self, *path: Hashable) -> dict[str, Any]:
        """``file``, ``line`` and ``key`` of a key path."""
        return {
            "file": self.file,
            "line": self.line_of(path) if self.line_of else None,
            "key": format_key_path(path),
        }


def error_from_pydantic(
    err: Any,
    model: type[BaseModel],
    prefix: tuple[Hashable, ...],
    file: str | None,
    line_of: LineOf | None,
) -> UserError:
    """Turn one pydantic error (an item of ``ValidationError.errors()``) into a UserError.

    Args:
        err: The pydantic error.
        model: The model that was validated.
        prefix: Key path of the model's mapping in the file.
        file: The file, for the location.
        line_of: Key path -> line of the file, if known.

    Returns:
        The located error.
    """
    loc = tuple(err["loc"])
    full = (*prefix, *loc)
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    name = loc[0] if loc and isinstance(loc[0], str) else None
    info = model.model_fields.get(name) if name else None
    wording = wording_of(model)
    where = Locator(file, line_of)(*full)
    if kind == "extra_forbidden":
        keys = allowed_keys(model)
        allowed = ", ".join(keys) if wording.list_keys else None
        return UserError(
            wording.unknown, allowed=allowed, suggestion=did_you_mean(loc[-1], keys), **where
        )
    if kind == "missing":
        return UserError(wording.missing, **where)
    if kind in _RANGE_ERRORS and name and len(loc) == 1:
        allowed = bounds_text(model, name)
        if allowed is None:
            allowed = ", ".join(f"{k.replace('_', ' ')} {number_text(v)}" for k, v in ctx.items())
        return UserError(f"{describe(value)} is out of range", allowed=allowed, **where)
    if kind in TYPE_WORDS:
        wanted = None
        if info is not None and len(loc) == 1:
            wanted = type_word(info.annotation, info.metadata)
        elif info is not None and len(loc) == 2 and isinstance(loc[1], int):
            wanted = _item_type_word(info.annotation)
        return UserError(f"expected {wanted or TYPE_WORDS[kind]}, got {describe(value)}", **where)
    if kind == "literal_error":
        return UserError(
            f"{describe(value)} is not allowed", allowed=str(ctx.get("expected", "")), **where
        )
    message = str(err.get("msg", "invalid value"))
    for lead in ("Value error, ", "Assertion failed, "):
        message = message.removeprefix(lead)
    suggestion = None
    if isinstance(value, str):
        for lead, names in wording.suggest_from.items():
            if message.startswith(lead):
                suggestion = did_you_mean(value, names)
                break
    if kind not in ("value_error", "assertion_error"):
        message = f"{message[:1].lower()}{message[1:]}, got {describe(value)}"
    return UserError(message, suggestion=suggestion, **where)


def raise_validation(
    exc: ValidationError,
    model: type[BaseModel],
    prefix: tuple[Hashable, ...],
    file: str | None,
    line_of: LineOf | None,
) -> typing.NoReturn:
    """Raise the first (by line) error of a ValidationError as a UserError.

    Args:
        exc: The validation error.
        model: The model that was validated.
        prefix: Key path of the model's mapping in the file.
        file: The file, for the location.
        line_of: Key path -> line of the file, if known.

    Raises:
        UserError: Always.
    """
    errors = [
        error_from_pydantic(e, model, prefix, file, line_of) for e in exc.errors(include_url=False)
    ]
    errors.sort(key=lambda e: (e.line is None, e.line or 0))
    raise errors[0] from None


def validate_section(
    model: type[BaseModel], data: Any, prefix: tuple[Hashable, ...], where: Locator
) -> Any:
    """Validate one mapping of a user file against a pydantic model (strict types).

    Args:
        model: The model.
        data: The mapping read from the file.
        prefix: Key path of the mapping in the file (``()`` for the whole file).
        where: The file's locator.

    Returns:
        The validated model instance.

    Raises:
        UserError: Located at the offending key.
    """
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else repr(data)
        raise UserError(f"expected a mapping, got {kind}", **where(*prefix))
    try:
        return model.model_validate(data, strict=True)
    except ValidationError as exc:
        raise_validation(exc, model, prefix, where.file, where.line_of)
