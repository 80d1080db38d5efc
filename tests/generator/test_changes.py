"""``oxgen generate`` reports what it changed and keeps ``CHANGES.md`` deterministic."""

from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from generator._changes import CHANGES_FILE, module_catalog, package_catalog
from generator._cli import main
from generator._diff import Kind, Severity
from generator._generate import GENERATED_MARKER, plan, stale, write

from .conftest import SNAPSHOT

# Two small real models keep each generation well under a second.
MODELS = ("flux_1_dev", "ideogram_v4")


def _models() -> dict[str, dict[str, Any]]:
    return {
        name: json.loads((SNAPSHOT / f"{name}.json").read_text(encoding="utf-8")) for name in MODELS
    }


def _write_source(folder: Path, models: dict[str, dict[str, Any]]) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, model in models.items():
        (folder / f"{name}.json").write_text(json.dumps(model), encoding="utf-8")
    return folder


def _entries(text: str) -> list[str]:
    return re.findall(r"^## Snapshot `([0-9a-f]{64})`$", text, flags=re.MULTILINE)


def _snapshot_key(out: Path) -> str:
    first = (out / "__init__.py").read_text(encoding="utf-8").splitlines()[1]
    return first.removeprefix("# Snapshot sha256: ")


def _schema(model: dict[str, Any]) -> dict[str, Any]:
    schema: dict[str, Any] = model["json_request_schema"]
    return schema


def test_first_generation_is_a_baseline_without_entry(tmp_path: Path) -> None:
    source = _write_source(tmp_path / "src", _models())
    result = plan(source, tmp_path / "pkg")
    assert result.changes is not None
    assert set(result.changes.added) == {model["id"] for model in _models().values()}
    assert result.files[CHANGES_FILE].startswith("# Catalog changes\n")
    assert _entries(result.files[CHANGES_FILE]) == []


def test_a_breaking_change_gets_one_entry_keyed_by_the_snapshot(tmp_path: Path) -> None:
    models = _models()
    out = tmp_path / "pkg"
    write(plan(_write_source(tmp_path / "src", models), out))
    changed = copy.deepcopy(models)
    flux = _schema(changed["flux_1_dev"])
    removed_property = sorted(flux["properties"])[0]
    del flux["properties"][removed_property]
    result = plan(_write_source(tmp_path / "src", changed), out)
    assert result.changes is not None
    assert result.changes.worst is Severity.BREAKING
    kinds = {change.kind for change in result.changes.changes}
    assert Kind.PROPERTY_REMOVED in kinds
    assert CHANGES_FILE in stale(result)
    write(result)
    text = (out / CHANGES_FILE).read_text(encoding="utf-8")
    assert _entries(text) == [_snapshot_key(out)]
    assert f"`/{removed_property}`" in text or removed_property in text
    # Regenerating from the same snapshot changes nothing, CHANGES.md included (--check agrees).
    again = plan(tmp_path / "src", out)
    assert stale(again) == []
    assert again.changes is not None
    assert again.changes.changes == ()
    assert again.files[CHANGES_FILE] == text


def test_entries_stack_newest_first_and_keep_history(tmp_path: Path) -> None:
    models = _models()
    out = tmp_path / "pkg"
    write(plan(_write_source(tmp_path / "src", models), out))
    step1 = copy.deepcopy(models)
    del step1["ideogram_v4"]
    write(plan(_write_source(tmp_path / "src", step1), out))
    first_key = _snapshot_key(out)
    first_text = (out / CHANGES_FILE).read_text(encoding="utf-8")
    step2 = copy.deepcopy(step1)
    _schema(step2["flux_1_dev"])["properties"]["new_knob"] = {"type": "boolean"}
    write(plan(_write_source(tmp_path / "src", step2), out))
    text = (out / CHANGES_FILE).read_text(encoding="utf-8")
    assert _entries(text) == [_snapshot_key(out), first_key]
    assert first_key != _snapshot_key(out)
    # The older entry is kept byte for byte.
    old_entry = first_text[first_text.index("## Snapshot") :]
    assert text.endswith(old_entry)
    assert "model removed" in old_entry
    assert "new_knob" in text[: text.index(first_key)]


