"""The tiny statement tree the compiler builds and the Jinja templates print.

The compiler decides every statement and expression (in Python); the templates only walk this
tree and indent it. Expressions are plain text made from literals (``_literals``), generated
names and fixed operators, never from unescaped schema text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "For",
    "Function",
    "If",
    "Line",
    "Stmt",
    "if_",
    "layout",
    "mentions",
    "merge_fails",
    "negate",
]


@dataclass(frozen=True)
class Line:
    """A simple statement: an assignment, a call or a return."""

    text: str
    kind: str = "line"


@dataclass(frozen=True)
class If:
    """``if cond:`` with a body and an optional ``else`` body."""

    cond: str
    body: tuple[Stmt, ...]
    orelse: tuple[Stmt, ...] = ()
    kind: str = "if"
    # The condition split one operand per line, set by ``layout`` when it is too long.
    wrapped: tuple[str, ...] = ()


@dataclass(frozen=True)
class For:
    """``for target in iterable:``."""

    target: str
    iterable: str
    body: tuple[Stmt, ...]
    kind: str = "for"


Stmt = Line | If | For


@dataclass(frozen=True)
class Function:
    """A module-level ``def`` with its signature line and body."""

    signature: str
    body: tuple[Stmt, ...]


def _wrap(cond: str) -> str:
    return f"({cond})" if " or " in cond or " if " in cond else cond


def if_(cond: str, body: Sequence[Stmt], orelse: Sequence[Stmt] = ()) -> list[Stmt]:
    """An ``If`` as a statement list; nested single ifs merge (``if a and b``), empty ones vanish.

    Merging keeps the output free of the "collapsible if" lint finding.
    """
    if not body and not orelse:
        return []
    if not body:
        return if_(f"not ({cond})" if " " in cond else f"not {cond}", orelse)
    if not orelse and len(body) == 1 and isinstance(body[0], If) and not body[0].orelse:
        inner = body[0]
        return [If(f"{_wrap(cond)} and {_wrap(inner.cond)}", inner.body)]
    return [If(cond, tuple(body), tuple(orelse))]


def mentions(stmts: Iterable[Stmt], name: str) -> bool:
    """Whether any statement refers to the variable ``name`` (string literals do not count)."""
    return _count(stmts, _word(name)) > 0


def _split(cond: str, op: str) -> list[str]:
    """``cond`` split on ``op`` where it is not inside brackets."""
    parts: list[str] = []
    depth = 0
    start = 0
    index = 0
    while index < len(cond):
        char = cond[index]
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == '"':
            index = cond.index('"', index + 1)
        elif depth == 0 and cond.startswith(op, index):
            parts.append(cond[start:index])
            index += len(op)
            start = index
            continue
        index += 1
    parts.append(cond[start:])
    return parts


def _unparen(cond: str) -> str:
    """``cond`` without one pair of brackets around all of it."""
    if not (cond.startswith("(") and cond.endswith(")")):
        return cond
    depth = 0
    index = 0
    while index < len(cond):
        char = cond[index]
        if char == '"':
            index = cond.index('"', index + 1)
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
            if depth == 0 and index < len(cond) - 1:
                return cond
        index += 1
    return cond[1:-1]


_SWAPS = ((" is not ", " is "), (" not in ", " in "), (" != ", " == "))


def negate(cond: str) -> str:
    """The condition that holds exactly when ``cond`` does not (De Morgan, no double ``not``)."""
    cond = _unparen(cond)
    for op, opposite in ((" or ", " and "), (" and ", " or ")):
        parts = _split(cond, op)
        if len(parts) > 1:
            negated = [negate(part) for part in parts]
            wrapped = [f"({part})" if len(_split(part, op)) > 1 else part for part in negated]
            return opposite.join(wrapped)
    if cond.startswith("not "):
        return _unparen(cond[4:])
    for one, two in _SWAPS:
        for this, that in ((one, two), (two, one)):
            pieces = _split(cond, this)
            if len(pieces) == 2:
                return pieces[0] + that + pieces[1]
    if " if " in cond or (" " in cond and not cond.endswith(")")):
        return f"not ({cond})"
    return f"not {cond}"


def _operands(cond: str) -> list[str]:
    """``cond`` split the way the formatter splits a long condition: at its top-level operator."""
    for op in (" or ", " and "):
        parts = _split(cond, op)
        if len(parts) > 1:
            word = op.strip()
            return [parts[0], *(f"{word} {part}" for part in parts[1:])]
    return [cond]


def layout(stmts: Sequence[Stmt], level: int, limit: int) -> tuple[Stmt, ...]:
    """``stmts`` with every too-long ``if`` condition wrapped as ``ruff format`` wraps it."""
    out: list[Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, If):
            body = layout(stmt.body, level + 1, limit)
            orelse = layout(stmt.orelse, level + 1, limit)
            wrapped: tuple[str, ...] = ()
            if 4 * level + len(f"if {stmt.cond}:") > limit:
                wrapped = tuple(_operands(stmt.cond))
            out.append(If(stmt.cond, body, orelse, wrapped=wrapped))
        elif isinstance(stmt, For):
            out.append(For(stmt.target, stmt.iterable, layout(stmt.body, level + 1, limit)))
        else:
            out.append(stmt)
    return tuple(out)


_FAIL = Line("return False")
_MERGE = 3
# Conditions stay on one line at any inlining depth: ruff wraps long two-operand conditions
# at the last call's brackets, a layout this module does not reproduce.
_MERGED_LENGTH = 64
ONE_LINE = _MERGED_LENGTH


def _fails(stmt: Stmt) -> bool:
    return isinstance(stmt, If) and stmt.body == (_FAIL,) and not stmt.orelse


def merge_fails(stmts: Sequence[Stmt]) -> list[Stmt]:
    """Join runs of ``if c: return False`` into ``if c1 or c2 or c3: return False``.

    Fewer branches on the fast path; each run stays short enough to read.
    """
    out: list[Stmt] = []
    run = 0
    for stmt in stmts:
        if isinstance(stmt, If):
            merged = if_(stmt.cond, merge_fails(stmt.body), merge_fails(stmt.orelse))
            if len(merged) != 1:
                out += merged
                run = 0
                continue
            stmt = merged[0]
        elif isinstance(stmt, For):
            stmt = For(stmt.target, stmt.iterable, tuple(merge_fails(stmt.body)))
        previous = out[-1] if out else None
        if (
            isinstance(previous, If)
            and isinstance(stmt, If)
            and _fails(previous)
            and _fails(stmt)
            and run < _MERGE
            and len(previous.cond) + len(stmt.cond) <= _MERGED_LENGTH
        ):
            parts = [
                f"({cond})" if len(_split(cond, " and ")) > 1 else cond
                for cond in (previous.cond, stmt.cond)
            ]
            out[-1] = If(" or ".join(parts), (_FAIL,))
            run += 1
            continue
        run = 1 if _fails(stmt) else 0
        out.append(stmt)
    return out


def _word(name: str) -> re.Pattern[str]:
    """Matches a string literal (group 1, skipped) or the identifier ``name`` (group 2)."""
    return re.compile(rf'("(?:[^"\\\\]|\\\\.)*")|\b({re.escape(name)})\b')


def _hits(word: re.Pattern[str], text: str) -> int:
    return sum(1 for match in word.finditer(text) if match.group(2))


def _count(stmts: Iterable[Stmt], word: re.Pattern[str]) -> int:
    total = 0
    for stmt in stmts:
        if isinstance(stmt, Line):
            total += _hits(word, stmt.text)
        elif isinstance(stmt, If):
            total += _hits(word, stmt.cond) + _count(stmt.body, word)
            total += _count(stmt.orelse, word)
        else:
            uses = _hits(word, stmt.iterable) + _count(stmt.body, word)
            total += 2 * uses  # a loop may read it many times: keep the variable
    return total


def _replace(stmts: Iterable[Stmt], word: re.Pattern[str], expr: str) -> list[Stmt]:
    def swap(text: str) -> str:
        return word.sub(lambda match: match.group(1) or expr, text)

    out: list[Stmt] = []
    for stmt in stmts:
        if isinstance(stmt, Line):
            out.append(Line(swap(stmt.text)))
        elif isinstance(stmt, If):
            body = tuple(_replace(stmt.body, word, expr))
            orelse = tuple(_replace(stmt.orelse, word, expr))
            out.append(If(swap(stmt.cond), body, orelse))
        else:
            out.append(stmt)
    return out


def use_once(var: str, expr: str, stmts: Sequence[Stmt]) -> list[Stmt]:
    """``var = expr`` followed by ``stmts``; ``expr`` written in place when read only once."""
    word = _word(var)
    uses = _count(stmts, word)
    if uses == 0:
        return list(stmts)
    if uses == 1:
        replaced = _replace(stmts, word, expr)
        if longest(replaced) <= _MERGED_LENGTH:
            return replaced
    return [Line(f"{var} = {expr}"), *stmts]


def longest(stmts: Iterable[Stmt]) -> int:
    """The length of the longest condition or simple statement in ``stmts``."""
    widest = 0
    for stmt in stmts:
        if isinstance(stmt, If):
            widest = max(widest, len(stmt.cond), longest(stmt.body), longest(stmt.orelse))
        elif isinstance(stmt, Line):
            widest = max(widest, len(stmt.text))
    return widest
