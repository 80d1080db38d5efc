"""Python source text for values and expressions, laid out as ``ruff format`` lays them out.

Generated modules must come out of the templates already formatted (runtime rendering has no
formatter). Everything schema-derived reaches source code through this module: strings become
escaped literals, never spliced text. Expressions are built as small trees (``Atom`` and
``Group``) and laid out with the black/ruff "right-hand split": a line that does not fit is
split at its last bracket; the bracket's contents go on one indented line if they fit there,
else one item per line with a trailing comma.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "LINE_LENGTH",
    "Atom",
    "Expr",
    "Group",
    "call",
    "docstring",
    "layout",
    "literal",
    "string",
    "subscript",
]

LINE_LENGTH = 100
_INDENT = "    "


def string(text: str) -> str:
    """A Python string literal for ``text``, double-quoted as ruff prefers.

    Like ``repr`` (every control character, backslash and quote escaped), but ruff's quote
    preference: double quotes unless that needs more escapes than single quotes.
    """
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = repr(text)[1:-1]
    # repr() picked its own quote; re-escape for ours.
    if repr(text)[0] == "'":
        body = body.replace("\\'", "'")
        if quote == "'":
            body = body.replace("'", "\\'")
        else:
            body = body.replace('"', '\\"')
    else:
        body = body.replace('\\"', '"')
        if quote == '"':
            body = body.replace('"', '\\"')
        else:
            body = body.replace("'", "\\'")
    return f"{quote}{body}{quote}"


def _number(value: float | int) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        raise ValueError(f"{value!r} is not a JSON number")
    text = repr(value)
    # ruff normalizes exponents to lower case without a redundant "+".
    return text.replace("e+", "e")


@dataclass(frozen=True)
class Atom:
    """Source text that is never split."""

    text: str

    def flat(self) -> str:
        return self.text


@dataclass(frozen=True)
class Group:
    """``head`` + ``open`` + items joined by ", " + ``close``: the one thing that splits.

    ``items`` are ``(prefix, expr)`` pairs so dict entries (``"key": value``) and keyword
    arguments (``name=value``) split inside their value. ``tuple_like`` marks a parenthesized
    group that is a tuple, so a lone item keeps its comma (``(x,)``). A split ``collection``
    (list, dict or tuple display) always puts one item per line; a split call, subscript or
    signature keeps its items on one line when they fit there.
    """

    head: str
    open: str
    items: tuple[tuple[str, Expr], ...]
    close: str
    tuple_like: bool = True
    collection: bool = False

    def flat(self) -> str:
        inner = ", ".join(prefix + expr.flat() for prefix, expr in self.items)
        if self.open == "(" and len(self.items) == 1 and self.tuple_like:
            inner += ","  # a one-element tuple
        return f"{self.head}{self.open}{inner}{self.close}"


Expr = Atom | Group


def literal(value: object) -> Expr:
    """A JSON value (as ``json.loads`` returns it) as a Python literal expression."""
    if value is None:
        return Atom("None")
    if isinstance(value, bool | int | float):
        return Atom(_number(value))
    if isinstance(value, str):
        return Atom(string(value))
    if isinstance(value, list | tuple):
        return Group("", "[", tuple(("", literal(item)) for item in value), "]", collection=True)
    if isinstance(value, dict):
        entries: list[tuple[str, Expr]] = []
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"JSON object keys are strings, not {type(key).__name__}")
            entries.append((f"{string(key)}: ", literal(item)))
        return Group("", "{", tuple(entries), "}", collection=True)
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def subscript(head: str, args: Sequence[Expr]) -> Expr:
    """``head[args]``, e.g. ``Literal["a", "b"]``."""
    return Group(head, "[", tuple(("", arg) for arg in args), "]", tuple_like=False)


def call(head: str, args: Iterable[tuple[str, Expr]]) -> Expr:
    """``head(args)``; each arg is ``(prefix, expr)`` with prefix ``""`` or ``"name="``."""
    return Group(head, "(", tuple(args), ")", tuple_like=False)


def _fits(indent: int, text: str) -> bool:
    return indent * len(_INDENT) + len(text) <= LINE_LENGTH


def layout(expr: Expr, *, indent: int = 0, prefix: str = "", suffix: str = "") -> list[str]:
    """Lines (without the leading indent) of ``prefix + expr + suffix`` at ``indent`` levels.

    Lines after the first carry their own extra indentation relative to ``indent``.
    """
    flat = prefix + expr.flat() + suffix
    if _fits(indent, flat) or not isinstance(expr, Group) or not expr.items:
        return [flat]
    lines = [f"{prefix}{expr.head}{expr.open}"]
    body = ", ".join(item_prefix + item.flat() for item_prefix, item in expr.items)
    if len(expr.items) == 1:
        # A lone item never gets a trailing comma: ruff splits it at its own last bracket.
        item_prefix, item = expr.items[0]
        inner = layout(item, indent=indent + 1, prefix=item_prefix)
    elif not expr.collection and _fits(indent + 1, body):
        inner = [body]
    else:
        inner = []
        for item_prefix, item in expr.items:
            inner.extend(layout(item, indent=indent + 1, prefix=item_prefix, suffix=","))
    lines.extend(_INDENT + line for line in inner)
    lines.append(f"{expr.close}{suffix}")
    return lines


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def docstring(text: str, *, indent: int) -> str:
    """A triple-quoted docstring for ``text`` at ``indent`` levels, safe for any input.

    Backslashes and quote runs are escaped so schema text can never close the literal;
    lines are stripped of trailing white space as ruff does.
    """
    pad = _INDENT * indent
    safe = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    safe = "".join(ch if ch == "\n" or ch.isprintable() else _escape(ch) for ch in safe)
    lines = [line.rstrip() for line in safe.strip().splitlines()] or [""]
    if lines[-1].endswith('"'):
        lines[-1] = lines[-1][:-1] + '\\"'
    if len(lines) == 1:
        return f'{pad}"""{lines[0]}"""'
    body = "\n".join(f"{pad}{line}" if line else "" for line in lines[1:])
    return f'{pad}"""{lines[0]}\n{body}\n{pad}"""'
