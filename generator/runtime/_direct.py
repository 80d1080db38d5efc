"""The blocking generation endpoints (``/api/ai/images/generate`` and friends).

They validate parameters at once and hold the request until the media exists, so they suit
quick images and immediate feedback; the queue suits everything else. A direct POST has no
queue row to reconcile against, so an unknown outcome is reported, never resent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ._errors import OxenError, TransportError
from ._result import Result, _Credentials
from ._transport import Http, NotSent, OutcomeUnknown

__all__ = ["DIRECT_ENDPOINTS", "run_direct"]

DIRECT_ENDPOINTS = frozenset({"/images/generate", "/images/edit", "/videos/generate"})
_MEDIA_KEYS = (("videos", "video"), ("images", "image"))


async def run_direct(
    http: Http,
    credentials: _Credentials,
    model_id: str,
    payload: Mapping[str, Any],
    endpoint: str | None,
) -> Result:
    config = http.config
    if endpoint is None:
        model = await http.request(
            "GET", f"/api/ai/models/{quote(model_id, safe='')}", model_id=model_id
        )
        endpoint = model.get("endpoint") if isinstance(model, Mapping) else None
    if endpoint not in DIRECT_ENDPOINTS:
        raise ValueError(
            f"model {model_id!r} has no blocking media endpoint (endpoint: {endpoint!r}); "
            f"expected one of {sorted(DIRECT_ENDPOINTS)}"
        )
    body = {**payload, "model": model_id}
    refusals = 0
    while True:
        try:
            response = await http.send_once(
                "POST",
                f"/api/ai{endpoint}",
                json_body=body,
                model_id=model_id,
                timeout=config.direct_timeout,
            )
            break
        except NotSent as exc:
            refusals += 1
            await http.after_refusal(exc, refusals, what="generation", model_id=model_id)
        except OutcomeUnknown as exc:
            if isinstance(exc.cause, OxenError):
                raise exc.cause from exc
            raise TransportError(
                f"generation outcome unknown ({type(exc.cause).__name__}: {exc.cause}); "
                "it may have been billed",
                model_id=model_id,
            ) from exc
    return _parse(response, model_id, credentials)


def _parse(body: object, model_id: str, credentials: _Credentials) -> Result:
    if isinstance(body, Mapping):
        for key, media_type in _MEDIA_KEYS:
            items = body.get(key)
            if isinstance(items, list) and items and isinstance(items[0], Mapping):
                url = items[0].get("url")
                if isinstance(url, str) and url:
                    created = body.get("created")
                    return Result(
                        url=url,
                        media_type=media_type,
                        model_id=model_id,
                        generation_id=str(body.get("id") or ""),
                        completed_at=float(created) if isinstance(created, (int, float)) else None,
                        _credentials=credentials,
                    )
    raise TransportError(f"unexpected generation response: {body!r:.200}", model_id=model_id)
