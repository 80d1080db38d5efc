"""The wheel: packages, templates, py.typed, snapshot and script, working outside the checkout."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_MODELS = REPO.parent / "shared" / "models"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            out,
            REPO,
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("oxgen-*.whl")
    return found


def test_wheel_contents(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "generator/py.typed",
        "generated/py.typed",
        "generated/__init__.py",
        "generated/_schemas/index.json",
        "generated/kling_video_o3_omni.py",
        "generator/_templates/module.py.jinja",
        "generator/_templates/validator/body.py.jinja",
    ):
        assert required in names, required
    assert not any(name.startswith("tests/") for name in names)
    entry_points = next(name for name in names if name.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "oxgen = generator._cli:main" in text


@pytest.mark.skipif(not SHARED_MODELS.is_dir(), reason="../shared/models is absent")
def test_installed_wheel_generates_outside_the_checkout(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = (
        "import generated, generator._render as r; "
        "print(generated.__file__); print(r.templates_dir()); print(len(generated.MODELS))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, templates, count = done.stdout.split()
    assert module_file.startswith(str(site))
    assert templates == str(site / "generator" / "_templates")
    assert int(count) == 22
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            "generate",
            "--from",
            SHARED_MODELS,
            "--out",
            tmp_path / "pkg",
        ],
        cwd=tmp_path,
        env=env,
        check=True,
        capture_output=True,
    )
    imported = subprocess.run(
        [sys.executable, "-c", "import pkg; print(pkg.load('flux-1-dev').payload(prompt='x'))"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert imported.stdout.strip() == "{'prompt': 'x'}"
