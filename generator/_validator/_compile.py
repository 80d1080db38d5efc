"""Schema -> statement trees: the decisions behind a compiled validator.

For every subschema the compiler builds three functions: ``_v_ok_N`` (the fast path: returns
at the first failure, allocates nothing on success, inlines small subschemas), ``_v_err_N``
(collects every error with its instance path, mirroring where ``jsonschema`` reports it) and,
for objects that list ``properties``, ``_v_lint_N`` (unknown property names). Subschemas
reached through ``$ref`` always become functions, so recursive schemas compile to recursion.
Keywords this compiler does not translate raise ``_Fallback``; the caller then validates that
schema with ``jsonschema`` instead.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from generator.runtime._ecma import ecma_regex
from generator.runtime._formats import FORMATS

from ._ast import For, Function, If, Line, Stmt, if_, mentions, negate
from ._literals import collection_lines, py_number, py_scalar, py_str
from ._resolve import Located, Registry, children, escape

__all__ = ["Fallback", "Program", "compile_program"]

# Every keyword Draft 2020-12 validation acts on (``jsonschema``'s VALIDATORS).
_ACTIVE = frozenset(
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
_FALLBACK = ("$dynamicAnchor", "$dynamicRef", "unevaluatedItems", "unevaluatedProperties")
_DRAFT = "https://json-schema.org/draft/2020-12/schema"
_TYPES = ("array", "boolean", "integer", "null", "number", "object", "string")
_GROUP_TYPES = {
    "object": ("object",),
    "array": ("array",),
    "string": ("string",),
    "number": ("number", "integer"),
}
_GUARDS = {
    "object": "isinstance({v}, dict)",
    "array": "isinstance({v}, list)",
    "string": "isinstance({v}, str)",
    "number": "isinstance({v}, (int, float)) and not isinstance({v}, bool)",
}
_TYPE_TESTS = {
    "array": "isinstance({v}, list)",
    "boolean": "isinstance({v}, bool)",
    "integer": "is_integer({v})",
    "null": "{v} is None",
    "number": "(isinstance({v}, (int, float)) and not isinstance({v}, bool))",
    "object": "isinstance({v}, dict)",
    "string": "isinstance({v}, str)",
}
_MAX_INLINE = 2
_RF = Line("return False")
_ANY_INLINE = 3


class Fallback(Exception):
    """The schema uses ``keyword`` in a way the compiler does not translate."""

    def __init__(self, keyword: str) -> None:
        super().__init__(keyword)
        self.keyword = keyword


@dataclass(frozen=True)
class Program:
    """Everything the templates need to print a compiled validator body."""

    table: tuple[str, ...]
    constants: tuple[str, ...]
    functions: tuple[Function, ...]
    late: tuple[str, ...]
    ok: str | None
    err: str | None
    lint: str | None
    fallback: tuple[str, ...]
    schema_text: str | None


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _json(value: object) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=True)


@dataclass
class _State:
    strings: dict[str, int] = field(default_factory=dict)
    table: list[str] = field(default_factory=list)
    pairs: dict[tuple[str, str], int] = field(default_factory=dict)
    constants: list[str] = field(default_factory=list)
    const_names: dict[tuple[str, str], str] = field(default_factory=dict)
    late: list[str] = field(default_factory=list)
    functions: dict[str, Function] = field(default_factory=dict)
    names: dict[tuple[str, tuple[int, str]], str] = field(default_factory=dict)
    pending: deque[tuple[str, Located]] = field(default_factory=deque)


class _Compiler:
    def __init__(self, schema: object) -> None:
        self.registry = Registry(schema)
        self.state = _State()
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
            _json(items),
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
            _json(items),
            lambda name: collection_lines(
                f"{name}: set[float] = ", "{", [py_number(i) for i in items], "}"
            ),
        )

    def json_const(self, value: object) -> str:
        payload = _json(value)
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

    def fn(self, kind: str, node: Located) -> str:
        key = (kind, node.key)
        name = self.state.names.get(key)
        if name is None:
            name = f"_v_{kind}_{sum(1 for k in self.state.names if k[0] == kind)}"
            self.state.names[key] = name
            self.state.pending.append((kind, node))
        return name

    def drain(self) -> None:
        while self.state.pending:
            kind, node = self.state.pending.popleft()
            name = self.state.names[(kind, node.key)]
            if kind == "ok":
                body = self.ok(node, "x", 0)
                self.state.functions[name] = Function(
                    f"def {name}(x: object) -> bool:", _finish(body)
                )
            elif kind == "err":
                signature = f"def {name}(x: object, p: str, e: list[ValidationIssue]) -> None:"
                body = self.err(node) or [Line("pass")]
                self.state.functions[name] = Function(signature, tuple(body))
            else:
                signature = f"def {name}(x: object, p: str, out: list[ValidationIssue]) -> None:"
                self.state.functions[name] = Function(signature, tuple(self.lint(node)))

    # -- schema helpers --------------------------------------------------------------------

    def trivial(self, node: Located) -> bool:
        schema = node.schema
        if schema is True:
            return True
        return isinstance(schema, dict) and not any(keyword in schema for keyword in _ACTIVE)

    def types(self, schema: dict[str, Any]) -> list[str] | None:
        if "type" not in schema:
            return None
        value = schema["type"]
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list) or not all(name in _TYPES for name in names):
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
        if not _is_number(value):
            raise Fallback(keyword)
        return py_number(value)

    def count(self, schema: dict[str, Any], keyword: str) -> int | None:
        value = schema.get(keyword)
        if value is None:
            return None
        if not _is_number(value) or value != int(value):
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

    # -- the fast path ---------------------------------------------------------------------

    def child_ok(self, node: Located, var: str, depth: int) -> list[Stmt]:
        if self.trivial(node):
            return []
        if node.schema is False:
            return [_RF]
        if depth < _MAX_INLINE:
            return self.ok(node, var, depth + 1)
        return if_(f"not {self.fn('ok', node)}({var})", [_RF])

    def ok(self, node: Located, v: str, depth: int) -> list[Stmt]:
        schema = node.schema
        if schema is True:
            return []
        if schema is False:
            return [_RF]
        if not isinstance(schema, dict):
            raise Fallback("schema")
        out: list[Stmt] = []
        types = self.types(schema)
        single = types[0] if types is not None and len(types) == 1 else None
        if types is not None:
            out += _type_fail(types, v)
        for group, makes in (
            ("object", self.ok_object),
            ("array", self.ok_array),
            ("string", self.ok_string),
            ("number", self.ok_number),
        ):
            if types is not None and not set(_GROUP_TYPES[group]) & set(types):
                continue
            stmts = makes(node, schema, v, depth)
            if single is not None:
                out += stmts
            else:
                out += if_(_GUARDS[group].format(v=v), stmts)
        out += self.ok_generic(node, schema, v, depth, single)
        return out

    def ok_object(self, node: Located, s: dict[str, Any], v: str, depth: int) -> list[Stmt]:
        out: list[Stmt] = []
        required = self.strings(s.get("required", []), "required")
        for name in dict.fromkeys(required):
            out += if_(f"{self.key(name)} not in {v}", [_RF])
        w = f"v{depth + 1}"
        k = f"k{depth + 1}"
        props = self.mapping(s, "properties")
        for name in props:
            stmts = self.child_ok(self.sub(node, "properties", name), w, depth)
            if not stmts:
                continue
            key = self.key(name)
            body = [Line(f"{w} = {v}[{key}]"), *stmts] if mentions(stmts, w) else stmts
            out += body if name in required else if_(f"{key} in {v}", body)
        out += self.ok_extra(node, s, v, depth, props)
        if "propertyNames" in s:
            stmts = self.child_ok(self.sub(node, "propertyNames"), k, depth)
            if stmts:
                out.append(For(k, v, tuple(stmts)))
        if (low := self.count(s, "minProperties")) is not None:
            out += if_(f"len({v}) < {low}", [_RF])
        if (high := self.count(s, "maxProperties")) is not None:
            out += if_(f"len({v}) > {high}", [_RF])
        for name, deps in self.mapping(s, "dependentRequired").items():
            deps = self.strings(deps, "dependentRequired")
            if len(deps) == 1:
                out += if_(f"{self.key(name)} in {v} and {self.key(deps[0])} not in {v}", [_RF])
            elif deps:
                out += if_(
                    f"{self.key(name)} in {v} and not {self.str_set(deps)} <= {v}.keys()", [_RF]
                )
        for name in self.mapping(s, "dependentSchemas"):
            stmts = self.child_ok(self.sub(node, "dependentSchemas", name), v, depth)
            out += if_(f"{self.key(name)} in {v}", stmts)
        return out

    def ok_extra(
        self, node: Located, s: dict[str, Any], v: str, depth: int, props: dict[str, Any]
    ) -> list[Stmt]:
        w = f"v{depth + 1}"
        k = f"k{depth + 1}"
        patterns = self.mapping(s, "patternProperties")
        body: list[Stmt] = []
        for pattern in patterns:
            stmts = self.child_ok(self.sub(node, "patternProperties", pattern), w, depth)
            body += if_(f"{self.regex(pattern)}.search({k})", stmts)
        extra: list[Stmt] = []
        if "additionalProperties" in s:
            extra = self.child_ok(self.sub(node, "additionalProperties"), w, depth)
        if extra:
            known = self.str_set(list(props))
            cond = f"{k} not in {known}"
            if patterns:
                cond += f" and not {self.regex('|'.join(patterns))}.search({k})"
            if extra == [_RF] and not body and not patterns:
                return if_(f"not {known}.issuperset({v})", [_RF])
            body += if_(cond, extra)
        if not body:
            return []
        if mentions(body, w):
            return [For(f"{k}, {w}", f"{v}.items()", tuple(body))]
        return [For(k, v, tuple(body))]

    def ok_array(self, node: Located, s: dict[str, Any], v: str, depth: int) -> list[Stmt]:
        out: list[Stmt] = []
        w = f"v{depth + 1}"
        if (low := self.count(s, "minItems")) is not None:
            out += if_(f"len({v}) < {low}", [_RF])
        if (high := self.count(s, "maxItems")) is not None:
            out += if_(f"len({v}) > {high}", [_RF])
        if s.get("uniqueItems") is True:
            out += if_(f"not json_unique({v})", [_RF])
        prefix = self.listing(s, "prefixItems")
        for index in range(len(prefix)):
            stmts = self.child_ok(self.sub(node, "prefixItems", index), w, depth)
            body = [Line(f"{w} = {v}[{index}]"), *stmts] if mentions(stmts, w) else stmts
            out += if_(f"len({v}) > {index}", body)
        if "items" in s:
            stmts = self.child_ok(self.sub(node, "items"), w, depth)
            if stmts == [_RF]:
                out += if_(f"len({v}) > {len(prefix)}", [_RF])
            elif stmts:
                out.append(For(w, f"{v}[{len(prefix)}:]" if prefix else v, tuple(stmts)))
        if "contains" in s:
            fn = self.fn("ok", self.sub(node, "contains"))
            low = self.count(s, "minContains")
            low = 1 if low is None else low
            high = self.count(s, "maxContains")
            if high is None and low == 1:
                out += if_(f"not any({fn}({w}) for {w} in {v})", [_RF])
            elif high is not None or low > 0:
                n = f"n{depth + 1}"
                out.append(Line(f"{n} = sum(1 for {w} in {v} if {fn}({w}))"))
                tests = ([f"{n} < {low}"] if low > 0 else []) + (
                    [f"{n} > {high}"] if high is not None else []
                )
                out += if_(" or ".join(tests), [_RF])
        return out

    def ok_string(self, node: Located, s: dict[str, Any], v: str, depth: int) -> list[Stmt]:
        out: list[Stmt] = []
        if (low := self.count(s, "minLength")) is not None:
            out += if_(f"len({v}) < {low}", [_RF])
        if (high := self.count(s, "maxLength")) is not None:
            out += if_(f"len({v}) > {high}", [_RF])
        if "pattern" in s:
            if not isinstance(s["pattern"], str):
                raise Fallback("pattern")
            out += if_(f"{self.regex(s['pattern'])}.search({v}) is None", [_RF])
        if s.get("format") in FORMATS:
            out += if_(f"not {self.format_fn(s['format'])}({v})", [_RF])
        return out

    def ok_number(self, node: Located, s: dict[str, Any], v: str, depth: int) -> list[Stmt]:
        out: list[Stmt] = []
        for keyword, op in (
            ("minimum", "<"),
            ("maximum", ">"),
            ("exclusiveMinimum", "<="),
            ("exclusiveMaximum", ">="),
        ):
            if (bound := self.number(s, keyword)) is not None:
                out += if_(f"{v} {op} {bound}", [_RF])
        if (divisor := self.number(s, "multipleOf")) is not None:
            if isinstance(s["multipleOf"], int):
                out += if_(f"{v} % {divisor}", [_RF])
            else:
                out += if_(f"not multiple_of({v}, {divisor})", [_RF])
        return out

    def enum_fail(self, values: list[Any], v: str, single: str | None) -> str:
        if values and all(isinstance(value, str) for value in values):
            known = self.str_set(values)
            if single == "string":
                return f"{v} not in {known}"
            return f"not isinstance({v}, str) or {v} not in {known}"
        if values and all(_is_number(value) for value in values):
            known = self.num_set(values)
            if single in ("number", "integer"):
                return f"{v} not in {known}"
            return (
                f"isinstance({v}, bool) or not isinstance({v}, (int, float)) or {v} not in {known}"
            )
        return f"not json_in({v}, {self.json_const(values)})"

    def const_fail(self, value: object, v: str, single: str | None) -> str:
        if value is None or isinstance(value, bool):
            return f"{v} is not {value!r}"
        if isinstance(value, str) or _is_number(value):
            literal = py_scalar(value)
            if isinstance(value, str):
                guard = "" if single == "string" else f"not isinstance({v}, str) or "
            else:
                guard = (
                    ""
                    if single in ("number", "integer")
                    else f"isinstance({v}, bool) or not isinstance({v}, (int, float)) or "
                )
            return f"{guard}{v} != {literal}"
        return f"not json_equal({v}, {self.json_const(value)})"

    def ok_generic(
        self, node: Located, s: dict[str, Any], v: str, depth: int, single: str | None
    ) -> list[Stmt]:
        out: list[Stmt] = []
        if "enum" in s:
            if not isinstance(s["enum"], list):
                raise Fallback("enum")
            out += if_(self.enum_fail(s["enum"], v, single), [_RF])
        if "const" in s:
            out += if_(self.const_fail(s["const"], v, single), [_RF])
        if "$ref" in s:
            target = self.ref_target(node)
            if not self.trivial(target):
                out += if_(f"not {self.fn('ok', target)}({v})", [_RF])
        for index in range(len(self.listing(s, "allOf"))):
            out += self.child_ok(self.sub(node, "allOf", index), v, depth)
        any_of = [self.sub(node, "anyOf", i) for i in range(len(self.listing(s, "anyOf")))]
        if any_of and not any(self.trivial(branch) for branch in any_of):
            fns = [self.fn("ok", branch) for branch in any_of]
            if len(fns) <= _ANY_INLINE:
                out += if_(" and ".join(f"not {fn}({v})" for fn in fns), [_RF])
            else:
                out += if_(f"not any(f({v}) for f in {self.fn_tuple(fns)})", [_RF])
        one_of = [self.sub(node, "oneOf", i) for i in range(len(self.listing(s, "oneOf")))]
        if one_of:
            fns = [self.fn("ok", branch) for branch in one_of]
            if len(fns) == 1:
                out += if_(f"not {fns[0]}({v})", [_RF])
            elif len(fns) <= _ANY_INLINE:
                out += if_(" + ".join(f"{fn}({v})" for fn in fns) + " != 1", [_RF])
            else:
                out += if_(f"sum(1 for f in {self.fn_tuple(fns)} if f({v})) != 1", [_RF])
        if "not" in s:
            out += if_(f"{self.fn('ok', self.sub(node, 'not'))}({v})", [_RF])
        if "if" in s:
            test = f"{self.fn('ok', self.sub(node, 'if'))}({v})"
            then = self.fn("ok", self.sub(node, "then")) if "then" in s else None
            other = self.fn("ok", self.sub(node, "else")) if "else" in s else None
            if then and other:
                out += if_(f"not ({then}({v}) if {test} else {other}({v}))", [_RF])
            elif then:
                out += if_(f"{test} and not {then}({v})", [_RF])
            elif other:
                out += if_(f"not {test} and not {other}({v})", [_RF])
        return out

    # -- every error -----------------------------------------------------------------------

    def add(self, message: str, keyword: str, node: Located, path: str = "p") -> Line:
        index = self.pair(keyword, f"{node.pointer}/{keyword}")
        return Line(f"_v_add(e, {path}, {message}, {index})")

    def said(self, suffix: str) -> str:
        """``brief(x)`` followed by a fixed text."""
        return f"brief(x) + {self.text(suffix)}"

    def call_err(self, node: Located, value: str, path: str) -> list[Stmt]:
        if self.trivial(node):
            return []
        return [Line(f"{self.fn('err', node)}({value}, {path}, e)")]

    def err(self, node: Located) -> list[Stmt]:
        schema = node.schema
        if schema is False:
            return [self.add(self.said(" is not allowed here (false schema)"), "false", node)]
        assert isinstance(schema, dict)
        out: list[Stmt] = []
        types = self.types(schema)
        if types is not None:
            test = " or ".join(_TYPE_TESTS[name].format(v="x") for name in types)
            listed = ", ".join(repr(name) for name in types)
            out += if_(
                negate(test) if len(types) > 1 else f"not {_TYPE_TESTS[types[0]].format(v='x')}",
                [self.add(self.said(f" is not of type {listed}"), "type", node)],
            )
        for group, makes in (
            ("object", self.err_object),
            ("array", self.err_array),
            ("string", self.err_string),
            ("number", self.err_number),
        ):
            if types is not None and not set(_GROUP_TYPES[group]) & set(types):
                continue
            out += if_(_GUARDS[group].format(v="x"), makes(node, schema))
        out += self.err_generic(node, schema)
        return out

    def err_object(self, node: Located, s: dict[str, Any]) -> list[Stmt]:
        out: list[Stmt] = []
        for name in dict.fromkeys(self.strings(s.get("required", []), "required")):
            message = self.text(f"missing required property {name!r}")
            out += if_(f"{self.key(name)} not in x", [self.add(message, "required", node)])
        props = self.mapping(s, "properties")
        for name in props:
            key = self.key(name)
            path = f"p + {self.text('/' + escape(name))}"
            out += if_(
                f"{key} in x", self.call_err(self.sub(node, "properties", name), f"x[{key}]", path)
            )
        patterns = self.mapping(s, "patternProperties")
        body: list[Stmt] = []
        for pattern in patterns:
            child = self.sub(node, "patternProperties", pattern)
            body += if_(
                f"{self.regex(pattern)}.search(k)", self.call_err(child, "w", "pointer(p, k)")
            )
        if "additionalProperties" in s:
            extra = self.sub(node, "additionalProperties")
            cond = f"k not in {self.str_set(list(props))}"
            if patterns:
                cond += f" and not {self.regex('|'.join(patterns))}.search(k)"
            if extra.schema is False:
                out.append(Line(f"w = [k for k in x if {cond}]"))
                out += if_("w", [self.add("unexpected(w)", "additionalProperties", node)])
            else:
                body += if_(cond, self.call_err(extra, "w", "pointer(p, k)"))
        if body:
            out.append(For("k, w", "x.items()", tuple(body)))
        if "propertyNames" in s:
            stmts = self.call_err(self.sub(node, "propertyNames"), "k", "p")
            if stmts:
                out.append(For("k", "x", tuple(stmts)))
        if (low := self.count(s, "minProperties")) is not None:
            message = self.said(f" has fewer than {low} properties")
            out += if_(f"len(x) < {low}", [self.add(message, "minProperties", node)])
        if (high := self.count(s, "maxProperties")) is not None:
            message = self.said(f" has more than {high} properties")
            out += if_(f"len(x) > {high}", [self.add(message, "maxProperties", node)])
        for name, deps in self.mapping(s, "dependentRequired").items():
            for dep in self.strings(deps, "dependentRequired"):
                message = self.text(f"missing property {dep!r}, required when {name!r} is present")
                out += if_(
                    f"{self.key(name)} in x and {self.key(dep)} not in x",
                    [self.add(message, "dependentRequired", node)],
                )
        for name in self.mapping(s, "dependentSchemas"):
            child = self.sub(node, "dependentSchemas", name)
            out += if_(f"{self.key(name)} in x", self.call_err(child, "x", "p"))
        return out

    def err_array(self, node: Located, s: dict[str, Any]) -> list[Stmt]:
        out: list[Stmt] = []
        if (low := self.count(s, "minItems")) is not None:
            message = self.said(f" has fewer than {low} items")
            out += if_(f"len(x) < {low}", [self.add(message, "minItems", node)])
        if (high := self.count(s, "maxItems")) is not None:
            message = self.said(f" has more than {high} items")
            out += if_(f"len(x) > {high}", [self.add(message, "maxItems", node)])
        if s.get("uniqueItems") is True:
            message = self.said(" has non-unique elements")
            out += if_("not json_unique(x)", [self.add(message, "uniqueItems", node)])
        prefix = self.listing(s, "prefixItems")
        for index in range(len(prefix)):
            stmts = self.call_err(
                self.sub(node, "prefixItems", index), f"x[{index}]", f'p + "/{index}"'
            )
            out += if_(f"len(x) > {index}", stmts)
        if "items" in s:
            child = self.sub(node, "items")
            if child.schema is False:
                message = self.text(f"expected at most {len(prefix)} items")
                out += if_(f"len(x) > {len(prefix)}", [self.add(message, "items", node)])
            else:
                stmts = self.call_err(child, "w", 'f"{p}/{i}"')
                source = (
                    f"enumerate(x[{len(prefix)}:], {len(prefix)})" if prefix else "enumerate(x)"
                )
                if stmts:
                    out.append(For("i, w", source, tuple(stmts)))
        if "contains" in s:
            fn = self.fn("ok", self.sub(node, "contains"))
            low = self.count(s, "minContains")
            low = 1 if low is None else low
            high = self.count(s, "maxContains")
            if high is not None or low > 0:
                out.append(Line(f"n = sum(1 for w in x if {fn}(w))"))
                if high is not None:
                    message = self.text(f"more than {high} items match the 'contains' schema")
                    out += if_(f"n > {high}", [self.add(message, "maxContains", node)])
                if low > 0:
                    none = self.said(" does not contain an item matching the 'contains' schema")
                    few = self.text(f"fewer than {low} items match the 'contains' schema")
                    gate = f" and n <= {high}" if high is not None else ""
                    out += if_(f"n == 0{gate}", [self.add(none, "contains", node)])
                    if low > 1:
                        out += if_(f"0 < n < {low}{gate}", [self.add(few, "minContains", node)])
        return out

    def err_string(self, node: Located, s: dict[str, Any]) -> list[Stmt]:
        out: list[Stmt] = []
        if (low := self.count(s, "minLength")) is not None:
            message = self.said(f" is shorter than {low} characters")
            out += if_(f"len(x) < {low}", [self.add(message, "minLength", node)])
        if (high := self.count(s, "maxLength")) is not None:
            message = self.said(f" is longer than {high} characters")
            out += if_(f"len(x) > {high}", [self.add(message, "maxLength", node)])
        if "pattern" in s:
            message = self.said(f" does not match {s['pattern']!r}")
            out += if_(
                f"{self.regex(s['pattern'])}.search(x) is None",
                [self.add(message, "pattern", node)],
            )
        if s.get("format") in FORMATS:
            message = self.said(f" is not a valid {s['format']!r}")
            out += if_(f"not {self.format_fn(s['format'])}(x)", [self.add(message, "format", node)])
        return out

    def err_number(self, node: Located, s: dict[str, Any]) -> list[Stmt]:
        out: list[Stmt] = []
        for keyword, op, words in (
            ("minimum", "<", "is less than the minimum of"),
            ("maximum", ">", "is greater than the maximum of"),
            ("exclusiveMinimum", "<=", "is less than or equal to the exclusive minimum of"),
            ("exclusiveMaximum", ">=", "is greater than or equal to the exclusive maximum of"),
        ):
            if (bound := self.number(s, keyword)) is not None:
                message = self.said(f" {words} {s[keyword]!r}")
                out += if_(f"x {op} {bound}", [self.add(message, keyword, node)])
        if (divisor := self.number(s, "multipleOf")) is not None:
            message = self.said(f" is not a multiple of {s['multipleOf']!r}")
            test = (
                f"x % {divisor}"
                if isinstance(s["multipleOf"], int)
                else f"not multiple_of(x, {divisor})"
            )
            out += if_(test, [self.add(message, "multipleOf", node)])
        return out

    def err_generic(self, node: Located, s: dict[str, Any]) -> list[Stmt]:
        out: list[Stmt] = []
        if "enum" in s:
            listed = ", ".join(repr(value) for value in s["enum"])
            message = self.said(f" is not one of {listed}")
            out += if_(self.enum_fail(s["enum"], "x", None), [self.add(message, "enum", node)])
        if "const" in s:
            message = self.said(f" is not {s['const']!r}")
            out += if_(self.const_fail(s["const"], "x", None), [self.add(message, "const", node)])
        if "$ref" in s:
            out += self.call_err(self.ref_target(node), "x", "p")
        for index in range(len(self.listing(s, "allOf"))):
            out += self.call_err(self.sub(node, "allOf", index), "x", "p")
        any_of = [self.sub(node, "anyOf", i) for i in range(len(self.listing(s, "anyOf")))]
        if any_of and not any(self.trivial(branch) for branch in any_of):
            fns = [self.fn("ok", branch) for branch in any_of]
            message = self.said(" does not match any of the 'anyOf' schemas")
            test = f"not any(f(x) for f in {self.fn_tuple(fns)})"
            if len(fns) <= _ANY_INLINE:
                test = " and ".join(f"not {fn}(x)" for fn in fns)
            out += if_(test, [self.add(message, "anyOf", node)])
        one_of = [self.sub(node, "oneOf", i) for i in range(len(self.listing(s, "oneOf")))]
        if one_of:
            fns = [self.fn("ok", branch) for branch in one_of]
            none = self.said(" does not match any of the 'oneOf' schemas")
            many = self.said(" matches more than one of the 'oneOf' schemas")
            if len(fns) <= _ANY_INLINE:
                out.append(Line("m = " + " + ".join(f"{fn}(x)" for fn in fns)))
            else:
                out.append(Line(f"m = sum(1 for f in {self.fn_tuple(fns)} if f(x))"))
            out += if_("m == 0", [self.add(none, "oneOf", node)])
            out += if_("m > 1", [self.add(many, "oneOf", node)])
        if "not" in s:
            message = self.said(" must not match the 'not' schema")
            out += if_(
                f"{self.fn('ok', self.sub(node, 'not'))}(x)", [self.add(message, "not", node)]
            )
        if "if" in s:
            test = f"{self.fn('ok', self.sub(node, 'if'))}(x)"
            then = self.call_err(self.sub(node, "then"), "x", "p") if "then" in s else []
            other = self.call_err(self.sub(node, "else"), "x", "p") if "else" in s else []
            out += if_(test, then, other)
        return out

    # -- lint ------------------------------------------------------------------------------

    def closure(self, node: Located) -> list[Located]:
        """``node`` and every subschema that applies to the same instance."""
        found: dict[tuple[int, str], Located] = {}
        stack = [node]
        while stack:
            current = stack.pop()
            if current.key in found or not isinstance(current.schema, dict):
                continue
            found[current.key] = current
            schema = current.schema
            if isinstance(schema.get("$ref"), str):
                target = self.registry.resolve(schema["$ref"], current.base)
                if target is not None:
                    stack.append(target)
            for keyword, child in children(current):
                if keyword in ("allOf", "anyOf", "oneOf", "then", "else", "dependentSchemas"):
                    stack.append(child)
        return list(found.values())

    def lintable(self, node: Located, seen: frozenset[tuple[int, str]] = frozenset()) -> bool:
        if node.key in self._lint_memo:
            return self._lint_memo[node.key]
        if node.key in seen:
            return False
        seen = seen | {node.key}
        result = False
        for member in self.closure(node):
            schema = member.schema
            assert isinstance(schema, dict)
            if isinstance(schema.get("properties"), dict):
                result = True
                break
            for keyword, child in children(member):
                if keyword in ("properties", "items", "prefixItems") and self.lintable(child, seen):
                    result = True
                    break
        self._lint_memo[node.key] = result
        return result

    def lint(self, node: Located) -> list[Stmt]:
        members = self.closure(node)
        known: list[str] = []
        patterns: list[str] = []
        open_ended = False
        for member in members:
            schema = member.schema
            assert isinstance(schema, dict)
            known += list(self.mapping(schema, "properties"))
            patterns += list(self.mapping(schema, "patternProperties"))
            extra = schema.get("additionalProperties", True)
            open_ended = open_ended or not isinstance(extra, bool)
        out: list[Stmt] = []
        body: list[Stmt] = []
        if known and not open_ended:
            names = sorted(set(known))
            listed = self.const(
                "l",
                _json(names),
                lambda name: collection_lines(
                    f"{name} = ", "(", [py_str(n) for n in names], ",)" if len(names) == 1 else ")"
                ),
            )
            cond = f"k not in {self.str_set(names)}"
            if patterns:
                cond += f" and not {self.regex('|'.join(patterns))}.search(k)"
            owner = next(
                m for m in members if isinstance(m.schema, dict) and "properties" in m.schema
            )
            index = self.pair("unknown-property", owner.pointer + "/properties")
            issue = (
                f"ValidationIssue(p, did_you_mean(k, {listed}), _v_s[{index}], _v_s[{index + 1}])"
            )
            body.append(For("k", "x", tuple(if_(cond, [Line(f"out.append({issue})")]))))
        for member in members:
            schema = member.schema
            assert isinstance(schema, dict)
            for name in self.mapping(schema, "properties"):
                child = self.sub(member, "properties", name)
                if self.lintable(child):
                    key = self.key(name)
                    path = self.text("/" + escape(name))
                    call = f"{self.fn('lint', child)}(x[{key}], p + {path}, out)"
                    body += if_(f"{key} in x", [Line(call)])
        out += if_("isinstance(x, dict)", body)
        items: list[Stmt] = []
        for member in members:
            schema = member.schema
            assert isinstance(schema, dict)
            prefix = self.listing(schema, "prefixItems")
            for index in range(len(prefix)):
                child = self.sub(member, "prefixItems", index)
                if self.lintable(child):
                    call = f'{self.fn("lint", child)}(x[{index}], p + "/{index}", out)'
                    items += if_(f"len(x) > {index}", [Line(call)])
            if "items" in schema and self.lintable(child := self.sub(member, "items")):
                source = (
                    f"enumerate(x[{len(prefix)}:], {len(prefix)})" if prefix else "enumerate(x)"
                )
                call = f'{self.fn("lint", child)}(w, f"{{p}}/{{i}}", out)'
                items.append(For("i, w", source, (Line(call),)))
        out += if_("isinstance(x, list)", items)
        return out or [Line("return")]


def _type_fail(types: list[str], v: str) -> list[Stmt]:
    """Statements that return False unless ``v`` has one of ``types``."""
    if len(types) == 1:
        name = types[0]
        if name == "integer":
            return [
                *if_(f"isinstance({v}, bool)", [_RF]),
                *if_(
                    f"not isinstance({v}, int)"
                    f" and not (isinstance({v}, float) and {v}.is_integer())",
                    [_RF],
                ),
            ]
        if name == "number":
            return if_(f"isinstance({v}, bool) or not isinstance({v}, (int, float))", [_RF])
        if name == "null":
            return if_(f"{v} is not None", [_RF])
        return if_(f"not {_TYPE_TESTS[name].format(v=v)}", [_RF])
    test = " or ".join(_TYPE_TESTS[name].format(v=v) for name in types)
    return if_(negate(test), [_RF])


def _finish(body: list[Stmt]) -> tuple[Stmt, ...]:
    """End an ok-function: a trailing ``if c: return False`` becomes ``return not c``."""
    if body and isinstance(body[-1], If) and body[-1].body == (_RF,) and not body[-1].orelse:
        return (*body[:-1], Line(f"return {negate(body[-1].cond)}"))
    if body == [_RF]:
        return (_RF,)
    return (*body, Line("return True"))


def _scan(node: Located, registry: Registry) -> list[str]:
    """Keywords that force the ``jsonschema`` fallback anywhere in the document."""
    found: set[str] = set()
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current.schema) in seen or not isinstance(current.schema, dict):
            continue
        seen.add(id(current.schema))
        schema = current.schema
        found.update(keyword for keyword in _FALLBACK if keyword in schema)
        dialect = schema.get("$schema")
        if dialect is not None and dialect.rstrip("#") != _DRAFT:
            found.add("$schema")
        stack.extend(child for _, child in children(current))
    return sorted(found)


def compile_program(schema: object) -> Program:
    """Compile ``schema``; keywords needing ``jsonschema`` go to ``Program.fallback``.

    With a fallback the program still carries the compiled lint (when it compiles) and the
    schema's JSON text in the string table for ``fallback_issues``.
    """
    compiler = _Compiler(schema)
    root = compiler.registry.root
    fallback = _scan(root, compiler.registry)
    ok = err = lint = None
    if not fallback:
        try:
            ok = compiler.fn("ok", root)
            err = None if compiler.trivial(root) else compiler.fn("err", root)
            compiler.drain()
        except Fallback as exc:
            fallback = [exc.keyword]
            compiler = _Compiler(schema)
            ok = err = None
    if fallback:
        schema_text = compiler.text(json.dumps(schema, sort_keys=True, allow_nan=True))
    else:
        schema_text = None
    try:
        lint = (
            compiler.fn("lint", compiler.registry.root)
            if compiler.lintable(compiler.registry.root)
            else None
        )
        compiler.drain()
    except Fallback:
        lint = None
    state = compiler.state
    return Program(
        table=tuple(state.table),
        constants=tuple(state.constants),
        functions=tuple(state.functions.values()),
        late=tuple(state.late),
        ok=ok,
        err=err,
        lint=lint,
        fallback=tuple(sorted(fallback)),
        schema_text=schema_text,
    )
