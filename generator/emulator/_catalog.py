"""The models the emulator serves, and JSON Schema validation of request parameters.

Schemas come from a snapshot (untrusted text): a schema that is not valid JSON Schema is not
used for validation rather than failing every generation of that model.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing.exceptions
from jsonschema import Draft202012Validator

from generator._snapshot import read_models, request_schema

from ._config import EmulatorConfig

__all__ = ["Catalog", "CatalogModel", "default_models_dir", "load_catalog", "load_models"]

# Request fields the service consumes itself; they are not the model's parameters.
_CONTROL_FIELDS = frozenset({"model", "num_generations", "response_format", "target_namespace"})


def default_models_dir() -> Path:
    """The committed snapshot shipped with the installed ``generated`` package."""
    import generated

    return Path(generated.__file__).parent / "_schemas"


def load_models(folder: Path) -> tuple[list[Mapping[str, Any]], list[str]]:
    """Model objects from a snapshot folder, and one line per file that could not be read."""
    if not folder.is_dir():
        raise FileNotFoundError(f"models folder not found: {folder}")
    entries, problems = read_models(folder)
    return [entry.model for entry in entries], [f"{path}: {why}" for path, why in problems]


def load_catalog(config: EmulatorConfig) -> tuple[Catalog, list[str]]:
    """The catalog a config asks for, and one line per snapshot file that could not be read."""
    if config.models is not None:
        return Catalog(config.models), []
    models, problems = load_models(config.models_dir or default_models_dir())
    return Catalog(models), problems


def _media_type(model: Mapping[str, Any]) -> str | None:
    capabilities = model.get("capabilities")
    outputs = capabilities.get("output") if isinstance(capabilities, Mapping) else None
    if isinstance(outputs, list):
        if "video" in outputs:
            return "video"
        if "image" in outputs:
            return "image"
        return None
    endpoint = model.get("endpoint")
    if endpoint == "/videos/generate":
        return "video"
    if endpoint in ("/images/generate", "/images/edit"):
        return "image"
    return None


def _pointer(parts: Iterable[object]) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass(frozen=True)
class CatalogModel:
    """One served model: its object as given, and what the queue needs to know about it."""

    model_id: str
    data: Mapping[str, Any]
    media_type: str | None  # "image", "video", or None when the queue refuses the model

    @property
    def schema(self) -> Any:
        return request_schema(self.data)


class Catalog:
    """Lookup by id or name, the models listing, and cached per-model validators."""

    def __init__(self, models: Iterable[Mapping[str, Any]]) -> None:
        self._models: dict[str, CatalogModel] = {}
        self._by_name: dict[str, CatalogModel] = {}
        for data in models:
            model_id = str(data.get("id") or data.get("name") or "")
            if not model_id:
                continue
            entry = CatalogModel(model_id, data, _media_type(data))
            self._models[model_id] = entry
            name = data.get("name")
            if isinstance(name, str) and name:
                self._by_name.setdefault(name, entry)
        self._validators: dict[str, Draft202012Validator | None] = {}

    def __len__(self) -> int:
        return len(self._models)

    def get(self, id_or_name: str) -> CatalogModel | None:
        return self._models.get(id_or_name) or self._by_name.get(id_or_name)

    def listing(self, filters: Mapping[str, str]) -> list[Mapping[str, Any]]:
        """Model objects sorted by id, narrowed by ``developer_name`` / ``provider_name``.

        Other query parameters (``action`` among them) are ignored, as unknown filters are.
        """
        developer = filters.get("developer_name", "").casefold()
        provider = filters.get("provider_name", "").casefold()
        selected = []
        for model_id in sorted(self._models):
            data = self._models[model_id].data
            if developer and _developer(data) != developer:
                continue
            if provider and provider not in _providers(data):
                continue
            selected.append(data)
        return selected

    def validate(self, model: CatalogModel, body: Mapping[str, Any]) -> list[str]:
        """Problems with the model parameters in ``body`` as ``"/pointer: message"`` lines."""
        validator = self._validator(model)
        if validator is None:
            return []
        params = {key: value for key, value in body.items() if key not in _CONTROL_FIELDS}
        try:
            errors = sorted(
                validator.iter_errors(params),
                key=lambda error: (_pointer(error.absolute_path), error.message),
            )
        except referencing.exceptions.Unresolvable as exc:
            return [f"the model's request schema cannot be applied: {exc}"]
        return [
            f"{_pointer(error.absolute_path)}: {error.message}"
            if error.absolute_path
            else error.message
            for error in errors
        ]

    def _validator(self, model: CatalogModel) -> Draft202012Validator | None:
        if model.model_id not in self._validators:
            schema = model.schema
            validator: Draft202012Validator | None = None
            if isinstance(schema, Mapping):
                try:
                    Draft202012Validator.check_schema(schema)
                    validator = Draft202012Validator(
                        schema, format_checker=Draft202012Validator.FORMAT_CHECKER
                    )
                except jsonschema.SchemaError:
                    validator = None
            self._validators[model.model_id] = validator
        return self._validators[model.model_id]


def _developer(data: Mapping[str, Any]) -> str:
    developer = data.get("developer")
    name = developer.get("name") if isinstance(developer, Mapping) else developer
    return str(name or "").casefold()


def _providers(data: Mapping[str, Any]) -> set[str]:
    names = {str(data.get("owned_by") or "").casefold()}
    deployments = data.get("deployments")
    if isinstance(deployments, list):
        for deployment in deployments:
            if isinstance(deployment, Mapping):
                names.add(str(deployment.get("provider_name") or "").casefold())
    names.discard("")
    return names
