"""The runner's configuration: one frozen dataclass with explicit defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal

__all__ = ["DEFAULT_BASE_URL", "Config"]

DEFAULT_BASE_URL = "https://hub.oxen.ai"


@dataclass(frozen=True)
class Config:
    """Every knob of the queue runner.

    Times are seconds. ``time_scale`` multiplies every sleep (backoff, polling, reconnect,
    settle) but no network timeout: tests set it to 0 so retries and polls do not wait.
    """

    api_key: str = field(repr=False)
    base_url: str = DEFAULT_BASE_URL
    max_in_flight: int = 8
    events: Literal["auto", "sse", "poll"] = "auto"
    # A single network wait (connect, read, write, pool); the event stream reads allow more.
    timeout: float = 30.0
    # The blocking endpoints hold the request for the whole generation (video: up to 15 min).
    direct_timeout: float = 1200.0
    # Idempotent requests: attempts after the first, exponential backoff with full jitter.
    max_retries: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 30.0
    # A server's Retry-After is honoured up to this many seconds.
    retry_after_cap: float = 120.0
    # The stream sends a keep-alive every 15 s; three missed ones mean the connection is dead.
    sse_read_timeout: float = 45.0
    # Consecutive failed stream connections before "auto" gives up on the stream for good.
    sse_max_failures: int = 8
    # While the stream is healthy, jobs this old are re-checked by one list request this often,
    # which catches what no event announces (a cancel from elsewhere, a lost event).
    safety_interval: float = 60.0
    # Poll intervals by media type: (first, longest); they grow with the job's age.
    image_poll: tuple[float, float] = (1.0, 5.0)
    video_poll: tuple[float, float] = (5.0, 30.0)
    # An enqueue with unknown outcome: rows enqueued within this window of the attempt are
    # candidates, and the queue is checked twice, ``submit_settle`` apart, before resending.
    reconcile_window: float = 120.0
    submit_settle: float = 2.0
    max_submit_attempts: int = 3
    # A 429 enqueue did nothing, so it is retried until the call's deadline; without one,
    # until this many seconds have been spent waiting out rate limits (then RateLimited).
    rate_limit_patience: float = 600.0
    time_scale: float = 1.0

    def __post_init__(self) -> None:
        if self.max_in_flight < 1:
            raise ValueError("max_in_flight must be at least 1")
        if self.events not in ("auto", "sse", "poll"):
            raise ValueError(f"events must be 'auto', 'sse' or 'poll', not {self.events!r}")
        if self.timeout <= 0:
            raise ValueError("timeout must be positive")
        if self.rate_limit_patience < 0:
            raise ValueError("rate_limit_patience must not be negative")
        if self.time_scale < 0:
            raise ValueError("time_scale must not be negative")

    @classmethod
    def from_env(
        cls, api_key: str | None = None, base_url: str | None = None, **options: Any
    ) -> Config:
        """A config whose key and host default to ``$OXEN_API_KEY`` and ``$OXEN_BASE_URL``.

        The one place the environment is read, for the client, the fetcher and runtime mode.
        """
        return cls(
            api_key=api_key if api_key is not None else os.environ.get("OXEN_API_KEY", ""),
            base_url=base_url or os.environ.get("OXEN_BASE_URL") or DEFAULT_BASE_URL,
            **options,
        )

    @property
    def api_base(self) -> str:
        return self.base_url.rstrip("/")
