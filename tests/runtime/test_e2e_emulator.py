"""End to end over real sockets: the runner against the project's emulator.

Every wait is bounded (``result(timeout=...)``); the emulator runs at high speed so a job
takes milliseconds, except where a test needs jobs that stay open and finishes them itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("starlette", reason="the emulator needs the 'emulator' extra")

from generator.emulator import Emulator, EmulatorConfig, Faults
from generator.runtime import (
    AmbiguousSubmit,
    Client,
    InvalidParams,
    JobFailed,
    Result,
)

MODEL = "flux-1-dev"
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def fast_emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(speed=1000, seed=0, keepalive_interval=0.5)) as emulator:
        yield emulator


@pytest.fixture
def emu(fast_emulator: Emulator) -> Emulator:
    fast_emulator.reset()
    return fast_emulator


def _client(emu: Emulator, **kwargs: Any) -> Client:
    kwargs.setdefault("journal", False)
    return Client(emu.api_key, emu.base_url, **kwargs)


@pytest.mark.parametrize("mode", ["sse", "poll"])
def test_many_jobs_complete_with_few_requests(emu: Emulator, mode: str) -> None:
    count = 40
    with _client(emu, events=mode, max_in_flight=count) as client:
        jobs = [client.submit(MODEL, {"prompt": f"cat {i}"}) for i in range(count)]
        results = [job.result(timeout=60) for job in jobs]
    assert all(isinstance(result, Result) and result.url for result in results)
    requests = emu.stats()["requests"]
    assert requests["POST /api/ai/queue"] == count
    total = sum(requests.values())
    if mode == "sse":
        assert requests.get("GET /api/events") == 1
        assert total / count <= 1.1, requests
    else:
        assert "GET /api/events" not in requests
        assert requests["GET /api/ai/queue/{generation_id}"] == count
        assert total / count <= 3, requests


def test_download_needs_and_gets_the_key_on_the_api_host(emu: Emulator, tmp_path: Path) -> None:
    with _client(emu) as client:
        result = client.run(MODEL, {"prompt": "cat"})
    path = result.download(tmp_path)
    assert path.parent == tmp_path
    assert path.stat().st_size > 0
    assert not list(tmp_path.glob("*.part"))


def test_faults_never_double_submit(tmp_path: Path) -> None:
    faults = Faults(fail_rate=0.1, ambiguous_post_rate=0.3, drop_sse_every=0.2, job_fail_rate=0.1)
    config = EmulatorConfig(speed=1000, seed=3, faults=faults, keepalive_interval=0.2)
    owned: set[str] = set()
    ambiguous = 0
    outcomes = {"succeeded": 0, "failed": 0}
    with Emulator(config) as emu, _client(emu, time_scale=0.02, max_in_flight=8) as client:
        for i in range(30):
            try:
                job = client.submit(MODEL, {"prompt": f"fault {i}"})
            except AmbiguousSubmit as exc:
                ambiguous += 1
                owned.update(exc.candidates)
                continue
            owned.add(job.id)
            try:
                job.result(timeout=60)
                outcomes["succeeded"] += 1
            except JobFailed:
                outcomes["failed"] += 1
        jobs = emu.jobs()
    # Every generation the emulator created is one we own (or were told about): none twice.
    assert {job["generation_id"] for job in jobs} == owned
    assert outcomes["succeeded"] > 0
    assert sum(outcomes.values()) + ambiguous == 30


def test_rate_limited_account_still_completes() -> None:
    config = EmulatorConfig(speed=1000, seed=1, faults=Faults(rate_limit=25))
    # The server's Retry-After (1 s) is honoured as is: scaled down, 16 concurrent enqueues
    # could spend their whole retry budget inside one rate-limit window and fail.
    client_options: dict[str, Any] = {"events": "poll", "max_in_flight": 16, "time_scale": 1.0}
    with Emulator(config) as emu, _client(emu, **client_options) as client:
        emu.fail_next(4, status=429)  # a storm is certain, whatever the machine's speed
        jobs = [client.submit(MODEL, {"prompt": f"rl {i}"}) for i in range(20)]
        assert all(job.result(timeout=60).url for job in jobs)
        stats = emu.stats()
        assert stats["responses"].get("429", 0) > 0
        assert len(emu.jobs()) == 20  # refused enqueues were resent, none twice


def test_run_direct_and_its_immediate_parameter_errors(emu: Emulator) -> None:
    with _client(emu) as client:
        result = client.run_direct(MODEL, {"prompt": "cat"})
        assert result.url
        assert result.media_type == "image"
        with pytest.raises(InvalidParams):
            client.run_direct(MODEL, {"prompt": 5})


def test_killed_process_jobs_are_recovered(tmp_path: Path) -> None:
    journal = tmp_path / "journal.sqlite3"
    script = textwrap.dedent(
        f"""
        import json, os, sys
        from generator.runtime import Client
        client = Client(sys.argv[1], sys.argv[2], journal={str(journal)!r})
        ids = [client.submit({MODEL!r}, {{"prompt": str(i)}}).id for i in range(3)]
        print(json.dumps(ids), flush=True)
        os._exit(9)  # killed: no close, no cleanup
        """
    )
    # Slow jobs (seconds), so they are still running when the process dies.
    with Emulator(EmulatorConfig(speed=0.5, seed=2)) as emu:
        done = subprocess.run(
            [sys.executable, "-c", script, emu.api_key, emu.base_url],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=60,
            check=False,
        )
        assert done.returncode == 9, done.stderr
        ids = json.loads(done.stdout)
        with Client(emu.api_key, emu.base_url, journal=journal) as client:
            jobs = client.recover()
            assert sorted(job.id for job in jobs) == sorted(ids)
            for generation_id in ids:
                emu.complete(generation_id)
            assert [job.result(timeout=30).generation_id for job in jobs] == [j.id for j in jobs]
            assert client.recover() == []
