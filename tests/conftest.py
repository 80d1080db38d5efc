"""Suite-wide: keep every test's job journal out of the user's data directory."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXGEN_JOURNAL", str(tmp_path / "journal.sqlite3"))
