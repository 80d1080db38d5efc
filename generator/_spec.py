"""Normalize: one model object -> a ``ModelSpec`` (frozen, fully decided) or problems.

Every decision about a generated module is made here, in Python: names, annotations,
defaults (already rendered as source), parameter order, docstring text. Templates only lay
the result out. Schemas are untrusted: anything that would not render into safe, typed code
is reported as a ``Problem`` with the model id and a JSON pointer, never raised past the
caller, so one bad model cannot hide the others.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ._names import class_name, module_names, parameter_names
from ._pycode import Atom, Expr, Group, literal
from ._snapshot import media_type as snapshot_media_type
from ._snapshot import request_schema, schema_sha256
from ._types import Field, TypeDef, TypesError, request_types

__all__ = ["Alias", "ModelSpec", "Param", "Problem", "normalize", "normalize_all"]

MediaType = Literal["image", "video"]
# Names every generated module imports or defines; request types must not take them.
RESERVED_TYPE_NAMES = frozenset(
    {
        "Any",
        "AsyncIterator",
        "Client",
        "Final",
        "Job",
        "Literal",
        "Mapping",
        "NotRequired",
        "Request",
        "Result",
        "TypeAlias",
        "TypedDict",
        "ValidationIssue",
    }
)
# Keywords that only constrain combinations of properties; the request TypedDict is typed
# from the properties alone and the validator enforces the rest.
_COMBINATORS = (
    "allOf",
    "anyOf",
    "dependentRequired",
    "dependentSchemas",
    "else",
    "if",
    "not",
    "oneOf",
    "then",
)
_MAX_ID_LENGTH = 200


@dataclass(frozen=True)
class Problem:
    """A schema problem as a value: ``level`` is ``error`` (model skipped) or ``warning``."""

    level: Literal["error", "warning"]
    model_id: str
    pointer: str
    message: str

    def __str__(self) -> str:
        where = f" at {self.pointer}" if self.pointer else ""
        return f"{self.level}: {self.model_id}{where}: {self.message}"


@dataclass(frozen=True)
class Param:
    """One keyword parameter of ``payload``/``submit``/``run``: a top-level property."""

    wire_name: str
    name: str
    annotation: str
    required: bool
    default: str | None
    # How ``payload`` decides to send an optional value: a Python condition on ``name``.
    send_if: str
    description: str


@dataclass(frozen=True)
class Alias:
    """``Name: TypeAlias = Literal[...]`` for a parameter's enum."""

    name: str
    value: Expr


@dataclass(frozen=True)
class ModelSpec:
    """Everything a generated module says, decided."""

    model_id: str
    module: str
    display_name: str
    endpoint: str
    media_type: MediaType
    summary: str
    description: str
    schema: Mapping[str, Any]
    schema_sha256: str
    params: tuple[Param, ...]
    aliases: tuple[Alias, ...]
    types: tuple[TypeDef, ...]
    request_fields: tuple[Field, ...]
    problems: tuple[Problem, ...] = field(default=())


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _order(schema: Mapping[str, Any], properties: Mapping[str, Any]) -> list[str]:
    """Required first, then ``basic`` (in its order), then ``x-order``, then by name."""
    required = schema.get("required")
    required = (
        [name for name in required if name in properties] if isinstance(required, list) else []
    )
    basic = schema.get("basic")
    basic = [name for name in basic if name in properties] if isinstance(basic, list) else []

    def key(name: str) -> tuple[int, int, float, str]:
        sub = properties[name]
        order = sub.get("x-order") if isinstance(sub, Mapping) else None
        x_order = order if isinstance(order, int | float) and not isinstance(order, bool) else 1e18
        if name in required:
            return (0, required.index(name), x_order, name)
        if name in basic:
            return (1, basic.index(name), x_order, name)
        return (2, 0, x_order, name)

    return sorted(properties, key=key)


def _default_source(value: object, annotation: str) -> str | None:
    """The default as a literal for a signature, or None when it cannot be one.

    Only immutable scalars go in a signature; an integral float for an ``int`` parameter is
    written as an int so the signature type-checks.
    """
    if isinstance(value, float) and value.is_integer() and "float" not in annotation:
        value = int(value)
    if value is None or isinstance(value, bool | int | float | str):
        return literal(value).flat()
    return None


def _send_if(name: str, default: object) -> str:
    """When ``payload`` sends an optional value: when it differs from the default (or None)."""
    if default is None:
        return f"{name} is not None"
    if default is True:
        return f"not {name}"
    if default is False:
        return name
    return f"{name} != {literal(default).flat()}"


def _default_is_valid(schema: Mapping[str, Any], sub: object, default: object) -> bool:
    from jsonschema import Draft202012Validator

    probe = dict(schema)
    probe.pop("required", None)
    for key in _COMBINATORS:
        probe.pop(key, None)
    probe["properties"] = {"value": sub}
    return Draft202012Validator(probe).is_valid({"value": default})


def _enum_alias(annotation: Expr, wire: str, taken: set[str]) -> Alias | None:
    if isinstance(annotation, Group) and annotation.head == "Literal":
        name = class_name(wire, taken=taken)
        while name in taken:
            name = f"{name}_"
        taken.add(name)
        return Alias(name, annotation)
    return None


