"""Validation results shared by compiled validators, generated modules and the runner."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from ._types import UnknownPropertyWarning

__all__ = ["ValidationIssue", "enforce"]


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


def enforce(
    model_id: str,
    issues: Sequence[ValidationIssue],
    unknown: Sequence[ValidationIssue] = (),
    *,
    strict: bool = False,
) -> None:
    """Raise ``PayloadError`` for ``issues``; warn about ``unknown`` (raise when ``strict``)."""
    from ._errors import PayloadError

    if issues or (strict and unknown):
        raise PayloadError([*issues, *(unknown if strict else ())], model_id=model_id)
    if unknown:
        lines = "; ".join(str(issue) for issue in unknown)
        warnings.warn(
            UnknownPropertyWarning(f"{model_id}: {lines} (the API ignores unknown keys)"),
            stacklevel=3,
        )
