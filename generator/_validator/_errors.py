"""The every-error path: ``_v_err_N`` functions that report each failure with its path.

Errors land at the instance paths ``jsonschema`` reports them at: a property or item extends
the path, applicators (``allOf``, ``$ref``, ``then``, ``dependentSchemas``) keep it, and
``anyOf``/``oneOf``/``not``/``contains`` report one error at the value itself.
"""

from __future__ import annotations

from typing import Any

from generator.runtime._formats import FORMATS

from ._ast import For, Line, Stmt, if_, negate
from ._base import (
    ANY_INLINE,
    GROUP_TYPES,
    GUARDS,
    TYPE_TESTS,
)
from ._fast import FastPath
from ._resolve import Located, escape

__all__ = ["ErrorPath"]


class ErrorPath(FastPath):
    """Statements for ``_v_err_N`` bodies."""

    def add(self, message: str, keyword: str, node: Located, path: str = "p") -> Line:
        index = self.pair(keyword, f"{node.pointer}/{keyword}")
        return Line(f"_v_add(e, {path}, {message}, {index})")

    def said(self, suffix: str, value: str = "x") -> str:
        """``brief(value)`` followed by a fixed text."""
        return f"brief({value}) + {self.text(suffix)}"

    def call_err(self, node: Located, value: str, path: str) -> list[Stmt]:
        """Report ``node``'s errors for ``value`` found at ``path``.

        A ``false`` subschema reports at the current path ``p``, not at ``path``:
        ``jsonschema`` raises that error before it extends the path, and the contract is its
        set of failing paths.
        """
        if self.trivial(node):
            return []
        if node.schema is False:
            message = self.said(" is not allowed here (false schema)", value)
            return [self.add(message, "false", node)]
        return [Line(f"{self.fn('err', node)}({value}, {path}, e)")]

    def err(self, node: Located) -> list[Stmt]:
        schema = node.schema
        if schema is False:
            return [self.add(self.said(" is not allowed here (false schema)"), "false", node)]
        assert isinstance(schema, dict)
        out: list[Stmt] = []
        types = self.types(schema)
        if types is not None:
            test = " or ".join(TYPE_TESTS[name].format(v="x") for name in types)
            listed = ", ".join(repr(name) for name in types)
            out += if_(
                negate(test) if len(types) > 1 else f"not {TYPE_TESTS[types[0]].format(v='x')}",
                [self.add(self.said(f" is not of type {listed}"), "type", node)],
            )
        for group, makes in (
            ("object", self.err_object),
            ("array", self.err_array),
            ("string", self.err_string),
            ("number", self.err_number),
        ):
            if types is not None and not set(GROUP_TYPES[group]) & set(types):
                continue
            out += if_(GUARDS[group].format(v="x"), makes(node, schema))
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
            if len(fns) <= ANY_INLINE:
                test = " and ".join(f"not {fn}(x)" for fn in fns)
            out += if_(test, [self.add(message, "anyOf", node)])
        one_of = [self.sub(node, "oneOf", i) for i in range(len(self.listing(s, "oneOf")))]
        if one_of:
            fns = [self.fn("ok", branch) for branch in one_of]
            none = self.said(" does not match any of the 'oneOf' schemas")
            many = self.said(" matches more than one of the 'oneOf' schemas")
            if len(fns) <= ANY_INLINE:
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
