"""The result of a finished generation, and its download.

Result URLs are temporary, so ``download`` is the usual next step. The API key travels only to
the configured API host: a result hosted anywhere else (a CDN, a bucket) gets no credentials.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, BinaryIO
from urllib.parse import urlsplit

from ._errors import APIError, TransportError

if TYPE_CHECKING:
    import httpx

__all__ = ["Result"]

_CHUNK = 1 << 16
_EXTENSIONS = {"image": ".png", "video": ".mp4"}


@dataclass(frozen=True)
class _Credentials:
    """Who may receive the bearer token: only URLs on ``host`` (scheme and port included)."""

    api_key: str = field(repr=False)
    origin: tuple[str, str, int | None]
    timeout: float

    def headers_for(self, url: str) -> dict[str, str]:
        parts = urlsplit(url)
        origin = (parts.scheme, (parts.hostname or "").lower(), parts.port)
        if self.api_key and origin == self.origin:
            return {"Authorization": f"Bearer {self.api_key}"}
        return {}


def credentials_for(api_key: str, base_url: str, timeout: float) -> _Credentials:
    """Credentials bound to ``base_url``'s origin (used by the client when it builds results)."""
    parts = urlsplit(base_url)
    return _Credentials(
        api_key, (parts.scheme, (parts.hostname or "").lower(), parts.port), timeout
    )


@dataclass(frozen=True)
class Result:
    """A succeeded generation.

    ``url`` is temporary: download it soon. Timestamps are unix seconds from the server when
    known (``None`` otherwise); ``elapsed`` is the local time from ``submit`` until the runner
    noticed the result, and ``noticed_at`` the local unix time of that moment.
    """

    url: str
    media_type: str | None
    model_id: str
    generation_id: str
    enqueued_at: float | None = None
    started_at: float | None = None
    completed_at: float | None = None
    elapsed: float | None = None
    noticed_at: float | None = None
    _credentials: _Credentials | None = field(default=None, repr=False, compare=False)

    def target_path(self, path: str | os.PathLike[str]) -> Path:
        """Where ``download(path)`` writes: ``path`` itself, or a file named after the
        generation inside it when ``path`` is an existing directory."""
        target = Path(path)
        if not target.is_dir():
            return target
        suffix = PurePosixPath(urlsplit(self.url).path).suffix
        if not suffix or len(suffix) > 6 or not suffix[1:].isalnum():
            suffix = _EXTENSIONS.get(self.media_type or "", ".bin")
        return target / f"{self.generation_id}{suffix}"

    def download(self, path: str | os.PathLike[str]) -> Path:
        """Stream the media to ``path`` (a file, or an existing directory) and return the file.

        The body goes to a temporary file in the same directory that is renamed into place
        only when complete, so an interrupted download never leaves a truncated file.
        """
        import httpx

        target = self.target_path(path)
        headers = self._credentials.headers_for(self.url) if self._credentials else {}
        timeout = self._credentials.timeout if self._credentials else 30.0
        try:
            with (
                httpx.Client(timeout=timeout, follow_redirects=True) as client,
                client.stream("GET", self.url, headers=headers) as response,
            ):
                _raise_for_download(response, self)
                with _atomic_file(target) as handle:
                    for chunk in response.iter_bytes(_CHUNK):
                        handle.write(chunk)
                return target
        except httpx.HTTPError as exc:
            raise TransportError(
                f"download failed: {exc}", model_id=self.model_id, generation_id=self.generation_id
            ) from exc

    async def adownload(self, path: str | os.PathLike[str]) -> Path:
        """Async twin of ``download`` (chunks are written as they arrive; local writes block)."""
        import httpx

        target = self.target_path(path)
        headers = self._credentials.headers_for(self.url) if self._credentials else {}
        timeout = self._credentials.timeout if self._credentials else 30.0
        try:
            async with (
                httpx.AsyncClient(timeout=timeout, follow_redirects=True) as client,
                client.stream("GET", self.url, headers=headers) as response,
            ):
                _raise_for_download(response, self)
                with _atomic_file(target) as handle:
                    async for chunk in response.aiter_bytes(_CHUNK):
                        handle.write(chunk)
                return target
        except httpx.HTTPError as exc:
            raise TransportError(
                f"download failed: {exc}", model_id=self.model_id, generation_id=self.generation_id
            ) from exc


def _raise_for_download(response: httpx.Response, result: Result) -> None:
    if response.status_code >= 400:
        raise APIError(
            f"download failed with HTTP {response.status_code}",
            status_code=response.status_code,
            model_id=result.model_id,
            generation_id=result.generation_id,
        )


@contextmanager
def _atomic_file(target: Path) -> Iterator[BinaryIO]:
    """A temporary file beside ``target``, renamed onto it only if the block succeeds."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
        os.replace(temp_name, target)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
