"""Renderers: the golden pull-request body, the JSON contract, and hostile-string safety.

Regenerate the golden file after an intended change with
``OXGEN_REGEN_GOLDEN=1 .venv/bin/pytest tests/generator/test_diff_report.py``.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from generator._diff import (
    JSON_FORMAT_VERSION,
    CatalogDiff,
    Kind,
    Severity,
    diff_catalogs,
    read_catalog,
    render_json,
    render_markdown,
    render_text,
)

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE.parents[1] / "generated" / "_schemas"
GOLDEN = HERE / "golden" / "diff"
OLD_ID = "kling-video-o3-pro-reference-to-video"
NEW_ID = "kling-video-o3-omni"

_CATALOG = read_catalog(SNAPSHOT)


def _scenario() -> CatalogDiff:
    """A week of churn: a rename, a $defs change, a new default, a schema gone, a new title."""
    old = {k: copy.deepcopy(dict(v)) for k, v in _CATALOG.items() if k != NEW_ID}
    new = {k: copy.deepcopy(dict(v)) for k, v in _CATALOG.items() if k != OLD_ID}
    kling = new["kling-video-o3-4k-reference-to-video"]["json_request_schema"]
    kling["$defs"]["Shot"]["properties"]["duration"]["maximum"] = 10
    kling["properties"]["aspect_ratio"]["enum"].append("4:3")
    kling["properties"]["duration"]["default"] = 10
    new["flux-1-dev"]["json_request_schema"]["properties"]["guidance"]["maximum"] = 20
    new["flux-1-dev"]["display_name"] = "FLUX.1 dev (12B)"
    new["ideogram-v4"]["json_request_schema"] = None
    return diff_catalogs(old, new)


def _check_golden(name: str, actual: str) -> None:
    path = GOLDEN / name
    if os.environ.get("OXGEN_REGEN_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"{path} is missing; create it with OXGEN_REGEN_GOLDEN=1"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{path} differs from the rendered report; if the change "
        "is intended, regenerate it with OXGEN_REGEN_GOLDEN=1 "
        ".venv/bin/pytest tests/generator/test_diff_report.py and review the diff"
    )


def test_golden_markdown_report() -> None:
    _check_golden("report.md", render_markdown(_scenario()))


def test_markdown_puts_breaking_models_first() -> None:
    text = render_markdown(_scenario())
    headings = [line for line in text.splitlines() if line.startswith("### `")]
    severities = [line.rsplit("(", 1)[1].rstrip(")") for line in headings]
    order = {"breaking": 0, "compatible": 1, "cosmetic": 2}
    assert severities == sorted(severities, key=order.__getitem__)
    assert severities[0] == "breaking"
    assert "### Likely renames" in text


def test_json_shape() -> None:
    document = json.loads(render_json(_scenario()))
    assert document["format"] == "oxgen-catalog-diff"
    assert document["version"] == JSON_FORMAT_VERSION
    assert document["worst"] == "breaking"
    assert set(document) == {
        "added",
        "counts",
        "format",
        "models",
        "removed",
        "renames",
        "version",
        "worst",
    }
    assert set(document["counts"]) == {"breaking", "compatible", "cosmetic"}
    assert document["added"] == [NEW_ID]
    assert document["removed"] == [OLD_ID]
    (rename,) = document["renames"]
    assert {"old_id", "new_id", "score", "id_similarity", "schema_similarity", "changes"} == set(
        rename
    )
    assert (rename["old_id"], rename["new_id"]) == (OLD_ID, NEW_ID)
    model_ids = [model["model_id"] for model in document["models"]]
    assert model_ids == sorted(model_ids)
    kinds = {kind.value for kind in Kind}
    total = 0
    for model in document["models"]:
        assert model["worst"] in {"breaking", "compatible", "cosmetic"}
        for change in model["changes"]:
            total += 1
            assert {"path", "kind", "severity", "keyword", "message"} <= set(change)
            assert set(change) <= {"path", "kind", "severity", "keyword", "message", "old", "new"}
            assert change["kind"] in kinds
    assert total == sum(document["counts"].values())
    ideogram = next(m for m in document["models"] if m["model_id"] == "ideogram-v4")
    (gone,) = ideogram["changes"]
    assert gone["kind"] == "schema-removed"
    assert "old" in gone
    assert "new" not in gone, "absent values are omitted, not null"
    duration = next(
        c
        for m in document["models"]
        for c in m["changes"]
        if c["path"] == "/multi_prompt/items/duration"
    )
    assert (duration["old"], duration["new"], duration["severity"]) == (15, 10, "breaking")


def test_empty_diff_renders() -> None:
    empty = diff_catalogs(_CATALOG, _CATALOG)
    assert "No changes." in render_text(empty)
    assert "No changes." in render_markdown(empty)
    document = json.loads(render_json(empty))
    assert (document["worst"], document["models"]) == (None, [])


def test_text_report_lists_every_change() -> None:
    diff = _scenario()
    text = render_text(diff, width=200)
    assert "\x1b" not in text
    assert "/multi_prompt/items/duration" in text
    assert f"Likely rename: {OLD_ID} -> {NEW_ID}" in text
    for model_id in diff.by_model():
        assert model_id in text
    assert "1 cosmetic change(s): display_name" in text
    assert "display_name changed" in render_text(diff, width=200, verbose=True)
    colored = render_text(diff, width=200, color=True)
    assert "\x1b[" in colored


def _hostile() -> CatalogDiff:
    evil = "x|y`z\n## injected\x1b[31m[red]markup[/red] <script>"
    old: dict[str, Any] = {evil: {"id": evil, "display_name": evil}}
    new = {
        evil: {
            "id": evil,
            "display_name": evil,
            "json_request_schema": {"properties": {evil: {"type": "string"}}},
        }
    }
    return diff_catalogs(old, new)


def _outside_code_spans(line: str) -> str:
    return re.sub(r"(`+)(.+?)\1", "", line)


def test_hostile_strings_cannot_forge_markdown() -> None:
    text = render_markdown(_hostile())
    assert "<script>" in text, "the hostile id must be shown (inside code spans)"
    assert all("<script>" not in _outside_code_spans(line) for line in text.splitlines())
    assert "\n## injected" not in text
    assert "\x1b" not in text
    for line in text.splitlines():
        if line.startswith("|"):
            # every row keeps its column count: a pipe inside a value is always escaped
            cells = line.replace("\\|", "").count("|")
            assert cells in {3, 6}, line


def test_hostile_strings_cannot_forge_terminal_output() -> None:
    text = render_text(_hostile(), width=300)
    assert "\x1b" not in text
    assert "[red]markup[/red]" in text, "rich markup in data must be shown, never parsed"
    assert "\n## injected" not in text


def test_severity_labels() -> None:
    assert [s.label for s in sorted(Severity, reverse=True)] == [
        "breaking",
        "compatible",
        "cosmetic",
    ]


def test_golden_mismatch_says_how_to_regenerate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("OXGEN_REGEN_GOLDEN", raising=False)
    monkeypatch.setattr(sys.modules[__name__], "GOLDEN", tmp_path)
    (tmp_path / "stale.md").write_text("old report\n", encoding="utf-8")
    with pytest.raises(AssertionError, match="OXGEN_REGEN_GOLDEN=1"):
        _check_golden("stale.md", "new report\n")


def test_public_names_match_all() -> None:
    import generator._diff as package

    assert all(hasattr(package, name) for name in package.__all__)
    public = {
        name for name in vars(package) if name.isidentifier() and not name.startswith("_")
    } - {"annotations"}
    assert public == set(package.__all__)
