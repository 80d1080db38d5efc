"""The job journal: an SQLite file that outlives the process.

Two tables. ``submissions`` holds one *intent* per enqueue, written and committed before the
first ``POST`` leaves: a crash between sending and hearing the answer then leaves a
``sending`` row that ``Client.recover()`` settles against the queue, so paid work is never
lost. ``jobs`` holds every generation id (recorded in the same transaction that settles its
intent), then its status and result URL as they change, so ``Client.recover()`` and
``oxgen jobs`` can find work a crashed process left behind.

Privacy: the journal never holds the API key, only the API base URL, model, a hash of the
payload and what the server said. The payload itself (its JSON) is kept only while its
intent is unsettled (``sending`` or ``ambiguous``), because matching queue rows needs it; it
is set to NULL as soon as the intent is ``settled`` or ``not-enqueued``. The file is created
with mode 0600 (payloads, hashes and result URLs are private) and uses WAL so a reader
(``oxgen jobs list``) never blocks the runner. Tables are created with ``IF NOT EXISTS``, so
a journal written by an older version gains the new table on first open.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "SENDING",
    "UNSETTLED",
    "Intent",
    "Journal",
    "JournalEntry",
    "default_journal_path",
    "payload_sha256",
]

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
CREATE TABLE IF NOT EXISTS submissions (
    intent_id TEXT PRIMARY KEY,
    base_url TEXT NOT NULL,
    model_id TEXT NOT NULL,
    payload_sha256 TEXT NOT NULL,
    num_generations INTEGER NOT NULL,
    status TEXT NOT NULL,
    payload_json TEXT,
    candidates TEXT,
    generation_ids TEXT,
    sent_at REAL NOT NULL,
    last_sent_at REAL NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS submissions_status ON submissions (status);
"""

_OPEN = ("queued", "processing")
# Intent statuses: the POST may be on its way (or its answer was lost); the answer was
# recorded; nothing was created; the queue shows a different number of matching rows.
SENDING = "sending"
SETTLED = "settled"
NOT_ENQUEUED = "not-enqueued"
AMBIGUOUS = "ambiguous"
UNSETTLED = (SENDING, AMBIGUOUS)
_INTENT_COLUMNS = (
    "intent_id, base_url, model_id, payload_sha256, num_generations, status, payload_json, "
    "candidates, generation_ids, sent_at, last_sent_at, created_at, updated_at"
)
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


