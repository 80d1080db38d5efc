"""``compile_validator``: run compiled validator source in-process, cached by schema hash."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from generator._snapshot import schema_sha256
from generator.runtime._validation import ValidationIssue

from ._render import module_source, validator_parts

__all__ = ["Validator", "compile_validator"]

_CACHE: dict[str, Validator] = {}
_LOCK = threading.Lock()


@dataclass(frozen=True)
class Validator:
    """A compiled validator: ``is_valid`` (fast), ``validate`` (every error), ``lint``.

    ``fallback`` names the keywords that made it delegate to ``jsonschema`` (empty when the
    schema compiled completely); ``source`` is the module it runs.
    """

    validate: Callable[[object], list[ValidationIssue]]
    is_valid: Callable[[object], bool]
    lint: Callable[[object], list[ValidationIssue]]
    fallback: tuple[str, ...]
    source: str


def compile_validator(schema: object) -> Validator:
    """Compile ``schema`` (Draft 2020-12) into a ``Validator``; identical schemas share one."""
    digest = schema_sha256(schema)
    with _LOCK:
        cached = _CACHE.get(digest)
    if cached is not None:
        return cached
    parts = validator_parts(schema)
    source = module_source(parts)
    module = ModuleType(f"oxgen_validator_{digest[:16]}")
    module.__file__ = f"<oxgen validator {digest[:16]}>"
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    # The module's private functions are what its public wrappers call: one call less.
    validator = Validator(
        validate=module._validate,
        is_valid=module._is_valid,
        lint=module._lint,
        fallback=parts.fallback,
        source=source,
    )
    with _LOCK:
        return _CACHE.setdefault(digest, validator)
