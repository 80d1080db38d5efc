"""Bridge to the compiled-validator compiler (``generator._validator``).

Until the compiler lands, modules validate through ``jsonschema`` at run time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ValidatorParts", "validator_parts"]


@dataclass(frozen=True)
class ValidatorParts:
    imports: tuple[str, ...]
    body: str
    fallback: tuple[str, ...]


_BODY = """\
def _validate(instance: object) -> list[ValidationIssue]:
    return jsonschema_issues(SCHEMA, instance)


def _is_valid(instance: object) -> bool:
    return not jsonschema_issues(SCHEMA, instance)


def _lint(instance: object) -> list[ValidationIssue]:
    return []
"""


def validator_parts(schema: Mapping[str, Any]) -> ValidatorParts:
    return ValidatorParts(("from generator.runtime import jsonschema_issues",), _BODY, ("*",))
