"""The unknown-property lint and the messages users read."""

from __future__ import annotations

from typing import Any

from generator._validator import compile_validator
from generator.runtime import ValidationIssue

_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["prompt"],
    "properties": {
        "prompt": {"type": "string"},
        "aspect_ratio": {"enum": ["16:9", "9:16", "1:1"]},
        "duration": {"type": "integer", "maximum": 15},
        "elements": {
            "type": "array",
            "items": {"$ref": "#/$defs/Element"},
        },
        "extra": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "$defs": {
        "Element": {
            "type": "object",
            "properties": {"frontal_image_url": {"type": "string", "format": "uri"}},
        }
    },
}


def test_messages_read_well() -> None:
    validator = compile_validator(_SCHEMA)
    issues = validator.validate({"duration": 20, "aspect_ratio": "4:3"})
    assert sorted(str(issue) for issue in issues) == [
        "/aspect_ratio: '4:3' is not one of '16:9', '9:16', '1:1'",
        "/duration: 20 is greater than the maximum of 15",
        "missing required property 'prompt'",
    ]
    assert {issue.keyword for issue in issues} == {"enum", "maximum", "required"}
    by_keyword = {issue.keyword: issue for issue in issues}
    assert by_keyword["maximum"].schema_path == "/properties/duration/maximum"


def test_nested_paths_are_json_pointers() -> None:
    validator = compile_validator(_SCHEMA)
    issues = validator.validate({"prompt": "x", "elements": [{}, {"frontal_image_url": "a b"}]})
    assert [(issue.path, issue.keyword) for issue in issues] == [
        ("/elements/1/frontal_image_url", "format")
    ]


def test_lint_finds_typos_at_top_level_and_nested() -> None:
    validator = compile_validator(_SCHEMA)
    payload = {
        "prompt": "x",
        "aspect-ratio": "16:9",
        "elements": [{"frontal_image_ur": "https://x.test/a.png"}],
        "extra": {"anything": "goes"},
    }
    assert validator.validate(payload) == []
    assert validator.lint(payload) == [
        ValidationIssue(
            "",
            "unknown property 'aspect-ratio' (did you mean 'aspect_ratio'?)",
            "unknown-property",
            "/properties",
        ),
        ValidationIssue(
            "/elements/0",
            "unknown property 'frontal_image_ur' (did you mean 'frontal_image_url'?)",
            "unknown-property",
            "/$defs/Element/properties",
        ),
    ]


def test_lint_without_a_close_match_and_on_non_objects() -> None:
    validator = compile_validator(_SCHEMA)
    assert [issue.message for issue in validator.lint({"prompt": "x", "zzz": 1})] == [
        "unknown property 'zzz'"
    ]
    assert validator.lint([1, 2]) == []
    assert validator.lint("text") == []


def test_lint_is_not_a_schema_error() -> None:
    validator = compile_validator({"properties": {"a": {}}, "additionalProperties": False})
    assert [issue.keyword for issue in validator.validate({"b": 1})] == ["additionalProperties"]
    assert [issue.keyword for issue in validator.lint({"b": 1})] == ["unknown-property"]
    assert compile_validator({"type": "object"}).lint({"b": 1}) == []


def test_lint_knows_names_from_all_branches() -> None:
    schema = {
        "properties": {"a": {}},
        "allOf": [{"properties": {"b": {}}}],
        "oneOf": [{"properties": {"c": {}}}, {"$ref": "#/$defs/d"}],
        "$defs": {"d": {"properties": {"d": {}}}},
    }
    validator = compile_validator(schema)
    assert validator.lint({"a": 1, "b": 2, "c": 3, "d": 4}) == []
    assert [issue.message for issue in validator.lint({"e": 1})] == ["unknown property 'e'"]
