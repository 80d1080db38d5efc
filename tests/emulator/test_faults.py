"""Faults on demand: rate limits, random and forced 5xx, latency, the ambiguous POST."""

from __future__ import annotations

import httpx
import pytest

from generator.emulator import Emulator


@pytest.mark.oxen_emulator(rate_limit=3)
def test_rate_limit_answers_429_with_retry_after(api) -> None:
    statuses = []
    limited = None
    for _ in range(20):  # far more than 3 per second: some must be refused
        response = api.http.get("/api/ai/models/flux-1-dev")
        statuses.append(response.status_code)
        if response.status_code == 429:
            limited = response
            break
    assert limited is not None, statuses
    assert statuses.count(200) >= 3
    assert limited.headers["Retry-After"] == "1"
    body = limited.json()
    assert body["retry_after"] == 1
    assert body["error"]["type"] == "rate_limited"
    assert body["status"] == "error"


@pytest.mark.oxen_emulator(rate_limit=2, api_keys=("key-one", "key-two"))
def test_rate_limit_is_per_key(oxen_emulator: Emulator, api_for) -> None:
    one, two = api_for(oxen_emulator, key="key-one"), api_for(oxen_emulator, key="key-two")
    for _ in range(20):  # bounded: use up key-one's window
        if one.http.get("/api/ai/models").status_code == 429:
            break
    else:
        pytest.fail("key-one was never rate limited")
    # key-two has used nothing: a shared limit would refuse it in the same second.
    assert two.http.get("/api/ai/models").status_code == 200


@pytest.mark.oxen_emulator(fail_rate=1.0)
def test_fail_rate_answers_5xx_envelopes(api) -> None:
    for _ in range(10):
        response = api.http.get("/api/ai/models")
        assert response.status_code in (500, 502, 503)
        body = response.json()
        assert body["status"] == "error"
        assert body["error"]["type"] in ("unknown_error", "upstream")


@pytest.mark.oxen_emulator(fail_rate=0.5, seed=11)
def test_fail_rate_is_a_fraction(api) -> None:
    statuses = [api.http.get("/api/ai/models").status_code for _ in range(60)]
    failures = sum(status >= 500 for status in statuses)
    assert 10 <= failures <= 50, statuses


def test_fail_next_then_recovers(api) -> None:
    api.emu.fail_next(2, status=502)
    first, second, third = (api.http.get("/api/ai/models") for _ in range(3))
    assert (first.status_code, second.status_code, third.status_code) == (502, 502, 200)
    assert first.json()["error"]["type"] == "upstream"
    api.emu.fail_next(1, status=429)
    limited = api.http.get("/api/ai/models")
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "1"


def test_fail_next_refuses_non_error_statuses(api) -> None:
    for status in (200, 404, 422):
        with pytest.raises(ValueError, match="401, 402, 429 or 5xx"):
            api.emu.fail_next(1, status=status)


def test_fail_next_can_refuse_credits_and_keys(api) -> None:
    api.emu.fail_next(1, status=402)
    api.emu.fail_next(1, status=401)
    credits = api.http.post("/api/ai/queue", json={"model": "flux-1-dev"})
    assert credits.status_code == 402
    assert credits.json()["error"]["type"] == "insufficient_credits"
    revoked = api.http.get("/api/ai/models")
    assert revoked.status_code == 401
    assert revoked.json()["error"]["type"] == "unauthenticated"
    assert api.emu.stats()["jobs"]["queued"] == 0


def test_faults_skip_unauthenticated_requests_first(oxen_emulator: Emulator, api_for) -> None:
    oxen_emulator.fail_next(1, status=500)
    anonymous = api_for(oxen_emulator, key=None)
    assert anonymous.http.get("/api/ai/models").status_code == 401
    keyed = api_for(oxen_emulator)
    assert keyed.http.get("/api/ai/models").status_code == 500  # the forced failure waited


@pytest.mark.oxen_emulator(ambiguous_post_rate=1.0, queue_seconds=(3600.0, 3600.0))
def test_ambiguous_post_enqueues_and_then_answers_500(api) -> None:
    response = api.http.post("/api/ai/queue", json={"model": "flux-1-dev", "prompt": "x"})
    assert response.status_code == 500
    assert response.json()["error"]["type"] == "unknown_error"
    active = api.http.get("/api/ai/queue").json()
    assert active["count"] == 1  # billed anyway: the job exists
    assert active["generations"][0]["prompt"] == "x"


def test_latency_delays_every_api_request(api) -> None:
    api.emu.set_faults(latency=1.0)
    # A client that waits 0.1 s cannot get an answer that takes 1 s.
    with pytest.raises(httpx.ReadTimeout):
        api.http.get("/api/ai/models", timeout=0.1)
    api.emu.set_faults(latency=0.0)
    assert api.http.get("/api/ai/models").status_code == 200


def test_set_faults_validates_and_reset_restores(api) -> None:
    with pytest.raises(ValueError, match="fail_rate"):
        api.emu.set_faults(fail_rate=2.0)
    with pytest.raises(TypeError):
        api.emu.set_faults(no_such_fault=1)
    assert api.emu.set_faults(fail_rate=1.0).fail_rate == 1.0
    assert api.http.get("/api/ai/models").status_code >= 500
    api.emu.reset()
    assert api.http.get("/api/ai/models").status_code == 200


@pytest.mark.oxen_emulator(job_fail_rate=1.0)
def test_job_fail_rate_fails_valid_generations(api) -> None:
    [generation_id] = api.enqueue(model="flux-1-dev")
    row = api.wait(generation_id, {"succeeded", "failed"})
    assert row["status"] == "failed"
    assert "Upstream provider error" in row["error_message"]
