"""The gate every API request passes: counting, latency, auth, forced and random faults.

One pure ASGI middleware rather than per-route checks, so streaming responses pass through
untouched and no route can forget authentication. Order matters and mirrors a real edge:
count, wait (latency), authenticate (401), forced failures, rate limit (429), random 5xx.
``/_emulator/*`` is the test harness's side channel: not counted, not faulted, no key.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import _envelopes
from ._state import EmulatorState

__all__ = ["API_KEY_SCOPE", "FaultGate"]

# Where the gate leaves the authenticated key for the routes.
API_KEY_SCOPE = "oxen_emulator.api_key"
CONTROL_PREFIX = "/_emulator"
_RANDOM_5XX = (500, 502, 503)


def _bearer(scope: Scope) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == b"authorization":
            text: str = value.decode("latin-1")
            scheme, _, token = text.partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


class FaultGate:
    """ASGI middleware in front of the emulator's routes."""

    def __init__(
        self, app: ASGIApp, state: EmulatorState, template: Callable[[Scope], str]
    ) -> None:
        self._app = app
        self._state = state
        self._template = template

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(CONTROL_PREFIX):
            await self._app(scope, receive, send)
            return
        state = self._state
        state.requests[self._template(scope)] += 1

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                state.responses[message["status"]] += 1
            await send(message)

        faults = state.faults
        if faults.latency > 0:
            await asyncio.sleep(faults.latency)
        key = _bearer(scope)
        if key is None or key not in state.config.api_keys:
            response = _envelopes.error(
                401, "unauthenticated", "Unauthorized", "Missing or invalid API key"
            )
            await response(scope, receive, counting_send)
            return
        forced = state.forced.pop(0) if state.forced else None
        if forced is not None:
            await self._forced(forced)(scope, receive, counting_send)
            return
        wait = state.limiter.check(key, faults.rate_limit)
        if wait is not None:
            await self._too_many(wait)(scope, receive, counting_send)
            return
        if faults.fail_rate > 0 and state.fault_rng.random() < faults.fail_rate:
            status = state.fault_rng.choice(_RANDOM_5XX)
            response = _envelopes.server_error(status, "Injected failure (emulator fail_rate)")
            await response(scope, receive, counting_send)
            return
        scope[API_KEY_SCOPE] = key
        await self._app(scope, receive, counting_send)

    @classmethod
    def _forced(cls, status: int) -> JSONResponse:
        detail = "Injected failure (emulator fail_next)"
        if status == 401:
            return _envelopes.error(401, "unauthenticated", "Unauthorized", detail)
        if status == 402:
            return _envelopes.error(402, "insufficient_credits", "Payment Required", detail)
        if status == 429:
            return cls._too_many(1.0)
        return _envelopes.server_error(status, detail)

    @staticmethod
    def _too_many(wait: float) -> JSONResponse:
        seconds = max(1, math.ceil(wait))
        return _envelopes.error(
            429,
            "rate_limited",
            "Too Many Requests",
            f"Rate limit exceeded; retry in {seconds} s",
            headers={"Retry-After": str(seconds)},
            extra={"retry_after": seconds},
        )
