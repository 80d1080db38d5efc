"""Handles on submitted generations: ``Job`` (one generation) and ``JobGroup`` (several).

A job's state is changed only by the client's runner thread (through ``_publish`` and
``_finish``); callers in any thread or event loop read it and wait on it. Waiting is done on
a ``concurrent.futures.Future`` so sync callers, async callers on any loop, and callbacks all
see the same outcome.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable, Generator, Iterator, Sequence
from typing import TYPE_CHECKING, Protocol

from ._errors import WaitTimeout
from ._types import JobStatus, ProgressEvent

if TYPE_CHECKING:
    from ._result import Result

__all__ = ["Job", "JobGroup"]

_log = logging.getLogger("generator.runtime")

ProgressCallback = Callable[[ProgressEvent], None]


class _Controller(Protocol):
    """What a job needs from its client: remote cancellation, and a deadlock guard."""

    def _cancel_job(self, job: Job) -> None: ...

    async def _acancel_job(self, job: Job) -> None: ...

    def _check_waitable(self) -> None: ...


class Job:
    """One generation on the queue.

    ``await job`` or ``job.result()`` waits for the outcome: a ``Result``, or ``JobFailed`` /
    ``JobCancelled`` / ``DeadlineExceeded``. Abandoning the wait (task cancelled, Ctrl-C)
    cancels the remote generation too, so nothing keeps billing unseen, unless ``detach()``
    was called first.
    """

    def __init__(
        self,
        generation_id: str,
        model_id: str,
        *,
        controller: _Controller,
        submitted_at: float | None = None,
        media_type: str | None = None,
    ) -> None:
        self._id = generation_id
        self._model_id = model_id
        self._controller = controller
        self._submitted_at = time.monotonic() if submitted_at is None else submitted_at
        self._media_type = media_type
        self._status = JobStatus.QUEUED
        self._events: list[ProgressEvent] = []
        self._callbacks: list[ProgressCallback] = []
        self._listeners: list[tuple[asyncio.AbstractEventLoop, asyncio.Queue[ProgressEvent]]] = []
        self._lock = threading.Lock()
        self._done: concurrent.futures.Future[Result] = concurrent.futures.Future()
        self._detached = False

    def __repr__(self) -> str:
        return f"Job(id={self._id!r}, model_id={self._model_id!r}, status={self._status.value!r})"

    @property
    def id(self) -> str:
        """The server's generation id."""
        return self._id

    @property
    def model_id(self) -> str:
        return self._model_id

    @property
    def media_type(self) -> str | None:
        """``"image"`` or ``"video"`` once the server said so, else ``None``."""
        return self._media_type

    @property
    def status(self) -> JobStatus:
        """The latest known status (updated in the background; never raises)."""
        return self._status

    @property
    def done(self) -> bool:
        """True once the outcome is known locally (result, failure, cancel or deadline)."""
        return self._done.done()

    @property
    def elapsed(self) -> float:
        """Seconds since ``submit`` was called."""
        return time.monotonic() - self._submitted_at

    @property
    def history(self) -> list[ProgressEvent]:
        """Every progress event observed so far, oldest first."""
        with self._lock:
            return list(self._events)

    def detach(self) -> Job:
        """Let the remote job run on when a wait is abandoned (timeout, cancel, Ctrl-C)."""
        self._detached = True
        return self

    def on_progress(self, callback: ProgressCallback) -> None:
        """Call ``callback(event)`` for every later change, and once now with the latest one.

        Callbacks run on the client's runner thread: keep them quick. An exception in a
        callback is logged and otherwise ignored.
        """
        with self._lock:
            self._callbacks.append(callback)
            latest = self._events[-1] if self._events else None
        if latest is not None:
            _call(callback, latest)

    async def events(self) -> AsyncIterator[ProgressEvent]:
        """Progress events, past ones first, ending after the terminal event."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[ProgressEvent] = asyncio.Queue()
        entry = (loop, queue)
        with self._lock:
            backlog = list(self._events)
            self._listeners.append(entry)
        try:
            for event in backlog:
                yield event
                if event.status.is_terminal:
                    return
            # Registered under the same lock the backlog was copied with: no gap, no repeat.
            while True:
                event = await queue.get()
                yield event
                if event.status.is_terminal:
                    return
        finally:
            with self._lock:
                self._listeners.remove(entry)

    def result(self, timeout: float | None = None) -> Result:
        """Block until the job ends; return its ``Result`` or raise why it has none.

        ``timeout`` bounds only this wait (``WaitTimeout``); the job goes on. Ctrl-C while
        waiting cancels the remote job unless ``detach()`` was called.
        """
        self._controller._check_waitable()
        try:
            return self._done.result(timeout)
        except concurrent.futures.TimeoutError:
            if self._done.done():  # Python 3.10: the job's own TimeoutError subclass
                raise
            raise WaitTimeout(
                f"still {self._status.value} after waiting {timeout} s",
                model_id=self._model_id,
                generation_id=self._id,
            ) from None
        except KeyboardInterrupt:
            self._cancel_abandoned()
            raise

    async def aresult(self, timeout: float | None = None) -> Result:
        """Async twin of ``result``: cancelling the awaiting task cancels the remote job."""
        try:
            return await asyncio.wait_for(self._outcome(), timeout)
        except asyncio.TimeoutError:
            if self._done.done():
                raise
            raise WaitTimeout(
                f"still {self._status.value} after waiting {timeout} s",
                model_id=self._model_id,
                generation_id=self._id,
            ) from None
        except asyncio.CancelledError:
            await self._acancel_abandoned()
            raise

    async def _outcome(self) -> Result:
        """Wait for the outcome on the running loop, whatever thread will deliver it."""
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Result] = loop.create_future()

        def transfer(done: concurrent.futures.Future[Result]) -> None:
            with contextlib.suppress(RuntimeError):  # the waiting loop is already closed
                loop.call_soon_threadsafe(_copy_outcome, done, waiter)

        self._done.add_done_callback(transfer)
        return await waiter

    async def _acancel_abandoned(self) -> None:
        if self._detached or self._done.done():
            return
        try:
            await asyncio.shield(self._controller._acancel_job(self))
        except Exception:
            _log.warning("could not cancel abandoned job %s", self._id, exc_info=True)

    def __await__(self) -> Generator[object, None, Result]:
        return self.aresult().__await__()

    def cancel(self) -> None:
        """Cancel the remote generation (``DELETE``); a finished one keeps its outcome."""
        self._controller._cancel_job(self)

    async def acancel(self) -> None:
        """Async twin of ``cancel``."""
        await self._controller._acancel_job(self)

    def _cancel_abandoned(self) -> None:
        if self._detached or self._done.done():
            return
        try:
            self._controller._cancel_job(self)
        except Exception:  # the interrupt matters more than a failed best-effort cancel
            _log.warning("could not cancel abandoned job %s", self._id, exc_info=True)

    # Runner side: called only from the client's runner thread.

    def _publish(self, event: ProgressEvent) -> None:
        with self._lock:
            if self._status.is_terminal:
                return
            self._status = event.status
            self._events.append(event)
            callbacks = list(self._callbacks)
            listeners = list(self._listeners)
        for callback in callbacks:
            _call(callback, event)
        for loop, queue in listeners:
            with contextlib.suppress(RuntimeError):  # the listening loop is already closed
                loop.call_soon_threadsafe(queue.put_nowait, event)

    def _set_media_type(self, media_type: str | None) -> None:
        if media_type:
            self._media_type = media_type

    def _finish(self, outcome: Result | BaseException) -> None:
        if self._done.done():
            return
        if isinstance(outcome, BaseException):
            self._done.set_exception(outcome)
        else:
            self._done.set_result(outcome)


class JobGroup(Sequence[Job]):
    """The generations of one ``submit(..., num_generations=n)`` call, in server order."""

    def __init__(self, jobs: Sequence[Job]) -> None:
        self._jobs = tuple(jobs)

    def __repr__(self) -> str:
        return f"JobGroup({list(self._jobs)!r})"

    def __len__(self) -> int:
        return len(self._jobs)

    def __iter__(self) -> Iterator[Job]:
        return iter(self._jobs)

    def __getitem__(self, index: int) -> Job:  # type: ignore[override]
        return self._jobs[index]

    @property
    def ids(self) -> list[str]:
        return [job.id for job in self._jobs]

    @property
    def jobs(self) -> tuple[Job, ...]:
        return self._jobs

    def detach(self) -> JobGroup:
        for job in self._jobs:
            job.detach()
        return self

    def results(self, timeout: float | None = None) -> list[Result]:
        """Wait for every job; raise the first error (in order) if any job has no result."""
        end = None if timeout is None else time.monotonic() + timeout
        results: list[Result] = []
        errors: list[BaseException] = []
        for job in self._jobs:
            left = None if end is None else max(0.0, end - time.monotonic())
            try:
                results.append(job.result(left))
            except WaitTimeout:
                raise
            except Exception as exc:
                errors.append(exc)
        if errors:
            raise errors[0]
        return results

    async def aresults(self, timeout: float | None = None) -> list[Result]:
        """Async twin of ``results``; cancelling it cancels every unfinished job."""
        tasks = [asyncio.ensure_future(job._outcome()) for job in self._jobs]
        try:
            _, pending = await asyncio.wait(tasks, timeout=timeout)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*(job._acancel_abandoned() for job in self._jobs))
            raise
        if pending:
            for task in pending:
                task.cancel()
            raise WaitTimeout(
                f"{len(pending)} of {len(tasks)} jobs still running after {timeout} s"
            )
        for task in tasks:
            if task.exception() is not None:
                raise task.exception()  # type: ignore[misc]
        return [task.result() for task in tasks]

    def __await__(self) -> Generator[object, None, list[Result]]:
        return self.aresults().__await__()

    def cancel(self) -> None:
        for job in self._jobs:
            job.cancel()

    async def acancel(self) -> None:
        await asyncio.gather(*(job.acancel() for job in self._jobs))


def _call(callback: ProgressCallback, event: ProgressEvent) -> None:
    try:
        callback(event)
    except Exception:
        _log.exception("progress callback failed for job %s", event.generation_id)


def _copy_outcome(done: concurrent.futures.Future[Result], waiter: asyncio.Future[Result]) -> None:
    if waiter.done():
        return
    exc = done.exception()
    if exc is not None:
        waiter.set_exception(exc)
    else:
        waiter.set_result(done.result())
