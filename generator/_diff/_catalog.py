"""Diff two catalogs (model id -> model object): which models came, went and changed how.

The entry points the CLI, ``oxgen generate``/``check`` and the runtime drift guard share.
The result is sorted and carries no timestamps, so the same two catalogs always give the
same report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from generator._snapshot import read_models, request_schema

from ._keywords import canonical, show
from ._model import MISSING, CatalogDiff, Change, Kind, Severity
from ._renames import suggest_renames
from ._schema import diff_schemas

__all__ = ["SnapshotReadError", "diff_catalogs", "diff_folders", "diff_models", "read_catalog"]

# Model-object fields whose change only affects how the model is presented.
_METADATA: Final = ("description", "display_name", "pricing", "summary")


class SnapshotReadError(ValueError):
    """A folder could not be read as a catalog: missing, or with files that are not models.

    A diff over a partly read folder would report the unreadable models as removed, so no
    diff is made; ``problems`` lists every file and why, so all can be fixed at once.
    """

    def __init__(self, folder: Path, problems: list[tuple[Path, str]]) -> None:
        self.folder = folder
        self.problems = problems
        lines = [f"{path}: {reason}" for path, reason in problems]
        super().__init__(f"cannot read the catalog in {folder}:\n  " + "\n  ".join(lines))


def _model_change(
    model_id: str, kind: Kind, severity: Severity, message: str, **values: Any
) -> Change:
    return Change(model_id, "", kind, severity, message=message, **values)


def _metadata_changes(
    model_id: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[Change]:
    changes: list[Change] = []
    before, after = old.get("endpoint", MISSING), new.get("endpoint", MISSING)
    if canonical(before) != canonical(after):
        changes.append(
            _model_change(
                model_id,
                Kind.ENDPOINT_CHANGED,
                Severity.BREAKING,
                f"endpoint changed from {show(before)} to {show(after)}; requests go elsewhere",
                keyword="endpoint",
                old=before,
                new=after,
            )
        )
    for field in _METADATA:
        before, after = old.get(field, MISSING), new.get(field, MISSING)
        if canonical(before) != canonical(after):
            changes.append(
                _model_change(
                    model_id,
                    Kind.METADATA_CHANGED,
                    Severity.COSMETIC,
                    f"{field} changed",
                    keyword=field,
                    old=before,
                    new=after,
                )
            )
    return changes


def diff_models(model_id: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    """The changes of one model present in both catalogs (metadata and request schema)."""
    changes = _metadata_changes(model_id, old, new)
    before, after = request_schema(old), request_schema(new)
    if before is None and after is not None:
        changes.append(
            _model_change(
                model_id,
                Kind.SCHEMA_ADDED,
                Severity.BREAKING,
                "the model now publishes a request schema; payloads it rejects now fail",
                new=after,
            )
        )
    elif before is not None and after is None:
        changes.append(
            _model_change(
                model_id,
                Kind.SCHEMA_REMOVED,
                Severity.BREAKING,
                "the model no longer publishes a request schema; its typed parameters go away",
                old=before,
            )
        )
    elif before is not None:
        changes.extend(diff_schemas(model_id, before, after))
    return changes


def diff_catalogs(
    old: Mapping[str, Mapping[str, Any]], new: Mapping[str, Mapping[str, Any]]
) -> CatalogDiff:
    """Every change from catalog ``old`` to ``new`` (each: model id -> model object).

    Renames are only suggested, never assumed: a renamed model is reported as removed
    (breaking) and added, and the suggestion carries what moving to the new id changes.
    """
    removed = sorted(set(old) - set(new))
    added = sorted(set(new) - set(old))
    renames = [
        dataclasses.replace(
            rename,
            changes=tuple(
                sorted(
                    diff_models(rename.new_id, old[rename.old_id], new[rename.new_id]),
                    key=Change.sort_key,
                )
            ),
        )
        for rename in suggest_renames(old, new, removed, added)
    ]
    successors = {rename.old_id: rename.new_id for rename in renames}
    changes: list[Change] = []
    for model_id in removed:
        message = "model removed; calls to it fail"
        if model_id in successors:
            message += f" (likely renamed to {successors[model_id]})"
        name = old[model_id].get("display_name", MISSING)
        changes.append(
            _model_change(model_id, Kind.MODEL_REMOVED, Severity.BREAKING, message, old=name)
        )
    for model_id in added:
        name = new[model_id].get("display_name", MISSING)
        changes.append(
            _model_change(model_id, Kind.MODEL_ADDED, Severity.COMPATIBLE, "model added", new=name)
        )
    for model_id in sorted(set(old) & set(new)):
        changes.extend(diff_models(model_id, old[model_id], new[model_id]))
    return CatalogDiff(
        changes=tuple(sorted(changes, key=Change.sort_key)),
        renames=tuple(renames),
        added=tuple(added),
        removed=tuple(removed),
    )


def read_catalog(folder: Path) -> dict[str, Mapping[str, Any]]:
    """A folder of model objects as model id -> model object; SnapshotReadError if unreadable."""
    if not folder.is_dir():
        raise SnapshotReadError(folder, [(folder, "not a folder")])
    models, problems = read_models(folder)
    catalog: dict[str, Mapping[str, Any]] = {}
    for entry in models:
        if entry.model_id in catalog:
            problems.append((entry.path, f"a second model object with id {entry.model_id!r}"))
        else:
            catalog[entry.model_id] = entry.model
    if problems:
        raise SnapshotReadError(folder, sorted(problems))
    return catalog


def diff_folders(old: Path, new: Path) -> CatalogDiff:
    """``diff_catalogs`` over two snapshot folders (``generated/_schemas`` layout)."""
    return diff_catalogs(read_catalog(old), read_catalog(new))
