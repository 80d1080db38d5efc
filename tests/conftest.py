"""Suite-wide: keep every test's job journal and model cache out of the user's directories."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXGEN_JOURNAL", str(tmp_path / "journal.sqlite3"))
    monkeypatch.setenv("OXGEN_CACHE_DIR", str(tmp_path / "model-cache"))
