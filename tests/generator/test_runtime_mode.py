"""Runtime mode: ``generator.load_model`` behaves like the generated module, caches by ETag."""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import generator
from generator._load import LoadError, StaleModelWarning, module_from_model
from generator.emulator import Emulator
from generator.runtime import (
    APIError,
    AuthenticationError,
    Client,
    NotFoundError,
    Result,
    TransportError,
)
from generator.runtime._model_cache import CachedModel, ModelCache, may_use_stale

from .conftest import SNAPSHOT, snapshot_models

# The public names every generated module has (type aliases differ: DCG names nested types).
API = (
    "DISPLAY_NAME",
    "ENDPOINT",
    "MEDIA_TYPE",
    "MODEL_ID",
    "SCHEMA",
    "SCHEMA_SHA256",
    "Request",
    "arun",
    "asubmit",
    "check",
    "is_valid",
    "lint",
    "payload",
    "run",
    "submit",
    "validate",
)
FUNCTIONS = ("arun", "asubmit", "check", "is_valid", "lint", "payload", "run", "submit", "validate")
PROBES: tuple[Any, ...] = ("x", "", 0, 1, -1, 2.5, True, None, [], {}, ["x"], "https://e.x/a.png")
MODEL_STATS = "GET /api/ai/models/{model_id}"


def _generated(model: dict[str, Any]) -> ModuleType:
    index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
    return importlib.import_module(f"generated.{index['models'][model['id']]['module']}")


def _shape(function: Any) -> list[tuple[str, Any, Any]]:
    """Names, kinds and defaults: what a caller relies on (annotations differ by design)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def _issues(issues: list[Any]) -> list[tuple[str, str, str]]:
    return [(issue.path, issue.message, issue.keyword) for issue in issues]


def _instances(schema: dict[str, Any]) -> list[object]:
    properties: dict[str, Any] = schema.get("properties", {})
    required = dict.fromkeys(schema.get("required", []), "x")
    instances: list[object] = [{}, dict(required), None, [], "x", {**required, "promt": "typo"}]
    for name, sub in properties.items():
        values = [*PROBES, *sub.get("enum", [])]
        if "default" in sub:
            values.append(sub["default"])
        instances.extend({**required, name: value} for value in values)
    return instances


def _payload_calls(module: ModuleType) -> list[dict[str, Any]]:
    params = inspect.signature(module.payload).parameters.values()
    required = {p.name: "x" for p in params if p.default is inspect.Parameter.empty}
    calls = [dict(required)]
    for param in params:
        if param.default is not inspect.Parameter.empty:
            calls.extend({**required, param.name: value} for value in (*PROBES, param.default))
    return calls


@pytest.mark.parametrize("model", snapshot_models(), ids=lambda model: str(model["id"]))
def test_runtime_module_behaves_like_the_generated_one(model: dict[str, Any]) -> None:
    runtime, generated_module = module_from_model(model), _generated(model)
    assert set(API) <= set(runtime.__all__)
    assert set(runtime.__all__) <= set(generated_module.__all__)
    for name in ("DISPLAY_NAME", "ENDPOINT", "MEDIA_TYPE", "MODEL_ID", "SCHEMA", "SCHEMA_SHA256"):
        assert getattr(runtime, name) == getattr(generated_module, name), name
    for name in FUNCTIONS:
        assert _shape(getattr(runtime, name)) == _shape(getattr(generated_module, name)), name
    for instance in _instances(dict(model["json_request_schema"])):
        assert _issues(runtime.validate(instance)) == _issues(generated_module.validate(instance))
        assert runtime.is_valid(instance) == generated_module.is_valid(instance)
        if isinstance(instance, dict):
            assert _issues(runtime.lint(instance)) == _issues(generated_module.lint(instance))
    calls = _payload_calls(generated_module)
    assert len(calls) >= 1
    for kwargs in calls:
        assert runtime.payload(**kwargs) == generated_module.payload(**kwargs), kwargs


def test_runtime_mode_needs_no_datamodel_code_generator(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datamodel_code_generator", None)  # import fails
    model = json.loads((SNAPSHOT / "kling_video_o3_omni.json").read_text(encoding="utf-8"))
    module = module_from_model(model)
    assert module.MODEL_ID == "kling-video-o3-omni"
    assert module.validate({}) != []


def test_a_model_without_schema_is_a_load_error() -> None:
    with pytest.raises(LoadError, match="no request schema") as caught:
        module_from_model({"id": "m", "capabilities": {"output": ["image"]}})
    assert caught.value.model_id == "m"
    assert caught.value.problems


def _model_requests(emu: Emulator) -> tuple[int, int]:
    stats = emu.stats()
    return stats["requests"].get(MODEL_STATS, 0), stats["responses"].get("304", 0)


def test_second_load_inside_the_ttl_makes_no_request(
    oxen_emulator: Emulator, tmp_path: Path
) -> None:
    first = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=3600)
    assert _model_requests(oxen_emulator) == (1, 0)
    second = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=3600)
    assert _model_requests(oxen_emulator) == (1, 0)
    assert first is not second
    assert second.SCHEMA_SHA256 == first.SCHEMA_SHA256
    cached = "\n".join(path.read_text(encoding="utf-8") for path in tmp_path.rglob("*.json"))
    assert "flux-1-dev" in cached
    assert oxen_emulator.api_key not in cached


def test_after_the_ttl_a_conditional_request_gets_304(
    oxen_emulator: Emulator, tmp_path: Path
) -> None:
    generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    again = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    assert _model_requests(oxen_emulator) == (2, 1)
    assert again.MODEL_ID == "flux-1-dev"


def test_a_changed_etag_refetches_the_object(oxen_emulator: Emulator, tmp_path: Path) -> None:
    generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    (entry,) = tmp_path.rglob("*.json")
    record = json.loads(entry.read_text(encoding="utf-8"))
    record["etag"] = '"outdated"'
    record["model"]["json_request_schema"] = {"type": "object", "properties": {}}
    entry.write_text(json.dumps(record), encoding="utf-8")
    module = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    assert _model_requests(oxen_emulator) == (2, 0)
    assert "prompt" in module.SCHEMA["properties"]


def test_a_corrupt_cache_file_is_a_miss(oxen_emulator: Emulator, tmp_path: Path) -> None:
    generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=3600)
    (entry,) = tmp_path.rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    module = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=3600)
    assert _model_requests(oxen_emulator) == (2, 0)
    assert module.MODEL_ID == "flux-1-dev"


def test_unknown_model_raises_not_found(oxen_emulator: Emulator, tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        generator.load_model("no-such-model", cache_dir=tmp_path)


def test_loaded_module_runs_through_a_client(
    oxen_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OXGEN_CACHE_DIR", str(tmp_path))  # the drift guard's cache
    with Client(oxen_emulator.api_key, oxen_emulator.base_url, journal=False) as client:
        module = generator.load_model("flux-1-dev", client=client, cache_dir=tmp_path)
        result = module.run(prompt="a lighthouse", client=client, deadline=60)
    assert isinstance(result, Result)
    assert oxen_emulator.stats()["jobs"]["succeeded"] == 1


def _unreachable() -> Client:
    """A client for a loopback port nothing listens on (bound, then closed)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return Client("key", f"http://127.0.0.1:{port}", journal=False, timeout=2.0)


