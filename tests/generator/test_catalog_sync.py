"""``.ci/catalog-sync``, the weekly sync job, run for real against the emulator."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".ci" / "catalog-sync"
OXGEN = Path(sys.executable).with_name("oxgen")

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or not OXGEN.exists(), reason="needs bash and the oxgen script"
)


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "generated", project / "generated")
    return project


def _run(emulator: Any, project: Path, body: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "OXGEN_ROOT": str(project),
        "OXGEN": str(OXGEN),
        "OXEN_API_KEY": emulator.api_key,
        "OXEN_BASE_URL": emulator.base_url,
    }
    return subprocess.run(
        ["bash", str(SCRIPT), str(body)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_an_unchanged_catalog_exits_0_and_changes_nothing(
    oxen_emulator: Any, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    before = _tree(project / "generated")
    done = _run(oxen_emulator, project, tmp_path / "body.md")
    assert done.returncode == 0, done.stdout + done.stderr
    assert _tree(project / "generated") == before
    assert "No changes" in (tmp_path / "body.md").read_text(encoding="utf-8")


def test_a_changed_catalog_exits_1_regenerates_and_writes_the_body(
    oxen_emulator: Any, tmp_path: Path
) -> None:
    project = _project(tmp_path)
    # Our snapshot says guidance may reach 20; the live catalog (the emulator) says 10.
    snapshot = project / "generated" / "_schemas" / "flux_1_dev.json"
    model = json.loads(snapshot.read_text(encoding="utf-8"))
    model["json_request_schema"]["properties"]["guidance"]["maximum"] = 20
    snapshot.write_text(json.dumps(model), encoding="utf-8")
    done = _run(oxen_emulator, project, tmp_path / "body.md")
    assert done.returncode == 1, done.stdout + done.stderr
    body = (tmp_path / "body.md").read_text(encoding="utf-8")
    assert "flux-1-dev" in body
    assert "guidance" in body
    # Back in step with the live catalog: byte for byte what the repository commits.
    assert _tree(project / "generated") == _tree(ROOT / "generated")


def test_an_unreachable_api_is_an_error_not_a_change(tmp_path: Path) -> None:
    class Nowhere:
        api_key = "key"
        base_url = "http://127.0.0.1:9"  # the discard port: nothing answers

    project = _project(tmp_path)
    before = _tree(project / "generated")
    done = _run(Nowhere(), project, tmp_path / "body.md")
    assert done.returncode == 3, done.stdout + done.stderr
    assert _tree(project / "generated") == before
