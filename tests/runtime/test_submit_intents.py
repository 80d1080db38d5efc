"""Submission intents: journaled before the POST leaves, settled with its answer, and settled
by ``recover()`` when the process died in between (over the scripted fake API)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from generator.runtime import AmbiguousSubmit, Client, InsufficientCredits
from generator.runtime._journal import Journal

from .conftest import FakeApi, read_intents, respond, wait_until

QUEUE = "/api/ai/queue"


def _client(api: FakeApi, journal: Path, **kwargs: Any) -> Client:
    kwargs.setdefault("events", "poll")
    return Client(
        "test-key",
        "https://api.test",
        journal=journal,
        time_scale=0,
        transport=api.transport(),
        **kwargs,
    )


def test_intent_is_committed_before_the_request_leaves(api: FakeApi, make_client: Any) -> None:
    seen: list[list[dict[str, Any]]] = []
    client = make_client(api, events="poll")
    journal_path: Path = client._runner.journal.path

    def look(request: httpx.Request) -> None:
        seen.append(read_intents(journal_path))  # falls through: the fake then enqueues

    api.fault("POST " + QUEUE, look)
    job = client.submit("flux", {"prompt": "cat", "seed": 7}, num_generations=1)
    (before,) = seen[0]
    assert before["status"] == "sending"
    assert before["model_id"] == "flux"
    assert before["num_generations"] == 1
    assert json.loads(before["payload_json"]) == {"prompt": "cat", "seed": 7}
    assert before["base_url"] == "https://api.test"
    (after,) = read_intents(journal_path)
    assert after["intent_id"] == before["intent_id"]
    assert after["status"] == "settled"
    assert after["payload_json"] is None  # the payload is kept only while unsettled
    assert json.loads(after["generation_ids"]) == [job.id]
    assert client._runner.journal.get(job.id) is not None
    assert journal_path.stat().st_mode & 0o777 == 0o600
    assert b"test-key" not in journal_path.read_bytes()


def test_a_refused_enqueue_marks_the_intent_not_enqueued(api: FakeApi, make_client: Any) -> None:
    client = make_client(api, events="poll")
    api.fault("POST " + QUEUE, respond(402, {"error": {"type": "insufficient_credits"}}))
    with pytest.raises(InsufficientCredits):
        client.submit("flux", {"prompt": "cat"})
    (intent,) = read_intents(client._runner.journal.path)
    assert intent["status"] == "not-enqueued"
    assert intent["payload_json"] is None


def test_an_ambiguous_enqueue_keeps_its_candidates(api: FakeApi, make_client: Any) -> None:
    api.echo_params = False  # the queue cannot tell twin submissions apart
    api.finish_after = None
    client = make_client(api, events="poll")

    def twin_then_fail(request: httpx.Request) -> httpx.Response:
        api._enqueue({"model": "flux", "num_generations": 1})  # someone else's twin
        api._enqueue(json.loads(request.content))
        return httpx.Response(504)

    api.fault("POST " + QUEUE, twin_then_fail)
    with pytest.raises(AmbiguousSubmit) as info:
        client.submit("flux", {"prompt": "cat"})
    (intent,) = read_intents(client._runner.journal.path)
    assert intent["status"] == "ambiguous"
    assert json.loads(intent["candidates"]) == sorted(info.value.candidates)
    assert json.loads(intent["payload_json"]) == {"prompt": "cat"}  # still unsettled


def _crash_during_enqueue(api: FakeApi, journal: Path, num: int) -> None:
    """A client whose POST reaches the server (rows created) and then dies unanswered."""
    crashed = _client(api, journal)
    created = asyncio.Event()  # never set: the answer never comes

    async def enqueue_then_hang(request: httpx.Request) -> None:
        api._enqueue(json.loads(request.content))
        await created.wait()

    api.fault("POST " + QUEUE, enqueue_then_hang)
    crashed._loop.submit(crashed._runner.submit("flux", {"prompt": "lost"}, num, None))
    wait_until(lambda: sum(row.get("prompt") == "lost" for row in api.rows.values()) == num)
    crashed._loop.stop()  # the process "dies": the enqueue task never records the ids
    (intent,) = read_intents(journal)
    assert intent["status"] == "sending"
    reader = Journal(journal)
    assert reader.entries() == []  # no generation id reached the journal
    reader.close()


def test_recover_adopts_what_a_crashed_enqueue_created(api: FakeApi, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    api.finish_after = None
    api._enqueue({"model": "flux", "num_generations": 1, "prompt": "someone else's"})
    _crash_during_enqueue(api, journal, 2)
    lost = sorted(gid for gid, row in api.rows.items() if row.get("prompt") == "lost")
    api.finish_after = 1
    with _client(api, journal) as client:
        jobs = client.recover()
        assert sorted(job.id for job in jobs) == lost
        assert all(job.result(timeout=10).url for job in jobs)
        assert client.recover() == []
    assert api.count("POST") == 1  # settled against the queue, never resent
    (intent,) = read_intents(journal)
    assert intent["status"] == "settled"
    assert intent["payload_json"] is None
    assert sorted(json.loads(intent["generation_ids"])) == lost


def test_recover_leaves_a_live_enqueue_of_this_process_alone(api: FakeApi, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    api.finish_after = None
    with _client(api, journal) as client:
        answer = asyncio.Event()

        async def enqueue_then_wait(request: httpx.Request) -> httpx.Response:
            response = api._enqueue(json.loads(request.content))
            await answer.wait()
            return response

        api.fault("POST " + QUEUE, enqueue_then_wait)
        pending = client._loop.submit(client._runner.submit("flux", {"prompt": "slow"}, 1, None))
        wait_until(lambda: len(api.rows) == 1)
        assert client.recover() == []  # its own enqueue will settle it
        assert read_intents(journal)[0]["status"] == "sending"
        client._loop.loop.call_soon_threadsafe(answer.set)
        (job,) = pending.result(10)
        assert list(api.rows) == [job.id]
        assert read_intents(journal)[0]["status"] == "settled"


def test_an_older_journal_gains_the_submissions_table(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(
        """
        CREATE TABLE jobs (
            generation_id TEXT PRIMARY KEY, base_url TEXT NOT NULL, model_id TEXT NOT NULL,
            payload_sha256 TEXT NOT NULL, status TEXT NOT NULL, media_type TEXT,
            result_url TEXT, error TEXT, created_at REAL NOT NULL, updated_at REAL NOT NULL
        );
        INSERT INTO jobs VALUES ('g1', 'https://api.test', 'flux', '', 'queued',
                                 NULL, NULL, NULL, 1.0, 1.0);
        """
    )
    db.commit()
    db.close()
    journal = Journal(path)
    try:
        assert [entry.generation_id for entry in journal.entries()] == ["g1"]
        assert journal.intents() == []
        intent_id = journal.begin_intent(
            base_url="https://api.test", model_id="flux", payload={"p": 1}, num_generations=1
        )
        journal.settle_intent(intent_id, ["g2"])
        assert journal.generation_ids() == {"g1", "g2"}
        (intent,) = journal.intents()
        assert (intent.status, intent.payload, intent.generation_ids) == ("settled", None, ("g2",))
    finally:
        journal.close()


def test_jobs_list_shows_unsettled_submissions(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from generator._cli import main

    path = tmp_path / "journal.sqlite3"
    journal = Journal(path)
    sending = journal.begin_intent(
        base_url="https://api.test", model_id="flux", payload={"p": 1}, num_generations=2
    )
    ambiguous = journal.begin_intent(
        base_url="https://api.test", model_id="flux", payload={"p": 2}, num_generations=1
    )
    journal.ambiguous(ambiguous, ["cand-b", "cand-a"])
    settled = journal.begin_intent(
        base_url="https://api.test", model_id="flux", payload={"p": 3}, num_generations=1
    )
    journal.settle_intent(settled, ["g1"])
    journal.close()
    listed = CliRunner().invoke(
        main, ["jobs", "list", "--journal", str(path)], env={"COLUMNS": "300"}
    )
    assert listed.exit_code == 0, listed.output
    assert "2 unsettled submissions" in listed.output
    assert sending in listed.output
    assert ambiguous in listed.output
    assert "cand-a, cand-b" in listed.output
    assert settled not in listed.output
    as_json = CliRunner().invoke(main, ["jobs", "list", "--json", "--journal", str(path)])
    assert [entry["generation_id"] for entry in json.loads(as_json.output)] == ["g1"]


def test_a_resend_makes_the_intent_sending_again(tmp_path: Path) -> None:
    """Another process's recover() may have closed it; this send can still create rows."""
    journal = Journal(tmp_path / "journal.sqlite3")
    try:
        intent_id = journal.begin_intent(
            base_url="https://api.test", model_id="flux", payload={"p": 1}, num_generations=1
        )
        journal.not_enqueued(intent_id)
        assert journal.intents()[0].payload is None
        journal.resending(intent_id, {"p": 1})
        (intent,) = journal.intents()
        assert (intent.status, intent.payload) == ("sending", {"p": 1})
        assert intent.last_sent_at >= intent.sent_at
    finally:
        journal.close()
