"""Enqueueing without double billing, and without losing paid work.

The queue has no idempotency key: a ``POST /api/ai/queue`` that was sent but not answered may
have created (and billed) generations. It is therefore never blindly resent. A refusal that
provably did nothing (connection refused, 429) is retried with backoff; an unknown outcome
(timeout, reset, 5xx, garbled success) is settled against the queue first: adopt the rows it
created, resend only when the queue shows nothing, or raise ``AmbiguousSubmit``.

With a journal, every enqueue writes a submission *intent* (committed) before its first POST
leaves, and settles it with the answer: the created generation ids are recorded and the
intent marked settled in one transaction. A process that dies in between leaves a
``sending`` intent behind; ``settle_intents`` (run by ``Client.recover()``) matches it
against the queue by the same rules as a lost answer, and never resends.

Rate limits: a 429 provably did nothing, so it is retried (``Retry-After`` honoured up to
``retry_after_cap``, plus jitter so a crowd of refused submits does not return as one) until
the call's deadline, or without a deadline until ``rate_limit_patience`` seconds were spent
waiting. Other refusals keep the ``max_retries`` rule. No wait crosses the deadline: the call
raises ``DeadlineExceeded`` (nothing enqueued) instead of sleeping past it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import _http, _protocol
from ._errors import AmbiguousSubmit, DeadlineExceeded, OxenError, RateLimited, TransportError
from ._journal import SENDING, Journal
from ._protocol import Adopt, Ambiguous, NoMatch, Row
from ._transport import Http, NotSent, OutcomeUnknown

__all__ = ["QUEUE_PATH", "Ledger", "enqueue", "settle_intents"]

_log = logging.getLogger("generator.runtime")

QUEUE_PATH = "/api/ai/queue"
# Rows persist after they end, and a quick image may end before we look: check those too.
_TERMINAL_FILTERS = ("succeeded", "failed", "cancelled")
# Extra wait after a Retry-After, as a fraction of it (at least of ``backoff_base``).
_RATE_LIMIT_JITTER = 0.5


@dataclass(frozen=True)
class Ledger:
    """Where enqueues write their intents: the journal and this client's API.

    ``live`` holds the intents this process is still sending, which ``recover()`` must leave
    to their own enqueue.
    """

    journal: Journal
    base_url: str
    live: set[str] = field(default_factory=set)


async def enqueue(
    http: Http,
    model_id: str,
    payload: Mapping[str, Any],
    num: int,
    *,
    known_ids: set[str],
    lock: asyncio.Lock,
    deadline_at: float | None = None,
    ledger: Ledger | None = None,
) -> list[Row]:
    """Enqueue ``num`` generations; return the rows the server created.

    ``known_ids`` are generations this client already owns (never adopted twice); ``lock``
    serializes settling so two lost enqueues cannot adopt the same rows. ``deadline_at``
    (``time.monotonic()`` clock) bounds every wait. With a ``ledger`` the intent is journaled
    before the first POST and the returned rows are journaled before this returns.
    """
    submission = _Submission(http, model_id, payload, num, deadline_at, ledger)
    try:
        rows = await submission.run(known_ids, lock)
    except AmbiguousSubmit as exc:
        submission.close("ambiguous", exc.candidates)
        raise
    except OxenError:  # refused, rate limited, out of time, or settled as "nothing created"
        submission.close("not-enqueued")
        raise
    finally:
        submission.leave()
    submission.settle(rows)
    return rows


class _Submission:
    """One enqueue call: its attempts, its waits against the deadline, and its intent.

    With ``time_scale`` below 1 the skipped part of each wait still counts as elapsed time,
    so the decisions (how many attempts, when the deadline bites) match a full-speed run.
    """

    def __init__(
        self,
        http: Http,
        model_id: str,
        payload: Mapping[str, Any],
        num: int,
        deadline_at: float | None,
        ledger: Ledger | None,
    ) -> None:
        self.http = http
        self.model_id = model_id
        self.payload = payload
        self.num = num
        self.deadline_at = deadline_at
        self.ledger = ledger
        self.intent_id: str | None = None
        self.skipped = 0.0
        self.refusals = 0
        self.rate_refusals = 0
        self.rate_waited = 0.0

    async def run(self, known_ids: set[str], lock: asyncio.Lock) -> list[Row]:
        config = self.http.config
        body = {**self.payload, "model": self.model_id, "num_generations": self.num}
        attempts = 0
        while True:
            self._before_send()
            sent_at = time.time()
            try:
                response = await self.http.send_once(
                    "POST", QUEUE_PATH, json_body=body, model_id=self.model_id
                )
                return _protocol.parse_enqueued(response)
            except NotSent as exc:
                await self._after_refusal(exc)
                continue
            except OutcomeUnknown as exc:
                unknown: BaseException = exc.cause
            except ValueError as exc:  # a success response that names no generations
                unknown = exc
            attempts += 1
            async with lock:
                decision = await _settle(
                    self.http, self.model_id, self.payload, self.num, sent_at, unknown, known_ids
                )
            if isinstance(decision, Adopt):
                return list(decision.rows)
            if attempts >= config.max_submit_attempts:
                if isinstance(unknown, OxenError):
                    raise unknown
                raise TransportError(
                    f"enqueue failed: {type(unknown).__name__}: {unknown}", model_id=self.model_id
                ) from unknown
            delay = _http.backoff_delay(
                attempts, base=config.backoff_base, cap=config.backoff_cap, rng=self.http.rng
            )
            await self._wait(delay, "backing off after a lost enqueue")

    # Waiting.

    def _now(self) -> float:
        return time.monotonic() + self.skipped

    def _before_send(self) -> None:
        if self.deadline_at is not None and self._now() >= self.deadline_at:
            raise DeadlineExceeded(
                "the deadline passed before the enqueue could be sent; nothing was enqueued",
                model_id=self.model_id,
            )
        if self.ledger is None:
            return
        journal = self.ledger.journal
        if self.intent_id is None:
            self.intent_id = journal.begin_intent(
                base_url=self.ledger.base_url,
                model_id=self.model_id,
                payload=self.payload,
                num_generations=self.num,
            )
            self.ledger.live.add(self.intent_id)
        else:
            journal.resending(self.intent_id, self.payload)

    async def _wait(self, delay: float, why: str) -> None:
        if self.deadline_at is not None and self._now() + delay > self.deadline_at:
            raise DeadlineExceeded(
                f"the deadline would pass while {why} (next attempt in {delay:.1f} s); "
                "nothing was enqueued",
                model_id=self.model_id,
            )
        await self.http.sleep(delay)
        self.skipped += delay * max(0.0, 1.0 - self.http.config.time_scale)

    async def _after_refusal(self, exc: NotSent) -> None:
        cause = exc.__cause__
        if not isinstance(cause, RateLimited):
            self.refusals += 1
            delay = self.http.refusal_delay(
                exc, self.refusals, what="enqueue", model_id=self.model_id
            )
            await self._wait(delay, "waiting to resend a refused enqueue")
            return
        config = self.http.config
        self.rate_refusals += 1
        delay = _rate_limit_delay(exc.retry_after, self.rate_refusals, self.http)
        if self.deadline_at is None and self.rate_waited + delay > config.rate_limit_patience:
            raise RateLimited(
                f"still rate limited after waiting {self.rate_waited:.0f} s over "
                f"{self.rate_refusals} refused enqueue(s); nothing was enqueued. Lower "
                "max_in_flight (fewer submits at once), pass a longer deadline=, or raise "
                "Config.rate_limit_patience",
                retry_after=cause.retry_after,
                status_code=cause.status_code,
                error_type=cause.error_type,
                body=cause.body,
                model_id=self.model_id,
            ) from cause
        await self._wait(delay, "waiting out a rate limit")
        self.rate_waited += delay

    # The journal.

    def settle(self, rows: list[Row]) -> None:
        if self.ledger is not None and self.intent_id is not None:
            self.ledger.journal.settle_intent(self.intent_id, [row.generation_id for row in rows])

    def close(self, status: str, candidates: list[str] | None = None) -> None:
        if self.ledger is None or self.intent_id is None:
            return
        if status == "ambiguous":
            if candidates:
                self.ledger.journal.ambiguous(self.intent_id, candidates)
            # No candidates: the queue could not be read; stay ``sending`` for recover().
        else:
            self.ledger.journal.not_enqueued(self.intent_id)

    def leave(self) -> None:
        if self.ledger is not None and self.intent_id is not None:
            self.ledger.live.discard(self.intent_id)


def _rate_limit_delay(hint: float | None, nth: int, http: Http) -> float:
    """The wait before resending after the ``nth`` consecutive 429.

    The server's hint (capped) plus up to half of it again (at least ``backoff_base``), so
    submits refused together come back spread out; without a hint, the usual backoff.
    """
    config = http.config
    if hint is None:
        return _http.backoff_delay(
            nth, base=config.backoff_base, cap=config.backoff_cap, rng=http.rng
        )
    wait = min(hint, config.retry_after_cap)
    return wait + http.rng.uniform(0, _RATE_LIMIT_JITTER * max(wait, config.backoff_base))


async def settle_intents(
    http: Http, ledger: Ledger, *, known_ids: set[str], lock: asyncio.Lock
) -> list[str]:
    """Settle every ``sending`` intent of this API that no enqueue of this process owns.

    Each is matched against the queue (never resent) with ``known_ids`` plus every id in the
    journal excluded, in the window from its first send to its last send plus one request
    timeout: rows found are journaled (and so re-attached by ``recover()``), no rows marks it
    ``not-enqueued``, a mismatched count marks it ``ambiguous`` and logs the candidates.
    Returns the adopted generation ids. Never raises for one intent it cannot settle.

    An intent another live process is still sending (a shared journal) may be settled here
    too; that process's own outcome then overwrites the status, and the rows it adopts are
    journaled with ``INSERT OR IGNORE``: nothing is resent, and nothing is lost.
    """
    journal = ledger.journal
    config = http.config
    adopted: list[str] = []
    known = known_ids | journal.generation_ids()  # read once; adoptions below extend it
    for intent in journal.intents(statuses=(SENDING,), base_url=ledger.base_url):
        if intent.intent_id in ledger.live:
            continue
        if intent.payload is None:  # cannot happen for a ``sending`` row; never guess
            _log.warning("submission %s has no payload to match; left as is", intent.intent_id)
            continue
        try:
            async with lock:
                decision = await _settle(
                    http,
                    intent.model_id,
                    intent.payload,
                    intent.num_generations,
                    intent.sent_at,
                    "the process that sent it stopped before recording the answer",
                    known,
                    failed_at=intent.last_sent_at + config.timeout,
                    rounds=1,
                )
        except AmbiguousSubmit as exc:
            if exc.candidates:
                journal.ambiguous(intent.intent_id, exc.candidates)
                _log.warning(
                    "submission %s (%s, %d generation(s)) is ambiguous: candidates %s; "
                    "check them before resubmitting",
                    intent.intent_id,
                    intent.model_id,
                    intent.num_generations,
                    ", ".join(exc.candidates),
                )
            else:
                _log.warning("submission %s left unsettled: %s", intent.intent_id, exc)
            continue
        if isinstance(decision, Adopt):
            ids = [row.generation_id for row in decision.rows]
            journal.settle_intent(intent.intent_id, ids)
            known_ids.update(ids)
            known.update(ids)
            adopted.extend(ids)
        else:
            journal.not_enqueued(intent.intent_id)
    return adopted


async def _settle(
    http: Http,
    model_id: str,
    payload: Mapping[str, Any],
    num: int,
    sent_at: float,
    cause: object,
    known_ids: set[str],
    *,
    failed_at: float | None = None,
    rounds: int = 2,
) -> Adopt | NoMatch:
    """Look for the rows a lost enqueue may have created: ``rounds`` times, ``submit_settle``
    apart, since the server may still be working on it. Rows enqueued between ``sent_at`` and
    ``failed_at`` (default: now), widened by ``reconcile_window``, are candidates. Raises
    ``AmbiguousSubmit`` when the queue cannot say (mismatched count, or the queue itself
    cannot be read)."""
    config = http.config
    for round_ in range(rounds):
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
                failed_at=time.time() if failed_at is None else failed_at,
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