def test_cosmetic_only_catalog_fields_add_no_entry(tmp_path: Path) -> None:
    models = _models()
    out = tmp_path / "pkg"
    write(plan(_write_source(tmp_path / "src", models), out))
    write(plan(_write_source(tmp_path / "src", models), out))  # a CHANGES.md on disk
    priced = copy.deepcopy(models)
    priced["flux_1_dev"]["pricing"] = {"per_image": 123}
    result = plan(_write_source(tmp_path / "src", priced), out)
    assert result.changes is not None
    assert result.changes.changes == ()
    assert _entries(result.files[CHANGES_FILE]) == []
    # The package itself still changes (its snapshot does), only the changelog does not.
    assert "__init__.py" in stale(result)
    assert CHANGES_FILE not in stale(result)


def test_sync_in_place_still_diffs_against_the_modules(tmp_path: Path) -> None:
    """``make sync`` rewrites out/_schemas before ``make generate`` reads it."""
    models = _models()
    out = tmp_path / "pkg"
    write(plan(_write_source(tmp_path / "src", models), out))
    changed = copy.deepcopy(models)
    _schema(changed["flux_1_dev"])["required"] = [
        *_schema(changed["flux_1_dev"]).get("required", []),
        "seed",
    ]
    snapshot = out / "_schemas"
    for name, model in changed.items():
        (snapshot / f"{name}.json").write_text(json.dumps(model), encoding="utf-8")
    result = plan(snapshot, out)
    assert result.changes is not None
    assert [change.kind for change in result.changes.changes] == [Kind.BECAME_REQUIRED]


def test_partial_generation_leaves_the_changelog_alone(tmp_path: Path) -> None:
    source = _write_source(tmp_path / "src", _models())
    result = plan(source, tmp_path / "pkg", model_ids=[_models()["flux_1_dev"]["id"]])
    assert result.changes is None
    assert CHANGES_FILE not in result.files


def test_module_catalog_reads_constants_without_running_code(tmp_path: Path) -> None:
    assert module_catalog("def broken(:\n") is None
    assert module_catalog(f"{GENERATED_MARKER}\nMODEL_ID: str = 'x'\n") is None
    hostile = (
        f"{GENERATED_MARKER}\n"
        "MODEL_ID: str = 'm'\nDISPLAY_NAME: str = 'M'\nENDPOINT: str = '/images/generate'\n"
        "SCHEMA: dict = __import__('os').system('exit 1')\n"
    )
    assert module_catalog(hostile) is None
    (tmp_path / "hand_written.py").write_text("MODEL_ID: str = 'not generated'\n")
    assert package_catalog(tmp_path) == {}
    assert package_catalog(tmp_path / "missing") == {}


def test_cli_generate_prints_the_diff_summary(tmp_path: Path) -> None:
    models = _models()
    out = tmp_path / "pkg"
    runner = CliRunner()
    source = _write_source(tmp_path / "src", models)
    first = runner.invoke(main, ["generate", "--from", str(source), "--out", str(out)])
    assert first.exit_code == 0, first.output
    changed = copy.deepcopy(models)
    _schema(changed["ideogram_v4"])["properties"].pop(
        sorted(_schema(changed["ideogram_v4"])["properties"])[-1]
    )
    source = _write_source(tmp_path / "src", changed)
    second = runner.invoke(main, ["generate", "--from", str(source), "--out", str(out)])
    assert second.exit_code == 0, second.output
    assert "CHANGES.md" in second.output
    assert "Catalog diff: 1 breaking" in second.output
    assert "ideogram" in second.output
    third = runner.invoke(main, ["generate", "--from", str(source), "--out", str(out)])
    assert "Catalog diff" not in third.output
    assert "0 files changed" in third.output