def normalize(
    model: Mapping[str, Any], module: str, *, type_engine: Literal["dcg", "builtin"] = "dcg"
) -> tuple[ModelSpec | None, list[Problem]]:
    """Decide everything about one model's module; ``None`` with problems when it cannot be.

    ``type_engine="builtin"`` types parameters without datamodel-code-generator (runtime mode).
    """
    model_id = str(model.get("id") or "")
    problems: list[Problem] = []

    def error(pointer: str, message: str) -> tuple[None, list[Problem]]:
        problems.append(Problem("error", model_id, pointer, message))
        return None, problems

    if not model_id or len(model_id) > _MAX_ID_LENGTH or not model_id.isprintable():
        return error("/id", "the model id must be printable text of 1 to 200 characters")
    schema = request_schema(model)
    if schema is None:
        return error("", "the model has no request schema (json_request_schema/request_schema)")
    pointer = (
        "/json_request_schema"
        if model.get("json_request_schema") is not None
        else "/request_schema"
    )
    if not isinstance(schema, dict):
        return error(pointer, "the request schema must be a JSON object")
    media_type = snapshot_media_type(model)
    if media_type is None:
        return error("/capabilities/output", "the model outputs neither image nor video")
    try:
        from jsonschema import Draft202012Validator
        from jsonschema.exceptions import SchemaError

        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = "".join(f"/{part}" for part in exc.path)
        return error(f"{pointer}{where}", f"not a valid JSON Schema: {exc.message}")
    if schema.get("type") not in ("object", None) or not isinstance(
        schema.get("properties", {}), dict
    ):
        return error(f"{pointer}/type", "the request schema must describe an object")
    properties: dict[str, Any] = schema.get("properties", {})

    typed_schema = {key: value for key, value in schema.items() if key not in _COMBINATORS}
    typed_schema["type"] = "object"
    try:
        types = request_types(typed_schema, reserved=RESERVED_TYPE_NAMES, engine=type_engine)
    except TypesError as exc:
        return error(f"{pointer}{exc.pointer}", str(exc))
    except RecursionError:
        return error(pointer, "the schema nests too deeply to type")
    root = next(typedef for typedef in types if typedef.name == "Request")
    fields = {item.wire_name: item for item in root.fields}
    missing = sorted(set(properties) - set(fields))
    if missing:
        return error(f"{pointer}/properties", f"no request type for properties {missing}")

    order = _order(schema, properties)
    names = parameter_names(order)
    taken = set(RESERVED_TYPE_NAMES) | {typedef.name for typedef in types}
    aliases: list[Alias] = []
    params: list[Param] = []
    request_fields: list[Field] = []
    for wire in order:
        sub = properties[wire]
        item = fields[wire]
        alias = _enum_alias(item.annotation, wire, taken)
        annotation: Expr = item.annotation
        if alias is not None:
            aliases.append(alias)
            annotation = Atom(alias.name)
        request_fields.append(Field(wire, annotation, item.required))
        text = annotation.flat()
        description = _text(sub.get("description")) if isinstance(sub, Mapping) else ""
        has_default = isinstance(sub, Mapping) and "default" in sub
        default = sub.get("default") if has_default else None
        default_src = _default_source(default, text) if has_default else None
        if has_default and not _default_is_valid(schema, sub, default):
            problems.append(
                Problem(
                    "warning",
                    model_id,
                    f"{pointer}/properties/{_escape(wire)}/default",
                    f"default {json.dumps(default)} does not match the property's schema; not used",
                )
            )
            has_default, default, default_src = False, None, None
        if has_default and default_src is None:
            description = f"{description}\n\nDefault: {json.dumps(default)}.".strip()
        name = names[wire]
        if item.required:
            params.append(Param(wire, name, text, True, default_src, "", description))
        elif default_src is not None:
            params.append(
                Param(wire, name, text, False, default_src, _send_if(name, default), description)
            )
        else:
            optional = text if text.endswith("| None") or text == "Any" else f"{text} | None"
            params.append(
                Param(wire, name, optional, False, "None", _send_if(name, None), description)
            )
    spec = ModelSpec(
        model_id=model_id,
        module=module,
        display_name=_text(model.get("display_name")) or model_id,
        endpoint=_text(model.get("endpoint")),
        media_type=media_type,
        summary=_text(model.get("summary")),
        description=_text(model.get("description")),
        schema=schema,
        schema_sha256=schema_sha256(schema),
        params=tuple(params),
        aliases=tuple(aliases),
        types=tuple(typedef for typedef in types if typedef.name != "Request"),
        request_fields=tuple(request_fields),
        problems=tuple(problems),
    )
    return spec, problems


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def normalize_all(models: Sequence[Mapping[str, Any]]) -> tuple[list[ModelSpec], list[Problem]]:
    """Normalize a catalog; module names are assigned over the whole catalog at once."""
    modules = module_names(str(model.get("id") or "") for model in models)
    specs: list[ModelSpec] = []
    problems: list[Problem] = []
    for model in models:
        spec, found = normalize(model, modules[str(model.get("id") or "")])
        problems.extend(found)
        if spec is not None:
            specs.append(spec)
    return specs, problems
