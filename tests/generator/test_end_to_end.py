"""The main job over real sockets: emulator -> sync -> generate -> import -> submit -> result."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator._cli import main
from generator.runtime import Client, JobFailed, PayloadError


def test_sync_generate_import_submit_result(oxen_emulator: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    env = {"OXEN_BASE_URL": oxen_emulator.base_url, "OXEN_API_KEY": oxen_emulator.api_key}
    synced = runner.invoke(main, ["sync", "--out", str(tmp_path / "snap")], env=env)
    assert synced.exit_code == 0, synced.output
    assert "Synced 22 models" in synced.output
    generated = runner.invoke(
        main, ["generate", "--from", str(tmp_path / "snap"), "--out", str(tmp_path / "e2e_pkg")]
    )
    assert generated.exit_code == 0, generated.output

    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module("e2e_pkg")
        t2v = package.load("kling-video-o3-4k-text-to-video")
    finally:
        sys.path.remove(str(tmp_path))
    before = oxen_emulator.stats()["requests"]
    with pytest.raises(PayloadError):
        t2v.submit(prompt="a cat", duration=20)  # rejected offline: no request made
    assert oxen_emulator.stats()["requests"] == before

    with Client(oxen_emulator.api_key, oxen_emulator.base_url) as client:
        result = t2v.run(prompt="a cat", duration=3, client=client, deadline=60)
        assert result.model_id == "kling-video-o3-4k-text-to-video"
        assert result.media_type == "video"
        path = result.download(tmp_path / "out.mp4")
        assert path.read_bytes()[4:8] == b"ftyp"
        # A payload the schema allows but the server rejects when it runs still surfaces.
        flux = package.load("flux-1-dev")
        job = flux.submit(prompt="x", client=client)
        oxen_emulator.complete(job.id, status="failed", error_message="boom")
        with pytest.raises(JobFailed, match="boom"):
            job.result(timeout=30)
