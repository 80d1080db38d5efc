"""The reference verdict: ``jsonschema``'s Draft 2020-12 validator with its format checker."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator

__all__ = ["failing_paths", "reference"]


def reference(schema: Any) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


def _pointer(parts: Any) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


def failing_paths(validator: Draft202012Validator, instance: object) -> set[str]:
    """JSON Pointers of the instance locations ``jsonschema`` reports errors at."""
    return {_pointer(error.absolute_path) for error in validator.iter_errors(instance)}
