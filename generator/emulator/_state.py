"""Everything one running emulator knows, and the control operations tests use.

All of it lives on the server's event loop thread: HTTP handlers touch it directly, and the
in-process ``Emulator`` hops onto that loop before calling the control methods.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
import time
from collections import Counter
from typing import Any

from ._catalog import Catalog
from ._config import EmulatorConfig, Faults
from ._events import Broker
from ._jobs import Job, JobStore, Timing

__all__ = ["EmulatorState", "RateLimiter"]


class RateLimiter:
    """A fixed one-second window per key: simple, and exact enough to provoke 429s."""

    def __init__(self) -> None:
        self._windows: dict[str, tuple[int, int]] = {}

    def check(self, key: str, limit: int | None) -> float | None:
        """None when the request may pass, else seconds until the key's next window."""
        if limit is None:
            return None
        now = time.monotonic()
        window = int(now)
        start, used = self._windows.get(key, (window, 0))
        if start != window:
            start, used = window, 0
        if used >= limit:
            return (window + 1) - now
        self._windows[key] = (start, used + 1)
        return None

    def clear(self) -> None:
        self._windows.clear()


class EmulatorState:
    """Catalog, jobs, event streams, faults and counters of one emulator."""

    def __init__(self, config: EmulatorConfig, catalog: Catalog) -> None:
        self.config = config
        self.catalog = catalog
        self.faults = config.faults
        self.broker = Broker()
        self.limiter = RateLimiter()
        self.requests: Counter[str] = Counter()
        self.responses: Counter[int] = Counter()
        # (owner, media type) of each downloadable result file, by file name.
        self.files: dict[str, tuple[str, str]] = {}
        self.forced: list[int] = []  # statuses the next API requests answer with, in order
        self.closing = asyncio.Event()
        timing = Timing(
            config.speed, config.queue_seconds, config.image_seconds, config.video_seconds
        )
        self.jobs = JobStore(catalog, timing, config.seed, self._on_started, self._on_finished)
        self.fault_rng = random.Random()
        self._seed_faults()

    def _seed_faults(self) -> None:
        seed = self.config.seed
        self.fault_rng.seed(None if seed is None else f"{seed}:faults")

    def _on_started(self, job: Job) -> None:
        if self.faults.foreign_events:
            self.broker.publish_foreign(job)

    def _on_finished(self, job: Job) -> None:
        if job.result_url is not None:
            self.files[job.result_url.rsplit("/", 1)[-1]] = (job.owner, job.media_type)
        self.broker.publish(job)

    # --- control operations (also reachable over HTTP under /_emulator) ---

    def set_faults(self, **changes: Any) -> Faults:
        """Replace some fault knobs at once; unknown names raise ``TypeError``."""
        self.faults = dataclasses.replace(self.faults, **changes)
        return self.faults

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        """Answer the next ``count`` authenticated API requests with ``status``: 401 (key
        revoked), 402 (insufficient credits), 429 (with ``Retry-After: 1``) or any 5xx."""
        if count < 0 or not (status in (401, 402, 429) or 500 <= status <= 599):
            raise ValueError("fail_next needs count >= 0 and a status of 401, 402, 429 or 5xx")
        self.forced.extend([status] * count)

    def complete(
        self, generation_id: str, status: str = "succeeded", error_message: str | None = None
    ) -> dict[str, Any]:
        """End an active job now; raises ``KeyError`` for an unknown id. Returns its row."""
        job = self.jobs.get(generation_id)
        if job is None:
            raise KeyError(generation_id)
        self.jobs.complete(job, status, error_message)
        return job.row()

    def drop_event_streams(self) -> int:
        return self.broker.drop_all()

    def job_details(self) -> list[dict[str, Any]]:
        return [job.precise() for job in self.jobs.select()]

    def stats(self) -> dict[str, Any]:
        return {
            "requests": dict(sorted(self.requests.items())),
            "responses": {str(code): n for code, n in sorted(self.responses.items())},
            "jobs": self.jobs.counts(),
            "sse_clients": self.broker.count,
            "faults": self.faults.as_dict(),
        }

    def reset(self) -> None:
        """Forget jobs, files, counters and forced failures; restore configured faults and
        seeds. Open event streams stay open (they are connections, not state)."""
        self.jobs.clear()
        self.jobs.reseed(self.config.seed)
        self._seed_faults()
        self.files.clear()
        self.requests.clear()
        self.responses.clear()
        self.forced.clear()
        self.limiter.clear()
        self.faults = self.config.faults

    def close(self) -> None:
        """Shutting down: end event streams and blocking calls so connections can close."""
        self.closing.set()
        self.broker.close()
