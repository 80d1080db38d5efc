"""Submission intents end to end: a process killed between the enqueue's answer and its
journal write, then ``recover()`` in a fresh client, over real sockets to the emulator."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the emulator needs the 'emulator' extra")

from generator.emulator import Emulator, EmulatorConfig
from generator.runtime import Client
from generator.runtime._journal import Journal

from .conftest import read_intents

MODEL = "flux-1-dev"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def slow_emulator() -> Iterator[Emulator]:
    # Jobs take minutes unless a test completes them: they are open when recover() runs.
    with Emulator(EmulatorConfig(speed=0.01, seed=5, keepalive_interval=0.5)) as emulator:
        yield emulator


@pytest.fixture
def emu(slow_emulator: Emulator) -> Emulator:
    slow_emulator.reset()
    return slow_emulator


def _write_intent(path: Path, base_url: str, payload: dict[str, Any], num: int) -> str:
    """An intent as a process leaves it when it dies before (or while) sending."""
    journal = Journal(path)
    try:
        return journal.begin_intent(
            base_url=base_url, model_id=MODEL, payload=payload, num_generations=num
        )
    finally:
        journal.close()


_CRASHING_SUBMIT = """
import os, sys
import httpx
from generator.runtime import Client

class DiesAfterTheAnswer(httpx.AsyncHTTPTransport):
    async def handle_async_request(self, request):
        response = await super().handle_async_request(request)
        if request.method == "POST" and request.url.path == "/api/ai/queue":
            await response.aread()
            os._exit(9)  # the generations exist, the answer arrived, nothing was journaled
        return response

client = Client(sys.argv[1], sys.argv[2], journal=sys.argv[3], events="poll",
                transport=DiesAfterTheAnswer())
client.submit({model!r}, {{"prompt": "lost answer"}}, num_generations=2)
sys.exit(0)  # not reached
"""


def test_killed_between_answer_and_journal_recover_adopts_exactly_those(
    emu: Emulator, tmp_path: Path
) -> None:
    journal = tmp_path / "journal.sqlite3"
    with Client(emu.api_key, emu.base_url, journal=False) as other:
        bystander = other.submit(MODEL, {"prompt": "someone else"}).id  # not ours: never adopted
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(_CRASHING_SUBMIT.format(model=MODEL)),
            emu.api_key,
            emu.base_url,
            str(journal),
        ],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert done.returncode == 9, done.stderr
    (intent,) = read_intents(journal)
    assert intent["status"] == "sending"
    created = sorted(
        job["generation_id"] for job in emu.jobs() if job["generation_id"] != bystander
    )
    assert len(created) == 2
    with Client(emu.api_key, emu.base_url, journal=journal, events="poll") as client:
        jobs = client.recover()
        assert sorted(job.id for job in jobs) == created
        for generation_id in created:
            emu.complete(generation_id)
        assert all(job.result(timeout=30).url for job in jobs)
        assert client.recover() == []
    assert emu.stats()["requests"]["POST /api/ai/queue"] == 2  # bystander + the lost one
    (intent,) = read_intents(journal)
    assert intent["status"] == "settled"
    assert intent["payload_json"] is None
    assert sorted(json.loads(intent["generation_ids"])) == created


def test_an_intent_the_queue_never_saw_becomes_not_enqueued(emu: Emulator, tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    _write_intent(journal, emu.base_url, {"prompt": "never arrived"}, 1)
    with Client(emu.api_key, emu.base_url, journal=False) as other:
        other.submit(MODEL, {"prompt": "something else"})
    with Client(emu.api_key, emu.base_url, journal=journal, events="poll") as client:
        assert client.recover() == []
    (intent,) = read_intents(journal)
    assert intent["status"] == "not-enqueued"
    assert intent["payload_json"] is None
    assert emu.stats()["requests"]["POST /api/ai/queue"] == 1  # the bystander's; never resent


def test_an_ambiguous_intent_is_kept_and_logged_not_raised(
    emu: Emulator, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    journal = tmp_path / "journal.sqlite3"
    payload = {"prompt": "twin"}
    _write_intent(journal, emu.base_url, payload, 1)
    with Client(emu.api_key, emu.base_url, journal=False) as other:
        twins = sorted(other.submit(MODEL, payload, num_generations=2).ids)
    with (
        caplog.at_level(logging.WARNING, logger="generator.runtime"),
        Client(emu.api_key, emu.base_url, journal=journal, events="poll") as client,
    ):
        assert client.recover() == []
    (intent,) = read_intents(journal)
    assert intent["status"] == "ambiguous"
    assert json.loads(intent["candidates"]) == twins
    assert json.loads(intent["payload_json"]) == payload
    (warning,) = [r for r in caplog.records if "ambiguous" in r.getMessage()]
    assert all(generation_id in warning.getMessage() for generation_id in twins)
