"""ECMA-262 regular expressions on Python's ``re`` engine.

JSON Schema patterns are ECMA-262 regexes with Unicode semantics. Python's ``re`` reads most of
them the same way, but not all: ``\\d``/``\\w``/``\\b`` are ASCII-only in ECMA-262 and Unicode in
Python, ``\\s`` covers a different set, ``.`` also stops at ``\\r``, ``\\u2028`` and
``\\u2029``, ``$`` means end of input (Python also matches before a final newline), and Python
lacks ``\\p{...}`` property classes, ``\\cX`` control escapes and ``(?<name>...)`` groups.
``ecma_regex`` rewrites those constructs into equivalent Python syntax and compiles the result,
so a pattern gives the verdict the JSON Schema specification asks for.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache

__all__ = ["ecma_regex"]

_DIGIT = "0-9"
_WORD = "a-zA-Z0-9_"
_SPACE = "\\t\\n\\x0b\\x0c\\r \\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
_NOT_DIGIT = "\\x00-/:-\\U0010ffff"
_NOT_WORD = "\\x00-/:-@\\[-^`{-\\U0010ffff"
_NOT_SPACE = (
    "\\x00-\\x08\\x0e-\\x1f!-\\x9f\\xa1-\\u167f\\u1681-\\u1fff\\u200b-\\u2027"
    "\\u202a-\\u202e\\u2030-\\u205e\\u2060-\\u2fff\\u3001-\\ufefe\\uff00-\\U0010ffff"
)
_CLASS_ESCAPES = {
    "d": _DIGIT,
    "D": _NOT_DIGIT,
    "w": _WORD,
    "W": _NOT_WORD,
    "s": _SPACE,
    "S": _NOT_SPACE,
}
_OUTSIDE = {
    "d": "[0-9]",
    "D": "[^0-9]",
    "w": "[a-zA-Z0-9_]",
    "W": "[^a-zA-Z0-9_]",
    "s": f"[{_SPACE}]",
    "S": f"[^{_SPACE}]",
    "b": "(?a:\\b)",
    "B": "(?a:\\B)",
}
_DOT = "[^\\n\\r\\u2028\\u2029]"

# Unicode property names (general categories) in their long and short spellings.
_CATEGORY_NAMES = {
    "letter": "L",
    "casedletter": "LC",
    "uppercaseletter": "Lu",
    "lowercaseletter": "Ll",
    "titlecaseletter": "Lt",
    "modifierletter": "Lm",
    "otherletter": "Lo",
    "mark": "M",
    "combiningmark": "M",
    "nonspacingmark": "Mn",
    "spacingmark": "Mc",
    "enclosingmark": "Me",
    "number": "N",
    "decimalnumber": "Nd",
    "digit": "Nd",
    "letternumber": "Nl",
    "othernumber": "No",
    "punctuation": "P",
    "connectorpunctuation": "Pc",
    "dashpunctuation": "Pd",
    "openpunctuation": "Ps",
    "closepunctuation": "Pe",
    "initialpunctuation": "Pi",
    "finalpunctuation": "Pf",
    "otherpunctuation": "Po",
    "symbol": "S",
    "mathsymbol": "Sm",
    "currencysymbol": "Sc",
    "modifiersymbol": "Sk",
    "othersymbol": "So",
    "separator": "Z",
    "spaceseparator": "Zs",
    "lineseparator": "Zl",
    "paragraphseparator": "Zp",
    "other": "C",
    "control": "Cc",
    "format": "Cf",
    "surrogate": "Cs",
    "privateuse": "Co",
    "unassigned": "Cn",
}


def _category(name: str) -> str:
    key = name.replace("_", "").replace(" ", "").lower()
    if key.startswith(("generalcategory=", "gc=")):
        key = key.split("=", 1)[1]
    for long_name, short in _CATEGORY_NAMES.items():
        if key in (long_name, short.lower()):
            return short
    raise ValueError(f"unsupported Unicode property \\p{{{name}}}")


def _escape(code: int) -> str:
    return f"\\U{code:08x}"


@cache
def _category_runs() -> dict[str, list[tuple[int, int]]]:
    """Every two-letter general category as sorted runs of code points (one pass, cached)."""
    runs: dict[str, list[tuple[int, int]]] = {}
    start = 0
    current = unicodedata.category(chr(0))
    for code in range(1, sys.maxunicode + 2):
        category = unicodedata.category(chr(code)) if code <= sys.maxunicode else ""
        if category != current:
            runs.setdefault(current, []).append((start, code - 1))
            start, current = code, category
    return runs


@cache
def _property_ranges(category: str, negated: bool) -> str:
    """A character-class body listing every code point in (or outside) a general category."""
    members = ("Lu", "Ll", "Lt") if category == "LC" else None
    selected = sorted(
        run
        for name, runs in _category_runs().items()
        if (name in members if members else name.startswith(category))
        for run in runs
    )
    merged: list[tuple[int, int]] = []
    for low, high in selected:
        if merged and low == merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], high)
        else:
            merged.append((low, high))
    if negated:
        gaps: list[tuple[int, int]] = []
        previous = -1
        for low, high in merged:
            if low > previous + 1:
                gaps.append((previous + 1, low - 1))
            previous = high
        if previous < sys.maxunicode:
            gaps.append((previous + 1, sys.maxunicode))
        merged = gaps
    return "".join(
        _escape(low) if low == high else f"{_escape(low)}-{_escape(high)}" for low, high in merged
    )


def _read_braces(pattern: str, index: int) -> tuple[str, int]:
    end = pattern.find("}", index)
    if pattern[index : index + 1] != "{" or end < 0:
        raise ValueError("\\p must be followed by {Name}")
    return pattern[index + 1 : end], end + 1


def _translate(pattern: str) -> str:
    out: list[str] = []
    index = 0
    in_class = False
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "\\" and index + 1 < length:
            nxt = pattern[index + 1]
            index += 2
            if nxt in "pP":
                name, index = _read_braces(pattern, index)
                body = _property_ranges(_category(name), nxt == "P")
                out.append(body if in_class else f"[{body}]")
            elif (
                nxt == "c"
                and index < length
                and pattern[index].isascii()
                and (pattern[index].isalpha())
            ):
                out.append(f"\\x{ord(pattern[index]) % 32:02x}")
                index += 1
            elif in_class and nxt in _CLASS_ESCAPES:
                out.append(_CLASS_ESCAPES[nxt])
            elif not in_class and nxt in _OUTSIDE:
                out.append(_OUTSIDE[nxt])
            elif nxt == "k" and pattern[index : index + 1] == "<":
                end = pattern.index(">", index)
                out.append(f"(?P={pattern[index + 1 : end]})")
                index = end + 1
            else:
                out.append(char + nxt)
            continue
        if in_class:
            if char == "]":
                in_class = False
            # Python warns about (future) set operations on these inside a class.
            out.append("\\" + char if char in "[&~|" else char)
        elif char == "[":
            # "[]" matches nothing and "[^]" anything in ECMA-262; Python reads "]" literally.
            if pattern.startswith("[]", index):
                out.append("(?!)")
                index += 2
                continue
            if pattern.startswith("[^]", index):
                out.append("(?s:.)")
                index += 3
                continue
            in_class = True
            caret = pattern.startswith("[^", index)
            out.append("[^" if caret else "[")
            index += 2 if caret else 1
            continue
        elif char == ".":
            out.append(_DOT)
        elif char == "$":
            out.append("(?!(?s:.))")
        elif (
            char == "("
            and pattern.startswith("(?<", index)
            and pattern[index + 3 : index + 4]
            not in (
                "=",
                "!",
            )
        ):
            out.append("(?P<")
            index += 3
            continue
        else:
            out.append(char)
        index += 1
    return "".join(out)


@cache
def ecma_regex(pattern: str) -> re.Pattern[str]:
    """Compile an ECMA-262 ``pattern`` into a Python regex with the same matches.

    Raises ``ValueError`` (``re.error`` is one) when the pattern cannot be expressed.
    """
    return re.compile(_translate(pattern))
