"""Queued generations and their lifecycle: ``queued -> processing -> succeeded|failed``.

Each job owns at most one pending ``loop.call_later`` timer (start, then finish), so a
thousand jobs cost a thousand timer handles and no polling. Every random draw for a job
(its id, both durations, an injected failure) happens at enqueue time, in enqueue order, so
a seeded emulator replays the same story for the same sequence of requests.
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._catalog import Catalog, CatalogModel
from ._media import media_extension

__all__ = ["ACTIVE", "STATUSES", "TERMINAL", "Job", "JobStore", "Timing", "invalid_params_text"]

STATUSES = ("queued", "processing", "succeeded", "failed", "cancelled")
ACTIVE = frozenset({"queued", "processing"})
TERMINAL = frozenset({"succeeded", "failed", "cancelled"})

_UPSTREAM_FAILURE = "Upstream provider error: the generation failed (injected by the emulator)"
_INVALID_PREFIX = "Getting model response error: 422 - "


def invalid_params_text(problems: list[str]) -> str:
    """The service's wording for parameters the provider rejected."""
    return _INVALID_PREFIX + "; ".join(problems)


@dataclass(frozen=True)
class Timing:
    """Simulated durations in seconds, before division by ``speed``."""

    speed: float
    queue_seconds: tuple[float, float]
    image_seconds: tuple[float, float]
    video_seconds: tuple[float, float]

    def draw(self, rng: random.Random, bounds: tuple[float, float]) -> float:
        return rng.uniform(*bounds) / self.speed

    def run_bounds(self, media_type: str) -> tuple[float, float]:
        return self.video_seconds if media_type == "video" else self.image_seconds


@dataclass(eq=False)
class Job:
    """One generation. Mutable on purpose: the store moves it through its states in place.

    Timestamps are ``time.time()`` floats; the wire rows truncate them to unix ints, the
    ``/_emulator/jobs`` view keeps them precise for benchmarks.
    """

    generation_id: str
    owner: str
    model_name: str
    media_type: str
    params: dict[str, Any]
    target_namespace: str | None
    result_base: str
    queue_delay: float
    run_delay: float
    doomed: bool
    enqueued_at: float
    status: str = "queued"
    started_at: float | None = None
    completed_at: float | None = None
    result_url: str | None = None
    error_message: str | None = None
    timer: asyncio.TimerHandle | None = field(default=None, repr=False)

    def row(self) -> dict[str, Any]:
        """The contract's queue row: request parameters echoed, then the service's fields."""
        row = dict(self.params)
        row.update(
            {
                "generation_id": self.generation_id,
                "model_name": self.model_name,
                "media_type": self.media_type,
                "status": self.status,
                "result_url": self.result_url,
                "error_message": self.error_message,
                "enqueued_at": _unix(self.enqueued_at),
                "started_at": _unix(self.started_at),
                "completed_at": _unix(self.completed_at),
                "target_namespace": self.target_namespace,
            }
        )
        return row

    def precise(self) -> dict[str, Any]:
        """The emulator's own view, with float timestamps (what benchmarks measure)."""
        return {
            "generation_id": self.generation_id,
            "model_name": self.model_name,
            "media_type": self.media_type,
            "status": self.status,
            "enqueued_at": self.enqueued_at,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "result_url": self.result_url,
            "error_message": self.error_message,
        }


def _unix(moment: float | None) -> int | None:
    return None if moment is None else int(moment)


