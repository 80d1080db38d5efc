"""The asyncio core of the queue runner; it lives on the client's private loop thread.

It does I/O and bookkeeping only: every decision (what a row means, when to poll, whether a
lost enqueue can be matched) comes from ``_protocol`` and ``_http``. State is touched only
from this loop, so no locks are needed here; ``Job`` objects are the thread-safe boundary.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Coroutine
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

import httpx

from . import _protocol
from ._config import Config
from ._enqueue import QUEUE_PATH, Ledger, enqueue, settle_intents
from ._errors import (
    DeadlineExceeded,
    JobCancelled,
    JobFailed,
    NotFoundError,
    OxenError,
    TransportError,
)
from ._events import EventStream
from ._job import Job, _Controller
from ._journal import Journal, default_journal_path
from ._protocol import OpenJob, Row
from ._result import Result, credentials_for
from ._slots import Slots
from ._transport import Http
from ._types import JobStatus, ProgressEvent

__all__ = ["Runner"]

_log = logging.getLogger("generator.runtime")

_EARLY_EVENTS = 4096  # completion events for ids whose enqueue response has not arrived yet
_ROW_FETCHES = 16  # single-row requests in parallel during one reconcile
_MIN_SLEEP = 0.001  # keeps a zero time_scale from starving the loop
_SAFETY_FLOOR = 0.05


@dataclass
class _Tracked:
    """An open job and the runner's notes about it."""

    job: Job
    enqueued: float  # monotonic time the enqueue response arrived
    deadline: asyncio.TimerHandle | None = None
    asked_for_url: bool = False


def _queue_path(generation_id: str) -> str:
    return f"{QUEUE_PATH}/{quote(generation_id, safe='')}"


