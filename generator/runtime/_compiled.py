"""Helpers that compiled validators call: JSON equality, messages, pointers, the fallback.

Compiled validator code inlines the common checks; whatever is too large to inline, or must
match ``jsonschema``'s quirks exactly (JSON equality where ``1 == 1.0`` but ``True != 1``,
``multipleOf`` on floats, ``uniqueItems``), lives here once. ``jsonschema`` itself is imported
only inside ``fallback_issues``, for the rare schema the compiler cannot translate.
"""

from __future__ import annotations

import difflib
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from functools import cache
from typing import TYPE_CHECKING, Any

from ._validation import ValidationIssue

if TYPE_CHECKING:
    from typing_extensions import TypeIs

__all__ = [
    "brief",
    "did_you_mean",
    "fallback_issues",
    "is_integer",
    "is_number",
    "json_equal",
    "json_in",
    "json_unique",
    "multiple_of",
    "pointer",
    "unexpected",
]

_BRIEF_LIMIT = 80
_TRUE = object()
_FALSE = object()


def brief(value: object) -> str:
    """``repr(value)``, shortened so one huge payload cannot flood a message."""
    text = repr(value)
    if len(text) <= _BRIEF_LIMIT:
        return text
    return text[: _BRIEF_LIMIT - 3] + "..."


def pointer(path: str, key: str) -> str:
    """``path`` extended by one JSON Pointer segment (``~`` and ``/`` escaped)."""
    return path + "/" + key.replace("~", "~0").replace("/", "~1")


def is_integer(value: object) -> TypeIs[int | float]:
    """JSON Schema's "integer": an int (not a bool) or a float with no fractional part.

    Typed as a ``TypeIs`` so compiled code that returns early on failure may compare the value
    as a number afterwards.
    """
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def is_number(value: object) -> TypeIs[int | float]:
    """JSON Schema's "number": an int or a float, not a bool.

    Compiled code tests ``type(v) is int`` and ``type(v) is float`` first (a single
    ``isinstance`` against a tuple costs several times more); this settles the rest.
    """
    return isinstance(value, int | float) and not isinstance(value, bool)


def _unbool(value: object) -> object:
    if value is True:
        return _TRUE
    if value is False:
        return _FALSE
    return value


def json_equal(one: object, two: object) -> bool:
    """Equality as JSON Schema (and ``jsonschema``) means it: ``1 == 1.0``, ``True != 1``."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(json_equal(a, b) for a, b in zip(one, two, strict=True))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(
            key in two and json_equal(value, two[key]) for key, value in one.items()
        )
    return _unbool(one) == _unbool(two)


def json_in(value: object, choices: Iterable[object]) -> bool:
    """Whether ``value`` equals (``json_equal``) one of ``choices``."""
    return any(json_equal(choice, value) for choice in choices)


def json_unique(items: Sequence[object]) -> bool:
    """``uniqueItems``: no two items are ``json_equal`` (``jsonschema``'s algorithm)."""
    try:
        ordered: list[Any] = sorted(_unbool(item) for item in items)
        for one, two in zip(ordered, itertools.islice(ordered, 1, None), strict=False):
            if json_equal(one, two):
                return False
    except (NotImplementedError, TypeError):
        seen: list[object] = []
        for item in items:
            candidate = _unbool(item)
            if any(json_equal(other, candidate) for other in seen):
                return False
            seen.append(candidate)
    return True


def multiple_of(value: float, divisor: float) -> bool:
    """``multipleOf`` exactly as ``jsonschema`` decides it (float quotient, else Fraction)."""
    if isinstance(divisor, float):
        quotient = value / divisor
        try:
            return int(quotient) == quotient
        except OverflowError:
            return (Fraction(value) / Fraction(divisor)).denominator == 1
    return not value % divisor


def unexpected(names: Sequence[str]) -> str:
    """The message for properties that ``additionalProperties: false`` forbids."""
    listed = ", ".join(repr(name) for name in names)
    noun = "property" if len(names) == 1 else "properties"
    return f"unexpected {noun} {listed}"


def did_you_mean(name: str, known: Sequence[str]) -> str:
    """The lint message for an unknown property name, with the closest known names."""
    close = difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    message = f"unknown property {name!r}"
    if close:
        message += " (did you mean " + " or ".join(repr(match) for match in close) + "?)"
    return message


@cache
def _fallback_validator(schema_json: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(schema_json)
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _escape(part: object) -> str:
    return str(part).replace("~", "~0").replace("/", "~1")


def fallback_issues(schema_json: str, instance: object) -> list[ValidationIssue]:
    """Validate with ``jsonschema`` itself: for schemas the compiler leaves uncompiled.

    ``schema_json`` is the schema as JSON text (what compiled code can carry as a literal).
    """
    validator = _fallback_validator(schema_json)
    issues: list[ValidationIssue] = []
    for error in validator.iter_errors(instance):
        path = "".join("/" + _escape(part) for part in error.absolute_path)
        schema_path = "".join("/" + _escape(part) for part in error.absolute_schema_path)
        issues.append(ValidationIssue(path, error.message, str(error.validator), schema_path))
    return issues
