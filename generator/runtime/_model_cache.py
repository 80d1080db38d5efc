"""Model objects fetched with ETag / If-None-Match and cached on disk, honouring a TTL.

Runtime mode (``generator.load_model``) and the drift guard both need "the model object as the
API serves it now" without paying a full download every time. The decisions are pure
(``plan_request``: send nothing, or which headers; ``absorb``: what a response means for the
cache); two small drivers do the I/O, one blocking (``fetch_model``) and one async
(``afetch_model``), so they cannot disagree.

The cache holds one JSON file per (base URL, model id), named by a hash of both: model ids are
untrusted and may contain ``/``. It holds the model object, its ETag and when it was last
confirmed (wall-clock seconds, so the TTL spans processes). It never holds the API key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import _http
from ._errors import APIError, TransportError

if TYPE_CHECKING:
    import httpx

__all__ = [
    "CachedModel",
    "ModelCache",
    "absorb",
    "afetch_model",
    "default_cache_dir",
    "fetch_model",
    "may_use_stale",
    "model_path",
    "plan_request",
]

_FORMAT = 1


def default_cache_dir() -> Path:
    """``$OXGEN_CACHE_DIR/models``, else ``<user cache dir>/oxgen/models`` (platformdirs)."""
    override = os.environ.get("OXGEN_CACHE_DIR")
    if override:
        return Path(override) / "models"
    import platformdirs

    return Path(platformdirs.user_cache_dir("oxgen")) / "models"


def model_path(model_id: str) -> str:
    return f"/api/ai/models/{quote(model_id, safe='')}"


@dataclass(frozen=True)
class CachedModel:
    """A model object, its ETag (None when the server sent none) and when it was confirmed."""

    model: Mapping[str, Any]
    etag: str | None
    confirmed_at: float


class ModelCache:
    """One JSON file per (base URL, model id) in ``directory``; unreadable files are misses."""

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        self.directory = Path(directory) if directory is not None else default_cache_dir()

    def _file(self, base_url: str, model_id: str) -> Path:
        key = hashlib.sha256(f"{base_url.rstrip('/')}\n{model_id}".encode()).hexdigest()
        return self.directory / f"{key[:40]}.json"

    def get(self, base_url: str, model_id: str) -> CachedModel | None:
        try:
            data = json.loads(self._file(base_url, model_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if (
            not isinstance(data, dict)
            or data.get("format") != _FORMAT
            or data.get("model_id") != model_id
            or not isinstance(data.get("model"), dict)
            or not isinstance(data.get("confirmed_at"), int | float)
        ):
            return None
        etag = data.get("etag")
        return CachedModel(
            data["model"], etag if isinstance(etag, str) else None, data["confirmed_at"]
        )

    def put(self, base_url: str, model_id: str, entry: CachedModel) -> None:
        """Write atomically (a reader never sees half a file); a failed write is not fatal."""
        target = self._file(base_url, model_id)
        record = {
            "format": _FORMAT,
            "model_id": model_id,
            "etag": entry.etag,
            "confirmed_at": entry.confirmed_at,
            "model": entry.model,
        }
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(record, handle, sort_keys=True)
            os.replace(tmp, target)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def plan_request(entry: CachedModel | None, *, now: float, ttl: float) -> dict[str, str] | None:
    """None when the cached copy is fresh (send nothing); else the request's extra headers."""
    if entry is None:
        return {}
    if now - entry.confirmed_at < ttl:
        return None
    return {"If-None-Match": entry.etag} if entry.etag else {}


def absorb(
    entry: CachedModel | None,
    status_code: int,
    headers: Mapping[str, str],
    body: object,
    *,
    model_id: str,
    now: float,
) -> CachedModel:
    """The cache entry after a response; raises the runtime's ``APIError`` for an error."""
    if status_code == 304 and entry is not None:
        return CachedModel(entry.model, headers.get("etag") or entry.etag, now)
    if 200 <= status_code < 300 and isinstance(body, dict):
        model = body if isinstance(body.get("id"), str) and body["id"] else {**body, "id": model_id}
        return CachedModel(model, headers.get("etag"), now)
    if status_code < 400:
        raise _http.api_error(502, {"error": {"message": f"unexpected HTTP {status_code}"}})
    raise _http.api_error(status_code, body, headers, model_id=model_id)


def may_use_stale(exc: BaseException) -> bool:
    """Whether a failed confirmation leaves the cached copy usable.

    Only failures that say nothing about the model do: the network (``TransportError``), a
    rate limit, a server error. A 404 (retired), 401/403 (credentials) or 400 is an answer, and
    hiding it behind an old copy would mislead.
    """
    if isinstance(exc, TransportError):
        return True
    return isinstance(exc, APIError) and (exc.status_code == 429 or exc.status_code >= 500)


def _decode(response: httpx.Response) -> object:
    from ._transport import decode_body

    return decode_body(response) if response.content else None


def _transport_error(model_id: str, exc: Exception) -> TransportError:
    return TransportError(f"GET {model_path(model_id)} failed: {exc}", model_id=model_id)


def _store(
    cache: ModelCache,
    base_url: str,
    model_id: str,
    entry: CachedModel | None,
    response: httpx.Response,
) -> CachedModel:
    body = _decode(response)
    fresh = absorb(
        entry, response.status_code, response.headers, body, model_id=model_id, now=time.time()
    )
    cache.put(base_url, model_id, fresh)
    return fresh


def fetch_model(http: httpx.Client, cache: ModelCache, model_id: str, *, ttl: float) -> CachedModel:
    """The model object: from the cache inside ``ttl``, else by a (conditional) GET."""
    import httpx

    base_url = str(http.base_url)
    entry = cache.get(base_url, model_id)
    headers = plan_request(entry, now=time.time(), ttl=ttl)
    if headers is None and entry is not None:
        return entry
    try:
        response = http.get(model_path(model_id), headers=headers)
    except httpx.HTTPError as exc:
        raise _transport_error(model_id, exc) from exc
    return _store(cache, base_url, model_id, entry, response)


async def afetch_model(
    http: httpx.AsyncClient, cache: ModelCache, model_id: str, *, ttl: float
) -> CachedModel:
    """Async twin of ``fetch_model`` (the drift guard runs on the client's loop)."""
    import httpx

    base_url = str(http.base_url)
    entry = cache.get(base_url, model_id)
    headers = plan_request(entry, now=time.time(), ttl=ttl)
    if headers is None and entry is not None:
        return entry
    try:
        response = await http.get(model_path(model_id), headers=headers)
    except httpx.HTTPError as exc:
        raise _transport_error(model_id, exc) from exc
    return _store(cache, base_url, model_id, entry, response)
