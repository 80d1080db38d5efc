"""The pure protocol and HTTP policy: rows, events, transitions, polling, matching, retries."""

from __future__ import annotations

import random

import pytest

from generator.runtime import (
    APIError,
    AuthenticationError,
    InsufficientCredits,
    InvalidParams,
    JobStatus,
    NotFoundError,
    RateLimited,
    ServerError,
    _http,
    _protocol,
)
from generator.runtime._protocol import Adopt, Ambiguous, NoMatch, OpenJob, Row


def test_parse_row_reads_the_documented_fields_and_ignores_extras() -> None:
    row = _protocol.parse_row(
        {
            "generation_id": "g1",
            "model_name": "flux",
            "media_type": "image",
            "status": "succeeded",
            "result_url": "https://x/y.png",
            "error_message": None,
            "enqueued_at": 10,
            "started_at": 11,
            "completed_at": 12,
            "prompt": "a cat",
            "surprise": {"new": "field"},
        }
    )
    assert row is not None
    assert (row.generation_id, row.status, row.model, row.result_url) == (
        "g1",
        JobStatus.SUCCEEDED,
        "flux",
        "https://x/y.png",
    )
    assert (row.enqueued_at, row.started_at, row.completed_at) == (10.0, 11.0, 12.0)
    assert row.params["prompt"] == "a cat"


@pytest.mark.parametrize("obj", [None, [], "x", {"status": "queued"}, {"generation_id": 3}])
def test_parse_row_rejects_rows_without_an_id(obj: object) -> None:
    assert _protocol.parse_row(obj) is None


def test_unknown_status_is_no_change_not_an_error() -> None:
    row = _protocol.parse_row({"generation_id": "g", "status": "warming_up"})
    assert row is not None
    assert row.status is None
    assert not _protocol.is_progress(JobStatus.QUEUED, row.status)


def test_parse_rows_skips_garbage_items() -> None:
    body = {"count": 3, "generations": [{"generation_id": "a", "status": "queued"}, 7, {}]}
    assert [row.generation_id for row in _protocol.parse_rows(body)] == ["a"]
    assert _protocol.parse_rows({"generations": "nope"}) == []
    assert _protocol.parse_rows(None) == []


def test_parse_enqueued_requires_generations() -> None:
    rows = _protocol.parse_enqueued({"generations": [{"generation_id": "a"}]})
    assert rows[0].status is JobStatus.QUEUED
    with pytest.raises(ValueError, match="names no generations"):
        _protocol.parse_enqueued({"generations": []})


def test_completion_events_are_filtered_by_name_and_shape() -> None:
    data = '{"generation_id": "g", "status": "succeeded", "media_type": "image", "url": "u"}'
    row = _protocol.parse_completion("media_generation_completed", data)
    assert row is not None
    assert row.status is JobStatus.SUCCEEDED
    assert row.result_url == "u"
    failed = _protocol.parse_completion(
        "media_generation_completed", '{"generation_id": "g", "status": "failed", "error": "boom"}'
    )
    assert failed is not None
    assert failed.error == "boom"
    assert _protocol.parse_completion("something_else", data) is None
    assert _protocol.parse_completion("media_generation_completed", "{not json") is None
    assert (
        _protocol.parse_completion(
            "media_generation_completed", '{"generation_id": "g", "status": "queued"}'
        )
        is None
    )


@pytest.mark.parametrize(
    ("current", "observed", "expected"),
    [
        (JobStatus.QUEUED, JobStatus.PROCESSING, True),
        (JobStatus.QUEUED, JobStatus.SUCCEEDED, True),
        (JobStatus.PROCESSING, JobStatus.QUEUED, False),
        (JobStatus.PROCESSING, JobStatus.PROCESSING, False),
        (JobStatus.SUCCEEDED, JobStatus.FAILED, False),
        (JobStatus.CANCELLED, JobStatus.SUCCEEDED, False),
        (JobStatus.QUEUED, None, False),
    ],
)
def test_transitions_only_move_forward(
    current: JobStatus, observed: JobStatus | None, expected: bool
) -> None:
    assert _protocol.is_progress(current, observed) is expected


def test_split_by_listing_only_fetches_jobs_that_left_the_list() -> None:
    jobs = [
        OpenJob("listed", None, 1.0),
        OpenJob("gone", None, 1.0),
        OpenJob("too-new", None, 0.0, listed_after_enqueue=False),
    ]
    listed, departed = _protocol.split_by_listing(jobs, [Row("listed", JobStatus.PROCESSING)])
    assert [generation_id for generation_id, _ in listed] == ["listed"]
    assert departed == ["gone"]


