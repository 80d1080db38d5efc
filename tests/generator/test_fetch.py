"""The models endpoint client, against respx: shapes, filters, errors."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from generator._fetch import FetchError, fetch_catalog
from generator.runtime import AuthenticationError, NotFoundError, TransportError

BASE = "https://api.test"


def _model(
    model_id: str, output: str = "video", key: str = "json_request_schema"
) -> dict[str, Any]:
    return {
        "id": model_id,
        "object": "model",
        "display_name": model_id.title(),
        "endpoint": "/videos/generate" if output == "video" else "/chat/completions",
        "capabilities": {"input": ["text"], "output": [output]},
        "brand_new_field": {"ignored": True},
        key: {"type": "object", "properties": {"prompt": {"type": "string"}}},
    }


def _fetch(*ids: str, **options: Any) -> list[dict[str, Any]]:
    options.setdefault("retries", 0)
    return fetch_catalog(ids, api_key="k", base_url=BASE, **options)


@respx.mock
def test_lists_media_models_and_fetches_each() -> None:
    models = [_model("b-video"), _model("a-image", "image"), _model("chat", "text")]
    respx.get(f"{BASE}/api/ai/models").respond(json={"object": "list", "data": models})
    for model in models:
        respx.get(f"{BASE}/api/ai/models/{model['id']}").respond(json=model)
    fetched = _fetch()
    assert [model["id"] for model in fetched] == ["a-image", "b-video"]
    assert fetched[0]["brand_new_field"] == {"ignored": True}  # extra fields kept, not fatal
    request = respx.calls[0].request
    assert request.headers["authorization"] == "Bearer k"


@respx.mock
def test_include_all_and_request_schema_key() -> None:
    models = [_model("chat", "text", key="request_schema")]
    respx.get(f"{BASE}/api/ai/models").respond(json={"data": models})
    respx.get(f"{BASE}/api/ai/models/chat").respond(json=models[0])
    assert [m["id"] for m in _fetch(include_all=True)] == ["chat"]


@respx.mock
def test_explicit_ids_skip_the_list_and_are_url_quoted() -> None:
    route = respx.get(f"{BASE}/api/ai/models/org%2Fmodel.v1").respond(json=_model("org/model.v1"))
    assert [m["id"] for m in _fetch("org/model.v1")] == ["org/model.v1"]
    assert route.called


@respx.mock
def test_concurrency_is_bounded() -> None:
    import asyncio

    in_flight = peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200, json=_model(request.url.path.rsplit("/", 1)[-1]))

    respx.get(url__regex=rf"{BASE}/api/ai/models/.+").mock(side_effect=slow)
    fetched = _fetch(*(f"m{i}" for i in range(12)), concurrency=3)
    assert len(fetched) == 12
    assert peak == 3


@respx.mock
def test_401_is_an_authentication_error() -> None:
    respx.get(f"{BASE}/api/ai/models").respond(
        401, json={"error": {"type": "unauthenticated", "title": "Unauthenticated"}}
    )
    with pytest.raises(AuthenticationError) as info:
        _fetch()
    assert info.value.status_code == 401


@respx.mock
def test_404_names_the_model() -> None:
    respx.get(f"{BASE}/api/ai/models/gone").respond(
        404, json={"error": {"message": "Model not found: gone"}}
    )
    with pytest.raises(NotFoundError) as info:
        _fetch("gone")
    assert info.value.model_id == "gone"
    assert "gone" in str(info.value)


@respx.mock
def test_timeout_is_a_transport_error() -> None:
    respx.get(f"{BASE}/api/ai/models/slow").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(TransportError, match="ReadTimeout"):
        _fetch("slow")


@respx.mock
def test_5xx_is_retried() -> None:
    route = respx.get(f"{BASE}/api/ai/models/flaky")
    route.side_effect = [httpx.Response(503, json={}), httpx.Response(200, json=_model("flaky"))]
    fetched = _fetch("flaky", retries=1)
    assert fetched[0]["id"] == "flaky"


@respx.mock
def test_malformed_json_is_a_fetch_error() -> None:
    respx.get(f"{BASE}/api/ai/models").respond(200, text="<html>not json</html>")
    with pytest.raises(FetchError, match="data"):
        _fetch()
    respx.get(f"{BASE}/api/ai/models/x").respond(200, content=json.dumps([1, 2]).encode())
    with pytest.raises(FetchError, match="JSON object"):
        _fetch("x")
