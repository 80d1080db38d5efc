"""``Result.download``: the key goes only to the API host; files appear whole or not at all."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import respx

from generator.runtime import APIError, Result, TransportError
from generator.runtime._result import credentials_for


def _result(url: str) -> Result:
    return Result(
        url=url,
        media_type="image",
        model_id="flux",
        generation_id="gen-1",
        _credentials=credentials_for("secret", "https://api.test", 5.0),
    )


@respx.mock
def test_the_key_is_sent_to_the_api_host_only(tmp_path: Path) -> None:
    own = respx.get("https://api.test/files/gen-1.png").respond(200, content=b"own")
    cdn = respx.get("https://cdn.other/gen-1.png").respond(200, content=b"cdn")
    lookalike = respx.get("http://api.test/files/gen-1.png").respond(200, content=b"plain")
    _result("https://api.test/files/gen-1.png").download(tmp_path / "a.png")
    _result("https://cdn.other/gen-1.png").download(tmp_path / "b.png")
    _result("http://api.test/files/gen-1.png").download(tmp_path / "c.png")
    assert own.calls.last.request.headers["Authorization"] == "Bearer secret"
    assert "Authorization" not in cdn.calls.last.request.headers
    assert "Authorization" not in lookalike.calls.last.request.headers  # other scheme
    assert (tmp_path / "b.png").read_bytes() == b"cdn"


@respx.mock
def test_download_into_a_folder_names_the_file_after_the_generation(tmp_path: Path) -> None:
    respx.get("https://cdn.other/x/y.webp?sig=1").respond(200, content=b"img")
    path = _result("https://cdn.other/x/y.webp?sig=1").download(tmp_path)
    assert path == tmp_path / "gen-1.webp"
    assert path.read_bytes() == b"img"


@respx.mock
def test_failed_download_leaves_no_file(tmp_path: Path) -> None:
    respx.get("https://cdn.other/gone.png").respond(403)
    with pytest.raises(APIError):
        _result("https://cdn.other/gone.png").download(tmp_path / "out.png")
    assert list(tmp_path.iterdir()) == []


@respx.mock
def test_interrupted_stream_leaves_no_partial_file(tmp_path: Path) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        def chunks() -> Iterator[bytes]:
            yield b"half"
            raise httpx.ReadError("reset", request=request)

        return httpx.Response(200, content=chunks())

    respx.get("https://cdn.other/x.png").mock(side_effect=broken)
    with pytest.raises(TransportError, match="download failed"):
        _result("https://cdn.other/x.png").download(tmp_path / "out.png")
    assert list(tmp_path.iterdir()) == []


@respx.mock
def test_async_download(tmp_path: Path) -> None:
    respx.get("https://api.test/files/a.png").respond(200, content=b"abc")
    path = asyncio.run(_result("https://api.test/files/a.png").adownload(tmp_path / "a.png"))
    assert path.read_bytes() == b"abc"
