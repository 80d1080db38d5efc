"""oxgen: typed, validated Python bindings for the Oxen.ai model catalog.

Generated modules import ``generator.runtime`` only; this package's top level offers runtime
mode (``load_model``), imported on first use so ``import generator.runtime`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._load import LoadError as LoadError
    from ._load import load_model as load_model

__all__ = ["LoadError", "load_model"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import _load

        return getattr(_load, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
