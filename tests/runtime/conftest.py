"""A scripted, in-process stand-in for the queue API, served through ``httpx.MockTransport``.

The runner's HTTP client runs on the client's private loop; the handler below runs there
too, so the fake keeps its state without locks. Faults are queued per route and consumed in
order; every request is logged so tests can assert on exactly what went over the wire.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sqlite3
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime import Client

TERMINAL = {"succeeded", "failed", "cancelled"}


@dataclass
class FakeApi:
    """State of the fake service.

    ``finish_after`` is how many row/list observations of a job pass before it ends (None:
    never by itself); ``finish_on_enqueue`` ends jobs right after they are enqueued, which
    makes the completion event race the POST response. ``outcome`` picks the end state.
    """

    finish_after: int | None = 1
    finish_on_enqueue: bool = False
    outcome: str = "succeeded"
    events_enabled: bool = True
    echo_params: bool = True
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    seen: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    log: list[tuple[str, str]] = field(default_factory=list)
    faults: dict[str, deque[Callable[[httpx.Request], Any]]] = field(
        default_factory=lambda: defaultdict(deque)
    )
    streams: list[asyncio.Queue[bytes | None]] = field(default_factory=list)
    stream_connects: int = 0
    ids: Any = field(default_factory=lambda: itertools.count(1))

    # Helpers for tests.

    def fault(self, route: str, *actions: Callable[[httpx.Request], Any]) -> None:
        """Queue actions for ``route`` ("POST /api/ai/queue", "GET /api/ai/queue", ...)."""
        self.faults[route].extend(actions)

    def count(self, method: str, prefix: str = "") -> int:
        return sum(1 for m, p in self.log if m == method and p.startswith(prefix))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def finish(self, generation_id: str, status: str | None = None, *, event: bool = True) -> None:
        row = self.rows[generation_id]
        if row["status"] in TERMINAL:
            return
        status = status or self.outcome
        row["status"] = status
        row["completed_at"] = int(time.time())
        if status == "succeeded":
            row["result_url"] = f"https://cdn.example/{generation_id}.png"
        elif status == "failed":
            row["error_message"] = "model exploded"
        if event and status != "cancelled":
            self.emit(self.completion(generation_id))

    def completion(self, generation_id: str) -> str:
        row = self.rows[generation_id]
        data: dict[str, Any] = {
            "generation_id": generation_id,
            "status": row["status"],
            "media_type": row["media_type"],
        }
        if row["status"] == "succeeded":
            data.update(model=row["model_name"], url=row["result_url"])
        else:
            data["error"] = row.get("error_message")
        return f"event: media_generation_completed\ndata: {json.dumps(data)}\n\n"

    def emit(self, text: str) -> None:
        for queue in self.streams:
            queue.put_nowait(text.encode())

    def drop_streams(self) -> None:
        for queue in self.streams:
            queue.put_nowait(None)

    # The handler.

    async def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.log.append((request.method, path))
        for route, actions in self.faults.items():
            method, _, prefix = route.partition(" ")
            if request.method == method and path == prefix and actions:
                result = actions.popleft()(request)
                if asyncio.iscoroutine(result):
                    result = await result
                if isinstance(result, httpx.Response):
                    return result
        if path == "/api/events":
            return self._events()
        if path == "/api/ai/queue" and request.method == "POST":
            return self._enqueue(json.loads(request.content))
        if path == "/api/ai/queue":
            return self._list(request.url.params)
        if path.startswith("/api/ai/queue/"):
            generation_id = path.rsplit("/", 1)[1]
            row = self.rows.get(generation_id)
            if row is None:
                return httpx.Response(404, json={"error": {"message": "Generation not found"}})
            if request.method == "DELETE":
                if row["status"] not in TERMINAL:
                    row["status"] = "cancelled"
                return httpx.Response(
                    200, json={"status": "success", "generation_id": generation_id}
                )
            self._observed(generation_id)
            return httpx.Response(200, json=row)
        return httpx.Response(404, json={"error": {"message": f"no route {path}"}})

    def _observed(self, generation_id: str) -> None:
        self.seen[generation_id] += 1
        row = self.rows[generation_id]
        if self.finish_after is not None and self.seen[generation_id] >= self.finish_after:
            if row["status"] == "queued":
                row["status"] = "processing"
                row["started_at"] = int(time.time())
            elif row["status"] == "processing":
                self.finish(generation_id)

    def _enqueue(self, body: dict[str, Any]) -> httpx.Response:
        created = []
        for _ in range(int(body.get("num_generations", 1))):
            generation_id = f"gen-{next(self.ids):04d}"
            params = {k: v for k, v in body.items() if k not in ("model", "num_generations")}
            row: dict[str, Any] = {
                "generation_id": generation_id,
                "model_name": body["model"],
                "media_type": "image",
                "status": "queued",
                "result_url": None,
                "error_message": None,
                "enqueued_at": int(time.time()),
                "started_at": None,
                "completed_at": None,
                **(params if self.echo_params else {}),
            }
            self.rows[generation_id] = row
            created.append({"generation_id": generation_id, "status": "queued"})
        if self.finish_on_enqueue:
            for item in created:
                self.finish(item["generation_id"])
        return httpx.Response(200, json={"generations": created})

    def _list(self, params: httpx.QueryParams) -> httpx.Response:
        wanted = params.get("status")
        rows = [
            row
            for row in self.rows.values()
            if (row["status"] == wanted if wanted else row["status"] in ("queued", "processing"))
            and (not params.get("model") or row["model_name"] == params["model"])
        ]
        result = [dict(row) for row in rows]
        for row in rows:
            self._observed(row["generation_id"])
        return httpx.Response(200, json={"count": len(result), "generations": result})

    def _events(self) -> httpx.Response:
        if not self.events_enabled:
            return httpx.Response(404, json={"error": {"message": "no events here"}})
        self.stream_connects += 1
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        self.streams.append(queue)

        async def body() -> AsyncIterator[bytes]:
            try:
                yield b": keep-alive\n\n"
                while True:
                    chunk = await queue.get()
                    if chunk is None:
                        return
                    yield chunk
            finally:
                self.streams.remove(queue)

        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())


@pytest.fixture
def api() -> FakeApi:
    return FakeApi()


@pytest.fixture
def make_client(tmp_path: Any) -> Any:
    """Build clients over a FakeApi with zero sleeps; every client is closed afterwards."""
    clients: list[Client] = []

    def make(api: FakeApi, **kwargs: Any) -> Client:
        kwargs.setdefault("journal", tmp_path / "journal.sqlite3")
        kwargs.setdefault("time_scale", 0.0)
        client = Client("test-key", "https://api.test", transport=api.transport(), **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def respond(
    status: int, body: Any = None, headers: dict[str, str] | None = None
) -> Callable[[httpx.Request], httpx.Response]:
    """A fault action answering ``status`` with a JSON body."""
    return lambda request: httpx.Response(
        status, json=body if body is not None else {}, headers=headers
    )


def on_loop(client: Client, function: Callable[..., Any], *args: Any) -> Any:
    """Run ``function(*args)`` on the client's runner loop (where the fake lives) and wait."""

    async def call() -> Any:
        return function(*args)

    return asyncio.run_coroutine_threadsafe(call(), client._loop.loop).result(10)


def wait_until(predicate: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Poll ``predicate`` (bounded); fail the test if it never holds."""
    end = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.002)


def read_intents(path: Path) -> list[dict[str, Any]]:
    """The journal's submissions table as a fresh connection sees it: only committed rows."""
    db = sqlite3.connect(path)
    try:
        db.row_factory = sqlite3.Row
        return [dict(row) for row in db.execute("SELECT * FROM submissions ORDER BY sent_at")]
    finally:
        db.close()
