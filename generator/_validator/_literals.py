"""Python literals for schema values, written the way ``ruff format`` would write them.

Every schema-derived value reaches compiled source through this module: strings become
double-quoted ASCII literals whose only escapes are ones ``ruff`` leaves alone (so quotes,
backslashes, newlines or ``\"\"\"`` in a schema can never end the literal early), numbers become
their ``repr`` (or ``float("inf")``), and collections are laid out on one line when they fit and
one element per line with a trailing comma otherwise, exactly as the formatter would.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["LINE_LENGTH", "collection_lines", "py_number", "py_scalar", "py_str"]

LINE_LENGTH = 100
_NOQA = "  # noqa: E501"
_SIMPLE_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def py_str(text: str) -> str:
    """A double-quoted, pure-ASCII literal for ``text``.

    Quote characters are written as ``\\x22``/``\\x27`` so the formatter has no reason to switch
    quote style, and everything non-ASCII or non-printable as ``\\x``/``\\u``/``\\U`` escapes so
    no lint rule about ambiguous unicode can fire.
    """
    out = ['"']
    for char in text:
        code = ord(char)
        if char in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[char])
        elif char == '"':
            out.append(f"\\x{code:02x}")
        elif 0x20 <= code < 0x7F:
            out.append(char)
        elif code <= 0xFF:
            out.append(f"\\x{code:02x}")
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def py_number(value: int | float) -> str:
    """A literal for a JSON number (``json`` also reads ``Infinity`` and ``NaN``)."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"float({py_str(repr(value))})"
    return repr(value)


def py_scalar(value: object) -> str:
    """A literal for ``None``, a bool, a number or a string."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int | float):
        return py_number(value)
    if isinstance(value, str):
        return py_str(value)
    raise TypeError(f"not a scalar: {type(value).__name__}")


def collection_lines(
    lead: str, opener: str, items: Sequence[str], closer: str, *, indent: int = 0
) -> list[str]:
    """``lead + opener + items + closer`` on one line if it fits, else one item per line.

    ``items`` are already literals (atoms). A line that is still too long (one huge string)
    gets a ``noqa`` marker: the formatter cannot split it either.
    """
    pad = " " * indent
    flat = f"{pad}{lead}{opener}{', '.join(items)}{closer}"
    if len(flat) <= LINE_LENGTH:
        return [flat]
    lines = [f"{pad}{lead}{opener}"]
    for item in items:
        line = f"{pad}    {item},"
        lines.append(line + _NOQA if len(line) > LINE_LENGTH else line)
    lines.append(f"{pad}{closer}")
    return lines
