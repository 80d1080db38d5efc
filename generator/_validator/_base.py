"""Shared state of the compiler: literals, module constants, function names, schema access.

Every schema value that reaches generated code passes through the helpers here: strings go
into the string table (``_v_s``), sets and JSON values become named module constants, and
regexes and format checkers are created once at import.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.runtime._ecma import ecma_regex

from ._ast import Function, Line
from ._literals import collection_lines, py_number, py_scalar, py_str
from ._resolve import Located, Registry, children, escape

__all__ = [
    "ACTIVE",
    "ANY_INLINE",
    "DRAFT",
    "FALLBACK",
    "GROUP_TYPES",
    "GUARDS",
    "MAX_INLINE",
    "RETURN_FALSE",
    "TYPES",
    "TYPE_TESTS",
    "CompilerBase",
    "Fallback",
    "State",
    "is_number",
    "to_json",
]

# Every keyword Draft 2020-12 validation acts on (``jsonschema``'s VALIDATORS).
ACTIVE = frozenset(
    {
        "$dynamicRef", "$ref", "additionalProperties", "allOf", "anyOf", "const", "contains",
        "dependentRequired", "dependentSchemas", "enum", "exclusiveMaximum", "exclusiveMinimum",
        "format", "if", "items", "maxItems", "maxLength", "maxProperties", "maximum",
        "minItems", "minLength", "minProperties", "minimum", "multipleOf", "not", "oneOf",
        "pattern", "patternProperties", "prefixItems", "properties", "propertyNames",
        "required", "type", "unevaluatedItems", "unevaluatedProperties", "uniqueItems",
    }
)  # fmt: skip
# Keywords whose exact semantics need jsonschema (annotation tracking, dynamic scope).
FALLBACK = ("$dynamicAnchor", "$dynamicRef", "unevaluatedItems", "unevaluatedProperties")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
GROUP_TYPES = {
    "object": ("object",),
    "array": ("array",),
    "string": ("string",),
    "number": ("number", "integer"),
}
GUARDS = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "number": "is_number({v})",
}
TYPE_TESTS = {
    "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)",
    "integer": "is_integer({v})",
    "null": "{v} is None",
    "number": "is_number({v})",
    "object": "isinstance({v}, dict)",
    "string": "isinstance({v}, str)",
}
MAX_INLINE = 2
RETURN_FALSE = Line("return False")
ANY_INLINE = 3


class Fallback(Exception):
    """The schema uses ``keyword`` in a way the compiler does not translate."""

    def __init__(self, keyword: str) -> None:
        super().__init__(keyword)
        self.keyword = keyword


def is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def to_json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=True)


@dataclass
class State:
    strings: dict[str, int] = field(default_factory=dict)
    table: list[str] = field(default_factory=list)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    constants: list[str] = field(default_factory=list)
    const_names: dict[tuple[str, str], str] = field(default_factory=dict)
    late: list[str] = field(default_factory=list)
    functions: dict[str, Function] = field(default_factory=dict)
    names: dict[tuple[str, tuple[int, str]], str] = field(default_factory=dict)
    pending: deque[tuple[str, Located]] = field(default_factory=deque)


class CompilerBase:
    """Literals, constants and function bookkeeping shared by the three code paths."""

    def __init__(self, schema: object) -> None:
        self.registry = Registry(schema)
        self.state = State()
        self._lint_memo: dict[tuple[int, str], bool] = {}

    # -- literals and constants ------------------------------------------------------------

    def text(self, value: str) -> str:
        """An expression for a schema-derived string: an entry of the string table."""
        index = self.state.strings.get(value)
        if index is None:
            index = len(self.state.table)
            self.state.table.append(value)
            self.state.strings[value] = index
        return f"_v_s[{index}]"

    def key(self, name: str) -> str:
        """A property name as an expression: inline when short, else from the table."""
        literal = py_str(name)
        return literal if len(literal) <= 32 else self.text(name)

    def pair(self, keyword: str, schema_path: str) -> int:
        """Table index of ``keyword`` followed by ``schema_path`` (what ``_v_add`` reads)."""
        found = self.state.pairs.get((keyword, schema_path))
        if found is None:
            found = len(self.state.table)
            self.state.table.extend((keyword, schema_path))
            self.state.pairs[(keyword, schema_path)] = found
        return found

    def const(self, kind: str, payload: str, make: Any) -> str:
        """A module constant, shared between identical uses; ``make(name)`` returns its lines."""
        cache_key = (kind, payload)
        name = self.state.const_names.get(cache_key)
        if name is None:
            name = f"_v_{kind}{len(self.state.const_names)}"
            self.state.const_names[cache_key] = name
            self.state.constants.extend(make(name))
        return name

    def str_set(self, values: Sequence[str]) -> str:
        items = sorted(set(values))
        return self.const(
            "k",
            to_json(items),
            lambda name: collection_lines(
                f"{name}: set[str] = ",
                "{" if items else "set(",
                [py_str(i) for i in items],
                "}" if items else ")",
            ),
        )

    def num_set(self, values: Sequence[float]) -> str:
        items = sorted(set(values), key=repr)
        return self.const(
            "n",
            to_json(items),
            lambda name: collection_lines(
                f"{name}: set[float] = ", "{", [py_number(i) for i in items], "}"
            ),
        )

    def scalar_set(self, values: Sequence[str | float]) -> str:
        """A set mixing strings and numbers (no bools: ``True == 1`` in a set)."""
        items = sorted(set(values), key=lambda item: (isinstance(item, str), repr(item)))
        return self.const(
            "m",
            to_json(items),
            lambda name: collection_lines(
                f"{name}: set[str | float] = ", "{", [py_scalar(i) for i in items], "}"
            ),
        )

    def json_const(self, value: object) -> str:
        payload = to_json(value)
        text = self.text(payload)
        kind = "list[object]" if isinstance(value, list) else "object"
        return self.const("j", payload, lambda name: [f"{name}: {kind} = json.loads({text})"])

    def regex(self, pattern: str) -> str:
        try:
            ecma_regex(pattern)
        except (ValueError, IndexError) as exc:
            raise Fallback("pattern") from exc
        text = self.text(pattern)
        return self.const("re", pattern, lambda name: [f"{name} = ecma_regex({text})"])

    def format_fast(self, name: str) -> str:
        literal = py_str(name)
        return self.const("fast", name, lambda n: [f"{n} = format_fast_path({literal})"])

    def format_fn(self, name: str) -> str:
        literal = py_str(name)
        return self.const("fmt", name, lambda n: [f"{n} = format_checker({literal})"])

    def fn_tuple(self, names: Sequence[str]) -> str:
        key = ",".join(names)
        name = f"_v_t{len(self.state.late)}"
        found = self.state.const_names.get(("t", key))
        if found is not None:
            return found
        self.state.const_names[("t", key)] = name
        self.state.late.extend(collection_lines(f"{name} = ", "(", list(names), ")"))
        return name

    # -- functions -------------------------------------------------------------------------

    def fn(self, kind: str, node: Located, fixed: str | None = None) -> str:
        """The name of ``node``'s function of ``kind`` (``ok``/``err``/``lint``), queued once."""
        key = (kind, node.key)
        name = self.state.names.get(key)
        if name is None:
            name = fixed or f"_v_{kind}_{sum(1 for k in self.state.names if k[0] == kind)}"
            self.state.names[key] = name
            self.state.pending.append((kind, node))
        return name

    # -- schema helpers --------------------------------------------------------------------

    def trivial(self, node: Located) -> bool:
        schema = node.schema
        if schema is True:
            return True
        return isinstance(schema, dict) and not any(keyword in schema for keyword in ACTIVE)

    def types(self, schema: dict[str, Any]) -> list[str] | None:
        if "type" not in schema:
            return None
        value = schema["type"]
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(name in TYPES for name in names):
            raise Fallback("type")
        return list(dict.fromkeys(names))

    def sub(self, node: Located, keyword: str, *path: str | int) -> Located:
        value: Any = node.schema
        pointer = node.pointer + "/" + keyword
        value = value[keyword]
        for part in path:
            value = value[part]
            pointer += "/" + escape(str(part))
        for _, child in children(node):
            if child.schema is value and child.pointer == pointer:
                return child
        return Located(value, node.base, pointer)

    def number(self, schema: dict[str, Any], keyword: str) -> str | None:
        if keyword not in schema:
            return None
        value = schema[keyword]
        if not is_number(value):
            raise Fallback(keyword)
        return py_number(value)

    def count(self, schema: dict[str, Any], keyword: str) -> int | None:
        value = schema.get(keyword)
        if value is None:
            return None
        if not is_number(value) or value != int(value):
            raise Fallback(keyword)
        return int(value)

    def mapping(self, schema: dict[str, Any], keyword: str) -> dict[str, Any]:
        value = schema.get(keyword, {})
        if not isinstance(value, dict):
            raise Fallback(keyword)
        return value

    def listing(self, schema: dict[str, Any], keyword: str) -> list[Any]:
        value = schema.get(keyword, [])
        if not isinstance(value, list):
            raise Fallback(keyword)
        return value

    def strings(self, value: object, keyword: str) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise Fallback(keyword)
        return list(value)

    def ref_target(self, node: Located) -> Located:
        ref = node.schema["$ref"]  # type: ignore[index]
        target = self.registry.resolve(ref, node.base) if isinstance(ref, str) else None
        if target is None:
            raise Fallback("$ref")
        return target
