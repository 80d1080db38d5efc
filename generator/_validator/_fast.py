"""The fast path: ``_v_ok_N`` functions that return at the first failure.

They allocate nothing on success, narrow a value once by its declared type and then check
without guards, and inline small subschemas (properties, items, ``allOf``) up to a fixed
depth; ``$ref`` targets and branches of ``anyOf``/``oneOf``/``not``/``if`` are calls.
"""

from __future__ import annotations

from typing import Any

from generator.runtime._formats import FAST_PATHS, FORMATS

from ._ast import ONE_LINE, For, Line, Stmt, if_, longest, mentions, negate, use_once
from ._base import (
    ACTIVE,
    ANY_INLINE,
    GROUP_TYPES,
    GUARDS,
    MAX_INLINE,
    RETURN_FALSE,
    TYPE_TESTS,
    CompilerBase,
    Fallback,
    is_number,
)
from ._literals import py_scalar
from ._resolve import Located

__all__ = ["FastPath", "type_fail"]


class FastPath(CompilerBase):
    """Statements for ``_v_ok_N`` bodies."""

    def child_ok(self, node: Located, var: str, depth: int) -> list[Stmt]:
        if self.trivial(node):
            return []
        if node.schema is False:
            return [RETURN_FALSE]
        if depth < MAX_INLINE:
            return self.ok(node, var, depth + 1)
        return if_(f"not {self.fn('ok', node)}({var})", [RETURN_FALSE])

    def ok(self, node: Located, v: str, depth: int) -> list[Stmt]:
        schema = node.schema
        if schema is True:
            return []
        if schema is False:
            return [RETURN_FALSE]
        if not isinstance(schema, dict):
            raise Fallback("schema")
        out: list[Stmt] = []
        types = self.types(schema)
        single = types[0] if types is not None and len(types) == 1 else None
        if types is not None:
            out += type_fail(types, v)
        for group, makes in (
            ("object", self.ok_object),
            ("array", self.ok_array),
            ("string", self.ok_string),
            ("number", self.ok_number),
        ):
            if types is not None and not set(GROUP_TYPES[group]) & set(types):
                continue
            stmts = makes(node, schema, v, depth)
            if single is not None:
                out += stmts
            else:
                out += if_(GUARDS[group].format(v=v), stmts)
        out += self.ok_generic(node, schema, v, depth, single)
        return out

    def ok_object(self, node: Located, s: dict[str, Any], v: str, depth: int) -> list[Stmt]:
        out: list[Stmt] = []
        required = self.strings(s.get("required", []), "required")
        for name in dict.fromkeys(required):
            out += if_(f"{self.key(name)} not in {v}", [RETURN_FALSE])
        w = f"v{depth + 1}"
        k = f"k{depth + 1}"
        props = self.mapping(s, "properties")
        for name in props:
            stmts = self.child_ok(self.sub(node, "properties", name), w, depth)
            if not stmts:
                continue
            key = self.key(name)
            body = use_once(w, f"{v}[{key}]", stmts)
            guarded = body if name in required else if_(f"{key} in {v}", body)
            if longest(guarded) > ONE_LINE:
                body = [Line(f"{w} = {v}[{key}]"), *stmts]
                guarded = body if name in required else if_(f"{key} in {v}", body)
            out += guarded
        out += self.ok_extra(node, s, v, depth, props)
        if "propertyNames" in s:
            stmts = self.child_ok(self.sub(node, "propertyNames"), k, depth)
            if stmts:
                out.append(For(k, v, tuple(stmts)))
        if (low := self.count(s, "minProperties")) is not None:
            out += if_(f"len({v}) < {low}", [RETURN_FALSE])
        if (high := self.count(s, "maxProperties")) is not None:
            out += if_(f"len({v}) > {high}", [RETURN_FALSE])
        for name, deps in self.mapping(s, "dependentRequired").items():
            deps = self.strings(deps, "dependentRequired")
            if len(deps) == 1:
                out += if_(
                    f"{self.key(name)} in {v} and {self.key(deps[0])} not in {v}", [RETURN_FALSE]
                )
            elif deps:
                out += if_(
                    f"{self.key(name)} in {v} and not {self.str_set(deps)} <= {v}.keys()",
                    [RETURN_FALSE],
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
            if extra == [RETURN_FALSE] and not body and not patterns:
                return if_(f"not {known}.issuperset({v})", [RETURN_FALSE])
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
            out += if_(f"len({v}) < {low}", [RETURN_FALSE])
        if (high := self.count(s, "maxItems")) is not None:
            out += if_(f"len({v}) > {high}", [RETURN_FALSE])
        if s.get("uniqueItems") is True:
            out += if_(f"not json_unique({v})", [RETURN_FALSE])
        prefix = self.listing(s, "prefixItems")
        for index in range(len(prefix)):
            stmts = self.child_ok(self.sub(node, "prefixItems", index), w, depth)
            guarded = if_(f"len({v}) > {index}", use_once(w, f"{v}[{index}]", stmts))
            if longest(guarded) > ONE_LINE:
                guarded = if_(f"len({v}) > {index}", [Line(f"{w} = {v}[{index}]"), *stmts])
            out += guarded
        if "items" in s:
            stmts = self.child_ok(self.sub(node, "items"), w, depth)
            if stmts == [RETURN_FALSE]:
                out += if_(f"len({v}) > {len(prefix)}", [RETURN_FALSE])
            elif stmts:
                out.append(For(w, f"{v}[{len(prefix)}:]" if prefix else v, tuple(stmts)))
        if "contains" in s:
            fn = self.fn("ok", self.sub(node, "contains"))
            low = self.count(s, "minContains")
            low = 1 if low is None else low
            high = self.count(s, "maxContains")
            if high is None and low == 1:
                out += if_(f"not any({fn}({w}) for {w} in {v})", [RETURN_FALSE])
            elif high is not None or low > 0:
                n = f"n{depth + 1}"
                out.append(Line(f"{n} = sum(1 for {w} in {v} if {fn}({w}))"))
                tests = ([f"{n} < {low}"] if low > 0 else []) + (
                    [f"{n} > {high}"] if high is not None else []
                )
                out += if_(" or ".join(tests), [RETURN_FALSE])
        return out

    def ok_string(self, node: Located, s: dict[str, Any], v: str, depth: int) -> list[Stmt]:
        out: list[Stmt] = []
        if (low := self.count(s, "minLength")) is not None:
            out += if_(f"len({v}) < {low}", [RETURN_FALSE])
        if (high := self.count(s, "maxLength")) is not None:
            out += if_(f"len({v}) > {high}", [RETURN_FALSE])
        if "pattern" in s:
            if not isinstance(s["pattern"], str):
                raise Fallback("pattern")
            out += if_(f"{self.regex(s['pattern'])}.search({v}) is None", [RETURN_FALSE])
        if s.get("format") in FORMATS:
            name = s["format"]
            test = f"not {self.format_fn(name)}({v})"
            if name in FAST_PATHS:
                test = f"{self.format_fast(name)}.fullmatch({v}) is None and {test}"
            out += if_(test, [RETURN_FALSE])
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
                out += if_(f"{v} {op} {bound}", [RETURN_FALSE])
        if (divisor := self.number(s, "multipleOf")) is not None:
            if isinstance(s["multipleOf"], int):
                out += if_(f"{v} % {divisor}", [RETURN_FALSE])
            else:
                out += if_(f"not multiple_of({v}, {divisor})", [RETURN_FALSE])
        return out

    def only_ref(self, schema: dict[str, Any]) -> bool:
        """Whether ``$ref`` is the schema's only active keyword."""
        return "$ref" in schema and not any(k in schema for k in ACTIVE if k != "$ref")

    def enum_fail(self, values: list[Any], v: str, single: str | None) -> str:
        if values and all(isinstance(value, str) for value in values):
            known = self.str_set(values)
            if single == "string":
                return f"{v} not in {known}"
            return f"not isinstance({v}, str) or {v} not in {known}"
        if values and all(is_number(value) for value in values):
            known = self.num_set(values)
            if single in ("number", "integer"):
                return f"{v} not in {known}"
            return f"not is_number({v}) or {v} not in {known}"
        if values and all(isinstance(value, str) or is_number(value) for value in values):
            known = self.scalar_set(values)
            return (
                f"isinstance({v}, bool) or not isinstance({v}, (str, int, float))"
                f" or {v} not in {known}"
            )
        return f"not json_in({v}, {self.json_const(values)})"

    def const_fail(self, value: object, v: str, single: str | None) -> str:
        if value is None or isinstance(value, bool):
            return f"{v} is not {value!r}"
        if isinstance(value, str) or is_number(value):
            literal = py_scalar(value)
            if isinstance(value, str):
                guard = "" if single == "string" else f"not isinstance({v}, str) or "
            else:
                guard = "" if single in ("number", "integer") else f"not is_number({v}) or "
            return f"{guard}{v} != {literal}"
        return f"not json_equal({v}, {self.json_const(value)})"

    def ok_generic(
        self, node: Located, s: dict[str, Any], v: str, depth: int, single: str | None
    ) -> list[Stmt]:
        out: list[Stmt] = []
        if "enum" in s:
            if not isinstance(s["enum"], list):
                raise Fallback("enum")
            out += if_(self.enum_fail(s["enum"], v, single), [RETURN_FALSE])
        if "const" in s:
            out += if_(self.const_fail(s["const"], v, single), [RETURN_FALSE])
        if "$ref" in s:
            # Inlined like any subschema: the depth limit also bounds recursive references. A
            # node that is only a reference to a node that is more than one costs no depth.
            target = self.ref_target(node)
            transparent = self.only_ref(s) and not (
                isinstance(target.schema, dict) and self.only_ref(target.schema)
            )
            out += self.child_ok(target, v, depth - 1 if transparent else depth)
        for index in range(len(self.listing(s, "allOf"))):
            out += self.child_ok(self.sub(node, "allOf", index), v, depth)
        any_of = [self.sub(node, "anyOf", i) for i in range(len(self.listing(s, "anyOf")))]
        if any_of and not any(self.trivial(branch) for branch in any_of):
            fns = [self.fn("ok", branch) for branch in any_of]
            if len(fns) <= ANY_INLINE:
                out += if_(" and ".join(f"not {fn}({v})" for fn in fns), [RETURN_FALSE])
            else:
                out += if_(f"not any(f({v}) for f in {self.fn_tuple(fns)})", [RETURN_FALSE])
        one_of = [self.sub(node, "oneOf", i) for i in range(len(self.listing(s, "oneOf")))]
        if one_of:
            fns = [self.fn("ok", branch) for branch in one_of]
            if len(fns) == 1:
                out += if_(f"not {fns[0]}({v})", [RETURN_FALSE])
            elif len(fns) <= ANY_INLINE:
                out += if_(" + ".join(f"{fn}({v})" for fn in fns) + " != 1", [RETURN_FALSE])
            else:
                out += if_(f"sum(1 for f in {self.fn_tuple(fns)} if f({v})) != 1", [RETURN_FALSE])
        if "not" in s:
            out += if_(f"{self.fn('ok', self.sub(node, 'not'))}({v})", [RETURN_FALSE])
        if "if" in s:
            test = f"{self.fn('ok', self.sub(node, 'if'))}({v})"
            then = self.fn("ok", self.sub(node, "then")) if "then" in s else None
            other = self.fn("ok", self.sub(node, "else")) if "else" in s else None
            if then and other:
                out += if_(f"not ({then}({v}) if {test} else {other}({v}))", [RETURN_FALSE])
            elif then:
                out += if_(f"{test} and not {then}({v})", [RETURN_FALSE])
            elif other:
                out += if_(f"not {test} and not {other}({v})", [RETURN_FALSE])
        return out


def type_fail(types: list[str], v: str) -> list[Stmt]:
    """Statements that return False unless ``v`` has one of ``types``."""
    if len(types) == 1:
        name = types[0]
        if name == "integer":
            # Exact ints pass on the first test; is_integer handles bools, floats, subclasses.
            return if_(f"type({v}) is not int and not is_integer({v})", [RETURN_FALSE])
        if name == "number":
            # Exact types first: one isinstance against a tuple costs several times more.
            # Exact types first: one isinstance against a tuple costs several times more.
            return if_(
                f"type({v}) is not int and type({v}) is not float and not is_number({v})",
                [RETURN_FALSE],
            )
        if name == "null":
            return if_(f"{v} is not None", [RETURN_FALSE])
        return if_(f"not {TYPE_TESTS[name].format(v=v)}", [RETURN_FALSE])
    # The helper call for "integer" goes last: the isinstance tests usually decide first.
    ordered = sorted(types, key=lambda name: name == "integer")
    test = " or ".join(TYPE_TESTS[name].format(v=v) for name in ordered)
    return if_(negate(test), [RETURN_FALSE])
