"""``oxgen generate``: a package from any folder of model objects, problems as values."""

from __future__ import annotations

import importlib
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator._cli import main
from generator._generate import plan, stale, write

from .conftest import REPO, SHARED_MODELS, snapshot_models

HOSTILE: dict[str, Any] = {
    "id": 'evil"""\\../../x\'',
    "display_name": 'Evil """ \\ model\nimport os',
    "summary": 'ends with a quote"',
    "endpoint": "/images/generate",
    "capabilities": {"input": ["text"], "output": ["image"]},
    "json_request_schema": {
        "type": "object",
        "description": '"""; import os; """',
        "properties": {
            "aspect-ratio": {"type": "string", "enum": ["a'b", 'c"d', "e\nf", '"""x', "\\"]},
            "class": {"type": "integer", "default": 3, "description": "a\\nb \"\"\" '''"},
            "client": {"type": "string", "description": "clashes with the client parameter"},
            "prompt\n": {"type": "string", "default": 'x\\"\n', "maxLength": 9},
            "ünï": {"type": "number", "default": 1},
            "Result": {"$ref": "#/$defs/Result"},
            "neg": {"type": "integer", "enum": [-1, 4, 8], "default": -1},
        },
        "required": ["class"],
        "$defs": {"Result": {"type": "object", "properties": {'x"y': {"type": "boolean"}}}},
    },
}


def _write(folder: Path, *models: dict[str, Any]) -> None:
    for index, model in enumerate(models):
        (folder / f"m{index}.json").write_text(json.dumps(model), encoding="utf-8")


def _import(package: Path) -> Any:
    sys.path.insert(0, str(package.parent))
    try:
        importlib.invalidate_caches()
        return importlib.import_module(package.name)
    finally:
        sys.path.remove(str(package.parent))


def _ruff_and_mypy(package: Path) -> None:
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        [bin_dir / "ruff", "format", "--check", "--line-length", "100", package], check=True
    )
    subprocess.run(
        [bin_dir / "ruff", "check", "--select", "E,F,W,I,B,UP", "--ignore", "E501", package],
        check=True,
    )
    subprocess.run(
        [
            bin_dir / "mypy",
            "--strict",
            "--no-incremental",
            "--python-version",
            "3.10",
            package.name,
        ],
        cwd=package.parent,
        check=True,
    )


@pytest.mark.skipif(not SHARED_MODELS.is_dir(), reason="../shared/models is absent")
def test_all_shared_models_generate_importable(tmp_path: Path) -> None:
    out = tmp_path / "bindings"
    result = CliRunner().invoke(main, ["generate", "--from", str(SHARED_MODELS), "--out", str(out)])
    assert result.exit_code == 0, result.output
    package = _import(out)
    assert len(package.MODELS) == 22
    module = package.load("happyhorse-1.0-t2v")
    assert module.__name__ == "bindings.happyhorse_1_0_t2v"
    assert module.MODEL_ID == "happyhorse-1.0-t2v"
    assert (out / "_schemas" / "index.json").is_file()  # the package carries its snapshot
    with pytest.raises(LookupError, match=r"did you mean 'happyhorse-1\.0-t2v'"):
        package.load("happyhorse-1.0-t2")


def test_bad_models_are_reported_and_the_rest_generate(tmp_path: Path, models_dir: Path) -> None:
    broken = [
        {"id": "no-schema", "capabilities": {"output": ["video"]}},
        {"id": "null-schema", "capabilities": {"output": ["video"]}, "request_schema": None},
        {
            "id": "bad-schema",
            "capabilities": {"output": ["video"]},
            "json_request_schema": {"type": 5},
        },
        {
            "id": "chat-model",
            "capabilities": {"output": ["text"]},
            "json_request_schema": {"type": "object"},
        },
    ]
    _write(models_dir, *broken)
    (models_dir / "garbage.json").write_text("{not json", encoding="utf-8")
    out = tmp_path / "pkg"
    result = CliRunner().invoke(main, ["generate", "--from", str(models_dir), "--out", str(out)])
    assert result.exit_code == 1
    assert "error: no-schema: the model has no request schema" in result.output
    assert "error: null-schema: the model has no request schema" in result.output
    assert (
        "error: bad-schema at /json_request_schema/type: not a valid JSON Schema" in result.output
    )
    assert "error: chat-model at /capabilities/output" in result.output
    assert "error: garbage.json: cannot read model object" in result.output
    assert len(list(out.glob("*.py"))) == 23  # 22 models + __init__


