"""JSON-Schema-Test-Suite (draft 2020-12, incl. optional/) against ``compile_validator``.

Every test must give the suite's verdict, except in the cases listed in ``_DEVIATIONS``: there
the contract is ``jsonschema``'s own verdict (its format checkers, its reading of
``dependencies`` as an unknown 2020-12 keyword), and the test checks that we agree with
``jsonschema`` instead. Where ``jsonschema`` is wrong for lack of ECMA-262 regexes (``\\p{...}``,
``\\d``, ``$``...) we follow the suite. Run with ``-s`` to see the counts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from generator._validator import compile_validator

_SUITE = Path(__file__).resolve().parents[2] / ".." / "shared" / "jsts" / "draft2020-12"

_FORMATS = "the contract is jsonschema's format checker, which disagrees with the suite here"
_DEVIATIONS: dict[tuple[str, str], str] = {
    **{
        ("format.json", f"{name} format"): "FORMAT_CHECKER asserts formats; the suite annotates"
        for name in (
            "date",
            "date-time",
            "duration",
            "email",
            "hostname",
            "idn-email",
            "idn-hostname",
            "ipv4",
            "ipv6",
            "iri",
            "iri-reference",
            "json-pointer",
            "regex",
            "relative-json-pointer",
            "time",
            "uri",
            "uri-reference",
            "uri-template",
            "uuid",
        )
    },
    ("optional/format/date-time.json", "validation of date-time strings"): _FORMATS,
    ("optional/format/duration.json", "validation of duration strings"): _FORMATS,
    ("optional/format/email.json", "validation of e-mail addresses"): _FORMATS,
    ("optional/format/hostname.json", "validation of A-label (punycode) host names"): _FORMATS,
    ("optional/format/hostname.json", "validation of host names"): _FORMATS,
    ("optional/format/idn-hostname.json", "validation of internationalized host names"): _FORMATS,
    (
        "optional/format/idn-hostname.json",
        "validation of separators in internationalized host names",
    ): _FORMATS,
    ("optional/format/iri.json", "validation of IRIs"): _FORMATS,
    ("optional/format/relative-json-pointer.json", "validation of Relative JSON Pointers (RJP)"): (
        _FORMATS
    ),
    ("optional/format/time.json", "validation of time strings"): _FORMATS,
    ("optional/format/uri-reference.json", "validation of URI References"): _FORMATS,
    ("optional/format/uri-template.json", "format: uri-template"): _FORMATS,
    ("optional/format/uri.json", "validation of URIs"): _FORMATS,
    ("optional/format/uuid.json", "uuid format"): _FORMATS,
    **{
        ("optional/format/ecmascript-regex.json", case): "the 'regex' format uses Python's re"
        for case in (
            "ECMA 262 character classes and escapes",
            "ECMA 262 lookbehind is valid, including variable width",
            "ECMA 262 named groups and backreferences are valid",
            "Python-specific regular expression syntax is not valid ECMA 262",
            "\\a is not an ECMA 262 control escape",
            "global inline flag groups are not valid ECMA 262",
        )
    },
    **{
        ("optional/dependencies-compatibility.json", case): "'dependencies' is not 2020-12"
        for case in (
            "boolean subschemas",
            "dependencies with escaped characters",
            "multiple dependents required",
            "schema dependencies with escaped characters",
            "single dependency",
            "single schema dependency",
        )
    },
}
# Cases that need documents from a remote server (the suite's localhost:1234 or a custom
# metaschema): neither we nor jsonschema can load them offline.
_REMOTE: dict[tuple[str, str], str] = {
    **{
        ("dynamicRef.json", case): "remote ref"
        for case in (
            "$ref and $dynamicAnchor are independent of order - $defs first",
            "$ref and $dynamicAnchor are independent of order - $ref first",
            "$ref to $dynamicRef finds detached $dynamicAnchor",
            "strict-tree schema, guards against misspelled properties",
            "tests for implementation dynamic anchor and reference link",
        )
    },
    ("optional/cross-draft.json", "refs to historic drafts are processed as historic drafts"): (
        "remote ref"
    ),
    (
        "vocabulary.json",
        "schema that uses custom metaschema with with no validation vocabulary",
    ): "remote metaschema",
}


def _cases() -> list[tuple[str, dict[str, Any]]]:
    cases: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(_SUITE.rglob("*.json")):
        name = path.relative_to(_SUITE).as_posix()
        if name == "refRemote.json":
            continue
        cases.extend((name, case) for case in json.loads(path.read_text(encoding="utf-8")))
    return cases


@pytest.mark.slow
def test_suite_conformance() -> None:
    if not _SUITE.is_dir():
        pytest.skip(f"JSON-Schema-Test-Suite not found at {_SUITE}")
    total = passed = deviated = remote = 0
    fallback_schemas = 0
    failures: list[str] = []
    cases = _cases()
    for name, case in cases:
        key = (name, case["description"])
        tests = case["tests"]
        total += len(tests)
        if key in _REMOTE:
            remote += len(tests)
            continue
        validator = compile_validator(case["schema"])
        fallback_schemas += bool(validator.fallback)
        reference = None
        for test in tests:
            verdict = validator.is_valid(test["data"])
            errors = validator.validate(test["data"])
            label = f"{name} | {case['description']} | {test['description']}"
            if verdict != (not errors):
                failures.append(f"{label}: is_valid={verdict} but validate={errors}")
            elif verdict == test["valid"]:
                passed += 1
            elif key in _DEVIATIONS:
                if reference is None:
                    checker = Draft202012Validator.FORMAT_CHECKER
                    reference = Draft202012Validator(case["schema"], format_checker=checker)
                if reference.is_valid(test["data"]) == verdict:
                    deviated += 1
                else:
                    failures.append(f"{label}: differs from the suite and from jsonschema")
            else:
                failures.append(f"{label}: expected valid={test['valid']}")
    print(
        f"\nJSON-Schema-Test-Suite draft2020-12: {passed}/{total} passed, {deviated} follow"
        f" jsonschema where it departs from the suite, {remote} skipped (remote refs);"
        f" {fallback_schemas} of {len(cases)} schemas use the jsonschema fallback"
    )
    assert not failures, "\n".join(failures[:50])
    assert passed == total - deviated - remote
