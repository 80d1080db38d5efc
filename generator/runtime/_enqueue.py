"""Enqueueing without double billing.

The queue has no idempotency key: a ``POST /api/ai/queue`` that was sent but not answered may
have created (and billed) generations. It is therefore never blindly resent. A refusal that
provably did nothing (connection refused, 429) is retried with backoff; an unknown outcome
(timeout, reset, 5xx, garbled success) is settled against the queue first: adopt the rows it
created, resend only when the queue shows nothing, or raise ``AmbiguousSubmit``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

from . import _http, _protocol
from ._errors import AmbiguousSubmit, OxenError, TransportError
from ._protocol import Adopt, Ambiguous, NoMatch, Row
from ._transport import Http, NotSent, OutcomeUnknown

__all__ = ["QUEUE_PATH", "enqueue"]

QUEUE_PATH = "/api/ai/queue"
# Rows persist after they end, and a quick image may end before we look: check those too.
_TERMINAL_FILTERS = ("succeeded", "failed", "cancelled")


async def enqueue(
    http: Http,
    model_id: str,
    payload: Mapping[str, Any],
    num: int,
    *,
    known_ids: set[str],
    lock: asyncio.Lock,
) -> list[Row]:
    """Enqueue ``num`` generations; return the rows the server created.

    ``known_ids`` are generations this client already owns (never adopted twice); ``lock``
    serializes settling so two lost enqueues cannot adopt the same rows.
    """
    config = http.config
    body = {**payload, "model": model_id, "num_generations": num}
    refusals = 0
    attempts = 0
    while True:
        sent_at = time.time()
        try:
            response = await http.send_once("POST", QUEUE_PATH, json_body=body, model_id=model_id)
            return _protocol.parse_enqueued(response)
        except NotSent as exc:
            refusals += 1
            await http.after_refusal(exc, refusals, what="enqueue", model_id=model_id)
            continue
        except OutcomeUnknown as exc:
            unknown: BaseException = exc.cause
        except ValueError as exc:  # a success response that names no generations
            unknown = exc
        attempts += 1
        async with lock:
            decision = await _settle(http, model_id, payload, num, sent_at, unknown, known_ids)
        if isinstance(decision, Adopt):
            return list(decision.rows)
        if attempts >= config.max_submit_attempts:
            if isinstance(unknown, OxenError):
                raise unknown
            raise TransportError(
                f"enqueue failed: {type(unknown).__name__}: {unknown}", model_id=model_id
            ) from unknown
        await http.sleep(
            _http.backoff_delay(
                attempts, base=config.backoff_base, cap=config.backoff_cap, rng=http.rng
            )
        )


async def _settle(
    http: Http,
    model_id: str,
    payload: Mapping[str, Any],
    num: int,
    sent_at: float,
    cause: BaseException,
    known_ids: set[str],
) -> Adopt | NoMatch:
    """Look for the rows a lost enqueue may have created: twice, ``submit_settle`` apart,
    since the server may still be working on it. Raises ``AmbiguousSubmit`` when the queue
    cannot say (mismatched count, or the queue itself cannot be read)."""
    config = http.config
    for round_ in range(2):
        if round_:
            await http.sleep(config.submit_settle)
        rows: list[Row] = []
        for status in (None, *_TERMINAL_FILTERS):
            params = {"model": model_id}
            if status is not None:
                params["status"] = status
            try:
                body = await http.request("GET", QUEUE_PATH, params=params, model_id=model_id)
            except OxenError as exc:
                raise AmbiguousSubmit(
                    f"the enqueue may have succeeded ({cause}) and the queue could not be "
                    f"checked ({exc}); check it before resubmitting",
                    model_id=model_id,
                ) from exc
            rows.extend(_protocol.parse_rows(body))
            decision = _protocol.match_submission(
                rows,
                model_id=model_id,
                payload=payload,
                num_generations=num,
                sent_at=sent_at,
                failed_at=time.time(),
                window=config.reconcile_window,
                known_ids=known_ids,
            )
            if isinstance(decision, Ambiguous):
                raise AmbiguousSubmit(
                    f"the enqueue may have succeeded ({cause}); {len(decision.candidates)} "
                    f"generation(s) on the queue match it but {num} were asked for",
                    candidates=decision.candidates,
                    model_id=model_id,
                )
            if isinstance(decision, Adopt):
                known_ids.update(row.generation_id for row in decision.rows)
                return decision
    return NoMatch()
