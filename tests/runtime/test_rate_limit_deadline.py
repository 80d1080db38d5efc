"""429s on enqueue are retried until the deadline (or ``rate_limit_patience``), never past it.

The enqueue is driven directly over the scripted fake API with an ``Http`` that records each
wait instead of sleeping (``time_scale=0``): the waits it asked for are the clock, so "no
request after the deadline" is checked on the same scale the runtime decides on.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest

from generator.runtime import DeadlineExceeded, RateLimited, TransportError
from generator.runtime._config import Config
from generator.runtime._enqueue import enqueue
from generator.runtime._protocol import Row
from generator.runtime._transport import Http

from .conftest import FakeApi, respond

QUEUE = "/api/ai/queue"


class RecordingHttp(Http):
    """An ``Http`` whose sleeps are recorded, with the time of each POST on that clock."""

    def __init__(self, config: Config, api: FakeApi) -> None:
        super().__init__(config, api.transport())
        self.waits: list[float] = []
        self.post_times: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        await asyncio.sleep(0)

    async def send_once(self, method: str, path: str, **kwargs: Any) -> object:
        self.post_times.append(sum(self.waits))
        return await super().send_once(method, path, **kwargs)


def _enqueue(
    api: FakeApi, *, deadline: float | None = None, **options: Any
) -> tuple[RecordingHttp, list[Row] | BaseException]:
    config = Config(api_key="k", base_url="https://api.test", time_scale=0, **options)

    async def scenario() -> tuple[RecordingHttp, list[Row] | BaseException]:
        http = RecordingHttp(config, api)
        deadline_at = None if deadline is None else time.monotonic() + deadline
        try:
            return http, await enqueue(
                http,
                "flux",
                {"prompt": "cat"},
                1,
                known_ids=set(),
                lock=asyncio.Lock(),
                deadline_at=deadline_at,
            )
        except Exception as exc:
            return http, exc
        finally:
            await http.aclose()

    return asyncio.run(scenario())


def _storm(api: FakeApi, count: int, retry_after: str | None) -> None:
    headers = {"Retry-After": retry_after} if retry_after is not None else None
    api.fault(
        "POST " + QUEUE, *[respond(429, {"error": {"message": "slow down"}}, headers)] * count
    )


def test_a_storm_longer_than_max_retries_is_waited_out_within_the_deadline(api: FakeApi) -> None:
    _storm(api, 10, "1")
    http, outcome = _enqueue(api, deadline=60, max_retries=2)
    assert isinstance(outcome, list)
    assert [row.generation_id for row in outcome] == list(api.rows)
    assert api.count("POST") == 11  # ten refusals, then the one that enqueued
    # Retry-After honoured, with up to half of it again as jitter.
    assert len(http.waits) == 10
    assert all(1.0 <= wait <= 1.5 for wait in http.waits)


def test_no_wait_crosses_the_deadline(api: FakeApi) -> None:
    _storm(api, 50, "6")  # each wait is 6 to 9 s: the second would end after 10 s
    http, outcome = _enqueue(api, deadline=10)
    assert isinstance(outcome, DeadlineExceeded)
    assert "nothing was enqueued" in str(outcome)
    assert api.count("POST") == 2
    assert len(http.waits) == 1
    assert all(sent < 10 for sent in http.post_times)
    assert api.rows == {}


def test_without_a_deadline_patience_bounds_the_waiting(api: FakeApi) -> None:
    _storm(api, 50, "6")
    http, outcome = _enqueue(api, rate_limit_patience=10)
    assert isinstance(outcome, RateLimited)
    message = str(outcome)
    assert "after waiting" in message
    assert "max_in_flight" in message
    assert "deadline=" in message
    assert outcome.retry_after == 6.0
    assert api.count("POST") == 2
    assert sum(http.waits) <= 10
    assert api.rows == {}


def test_retry_after_is_capped(api: FakeApi) -> None:
    _storm(api, 1, "3600")
    http, outcome = _enqueue(api, retry_after_cap=5)
    assert isinstance(outcome, list)
    assert len(http.waits) == 1
    assert 5.0 <= http.waits[0] <= 7.5


def test_a_deadline_already_past_sends_nothing(api: FakeApi) -> None:
    _, outcome = _enqueue(api, deadline=0)
    assert isinstance(outcome, DeadlineExceeded)
    assert api.count("POST") == 0


def test_connection_refusals_keep_the_max_retries_rule(api: FakeApi) -> None:
    def refuse(request: httpx.Request) -> None:
        raise httpx.ConnectError("refused", request=request)

    api.fault("POST " + QUEUE, *[refuse] * 20)
    http, outcome = _enqueue(api, deadline=3600, max_retries=3)
    assert isinstance(outcome, TransportError)
    assert api.count("POST") == 4
    assert len(http.waits) == 3


@pytest.mark.parametrize("status", [429, None])
def test_refusal_waits_near_the_deadline_raise_instead(api: FakeApi, status: int | None) -> None:
    """Whatever refused the enqueue, the wait after it must end before the deadline."""

    def refuse(request: httpx.Request) -> httpx.Response:
        if status is None:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(status, headers={"Retry-After": "30"}, json={})

    api.fault("POST " + QUEUE, *[refuse] * 50)
    http, outcome = _enqueue(api, deadline=20, max_retries=100, backoff_base=40, backoff_cap=40)
    assert isinstance(outcome, DeadlineExceeded)
    assert all(sent < 20 for sent in http.post_times)
    assert sum(http.waits) < 20
    if status == 429:
        assert api.count("POST") == 1  # the first wait (30 s or more) would cross it


def test_a_client_submit_with_a_deadline_outlasts_a_storm(api: FakeApi, make_client: Any) -> None:
    _storm(api, 12, "1")  # twice the default max_retries
    client = make_client(api, events="poll")
    job = client.submit("flux", {"prompt": "cat"}, deadline=300)
    assert list(api.rows) == [job.id]
    assert api.count("POST") == 13
    assert job.result(timeout=10).url
