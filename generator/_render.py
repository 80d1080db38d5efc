"""Render: ``ModelSpec`` -> module source text, through the Jinja templates in ``templates/``.

This module turns decided specs into *views*: every line of code that depends on a schema is
produced here (as safe literals, laid out by ``_pycode``) and handed to the templates, which
only loop, branch and call macros. The output is already formatted as ``ruff format`` would
format it, so rendering at run time needs no formatter.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from ._names import is_identifier
from ._pycode import LINE_LENGTH, Atom, Expr, Group, call, docstring, layout, literal, string
from ._spec import ModelSpec, Param
from ._types import Field
from ._validator import ValidatorParts, validator_parts

__all__ = ["PackageEntry", "render_module", "render_package_init", "templates_dir"]

_FROM_IMPORT = re.compile(r"^from (?P<module>[\w.]+) import (?P<names>[\w, ]+)$")
_IMPORT = re.compile(r"^import (?P<module>[\w.]+)$")


def templates_dir() -> Path:
    """``generator/_templates`` in an installed wheel, ``templates/`` in a checkout."""
    here = Path(__file__).resolve().parent
    installed = here / "_templates"
    return installed if installed.is_dir() else here.parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["pystr"] = string
    return env


def _isort_key(name: str) -> tuple[int, str]:
    """Ruff's isort ``order-by-type``: CONSTANTS, then Classes, then everything else."""
    if len(name) > 1 and name.isupper():
        return (0, name)
    if name[:1].isupper():
        return (1, name)
    return (2, name)


