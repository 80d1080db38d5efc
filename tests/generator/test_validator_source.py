"""The compiled source itself: safe against hostile schemas, lint- and type-clean, stable, light."""

from __future__ import annotations

import ast
import io
import json
import os
import subprocess
import sys
import tokenize
from pathlib import Path
from typing import Any

import pytest

from generator._snapshot import read_models, request_schema
from generator._validator import compile_validator, validator_parts, validator_source

from ._jsonschema_oracle import failing_paths, reference

REPO = Path(__file__).resolve().parents[2]
_MARK = "__import__('os').system('echo pwned')"
_NASTY = [
    'a"b',
    "a'b",
    'x"""y',
    "back\\slash\\",
    "new\nline\r\t",
    "\u00e9t\u00e9 \u2028 \U0001f600",
    "{brace} %s",
    _MARK,
    "\x00nul",
    "'''",
    "\\x22",
    "a/b~c",
]


def _hostile_schema() -> dict[str, Any]:
    props: dict[str, Any] = {
        name: {"type": "string", "description": f'"""{name}"""', "enum": [name, _MARK]}
        for name in _NASTY
    }
    props["long"] = {"const": {"k": [_MARK * 3, 'q"' * 40]}, "description": "\\"}
    props["pat"] = {"type": "string", "pattern": "^[\"'\\\\]+$|__import__"}
    props["ref"] = {"$ref": "#/$defs/we\u00efrd%2522~1%25"}  # the key below, escaped twice
    return {
        "type": "object",
        "description": '""" + __import__("os") + """',
        "properties": props,
        "patternProperties": {'^"\\n': {"minimum": 3}},
        "required": [_NASTY[0], _NASTY[2]],
        "$defs": {"we\u00efrd%22/%": {"type": "integer", "title": "'''\"\"\""}},
        "additionalProperties": {"not": {"const": _MARK}},
    }


