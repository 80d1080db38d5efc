"""The queue protocol, without I/O: what rows and events mean, and what to do next.

The runner (``_runner``) performs requests and sleeps; every decision it takes comes from a
function here, so the rules can be tested on plain values: how a server row or a stream event
maps to a job status, whether an observation changes a job, which open jobs a list response
settles and which need a single-row request, how long to wait before the next poll, and
whether an enqueue with an unknown outcome can be matched to rows on the queue.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ._types import JobStatus

__all__ = [
    "COMPLETED_EVENT",
    "Adopt",
    "Ambiguous",
    "NoMatch",
    "OpenJob",
    "Row",
    "SubmitMatch",
    "is_progress",
    "match_submission",
    "parse_completion",
    "parse_enqueued",
    "parse_row",
    "parse_rows",
    "poll_interval",
    "split_by_listing",
]

COMPLETED_EVENT = "media_generation_completed"

_STATUSES = {status.value: status for status in JobStatus}
_ORDER = {JobStatus.QUEUED: 0, JobStatus.PROCESSING: 1}


@dataclass(frozen=True)
class Row:
    """What the server said about one generation (a queue row, or a completion event)."""

    generation_id: str
    status: JobStatus | None
    model: str | None = None
    media_type: str | None = None
    result_url: str | None = None
    error: str | None = None
    enqueued_at: float | None = None
    started_at: float | None = None
    completed_at: float | None = None
    params: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(value: object) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def parse_row(obj: object) -> Row | None:
    """A queue row (``GET /api/ai/queue/{id}`` or one item of the list); ``None`` if unusable.

    Unknown statuses become ``None`` (no change) rather than an error: the service may add
    states, and a job must not fail because of one.
    """
    if not isinstance(obj, Mapping):
        return None
    generation_id = _text(obj.get("generation_id")) or _text(obj.get("id"))
    if generation_id is None:
        return None
    raw_status = obj.get("status")
    return Row(
        generation_id=generation_id,
        status=_STATUSES.get(raw_status) if isinstance(raw_status, str) else None,
        model=_text(obj.get("model_name")) or _text(obj.get("model")),
        media_type=_text(obj.get("media_type")),
        result_url=_text(obj.get("result_url")) or _text(obj.get("url")),
        error=_text(obj.get("error_message")) or _text(obj.get("error")),
        enqueued_at=_time(obj.get("enqueued_at")),
        started_at=_time(obj.get("started_at")),
        completed_at=_time(obj.get("completed_at")),
        params=obj,
    )


def parse_rows(body: object) -> list[Row]:
    """The rows of a ``GET /api/ai/queue`` response (unusable items are skipped)."""
    items = body.get("generations") if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        return []
    return [row for row in map(parse_row, items) if row is not None]


def parse_enqueued(body: object) -> list[Row]:
    """The generations created by ``POST /api/ai/queue``.

    Raises ``ValueError`` when the body does not name them: the enqueue then counts as an
    unknown outcome, never as "nothing happened".
    """
    rows = parse_rows(body)
    if not rows:
        raise ValueError(f"enqueue response names no generations: {body!r:.200}")
    return [replace(row, status=row.status or JobStatus.QUEUED) for row in rows]


def parse_completion(event: str, data: str) -> Row | None:
    """A ``media_generation_completed`` stream event as a row; ``None`` for anything else
    (other event types, keep-alives, malformed data)."""
    if event != COMPLETED_EVENT:
        return None
    try:
        obj = json.loads(data)
    except (TypeError, ValueError):
        return None
    row = parse_row(obj)
    if row is None or row.status is None or not row.status.is_terminal:
        return None
    return row


def is_progress(current: JobStatus, observed: JobStatus | None) -> bool:
    """Whether an observation moves a job forward.

    Terminal states are final; ``processing`` never goes back to ``queued`` (a stale list
    response can arrive after a fresher single-row one); repeating a state is no change.
    """
    if observed is None or current.is_terminal or observed == current:
        return False
    if observed.is_terminal:
        return True
    return _ORDER[observed] > _ORDER[current]


@dataclass(frozen=True)
class OpenJob:
    """What the poll policy needs to know about one unfinished job."""

    generation_id: str
    media_type: str | None
    age: float
    listed_after_enqueue: bool = True


def split_by_listing(
    jobs: Iterable[OpenJob], rows: Sequence[Row]
) -> tuple[list[tuple[str, Row]], list[str]]:
    """Settle open jobs against one list of active rows.

    Returns (job id, row) pairs for jobs still listed, and the ids of jobs that left the
    list and so need one single-row request each. A job enqueued after the list request was
    sent (``listed_after_enqueue`` false) is in neither: its absence proves nothing.
    """
    by_id = {row.generation_id: row for row in rows}
    listed: list[tuple[str, Row]] = []
    departed: list[str] = []
    for job in jobs:
        row = by_id.get(job.generation_id)
        if row is not None:
            listed.append((job.generation_id, row))
        elif job.listed_after_enqueue:
            departed.append(job.generation_id)
    return listed, departed


def poll_interval(
    jobs: Iterable[OpenJob],
    *,
    image: tuple[float, float],
    video: tuple[float, float],
    failures: int = 0,
) -> float:
    """Seconds until the next list request.

    Each job wants a check about every tenth of its age, between its media type's bounds
    (images are quick, videos take minutes); one list request serves all, so the most
    demanding job decides. Consecutive failures double the wait (up to 32 times).
    """
    wanted: list[float] = []
    for job in jobs:
        low, high = video if job.media_type == "video" else image
        wanted.append(min(high, max(low, job.age / 10)))
    interval = min(wanted) if wanted else image[1]
    return float(interval * 2 ** min(max(failures, 0), 5))


@dataclass(frozen=True)
class Adopt:
    """The enqueue did happen: these rows are ours."""

    rows: tuple[Row, ...]


@dataclass(frozen=True)
class NoMatch:
    """No row on the queue can be ours."""


@dataclass(frozen=True)
class Ambiguous:
    """Some rows might be ours, but not exactly as many as were asked for."""

    candidates: tuple[str, ...]


SubmitMatch = Adopt | NoMatch | Ambiguous


def match_submission(
    rows: Iterable[Row],
    *,
    model_id: str,
    payload: Mapping[str, Any],
    num_generations: int,
    sent_at: float,
    failed_at: float,
    window: float,
    known_ids: set[str] | frozenset[str] = frozenset(),
) -> SubmitMatch:
    """Decide whether an enqueue whose response was lost created these rows.

    A row is a candidate when it is not already known to this client, is for the same model,
    was enqueued between ``sent_at - window`` and ``failed_at + window`` (server clocks and
    whole-second timestamps are imprecise), and every payload parameter it echoes equals ours.
    Exactly ``num_generations`` candidates: adopt them; none: nothing was enqueued; otherwise
    the outcome stays ambiguous.
    """
    seen: set[str] = set()
    candidates: list[Row] = []
    for row in rows:
        if row.generation_id in known_ids or row.generation_id in seen:
            continue
        if row.model is not None and row.model != model_id:
            continue
        if row.enqueued_at is None or not (
            sent_at - window <= row.enqueued_at <= failed_at + window
        ):
            continue
        if any(key in row.params and row.params[key] != value for key, value in payload.items()):
            continue
        seen.add(row.generation_id)
        candidates.append(row)
    if not candidates:
        return NoMatch()
    if len(candidates) == num_generations:
        return Adopt(tuple(sorted(candidates, key=lambda row: row.generation_id)))
    return Ambiguous(tuple(sorted(row.generation_id for row in candidates)))