def test_hostile_schema_renders_safe_formatted_typed_code(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    _write(folder, HOSTILE)
    out = tmp_path / "hostile"
    result = plan(folder, out)
    assert not result.failed, result.problems
    write(result)
    assert sorted(path.name for path in out.glob("*.py")) == ["__init__.py", "evil_x.py"]
    module = _import(out).load(HOSTILE["id"])
    assert HOSTILE["id"] == module.MODEL_ID
    assert HOSTILE["display_name"] == module.DISPLAY_NAME
    assert HOSTILE["json_request_schema"] == module.SCHEMA
    params = inspect.signature(module.payload).parameters
    alias = next(name for name in params if name.startswith("aspect_ratio"))
    assert {"class_", "client_", "prompt", "uni", "Result_"} <= set(params)  # safe aliases, stable
    body = module.payload(class_=1, client_="c", **{alias: "e\nf"})
    assert body == {"class": 1, "client": "c", "aspect-ratio": "e\nf"}
    assert module.validate({"class": 1, "aspect-ratio": '"""x'}) == []
    assert [issue.path for issue in module.validate({"class": "1", "neg": 5})] == ["/class", "/neg"]
    _ruff_and_mypy(out)


def test_unprintable_model_id_is_rejected_by_id(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    _write(folder, {**HOSTILE, "id": "a\nb"}, {**HOSTILE, "id": "fine"})
    result = plan(folder, tmp_path / "pkg")
    assert [(p.model_id, p.pointer) for p in result.problems] == [("a\nb", "/id")]
    assert [spec.model_id for spec in result.specs] == ["fine"]


def test_check_reports_stale_and_missing(tmp_path: Path, models_dir: Path) -> None:
    out = tmp_path / "pkg"
    runner = CliRunner()
    assert (
        runner.invoke(
            main, ["generate", "--from", str(models_dir), "--out", str(out), "--check"]
        ).exit_code
        == 1
    )
    assert (
        runner.invoke(main, ["generate", "--from", str(models_dir), "--out", str(out)]).exit_code
        == 0
    )
    checked = runner.invoke(
        main, ["generate", "--from", str(models_dir), "--out", str(out), "--check"]
    )
    assert checked.exit_code == 0, checked.output
    (out / "flux_1_dev.py").write_text("# DO NOT EDIT: generated by oxgen\n", encoding="utf-8")
    (models_dir / "google_veo_3_1.json").unlink()
    (out / "notes.py").write_text("# hand-written: never touched\n", encoding="utf-8")
    checked = runner.invoke(
        main, ["generate", "--from", str(models_dir), "--out", str(out), "--check"]
    )
    assert checked.exit_code == 1
    assert "flux_1_dev.py" in checked.output
    assert "google_veo_3_1.py" in checked.output  # a leftover of a removed model
    assert "notes.py" not in checked.output
    assert (
        runner.invoke(main, ["generate", "--from", str(models_dir), "--out", str(out)]).exit_code
        == 0
    )
    assert not (out / "google_veo_3_1.py").exists() and (out / "notes.py").exists()
    assert stale(plan(models_dir, out)) == []


def test_model_filter_generates_only_those(tmp_path: Path, models_dir: Path) -> None:
    out = tmp_path / "pkg"
    result = CliRunner().invoke(
        main,
        [
            "generate",
            "--from",
            str(models_dir),
            "--out",
            str(out),
            "--model",
            "flux-1-dev",
            "--model",
            "nope",
        ],
    )
    assert result.exit_code == 1
    assert "error: nope: not found" in result.output
    assert sorted(p.name for p in out.glob("*.py")) == ["__init__.py", "flux_1_dev.py"]


def test_committed_package_is_current() -> None:
    result = plan(REPO / "generated" / "_schemas", REPO / "generated")
    assert not result.failed
    assert stale(result) == [], "generated/ is stale: run `make generate`"
    assert len(result.specs) == len(snapshot_models())


def test_regeneration_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    digests = []
    for seed in ("0", "12345"):
        out = tmp_path / f"pkg{seed}"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "generator",
                "generate",
                "--from",
                str(REPO / "generated" / "_schemas"),
                "--out",
                str(out),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        files = sorted(p for p in out.rglob("*") if p.is_file())
        digests.append({p.relative_to(out).as_posix(): p.read_bytes() for p in files})
    assert digests[0] == digests[1]
    generated = REPO / "generated"
    for name, data in digests[0].items():
        assert (generated / name).read_bytes() == data, name