def _canonical(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def payload_sha256(payload: Mapping[str, Any]) -> str:
    """Hash of the payload's canonical JSON: recognizes a payload without storing it."""
    return _sha256(_canonical(payload))


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


@dataclass(frozen=True)
class Intent:
    """One submission: what was (or is being) sent, and what came of it.

    ``sent_at`` is when the first POST was about to leave, ``last_sent_at`` the latest
    (re)send: a lost enqueue created its rows between the two plus one request timeout.
    ``payload`` is ``None`` once the intent is settled (see the module docstring).
    """

    intent_id: str
    base_url: str
    model_id: str
    payload_sha256: str
    num_generations: int
    status: str
    payload: Mapping[str, Any] | None
    candidates: tuple[str, ...]
    generation_ids: tuple[str, ...]
    sent_at: float
    last_sent_at: float
    created_at: float
    updated_at: float

    @classmethod
    def _from_row(cls, row: tuple[Any, ...]) -> Intent:
        (iid, base, model, sha, num, status, payload, cands, gids, sent, last, made, upd) = row
        return cls(
            iid,
            base,
            model,
            sha,
            int(num),
            status,
            json.loads(payload) if payload is not None else None,
            tuple(json.loads(cands)) if cands else (),
            tuple(json.loads(gids)) if gids else (),
            sent,
            last,
            made,
            upd,
        )


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
        with self._lock, self._db:
            self._insert_jobs(generation_ids, base_url, model_id, payload_hash, status)

    def _insert_jobs(
        self, ids: list[str], base_url: str, model_id: str, payload_hash: str, status: str
    ) -> None:
        """Insert job rows (ids already known are kept as they are); the caller commits."""
        now = time.time()
        self._db.executemany(
            f"INSERT OR IGNORE INTO jobs ({_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, NULL, NULL, NULL, ?, ?)",
            [(gid, base_url, model_id, payload_hash, status, now, now) for gid in ids],
        )

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
        rows = self._select(
            f"SELECT {_COLUMNS} FROM jobs",
            _OPEN if open_only else None,
            base_url,
            "created_at, generation_id",
        )
        return [JournalEntry(*row) for row in rows]

    def _select(
        self, select: str, statuses: tuple[str, ...] | None, base_url: str | None, order: str
    ) -> list[tuple[Any, ...]]:
        """``select`` filtered by status and base URL (when given), in ``order``."""
        clauses: list[str] = []
        args: list[object] = []
        if statuses is not None:
            clauses.append(f"status IN ({', '.join('?' for _ in statuses)})")
            args.extend(statuses)
        if base_url is not None:
            clauses.append("base_url = ?")
            args.append(base_url)
        query = select + (" WHERE " + " AND ".join(clauses) if clauses else "")
        with self._lock:
            return list(self._db.execute(f"{query} ORDER BY {order}", args).fetchall())

    # Submission intents.

    def begin_intent(
        self, *, base_url: str, model_id: str, payload: Mapping[str, Any], num_generations: int
    ) -> str:
        """Write (and commit) a ``sending`` intent; call it before the POST leaves."""
        intent_id = uuid.uuid4().hex
        now = time.time()
        text = _canonical(payload)
        with self._lock, self._db:
            self._db.execute(
                f"INSERT INTO submissions ({_INTENT_COLUMNS}) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?, ?)",
                (
                    intent_id,
                    base_url,
                    model_id,
                    _sha256(text),
                    num_generations,
                    SENDING,
                    text,
                    now,
                    now,
                    now,
                    now,
                ),
            )
        return intent_id

    def resending(self, intent_id: str, payload: Mapping[str, Any]) -> None:
        """Note that the POST is about to be sent again (it widens the matching window).

        The intent is ``sending`` again, payload included, even if another process's
        ``recover()`` marked it ``not-enqueued`` meanwhile: this send may create rows.
        """
        now = time.time()
        text = _canonical(payload)
        with self._lock, self._db:
            self._db.execute(
                "UPDATE submissions SET status = ?, payload_json = ?, last_sent_at = ?, "
                "updated_at = ? WHERE intent_id = ?",
                (SENDING, text, now, now, intent_id),
            )

    def settle_intent(self, intent_id: str, generation_ids: list[str]) -> None:
        """Record the generations an intent created and mark it settled, in one transaction:
        after a crash, either both are on disk or the intent is still ``sending``."""
        now = time.time()
        with self._lock, self._db:
            found = self._db.execute(
                "SELECT base_url, model_id, payload_sha256 FROM submissions WHERE intent_id = ?",
                (intent_id,),
            ).fetchone()
            if found is None:
                raise KeyError(intent_id)
            base_url, model_id, payload_hash = found
            self._insert_jobs(generation_ids, base_url, model_id, payload_hash, "queued")
            self._db.execute(
                "UPDATE submissions SET status = ?, payload_json = NULL, candidates = NULL, "
                "generation_ids = ?, updated_at = ? WHERE intent_id = ?",
                (SETTLED, json.dumps(generation_ids), now, intent_id),
            )

    def not_enqueued(self, intent_id: str) -> None:
        """Mark an intent as having created nothing; its payload is dropped."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE submissions SET status = ?, payload_json = NULL, updated_at = ? "
                "WHERE intent_id = ?",
                (NOT_ENQUEUED, time.time(), intent_id),
            )

    def ambiguous(self, intent_id: str, candidates: list[str] | tuple[str, ...]) -> None:
        """Mark an intent the queue could not decide; the payload stays (a person decides)."""
        with self._lock, self._db:
            self._db.execute(
                "UPDATE submissions SET status = ?, candidates = ?, updated_at = ? "
                "WHERE intent_id = ?",
                (AMBIGUOUS, json.dumps(sorted(candidates)), time.time(), intent_id),
            )

    def intents(
        self, *, statuses: tuple[str, ...] | None = None, base_url: str | None = None
    ) -> list[Intent]:
        """Intents, oldest first; ``statuses`` filters (e.g. ``UNSETTLED``)."""
        rows = self._select(
            f"SELECT {_INTENT_COLUMNS} FROM submissions", statuses, base_url, "sent_at, intent_id"
        )
        return [Intent._from_row(row) for row in rows]

    def generation_ids(self) -> set[str]:
        """Every generation id the journal knows (no lost enqueue may adopt one of them)."""
        with self._lock:
            rows = self._db.execute("SELECT generation_id FROM jobs").fetchall()
        return {row[0] for row in rows}
