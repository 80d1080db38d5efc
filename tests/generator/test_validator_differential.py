"""Differential tests: compiled validators give ``jsonschema``'s verdict and failing paths.

Two sources of schemas: every request schema in the committed snapshot, with instances built
from the schema (valid ones and mutations), and hypothesis-generated schemas over the keywords
the compiler translates, with random instances over a small alphabet so they often collide
with the schema's property names, enum values and bounds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator._snapshot import read_models, request_schema
from generator._validator import compile_validator

from ._jsonschema_oracle import failing_paths, reference

_SNAPSHOT = Path(__file__).resolve().parents[2] / "generated" / "_schemas"
_SETTINGS = settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

_KEYS = st.sampled_from(["a", "b", "c", "d/e", "x~y"])
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 6),
    st.sampled_from([0.0, 1.0, 2.5, -1.5, 1e300, 3.0]),
    st.sampled_from(["", "a", "ab", "abc", "b", "https://x.test/a", "not a uri", "2024-01-01"]),
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_KEYS, inner, max_size=4),
    max_leaves=12,
)


def _assert_same(schema: Any, instance: object, oracle: Any = None) -> None:
    validator = compile_validator(schema)
    oracle = oracle or reference(schema)
    expected = failing_paths(oracle, instance)
    issues = validator.validate(instance)
    assert validator.is_valid(instance) is (not expected), (schema, instance, expected)
    assert {issue.path for issue in issues} == expected, (schema, instance, issues)


# -- snapshot schemas ----------------------------------------------------------------------


def _snapshot_schemas() -> list[tuple[str, Any]]:
    models, _ = read_models(_SNAPSHOT)
    return [
        (entry.model_id, request_schema(entry.model))
        for entry in models
        if request_schema(entry.model) is not None
    ]


def _value_for(schema: Any, defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    """Mostly-valid values for ``schema``, with a fair share of near misses."""
    if not isinstance(schema, dict) or depth > 4:
        return _JSON
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _value_for(defs.get(name, {}), defs, depth + 1)
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return st.one_of([_value_for(sub, defs, depth + 1) for sub in schema[keyword]])
    choices: list[st.SearchStrategy[Any]] = [_JSON]
    if "enum" in schema:
        choices.append(st.sampled_from(schema["enum"]))
    if "default" in schema:
        choices.append(st.just(schema["default"]))
    kind = schema.get("type")
    if kind in ("integer", "number"):
        low = schema.get("minimum", -100)
        high = schema.get("maximum", 100)
        choices.append(st.integers(int(low) - 2, int(high) + 2))
        choices.append(st.sampled_from([low, high, low - 0.5, high + 0.5, float(low)]))
    elif kind == "string":
        choices.append(st.text(max_size=5))
        choices.append(st.sampled_from(["https://example.com/a.png", "ftp://x", "no scheme", ""]))
    elif kind == "boolean":
        choices.append(st.booleans())
    elif kind == "array":
        item = _value_for(schema.get("items", {}), defs, depth + 1)
        choices.append(st.lists(item, max_size=schema.get("maxItems", 3) + 1))
    elif kind == "object" or "properties" in schema:
        choices.append(_object_for(schema, defs, depth + 1))
    return st.one_of(choices)


def _object_for(schema: Any, defs: dict[str, Any], depth: int = 0) -> st.SearchStrategy[Any]:
    props = schema.get("properties", {})
    required = [name for name in schema.get("required", []) if name in props]
    fixed = {name: _value_for(props[name], defs, depth) for name in required}
    optional = {
        name: _value_for(sub, defs, depth) for name, sub in props.items() if name not in fixed
    }
    optional["aspect-ratio"] = _JSON  # a typo-like unknown key
    return st.fixed_dictionaries(fixed, optional=optional)


@pytest.mark.parametrize(("model_id", "schema"), _snapshot_schemas())
def test_snapshot_schema_matches_jsonschema(model_id: str, schema: Any) -> None:
    defs = schema.get("$defs", {}) if isinstance(schema, dict) else {}
    oracle = reference(schema)

    @settings(_SETTINGS, max_examples=60)
    @given(instance=_object_for(schema, defs) | _JSON)
    def check(instance: object) -> None:
        _assert_same(schema, instance, oracle)

    check()


# -- generated schemas ---------------------------------------------------------------------

_PATTERNS = st.sampled_from(["^a", "b", "^[a-c]+", "x|y", "^(ab)*$", "[^a]"])
_FORMATS = st.sampled_from(["uri", "date", "email", "ipv4", "uuid", "date-time", "unknown-x"])
_TYPES = st.sampled_from(["array", "boolean", "integer", "null", "number", "object", "string"])
_NAMES = st.lists(_KEYS, max_size=3, unique=True)


def _leaf() -> st.SearchStrategy[Any]:
    keyword = st.one_of(
        st.fixed_dictionaries({"type": _TYPES | st.lists(_TYPES, min_size=1, max_size=3)}),
        st.fixed_dictionaries({"enum": st.lists(_SCALARS, min_size=1, max_size=4)}),
        st.fixed_dictionaries({"const": _SCALARS}),
        st.fixed_dictionaries({"minimum": st.integers(-2, 5)}),
        st.fixed_dictionaries({"exclusiveMaximum": st.sampled_from([0, 2.5, 10])}),
        st.fixed_dictionaries({"multipleOf": st.sampled_from([2, 0.5, 1.5, 3])}),
        st.fixed_dictionaries({"minLength": st.integers(0, 3), "maxLength": st.integers(1, 4)}),
        st.fixed_dictionaries({"pattern": _PATTERNS}),
        st.fixed_dictionaries({"format": _FORMATS}),
        st.fixed_dictionaries({"required": _NAMES}),
        st.fixed_dictionaries({"minItems": st.integers(0, 2), "uniqueItems": st.booleans()}),
        st.fixed_dictionaries({"maxProperties": st.integers(0, 3)}),
        st.fixed_dictionaries({"dependentRequired": st.dictionaries(_KEYS, _NAMES, max_size=2)}),
    )
    return st.one_of(st.booleans(), keyword)


def _merge(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for part in parts:
        merged.update(part)
    return merged


def _compound(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    subs = st.lists(inner, min_size=1, max_size=3)
    keyword = st.one_of(
        st.fixed_dictionaries({"properties": st.dictionaries(_KEYS, inner, max_size=3)}),
        st.fixed_dictionaries({"patternProperties": st.dictionaries(_PATTERNS, inner, max_size=2)}),
        st.fixed_dictionaries({"additionalProperties": inner}),
        st.fixed_dictionaries({"propertyNames": inner}),
        st.fixed_dictionaries({"items": inner}),
        st.fixed_dictionaries({"prefixItems": subs}),
        st.fixed_dictionaries(
            {"contains": inner},
            optional={"minContains": st.integers(0, 2), "maxContains": st.integers(1, 3)},
        ),
        st.fixed_dictionaries({"allOf": subs}),
        st.fixed_dictionaries({"anyOf": subs}),
        st.fixed_dictionaries({"oneOf": subs}),
        st.fixed_dictionaries({"not": inner}),
        st.fixed_dictionaries({"if": inner}, optional={"then": inner, "else": inner}),
        st.fixed_dictionaries({"dependentSchemas": st.dictionaries(_KEYS, inner, max_size=2)}),
    )
    return st.lists(
        keyword | _leaf().filter(lambda s: isinstance(s, dict)), min_size=1, max_size=3
    ).map(_merge)


_SCHEMAS = st.recursive(_leaf(), _compound, max_leaves=8)


@_SETTINGS
@given(schema=st.lists(_leaf(), min_size=1, max_size=3), instance=_SCALARS | _JSON)
def test_generated_keywords_match_jsonschema(schema: list[Any], instance: object) -> None:
    _assert_same({"allOf": schema} if len(schema) > 1 else schema[0], instance)


@_SETTINGS
@given(schema=_SCHEMAS, instance=_JSON)
def test_generated_schema_matches_jsonschema(schema: Any, instance: object) -> None:
    _assert_same(schema, instance)


@_SETTINGS
@given(
    defs=st.dictionaries(st.sampled_from(["n", "m"]), _SCHEMAS, min_size=1, max_size=2),
    instance=_JSON,
)
def test_recursive_refs_match_jsonschema(defs: dict[str, Any], instance: object) -> None:
    name = sorted(defs)[0]
    schema = {
        "$defs": {
            **defs,
            "tree": {"anyOf": [{"$ref": f"#/$defs/{name}"}, {"items": {"$ref": "#/$defs/tree"}}]},
        },
        "properties": {"a": {"$ref": "#/$defs/tree"}, "b": {"$ref": "#"}},
    }
    _assert_same(schema, instance)


def test_json_equality_edges() -> None:
    schema = {"enum": [1, [1], {"a": 1}], "uniqueItems": True}
    for instance in (1.0, True, [1.0], [True], {"a": 1.0}, {"a": True}, [1, 1.0], [1, True]):
        _assert_same(schema, instance)
    _assert_same({"const": False}, 0)
    _assert_same({"type": "integer"}, 1.0)
    _assert_same({"type": "number"}, True)
    _assert_same({"multipleOf": 0.01}, 0.07)
    _assert_same({"minLength": 2}, "\U0001f600")
    assert json.dumps(schema)
