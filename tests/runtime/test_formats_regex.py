"""ECMA-262 patterns on Python's engine, and the JSON helpers compiled validators call."""

from __future__ import annotations

import pytest
from jsonschema import _utils

from generator.runtime import ecma_regex, json_equal, json_unique, multiple_of


@pytest.mark.parametrize(
    ("pattern", "text", "matches"),
    [
        ("^\\d+$", "42", True),
        ("^\\d+$", "\u09ea\u09e8", False),  # Bengali digits: Unicode in Python, not in ECMA
        ("^\\w$", "\u00e9", False),
        ("^\\W$", "\u00e9", True),
        ("^\\s$", "\ufeff", True),
        ("^\\S$", "\u2003", False),
        ("^[\\d]$", "\u09ea", False),
        ("^[^\\d]$", "\u09ea", True),
        ("^abc$", "abc\n", False),  # ECMA "$" is the end of input
        ("^a.c$", "a\rc", False),
        ("^\\p{Letter}+$", "\u03c0\u00e9a", True),
        ("^\\p{L}+$", "a1", False),
        ("^\\P{L}+$", "12", True),
        ("^\\p{digit}+$", "\u09ea\u09e8", True),
        ("^\\cC$", "\x03", True),
        ("(?<year>\\d{4})-\\k<year>", "2024-2024", True),
        ("^[]$", "", False),
        ("^[^]$", "\n", True),
        ("[a&&b]", "&", True),
        ("\\bfoo", "\u00e9foo", True),
    ],
)
def test_ecma_semantics(pattern: str, text: str, matches: bool) -> None:
    assert (ecma_regex(pattern).search(text) is not None) is matches


def test_unsupported_property_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unsupported Unicode property"):
        ecma_regex("\\p{Script=Greek}")


_VALUES: list[object] = [0, 1, 1.0, True, False, None, "1", [1], [1.0], [True], {"a": 1}]


def test_json_equality_is_jsonschemas() -> None:
    for one in _VALUES:
        for two in _VALUES:
            assert json_equal(one, two) is _utils.equal(one, two), (one, two)


def test_unique_items_is_jsonschemas() -> None:
    for one in _VALUES:
        for two in _VALUES:
            assert json_unique([one, two]) is _utils.uniq([one, two]), (one, two)


@pytest.mark.parametrize(
    ("value", "divisor", "expected"),
    [(0.07, 0.01, False), (10, 3, False), (1e308, 0.5, True), (4.5, 1.5, True), (5, 2.0, False)],
)
def test_multiple_of_matches_jsonschema(value: float, divisor: float, expected: bool) -> None:
    from jsonschema import Draft202012Validator

    assert multiple_of(value, divisor) is expected
    assert Draft202012Validator({"multipleOf": divisor}).is_valid(value) is expected