class JobStore:
    """Every job ever enqueued (rows persist after they end), keyed by generation id.

    ``on_started`` is called when a job starts processing; ``on_finished`` once when a job
    ends ``succeeded`` or ``failed`` (never for ``cancelled``): the event stream and the file
    registry hang off them.
    """

    def __init__(
        self,
        catalog: Catalog,
        timing: Timing,
        seed: int | None,
        on_started: Callable[[Job], None],
        on_finished: Callable[[Job], None],
    ) -> None:
        self._catalog = catalog
        self._timing = timing
        self._on_started = on_started
        self._on_finished = on_finished
        self._jobs: dict[str, Job] = {}
        self.reseed(seed)

    def reseed(self, seed: int | None) -> None:
        self._id_rng = random.Random(None if seed is None else f"{seed}:ids")
        self._time_rng = random.Random(None if seed is None else f"{seed}:durations")
        self._doom_rng = random.Random(None if seed is None else f"{seed}:job-failures")

    def draw_blocking_delay(self, media_type: str) -> float:
        """How long a blocking ``/generate`` call takes: queue wait plus run time."""
        return self._timing.draw(self._time_rng, self._timing.queue_seconds) + self._timing.draw(
            self._time_rng, self._timing.run_bounds(media_type)
        )

    def new_id(self) -> str:
        return str(uuid.UUID(int=self._id_rng.getrandbits(128), version=4))

    def enqueue(
        self,
        *,
        owner: str,
        model: CatalogModel,
        params: Mapping[str, Any],
        target_namespace: str | None,
        result_base: str,
        count: int,
        job_fail_rate: float,
    ) -> list[Job]:
        loop = asyncio.get_running_loop()
        media_type = model.media_type or "image"
        jobs = []
        for _ in range(count):
            job = Job(
                generation_id=self.new_id(),
                owner=owner,
                model_name=model.model_id,
                media_type=media_type,
                params=dict(params),
                target_namespace=target_namespace,
                result_base=result_base,
                queue_delay=self._timing.draw(self._time_rng, self._timing.queue_seconds),
                run_delay=self._timing.draw(self._time_rng, self._timing.run_bounds(media_type)),
                doomed=self._doom_rng.random() < job_fail_rate,
                enqueued_at=time.time(),
            )
            job.timer = loop.call_later(job.queue_delay, self._start, job)
            self._jobs[job.generation_id] = job
            jobs.append(job)
        return jobs

    def get(self, generation_id: str, owner: str | None = None) -> Job | None:
        """The job, or None when unknown or (given ``owner``) enqueued by another key."""
        job = self._jobs.get(generation_id)
        if job is None or (owner is not None and job.owner != owner):
            return None
        return job

    def select(self, owner: str | None = None) -> list[Job]:
        """Jobs in enqueue order, optionally only those of one key."""
        return [job for job in self._jobs.values() if owner is None or job.owner == owner]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(STATUSES, 0)
        for job in self._jobs.values():
            counts[job.status] += 1
        return counts

    def cancel(self, job: Job) -> None:
        """Cancel an active job; a finished job is left as it is."""
        if job.status not in ACTIVE:
            return
        self._stop_timer(job)
        job.status = "cancelled"
        job.completed_at = time.time()

    def complete(self, job: Job, status: str, error_message: str | None = None) -> None:
        """End an active job now (test control); ``status`` is ``succeeded`` or ``failed``."""
        if status not in ("succeeded", "failed"):
            raise ValueError(f"status must be 'succeeded' or 'failed', got {status!r}")
        if job.status not in ACTIVE:
            return
        self._stop_timer(job)
        if job.started_at is None:
            job.started_at = time.time()
        if status == "failed":
            self._end(job, "failed", error_message or _UPSTREAM_FAILURE)
        else:
            self._end(job, "succeeded", None)

    def clear(self) -> None:
        for job in self._jobs.values():
            self._stop_timer(job)
        self._jobs.clear()

    def _start(self, job: Job) -> None:
        job.timer = None
        if job.status != "queued":
            return
        job.status = "processing"
        job.started_at = time.time()
        job.timer = asyncio.get_running_loop().call_later(job.run_delay, self._finish, job)
        self._on_started(job)

    def _finish(self, job: Job) -> None:
        job.timer = None
        if job.status != "processing":
            return
        model = self._catalog.get(job.model_name)
        problems = self._catalog.validate(model, job.params) if model is not None else []
        if problems:
            self._end(job, "failed", invalid_params_text(problems))
        elif job.doomed:
            self._end(job, "failed", _UPSTREAM_FAILURE)
        else:
            self._end(job, "succeeded", None)

    def _end(self, job: Job, status: str, error_message: str | None) -> None:
        job.status = status
        job.completed_at = time.time()
        job.error_message = error_message
        if status == "succeeded":
            name = f"{job.generation_id}.{media_extension(job.media_type)}"
            job.result_url = f"{job.result_base}files/{name}"
        self._on_finished(job)

    @staticmethod
    def _stop_timer(job: Job) -> None:
        if job.timer is not None:
            job.timer.cancel()
            job.timer = None
