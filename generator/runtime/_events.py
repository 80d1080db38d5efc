"""The event stream: one ``GET /api/events`` connection per client, kept open.

Completion events are not replayed, so the stream reports its own health: the runner
reconciles open jobs through the queue endpoints after every (re)connection, and polls while
the stream is down. A read that sees nothing (not even the 15 s keep-alive) for
``sse_read_timeout`` seconds counts as a dropped connection.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable

import httpx
import httpx_sse

from . import _http
from ._config import Config
from ._protocol import Row, parse_completion
from ._transport import decode_body

__all__ = ["EventStream"]

_log = logging.getLogger("generator.runtime")

EVENTS_PATH = "/api/events"


class EventStream:
    """Keeps the stream connected and hands completion rows to ``on_row``.

    ``on_state(True)`` is called after each successful connection (the runner reconciles),
    ``on_state(False)`` after each drop. ``connected`` is set while the stream is up.
    ``given_up`` is set when ``give_up_after`` consecutive connection attempts failed;
    with ``give_up_after=None`` it reconnects forever (backoff capped).
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        config: Config,
        *,
        on_row: Callable[[Row], None],
        on_state: Callable[[bool], None],
        give_up_after: int | None,
    ) -> None:
        self._client = client
        self._config = config
        self._on_row = on_row
        self._on_state = on_state
        self._give_up_after = give_up_after
        self.connected = asyncio.Event()
        self.given_up = asyncio.Event()
        self.connections = 0
        self.last_error: str | None = None
        self._rng = random.Random()

    async def run(self) -> None:
        """Connect, read, reconnect; returns only after giving up (or when cancelled)."""
        failures = 0
        while True:
            try:
                await self._read_once()
                failures = 0  # the connection worked; its end is an ordinary drop
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                failures += 1
                self.last_error = f"{type(exc).__name__}: {exc}"
                _log.info("event stream failed (%s attempt(s)): %s", failures, self.last_error)
            finally:
                if self.connected.is_set():
                    self.connected.clear()
                    self._on_state(False)
            if self._give_up_after is not None and failures >= self._give_up_after:
                self.given_up.set()
                self._on_state(False)
                return
            delay = _http.backoff_delay(
                max(failures, 1),
                base=self._config.backoff_base,
                cap=self._config.backoff_cap,
                rng=self._rng,
            )
            await asyncio.sleep(delay * self._config.time_scale)

    async def _read_once(self) -> None:
        config = self._config
        timeout = httpx.Timeout(config.timeout, read=config.sse_read_timeout)
        async with httpx_sse.aconnect_sse(
            self._client, "GET", EVENTS_PATH, timeout=timeout
        ) as source:
            response = source.response
            if response.status_code >= 400:
                await response.aread()
                raise _http.api_error(response.status_code, decode_body(response), response.headers)
            self.connections += 1
            self.connected.set()
            self._on_state(True)
            async for event in source.aiter_sse():
                row = parse_completion(event.event, event.data)
                if row is not None:
                    self._on_row(row)
