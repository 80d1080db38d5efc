"""Helpers for the emulator's contract tests: plain httpx against real sockets.

Helpers are reached through fixtures (``api``, ``api_for``) because test modules cannot import
a conftest under ``--import-mode=importlib``. Every wait is bounded twice: by a number of
attempts and by httpx's read timeout.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from generator.emulator import Emulator


class Api:
    """An httpx client on one emulator with one key, plus the few steps every test repeats."""

    def __init__(self, emu: Emulator, key: str | None, timeout: float = 10.0) -> None:
        headers = {} if key is None else {"Authorization": f"Bearer {key}"}
        self.emu = emu
        self.http = httpx.Client(base_url=emu.base_url, headers=headers, timeout=timeout)

    def enqueue(self, **body: Any) -> list[str]:
        body.setdefault("model", "flux-1-dev")
        body.setdefault("prompt", "a lighthouse at dusk")
        response = self.http.post("/api/ai/queue", json=body)
        assert response.status_code == 200, response.text
        return [item["generation_id"] for item in response.json()["generations"]]

    def row(self, generation_id: str) -> dict[str, Any]:
        response = self.http.get(f"/api/ai/queue/{generation_id}")
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    def wait(self, generation_id: str, wanted: set[str], attempts: int = 500) -> dict[str, Any]:
        """Poll a row until its status is in ``wanted`` (at most ``attempts`` x 20 ms)."""
        row: dict[str, Any] = {}
        for _ in range(attempts):
            row = self.row(generation_id)
            if row["status"] in wanted:
                return row
            time.sleep(0.02)
        raise AssertionError(f"{generation_id} never reached {wanted}; last row: {row}")

    @staticmethod
    def read_lines(
        stream: httpx.Response, until: Callable[[list[str]], bool], max_lines: int = 200
    ) -> list[str]:
        """Lines of an open event stream until ``until(lines)`` holds or the stream ends."""
        lines: list[str] = []
        for line in stream.iter_lines():
            lines.append(line)
            if until(lines) or len(lines) >= max_lines:
                break
        return lines


ApiFactory = Callable[..., Api]


@pytest.fixture
def api_for() -> Iterator[ApiFactory]:
    """``api_for(emu, key=...)``: a client on ``emu``; ``key=None`` sends no header."""
    made: list[Api] = []

    def make(emu: Emulator, key: object = ..., timeout: float = 10.0) -> Api:
        token = emu.api_key if key is ... else key
        api = Api(emu, None if token is None else str(token), timeout)
        made.append(api)
        return api

    yield make
    for api in made:
        api.http.close()


@pytest.fixture
def api(oxen_emulator: Emulator, api_for: ApiFactory) -> Api:
    """A client with the emulator's key, on the ``oxen_emulator`` fixture."""
    return api_for(oxen_emulator)
