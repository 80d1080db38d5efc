"""The async queue: enqueue checks, rows, filters, cancellation, lifecycle and key scoping."""

from __future__ import annotations

import pytest

from generator.emulator import Emulator

STUCK_QUEUED = {"queue_seconds": (3600.0, 3600.0)}
STUCK_PROCESSING = {
    "queue_seconds": (0.0, 0.0),
    "image_seconds": (3600.0, 3600.0),
    "video_seconds": (3600.0, 3600.0),
}
CHAT_MODEL = {
    "id": "chat-only",
    "endpoint": "/chat/completions",
    "capabilities": {"input": ["text"], "output": ["text"]},
}
FLUX = "flux-1-dev"
VIDEO = "google-veo-3-1"


@pytest.mark.parametrize("count", [1, 4])
def test_enqueue_answers_one_queued_generation_each(api, count) -> None:
    response = api.http.post(
        "/api/ai/queue", json={"model": FLUX, "prompt": "p", "num_generations": count}
    )
    assert response.status_code == 200
    generations = response.json()["generations"]
    assert len(generations) == count
    assert {item["status"] for item in generations} == {"queued"}
    assert len({item["generation_id"] for item in generations}) == count


@pytest.mark.parametrize("count", [0, 5, "2", True, 1.5])
def test_enqueue_rejects_num_generations_out_of_range(api, count) -> None:
    response = api.http.post("/api/ai/queue", json={"model": FLUX, "num_generations": count})
    assert response.status_code == 400
    assert response.json()["error"]["type"] == "invalid_params"


def test_enqueue_checks_the_model(api) -> None:
    missing = api.http.post("/api/ai/queue", json={"model": "retired-model"})
    assert missing.status_code == 404
    assert missing.json() == {"error": {"message": "Model not found: retired-model"}}
    no_model = api.http.post("/api/ai/queue", json={"prompt": "x"})
    assert no_model.status_code == 400
    not_json = api.http.post("/api/ai/queue", content=b"{not json")
    assert not_json.status_code == 400


@pytest.mark.oxen_emulator(models=(CHAT_MODEL,))
def test_enqueue_refuses_a_model_without_image_or_video_output(api) -> None:
    response = api.http.post("/api/ai/queue", json={"model": "chat-only"})
    assert response.status_code == 400
    assert "does not generate images or videos" in response.json()["error"]["detail"]


@pytest.mark.oxen_emulator(**STUCK_QUEUED)
def test_row_echoes_the_request_and_has_the_contract_fields(api) -> None:
    [generation_id] = api.enqueue(
        model=FLUX, prompt="a red kite", guidance=2.5, target_namespace="team"
    )
    row = api.row(generation_id)
    assert row["generation_id"] == generation_id
    assert row["model_name"] == FLUX
    assert row["media_type"] == "image"
    assert row["status"] == "queued"
    assert row["target_namespace"] == "team"
    assert row["prompt"] == "a red kite"
    assert row["guidance"] == 2.5
    assert isinstance(row["enqueued_at"], int)
    for empty in ("result_url", "error_message", "started_at", "completed_at"):
        assert row[empty] is None
    assert "num_generations" not in row


def test_lifecycle_ends_succeeded_with_int_timestamps(api) -> None:
    [generation_id] = api.enqueue(model=FLUX)
    row = api.wait(generation_id, {"succeeded", "failed"})
    assert row["status"] == "succeeded", row
    assert row["result_url"].startswith(api.emu.base_url + "/files/")
    assert row["result_url"].endswith(".png")
    assert row["error_message"] is None
    stamps = [row["enqueued_at"], row["started_at"], row["completed_at"]]
    assert all(isinstance(stamp, int) for stamp in stamps)
    assert stamps == sorted(stamps)


def test_a_video_model_yields_an_mp4(api) -> None:
    [generation_id] = api.enqueue(model=VIDEO, prompt="waves")
    row = api.wait(generation_id, {"succeeded", "failed"})
    assert row["status"] == "succeeded", row
    assert row["media_type"] == "video"
    assert row["result_url"].endswith(".mp4")


