"""Program -> Python source through the ``templates/validator`` Jinja templates.

``validator_parts`` is the contract with the generated-module renderer: import lines and a
body defining ``_validate``, ``_is_valid`` and ``_lint`` (every other name starts with
``_v``). ``validator_source`` wraps the same body into a standalone module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import jinja2

from ._ast import Function, layout
from ._compile import Program, compile_program
from ._literals import LINE_LENGTH, collection_lines, py_str

__all__ = ["ValidatorParts", "module_source", "validator_parts", "validator_source"]

# Public names of generator.runtime that compiled code may call.
_RUNTIME_NAMES = (
    "ValidationIssue",
    "brief",
    "did_you_mean",
    "ecma_regex",
    "fallback_issues",
    "format_checker",
    "format_fast_path",
    "is_integer",
    "is_number",
    "json_equal",
    "json_in",
    "json_unique",
    "multiple_of",
    "pointer",
    "unexpected",
)


@dataclass(frozen=True)
class ValidatorParts:
    """What a generated module embeds: import lines, the body, and why it falls back.

    ``imports`` are complete single-line import statements; ``body`` defines ``_validate``,
    ``_is_valid`` and ``_lint``; ``fallback`` lists (sorted) the keywords that made the body
    delegate the verdict to ``jsonschema`` (empty when fully compiled).
    """

    imports: tuple[str, ...]
    body: str
    fallback: tuple[str, ...]


def _templates_dir() -> Path:
    here = Path(__file__).resolve().parent.parent
    installed = here / "_templates"
    return installed if installed.is_dir() else here.parent / "templates"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates_dir())),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )


def _head(program: Program) -> list[str]:
    table = [py_str(text) for text in program.table]
    if len(table) == 1:
        table.append('""')  # a one-element tuple would not keep its exploded layout
    lines = collection_lines("_v_s: tuple[str, ...] = ", "(", table, ")")
    return lines + list(program.constants)


def _body(program: Program) -> str:
    template = _environment().get_template("validator/body.py.jinja")
    fallback_text = program.schema_text
    functions = [
        Function(function.signature, layout(function.body, 1, LINE_LENGTH))
        for function in program.functions
    ]
    return template.render(
        head=_head(program),
        functions=functions,
        late=program.late,
        ok_entry=program.ok,
        err_entry=program.err,
        lint_entry=program.lint,
        fallback_text=fallback_text,
    )


def _imports(body: str) -> tuple[str, ...]:
    used = [name for name in _RUNTIME_NAMES if re.search(rf"\b{name}\(|\b{name}\b", body)]
    lines: list[str] = []
    if "json.loads(" in body:
        lines.append("import json")
    if used:
        lines.append(f"from generator.runtime import {', '.join(used)}")
    return tuple(lines)


def validator_parts(schema: object) -> ValidatorParts:
    """Compile ``schema`` into the parts a generated module embeds."""
    program = compile_program(schema)
    body = _body(program)
    return ValidatorParts(_imports(body), body, program.fallback)


def _import_block(imports: tuple[str, ...]) -> list[str]:
    """The import lines laid out as ruff's isort and formatter would."""
    stdlib = [line for line in imports if line.startswith("import ")]
    ours = [line for line in imports if not line.startswith("import ")]
    out = [*stdlib, ""] if stdlib and ours else list(stdlib)
    for line in ours:
        if len(line) <= LINE_LENGTH:
            out.append(line)
        else:
            module, names = line.removeprefix("from ").split(" import ")
            out += [f"from {module} import (", *(f"    {n}," for n in names.split(", ")), ")"]
    return out


def module_source(parts: ValidatorParts) -> str:
    """``parts`` as a standalone module with public ``validate``/``is_valid``/``lint``."""
    note = ""
    if parts.fallback:
        note = f"\n\nFalls back to jsonschema for: {', '.join(parts.fallback)}.\n"
    template = _environment().get_template("validator/module.py.jinja")
    return template.render(
        imports=_import_block(parts.imports), body=parts.body, fallback_note=note
    )


def validator_source(schema: object) -> str:
    """A standalone module: ``validate``, ``is_valid`` and ``lint`` for ``schema``."""
    return module_source(validator_parts(schema))
