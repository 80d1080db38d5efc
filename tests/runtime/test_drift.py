"""The drift guard over real sockets: schema hash check before the first submit, retirements."""

from __future__ import annotations

import asyncio
import json
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the emulator needs the 'emulator' extra")

from generator.emulator import Emulator, EmulatorConfig
from generator.runtime import (
    Client,
    Job,
    ModelRetired,
    NotFoundError,
    OxenError,
    SchemaDriftError,
    SchemaDriftWarning,
)
from generator.runtime._drift import forget
from generator.runtime._model_cache import CachedModel, ModelCache

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "generated" / "_schemas"
MODEL = "flux-1-dev"
PAYLOAD = {"prompt": "a lighthouse"}
MODEL_STATS = "GET /api/ai/models/{model_id}"
QUEUE_STATS = "POST /api/ai/queue"
OLD_ID = "kling-video-o3-pro-reference-to-video"
NEW_ID = "kling-video-o3-omni"


def _sha(model_id: str) -> str:
    index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
    sha: str = index["models"][model_id]["schema_sha256"]
    return sha


def _snapshot_model(model_id: str) -> dict[str, Any]:
    index = json.loads((SNAPSHOT / "index.json").read_text(encoding="utf-8"))
    data: dict[str, Any] = json.loads(
        (SNAPSHOT / index["models"][model_id]["file"]).read_text(encoding="utf-8")
    )
    return data


@pytest.fixture(scope="module")
def fast_emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(speed=1000, seed=0, keepalive_interval=0.5)) as emulator:
        yield emulator


