"""The emulator's settings: fixed ones (``EmulatorConfig``) and the fault knobs (``Faults``).

Faults live in their own frozen value because tests change them while the server runs; the
server swaps the whole value at once, so a request never sees half an update.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_API_KEY", "EmulatorConfig", "Faults"]

# A fixed, documented test key: the emulator is local, and a test key must never look like a
# real one (no ``sk-``/``oxen_`` prefix followed by a long random tail).
DEFAULT_API_KEY = "oxen-emulator-key"


def _check_rate(name: str, value: float) -> None:
    if not (0.0 <= value <= 1.0):
        raise ValueError(f"{name} must be between 0 and 1, got {value!r}")


def _check_seconds(name: str, value: float | None) -> None:
    if value is not None and not (value >= 0.0 and math.isfinite(value)):
        raise ValueError(f"{name} must be a finite number of seconds >= 0, got {value!r}")


@dataclass(frozen=True)
class Faults:
    """Ways to misbehave, all off by default.

    * ``fail_rate``: fraction of API requests answered with a random 500/502/503 envelope.
    * ``rate_limit``: requests allowed per second per API key; the rest get 429 with a
      ``Retry-After`` header and a ``retry_after`` JSON field. ``None`` means unlimited.
    * ``latency``: seconds added before every API request is handled.
    * ``drop_sse_every``: an event stream is closed this many seconds after it opened.
    * ``ambiguous_post_rate``: fraction of ``POST /api/ai/queue`` calls that enqueue the
      generations and then answer 500, so the client cannot know it was billed.
    * ``job_fail_rate``: fraction of valid generations that end ``failed`` anyway, as an
      upstream provider error would.
    * ``foreign_events``: the event stream also carries other events, as the contract warns
      it may: ``event: media_generation_started`` (``"status": "processing"``) when a job
      starts, and a nameless ``data:`` message. A client must filter on the event name.

    Durations here are wall-clock seconds, not scaled by ``speed``: they model the network.
    """

    fail_rate: float = 0.0
    rate_limit: int | None = None
    latency: float = 0.0
    drop_sse_every: float | None = None
    ambiguous_post_rate: float = 0.0
    job_fail_rate: float = 0.0
    foreign_events: bool = False

    def __post_init__(self) -> None:
        _check_rate("fail_rate", self.fail_rate)
        _check_rate("ambiguous_post_rate", self.ambiguous_post_rate)
        _check_rate("job_fail_rate", self.job_fail_rate)
        _check_seconds("latency", self.latency)
        _check_seconds("drop_sse_every", self.drop_sse_every)
        if self.drop_sse_every == 0:
            raise ValueError("drop_sse_every must be > 0 seconds (or None for never)")
        if self.rate_limit is not None and self.rate_limit < 1:
            raise ValueError(f"rate_limit must be >= 1 request per second, got {self.rate_limit}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "ambiguous_post_rate": self.ambiguous_post_rate,
            "drop_sse_every": self.drop_sse_every,
            "fail_rate": self.fail_rate,
            "foreign_events": self.foreign_events,
            "job_fail_rate": self.job_fail_rate,
            "latency": self.latency,
            "rate_limit": self.rate_limit,
        }


@dataclass(frozen=True)
class EmulatorConfig:
    """Everything fixed for the life of one emulator.

    ``models`` (model objects) wins over ``models_dir`` (a snapshot folder); with neither, the
    committed snapshot next to the installed ``generated`` package is served. The first of
    ``api_keys`` is the one handed out by ``Emulator.api_key``; every key sees only its own
    jobs and events. Simulated durations are drawn (seeded by ``seed``) from the ranges below
    and divided by ``speed``. ``keepalive_interval`` is how long an idle event stream waits
    before sending ``: keep-alive`` (15 s on the service; shorten it in tests).
    """

    host: str = "127.0.0.1"
    port: int = 0
    models_dir: Path | None = None
    models: tuple[Mapping[str, Any], ...] | None = None
    api_keys: tuple[str, ...] = (DEFAULT_API_KEY,)
    speed: float = 1.0
    seed: int | None = None
    faults: Faults = field(default_factory=Faults)
    keepalive_interval: float = 15.0
    queue_seconds: tuple[float, float] = (0.5, 2.0)
    image_seconds: tuple[float, float] = (2.0, 8.0)
    video_seconds: tuple[float, float] = (20.0, 90.0)

    def __post_init__(self) -> None:
        if not self.api_keys or not all(self.api_keys):
            raise ValueError("api_keys must hold at least one non-empty key")
        if not (self.speed > 0 and math.isfinite(self.speed)):
            raise ValueError(f"speed must be a finite number > 0, got {self.speed!r}")
        if not (self.keepalive_interval > 0 and math.isfinite(self.keepalive_interval)):
            raise ValueError("keepalive_interval must be a finite number of seconds > 0")
        for name in ("queue_seconds", "image_seconds", "video_seconds"):
            low, high = getattr(self, name)
            if not (0 <= low <= high and math.isfinite(high)):
                raise ValueError(f"{name} must be (low, high) with 0 <= low <= high")
        if not (0 <= self.port <= 65535):
            raise ValueError(f"port must be 0..65535, got {self.port}")