def test_offline_uses_the_cached_copy_with_a_warning(
    oxen_emulator: Emulator, tmp_path: Path
) -> None:
    online = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    cache = ModelCache(tmp_path)
    copy = cache.get(oxen_emulator.base_url, "flux-1-dev")
    assert copy is not None
    with _unreachable() as client:
        # The same copy, as if this (now unreachable) host had served it 90 minutes ago.
        stale = CachedModel(copy.model, copy.etag, copy.confirmed_at - 5400)
        cache.put(client._config.api_base, "flux-1-dev", stale)
        with pytest.warns(StaleModelWarning, match=r"'flux-1-dev'.*cached 90 min ago"):
            offline = generator.load_model("flux-1-dev", client=client, cache_dir=tmp_path, ttl=0)
        assert offline.SCHEMA_SHA256 == online.SCHEMA_SHA256
        assert offline.is_valid({"prompt": "a lighthouse"})
        with pytest.raises(TransportError):
            generator.load_model(
                "flux-1-dev", client=client, cache_dir=tmp_path, ttl=0, stale=False
            )


def test_offline_without_a_cached_copy_raises(tmp_path: Path) -> None:
    with _unreachable() as client, pytest.raises(TransportError):
        generator.load_model("flux-1-dev", client=client, cache_dir=tmp_path, ttl=0)


def test_a_server_error_falls_back_but_a_404_never_does(
    oxen_emulator: Emulator, tmp_path: Path
) -> None:
    generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    oxen_emulator.fail_next(1, 503)
    with pytest.warns(StaleModelWarning, match="HTTP 503"):
        module = generator.load_model("flux-1-dev", cache_dir=tmp_path, ttl=0)
    assert module.MODEL_ID == "flux-1-dev"
    # A cached copy of a model the API no longer has: the 404 is the answer, not the copy.
    cache = ModelCache(tmp_path)
    (entry,) = tmp_path.rglob("*.json")
    record = json.loads(entry.read_text(encoding="utf-8"))
    cache.put(
        oxen_emulator.base_url,
        "retired-model",
        CachedModel({**record["model"], "id": "retired-model"}, None, 0.0),
    )
    with pytest.raises(NotFoundError):
        generator.load_model("retired-model", cache_dir=tmp_path, ttl=0)


@pytest.mark.parametrize(
    ("error", "usable"),
    [
        (TransportError("connection refused"), True),
        (APIError("busy", status_code=429), True),
        (APIError("down", status_code=503), True),
        (NotFoundError("gone", status_code=404), False),
        (AuthenticationError("bad key", status_code=401), False),
        (APIError("bad request", status_code=400), False),
    ],
)
def test_only_failures_that_say_nothing_about_the_model_allow_a_stale_copy(
    error: Exception, usable: bool
) -> None:
    assert may_use_stale(error) is usable


def test_load_model_is_exported_lazily() -> None:
    assert {"LoadError", "StaleModelWarning", "load_model"} <= set(generator.__all__)
    assert generator.LoadError is LoadError
    with pytest.raises(AttributeError):
        _ = generator.no_such_name
