"""Functional tests of the committed ``generated`` package: import, signatures, payloads."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import pytest

import generated
from generator.runtime import PayloadError, UnknownPropertyWarning, ValidationIssue

SNAPSHOT = Path(generated.__file__).parent / "_schemas"
INDEX = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))["models"]


def test_models_map_ids_to_modules() -> None:
    assert generated.MODELS["kling-video-o3-4k-text-to-video"] == "kling_video_o3_4k_text_to_video"
    assert {model_id: entry["module"] for model_id, entry in INDEX.items()} == dict(
        generated.MODELS
    )


@pytest.mark.parametrize("model_id", sorted(INDEX))
def test_every_module_imports_with_its_constants(model_id: str) -> None:
    module = generated.load(model_id)
    model = json.loads((SNAPSHOT / INDEX[model_id]["file"]).read_text(encoding="utf-8"))
    assert model_id == module.MODEL_ID
    assert model["json_request_schema"] == module.SCHEMA
    assert INDEX[model_id]["schema_sha256"] == module.SCHEMA_SHA256
    assert model["endpoint"] == module.ENDPOINT
    assert module.MEDIA_TYPE in ("image", "video")
    assert sorted(module.__all__) == sorted(set(module.__all__))
    for name in module.__all__:
        assert hasattr(module, name), name
    schema = module.SCHEMA
    required = set(schema.get("required", []))
    for function in (module.payload, module.submit, module.run, module.asubmit, module.arun):
        params = inspect.signature(function).parameters
        assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params.values())
        wire = [name for name in params if name not in ("deadline", "client")]
        assert len(wire) == len(schema["properties"])
        for name in required & set(params):
            assert (
                params[name].default is inspect.Parameter.empty
                or "default" in schema["properties"][name]
            )
    assert inspect.iscoroutinefunction(module.arun) and inspect.iscoroutinefunction(module.asubmit)
    # Defaults from the schema appear in the signature.
    params = inspect.signature(module.payload).parameters
    for wire_name, sub in schema["properties"].items():
        if wire_name in params and "default" in sub and not isinstance(sub["default"], list | dict):
            assert params[wire_name].default == sub["default"], wire_name


@pytest.mark.parametrize("model_id", sorted(INDEX))
def test_minimal_payload_is_valid(model_id: str) -> None:
    module = generated.load(model_id)
    schema = module.SCHEMA
    values = {"string": "https://example.com/a.png", "integer": 5, "number": 0.5, "boolean": True}
    values["array"] = ["https://example.com/a.png"]
    kwargs: dict[str, Any] = {}
    # A top-level oneOf ("prompt or multi_prompt") needs its first branch's fields too.
    branch = schema.get("oneOf", [{}])[0].get("required", [])
    for name in [*schema.get("required", []), *branch]:
        sub = schema["properties"][name]
        kwargs[name] = sub["enum"][0] if "enum" in sub else values[sub["type"]]
    body = module.payload(**kwargs)
    assert set(body) == set(kwargs)  # optional values not passed are left out
    assert module.validate(body) == [], module.validate(body)
    assert module.is_valid(body)
    assert module.check(body) == body


def test_readme_example() -> None:
    from generated import kling_video_o3_4k_text_to_video as t2v

    issues = t2v.validate({"prompt": "a cat", "duration": 20})
    assert issues == [
        ValidationIssue(
            path="/duration",
            message=issues[0].message,
            keyword="maximum",
            schema_path=issues[0].schema_path,
        )
    ]
    assert "15" in issues[0].message
    assert t2v.is_valid({"prompt": "a cat"})
    assert t2v.payload(prompt="a cat", aspect_ratio="9:16") == {
        "prompt": "a cat",
        "aspect_ratio": "9:16",
    }
    assert t2v.payload(prompt="a cat", duration=5, generate_audio=True) == {
        "prompt": "a cat",
        "generate_audio": True,
    }
    assert generated.load("happyhorse-1.0-t2v").MODEL_ID == "happyhorse-1.0-t2v"


def test_check_raises_every_issue() -> None:
    from generated import kling_video_o3_omni as omni

    with pytest.raises(PayloadError) as info:
        omni.check({"duration": 99, "aspect_ratio": "4:3"})
    assert {issue.path for issue in info.value.issues} == {"", "/duration", "/aspect_ratio"}
    assert info.value.model_id == "kling-video-o3-omni"
    assert "kling-video-o3-omni" in str(info.value)


def test_unknown_keys_warn_or_raise_when_strict() -> None:
    from generated import kling_video_o3_omni as omni

    payload = {"prompt": "x", "aspect-ratio": "9:16"}
    lint = omni.lint(payload)
    assert len(lint) == 1 and "aspect-ratio" in lint[0].message
    assert "aspect_ratio" in lint[0].message  # did-you-mean
    with pytest.warns(UnknownPropertyWarning, match="aspect"):
        omni.check(payload)
    with pytest.raises(PayloadError):
        omni.check(payload, strict=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        omni.check({"prompt": "x"})


def test_import_generated_is_lazy_and_cheap() -> None:
    code = (
        "import sys, generated\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('generated.'))\n"
        "heavy = ('httpx', 'pydantic', 'jsonschema', 'jinja2')\n"
        "heavy = sorted(m for m in heavy if m in sys.modules)\n"
        "from generated import flux_1_dev\n"
        "flux_1_dev.validate({'prompt': 'x', 'seed': 'nope'})\n"
        "after = sorted(m for m in ('httpx', 'pydantic') if m in sys.modules)\n"
        "print(loaded, heavy, after)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] [] []"
