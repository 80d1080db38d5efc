"""The harness side channel: stats, reset, precise job times, completion, seeded replay."""

from __future__ import annotations

import httpx
import pytest

from generator.emulator import Emulator, EmulatorConfig, Faults

STUCK = {"queue_seconds": (3600.0, 3600.0)}


def test_stats_count_requests_by_template_jobs_and_clients(api) -> None:
    [generation_id] = api.enqueue(model="flux-1-dev")
    api.wait(generation_id, {"succeeded"})
    api.http.get("/api/ai/models/flux-1-dev")
    api.http.get("/api/ai/models/bad")
    with api.http.stream("GET", "/api/events"):
        stats = httpx.get(f"{api.emu.base_url}/_emulator/stats").json()  # no key needed
    requests = stats["requests"]
    assert requests["POST /api/ai/queue"] == 1
    assert requests["GET /api/ai/queue/{generation_id}"] >= 1
    assert requests["GET /api/ai/models/{model_id}"] == 2
    assert requests["GET /api/events"] == 1
    assert not any(key.startswith("GET /_emulator") for key in requests)
    assert stats["responses"]["404"] == 1
    assert stats["jobs"] == {
        "queued": 0,
        "processing": 0,
        "succeeded": 1,
        "failed": 0,
        "cancelled": 0,
    }
    assert stats["sse_clients"] == 1
    assert stats["faults"]["fail_rate"] == 0.0


@pytest.mark.oxen_emulator(**STUCK)
def test_reset_over_http_forgets_jobs_and_counters(api) -> None:
    [generation_id] = api.enqueue(model="flux-1-dev")
    response = httpx.post(f"{api.emu.base_url}/_emulator/reset")
    assert response.json() == {"status": "success"}
    assert api.http.get(f"/api/ai/queue/{generation_id}").status_code == 404
    stats = api.emu.stats()
    assert stats["jobs"]["queued"] == 0
    assert stats["requests"] == {"GET /api/ai/queue/{generation_id}": 1}


def test_jobs_view_has_sub_second_completion_times(api) -> None:
    [generation_id] = api.enqueue(model="flux-1-dev")
    row = api.wait(generation_id, {"succeeded"})
    [job] = httpx.get(f"{api.emu.base_url}/_emulator/jobs").json()["jobs"]
    assert job["generation_id"] == generation_id
    assert isinstance(job["completed_at"], float)
    assert job["enqueued_at"] <= job["started_at"] <= job["completed_at"]
    assert int(job["completed_at"]) == row["completed_at"]
    assert api.emu.jobs() == [job]


@pytest.mark.oxen_emulator(**STUCK)
def test_complete_ends_a_job_now_with_its_event(api) -> None:
    ok, bad = api.enqueue(model="flux-1-dev", num_generations=2)
    row = api.emu.complete(ok)
    assert row["status"] == "succeeded"
    assert row["result_url"].endswith(".png")
    failed = httpx.post(
        f"{api.emu.base_url}/_emulator/jobs/{bad}/complete",
        json={"status": "failed", "error_message": "provider on fire"},
    ).json()
    assert (failed["status"], failed["error_message"]) == ("failed", "provider on fire")
    with pytest.raises(KeyError):
        api.emu.complete("no-such-id")
    with pytest.raises(ValueError, match="succeeded"):
        api.emu.complete(ok, status="cancelled")


def test_faults_and_fail_next_over_http(api) -> None:
    base = api.emu.base_url
    updated = httpx.post(f"{base}/_emulator/faults", json={"rate_limit": 5}).json()
    assert updated["rate_limit"] == 5
    assert httpx.post(f"{base}/_emulator/faults", json={"nope": 1}).status_code == 400
    assert httpx.post(f"{base}/_emulator/faults", json={"fail_rate": 3}).status_code == 400
    httpx.post(f"{base}/_emulator/fail-next", json={"count": 1, "status": 503})
    assert api.http.get("/api/ai/models").status_code == 503
    assert httpx.post(f"{base}/_emulator/drop-event-streams").json() == {"dropped": 0}


def _story(emu: Emulator) -> tuple[list[str], list[int]]:
    """Generation ids and fault outcomes for a fixed sequence of requests."""
    with httpx.Client(
        base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.api_key}"}
    ) as client:
        ids = []
        for _ in range(3):
            response = client.post("/api/ai/queue", json={"model": "flux-1-dev"})
            if response.status_code == 200:
                ids += [item["generation_id"] for item in response.json()["generations"]]
        statuses = [client.get("/api/ai/models").status_code for _ in range(12)]
    return ids, statuses


def test_seeded_emulators_tell_the_same_story_and_reset_replays_it() -> None:
    config = EmulatorConfig(speed=1000, seed=42, faults=Faults(fail_rate=0.4))
    with Emulator(config) as first, Emulator(config) as second:
        story = _story(first)
        assert _story(second) == story
        first.reset()
        assert _story(first) == story
    assert story[0]
    assert 0 < sum(status != 200 for status in story[1]) < 12  # the faults did vary


def test_unseeded_emulators_differ() -> None:
    config = EmulatorConfig(speed=1000)
    with Emulator(config) as first, Emulator(config) as second:
        assert _story(first)[0] != _story(second)[0]


def test_a_taken_port_fails_to_start_clearly(oxen_emulator: Emulator) -> None:
    port = int(oxen_emulator.base_url.rsplit(":", 1)[1])
    with pytest.raises(RuntimeError, match="did not start"):
        Emulator(EmulatorConfig(port=port)).start()
    with pytest.raises(RuntimeError, match="not running"):
        Emulator(EmulatorConfig()).stats()
