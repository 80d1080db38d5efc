"""Catalog-level diff: models added, removed, renamed, schemas appearing, folders on disk."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from generator._diff import (
    Kind,
    Severity,
    SnapshotReadError,
    diff_catalogs,
    diff_folders,
    read_catalog,
    render_json,
)
from generator._snapshot import write_snapshot

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOT = ROOT / "generated" / "_schemas"
OLD_ID = "kling-video-o3-pro-reference-to-video"
NEW_ID = "kling-video-o3-omni"

_CATALOG = read_catalog(SNAPSHOT)


def _catalog() -> dict[str, dict[str, Any]]:
    return {model_id: copy.deepcopy(dict(model)) for model_id, model in _CATALOG.items()}


def _without(*model_ids: str) -> dict[str, dict[str, Any]]:
    catalog = _catalog()
    for model_id in model_ids:
        del catalog[model_id]
    return catalog


def test_snapshot_against_itself_is_empty() -> None:
    diff = diff_catalogs(_catalog(), _catalog())
    assert diff.changes == ()
    assert diff.worst is None
    assert not diff.fails(Severity.COSMETIC)


def test_model_removed_is_breaking_and_added_is_compatible() -> None:
    diff = diff_catalogs(_without("ideogram-v4"), _without("flux-1-dev"))
    summary = [(c.model_id, c.kind, c.severity) for c in diff.changes]
    assert summary == [
        ("flux-1-dev", Kind.MODEL_REMOVED, Severity.BREAKING),
        ("ideogram-v4", Kind.MODEL_ADDED, Severity.COMPATIBLE),
    ]
    assert (diff.removed, diff.added) == (("flux-1-dev",), ("ideogram-v4",))
    assert diff.renames == (), "different developers: no rename may be suggested"
    assert diff.worst is Severity.BREAKING
    assert diff.counts() == {Severity.BREAKING: 1, Severity.COMPATIBLE: 1, Severity.COSMETIC: 0}


def test_rename_suggested_for_kling_o3_omni() -> None:
    diff = diff_catalogs(_without(NEW_ID), _without(OLD_ID))
    (rename,) = diff.renames
    assert (rename.old_id, rename.new_id) == (OLD_ID, NEW_ID)
    assert 0.5 <= rename.score <= 1
    assert diff.successor(OLD_ID) == NEW_ID
    assert diff.successor(NEW_ID) is None
    (removed,) = [c for c in diff.changes if c.kind is Kind.MODEL_REMOVED]
    assert f"likely renamed to {NEW_ID}" in removed.message
    # What a caller moving to the new id meets: multi_prompt is gone, prompt is now required.
    moves = {(c.path, c.kind) for c in rename.changes}
    assert ("/multi_prompt", Kind.PROPERTY_REMOVED) in moves
    assert ("/prompt", Kind.BECAME_REQUIRED) in moves
    assert all(c.model_id == NEW_ID for c in rename.changes)


def test_rename_is_one_to_one_and_prefers_the_closest() -> None:
    """Two Kling reference models retire, one omni model arrives: one suggestion, the best."""
    near = "kling-video-o3-4k-reference-to-video"
    diff = diff_catalogs(_without(NEW_ID), _without(OLD_ID, near))
    assert [(r.old_id, r.new_id) for r in diff.renames] == [(OLD_ID, NEW_ID)]
    assert diff.successor(near) is None
    assert sorted(diff.removed) == sorted([OLD_ID, near])


def test_no_rename_across_endpoints() -> None:
    old = _without(NEW_ID)
    new = _without(OLD_ID)
    new[NEW_ID]["endpoint"] = "/images/generate"
    assert diff_catalogs(old, new).renames == ()


def test_schema_disappeared_and_appeared() -> None:
    gone, back = _catalog(), _catalog()
    gone["flux-1-dev"]["json_request_schema"] = None
    diff = diff_catalogs(_catalog(), gone)
    assert [(c.kind, c.severity, c.path) for c in diff.changes] == [
        (Kind.SCHEMA_REMOVED, Severity.BREAKING, "")
    ]
    diff = diff_catalogs(gone, back)
    assert [(c.kind, c.severity) for c in diff.changes] == [(Kind.SCHEMA_ADDED, Severity.BREAKING)]
    both_null = diff_catalogs(gone, copy.deepcopy(gone))
    assert both_null.changes == ()


def test_request_schema_key_spelling_does_not_count() -> None:
    """A model moving from json_request_schema to request_schema is the same schema."""
    renamed = _catalog()
    model = renamed["flux-1-dev"]
    model["request_schema"] = model.pop("json_request_schema")
    assert diff_catalogs(_catalog(), renamed).changes == ()


def test_model_metadata_changes() -> None:
    new = _catalog()
    new["flux-1-dev"].update(display_name="FLUX 1", summary="fast", endpoint="/images/edit")
    new["flux-1-dev"]["pricing"]["cost_per_image"] = 0.5
    diff = diff_catalogs(_catalog(), new)
    summary = [(c.kind, c.keyword, c.severity) for c in diff.changes]
    assert summary == [
        (Kind.ENDPOINT_CHANGED, "endpoint", Severity.BREAKING),
        (Kind.METADATA_CHANGED, "display_name", Severity.COSMETIC),
        (Kind.METADATA_CHANGED, "pricing", Severity.COSMETIC),
        (Kind.METADATA_CHANGED, "summary", Severity.COSMETIC),
    ]
    assert all(c.location == "(model)" for c in diff.changes)


def test_non_object_schema_is_compared_as_a_whole() -> None:
    new = _catalog()
    new["flux-1-dev"]["json_request_schema"] = ["not", "a", "schema"]
    (change,) = diff_catalogs(_catalog(), new).changes
    assert (change.kind, change.severity, change.location) == (
        Kind.STRUCTURE_CHANGED,
        Severity.BREAKING,
        "(payload)",
    )


def test_by_model_groups_sorted_and_worst_first() -> None:
    new = _without(OLD_ID)
    new["flux-1-dev"]["json_request_schema"]["properties"]["guidance"]["maximum"] = 5
    new["flux-1-dev"]["summary"] = "changed"
    grouped = diff_catalogs(_catalog(), new).by_model()
    assert list(grouped) == sorted(grouped)
    flux = grouped["flux-1-dev"]
    assert [c.severity for c in flux] == sorted((c.severity for c in flux), reverse=True)


def test_fails_threshold() -> None:
    new = _catalog()
    new["flux-1-dev"]["summary"] = "changed"
    diff = diff_catalogs(_catalog(), new)
    assert diff.worst is Severity.COSMETIC
    assert diff.fails(Severity.COSMETIC)
    assert not diff.fails(Severity.COMPATIBLE)
    assert not diff.fails(Severity.BREAKING)


def test_folders(tmp_path: Path) -> None:
    old_folder, new_folder = tmp_path / "old", tmp_path / "new"
    old, new = _without(NEW_ID), _without(OLD_ID)
    write_snapshot(old.values(), old_folder)
    write_snapshot(new.values(), new_folder)
    assert diff_folders(old_folder, new_folder) == diff_catalogs(old, new)


def test_unreadable_folder_raises_with_every_problem(tmp_path: Path) -> None:
    write_snapshot(_catalog().values(), tmp_path)
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    duplicate = dict(_CATALOG["flux-1-dev"])
    (tmp_path / "zz_copy.json").write_text(json.dumps(duplicate), encoding="utf-8")
    with pytest.raises(SnapshotReadError) as caught:
        diff_folders(SNAPSHOT, tmp_path)
    names = sorted(path.name for path, _ in caught.value.problems)
    assert names == ["broken.json", "zz_copy.json"]
    with pytest.raises(SnapshotReadError, match="not a folder"):
        diff_folders(SNAPSHOT, tmp_path / "missing")


def test_order_of_input_does_not_matter() -> None:
    old, new = _without(NEW_ID), _without(OLD_ID)
    new["flux-1-dev"]["json_request_schema"]["properties"]["guidance"]["maximum"] = 5
    reordered_old = dict(reversed(list(old.items())))
    reordered_new = dict(reversed(list(new.items())))
    assert render_json(diff_catalogs(old, new)) == render_json(
        diff_catalogs(reordered_old, reordered_new)
    )


_SCRIPT = """
import copy, sys
from pathlib import Path
from generator._diff import diff_catalogs, read_catalog, render_json, render_markdown
cat = read_catalog(Path(sys.argv[1]))
old = {k: v for k, v in cat.items() if k != "kling-video-o3-omni"}
new = {k: v for k, v in cat.items() if k != "kling-video-o3-pro-reference-to-video"}
diff = diff_catalogs(old, new)
sys.stdout.write(render_json(diff) + render_markdown(diff))
"""


def test_output_is_byte_stable_across_hash_seeds() -> None:
    outputs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        result = subprocess.run(
            [sys.executable, "-c", _SCRIPT, str(SNAPSHOT)],
            capture_output=True,
            check=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    assert b"kling-video-o3-omni" in outputs[0]
