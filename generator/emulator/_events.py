"""The event stream: per-key subscribers, ``media_generation_completed`` events, keep-alives.

Like the service there is no buffering and no replay: an event reaches only the streams of
the job's key that are open when the job ends. A subscriber is registered before the
response headers go out, so a client that has seen the headers cannot miss a later event.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from ._jobs import Job

__all__ = ["EVENT_NAME", "Broker", "EventStreamResponse", "event_data"]

EVENT_NAME = "media_generation_completed"
_KEEPALIVE = ": keep-alive\n\n"


def _one_line(value: object) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def event_data(job: Job) -> dict[str, Any]:
    """The contract's event payload for a job that ended ``succeeded`` or ``failed``."""
    if job.status == "succeeded":
        return {
            "generation_id": job.generation_id,
            "status": "succeeded",
            "media_type": job.media_type,
            "model": job.model_name,
            "url": job.result_url,
        }
    return {
        "generation_id": job.generation_id,
        "status": "failed",
        "media_type": job.media_type,
        "error": job.error_message,
    }


class _Subscriber:
    __slots__ = ("owner", "queue")

    def __init__(self, owner: str) -> None:
        self.owner = owner
        # None is the "close now" sentinel.
        self.queue: asyncio.Queue[str | None] = asyncio.Queue()


class Broker:
    """Open event streams by API key."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[_Subscriber]] = {}
        self._closed = False

    @property
    def count(self) -> int:
        return sum(len(group) for group in self._subscribers.values())

    def subscribe(self, owner: str) -> _Subscriber:
        subscriber = _Subscriber(owner)
        if self._closed:
            subscriber.queue.put_nowait(None)
        self._subscribers.setdefault(owner, set()).add(subscriber)
        return subscriber

    def unsubscribe(self, subscriber: _Subscriber) -> None:
        group = self._subscribers.get(subscriber.owner)
        if group is not None:
            group.discard(subscriber)
            if not group:
                del self._subscribers[subscriber.owner]

    def publish(self, job: Job) -> None:
        self._send(job.owner, f"event: {EVENT_NAME}\ndata: {_one_line(event_data(job))}\n\n")

    def publish_foreign(self, job: Job) -> None:
        """Events a client must ignore: another event name, and a nameless message."""
        started = {"generation_id": job.generation_id, "status": "processing"}
        text = (
            f"event: media_generation_started\ndata: {_one_line(started)}\n\n"
            f"data: {_one_line({'type': 'notice', 'message': 'emulator'})}\n\n"
        )
        self._send(job.owner, text)

    def _send(self, owner: str, text: str) -> None:
        for subscriber in self._subscribers.get(owner, ()):
            subscriber.queue.put_nowait(text)

    def drop_all(self) -> int:
        """Close every open stream now (clients see the connection end); returns how many."""
        dropped = 0
        for group in self._subscribers.values():
            for subscriber in group:
                subscriber.queue.put_nowait(None)
                dropped += 1
        return dropped

    def close(self) -> None:
        """Shutting down: close open streams and refuse to hold new ones open."""
        self._closed = True
        self.drop_all()


async def _frames(
    subscriber: _Subscriber, keepalive: float, drop_after: float | None
) -> AsyncIterator[str]:
    loop = asyncio.get_running_loop()
    deadline = None if drop_after is None else loop.time() + drop_after
    while True:
        wait = keepalive
        if deadline is not None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                return
            wait = min(wait, remaining)
        try:
            item = await asyncio.wait_for(subscriber.queue.get(), timeout=wait)
        except asyncio.TimeoutError:
            if deadline is not None and loop.time() >= deadline:
                return
            yield _KEEPALIVE
            continue
        if item is None:
            return
        yield item


class EventStreamResponse(StreamingResponse):
    """``text/event-stream`` for one subscriber, unsubscribed however the response ends."""

    def __init__(
        self, broker: Broker, subscriber: _Subscriber, keepalive: float, drop_after: float | None
    ) -> None:
        super().__init__(
            _frames(subscriber, keepalive, drop_after),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self._broker = broker
        self._subscriber = subscriber

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._broker.unsubscribe(self._subscriber)
