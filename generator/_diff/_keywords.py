"""Classify a change of one value-level keyword (``type``, ``enum``, bounds, ``format``, ...).

Pure functions of (keyword, old value, new value): no schema walking, no ``$ref``. The walker in
``_schema`` calls ``compare_keyword`` for these and handles subschemas itself. Every function
answers the same question: may a value the old keyword accepted be rejected by the new one?
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final

from ._model import MISSING, Kind, Severity

__all__ = [
    "ANNOTATIONS",
    "STRUCTURAL",
    "Verdict",
    "canonical",
    "compare_keyword",
    "is_value_keyword",
    "opaque_verdict",
    "same",
    "show",
]

_LOWER_BOUNDS: Final = frozenset(
    {"exclusiveMinimum", "minContains", "minItems", "minLength", "minProperties", "minimum"}
)
_UPPER_BOUNDS: Final = frozenset(
    {"exclusiveMaximum", "maxContains", "maxItems", "maxLength", "maxProperties", "maximum"}
)
# Assertions compared as opaque values: any change is conservatively breaking.
STRUCTURAL: Final = frozenset(
    {
        "$dynamicRef",
        "$recursiveRef",
        "additionalItems",
        "contains",
        "dependencies",
        "dependentRequired",
        "dependentSchemas",
        "else",
        "if",
        "not",
        "patternProperties",
        "prefixItems",
        "propertyNames",
        "then",
        "unevaluatedItems",
    }
)
# Keywords no validator acts on. Unknown keywords are treated the same way (JSON Schema says
# validators ignore them), which also covers vendor extensions such as ``x-order``.
ANNOTATIONS: Final = frozenset(
    {
        "$anchor",
        "$comment",
        "$id",
        "$schema",
        "basic",
        "contentEncoding",
        "contentMediaType",
        "deprecated",
        "description",
        "example",
        "examples",
        "readOnly",
        "renderType",
        "title",
        "writeOnly",
        "x-order",
    }
)


@dataclass(frozen=True)
class Verdict:
    """A classified change of one keyword, before it is placed at a path of a model."""

    kind: Kind
    severity: Severity
    message: str
    old: Any = MISSING
    new: Any = MISSING


def canonical(value: object) -> str:
    """Compact sorted JSON: compare with this, not ``==`` (Python says 1 == 1.0 == True)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=repr)


def same(old: object, new: object) -> bool:
    return canonical(old) == canonical(new)


