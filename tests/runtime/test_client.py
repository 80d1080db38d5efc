"""The runner over a scripted fake API (httpx.MockTransport): completion, faults, budget."""

from __future__ import annotations

import asyncio
import threading
import warnings
from collections.abc import Mapping
from typing import Any

import httpx
import pytest

from generator.runtime import (
    AmbiguousSubmit,
    DeadlineExceeded,
    Job,
    JobCancelled,
    JobFailed,
    JobGroup,
    JobStatus,
    PayloadError,
    ProgressEvent,
    RateLimited,
    Result,
    UnknownPropertyWarning,
    ValidationIssue,
    WaitTimeout,
)

from .conftest import FakeApi, on_loop, respond, wait_until

QUEUE = "/api/ai/queue"


def test_sse_mode_subscribes_before_enqueue_and_needs_one_request_per_job(
    api: FakeApi, make_client: Any
) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    job = client.submit("flux", {"prompt": "cat"})
    assert api.log[:2] == [("GET", "/api/events"), ("POST", QUEUE)]
    on_loop(client, api.finish, job.id)
    result = job.result(timeout=10)
    assert isinstance(result, Result)
    assert result.url == f"https://cdn.example/{job.id}.png"
    assert result.generation_id == job.id
    assert result.model_id == "flux"
    assert job.status is JobStatus.SUCCEEDED
    assert api.log == [("GET", "/api/events"), ("POST", QUEUE)]


def test_completion_event_before_the_enqueue_response_is_not_lost(
    api: FakeApi, make_client: Any
) -> None:
    api.finish_after = None
    api.finish_on_enqueue = True  # the event is sent before the POST answers
    client = make_client(api, events="sse")
    result = client.run("flux", {"prompt": "cat"})
    assert result.url.endswith(".png")
    assert api.count("GET", QUEUE) == 0


