"""``oxgen check [--live]``: stale package, stale snapshot, API errors, over a real emulator."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from generator._cli import main
from generator._generate import plan, write
from generator.emulator import Emulator, EmulatorConfig

from .conftest import SNAPSHOT

MODELS = ("flux_1_dev", "ideogram_v4")


def _models() -> list[dict[str, Any]]:
    return [json.loads((SNAPSHOT / f"{name}.json").read_text(encoding="utf-8")) for name in MODELS]


@pytest.fixture
def package(tmp_path: Path) -> Path:
    """A generated package of two models, with its snapshot in ``_schemas``."""
    source = tmp_path / "src"
    source.mkdir()
    for model in _models():
        (source / f"{model['id']}.json").write_text(json.dumps(model), encoding="utf-8")
    out = tmp_path / "pkg"
    write(plan(source, out))
    return out


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    with Emulator(EmulatorConfig(models=tuple(_models()), seed=0)) as running:
        yield running


def _check(package: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    command = ["check", "--from", str(package / "_schemas"), "--out", str(package), *args]
    return CliRunner().invoke(main, command, env=env)


def test_current_package_exits_0(package: Path) -> None:
    result = _check(package)
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_hand_edited_module_is_stale(package: Path) -> None:
    module = next(package.glob("flux*.py"))
    module.write_text(module.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    result = _check(package)
    assert result.exit_code == 1
    assert f"  {module.name}" in result.output


def test_changed_snapshot_is_stale_and_prints_the_diff(package: Path) -> None:
    path = next((package / "_schemas").glob("flux*.json"))
    model = json.loads(path.read_text(encoding="utf-8"))
    model["json_request_schema"]["properties"].pop("seed")
    path.write_text(json.dumps(model), encoding="utf-8")
    result = _check(package)
    assert result.exit_code == 1
    assert "Catalog diff: 1 breaking" in result.output
    assert "/seed" in result.output


def test_live_matching_endpoint_exits_0(package: Path, emulator: Emulator) -> None:
    env = {"OXEN_BASE_URL": emulator.base_url, "OXEN_API_KEY": emulator.api_key}
    result = _check(package, "--live", env=env)
    assert result.exit_code == 0, result.output
    assert "matches the models endpoint (2 models)" in result.output


def test_live_changed_endpoint_exits_1_with_the_diff(package: Path, tmp_path: Path) -> None:
    live = copy.deepcopy(_models())
    live[0]["json_request_schema"]["properties"]["seed"]["minimum"] = 10
    with Emulator(EmulatorConfig(models=tuple(live), seed=0)) as changed:
        env = {"OXEN_BASE_URL": changed.base_url, "OXEN_API_KEY": changed.api_key}
        result = _check(package, "--live", env=env)
    assert result.exit_code == 1
    assert "stale against the models endpoint" in result.output
    assert "minimum" in result.output


def test_live_auth_failure_exits_3(package: Path, emulator: Emulator) -> None:
    env = {"OXEN_BASE_URL": emulator.base_url, "OXEN_API_KEY": "wrong-key"}
    result = _check(package, "--live", env=env)
    assert result.exit_code == 3
    assert "OXEN_API_KEY" in result.output


def test_unreadable_snapshot_is_a_usage_error(package: Path) -> None:
    (package / "_schemas" / "broken.json").write_text("{", encoding="utf-8")
    result = _check(package)
    assert result.exit_code == 2
