from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "generated" / "_schemas"
SHARED_MODELS = REPO.parent / "shared" / "models"


def snapshot_models() -> list[dict[str, Any]]:
    return [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SNAPSHOT.glob("*.json"))
        if path.name != "index.json"
    ]


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    """A writable copy of the embedded snapshot's model objects."""
    folder = tmp_path / "models"
    folder.mkdir()
    for path in SNAPSHOT.glob("*.json"):
        if path.name != "index.json":
            shutil.copy(path, folder / path.name)
    return folder