def test_unknown_and_duplicate_events_are_ignored(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    job = client.submit("flux", {"prompt": "cat"})
    seen: list[ProgressEvent] = []
    job.on_progress(seen.append)

    def noise() -> None:
        api.emit("event: something_else\ndata: {}\n\n")
        api.emit(
            'event: media_generation_completed\ndata: {"generation_id": "not-ours", '
            '"status": "succeeded", "url": "u"}\n\n'
        )
        api.emit("event: media_generation_completed\ndata: {broken\n\n")
        api.finish(job.id)
        api.emit(api.completion(job.id))  # a duplicate

    on_loop(client, noise)
    assert job.result(timeout=10).generation_id == job.id
    wait_until(lambda: len(seen) >= 2)
    assert [event.status for event in seen] == [JobStatus.QUEUED, JobStatus.SUCCEEDED]


def test_stream_dropped_mid_run_reconnects_and_reconciles(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    jobs = [client.submit("flux", {"prompt": str(i)}) for i in range(3)]

    def drop_and_finish_while_disconnected() -> None:
        api.drop_streams()
        for job in jobs[:2]:
            api.finish(job.id, event=False)  # no one listening: these events are lost

    on_loop(client, drop_and_finish_while_disconnected)
    results = [job.result(timeout=10) for job in jobs[:2]]
    assert [r.generation_id for r in results] == [j.id for j in jobs[:2]]
    assert api.stream_connects >= 2
    assert api.count("GET", QUEUE + "/") >= 2  # the two that left the active list
    # The third is still open and still served by the (new) stream.
    wait_until(lambda: len(api.streams) == 1)
    on_loop(client, api.finish, jobs[2].id)
    assert jobs[2].result(timeout=10).generation_id == jobs[2].id


def test_auto_mode_falls_back_to_polling_without_a_stream(api: FakeApi, make_client: Any) -> None:
    api.events_enabled = False
    client = make_client(api, events="auto")
    result = client.run("flux", {"prompt": "cat"})
    assert result.url
    assert api.count("GET", QUEUE) >= 1


def test_poll_mode_lists_once_per_interval_for_all_jobs(api: FakeApi, make_client: Any) -> None:
    api.finish_after = 2
    client = make_client(api, events="poll", max_in_flight=64, time_scale=0.01)
    jobs = [client.submit("flux", {"prompt": str(i)}) for i in range(30)]
    for job in jobs:
        job.result(timeout=20)
    assert api.count("GET", "/api/events") == 0
    # One single-row request per job (when it left the list), and few list requests overall.
    row_gets = sum(1 for m, p in api.log if m == "GET" and p.startswith(QUEUE + "/"))
    list_gets = sum(1 for m, p in api.log if m == "GET" and p == QUEUE)
    assert row_gets == 30
    assert list_gets < 30, list_gets


def test_failed_job_raises_job_failed_with_the_server_message(
    api: FakeApi, make_client: Any
) -> None:
    api.outcome = "failed"
    client = make_client(api, events="poll")
    job = client.submit("flux", {"prompt": "cat"})
    with pytest.raises(JobFailed, match="model exploded") as info:
        job.result(timeout=10)
    assert info.value.generation_id == job.id
    assert info.value.status == "failed"
    assert job.status is JobStatus.FAILED


def test_rate_limit_storm_on_enqueue_honours_retry_after(api: FakeApi, make_client: Any) -> None:
    storm = respond(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"})
    api.fault("POST " + QUEUE, *[storm] * 4)
    client = make_client(api, events="poll")
    assert client.run("flux", {"prompt": "cat"}).url
    assert api.count("POST") == 5
    assert len(api.rows) == 1


def test_rate_limit_that_never_ends_raises_rate_limited(api: FakeApi, make_client: Any) -> None:
    storm = respond(429, {"error": {"message": "slow down", "retry_after": 1}})
    api.fault("POST " + QUEUE, *[storm] * 1000)
    client = make_client(api, events="poll", rate_limit_patience=30)
    with pytest.raises(RateLimited, match="after waiting") as info:
        client.submit("flux", {"prompt": "cat"})
    assert info.value.retry_after == 1.0
    assert api.rows == {}
    # A 429 did nothing, so it is retried for rate_limit_patience (30 s) of 1 to 1.5 s waits.
    assert 20 <= api.count("POST") <= 31


def test_server_errors_on_polling_are_retried(api: FakeApi, make_client: Any) -> None:
    api.fault("GET " + QUEUE, respond(503), respond(500), respond(502))
    client = make_client(api, events="poll")
    assert client.run("flux", {"prompt": "cat"}).url


def test_slow_responses_time_out_and_are_retried(api: FakeApi, make_client: Any) -> None:
    def slow(request: httpx.Request) -> None:
        raise httpx.ReadTimeout("too slow", request=request)

    api.fault("GET " + QUEUE, slow, slow)
    client = make_client(api, events="poll")
    assert client.run("flux", {"prompt": "cat"}).url


def test_enqueued_then_500_is_adopted_not_resent(api: FakeApi, make_client: Any) -> None:
    def enqueue_then_fail(request: httpx.Request) -> httpx.Response:
        api._enqueue(__import__("json").loads(request.content))
        return httpx.Response(500, json={"error": {"type": "unknown_error"}})

    api.fault("POST " + QUEUE, enqueue_then_fail)
    client = make_client(api, events="poll")
    result = client.run("flux", {"prompt": "cat"})
    assert api.count("POST") == 1
    assert len(api.rows) == 1
    assert result.generation_id in api.rows


def test_enqueue_timeout_after_sending_is_adopted(api: FakeApi, make_client: Any) -> None:
    def enqueue_then_time_out(request: httpx.Request) -> None:
        api._enqueue(__import__("json").loads(request.content))
        raise httpx.ReadTimeout("lost", request=request)

    api.fault("POST " + QUEUE, enqueue_then_time_out)
    client = make_client(api, events="poll")
    job = client.submit("flux", {"prompt": "cat"})
    assert api.count("POST") == 1
    assert list(api.rows) == [job.id]


def test_500_that_enqueued_nothing_is_resent_once_checked(api: FakeApi, make_client: Any) -> None:
    api.fault("POST " + QUEUE, respond(500))
    client = make_client(api, events="poll")
    job = client.submit("flux", {"prompt": "cat"})
    assert api.count("POST") == 2
    assert list(api.rows) == [job.id]


def test_ambiguous_enqueue_raises_with_candidates(api: FakeApi, make_client: Any) -> None:
    api.echo_params = False  # the queue cannot tell twin submissions apart
    client = make_client(api, events="poll")

    def twin_then_fail(request: httpx.Request) -> httpx.Response:
        api._enqueue({"model": "flux", "num_generations": 1})  # someone else's twin
        api._enqueue(__import__("json").loads(request.content))
        return httpx.Response(504)

    api.finish_after = None
    api.fault("POST " + QUEUE, twin_then_fail)
    with pytest.raises(AmbiguousSubmit) as info:
        client.submit("flux", {"prompt": "cat"})
    assert sorted(info.value.candidates) == sorted(api.rows)
    assert api.count("POST") == 1


def test_deadline_cancels_the_remote_job(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    job = client.submit("flux", {"prompt": "cat"}, deadline=0.05)
    with pytest.raises(DeadlineExceeded) as info:
        job.result(timeout=10)
    assert isinstance(info.value, TimeoutError)
    assert ("DELETE", f"{QUEUE}/{job.id}") in api.log
    assert api.rows[job.id]["status"] == "cancelled"
    assert job.status is JobStatus.CANCELLED


def test_wait_timeout_leaves_the_job_running(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    job = client.submit("flux", {"prompt": "cat"})
    with pytest.raises(WaitTimeout):
        job.result(timeout=0.01)
    assert api.count("DELETE") == 0
    job.cancel()
    with pytest.raises(JobCancelled):
        job.result(timeout=10)
    assert api.rows[job.id]["status"] == "cancelled"


def test_cancelling_the_awaiting_task_cancels_the_remote_job(
    api: FakeApi, make_client: Any
) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")

    async def scenario() -> tuple[Job, Job]:
        job = await client.asubmit("flux", {"prompt": "cat"})
        kept = (await client.asubmit("flux", {"prompt": "dog"})).detach()
        for target in (job, kept):
            task = asyncio.ensure_future(target.aresult())
            await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
        return job, kept

    job, kept = asyncio.run(scenario())
    assert api.rows[job.id]["status"] == "cancelled"
    assert api.rows[kept.id]["status"] == "queued"  # detached: left running


def test_max_in_flight_applies_backpressure_in_order(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse", max_in_flight=2)
    first = [client.submit("flux", {"prompt": str(i)}) for i in range(2)]
    submitted: list[str] = []

    def submit_more() -> None:
        for i in range(2, 5):
            submitted.append(client.submit("flux", {"prompt": str(i)}).id)

    worker = threading.Thread(target=submit_more)
    worker.start()
    worker.join(0.2)
    assert worker.is_alive()
    assert api.count("POST") == 2
    on_loop(client, api.finish, first[0].id)
    wait_until(lambda: len(submitted) == 1)
    assert api.count("POST") == 3
    on_loop(client, api.finish, first[1].id)
    on_loop(client, api.finish, submitted[0])
    worker.join(10)
    prompts = [api.rows[generation_id]["prompt"] for generation_id in submitted]
    assert prompts == ["2", "3", "4"]


def test_deadline_while_waiting_for_a_slot_sends_nothing(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse", max_in_flight=1)
    client.submit("flux", {"prompt": "first"})
    with pytest.raises(DeadlineExceeded, match="nothing was enqueued"):
        client.submit("flux", {"prompt": "second"}, deadline=0.05)
    assert api.count("POST") == 1


def test_groups_return_every_result(api: FakeApi, make_client: Any) -> None:
    client = make_client(api, events="poll")
    group = client.submit("flux", {"prompt": "cat"}, num_generations=3)
    assert isinstance(group, JobGroup)
    assert len(group) == 3
    results = group.results(timeout=10)
    assert [r.generation_id for r in results] == group.ids
    assert len(client.run("flux", {"prompt": "dog"}, num_generations=2)) == 2


def test_check_runs_before_any_request(api: FakeApi, make_client: Any) -> None:
    client = make_client(api)
    calls: list[bool] = []

    def check(payload: Mapping[str, Any], *, strict: bool = False) -> None:
        calls.append(strict)
        if "prompt" not in payload:
            raise PayloadError([ValidationIssue("", "'prompt' is required")], model_id="flux")
        if "promt" in payload:
            warnings.warn("unknown key 'promt'", UnknownPropertyWarning, stacklevel=2)

    with pytest.raises(PayloadError):
        client.submit("flux", {}, check=check)
    assert api.log == []
    with pytest.warns(UnknownPropertyWarning):
        client.submit("flux", {"prompt": "x", "promt": "y"}, check=check)
    strict_client = make_client(api, strict_keys=True)
    with pytest.raises(PayloadError):
        strict_client.submit("flux", {}, check=check)
    assert calls == [False, False, True]


def test_events_iterator_and_progress_callbacks(api: FakeApi, make_client: Any) -> None:
    api.finish_after = 1
    client = make_client(api, events="poll")

    async def scenario() -> list[JobStatus]:
        job = await client.asubmit("flux", {"prompt": "cat"})
        return [event.status async for event in job.events()]

    statuses = asyncio.run(scenario())
    assert statuses[0] is JobStatus.QUEUED
    assert statuses[-1] is JobStatus.SUCCEEDED
    assert statuses == sorted(statuses, key=list(JobStatus).index)


def test_sync_and_async_facades_send_the_same_requests() -> None:
    """Parity: one core serves both; the same scripted API sees the same conversation."""
    from generator.runtime import Client

    def conversation(use_async: bool) -> tuple[list[tuple[str, str]], str, str]:
        api = FakeApi(finish_after=2)
        api.fault("GET " + QUEUE, respond(503))
        api.fault("POST " + QUEUE, respond(429, {}, {"Retry-After": "0"}))
        with Client(
            "k",
            "https://api.test",
            events="poll",
            journal=False,
            time_scale=0,
            transport=api.transport(),
        ) as client:
            if use_async:
                result = asyncio.run(client.arun("flux", {"prompt": "cat"}))
            else:
                result = client.run("flux", {"prompt": "cat"})
        # The number of list polls depends on timing; the shape of the conversation does not.
        compact = [entry for i, entry in enumerate(api.log) if i == 0 or entry != api.log[i - 1]]
        return compact, result.generation_id, result.url

    assert conversation(False) == conversation(True)


def test_recover_after_a_crash_completes_journaled_jobs(api: FakeApi, tmp_path: Any) -> None:
    from generator.runtime import Client

    journal = tmp_path / "journal.sqlite3"
    api.finish_after = None
    crashed = Client(
        "k",
        "https://api.test",
        events="poll",
        journal=journal,
        time_scale=0,
        transport=api.transport(),
    )
    ids = [crashed.submit("flux", {"prompt": str(i)}).id for i in range(3)]
    crashed._loop.stop()  # the process "dies": no close, no journal updates
    api.finish_after = 1
    with Client(
        "k",
        "https://api.test",
        events="poll",
        journal=journal,
        time_scale=0,
        transport=api.transport(),
    ) as client:
        jobs = client.recover()
        assert sorted(job.id for job in jobs) == sorted(ids)
        assert all(job.result(timeout=10).url for job in jobs)
        assert client.recover() == []  # the journal now knows they ended


def test_journal_is_private_and_never_holds_the_key(
    api: FakeApi, make_client: Any, tmp_path: Any
) -> None:
    client = make_client(api, events="poll")
    client.run("flux", {"prompt": "cat"})
    path = tmp_path / "journal.sqlite3"
    assert path.stat().st_mode & 0o777 == 0o600
    for file in tmp_path.iterdir():
        assert b"test-key" not in file.read_bytes()


def test_attach_and_cancel_by_id(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    job = client.submit("flux", {"prompt": "cat"}).detach()
    other = make_client(api, events="sse", journal=False)
    attached = other.attach(job.id)
    assert attached.model_id == "flux"
    attached.cancel()
    with pytest.raises(JobCancelled):
        attached.result(timeout=10)


def test_success_without_a_url_is_asked_once_then_reported(api: FakeApi, make_client: Any) -> None:
    api.finish_after = None
    client = make_client(api, events="sse")
    job = client.submit("flux", {"prompt": "cat"})

    def finish_without_url() -> None:
        api.finish(job.id, event=False)
        api.rows[job.id]["result_url"] = None
        api.emit(
            "event: media_generation_completed\n"
            f'data: {{"generation_id": "{job.id}", "status": "succeeded"}}\n\n'
        )

    on_loop(client, finish_without_url)
    with pytest.raises(JobFailed, match="no URL"):
        job.result(timeout=10)
    assert api.count("GET", f"{QUEUE}/{job.id}") == 1


def test_sse_mode_refuses_to_enqueue_without_a_stream(api: FakeApi, make_client: Any) -> None:
    from generator.runtime import TransportError

    api.events_enabled = False
    client = make_client(api, events="sse")
    with pytest.raises(TransportError, match="event stream unavailable"):
        client.submit("flux", {"prompt": "cat"})
    assert api.count("POST") == 0
