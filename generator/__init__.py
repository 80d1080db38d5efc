"""oxgen: typed, validated Python bindings for the Oxen.ai model catalog.

Generated modules import ``generator.runtime`` only; this package's top level offers runtime
mode (``load_model``), imported on first use so ``import generator.runtime`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._load import LoadError as LoadError
    from ._load import StaleModelWarning as StaleModelWarning
    from ._load import load_model as load_model
    from ._validator import Validator as Validator
    from ._validator import compile_validator as compile_validator
    from ._validator import validator_source as validator_source
    from .runtime import ValidationIssue as ValidationIssue

__all__ = [
    "LoadError",
    "StaleModelWarning",
    "ValidationIssue",
    "Validator",
    "compile_validator",
    "load_model",
    "validator_source",
]
# Names served by the validator compiler (imports Jinja on first use).
_VALIDATOR = ("Validator", "compile_validator", "validator_source")


def __getattr__(name: str) -> Any:
    if name in _VALIDATOR:
        from . import _validator

        return getattr(_validator, name)
    if name == "ValidationIssue":
        from .runtime import ValidationIssue

        return ValidationIssue
    if name in __all__:
        from . import _load

        return getattr(_load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
