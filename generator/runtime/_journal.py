"""The job journal: an SQLite file that outlives the process.

Every generation id is written before ``submit`` returns, then its status and result URL as
they change, so ``Client.recover()`` and ``oxgen jobs`` can find work a crashed process left
behind. It never holds the API key, only the API base URL, model, a hash of the payload and
what the server said. The file is created with mode 0600 (payload hashes and result URLs
are private) and uses WAL so a reader (``oxgen jobs list``) never blocks the runner.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["Journal", "JournalEntry", "default_journal_path", "payload_sha256"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    generation_id TEXT PRIMARY KEY,
    base_url TEXT NOT NULL,
    model_id TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    status TEXT NOT NULL,
    media_type TEXT,
    result_url TEXT,
    error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status);
"""

_OPEN = ("queued", "processing")
_COLUMNS = (
    "generation_id, base_url, model_id, payload_sha256, status, media_type, result_url, error, "
    "created_at, updated_at"
)


def default_journal_path() -> Path:
    """``$OXGEN_JOURNAL`` if set, else ``<user data dir>/oxgen/journal.sqlite3``
    (platformdirs decides the data dir)."""
    override = os.environ.get("OXGEN_JOURNAL")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_data_path("oxgen", appauthor=False) / "journal.sqlite3"


def payload_sha256(payload: Mapping[str, Any]) -> str:
    """Hash of the payload's canonical JSON: recognizes a payload without storing it."""
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class JournalEntry:
    """One journaled generation."""

    generation_id: str
    base_url: str
    model_id: str
    payload_sha256: str
    status: str
    media_type: str | None
    result_url: str | None
    error: str | None
    created_at: float
    updated_at: float

    @property
    def is_open(self) -> bool:
        return self.status in _OPEN


class Journal:
    """A small, thread-safe wrapper over one SQLite connection."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Create the file ourselves so it is never world-readable, even for an instant.
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        os.chmod(self.path, 0o600)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=10.0)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)
            self._db.commit()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def record(
        self,
        generation_ids: list[str],
        *,
        base_url: str,
        model_id: str,
        payload_hash: str,
        status: str = "queued",
    ) -> None:
        now = time.time()
        with self._lock:
            self._db.executemany(
                f"INSERT OR IGNORE INTO jobs ({_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)",
                [
                    (gid, base_url, model_id, payload_hash, status, now, now)
                    for gid in generation_ids
                ],
            )
            self._db.commit()

    def update(
        self,
        generation_id: str,
        *,
        status: str,
        media_type: str | None = None,
        result_url: str | None = None,
        error: str | None = None,
    ) -> None:
        with self._lock:
            self._db.execute(
                "UPDATE jobs SET status = ?, media_type = COALESCE(?, media_type), "
                "result_url = COALESCE(?, result_url), error = COALESCE(?, error), "
                "updated_at = ? WHERE generation_id = ?",
                (status, media_type, result_url, error, time.time(), generation_id),
            )
            self._db.commit()

    def get(self, generation_id: str) -> JournalEntry | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE generation_id = ?", (generation_id,)
            ).fetchone()
        return JournalEntry(*row) if row else None

    def entries(
        self, *, open_only: bool = False, base_url: str | None = None
    ) -> list[JournalEntry]:
        query = f"SELECT {_COLUMNS} FROM jobs"
        clauses: list[str] = []
        args: list[object] = []
        if open_only:
            clauses.append("status IN (?, ?)")
            args.extend(_OPEN)
        if base_url is not None:
            clauses.append("base_url = ?")
            args.append(base_url)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        query += " ORDER BY created_at, generation_id"
        with self._lock:
            rows = self._db.execute(query, args).fetchall()
        return [JournalEntry(*row) for row in rows]
