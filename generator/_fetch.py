"""The models endpoint client: list the catalog and fetch each model object.

Requests go through the runtime's ``Http`` driver, so authentication, retries with backoff
and the mapping of error envelopes to exceptions are the same as for the queue runner.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

import httpx

from ._snapshot import media_type
from .runtime._config import Config
from .runtime._errors import NotFoundError, OxenError
from .runtime._transport import Http

__all__ = [
    "FetchError",
    "fetch_catalog",
    "fetch_catalog_async",
]


class FetchError(OxenError):
    """The models endpoint answered something that is not a model list or model object."""


def _config(api_key: str | None, base_url: str | None, timeout: float, retries: int) -> Config:
    return Config.from_env(api_key, base_url, timeout=timeout, max_retries=retries)


async def _get_model(http: Http, model_id: str) -> dict[str, Any]:
    body = await http.request(
        "GET", f"/api/ai/models/{quote(model_id, safe='')}", model_id=model_id
    )
    if not isinstance(body, dict):
        raise FetchError("GET /api/ai/models/{id} did not return a JSON object", model_id=model_id)
    if not isinstance(body.get("id"), str) or not body["id"]:
        body = {**body, "id": model_id}
    return body


async def _list_ids(http: Http, include_all: bool) -> list[str]:
    body = await http.request("GET", "/api/ai/models")
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        raise FetchError("GET /api/ai/models did not return {'data': [...]}")
    ids = {
        entry["id"]
        for entry in data
        if isinstance(entry, dict)
        and isinstance(entry.get("id"), str)
        and (include_all or media_type(entry) is not None)
    }
    return sorted(ids)


async def fetch_catalog_async(
    model_ids: Sequence[str] = (),
    *,
    include_all: bool = False,
    api_key: str | None = None,
    base_url: str | None = None,
    concurrency: int = 8,
    timeout: float = 30.0,
    retries: int = 3,
    transport: httpx.AsyncBaseTransport | None = None,
) -> list[dict[str, Any]]:
    """Model objects, sorted by id: the given ids, or every image/video model in the catalog.

    At most ``concurrency`` requests are in flight; failed requests are retried ``retries``
    times with backoff (429 and 5xx, honouring Retry-After). Raises ``AuthenticationError`` (401),
    ``NotFoundError`` naming the model (404), ``TransportError`` (timeouts, connection
    failures, after retries) and ``FetchError`` (a body that is not what the API documents).
    """
    http = Http(_config(api_key, base_url, timeout, retries), transport)
    try:
        ids = sorted(set(model_ids)) or await _list_ids(http, include_all)
        limit = asyncio.Semaphore(max(1, concurrency))

        async def one(model_id: str) -> dict[str, Any]:
            async with limit:
                try:
                    return await _get_model(http, model_id)
                except NotFoundError as exc:
                    raise NotFoundError(
                        f"model not found: {model_id}",
                        status_code=exc.status_code,
                        error_type=exc.error_type,
                        body=exc.body,
                        model_id=model_id,
                    ) from exc

        models = await asyncio.gather(*(one(model_id) for model_id in ids))
    finally:
        await http.aclose()
    return sorted(models, key=lambda model: str(model["id"]))


def fetch_catalog(model_ids: Sequence[str] = (), **options: Any) -> list[dict[str, Any]]:
    """Blocking ``fetch_catalog_async`` (the CLI's entry point)."""
    return asyncio.run(fetch_catalog_async(model_ids, **options))
