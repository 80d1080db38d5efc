"""The drift guard: before a model's first submit in a process, compare schemas with the API.

A generated module carries ``SCHEMA_SHA256``, the hash of the request schema it was generated
from. The catalog changes weekly, so before the first submit of each model the client fetches
the live model object (``_model_cache``: from disk inside the TTL, else one conditional request)
and compares. A mismatch means the offline validation may be wrong in either direction; the
client warns (``SchemaDriftWarning``) or refuses (``SchemaDriftError``) by its ``schema_check``.

A 404 means the model left the catalog: ``ModelRetired``, naming the likely successor when the
semantic diff finds one between the last model object this machine saw (the disk cache keeps it
past its TTL) and the models created since (one list request, on that failure path only).

Results are remembered per process, by (base URL, model id, expected hash): one check per
model per process, however many submits follow.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Literal

from ._errors import ModelRetired, NotFoundError, OxenError
from ._model_cache import ModelCache, afetch_model

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SCHEMA_TTL",
    "SchemaCheck",
    "check_schema",
    "forget",
    "retired",
]

SchemaCheck = Literal["warn", "error", "off"]
# Within this many seconds of the last confirmation the disk copy is trusted: no request.
SCHEMA_TTL: Final = 3600.0

_log = logging.getLogger("generator.runtime")
_lock = threading.Lock()
_checked: set[tuple[str, str, str]] = set()


def _live_sha256(model: Mapping[str, Any]) -> str | None:
    # The generator's definitions, so the two hashes cannot drift apart.
    from generator._snapshot import request_schema, schema_sha256

    schema = request_schema(model)
    return schema_sha256(schema) if schema is not None else None


async def _successor(
    http: httpx.AsyncClient, cache: ModelCache, base_url: str, model_id: str
) -> str | None:
    """The likely new id of a retired model, or None when nothing points at one."""
    last_seen = cache.get(base_url, model_id)
    if last_seen is None:
        return None
    try:
        response = await http.get("/api/ai/models")
        data = response.json().get("data") if response.status_code == 200 else None
    except Exception:  # the 404 is the error to report; the hint is best effort
        _log.debug("could not list models to name a successor of %s", model_id, exc_info=True)
        return None
    if not isinstance(data, list):
        return None
    live = {
        entry["id"]: entry
        for entry in data
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }
    if model_id in live:
        return None
    # Only models that appeared since this machine last saw the old one can have replaced it
    # (a sibling that was already there, e.g. a 4k variant, is not a rename).
    added = {
        new_id: entry
        for new_id, entry in live.items()
        if not isinstance(entry.get("created"), int | float)
        or entry["created"] > last_seen.confirmed_at
    }
    from generator._diff import diff_catalogs

    return diff_catalogs({model_id: last_seen.model}, added).successor(model_id)


async def retired(
    http: httpx.AsyncClient, cache: ModelCache, model_id: str, cause: NotFoundError
) -> ModelRetired:
    """``ModelRetired`` for ``cause`` (a 404 for ``model_id``), with a successor if known."""
    successor = await _successor(http, cache, str(http.base_url), model_id)
    hint = f"; its likely successor is {successor!r}" if successor else ""
    return ModelRetired(
        f"model {model_id!r} is no longer in the catalog{hint} (regenerate the bindings: "
        "`oxgen sync && oxgen generate`; `oxgen diff` shows what changed)",
        successor=successor,
        status_code=cause.status_code,
        error_type=cause.error_type,
        body=cause.body,
        model_id=model_id,
    )


async def check_schema(
    http: httpx.AsyncClient,
    cache: ModelCache,
    model_id: str,
    expected_sha256: str,
    *,
    ttl: float = SCHEMA_TTL,
    once: bool = True,
) -> str | None:
    """A drift message when the live schema differs from ``expected_sha256``, else None.

    With ``once`` a drift is reported for the first submit only (a warning); without it every
    submit reports it again (an error keeps refusing). Raises ``ModelRetired`` on a 404. Any
    other failure to check (network, 5xx, auth) is logged and treated as "no drift known": the
    submit that follows reports the real problem.
    """
    key = (str(http.base_url), model_id, expected_sha256)
    with _lock:
        if key in _checked:
            return None
    try:
        entry = await afetch_model(http, cache, model_id, ttl=ttl)
    except NotFoundError as exc:
        raise await retired(http, cache, model_id, exc) from exc
    except OxenError as exc:
        _log.warning("could not check the schema of %s: %s", model_id, exc)
        entry = None
    if entry is not None:
        live = _live_sha256(entry.model)
        if live != expected_sha256:
            if once:
                with _lock:
                    _checked.add(key)
            return (
                f"the live request schema of {model_id!r} (sha256 {live}) differs from the one "
                f"these bindings were generated from (sha256 {expected_sha256}); offline "
                "validation may accept payloads the API rejects or the reverse. Regenerate: "
                "`oxgen sync && oxgen generate` (`oxgen check --live` shows the diff)."
            )
    with _lock:
        _checked.add(key)
    return None


def forget() -> None:
    """Forget which models were checked in this process (tests; a long-lived worker)."""
    with _lock:
        _checked.clear()