def test_a_bad_payload_is_accepted_then_fails_with_a_message(api) -> None:
    # No prompt (required) and guidance above its maximum: enqueue does not look.
    [generation_id] = api.enqueue(model=FLUX, prompt=None, guidance=99)
    row = api.wait(generation_id, {"succeeded", "failed"})
    assert row["status"] == "failed"
    assert row["result_url"] is None
    assert row["error_message"].startswith("Getting model response error: 422 - ")
    assert "/guidance: 99 is greater than the maximum of 10" in row["error_message"]


def test_formats_are_checked_when_the_job_runs(api) -> None:
    [generation_id] = api.enqueue(model="kling-video-o3-omni", input_video="not a uri")
    row = api.wait(generation_id, {"succeeded", "failed"})
    assert row["status"] == "failed"
    assert "/input_video: 'not a uri' is not a 'uri'" in row["error_message"]


@pytest.mark.oxen_emulator(**STUCK_PROCESSING)
def test_list_shows_active_rows_by_default_and_filters(api) -> None:
    image_ids = api.enqueue(model=FLUX, num_generations=2, target_namespace="alpha")
    [video_id] = api.enqueue(model=VIDEO, prompt="v")
    api.emu.complete(image_ids[0])
    api.wait(image_ids[0], {"succeeded"})

    def listed(**params: str) -> list[str]:
        body = api.http.get("/api/ai/queue", params=params).json()
        assert body["count"] == len(body["generations"])
        return [row["generation_id"] for row in body["generations"]]

    assert listed() == [image_ids[1], video_id]
    assert listed(status="succeeded") == [image_ids[0]]
    assert listed(status="succeeded,processing") == [*image_ids, video_id]
    assert listed(media_type="video") == [video_id]
    assert listed(model=FLUX) == [image_ids[1]]
    assert listed(namespace="alpha") == [image_ids[1]]
    assert listed(namespace="beta") == []
    bad = api.http.get("/api/ai/queue", params={"status": "done"})
    assert bad.status_code == 400


@pytest.mark.oxen_emulator(**STUCK_QUEUED)
def test_delete_cancels_an_active_row_and_the_row_persists(api) -> None:
    [generation_id] = api.enqueue(model=FLUX)
    response = api.http.delete(f"/api/ai/queue/{generation_id}")
    assert response.status_code == 200
    assert response.json() == {"status": "success", "generation_id": generation_id}
    row = api.row(generation_id)
    assert row["status"] == "cancelled"
    assert isinstance(row["completed_at"], int)
    assert api.http.get("/api/ai/queue").json()["count"] == 0


def test_delete_does_not_change_a_finished_row(api) -> None:
    [generation_id] = api.enqueue(model=FLUX)
    before = api.wait(generation_id, {"succeeded", "failed"})
    response = api.http.delete(f"/api/ai/queue/{generation_id}")
    assert response.status_code == 200
    assert api.row(generation_id) == before


def test_unknown_generation_is_404_for_get_and_delete(api) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for response in (
        api.http.get(f"/api/ai/queue/{unknown}"),
        api.http.delete(f"/api/ai/queue/{unknown}"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["type"] == "resource_not_found"


@pytest.mark.oxen_emulator(api_keys=("key-one", "key-two"), **STUCK_QUEUED)
def test_each_key_sees_only_its_own_jobs(oxen_emulator: Emulator, api_for) -> None:
    one, two = api_for(oxen_emulator, key="key-one"), api_for(oxen_emulator, key="key-two")
    [generation_id] = one.enqueue(model=FLUX)
    assert two.http.get(f"/api/ai/queue/{generation_id}").status_code == 404
    assert two.http.delete(f"/api/ai/queue/{generation_id}").status_code == 404
    assert two.http.get("/api/ai/queue").json()["count"] == 0
    assert one.http.get("/api/ai/queue").json()["count"] == 1
