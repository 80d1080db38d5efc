"""The ``oxen_emulator`` pytest fixture, as users get it through the pytest11 entry point."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from generator.emulator import DEFAULT_API_KEY, Emulator


def test_fixture_yields_a_running_emulator_and_sets_the_environment(oxen_emulator: Emulator):
    assert oxen_emulator.api_key == DEFAULT_API_KEY
    assert os.environ["OXEN_BASE_URL"] == oxen_emulator.base_url
    assert os.environ["OXEN_API_KEY"] == oxen_emulator.api_key
    assert oxen_emulator.base_url.startswith("http://127.0.0.1:")
    response = httpx.get(
        f"{os.environ['OXEN_BASE_URL']}/api/ai/models",
        headers={"Authorization": f"Bearer {os.environ['OXEN_API_KEY']}"},
    )
    assert response.status_code == 200
    assert (oxen_emulator.config.speed, oxen_emulator.config.seed) == (1000.0, 0)


@pytest.mark.oxen_emulator(speed=5, seed=9, fail_rate=0.25, api_keys=("mine",))
def test_marker_options_reach_config_and_faults(oxen_emulator: Emulator) -> None:
    assert (oxen_emulator.config.speed, oxen_emulator.config.seed) == (5, 9)
    assert oxen_emulator.stats()["faults"]["fail_rate"] == 0.25
    assert oxen_emulator.api_key == "mine"


_USER_TESTS = """
import os

import httpx
import pytest

def test_without_the_fixture():
    assert True

def test_with_the_fixture(oxen_emulator):
    response = httpx.post(
        os.environ["OXEN_BASE_URL"] + "/api/ai/queue",
        headers={"Authorization": "Bearer " + os.environ["OXEN_API_KEY"]},
        json={"model": "flux-1-dev", "prompt": "x"},
    )
    assert response.status_code == 200
    assert oxen_emulator.stats()["requests"] == {"POST /api/ai/queue": 1}

@pytest.mark.oxen_emulator(speed=0)
def test_bad_marker(oxen_emulator):
    pass
"""

# Runs pytest on a user's project, optionally with the emulator's dependencies unimportable.
_RUNNER = """
import sys
if sys.argv[2] == "block":
    sys.modules["starlette"] = None
    sys.modules["uvicorn"] = None
import pytest
# Hypothesis is not needed there and costs seconds to import.
args = ["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--rootdir", sys.argv[1]]
sys.exit(pytest.main([*args, sys.argv[1]]))
"""


def _run_user_project(folder: Path, mode: str) -> tuple[int, str]:
    (folder / "test_user.py").write_text(textwrap.dedent(_USER_TESTS), encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _RUNNER, str(folder), mode],
        capture_output=True,
        text=True,
        timeout=90,
        cwd=folder,
        check=False,
    )
    return result.returncode, result.stdout + result.stderr


def test_plugin_serves_a_user_project(tmp_path: Path) -> None:
    code, output = _run_user_project(tmp_path, "normal")
    assert code == 1, output
    assert "2 passed" in output, output
    assert "1 error" in output, output
    assert "bad @pytest.mark.oxen_emulator options: speed must be" in output


def test_plugin_loads_without_the_extra_and_only_the_fixture_fails(tmp_path: Path) -> None:
    code, output = _run_user_project(tmp_path, "block")
    assert code == 1, output
    assert "1 passed" in output, output
    assert "2 errors" in output, output
    assert "pip install 'oxgen[emulator]'" in output


def test_plugin_module_imports_nothing_heavy() -> None:
    code = (
        "import sys, generator.testing; "
        "heavy = {'starlette', 'uvicorn', 'jsonschema', 'httpx'} & set(sys.modules); "
        "print(sorted(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"
