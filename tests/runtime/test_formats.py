"""Format checkers agree with jsonschema's Draft 2020-12 FormatChecker, string for string."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from generator.runtime import format_checker
from generator.runtime._formats import FORMATS

_SUITE = Path(__file__).resolve().parents[2] / ".." / "shared" / "jsts" / "draft2020-12"
_CHECKER = Draft202012Validator.FORMAT_CHECKER
_CORPUS = [
    "",
    "https://example.com/a.png",
    "https://example.com:8080/a/b?c=d&e#f",
    "http://[::1]/x",
    "http://user:pw@host/",
    "ftp://1.2.3.4/",
    "urn:isbn:0451450523",
    "mailto:a@b.c",
    "//relative/path",
    "/absolute",
    "relative",
    "a b",
    "http://exa mple.com",
    "http://x/%zz",
    "http://x/%41",
    "https://example.com/\n",
    "https://example.com/\u00e9",
    "1963-06-19",
    "1963-06-19T08:30:06.283185Z",
    "1963-06-19t08:30:06z",
    "08:30:06Z",
    "2020-02-30",
    "192.168.0.1",
    "::1",
    "fe80::1%eth0",
    "2eb8aa08-aa98-11ea-b4aa-73b441d16380",
    "2eb8aa08aa9811eab4aa73b441d16380",
    "joe@example.com",
    "P1D",
    "PT1H",
    "P",
    "/a~0b",
    "0/a",
    "{+x}",
    "^[a-z]+$",
    "([",
    "example.com",
    "-bad-.com",
    "xn--nxasmq6b",
]


def _suite_strings() -> list[str]:
    strings: list[str] = []
    folder = _SUITE / "optional" / "format"
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        for case in json.loads(path.read_text(encoding="utf-8")):
            strings += [test["data"] for test in case["tests"] if isinstance(test["data"], str)]
    return strings


def test_known_formats_are_jsonschemas() -> None:
    assert set(_CHECKER.checkers) == set(FORMATS)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_format_matches_jsonschema_on_corpus(name: str) -> None:
    check = format_checker(name)
    # rfc3987-syntax parses with a full grammar engine, milliseconds per string: keep it short.
    corpus = _CORPUS if name.startswith("iri") else _CORPUS + _suite_strings()
    for value in corpus:
        assert check(value) is _CHECKER.conforms(value, name), (name, value)


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(["uri", "uri-reference", "date", "date-time", "ipv4", "uuid", "email"]),
    value=st.text(alphabet="ab1:/?#@%[].-_~!$&'()*+,;= \n\u00e9", max_size=16)
    | st.builds(lambda tail: "http://" + tail, st.text(alphabet="ab1:/?#@%.-_~=&", max_size=14)),
)
def test_format_matches_jsonschema_on_random_strings(name: str, value: str) -> None:
    assert format_checker(name)(value) is _CHECKER.conforms(value, name)


def test_unknown_format_accepts_everything() -> None:
    assert format_checker("made-up")("anything")
