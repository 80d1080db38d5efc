"""Validation results shared by compiled validators, generated modules and the runner."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ValidationIssue"]


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One reason a payload does not match a schema.

    ``path`` is a JSON Pointer into the payload (``""`` for the payload itself,
    ``/elements/0/frontal_image_url`` for a nested value), ``keyword`` the JSON Schema keyword
    that failed, ``schema_path`` a JSON Pointer into the schema, ``message`` a sentence.
    """

    path: str
    message: str
    keyword: str = ""
    schema_path: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message
