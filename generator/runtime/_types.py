"""Plain values the runner hands to callers: job states, progress events, the payload check.

This module imports nothing heavy: generated modules import it (through ``generator.runtime``)
just to validate a payload, which must not pull in httpx.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["JobStatus", "PayloadCheck", "ProgressEvent", "UnknownPropertyWarning"]


class JobStatus(str, enum.Enum):
    """The state of one generation, as the queue reports it.

    States are values, not exceptions: a failed job has ``status == JobStatus.FAILED`` and only
    raises when its result is asked for.
    """

    QUEUED = "queued"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def is_terminal(self) -> bool:
        """True once the generation can no longer change (succeeded, failed or cancelled)."""
        return self in _TERMINAL

    def __str__(self) -> str:
        return self.value


_TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """One observed change of a job, whichever transport (event stream or polling) saw it.

    Server timestamps (``enqueued_at``, ``started_at``, ``completed_at``: unix seconds) are
    ``None`` when the transport did not carry them; ``elapsed`` is measured locally from the
    moment ``submit`` was called, so it is always present. ``source`` says what delivered the
    change: ``"submit"``, ``"sse"``, ``"poll"`` or ``"cancel"``.
    """

    generation_id: str
    model_id: str
    status: JobStatus
    elapsed: float
    source: str
    enqueued_at: float | None = None
    started_at: float | None = None
    completed_at: float | None = None
    url: str | None = None
    error: str | None = None


class UnknownPropertyWarning(UserWarning):
    """A payload key the model's request schema does not declare.

    The service ignores (or later rejects) such keys, so a typo would silently change the
    generation. Pass ``strict_keys=True`` to the client to turn this into a ``PayloadError``.
    """


class PayloadCheck(Protocol):
    """The validator a generated module passes as ``check=``; called before any request.

    It raises ``PayloadError`` for schema errors, and for keys the schema does not declare it
    warns ``UnknownPropertyWarning`` (or raises ``PayloadError`` when ``strict`` is true).
    """

    def __call__(self, payload: Mapping[str, Any], /, *, strict: bool = False) -> object: ...
