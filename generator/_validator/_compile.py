"""Schema -> statement trees: the decisions behind a compiled validator.

The compiler builds three kinds of functions: ``_v_ok_N`` (the fast path, ``_fast``; the
root's is ``_is_valid`` itself), ``_v_err_N`` (every error with its instance path,
``_errors``) and ``_v_lint_N`` (unknown property names, ``_lint``). Inlining is bounded by
depth, so recursive ``$ref`` compiles to recursive calls. Keywords this compiler does not
translate raise ``Fallback``; the whole schema is then validated by ``jsonschema`` (visibly:
``Program.fallback``), while the lint stays compiled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ._ast import For, Function, If, Line, Stmt, merge_fails, negate
from ._base import (
    DRAFT,
    FALLBACK,
    RETURN_FALSE,
    Fallback,
)
from ._errors import ErrorPath
from ._lint import LintPath
from ._literals import LINE_LENGTH
from ._resolve import Located, Registry, children

__all__ = ["Fallback", "Program", "compile_program"]


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


class _Compiler(ErrorPath, LintPath):
    def __init__(self, schema: object) -> None:
        super().__init__(schema)
        self._lint_memo = {}

    def drain(self) -> None:
        while self.state.pending:
            kind, node = self.state.pending.popleft()
            name = self.state.names[(kind, node.key)]
            if kind == "ok":
                var = "instance" if name == "_is_valid" else "x"
                body = merge_fails(self.ok(node, var, 0))
                self.state.functions[name] = Function(
                    f"def {name}({var}: object) -> bool:", _finish(body)
                )
            elif kind == "err":
                signature = f"def {name}(x: object, p: str, e: list[ValidationIssue]) -> None:"
                body = self.err(node) or [Line("pass")]
                self.state.functions[name] = Function(signature, tuple(body))
            else:
                signature = f"def {name}(x: object, p: str, out: list[ValidationIssue]) -> None:"
                self.state.functions[name] = Function(signature, tuple(self.lint(node)))


def _finish(body: list[Stmt]) -> tuple[Stmt, ...]:
    """End an ok-function the way the linter wants it ended.

    A trailing ``if c: return False`` becomes ``return not c``, and a trailing loop whose only
    statement is that ``if`` becomes ``return all(not c for ...)``.
    """
    last = body[-1] if body else None
    if (
        isinstance(last, For)
        and len(last.body) == 1
        and isinstance(last.body[0], If)
        and last.body[0].body == (RETURN_FALSE,)
        and not last.body[0].orelse
    ):
        test = f"{negate(last.body[0].cond)} for {last.target} in {last.iterable}"
        # The formatter's layout when one line is too long (``_finish`` bodies sit at level 1).
        one_line = f"return all({test})"
        text = (
            one_line if 4 + len(one_line) <= LINE_LENGTH else f"return all(\n        {test}\n    )"
        )
        return (*body[:-1], Line(text))
    if (
        body
        and isinstance(body[-1], If)
        and body[-1].body == (RETURN_FALSE,)
        and not body[-1].orelse
    ):
        return (*body[:-1], Line(f"return {negate(body[-1].cond)}"))
    if body == [RETURN_FALSE]:
        return (RETURN_FALSE,)
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
        found.update(keyword for keyword in FALLBACK if keyword in schema)
        dialect = schema.get("$schema")
        if dialect is not None and dialect.rstrip("#") != DRAFT:
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
            # The root's fast path is ``_is_valid`` itself: one call less per payload.
            ok = None if compiler.trivial(root) else compiler.fn("ok", root, "_is_valid")
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