class Runner:
    """Submits, watches and settles the jobs of one client."""

    def __init__(
        self, config: Config, controller: _Controller, http: Http, journal: Journal | None
    ) -> None:
        self.config = config
        self.controller = controller
        self.http = http
        self.journal = journal
        self.ledger = None if journal is None else Ledger(journal, config.api_base)
        self.slots = Slots(config.max_in_flight)
        self.open: dict[str, _Tracked] = {}
        self.known_ids: set[str] = set()
        self.early: OrderedDict[str, Row] = OrderedDict()
        self.credentials = credentials_for(config.api_key, config.api_base, config.timeout)
        self.stream: EventStream | None = None
        self.first_attempt = asyncio.Event()
        self.wake = asyncio.Event()
        self.reconcile_requested = False
        self.poll_failures = 0
        self.last_check = 0.0
        self.submit_lock = asyncio.Lock()
        self.tasks: set[asyncio.Task[Any]] = set()
        self.watch_task: asyncio.Task[None] | None = None
        self.closed = False

    @classmethod
    async def create(
        cls,
        config: Config,
        *,
        controller: _Controller,
        transport: httpx.AsyncBaseTransport | None,
        journal: str | os.PathLike[str] | bool | None,
    ) -> Runner:
        journal_obj: Journal | None = None
        if journal is None or journal is True:
            journal_obj = Journal(default_journal_path())
        elif journal is not False:
            journal_obj = Journal(journal)
        return cls(config, controller, Http(config, transport), journal_obj)

    # Watching.

    async def _ensure_watching(self) -> None:
        """Start the watcher, and the stream before the first enqueue (events are not
        replayed: a job must never finish before we listen)."""
        if self.watch_task is None:
            self.watch_task = asyncio.create_task(self._watch(), name="oxgen-watch")
        if self.config.events == "poll":
            return
        if self.stream is None:
            self.stream = EventStream(
                self.http.client,
                self.config,
                on_row=self._on_stream_row,
                on_state=self._on_stream_state,
                give_up_after=self.config.sse_max_failures
                if self.config.events == "auto"
                else None,
            )
            self._spawn(self._run_stream(self.stream))
        if self.stream.connected.is_set() or self.stream.given_up.is_set():
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self.first_attempt.wait(), self.config.timeout)
        if self.config.events == "sse" and not self.stream.connected.is_set():
            raise TransportError(f"event stream unavailable: {self.stream.last_error or 'timeout'}")

    async def _run_stream(self, stream: EventStream) -> None:
        await stream.run()
        self.first_attempt.set()

    def _on_stream_state(self, up: bool) -> None:
        self.first_attempt.set()
        if up and self.open:
            self.reconcile_requested = True
        self.wake.set()

    def _on_stream_row(self, row: Row) -> None:
        tracked = self.open.get(row.generation_id)
        if tracked is not None:
            self._observe(tracked, row, "sse")
        elif row.generation_id not in self.known_ids:
            self.early[row.generation_id] = row
            while len(self.early) > _EARLY_EVENTS:
                self.early.popitem(last=False)

    def _stream_up(self) -> bool:
        return self.stream is not None and self.stream.connected.is_set()

    async def _watch(self) -> None:
        """Poll while the stream is down; re-check old jobs now and then while it is up."""
        config = self.config
        while True:
            if not self.open:
                self.wake.clear()
                await self.wake.wait()
                continue
            if self.reconcile_requested:
                self.reconcile_requested = False
                await self._reconcile(list(self.open.values()), "poll")
                continue
            up = self._stream_up()
            if up:
                # Only a safety net; the floor keeps a zero time_scale from spinning on it.
                delay = max(config.safety_interval * config.time_scale, _SAFETY_FLOOR)
            else:
                now = time.monotonic()
                delay = _protocol.poll_interval(
                    (
                        OpenJob(t.job.id, t.job.media_type, now - t.enqueued)
                        for t in self.open.values()
                    ),
                    image=config.image_poll,
                    video=config.video_poll,
                    failures=self.poll_failures,
                )
            self.wake.clear()
            if not up:  # polls run start to start: a slow reconcile does not stretch the wait
                delay = delay * config.time_scale - (time.monotonic() - self.last_check)
            try:
                await asyncio.wait_for(self.wake.wait(), max(_MIN_SLEEP, delay))
                continue  # woken: the stream changed state or jobs arrived; decide again
            except asyncio.TimeoutError:
                pass
            if up and self._stream_up():
                now = time.monotonic()
                old = [t for t in self.open.values() if now - t.enqueued >= config.safety_interval]
                if old:
                    await self._reconcile(old, "poll")
            else:
                await self._reconcile(list(self.open.values()), "poll")

    async def _reconcile(self, jobs: list[_Tracked], source: str) -> None:
        """One list request for every open job, then one row request per job that left it."""
        sent = self.last_check = time.monotonic()
        try:
            rows = _protocol.parse_rows(await self.http.request("GET", QUEUE_PATH))
        except OxenError as exc:
            self.poll_failures += 1
            _log.warning("listing the queue failed: %s", exc)
            return
        self.poll_failures = 0
        listed, departed = _protocol.split_by_listing(
            (OpenJob(t.job.id, t.job.media_type, 0.0, t.enqueued <= sent) for t in jobs), rows
        )
        for generation_id, row in listed:
            tracked = self.open.get(generation_id)
            if tracked is not None:
                self._observe(tracked, row, source)
        limit = asyncio.Semaphore(_ROW_FETCHES)

        async def fetch(generation_id: str) -> None:
            async with limit:
                await self._refresh(generation_id, source)

        await asyncio.gather(*(fetch(generation_id) for generation_id in departed))

    async def _refresh(self, generation_id: str, source: str) -> None:
        tracked = self.open.get(generation_id)
        if tracked is None:
            return
        try:
            body = await self.http.request(
                "GET", _queue_path(generation_id), generation_id=generation_id
            )
        except NotFoundError:
            self._finish(
                tracked,
                JobStatus.FAILED,
                "poll",
                JobFailed(
                    "the generation disappeared from the queue",
                    status="failed",
                    model_id=tracked.job.model_id,
                    generation_id=generation_id,
                ),
            )
            return
        except OxenError as exc:
            self.poll_failures += 1
            _log.warning("checking generation %s failed: %s", generation_id, exc)
            return
        row = _protocol.parse_row(body)
        if row is not None and generation_id in self.open:
            self._observe(self.open[generation_id], row, source)

    # Job state.

    def _observe(self, tracked: _Tracked, row: Row, source: str) -> None:
        job = tracked.job
        job._set_media_type(row.media_type)
        status = row.status
        if status is None or not _protocol.is_progress(job.status, status):
            return
        if status is JobStatus.SUCCEEDED and not row.result_url:
            if not tracked.asked_for_url:  # an event without its URL: ask the row, once
                tracked.asked_for_url = True
                self._spawn(self._refresh(job.id, "poll"))
                return
            status = JobStatus.FAILED
            row = replace(row, status=status, error="succeeded, but the service gave no URL")
        event = self._event(job, status, source, row)
        if not status.is_terminal:
            job._publish(event)
            if self.journal is not None:
                self.journal.update(job.id, status=status.value, media_type=job.media_type)
            return
        outcome: Result | BaseException
        if status is JobStatus.SUCCEEDED:
            outcome = Result(
                url=row.result_url or "",
                media_type=row.media_type or job.media_type,
                model_id=job.model_id,
                generation_id=job.id,
                enqueued_at=row.enqueued_at,
                started_at=row.started_at,
                completed_at=row.completed_at,
                elapsed=job.elapsed,
                noticed_at=time.time(),
                _credentials=self.credentials,
            )
        elif status is JobStatus.FAILED:
            outcome = JobFailed(
                row.error or "the generation failed",
                status=status.value,
                model_id=job.model_id,
                generation_id=job.id,
            )
        else:
            outcome = JobCancelled(
                "the generation was cancelled",
                status=status.value,
                model_id=job.model_id,
                generation_id=job.id,
            )
        self._finish(tracked, status, source, outcome, row=row, event=event)

    def _event(self, job: Job, status: JobStatus, source: str, row: Row | None) -> ProgressEvent:
        return ProgressEvent(
            generation_id=job.id,
            model_id=job.model_id,
            status=status,
            elapsed=job.elapsed,
            source=source,
            enqueued_at=row.enqueued_at if row else None,
            started_at=row.started_at if row else None,
            completed_at=row.completed_at if row else None,
            url=row.result_url if row else None,
            error=row.error if row else None,
        )

    def _finish(
        self,
        tracked: _Tracked,
        status: JobStatus,
        source: str,
        outcome: Result | BaseException,
        *,
        row: Row | None = None,
        event: ProgressEvent | None = None,
        journal: bool = True,
    ) -> None:
        job = tracked.job
        if self.open.pop(job.id, None) is None:
            return
        if tracked.deadline is not None:
            tracked.deadline.cancel()
        self.slots.release(1)
        if self.journal is not None and journal:
            self.journal.update(
                job.id,
                status=status.value,
                media_type=job.media_type,
                result_url=row.result_url if row else None,
                error=row.error if row else None,
            )
        job._publish(event or self._event(job, status, source, row))
        job._finish(outcome)

    def _track(self, job: Job, deadline_at: float | None) -> _Tracked:
        tracked = _Tracked(job, time.monotonic())
        self.open[job.id] = tracked
        self.known_ids.add(job.id)
        if deadline_at is not None:
            tracked.deadline = asyncio.get_running_loop().call_at(
                deadline_at, lambda: self._spawn(self._expire(tracked))
            )
        if len(self.open) == 1:
            self.wake.set()
        return tracked

    # Submitting.

    async def submit(
        self, model_id: str, payload: dict[str, Any], num: int, deadline: float | None
    ) -> list[Job]:
        if num < 1:
            raise ValueError("num_generations must be at least 1")
        started = time.monotonic()
        deadline_at = None if deadline is None else started + deadline
        await self._ensure_watching()
        held = min(num, self.config.max_in_flight)
        try:
            await asyncio.wait_for(
                self.slots.acquire(held),
                None if deadline_at is None else max(0.0, deadline_at - time.monotonic()),
            )
        except asyncio.TimeoutError:
            raise DeadlineExceeded(
                f"deadline of {deadline} s passed while waiting for a free slot "
                f"({self.config.max_in_flight} generations in flight); nothing was enqueued",
                model_id=model_id,
            ) from None
        self.slots.force(num - held)
        task = asyncio.create_task(
            self._enqueue_and_track(model_id, payload, num, started, deadline_at)
        )
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            # The caller gave up, but the enqueue may already be on its way: let it finish,
            # then cancel whatever it created so nothing runs (and bills) unseen.
            task.add_done_callback(self._cancel_orphans)
            raise

    def _cancel_orphans(self, task: asyncio.Task[list[Job]]) -> None:
        if task.cancelled() or task.exception() is not None:
            return
        for job in task.result():
            self._spawn(self.cancel(job))

    async def _enqueue_and_track(
        self,
        model_id: str,
        payload: dict[str, Any],
        num: int,
        started: float,
        deadline_at: float | None,
    ) -> list[Job]:
        try:
            rows = await enqueue(
                self.http,
                model_id,
                payload,
                num,
                known_ids=self.known_ids,
                lock=self.submit_lock,
                deadline_at=deadline_at,
                ledger=self.ledger,  # journals the ids (and settles the intent) before returning
            )
        except BaseException:
            self.slots.release(num)
            raise
        jobs: list[Job] = []
        for row in rows:
            jobs.append(
                Job(
                    row.generation_id,
                    model_id,
                    controller=self.controller,
                    submitted_at=started,
                    media_type=row.media_type,
                )
            )
        extra = len(rows) - num  # the server created more or fewer than asked: keep the budget true
        if extra > 0:
            self.slots.force(extra)
        elif extra < 0:
            self.slots.release(-extra)
        for job, row in zip(jobs, rows, strict=True):
            tracked = self._track(job, deadline_at)
            job._publish(self._event(job, JobStatus.QUEUED, "submit", row))
            early = self.early.pop(job.id, None)
            for observed in (row, early):
                if observed is not None and job.id in self.open:
                    self._observe(tracked, observed, "sse" if observed is early else "submit")
        return jobs

    # Cancelling and deadlines.

    async def cancel(self, job: Job) -> None:
        """``DELETE`` the generation, then read its row: a job that finished first keeps its
        outcome, otherwise it ends cancelled."""
        tracked = self.open.get(job.id)
        if tracked is None:
            return
        row = await self._delete(job)
        if tracked.job.id not in self.open:
            return
        if row is not None and row.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            self._observe(tracked, row, "cancel")  # it ended before the cancel arrived
            return
        self._finish(
            tracked,
            JobStatus.CANCELLED,
            "cancel",
            JobCancelled(
                "cancelled by the caller",
                status="cancelled",
                model_id=job.model_id,
                generation_id=job.id,
            ),
            row=row,
        )

    async def _delete(self, job: Job) -> Row | None:
        path = _queue_path(job.id)
        await self.http.request("DELETE", path, model_id=job.model_id, generation_id=job.id)
        try:
            body = await self.http.request("GET", path, model_id=job.model_id, generation_id=job.id)
        except OxenError:
            return None  # cancelled either way; the row was only a courtesy check
        return _protocol.parse_row(body)

    async def _expire(self, tracked: _Tracked) -> None:
        job = tracked.job
        if job.id not in self.open:
            return
        try:
            row = await self._delete(job)
        except OxenError as exc:
            # The remote job may run on: leave the journal open so recover() can find it.
            self._finish(
                tracked,
                JobStatus.CANCELLED,
                "deadline",
                DeadlineExceeded(
                    f"deadline passed after {job.elapsed:.1f} s and cancelling the remote "
                    f"generation failed ({exc}); it may still run",
                    model_id=job.model_id,
                    generation_id=job.id,
                ),
                journal=False,
            )
            return
        if job.id not in self.open:
            return
        if row is not None and row.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            self._observe(tracked, row, "poll")  # it ended just before the deadline bit
            return
        self._finish(
            tracked,
            JobStatus.CANCELLED,
            "deadline",
            DeadlineExceeded(
                f"deadline passed after {job.elapsed:.1f} s; the remote generation was cancelled",
                model_id=job.model_id,
                generation_id=job.id,
            ),
            row=row,
        )

    # Existing jobs.

    async def attach(self, generation_id: str, model_id: str) -> Job:
        tracked = self.open.get(generation_id)
        if tracked is not None:
            return tracked.job
        await self._ensure_watching()
        body = await self.http.request(
            "GET",
            _queue_path(generation_id),
            model_id=model_id or None,
            generation_id=generation_id,
        )
        row = _protocol.parse_row(body)
        if row is None:
            raise TransportError(
                f"unreadable queue row for {generation_id}", generation_id=generation_id
            )
        job = self._adopt(generation_id, row.model or model_id, row.media_type)
        self._observe(self.open[generation_id], row, "poll")
        return job

    async def recover(self) -> list[Job]:
        """Settle the submissions a crash left unanswered (their rows join the journal), then
        re-attach every open journal entry of this API; one reconcile settles them all."""
        if self.ledger is None:
            return []
        await self._ensure_watching()
        await settle_intents(
            self.http, self.ledger, known_ids=self.known_ids, lock=self.submit_lock
        )
        jobs = []
        for entry in self.ledger.journal.entries(open_only=True, base_url=self.config.api_base):
            tracked = self.open.get(entry.generation_id)
            jobs.append(
                tracked.job
                if tracked is not None
                else self._adopt(entry.generation_id, entry.model_id, entry.media_type)
            )
        if self.open:
            self.reconcile_requested = True
            self.wake.set()
        return jobs

    def _adopt(self, generation_id: str, model_id: str, media_type: str | None) -> Job:
        job = Job(generation_id, model_id, controller=self.controller, media_type=media_type)
        self.slots.force(1)  # already running: it counts, but never waits
        tracked = self._track(job, None)
        tracked.enqueued = float("-inf")  # long enqueued: any list settles it
        if self.journal is not None:
            self.journal.record(
                [generation_id], base_url=self.config.api_base, model_id=model_id, payload_hash=""
            )
        return job

    async def run_direct(
        self, model_id: str, payload: dict[str, Any], endpoint: str | None
    ) -> Result:
        from ._direct import run_direct

        return await run_direct(self.http, self.credentials, model_id, payload, endpoint)

    # Lifecycle.

    def _spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self._reap)

    def _reap(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _log.warning("background task failed: %s", task.exception())

    async def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        pending = [t for t in (self.watch_task, *self.tasks) if t is not None]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for tracked in list(self.open.values()):
            self._finish_closed(tracked)
        await self.http.aclose()
        if self.journal is not None:
            self.journal.close()

    def _finish_closed(self, tracked: _Tracked) -> None:
        job = tracked.job
        self.open.pop(job.id, None)
        if tracked.deadline is not None:
            tracked.deadline.cancel()
        job._finish(
            OxenError(
                "the client was closed before the job finished; it runs on remotely "
                "(Client.recover() re-attaches from the journal)",
                model_id=job.model_id,
                generation_id=job.id,
            )
        )
