"""Every change class of the semantic diff, on pairs built from the real snapshot models.

Each case copies a model of ``generated/_schemas``, mutates its request schema (the new side,
or both sides) and asserts the exact list of (path, kind, keyword, severity) reported, so a
spurious extra change fails the test as surely as a missing one.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator._diff import Change, Kind, Severity, diff_catalogs, diff_schemas, read_catalog
from generator._snapshot import request_schema

SNAPSHOT = Path(__file__).resolve().parents[2] / "generated" / "_schemas"
KLING = "kling-video-o3-pro-reference-to-video"  # $defs Shot/Element, oneOf, bounds, enums
SEEDANCE = "bytedance-seedance-2-5-text-to-video"  # "type": ["integer", "string"]
FLUX = "flux-1-dev"  # number with minimum/maximum

B, C, X = Severity.BREAKING, Severity.COMPATIBLE, Severity.COSMETIC
Mutation = Callable[[dict[str, Any]], object]
Expected = list[tuple[str, Kind, str | None, Severity]]

_CATALOG = read_catalog(SNAPSHOT)


def _schema(model_id: str) -> dict[str, Any]:
    schema = request_schema(_CATALOG[model_id])
    assert isinstance(schema, dict), f"{model_id} has no request schema in the snapshot"
    return copy.deepcopy(schema)


def _props(schema: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = schema["properties"]
    return properties


def _shot(schema: dict[str, Any]) -> dict[str, Any]:
    shot: dict[str, Any] = schema["$defs"]["Shot"]
    return shot


def _element(schema: dict[str, Any]) -> dict[str, Any]:
    element: dict[str, Any] = schema["$defs"]["Element"]
    return element


def _changes(
    model_id: str, new_mutation: Mutation, old_mutation: Mutation | None = None
) -> list[Change]:
    old, new = _schema(model_id), _schema(model_id)
    if old_mutation is not None:
        old_mutation(old)
    new_mutation(new)
    return diff_schemas(model_id, old, new)


def _summary(changes: list[Change]) -> Expected:
    return sorted(
        ((c.path, c.kind, c.keyword, c.severity) for c in changes),
        key=lambda item: (item[0], item[1].value, item[2] or ""),
    )


def _set(key: str, value: object) -> Callable[[dict[str, Any]], None]:
    def mutate(schema: dict[str, Any]) -> None:
        schema[key] = value

    return mutate


# (case id, model, mutation of the new schema, mutation of the old schema or None, expected)
CASES: list[tuple[str, str, Mutation, Mutation | None, Expected]] = [
    # properties and required
    (
        "property removed",
        KLING,
        lambda s: _props(s).pop("negative_prompt"),
        None,
        [("/negative_prompt", Kind.PROPERTY_REMOVED, "properties", B)],
    ),
    (
        "optional property added",
        KLING,
        lambda s: _props(s).update(seed={"type": "integer"}),
        None,
        [("/seed", Kind.PROPERTY_ADDED, "properties", C)],
    ),
    (
        "new required property, default does not excuse it",
        KLING,
        lambda s: (
            _props(s).update(seed={"type": "integer", "default": 0}),
            s.update(required=["seed"]),
        ),
        None,
        [("/seed", Kind.REQUIRED_PROPERTY_ADDED, "required", B)],
    ),
    (
        "existing property became required",
        KLING,
        lambda s: s.update(required=["generate_audio"]),
        None,
        [("/generate_audio", Kind.BECAME_REQUIRED, "required", B)],
    ),
    (
        "required became optional inside $defs",
        KLING,
        lambda s: _shot(s).pop("required"),
        None,
        [("/multi_prompt/items/prompt", Kind.BECAME_OPTIONAL, "required", C)],
    ),
    # type
    (
        "type changed",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(type="integer"),
        None,
        [("/negative_prompt", Kind.TYPE_CHANGED, "type", B)],
    ),
    (
        "type list narrowed",
        SEEDANCE,
        lambda s: _props(s)["duration"].update(type="integer"),
        None,
        [("/duration", Kind.TYPE_NARROWED, "type", B)],
    ),
    (
        "type list widened",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(type=["string", "null"]),
        None,
        [("/negative_prompt", Kind.TYPE_WIDENED, "type", C)],
    ),
    (
        "integer widened to number",
        KLING,
        lambda s: _props(s)["duration"].update(type="number"),
        None,
        [("/duration", Kind.TYPE_WIDENED, "type", C)],
    ),
    (
        "number narrowed to integer",
        FLUX,
        lambda s: _props(s)["guidance"].update(type="integer"),
        None,
        [("/guidance", Kind.TYPE_NARROWED, "type", B)],
    ),
    (
        "type added to a free field narrows",
        KLING,
        lambda s: None,
        lambda s: _props(s)["input_image"]["items"].pop("type"),
        [("/input_image/items", Kind.TYPE_NARROWED, "type", B)],
    ),
    (
        "type removed widens",
        KLING,
        lambda s: _props(s)["input_image"]["items"].pop("type"),
        None,
        [("/input_image/items", Kind.TYPE_WIDENED, "type", C)],
    ),
    (
        "type list reordered is no change",
        SEEDANCE,
        lambda s: _props(s)["duration"].update(type=["string", "integer"]),
        None,
        [],
    ),
    # enum and const
    (
        "enum value removed",
        KLING,
        lambda s: _props(s)["aspect_ratio"]["enum"].remove("1:1"),
        None,
        [("/aspect_ratio", Kind.ENUM_VALUE_REMOVED, "enum", B)],
    ),
    (
        "enum value added",
        KLING,
        lambda s: _props(s)["aspect_ratio"]["enum"].append("4:3"),
        None,
        [("/aspect_ratio", Kind.ENUM_VALUE_ADDED, "enum", C)],
    ),
    (
        "enum added to a free field narrows",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(enum=["blur"]),
        None,
        [("/negative_prompt", Kind.ENUM_ADDED, "enum", B)],
    ),
    (
        "enum removed widens",
        KLING,
        lambda s: _props(s)["aspect_ratio"].pop("enum"),
        None,
        [("/aspect_ratio", Kind.ENUM_REMOVED, "enum", C)],
    ),
    (
        "enum reordered and 24 spelled 24.0 is no change",
        "topazlabs-proteus-video",
        lambda s: _props(s)["target_fps"].update(
            enum=[24.0, *reversed(_props(s)["target_fps"]["enum"][1:])]
        ),
        None,
        [],
    ),
    (
        "const added",
        KLING,
        lambda s: _props(s)["generate_audio"].update(const=False),
        None,
        [("/generate_audio", Kind.CONSTRAINT_TIGHTENED, "const", B)],
    ),
    (
        "const changed",
        KLING,
        lambda s: _props(s)["generate_audio"].update(const=True),
        lambda s: _props(s)["generate_audio"].update(const=False),
        [("/generate_audio", Kind.CONSTRAINT_TIGHTENED, "const", B)],
    ),
    (
        "const removed",
        KLING,
        lambda s: None,
        lambda s: _props(s)["generate_audio"].update(const=False),
        [("/generate_audio", Kind.CONSTRAINT_LOOSENED, "const", C)],
    ),
    # numeric bounds
    (
        "minimum raised",
        KLING,
        lambda s: _props(s)["duration"].update(minimum=4),
        None,
        [("/duration", Kind.CONSTRAINT_TIGHTENED, "minimum", B)],
    ),
    (
        "minimum lowered",
        KLING,
        lambda s: _props(s)["duration"].update(minimum=1),
        None,
        [("/duration", Kind.CONSTRAINT_LOOSENED, "minimum", C)],
    ),
    (
        "minimum removed",
        KLING,
        lambda s: _props(s)["duration"].pop("minimum"),
        None,
        [("/duration", Kind.CONSTRAINT_LOOSENED, "minimum", C)],
    ),
    (
        "minimum 3 spelled 3.0 is no change",
        KLING,
        lambda s: _props(s)["duration"].update(minimum=3.0),
        None,
        [],
    ),
    (
        "maximum lowered",
        KLING,
        lambda s: _props(s)["duration"].update(maximum=10),
        None,
        [("/duration", Kind.CONSTRAINT_TIGHTENED, "maximum", B)],
    ),
    (
        "maximum raised",
        FLUX,
        lambda s: _props(s)["guidance"].update(maximum=20),
        None,
        [("/guidance", Kind.CONSTRAINT_LOOSENED, "maximum", C)],
    ),
    (
        "exclusiveMinimum added",
        FLUX,
        lambda s: _props(s)["guidance"].update(exclusiveMinimum=0),
        None,
        [("/guidance", Kind.CONSTRAINT_TIGHTENED, "exclusiveMinimum", B)],
    ),
    (
        "exclusiveMaximum added",
        FLUX,
        lambda s: _props(s)["guidance"].update(exclusiveMaximum=10),
        None,
        [("/guidance", Kind.CONSTRAINT_TIGHTENED, "exclusiveMaximum", B)],
    ),
    (
        "exclusiveMaximum raised",
        FLUX,
        lambda s: _props(s)["guidance"].update(exclusiveMaximum=11),
        lambda s: _props(s)["guidance"].update(exclusiveMaximum=10),
        [("/guidance", Kind.CONSTRAINT_LOOSENED, "exclusiveMaximum", C)],
    ),
    # string and array bounds
    (
        "minLength added",
        KLING,
        lambda s: _props(s)["prompt"].update(minLength=1),
        None,
        [("/prompt", Kind.CONSTRAINT_TIGHTENED, "minLength", B)],
    ),
    (
        "maxLength lowered",
        KLING,
        lambda s: _props(s)["prompt"].update(maxLength=256),
        None,
        [("/prompt", Kind.CONSTRAINT_TIGHTENED, "maxLength", B)],
    ),
    (
        "maxLength raised",
        KLING,
        lambda s: _props(s)["prompt"].update(maxLength=1024),
        None,
        [("/prompt", Kind.CONSTRAINT_LOOSENED, "maxLength", C)],
    ),
    (
        "minItems raised",
        KLING,
        lambda s: _props(s)["multi_prompt"].update(minItems=2),
        None,
        [("/multi_prompt", Kind.CONSTRAINT_TIGHTENED, "minItems", B)],
    ),
    (
        "maxItems added",
        KLING,
        lambda s: _props(s)["elements"].update(maxItems=4),
        None,
        [("/elements", Kind.CONSTRAINT_TIGHTENED, "maxItems", B)],
    ),
    (
        "maxItems lowered inside $defs",
        KLING,
        lambda s: _element(s)["properties"]["reference_image_urls"].update(maxItems=2),
        None,
        [("/elements/items/reference_image_urls", Kind.CONSTRAINT_TIGHTENED, "maxItems", B)],
    ),
    (
        "maxItems raised inside $defs",
        KLING,
        lambda s: _element(s)["properties"]["reference_image_urls"].update(maxItems=5),
        None,
        [("/elements/items/reference_image_urls", Kind.CONSTRAINT_LOOSENED, "maxItems", C)],
    ),
    (
        "minProperties and maxProperties added",
        KLING,
        lambda s: s.update(minProperties=1, maxProperties=8),
        None,
        [
            ("", Kind.CONSTRAINT_TIGHTENED, "maxProperties", B),
            ("", Kind.CONSTRAINT_TIGHTENED, "minProperties", B),
        ],
    ),
    (
        "uniqueItems added",
        KLING,
        lambda s: _props(s)["input_image"].update(uniqueItems=True),
        None,
        [("/input_image", Kind.CONSTRAINT_TIGHTENED, "uniqueItems", B)],
    ),
    (
        "nullable added",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(nullable=True),
        None,
        [("/negative_prompt", Kind.CONSTRAINT_LOOSENED, "nullable", C)],
    ),
    # multipleOf, format, pattern
    (
        "multipleOf added",
        KLING,
        lambda s: _props(s)["duration"].update(multipleOf=5),
        None,
        [("/duration", Kind.CONSTRAINT_TIGHTENED, "multipleOf", B)],
    ),
    (
        "multipleOf changed to a coarser step",
        KLING,
        lambda s: _props(s)["duration"].update(multipleOf=10),
        lambda s: _props(s)["duration"].update(multipleOf=5),
        [("/duration", Kind.CONSTRAINT_TIGHTENED, "multipleOf", B)],
    ),
    (
        "multipleOf changed to a divisor widens",
        FLUX,
        lambda s: _props(s)["guidance"].update(multipleOf=0.1),
        lambda s: _props(s)["guidance"].update(multipleOf=0.5),
        [("/guidance", Kind.CONSTRAINT_LOOSENED, "multipleOf", C)],
    ),
    (
        "format added",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(format="uri"),
        None,
        [("/negative_prompt", Kind.CONSTRAINT_TIGHTENED, "format", B)],
    ),
    (
        "format changed inside $defs",
        KLING,
        lambda s: _element(s)["properties"]["frontal_image_url"].update(format="uri-reference"),
        None,
        [("/elements/items/frontal_image_url", Kind.CONSTRAINT_TIGHTENED, "format", B)],
    ),
    (
        "format removed",
        KLING,
        lambda s: _props(s)["start_image_url"].pop("format"),
        None,
        [("/start_image_url", Kind.CONSTRAINT_LOOSENED, "format", C)],
    ),
    (
        "pattern added",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(pattern="^[a-z ]*$"),
        None,
        [("/negative_prompt", Kind.CONSTRAINT_TIGHTENED, "pattern", B)],
    ),
    (
        "pattern changed",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(pattern="^[a-z]*$"),
        lambda s: _props(s)["negative_prompt"].update(pattern="^[a-z ]*$"),
        [("/negative_prompt", Kind.CONSTRAINT_TIGHTENED, "pattern", B)],
    ),
    # additionalProperties
    (
        "additionalProperties closed",
        KLING,
        _set("additionalProperties", False),
        None,
        [("", Kind.CONSTRAINT_TIGHTENED, "additionalProperties", B)],
    ),
    (
        "additionalProperties closed inside $defs",
        KLING,
        lambda s: _element(s).update(additionalProperties=False),
        None,
        [("/elements/items", Kind.CONSTRAINT_TIGHTENED, "additionalProperties", B)],
    ),
    (
        "additionalProperties opened",
        KLING,
        lambda s: None,
        _set("additionalProperties", False),
        [("", Kind.CONSTRAINT_LOOSENED, "additionalProperties", C)],
    ),
    (
        "additionalProperties schema narrowed",
        KLING,
        _set("additionalProperties", {"type": "string"}),
        None,
        [("/additionalProperties", Kind.TYPE_NARROWED, "type", B)],
    ),
    # combinators and other structure
    (
        "oneOf branch added",
        KLING,
        lambda s: s["oneOf"].append({"required": ["elements"]}),
        None,
        [("/oneOf/2", Kind.BRANCH_ADDED, "oneOf", B)],
    ),
    (
        "oneOf branch removed",
        KLING,
        lambda s: s["oneOf"].pop(),
        None,
        [("/oneOf/1", Kind.BRANCH_REMOVED, "oneOf", B)],
    ),
    (
        "oneOf branch changed",
        KLING,
        lambda s: s["oneOf"][0]["required"].append("duration"),
        None,
        [("/oneOf/0/duration", Kind.BECAME_REQUIRED, "required", B)],
    ),
    (
        "oneOf removed widens",
        KLING,
        lambda s: s.pop("oneOf"),
        None,
        [("", Kind.CONSTRAINT_LOOSENED, "oneOf", C)],
    ),
    (
        "anyOf added",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(anyOf=[{"maxLength": 5}, {"minLength": 9}]),
        None,
        [("/negative_prompt", Kind.STRUCTURE_CHANGED, "anyOf", B)],
    ),
    (
        "anyOf branch added",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(anyOf=[{"type": "string"}, {"type": "null"}]),
        lambda s: _props(s)["negative_prompt"].update(anyOf=[{"type": "string"}]),
        [("/negative_prompt/anyOf/1", Kind.BRANCH_ADDED, "anyOf", C)],
    ),
    (
        "anyOf branch removed",
        KLING,
        lambda s: _props(s)["negative_prompt"].update(anyOf=[{"type": "string"}]),
        lambda s: _props(s)["negative_prompt"].update(anyOf=[{"type": "string"}, {"type": "null"}]),
        [("/negative_prompt/anyOf/1", Kind.BRANCH_REMOVED, "anyOf", B)],
    ),
    (
        "allOf branch added",
        KLING,
        lambda s: s.update(allOf=[{"required": ["prompt"]}, {"required": ["duration"]}]),
        lambda s: s.update(allOf=[{"required": ["prompt"]}]),
        [("/allOf/1", Kind.BRANCH_ADDED, "allOf", B)],
    ),
    (
        "allOf branch removed",
        KLING,
        lambda s: s.update(allOf=[{"required": ["prompt"]}]),
        lambda s: s.update(allOf=[{"required": ["prompt"]}, {"required": ["duration"]}]),
        [("/allOf/1", Kind.BRANCH_REMOVED, "allOf", C)],
    ),
    (
        "not added",
        KLING,
        _set("not", {"required": ["prompt", "multi_prompt"]}),
        None,
        [("", Kind.STRUCTURE_CHANGED, "not", B)],
    ),
    (
        "if/then added",
        KLING,
        lambda s: s.update(
            {"if": {"required": ["tail_image_url"]}, "then": {"required": ["start_image_url"]}}
        ),
        None,
        [("", Kind.STRUCTURE_CHANGED, "if", B), ("", Kind.STRUCTURE_CHANGED, "then", B)],
    ),
    (
        "dependentRequired added",
        KLING,
        _set("dependentRequired", {"tail_image_url": ["start_image_url"]}),
        None,
        [("", Kind.STRUCTURE_CHANGED, "dependentRequired", B)],
    ),
    (
        "items closed with a boolean schema",
        KLING,
        lambda s: _props(s)["input_image"].update(items=False),
        None,
        [("/input_image/items", Kind.CONSTRAINT_TIGHTENED, None, B)],
    ),
    # $ref and $defs
    (
        "bound lowered in a $ref'd definition, reported at the property path",
        KLING,
        lambda s: _shot(s)["properties"]["duration"].update(maximum=10),
        None,
        [("/multi_prompt/items/duration", Kind.CONSTRAINT_TIGHTENED, "maximum", B)],
    ),
    (
        "property removed from a $ref'd definition",
        KLING,
        lambda s: _element(s)["properties"].pop("reference_image_urls"),
        None,
        [("/elements/items/reference_image_urls", Kind.PROPERTY_REMOVED, "properties", B)],
    ),
    (
        "definition renamed, content unchanged",
        KLING,
        lambda s: (
            s["$defs"].update(Clip=s["$defs"].pop("Shot")),
            _props(s)["multi_prompt"]["items"].update({"$ref": "#/$defs/Clip"}),
        ),
        None,
        [("/multi_prompt/items", Kind.ANNOTATION_CHANGED, "$ref", X)],
    ),
    (
        "definition inlined, content unchanged",
        KLING,
        lambda s: _props(s)["multi_prompt"].update(items=copy.deepcopy(_shot(s))),
        None,
        [],
    ),
    (
        "unused definition changed is no change to the request",
        KLING,
        lambda s: s["$defs"].update(Unused={"type": "integer"}),
        None,
        [],
    ),
    # defaults
    (
        "default changed",
        KLING,
        lambda s: _props(s)["duration"].update(default=10),
        None,
        [("/duration", Kind.DEFAULT_CHANGED, "default", C)],
    ),
    (
        "default removed inside $defs",
        KLING,
        lambda s: _shot(s)["properties"]["duration"].pop("default"),
        None,
        [("/multi_prompt/items/duration", Kind.DEFAULT_CHANGED, "default", C)],
    ),
    # cosmetic
    (
        "annotations changed",
        KLING,
        lambda s: (
            _props(s)["prompt"].update(
                description="What to film.",
                title="Prompt",
                examples=["a cat"],
                renderType="textarea",
            ),
            _props(s)["duration"].update({"x-order": 99}),
            s.update(basic=["prompt"]),
        ),
        None,
        [
            ("", Kind.ANNOTATION_CHANGED, "basic", X),
            ("/duration", Kind.ANNOTATION_CHANGED, "x-order", X),
            ("/prompt", Kind.ANNOTATION_CHANGED, "description", X),
            ("/prompt", Kind.ANNOTATION_CHANGED, "examples", X),
            ("/prompt", Kind.ANNOTATION_CHANGED, "renderType", X),
            ("/prompt", Kind.ANNOTATION_CHANGED, "title", X),
        ],
    ),
    (
        "unknown keyword is cosmetic",
        KLING,
        lambda s: _props(s)["prompt"].update({"x-ui-widget": "big"}),
        None,
        [("/prompt", Kind.ANNOTATION_CHANGED, "x-ui-widget", X)],
    ),
]


@pytest.mark.parametrize(
    ("model_id", "new_mutation", "old_mutation", "expected"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_change_class(
    model_id: str, new_mutation: Mutation, old_mutation: Mutation | None, expected: Expected
) -> None:
    changes = _changes(model_id, new_mutation, old_mutation)
    assert _summary(changes) == sorted(
        expected, key=lambda item: (item[0], item[1].value, item[2] or "")
    )
    assert all(change.model_id == model_id and change.message for change in changes)


def test_every_kind_of_schema_change_is_covered() -> None:
    """A new Kind without a case above fails here, so the table keeps pace with the code."""
    model_kinds = {
        Kind.MODEL_ADDED,
        Kind.MODEL_REMOVED,
        Kind.SCHEMA_ADDED,
        Kind.SCHEMA_REMOVED,
        Kind.ENDPOINT_CHANGED,
        Kind.METADATA_CHANGED,
        Kind.REFERENCE_CHANGED,  # covered in test_unresolvable_reference_change_breaks
    }
    covered = {item[1] for case in CASES for item in case[4]}
    assert set(Kind) - model_kinds <= covered


def test_new_required_property_message_says_default_does_not_help() -> None:
    def mutate(schema: dict[str, Any]) -> None:
        _props(schema)["seed"] = {"type": "integer", "default": 0}
        schema["required"] = ["seed"]

    (change,) = _changes(KLING, mutate)
    assert "default does not make it optional" in change.message


def test_default_change_message_flags_changed_behaviour() -> None:
    (change,) = _changes(KLING, lambda s: _props(s)["duration"].update(default=10))
    assert (change.old, change.new) == (5, 10)
    assert "callers that omit" in change.message


def test_unresolvable_reference_change_breaks() -> None:
    def dangling(target: str) -> Mutation:
        return lambda s: _props(s)["elements"]["items"].update({"$ref": f"#/$defs/{target}"})

    changes = _changes(KLING, dangling("Gone"), dangling("Missing"))
    assert _summary(changes) == [("/elements/items", Kind.REFERENCE_CHANGED, "$ref", B)]


def test_recursive_definitions_terminate_and_report_once() -> None:
    """A self-referencing and a mutually recursive definition: the walk stops at the cycle."""

    def recursive(minimum: int) -> Mutation:
        def mutate(schema: dict[str, Any]) -> None:
            schema["$defs"]["Node"] = {
                "type": "object",
                "properties": {
                    "value": {"type": "integer", "minimum": minimum},
                    "child": {"$ref": "#/$defs/Node"},
                    "other": {"$ref": "#/$defs/Other"},
                },
            }
            schema["$defs"]["Other"] = {"properties": {"back": {"$ref": "#/$defs/Node"}}}
            _props(schema)["tree"] = {"$ref": "#/$defs/Node"}

        return mutate

    changes = _changes(KLING, recursive(1), recursive(0))
    assert _summary(changes) == [("/tree/value", Kind.CONSTRAINT_TIGHTENED, "minimum", B)]


def test_self_referencing_ref_does_not_loop() -> None:
    def loop(schema: dict[str, Any]) -> None:
        schema["$defs"]["Loop"] = {"$ref": "#/$defs/Loop"}
        _props(schema)["loop"] = {"$ref": "#/$defs/Loop"}

    def loop_changed(schema: dict[str, Any]) -> None:
        loop(schema)
        schema["$defs"]["Loop"]["description"] = "still a loop"

    changes = _changes(KLING, loop_changed, loop)
    assert {change.kind for change in changes} <= {Kind.ANNOTATION_CHANGED}
    assert changes, "the changed definition must be reported"


def test_identical_schemas_have_no_changes() -> None:
    for model_id in _CATALOG:
        schema = request_schema(_CATALOG[model_id])
        assert diff_schemas(model_id, schema, copy.deepcopy(schema)) == []


def test_catalog_diff_reports_changes_inside_defs_with_model_id() -> None:
    new_model = copy.deepcopy(dict(_CATALOG[KLING]))
    _shot(new_model["json_request_schema"])["properties"]["prompt"]["maxLength"] = 256
    diff = diff_catalogs(_CATALOG, {**_CATALOG, KLING: new_model})
    (change,) = diff.changes
    assert (change.model_id, change.path, change.keyword) == (
        KLING,
        "/multi_prompt/items/prompt",
        "maxLength",
    )
    assert diff.worst is Severity.BREAKING
