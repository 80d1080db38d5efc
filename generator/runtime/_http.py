"""HTTP policy without I/O: error envelopes to exceptions, and when (and how long) to retry.

Both the request driver and tests use these functions directly; nothing here imports httpx,
so the policy can be read, tested and reasoned about on its own.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from typing import Any

from ._errors import (
    APIError,
    AuthenticationError,
    InsufficientCredits,
    InvalidParams,
    NotFoundError,
    RateLimited,
    ServerError,
)

__all__ = [
    "RETRYABLE_STATUSES",
    "api_error",
    "backoff_delay",
    "envelope_message",
    "retry_after",
    "retry_delay",
]

# 408 and 429 say the request was not processed; 5xx may be transient.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def envelope_message(body: object) -> tuple[str | None, str | None]:
    """The most useful message in an error body, and its ``error.type``.

    Preference: ``error.detail``, ``error.title``, ``error.message``, ``status_message``,
    then a plain-string ``error`` or a text body.
    """
    if isinstance(body, str):
        text = body.strip()
        return (text[:500] or None), None
    if not isinstance(body, Mapping):
        return None, None
    error = body.get("error")
    error_type: str | None = None
    if isinstance(error, Mapping):
        raw_type = error.get("type")
        error_type = raw_type if isinstance(raw_type, str) else None
        for key in ("detail", "title", "message"):
            value = error.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip(), error_type
    elif isinstance(error, str) and error.strip():
        return error.strip(), None
    status_message = body.get("status_message")
    if isinstance(status_message, str) and status_message.strip():
        return status_message.strip(), error_type
    return None, error_type


def api_error(
    status_code: int,
    body: object,
    headers: Mapping[str, str] | None = None,
    *,
    model_id: str | None = None,
    generation_id: str | None = None,
) -> APIError:
    """The exception for an error response, chosen by status code and ``error.type``."""
    message, error_type = envelope_message(body)
    message = message or f"request failed with HTTP {status_code}"
    common: dict[str, Any] = {
        "status_code": status_code,
        "error_type": error_type,
        "body": body,
        "model_id": model_id,
        "generation_id": generation_id,
    }
    if status_code == 429:
        return RateLimited(message, retry_after=retry_after(headers or {}, body), **common)
    if status_code in (401, 403) or error_type == "unauthenticated":
        return AuthenticationError(message, **common)
    if status_code == 402 or error_type == "insufficient_credits":
        return InsufficientCredits(message, **common)
    if status_code == 404 or error_type == "resource_not_found":
        return NotFoundError(message, **common)
    if status_code in (400, 422) or error_type == "invalid_params":
        return InvalidParams(message, **common)
    if status_code >= 500:
        return ServerError(message, **common)
    return APIError(message, **common)


def retry_after(
    headers: Mapping[str, str], body: object, *, now: float | None = None
) -> float | None:
    """The server's wait hint in seconds: a ``Retry-After`` header (seconds or HTTP date), or
    a JSON ``retry_after`` (top level or inside ``error``). ``None`` when absent or garbled."""
    header = _header(headers, "retry-after")
    if header is not None:
        header = header.strip()
        try:
            return max(0.0, float(header))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(header)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - (time.time() if now is None else now))
    if isinstance(body, Mapping):
        for holder in (body, body.get("error")):
            if isinstance(holder, Mapping):
                value = holder.get("retry_after")
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return max(0.0, float(value))
    return None


def backoff_delay(attempt: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Exponential backoff with full jitter for the ``attempt``-th retry (1-based)."""
    ceiling = min(cap, base * (2 ** max(0, attempt - 1)))
    return rng.uniform(0, ceiling)


def retry_delay(
    attempt: int,
    *,
    max_retries: int,
    status_code: int | None,
    headers: Mapping[str, str],
    body: object,
    base: float,
    cap: float,
    retry_after_cap: float,
    rng: random.Random,
) -> float | None:
    """How long to wait before retrying an idempotent request, or ``None`` to give up.

    ``status_code`` is ``None`` for a connection-level failure (always retryable). A server
    hint (``Retry-After``) wins over the computed backoff, capped at ``retry_after_cap``.
    """
    if attempt > max_retries:
        return None
    if status_code is not None and status_code not in RETRYABLE_STATUSES:
        return None
    hint = retry_after(headers, body) if status_code is not None else None
    if hint is not None:
        return min(hint, retry_after_cap)
    return backoff_delay(attempt, base=base, cap=cap, rng=rng)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None
