"""``oxgen emulator`` as a subprocess: prints its URL, answers, stops cleanly on signals."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from generator.emulator import DEFAULT_API_KEY

_START_TIMEOUT = 60.0  # importing jsonschema's format checkers alone takes seconds here
_STOP_TIMEOUT = 30.0


class _Served:
    def __init__(self, process: subprocess.Popen[str], base_url: str) -> None:
        self.process = process
        self.base_url = base_url

    def stop(self, signum: int) -> tuple[int, str]:
        self.process.send_signal(signum)
        _, stderr = self.process.communicate(timeout=_STOP_TIMEOUT)
        return self.process.returncode, stderr


@pytest.fixture
def serve_cli() -> Iterator[object]:
    started: list[subprocess.Popen[str]] = []

    def start(*options: str) -> _Served:
        process = subprocess.Popen(
            [sys.executable, "-m", "generator", "emulator", *options],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started.append(process)
        lines: queue.Queue[str] = queue.Queue()
        assert process.stdout is not None
        stdout = process.stdout
        threading.Thread(target=lambda: lines.put(stdout.readline()), daemon=True).start()
        try:
            first = lines.get(timeout=_START_TIMEOUT)
        except queue.Empty:
            pytest.fail("oxgen emulator printed no base URL in time")
        assert first.startswith("http://127.0.0.1:"), first
        return _Served(process, first.strip())

    yield start
    for process in started:  # only if a test failed before stopping it
        if process.poll() is None:
            process.kill()
            process.communicate(timeout=_STOP_TIMEOUT)


def test_cli_serves_then_stops_on_sigterm_with_a_stream_open(serve_cli) -> None:
    served = serve_cli("--port", "0", "--speed", "1000", "--seed", "3")
    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
    with httpx.Client(base_url=served.base_url, headers=headers, timeout=10) as client:
        assert client.get("/api/ai/models/flux-1-dev").status_code == 200
        with client.stream("GET", "/api/events") as stream:
            code, stderr = served.stop(signal.SIGTERM)
            assert list(stream.iter_lines()) == []  # the server ended the stream
    assert code == 0, stderr
    assert "oxgen emulator: stopped" in stderr


def test_cli_options_models_and_key_then_sigint_is_130(serve_cli, tmp_path: Path) -> None:
    model = {
        "id": "only-model",
        "endpoint": "/images/generate",
        "capabilities": {"input": ["text"], "output": ["image"]},
    }
    (tmp_path / "only_model.json").write_text(json.dumps(model), encoding="utf-8")
    served = serve_cli("--models", str(tmp_path), "--api-key", "local-key", "--rate-limit", "50")
    listing = httpx.get(
        f"{served.base_url}/api/ai/models", headers={"Authorization": "Bearer local-key"}
    )
    assert [item["id"] for item in listing.json()["data"]] == ["only-model"]
    stats = httpx.get(f"{served.base_url}/_emulator/stats").json()
    assert stats["faults"]["rate_limit"] == 50
    code, stderr = served.stop(signal.SIGINT)
    assert code == 130, stderr


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--fail-rate", "2"], "--fail-rate"),
        (["--models", "/no/such/folder"], "--models"),
        (["--speed", "0"], "--speed"),
        (["--port", "70000"], "--port"),
    ],
)
def test_cli_usage_errors_exit_2(options: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "generator", "emulator", *options],
        capture_output=True,
        text=True,
        timeout=_START_TIMEOUT,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
