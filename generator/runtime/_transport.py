"""The request driver: one ``httpx.AsyncClient`` per client, retries by ``_http``'s policy.

Two ways to send. ``request`` is for idempotent requests (GET, DELETE) and retries them.
``send_once`` sends exactly once and classifies a failure as *not sent* (safe to resend) or
*unknown* (the server may have acted), which is what enqueueing needs.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Mapping
from typing import Any

import httpx

from . import _http
from ._config import Config
from ._errors import APIError, OxenError, TransportError

__all__ = ["Http", "NotSent", "OutcomeUnknown", "decode_body"]


class NotSent(Exception):
    """The request did not act: it never reached the server, or was refused with 429.

    ``retry_after`` carries the server's hint when it gave one.
    """

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class OutcomeUnknown(Exception):
    """The request was sent but no usable answer came back (timeout, reset, 5xx)."""

    def __init__(self, cause: BaseException | APIError) -> None:
        super().__init__(str(cause))
        self.cause = cause


_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def decode_body(response: httpx.Response) -> object:
    """JSON when the body is JSON, else its text (error pages are often HTML or plain)."""
    try:
        return response.json()
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError):
        return response.text


class Http:
    """Authenticated requests against the configured API host."""

    def __init__(self, config: Config, transport: httpx.AsyncBaseTransport | None) -> None:
        self.config = config
        headers = {"User-Agent": "oxgen", "Accept": "application/json"}
        if config.api_key:
            headers["Authorization"] = f"Bearer {config.api_key}"
        self.client = httpx.AsyncClient(
            base_url=config.api_base,
            headers=headers,
            timeout=httpx.Timeout(config.timeout),
            transport=transport,
            limits=httpx.Limits(max_connections=32, max_keepalive_connections=32),
        )
        self.rng = random.Random()
        self.requests = 0

    async def aclose(self) -> None:
        await self.client.aclose()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) * self.config.time_scale)

    async def after_refusal(
        self, exc: NotSent, refusals: int, *, what: str, model_id: str | None
    ) -> None:
        """Wait before resending a request that did not act (refused, or never arrived).

        Waits ``refusal_delay``; see there for when it gives up instead.
        """
        await self.sleep(self.refusal_delay(exc, refusals, what=what, model_id=model_id))

    def refusal_delay(
        self, exc: NotSent, refusals: int, *, what: str, model_id: str | None
    ) -> float:
        """Seconds to wait before the ``refusals + 1``-th attempt of a request that did not act.

        The server's ``Retry-After`` or jittered backoff, capped at ``retry_after_cap``; after
        ``max_retries`` refusals raises the API's own error (e.g. ``RateLimited``) or a
        ``TransportError``. Split from the sleep so a caller with a deadline can check first.
        """
        config = self.config
        if refusals > config.max_retries:
            cause = exc.__cause__
            if isinstance(cause, OxenError):
                raise cause from exc
            raise TransportError(f"{what} failed: {exc}", model_id=model_id) from exc
        delay = exc.retry_after
        if delay is None:
            delay = _http.backoff_delay(
                refusals, base=config.backoff_base, cap=config.backoff_cap, rng=self.rng
            )
        return min(delay, config.retry_after_cap)

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json_body: object = None,
        timeout: float | None = None,
        model_id: str | None = None,
        generation_id: str | None = None,
        retry: bool = True,
    ) -> Any:
        """Send an idempotent request, retrying transient failures; return the decoded body."""
        config = self.config
        attempt = 0
        while True:
            attempt += 1
            try:
                response = await self._send(method, path, params, json_body, timeout)
            except httpx.HTTPError as exc:
                delay = _http.retry_delay(
                    attempt,
                    max_retries=config.max_retries if retry else 0,
                    status_code=None,
                    headers={},
                    body=None,
                    base=config.backoff_base,
                    cap=config.backoff_cap,
                    retry_after_cap=config.retry_after_cap,
                    rng=self.rng,
                )
                if delay is None:
                    raise TransportError(
                        f"{method} {path} failed: {type(exc).__name__}: {exc}",
                        model_id=model_id,
                        generation_id=generation_id,
                    ) from exc
                await self.sleep(delay)
                continue
            body = decode_body(response)
            if response.status_code < 400:
                return body
            delay = _http.retry_delay(
                attempt,
                max_retries=config.max_retries if retry else 0,
                status_code=response.status_code,
                headers=response.headers,
                body=body,
                base=config.backoff_base,
                cap=config.backoff_cap,
                retry_after_cap=config.retry_after_cap,
                rng=self.rng,
            )
            if delay is None:
                raise _http.api_error(
                    response.status_code,
                    body,
                    response.headers,
                    model_id=model_id,
                    generation_id=generation_id,
                )
            await self.sleep(delay)

    async def send_once(
        self,
        method: str,
        path: str,
        *,
        json_body: object,
        model_id: str | None = None,
        timeout: float | None = None,
    ) -> object:
        """Send exactly once. Returns the body of a success; raises ``NotSent`` when the
        request provably did not reach the server or was refused before acting (429),
        ``OutcomeUnknown`` when it may have acted, and an ``APIError`` for a clear refusal."""
        try:
            response = await self._send(method, path, None, json_body, timeout)
        except _NOT_SENT as exc:
            raise NotSent(f"{type(exc).__name__}: {exc}") from exc
        except httpx.HTTPError as exc:
            raise OutcomeUnknown(exc) from exc
        body = decode_body(response)
        if response.status_code < 400:
            return body
        error = _http.api_error(response.status_code, body, response.headers, model_id=model_id)
        if response.status_code == 429:
            raise NotSent(str(error), retry_after=getattr(error, "retry_after", None)) from error
        if response.status_code == 408 or response.status_code >= 500:
            raise OutcomeUnknown(error) from error
        raise error

    async def _send(
        self,
        method: str,
        path: str,
        params: Mapping[str, str] | None,
        json_body: object,
        timeout: float | None,
    ) -> httpx.Response:
        self.requests += 1
        return await self.client.request(
            method,
            path,
            params=params,
            json=json_body,
            timeout=httpx.Timeout(timeout) if timeout is not None else httpx.USE_CLIENT_DEFAULT,
        )
