"""The event stream: one event per generation that succeeds or fails, none for cancelled,
keep-alive comments, dropped connections, no replay, per-key scoping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from generator.emulator import Emulator

EVENT = "event: media_generation_completed"
STUCK = {"queue_seconds": (3600.0, 3600.0)}


def _events(lines: list[str]) -> list[dict[str, Any]]:
    """Complete events (``event:``, one ``data:`` line of JSON, blank line) seen so far."""
    found = []
    for index, line in enumerate(lines):
        if line == EVENT and index + 2 < len(lines):
            data, blank = lines[index + 1], lines[index + 2]
            assert data.startswith("data: ")
            assert blank == ""
            found.append(json.loads(data.removeprefix("data: ")))
    return found


def _has_event_for(generation_id: str):
    return lambda lines: any(e["generation_id"] == generation_id for e in _events(lines))


def test_success_event_has_the_contract_fields(api) -> None:
    with api.http.stream("GET", "/api/events") as stream:
        assert stream.status_code == 200
        assert stream.headers["content-type"].startswith("text/event-stream")
        [generation_id] = api.enqueue(model="flux-1-dev")
        lines = api.read_lines(stream, _has_event_for(generation_id))
    [event] = _events(lines)
    row = api.row(generation_id)
    assert event == {
        "generation_id": generation_id,
        "status": "succeeded",
        "media_type": "image",
        "model": "flux-1-dev",
        "url": row["result_url"],
    }


def test_failure_event_carries_the_error(api) -> None:
    with api.http.stream("GET", "/api/events") as stream:
        [generation_id] = api.enqueue(model="flux-1-dev", prompt=None)
        lines = api.read_lines(stream, _has_event_for(generation_id))
    [event] = _events(lines)
    assert event["status"] == "failed"
    assert event["media_type"] == "image"
    assert event["error"].startswith("Getting model response error: 422 - ")
    assert set(event) == {"generation_id", "status", "media_type", "error"}


@pytest.mark.oxen_emulator(**STUCK)
def test_no_event_for_a_cancelled_generation(api) -> None:
    with api.http.stream("GET", "/api/events") as stream:
        cancelled, sentinel = api.enqueue(model="flux-1-dev", num_generations=2)
        assert api.http.delete(f"/api/ai/queue/{cancelled}").status_code == 200
        api.emu.complete(sentinel)  # ends after the cancellation, so its event comes later
        lines = api.read_lines(stream, _has_event_for(sentinel))
    assert [event["generation_id"] for event in _events(lines)] == [sentinel]


@pytest.mark.oxen_emulator(keepalive_interval=0.05)
def test_idle_stream_sends_keepalive_comments(api) -> None:
    with api.http.stream("GET", "/api/events") as stream:
        lines = api.read_lines(stream, lambda lines: lines.count(": keep-alive") >= 2)
    assert lines.count(": keep-alive") >= 2
    assert _events(lines) == []


@pytest.mark.oxen_emulator(drop_sse_every=0.2, keepalive_interval=0.05)
def test_drop_sse_every_closes_each_stream(api) -> None:
    for _ in range(2):  # and a reconnect is served again, then dropped again
        with api.http.stream("GET", "/api/events") as stream:
            lines = api.read_lines(stream, lambda lines: False, max_lines=1000)
        assert 0 < len(lines) < 1000  # ended by the server, not by the line bound


def test_drop_event_streams_control_ends_open_streams(api) -> None:
    with api.http.stream("GET", "/api/events") as stream:
        assert api.emu.stats()["sse_clients"] == 1
        assert api.emu.drop_event_streams() == 1
        lines = api.read_lines(stream, lambda lines: False)
    assert lines == []


def test_no_replay_of_events_that_ended_while_disconnected(api) -> None:
    [missed] = api.enqueue(model="flux-1-dev")
    api.wait(missed, {"succeeded"})
    with api.http.stream("GET", "/api/events") as stream:
        [later] = api.enqueue(model="flux-1-dev")
        lines = api.read_lines(stream, _has_event_for(later))
    assert [event["generation_id"] for event in _events(lines)] == [later]


@pytest.mark.oxen_emulator(api_keys=("key-one", "key-two"))
def test_events_are_scoped_to_the_key(oxen_emulator: Emulator, api_for) -> None:
    one, two = api_for(oxen_emulator, key="key-one"), api_for(oxen_emulator, key="key-two")
    with (
        one.http.stream("GET", "/api/events") as stream_one,
        two.http.stream("GET", "/api/events") as stream_two,
    ):
        [first] = one.enqueue(model="flux-1-dev")
        [second] = two.enqueue(model="flux-1-dev")
        lines_two = two.read_lines(stream_two, _has_event_for(second))
        lines_one = one.read_lines(stream_one, _has_event_for(first))
    assert [event["generation_id"] for event in _events(lines_one)] == [first]
    assert [event["generation_id"] for event in _events(lines_two)] == [second]


@pytest.mark.oxen_emulator(foreign_events=True)
def test_foreign_events_ride_along_and_are_distinguishable(api) -> None:
    with api.http.stream("GET", "/api/events") as stream:
        [generation_id] = api.enqueue(model="flux-1-dev")
        lines = api.read_lines(stream, _has_event_for(generation_id))
    assert "event: media_generation_started" in lines
    assert any(line.startswith("data: ") and '"type":"notice"' in line for line in lines)
    [event] = _events(lines)  # still exactly one completion event
    assert event["status"] == "succeeded"