def _merge_imports(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    """Standard-library and ``generator`` import lines, merged and sorted as ruff's isort does."""
    straight: set[str] = set()
    froms: dict[str, set[str]] = {}
    for line in lines:
        if match := _IMPORT.match(line):
            straight.add(match["module"])
        elif match := _FROM_IMPORT.match(line):
            names = {name.strip() for name in match["names"].split(",") if name.strip()}
            froms.setdefault(match["module"], set()).update(names)
        else:
            raise ValueError(f"unsupported import line: {line!r}")
    sections: dict[bool, list[str]] = {False: [], True: []}
    for module in sorted(straight):
        sections[module.split(".")[0] == "generator"].append(f"import {module}")
    for module in sorted(froms):
        ordered = sorted(froms[module], key=_isort_key)
        group = Group(
            f"from {module} import ",
            "(",
            tuple(("", Atom(n)) for n in ordered),
            ")",
            collection=True,
        )
        flat = f"from {module} import {', '.join(ordered)}"
        text = flat if len(flat) <= LINE_LENGTH else "\n".join(layout(group))
        sections[module.split(".")[0] == "generator"].append(text)
    return sections[False], sections[True]


def _wrap(text: str, width: int) -> list[str]:
    """Paragraphs of ``text`` wrapped to ``width``; blank lines kept between paragraphs."""
    lines: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        if lines:
            lines.append("")
        lines.extend(
            textwrap.wrap(
                " ".join(paragraph.split()),
                width=width,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return lines


def _param_source(param: Param) -> str:
    if param.default is None:
        return f"{param.name}: {param.annotation}"
    return f"{param.name}: {param.annotation} = {param.default}"


_EXTRA_PARAMS = (
    Atom("deadline: float | None = None"),
    Atom("client: Client | None = None"),
)


def _signature(
    name: str, params: Sequence[Param], returns: str, *, extra: bool, is_async: bool
) -> str:
    items: list[Expr] = [Atom(_param_source(param)) for param in params]
    if extra:
        items.extend(_EXTRA_PARAMS)
    if items:
        items.insert(0, Atom("*"))
    head = f"{'async ' if is_async else ''}def {name}"
    group = Group(head, "(", tuple(("", item) for item in items), ")", tuple_like=False)
    return "\n".join(layout(group, suffix=f" -> {returns}:"))


def _args_doc(params: Sequence[Param], *, extra: bool) -> list[str]:
    """Google-style ``Args:`` entries, wrapped to fit at the docstring's indentation (8)."""
    lines: list[str] = []
    for param in params:
        text = " ".join((param.description or "(no description in the schema)").split())
        lines.extend(
            textwrap.wrap(
                text,
                width=LINE_LENGTH - 8,
                initial_indent=f"{param.name}: ",
                subsequent_indent="    ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    if extra:
        lines.append("deadline: Seconds the whole job may take; the remote job is cancelled then.")
        lines.append("client: The client to use; the default client reads OXEN_API_KEY.")
    return lines


def _function_doc(
    summary: str, params: Sequence[Param], *, extra: bool, tail: Sequence[str] = ()
) -> str:
    lines = [summary, ""]
    args = _args_doc(params, extra=extra)
    if args:
        lines.append("Args:")
        lines.extend(f"    {line}" if line else "" for line in args)
    if tail:
        lines.append("")
        lines.extend(tail)
    return docstring("\n".join(lines).rstrip(), indent=1)


def _typed_dict(name: str, fields: Sequence[Field], doc: str = "") -> str:
    """Class syntax, or the functional form when a key is not an identifier."""
    functional = not all(is_identifier(field.wire_name) for field in fields)

    def annotation(field: Field) -> Expr:
        if field.required:
            return field.annotation
        return Group("NotRequired", "[", (("", field.annotation),), "]", tuple_like=False)

    if functional:
        mapping = Group(
            "",
            "{",
            tuple((f"{string(f.wire_name)}: ", annotation(f)) for f in fields),
            "}",
            collection=True,
        )
        expr = call("TypedDict", [("", Atom(string(name))), ("", mapping)])
        return "\n".join(layout(expr, prefix=f"{name} = "))
    lines = [f"class {name}(TypedDict):"]
    if doc:
        lines.append(docstring(doc, indent=1))
        if fields:
            lines.append("")
    for field in fields:
        lines.append(_indented(layout(annotation(field), indent=1, prefix=f"{field.wire_name}: ")))
    if not fields and not doc:
        lines.append("    pass")
    return "\n".join(lines)


def _payload_body(params: Sequence[Param]) -> list[str]:
    required = [param for param in params if param.required]
    mapping = Group(
        "",
        "{",
        tuple((f"{string(p.wire_name)}: ", Atom(p.name)) for p in required),
        "}",
        collection=True,
    )
    lines = list(layout(mapping, indent=1, prefix="body: Request = "))
    for param in params:
        if param.required:
            continue
        lines.append(f"if {param.send_if}:")
        lines.append(f"    body[{string(param.wire_name)}] = {param.name}")
    lines.append("return body")
    return lines


def _indented(lines: Iterable[str], level: int = 1) -> str:
    pad = "    " * level
    return "\n".join(pad + line if line else "" for line in lines)


def _payload_call(params: Sequence[Param]) -> str:
    expr = call("payload", [(f"{param.name}=", Atom(param.name)) for param in params])
    return _indented(layout(expr, indent=1, prefix="body = "))


def _runner_call(method: str, *, is_async: bool) -> str:
    """``return runner.<method>(...)``: the module's schema hash goes along for the drift guard."""
    expr = call(
        f"runner.{method}",
        [
            ("", Atom("MODEL_ID")),
            ("", Atom("body")),
            ("deadline=", Atom("deadline")),
            ("check=", Atom("check")),
            ("schema_sha256=", Atom("SCHEMA_SHA256")),
        ],
    )
    prefix = "return await " if is_async else "return "
    return _indented(layout(expr, indent=1, prefix=prefix))


def _header(spec: ModelSpec, validator: ValidatorParts) -> list[str]:
    kind = "compiled"
    if validator.fallback:
        kind = f"compiled, with jsonschema fallback for {', '.join(validator.fallback)}"
    return [
        "# DO NOT EDIT: generated by oxgen from the model's request schema (run `oxgen generate`).",
        f"# Model: {string(spec.model_id)}",
        f"# Schema sha256: {spec.schema_sha256}",
        f"# Validator: {kind}",
    ]


def _module_doc(spec: ModelSpec) -> str:
    lines = [f"{spec.display_name} (``{spec.model_id}``)."]
    for text in (spec.summary, spec.description):
        if text and text != spec.display_name:
            lines.append("")
            lines.extend(_wrap(text, LINE_LENGTH))
    lines.append("")
    lines.append(
        "Build a payload with ``payload(...)``, check it offline with ``validate``, and run it"
    )
    lines.append("with ``run(...)`` / ``submit(...)`` (or ``arun`` / ``asubmit``).")
    return docstring("\n".join(lines), indent=0)


def _alias_block(name: str, value: Expr) -> str:
    return "\n".join(layout(value, prefix=f"{name}: TypeAlias = "))


def _sort_all(names: Iterable[str]) -> list[str]:
    return sorted(set(names), key=_isort_key)


def _all_block(names: Sequence[str]) -> str:
    return "\n".join(layout(literal(list(names)), prefix="__all__ = "))


def render_module(spec: ModelSpec) -> str:
    """The source of one model's module."""
    validator = validator_parts(spec.schema)
    types = list(spec.types)
    uses: set[str] = set()
    for typedef in types:
        uses |= typedef.uses
    request_optional = any(not field.required for field in spec.request_fields)
    typing_names = {"TYPE_CHECKING", "Any", "Final", "TypedDict", "cast"}
    if spec.aliases:
        typing_names |= {"Literal", "TypeAlias"}
    if any(typedef.alias is not None for typedef in types):
        typing_names.add("TypeAlias")
    for field in spec.request_fields:
        if "Literal[" in field.annotation.flat():
            typing_names.add("Literal")
    typing_names |= uses & {"Any", "Literal"}
    needs_not_required = request_optional or "NotRequired" in uses
    stdlib_lines = [
        "from collections.abc import Mapping",
        f"from typing import {', '.join(sorted(typing_names, key=_isort_key))}",
    ]
    if needs_not_required:
        stdlib_lines.append("import sys")
    runtime_lines = ["from generator.runtime import ValidationIssue, default_client, enforce"]
    stdlib, first_party = _merge_imports([*stdlib_lines, *runtime_lines, *validator.imports])
    public = [
        "DISPLAY_NAME",
        "ENDPOINT",
        "MEDIA_TYPE",
        "MODEL_ID",
        "SCHEMA",
        "SCHEMA_SHA256",
        "Request",
        "arun",
        "asubmit",
        "check",
        "is_valid",
        "lint",
        "payload",
        "run",
        "submit",
        "validate",
        *(alias.name for alias in spec.aliases),
        *(typedef.name for typedef in types),
    ]
    type_blocks = [_alias_block(alias.name, alias.value) for alias in spec.aliases]
    type_blocks.extend(
        _typed_dict(typedef.name, typedef.fields)
        if typedef.alias is None
        else _alias_block(typedef.name, typedef.alias)
        for typedef in types
    )
    request_doc = f"The request body of {string(spec.model_id)}; see ``payload`` for each field."
    params = spec.params
    context = {
        "header": _header(spec, validator),
        "module_doc": _module_doc(spec),
        "stdlib_imports": stdlib,
        "first_party_imports": first_party,
        "needs_not_required": needs_not_required,
        "all_block": _all_block(_sort_all(public)),
        "constants": [
            f"MODEL_ID: Final = {string(spec.model_id)}",
            f"DISPLAY_NAME: Final = {string(spec.display_name)}",
            f"ENDPOINT: Final = {string(spec.endpoint)}",
            f"MEDIA_TYPE: Final = {string(spec.media_type)}",
            f"SCHEMA_SHA256: Final = {string(spec.schema_sha256)}",
        ],
        "schema_block": "\n".join(
            layout(literal(spec.schema), prefix="SCHEMA: Final[Mapping[str, Any]] = ")
        ),
        "type_blocks": type_blocks,
        "request_block": _typed_dict("Request", spec.request_fields, request_doc),
        "payload_signature": _signature("payload", params, "Request", extra=False, is_async=False),
        "payload_doc": _function_doc(
            f"Build the request body for {string(spec.model_id)} from typed arguments.",
            params,
            extra=False,
            tail=[
                "Optional values equal to their schema default are left out (the service applies",
                "the same default).",
            ],
        ),
        "payload_body": _indented(_payload_body(params)),
        "payload_call": _payload_call(params),
        "functions": [
            {
                "signature": _signature(name, params, returns, extra=True, is_async=is_async),
                "doc": _function_doc(summary, params, extra=True),
                "call": _runner_call(name, is_async=is_async),
            }
            for name, returns, is_async, summary in (
                (
                    "submit",
                    "Job",
                    False,
                    "Validate and enqueue one generation; return its ``Job`` at once.",
                ),
                (
                    "run",
                    "Result",
                    False,
                    "Validate, enqueue one generation and wait for its ``Result``.",
                ),
                (
                    "asubmit",
                    "Job",
                    True,
                    "Validate and enqueue one generation; return its ``Job`` (async).",
                ),
                (
                    "arun",
                    "Result",
                    True,
                    "Validate, enqueue one generation and await its ``Result``.",
                ),
            )
        ],
        "validator_body": validator.body.rstrip("\n"),
    }
    return _environment().get_template("module.py.jinja").render(context)


@dataclass(frozen=True)
class PackageEntry:
    """One model as the package ``__init__`` lists it."""

    model_id: str
    module: str


def render_package_init(entries: Sequence[PackageEntry], *, snapshot_sha256: str) -> str:
    """The package ``__init__``: ``MODELS``, ``load`` and lazy module attributes."""
    ordered = sorted(entries, key=lambda entry: entry.model_id)
    models = Group(
        "",
        "{",
        tuple((f"{string(entry.model_id)}: ", Atom(string(entry.module))) for entry in ordered),
        "}",
        collection=True,
    )
    modules = sorted(entry.module for entry in ordered)
    context = {
        "snapshot_sha256": snapshot_sha256,
        "models_block": "\n".join(layout(models, prefix="MODELS: Final[Mapping[str, str]] = ")),
        "modules": modules,
        "all_block": _all_block(_sort_all(["MODELS", "load", *modules])),
        "count": len(ordered),
    }
    return _environment().get_template("package_init.py.jinja").render(context)
