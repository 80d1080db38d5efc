"""Models endpoints, authentication and error envelopes, as the contract shapes them."""

from __future__ import annotations

import pytest

from generator.emulator import Emulator

CHAT_MODEL = {
    "id": "some-chat-model",
    "object": "model",
    "endpoint": "/chat/completions",
    "capabilities": {"input": ["text"], "output": ["text"]},
    "developer": {"name": "Acme"},
    "owned_by": "acme",
}
IMAGE_MODEL = {
    "id": "Acme/Image.v1",  # dots, upper case and a slash, as catalogs have
    "name": "acme-image",
    "object": "model",
    "endpoint": "/images/generate",
    "capabilities": {"input": ["text"], "output": ["image"]},
    "developer": {"name": "Other"},
    "owned_by": "oxen",
    "json_request_schema": {"type": "object", "properties": {"prompt": {"type": "string"}}},
}


def test_models_list_serves_the_snapshot(api) -> None:
    response = api.http.get("/api/ai/models")
    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "list"
    ids = [model["id"] for model in body["data"]]
    assert "flux-1-dev" in ids
    assert ids == sorted(ids)
    flux = next(model for model in body["data"] if model["id"] == "flux-1-dev")
    assert flux["json_request_schema"]["required"] == ["prompt"]


def test_get_one_model_and_404_envelope(api) -> None:
    response = api.http.get("/api/ai/models/flux-1-dev")
    assert response.status_code == 200
    assert response.json()["endpoint"] == "/images/generate"

    missing = api.http.get("/api/ai/models/bad-model-name")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"message": "Model not found: bad-model-name"}}


@pytest.mark.oxen_emulator(models=(CHAT_MODEL, IMAGE_MODEL))
def test_ids_with_slashes_names_and_filters(api) -> None:
    assert api.http.get("/api/ai/models/Acme/Image.v1").json()["name"] == "acme-image"
    assert api.http.get("/api/ai/models/acme-image").json()["id"] == "Acme/Image.v1"
    by_developer = api.http.get("/api/ai/models", params={"developer_name": "acme"}).json()
    assert [model["id"] for model in by_developer["data"]] == ["some-chat-model"]
    by_provider = api.http.get("/api/ai/models", params={"provider_name": "oxen"}).json()
    assert [model["id"] for model in by_provider["data"]] == ["Acme/Image.v1"]


@pytest.mark.parametrize("key", [None, "wrong-key"])
def test_401_without_or_with_a_wrong_key(oxen_emulator: Emulator, api_for, key) -> None:
    client = api_for(oxen_emulator, key=key)
    for method, path in [
        ("GET", "/api/ai/models"),
        ("POST", "/api/ai/queue"),
        ("GET", "/api/ai/queue"),
        ("GET", "/api/events"),
        ("POST", "/api/ai/images/generate"),
    ]:
        response = client.http.request(method, path)
        assert response.status_code == 401, (method, path)
        body = response.json()
        assert body["error"]["type"] == "unauthenticated"
        assert body["status"] == "error"
        assert body["status_message"] == "unauthenticated"


def test_a_non_bearer_scheme_is_refused(oxen_emulator: Emulator, api_for) -> None:
    client = api_for(oxen_emulator, key=None)
    response = client.http.get(
        "/api/ai/models", headers={"Authorization": f"Basic {oxen_emulator.api_key}"}
    )
    assert response.status_code == 401


def test_unknown_route_and_method_use_the_envelope(api) -> None:
    response = api.http.get("/api/ai/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["type"] == "resource_not_found"
    wrong_method = api.http.put("/api/ai/queue")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["status"] == "error"