def show(value: object) -> str:
    """A short JSON rendering of a value for messages (long values are cut)."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, default=repr)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _truthy(value: object) -> bool:
    return value is not MISSING and bool(value)


def _tightened(message: str, old: Any, new: Any) -> list[Verdict]:
    return [Verdict(Kind.CONSTRAINT_TIGHTENED, Severity.BREAKING, message, old, new)]


def _loosened(message: str, old: Any, new: Any) -> list[Verdict]:
    return [Verdict(Kind.CONSTRAINT_LOOSENED, Severity.COMPATIBLE, message, old, new)]


def _types(value: Any) -> frozenset[str] | None:
    if value is MISSING:
        return None
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(item) for item in value)
    return frozenset({canonical(value)})


def _accepts(types: frozenset[str], name: str) -> bool:
    return name in types or (name == "integer" and "number" in types)


def _type(keyword: str, old: Any, new: Any) -> list[Verdict]:
    before, after = _types(old), _types(new)
    if before == after:
        return []
    if after is None:
        return [Verdict(Kind.TYPE_WIDENED, Severity.COMPATIBLE, "type no longer restricted", old)]
    if before is None:
        message = f"type now restricted to {show(new)}"
        return [Verdict(Kind.TYPE_NARROWED, Severity.BREAKING, message, old, new)]
    lost = sorted(name for name in before if not _accepts(after, name))
    gained = sorted(name for name in after if not _accepts(before, name))
    if lost and gained:
        message = f"type changed from {show(old)} to {show(new)}"
        return [Verdict(Kind.TYPE_CHANGED, Severity.BREAKING, message, old, new)]
    if lost:
        message = f"type narrowed: {', '.join(lost)} no longer accepted"
        return [Verdict(Kind.TYPE_NARROWED, Severity.BREAKING, message, old, new)]
    if gained:
        message = f"type widened: {', '.join(gained)} now accepted"
        return [Verdict(Kind.TYPE_WIDENED, Severity.COMPATIBLE, message, old, new)]
    return []  # the same set of values, spelled differently


def _enum_key(value: Any) -> str:
    # JSON Schema compares numbers by value (5 == 5.0) but never equates 1 and true.
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return canonical(value)


def _enum(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if new is MISSING:
        message = "enum removed; any value of the type is accepted"
        return [Verdict(Kind.ENUM_REMOVED, Severity.COMPATIBLE, message, old)]
    if not isinstance(new, list):
        return _tightened(f"enum changed to the non-list {show(new)}", old, new)
    if not isinstance(old, list):
        message = f"now restricted to {len(new)} allowed value(s)"
        return [Verdict(Kind.ENUM_ADDED, Severity.BREAKING, message, old, new)]
    before = {_enum_key(value): value for value in old}
    after = {_enum_key(value): value for value in new}
    verdicts = [
        Verdict(
            Kind.ENUM_VALUE_REMOVED,
            Severity.BREAKING,
            f"enum value {show(before[text])} removed",
            old=before[text],
        )
        for text in sorted(before.keys() - after.keys())
    ]
    verdicts += [
        Verdict(
            Kind.ENUM_VALUE_ADDED,
            Severity.COMPATIBLE,
            f"enum value {show(after[text])} added",
            new=after[text],
        )
        for text in sorted(after.keys() - before.keys())
    ]
    return verdicts


def _const(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if new is MISSING:
        return _loosened(f"const {show(old)} removed", old, new)
    if old is MISSING:
        return _tightened(f"now must equal {show(new)}", old, new)
    return _tightened(f"const changed from {show(old)} to {show(new)}", old, new)


def _default(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if old is MISSING:
        change = f"default {show(new)} added"
    elif new is MISSING:
        change = f"default {show(old)} removed"
    else:
        change = f"default changed from {show(old)} to {show(new)}"
    message = change + "; behaviour changes for callers that omit this field"
    return [Verdict(Kind.DEFAULT_CHANGED, Severity.COMPATIBLE, message, old, new)]


def _bound(keyword: str, old: Any, new: Any) -> list[Verdict]:
    lower = keyword in _LOWER_BOUNDS
    if new is MISSING:
        return _loosened(f"{keyword} {show(old)} removed", old, new)
    if old is MISSING:
        return _tightened(f"{keyword} {show(new)} added", old, new)
    if not (_is_number(old) and _is_number(new)):
        return _tightened(f"{keyword} changed from {show(old)} to {show(new)}", old, new)
    if new == old:
        return []  # 3 and 3.0: the same bound
    if (new > old) == lower:
        verb = "raised" if lower else "lowered"
        return _tightened(f"{keyword} {verb} from {old} to {new}", old, new)
    verb = "lowered" if lower else "raised"
    return _loosened(f"{keyword} {verb} from {old} to {new}", old, new)


def _divides(new: Any, old: Any) -> bool:
    """True when every multiple of ``old`` is a multiple of ``new`` (the change widens)."""
    if not (_is_number(old) and _is_number(new)):
        return False
    try:
        ratio = Fraction(str(old)) / Fraction(str(new))
    except (ValueError, ZeroDivisionError):
        return False
    return ratio.denominator == 1


def _multiple_of(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if new is MISSING:
        return _loosened(f"multipleOf {show(old)} removed", old, new)
    if old is MISSING:
        return _tightened(f"multipleOf {show(new)} added", old, new)
    if _divides(new, old):
        return _loosened(f"multipleOf changed from {old} to {new}", old, new)
    return _tightened(f"multipleOf changed from {show(old)} to {show(new)}", old, new)


def _pattern(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if new is MISSING:
        return _loosened(f"{keyword} {show(old)} removed", old, new)
    if old is MISSING:
        return _tightened(f"{keyword} {show(new)} added", old, new)
    return _tightened(f"{keyword} changed from {show(old)} to {show(new)}", old, new)


def _unique_items(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if _truthy(old) == _truthy(new):
        return []
    if _truthy(new):
        return _tightened("items must now be unique", old, new)
    return _loosened("items no longer need to be unique", old, new)


def _nullable(keyword: str, old: Any, new: Any) -> list[Verdict]:
    if _truthy(old) == _truthy(new):
        return []
    if _truthy(new):
        return _loosened("null now accepted", old, new)
    return _tightened("null no longer accepted", old, new)


_Classifier = Callable[[str, Any, Any], list[Verdict]]
_CLASSIFIERS: Final[dict[str, _Classifier]] = {
    "const": _const,
    "default": _default,
    "enum": _enum,
    "format": _pattern,
    "multipleOf": _multiple_of,
    "nullable": _nullable,
    "pattern": _pattern,
    "type": _type,
    "uniqueItems": _unique_items,
    **dict.fromkeys(_LOWER_BOUNDS | _UPPER_BOUNDS, _bound),
}


def is_value_keyword(keyword: str) -> bool:
    """True for the keywords ``compare_keyword`` classifies (their values hold no schemas)."""
    return keyword in _CLASSIFIERS


def compare_keyword(keyword: str, old: Any, new: Any) -> list[Verdict]:
    """Classify a value-level keyword's change; ``old`` / ``new`` may be ``MISSING``."""
    if same(old, new):
        return []
    return _CLASSIFIERS[keyword](keyword, old, new)


def opaque_verdict(keyword: str, old: Any, new: Any) -> Verdict:
    """A keyword compared as a whole: structural ones break, the rest are annotations."""
    if keyword == "$ref":
        message = "a $ref that cannot be followed changed; its target is unknown"
        return Verdict(Kind.REFERENCE_CHANGED, Severity.BREAKING, message, old, new)
    if keyword in STRUCTURAL:
        message = f"{keyword} changed; not analysed further, so treated as breaking"
        return Verdict(Kind.STRUCTURE_CHANGED, Severity.BREAKING, message, old, new)
    if keyword in ANNOTATIONS:
        return Verdict(Kind.ANNOTATION_CHANGED, Severity.COSMETIC, f"{keyword} changed", old, new)
    message = f"non-standard keyword {keyword!r} changed (validators ignore it)"
    return Verdict(Kind.ANNOTATION_CHANGED, Severity.COSMETIC, message, old, new)
