"""Compiled JSON Schema validators: schema -> plain Python, through Jinja templates.

``validator_parts`` feeds the generated-module renderer; ``validator_source`` is the same code
as a standalone module; ``compile_validator`` executes that module and caches it by schema.
"""

from __future__ import annotations

from ._api import Validator, compile_validator
from ._render import ValidatorParts, validator_parts, validator_source

__all__ = [
    "Validator",
    "ValidatorParts",
    "compile_validator",
    "validator_parts",
    "validator_source",
]