def _check_ruff_and_mypy(tmp_path: Path, sources: dict[str, str]) -> None:
    folder = tmp_path / "compiled"
    folder.mkdir()
    for name, source in sources.items():
        (folder / f"{name}.py").write_text(source, encoding="utf-8")
    config = str(REPO / "pyproject.toml")
    binary = Path(sys.executable).parent
    for args in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        result = subprocess.run(
            [str(binary / "ruff"), *args, "--config", config, str(folder)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stdout + result.stderr
    mypy = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--python-version",
        "3.10",
    ]
    result = subprocess.run(
        [*mypy, *sorted(str(path) for path in folder.glob("*.py"))],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
        timeout=110,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hostile_schema_cannot_inject_code() -> None:
    schema = _hostile_schema()
    source = validator_source(schema)
    compile(source, "<hostile>", "exec")
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type not in (tokenize.STRING, tokenize.COMMENT):
            assert "__import__" not in token.string and "pwned" not in token.string
    assert '"""' not in validator_parts(schema).body
    validator = compile_validator(schema)
    assert validator.fallback == ()
    oracle = reference(schema)
    instances: list[object] = [
        {_NASTY[0]: _NASTY[0], _NASTY[2]: _NASTY[2]},
        {_NASTY[0]: _MARK, _NASTY[2]: "nope", "extra": _MARK, '"\nx': 1},
        {"long": {"k": [_MARK * 3, 'q"' * 40]}, "pat": "\"'\\", "ref": 4},
        {"long": {"k": []}, "pat": "x", "ref": 4.5, "a/b~c": 1},
        [],
    ]
    for instance in instances:
        assert {issue.path for issue in validator.validate(instance)} == failing_paths(
            oracle, instance
        )
        assert validator.is_valid(instance) is oracle.is_valid(instance)


@pytest.mark.slow
def test_compiled_sources_are_ruff_and_mypy_clean(tmp_path: Path) -> None:
    models, _ = read_models(REPO / "generated" / "_schemas")
    sources = {
        f"m{index}": validator_source(request_schema(entry.model))
        for index, entry in enumerate(models)
    }
    sources["hostile"] = validator_source(_hostile_schema())
    sources["fallback"] = validator_source(
        {"properties": {"a": {"type": "string"}}, "unevaluatedProperties": False}
    )
    sources["everything"] = validator_source(
        {
            "$defs": {
                "node": {
                    "type": "object",
                    "properties": {"kids": {"items": {"$ref": "#/$defs/node"}}},
                }
            },
            "allOf": [{"$ref": "#/$defs/node"}],
            "anyOf": [{"type": "object"}, {"type": "array"}, {"type": "null"}, {"const": 1}],
            "oneOf": [{"required": ["a"]}, {"required": ["b"]}],
            "if": {"minProperties": 1},
            "then": {"maxProperties": 5},
            "else": {"not": {"type": "integer"}},
            "properties": {"n": {"type": "number", "multipleOf": 0.5, "exclusiveMinimum": 0}},
            "patternProperties": {"^x": {"type": ["string", "integer", "null"]}},
            "additionalProperties": {"format": "uri"},
            "propertyNames": {"maxLength": 9},
            "dependentRequired": {"a": ["b", "c"]},
            "dependentSchemas": {"b": {"required": ["d"]}},
            "prefixItems": [{"type": "integer"}],
            "items": {"enum": [1, "a", None, [1]]},
            "contains": {"type": "integer"},
            "minContains": 2,
            "maxContains": 3,
            "uniqueItems": True,
            "minLength": 1,
            "pattern": "\\p{L}",
        }
    )
    _check_ruff_and_mypy(tmp_path, sources)


def test_body_contract() -> None:
    parts = validator_parts({"properties": {"a": {"pattern": "^x"}}, "required": ["a"]})
    assert parts.fallback == ()
    names: set[str] = set()
    for node in ast.parse(parts.body).body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
        else:
            raise AssertionError(f"unexpected top-level statement: {ast.dump(node)}")
    assert {"_validate", "_is_valid", "_lint"} <= names
    assert all(name.startswith("_v") for name in names - {"_validate", "_is_valid", "_lint"})
    assert all(
        line.startswith(("import ", "from generator.runtime import ")) for line in parts.imports
    )
    assert parts.body.count("ecma_regex(") == 1  # compiled once, at import


def test_fallback_is_visible() -> None:
    schema = {"properties": {"a": {"type": "string"}}, "unevaluatedProperties": False}
    validator = compile_validator(schema)
    assert validator.fallback == ("unevaluatedProperties",)
    assert "Falls back to jsonschema for: unevaluatedProperties." in validator.source
    assert [issue.path for issue in validator.validate({"a": 1, "b": 2})] == ["/a", ""]
    assert validator.is_valid({"a": "x"})


def test_source_is_deterministic_across_hash_seeds() -> None:
    schema = _hostile_schema()
    script = (
        "import json, sys\n"
        "from generator._validator import validator_source\n"
        "sys.stdout.write(validator_source(json.loads(sys.stdin.read())))\n"
    )
    outputs = set()
    for seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", script],
            input=json.dumps(schema),
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            check=True,
            timeout=60,
        )
        outputs.add(result.stdout)
    assert len(outputs) == 1
    assert outputs == {validator_source(schema)}


@pytest.mark.parametrize(
    ("schema", "fallback"),
    [
        ({"properties": {"u": {"format": "uri"}, "d": {"format": "date-time"}}}, False),
        ({"unevaluatedProperties": False}, True),
    ],
)
def test_import_and_validate_stay_light(tmp_path: Path, schema: Any, fallback: bool) -> None:
    (tmp_path / "compiled_mod.py").write_text(validator_source(schema), encoding="utf-8")
    script = (
        "import sys\n"
        "import compiled_mod\n"
        "compiled_mod.validate({'u': 'not a uri', 'd': 'x', 'z': 1})\n"
        "compiled_mod.is_valid({})\n"
        "print(sorted(m for m in ('jsonschema', 'httpx', 'pydantic') if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=60,
    )
    loaded = json.loads(result.stdout.replace("'", '"'))
    assert loaded == (["jsonschema"] if fallback else [])
