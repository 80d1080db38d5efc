"""Blocking generation endpoints and result downloads."""

from __future__ import annotations

import base64

import pytest

from generator.emulator import Emulator

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_images_generate_returns_a_url_to_a_png(api) -> None:
    response = api.http.post(
        "/api/ai/images/generate", json={"model": "flux-1-dev", "prompt": "a fox"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["model"] == "flux-1-dev"
    assert isinstance(body["created"], int)
    [image] = body["images"]
    assert image["url"].startswith(api.emu.base_url + "/files/")
    download = api.http.get(image["url"])
    assert download.status_code == 200
    assert download.headers["content-type"] == "image/png"
    assert download.content.startswith(PNG_MAGIC)


def test_videos_generate_returns_an_mp4(api) -> None:
    response = api.http.post(
        "/api/ai/videos/generate", json={"model": "google-veo-3-1", "prompt": "rain"}
    )
    assert response.status_code == 200, response.text
    [video] = response.json()["videos"]
    download = api.http.get(video["url"])
    assert download.headers["content-type"] == "video/mp4"
    assert download.content[4:8] == b"ftyp"


def test_images_edit_accepts_image_models(api) -> None:
    response = api.http.post(
        "/api/ai/images/edit",
        json={
            "model": "qwen-image-edit-plus",
            "prompt": "make it blue",
            "input_image": ["https://example.com/a.png"],
        },
    )
    assert response.status_code == 200, response.text
    assert len(response.json()["images"]) == 1


def test_b64_json_response_format(api) -> None:
    response = api.http.post(
        "/api/ai/images/generate",
        json={"model": "flux-1-dev", "prompt": "x", "response_format": "b64_json"},
    )
    [image] = response.json()["images"]
    assert set(image) == {"b64_json"}
    assert base64.b64decode(image["b64_json"]).startswith(PNG_MAGIC)


def test_bad_parameters_are_rejected_at_once_with_422_text(api) -> None:
    response = api.http.post(
        "/api/ai/images/generate", json={"model": "flux-1-dev", "guidance": -1}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["error"]["type"] == "invalid_params"
    assert body["status_message"] == "invalid_params"
    assert body["error"]["detail"] == (
        "Getting model response error: 422 - 'prompt' is a required property; "
        "/guidance: -1 is less than the minimum of 0"
    )


@pytest.mark.parametrize(
    ("path", "model"),
    [("/api/ai/images/generate", "google-veo-3-1"), ("/api/ai/videos/generate", "flux-1-dev")],
)
def test_model_and_endpoint_must_agree(api, path, model) -> None:
    response = api.http.post(path, json={"model": model, "prompt": "x"})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_params"


def test_unknown_model_is_404(api) -> None:
    response = api.http.post("/api/ai/videos/generate", json={"model": "gone"})
    assert response.status_code == 404
    assert response.json() == {"error": {"message": "Model not found: gone"}}


@pytest.mark.oxen_emulator(api_keys=("key-one", "key-two"))
def test_result_files_need_the_owners_bearer_key(oxen_emulator: Emulator, api_for) -> None:
    owner = api_for(oxen_emulator, key="key-one")
    [generation_id] = owner.enqueue(model="flux-1-dev")
    url = owner.wait(generation_id, {"succeeded"})["result_url"]
    assert owner.http.get(url).status_code == 200
    assert api_for(oxen_emulator, key=None).http.get(url).status_code == 401
    assert api_for(oxen_emulator, key="key-two").http.get(url).status_code == 404
    missing = owner.http.get(f"{oxen_emulator.base_url}/files/nothing.png")
    assert missing.status_code == 404
