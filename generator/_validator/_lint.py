"""The lint: ``_v_lint_N`` functions that report unknown property names.

The API ignores keys it does not know, so a misspelt ``aspect-ratio`` silently runs with the
default. Names are known if any subschema that applies to the same value lists them
(``allOf``/``anyOf``/``oneOf`` branches, ``$ref`` targets, ``then``/``else``).
"""

from __future__ import annotations

from ._ast import For, Line, Stmt, if_
from ._base import (
    CompilerBase,
    to_json,
)
from ._literals import collection_lines, py_str
from ._resolve import Located, children, escape

__all__ = ["LintPath"]


class LintPath(CompilerBase):
    """Statements for ``_v_lint_N`` bodies."""

    _lint_memo: dict[tuple[int, str], bool]

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
                to_json(names),
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