def test_poll_interval_adapts_to_media_type_age_and_failures() -> None:
    bounds = {"image": (1.0, 5.0), "video": (5.0, 30.0)}
    young_image = OpenJob("a", "image", 0.5)
    old_image = OpenJob("b", "image", 100.0)
    old_video = OpenJob("c", "video", 1000.0)
    assert _protocol.poll_interval([young_image], **bounds) == 1.0
    assert _protocol.poll_interval([old_image], **bounds) == 5.0
    assert _protocol.poll_interval([old_video], **bounds) == 30.0
    # One list serves all jobs: the most demanding one decides.
    assert _protocol.poll_interval([old_video, young_image], **bounds) == 1.0
    assert _protocol.poll_interval([young_image], failures=2, **bounds) == 4.0
    assert _protocol.poll_interval([young_image], failures=50, **bounds) == 32.0


def _row(generation_id: str, enqueued_at: float, **params: object) -> Row:
    return Row(generation_id, JobStatus.QUEUED, model="m", enqueued_at=enqueued_at, params=params)


def test_match_submission_adopts_exactly_the_matching_rows() -> None:
    rows = [
        _row("ours", 1000, prompt="cat"),
        _row("other-prompt", 1000, prompt="dog"),
        _row("too-old", 100, prompt="cat"),
        _row("known", 1000, prompt="cat"),
        Row("other-model", JobStatus.QUEUED, model="x", enqueued_at=1000),
    ]
    decision = _protocol.match_submission(
        rows,
        model_id="m",
        payload={"prompt": "cat"},
        num_generations=1,
        sent_at=1000.0,
        failed_at=1001.0,
        window=5.0,
        known_ids={"known"},
    )
    assert isinstance(decision, Adopt)
    assert [row.generation_id for row in decision.rows] == ["ours"]


def test_match_submission_nothing_or_ambiguous() -> None:
    common = {
        "model_id": "m",
        "payload": {"prompt": "cat"},
        "sent_at": 1000.0,
        "failed_at": 1001.0,
        "window": 5.0,
    }
    assert isinstance(_protocol.match_submission([], num_generations=1, **common), NoMatch)
    two = [_row("a", 1000, prompt="cat"), _row("b", 1001, prompt="cat")]
    decision = _protocol.match_submission(two, num_generations=1, **common)
    assert isinstance(decision, Ambiguous)
    assert decision.candidates == ("a", "b")
    assert isinstance(_protocol.match_submission(two, num_generations=2, **common), Adopt)


def test_error_envelopes_pick_the_most_useful_text_and_class() -> None:
    detailed = {
        "error": {"type": "invalid_params", "title": "Bad", "detail": "prompt is required"},
        "status": "error",
        "status_message": "invalid_params",
    }
    error = _http.api_error(400, detailed, {})
    assert isinstance(error, InvalidParams)
    assert error.message == "prompt is required"
    assert error.error_type == "invalid_params"
    short = _http.api_error(404, {"error": {"message": "Model not found: x"}}, {}, model_id="x")
    assert isinstance(short, NotFoundError)
    assert "Model not found: x" in str(short)
    assert isinstance(_http.api_error(401, {}, {}), AuthenticationError)
    assert isinstance(_http.api_error(402, {}, {}), InsufficientCredits)
    assert isinstance(_http.api_error(502, "<html>bad gateway</html>", {}), ServerError)
    assert type(_http.api_error(418, {"status_message": "teapot"}, {})) is APIError
    limited = _http.api_error(429, {"error": {"message": "slow", "retry_after": 3}}, {})
    assert isinstance(limited, RateLimited)
    assert limited.retry_after == 3.0


def test_retry_after_header_forms_and_body() -> None:
    assert _http.retry_after({"Retry-After": "7"}, None) == 7.0
    assert (
        _http.retry_after({"retry-after": "Wed, 21 Oct 2015 07:28:10 GMT"}, None, now=1445412480.0)
        == 10.0
    )
    assert _http.retry_after({}, {"retry_after": 2.5}) == 2.5
    assert _http.retry_after({"Retry-After": "soon"}, None) is None
    assert _http.retry_after({}, {"retry_after": True}) is None


def test_retry_delay_policy() -> None:
    rng = random.Random(0)
    common = {"base": 1.0, "cap": 8.0, "retry_after_cap": 60.0, "rng": rng, "max_retries": 3}
    # Connection failures and retryable statuses retry; others do not.
    assert _http.retry_delay(1, status_code=None, headers={}, body=None, **common) is not None
    assert _http.retry_delay(1, status_code=404, headers={}, body=None, **common) is None
    assert _http.retry_delay(4, status_code=503, headers={}, body=None, **common) is None
    # The server's hint wins, capped.
    assert (
        _http.retry_delay(1, status_code=429, headers={"Retry-After": "5"}, body=None, **common)
        == 5.0
    )
    capped = dict(common, retry_after_cap=2.0)
    assert (
        _http.retry_delay(1, status_code=429, headers={"Retry-After": "500"}, body=None, **capped)
        == 2.0
    )
    # Full jitter stays under the exponential ceiling.
    delays = [_http.backoff_delay(attempt, base=1.0, cap=8.0, rng=rng) for attempt in (1, 2, 3, 10)]
    assert all(0 <= d <= c for d, c in zip(delays, (1.0, 2.0, 4.0, 8.0), strict=True))
