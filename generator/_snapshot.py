"""The schema snapshot: one canonical JSON file per model object, plus an index.

A snapshot folder (``generated/_schemas`` by default) is the embedded default catalog:
generation, the emulator and offline validation all read it. Files are named after the
model's module name (never after the raw id, which is untrusted and may contain ``/``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from ._names import module_names

__all__ = [
    "INDEX_FILE",
    "ModelFile",
    "canonical_json",
    "default_snapshot_dir",
    "media_type",
    "read_models",
    "request_schema",
    "schema_sha256",
    "snapshot_files",
    "write_snapshot",
]

INDEX_FILE = "index.json"
_SCHEMA_KEYS = ("json_request_schema", "request_schema")


def canonical_json(value: object) -> str:
    """Sorted keys, 2-space indent, UTF-8 text, newline at end: byte-stable."""
    return json.dumps(value, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def media_type(model: Mapping[str, Any]) -> Literal["image", "video"] | None:
    """What the model outputs, as the queue sees it: ``capabilities.output``, else the endpoint.

    ``None`` for models the queue does not accept (chat, embeddings, ...).
    """
    capabilities = model.get("capabilities")
    outputs = capabilities.get("output") if isinstance(capabilities, Mapping) else None
    outputs = outputs if isinstance(outputs, list) else []
    if "video" in outputs:
        return "video"
    if "image" in outputs:
        return "image"
    endpoint = model.get("endpoint")
    if endpoint == "/videos/generate":
        return "video"
    if endpoint in ("/images/generate", "/images/edit"):
        return "image"
    return None


def request_schema(model: Mapping[str, Any]) -> Any:
    """The model's request schema: ``json_request_schema``, else ``request_schema``, else None."""
    for key in _SCHEMA_KEYS:
        schema = model.get(key)
        if schema is not None:
            return schema
    return None


def schema_sha256(schema: object) -> str:
    """sha256 of the schema's compact canonical JSON (key order and whitespace do not count)."""
    text = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ModelFile:
    """A model object read from a folder, with the file it came from."""

    path: Path
    model: Mapping[str, Any]

    @property
    def model_id(self) -> str:
        return str(self.model.get("id") or self.model.get("name") or "")


def read_models(folder: Path) -> tuple[list[ModelFile], list[tuple[Path, str]]]:
    """Read every ``*.json`` model object in ``folder`` (not the index).

    Returns the models sorted by id and the files that could not be read, each with a reason,
    so one broken file never hides the others.
    """
    models: list[ModelFile] = []
    problems: list[tuple[Path, str]] = []
    for path in sorted(folder.glob("*.json")):
        if path.name == INDEX_FILE:
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append((path, f"cannot read model object: {exc}"))
            continue
        if not isinstance(data, dict):
            problems.append((path, "a model object must be a JSON object"))
            continue
        entry = ModelFile(path, data)
        if not entry.model_id:
            problems.append((path, "the model object has no 'id'"))
            continue
        models.append(entry)
    models.sort(key=lambda entry: entry.model_id)
    return models, problems


def _index(models: Iterable[Mapping[str, Any]], modules: Mapping[str, str]) -> dict[str, Any]:
    entries: dict[str, Any] = {}
    for model in models:
        model_id = str(model["id"])
        schema = request_schema(model)
        entries[model_id] = {
            "display_name": model.get("display_name") or model_id,
            "endpoint": model.get("endpoint"),
            "file": f"{modules[model_id]}.json",
            "module": modules[model_id],
            "schema_sha256": schema_sha256(schema) if schema is not None else None,
        }
    return {"models": entries}


def snapshot_files(models: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """File name -> canonical text for a snapshot of ``models`` (the index included).

    Only names made by ``module_names`` are used, so no name can leave the folder.
    """
    by_id = {str(model["id"]): model for model in models}
    modules = module_names(by_id)
    files = {f"{modules[model_id]}.json": canonical_json(by_id[model_id]) for model_id in by_id}
    files[INDEX_FILE] = canonical_json(_index(by_id.values(), modules))
    return files


def write_snapshot(models: Iterable[Mapping[str, Any]], folder: Path) -> list[Path]:
    """Write each model object canonically and the index; remove files of models not given.

    Returns the files written or removed.
    """
    wanted = snapshot_files(models)
    folder.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    for stale in sorted(folder.glob("*.json")):
        if stale.name not in wanted:
            stale.unlink()
            changed.append(stale)
    for name, text in sorted(wanted.items()):
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
            changed.append(target)
    return changed


def default_snapshot_dir() -> Path:
    """The embedded default: ``_schemas`` beside the installed ``generated`` package."""
    import generated

    return Path(generated.__file__).resolve().parent / "_schemas"