@pytest.fixture
def emu(fast_emulator: Emulator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Emulator:
    fast_emulator.reset()
    monkeypatch.setenv("OXGEN_CACHE_DIR", str(tmp_path / "cache"))
    forget()
    return fast_emulator


def _client(emu: Emulator, **kwargs: Any) -> Client:
    return Client(emu.api_key, emu.base_url, journal=False, **kwargs)


def _requests(emu: Emulator, route: str) -> int:
    count: int = emu.stats()["requests"].get(route, 0)
    return count


def test_matching_schema_is_checked_once_per_process(emu: Emulator) -> None:
    with _client(emu) as client, warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(3):
            client.submit(MODEL, PAYLOAD, schema_sha256=_sha(MODEL)).result(timeout=30)
        with _client(emu) as second:
            second.submit(MODEL, PAYLOAD, schema_sha256=_sha(MODEL)).result(timeout=30)
    assert _requests(emu, MODEL_STATS) == 1
    assert _requests(emu, QUEUE_STATS) == 4


def _generated_submit(client: Client, sha: str) -> Job:
    """What a generated module's ``submit`` does: the warning must skip this frame."""
    return client.submit(MODEL, PAYLOAD, schema_sha256=sha)


def test_drift_warns_once_and_still_submits(emu: Emulator) -> None:
    with _client(emu) as client:
        with pytest.warns(SchemaDriftWarning, match="differs from the one") as caught:
            _generated_submit(client, "0" * 64).result(timeout=30)
        assert caught[0].filename == __file__
        assert caught[0].lineno != _generated_submit.__code__.co_firstlineno + 2
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            client.submit(MODEL, PAYLOAD, schema_sha256="0" * 64).result(timeout=30)
    assert _requests(emu, QUEUE_STATS) == 2


def test_drift_error_refuses_before_enqueueing(emu: Emulator) -> None:
    with _client(emu, schema_check="error") as client:
        for _ in range(2):
            with pytest.raises(SchemaDriftError, match="oxgen sync"):
                client.submit(MODEL, PAYLOAD, schema_sha256="0" * 64)
    assert _requests(emu, QUEUE_STATS) == 0
    assert _requests(emu, MODEL_STATS) == 1  # the second refusal used the disk cache


def test_async_calls_are_guarded_too(emu: Emulator) -> None:
    async def main() -> None:
        async with _client(emu, schema_check="error") as client:
            with pytest.raises(SchemaDriftError):
                await client.arun(MODEL, PAYLOAD, schema_sha256="0" * 64)
            job = await client.asubmit(MODEL, PAYLOAD, schema_sha256=_sha(MODEL))
            await job.aresult(timeout=30)

    asyncio.run(main())
    assert _requests(emu, QUEUE_STATS) == 1


def test_off_makes_no_models_request(emu: Emulator) -> None:
    with _client(emu, schema_check="off") as client:
        client.run(MODEL, PAYLOAD, schema_sha256="0" * 64, deadline=30)
    assert _requests(emu, MODEL_STATS) == 0


def test_plain_client_calls_are_not_checked(emu: Emulator) -> None:
    with _client(emu) as client:
        client.run(MODEL, PAYLOAD, deadline=30)
        with pytest.raises(NotFoundError) as caught:
            client.submit("no-such-model", PAYLOAD)
    assert type(caught.value) is NotFoundError
    assert _requests(emu, MODEL_STATS) == 0


def test_bad_schema_check_value_is_refused(emu: Emulator) -> None:
    with pytest.raises(ValueError, match="schema_check"):
        _client(emu, schema_check="sometimes")


def test_retired_model_names_its_successor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    models = sorted((SNAPSHOT).glob("*.json"))
    live = [
        json.loads(path.read_text(encoding="utf-8")) for path in models if path.name != "index.json"
    ]
    live = [model for model in live if model["id"] != OLD_ID]
    monkeypatch.setenv("OXGEN_CACHE_DIR", str(tmp_path))
    forget()
    with Emulator(EmulatorConfig(models=tuple(live), speed=1000, seed=0)) as emu:
        # What this machine saw when the model still existed (the cache outlives its TTL):
        # after the 4k variants were created, before the omni model was.
        seen_at = (
            _snapshot_model("kling-video-o3-4k-reference-to-video")["created"]
            + _snapshot_model(NEW_ID)["created"]
        ) / 2
        last_seen = CachedModel(_snapshot_model(OLD_ID), '"x"', seen_at)
        ModelCache().put(emu.base_url, OLD_ID, last_seen)
        with _client(emu) as client, pytest.raises(ModelRetired) as caught:
            client.submit(OLD_ID, {"prompt": "x"}, schema_sha256=_sha(OLD_ID))
        assert caught.value.successor == NEW_ID
        assert NEW_ID in str(caught.value)
        assert caught.value.model_id == OLD_ID
        assert _requests(emu, QUEUE_STATS) == 0


def test_retired_model_without_history_has_no_successor(emu: Emulator) -> None:
    with _client(emu) as client, pytest.raises(ModelRetired) as caught:
        client.submit("gone-model", PAYLOAD, schema_sha256="0" * 64)
    assert caught.value.successor is None
    assert caught.value.status_code == 404


def test_a_404_on_enqueue_is_model_retired(emu: Emulator) -> None:
    """The check is off, so the queue's own 404 is what reports the retirement."""
    with _client(emu, schema_check="off") as client, pytest.raises(ModelRetired):
        client.submit("gone-model", PAYLOAD, schema_sha256="0" * 64)
    assert _requests(emu, QUEUE_STATS) == 1


def test_a_failing_models_endpoint_does_not_block_submits(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    emu.fail_next(1, 503)  # the guard's one request; the enqueue that follows is fine
    with _client(emu) as client:
        client.submit(MODEL, PAYLOAD, schema_sha256=_sha(MODEL)).result(timeout=30)
    assert "could not check the schema" in caplog.text
    assert emu.stats()["responses"]["503"] == 1


def test_generated_modules_pass_their_schema_hash(emu: Emulator) -> None:
    from generated import flux_1_dev

    with _client(emu, schema_check="error") as client:
        flux_1_dev.submit(prompt="a lighthouse", client=client).result(timeout=30)
        flux_1_dev.run(prompt="a lighthouse", client=client, deadline=30)
    assert _requests(emu, MODEL_STATS) == 1
    assert _requests(emu, QUEUE_STATS) == 2


def test_cache_protocol_decisions() -> None:
    from generator.runtime._model_cache import absorb, plan_request

    entry = CachedModel({"id": "m"}, '"e1"', 100.0)
    assert plan_request(None, now=100.0, ttl=60) == {}
    assert plan_request(entry, now=159.0, ttl=60) is None
    assert plan_request(entry, now=160.0, ttl=60) == {"If-None-Match": '"e1"'}
    assert plan_request(CachedModel({"id": "m"}, None, 0.0), now=1e9, ttl=60) == {}
    kept = absorb(entry, 304, {}, None, model_id="m", now=500.0)
    assert (kept.model, kept.etag, kept.confirmed_at) == ({"id": "m"}, '"e1"', 500.0)
    fresh = absorb(entry, 200, {"etag": '"e2"'}, {"name": "x"}, model_id="m", now=1.0)
    assert (fresh.model, fresh.etag) == ({"name": "x", "id": "m"}, '"e2"')
    with pytest.raises(NotFoundError):
        absorb(entry, 404, {}, {"error": {"message": "Model not found: m"}}, model_id="m", now=1)
    with pytest.raises(OxenError):
        absorb(None, 304, {}, None, model_id="m", now=1.0)  # a 304 nobody asked for
