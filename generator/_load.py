"""Runtime mode: a model's module rendered in memory from the model object the API serves now.

``load_model`` is ``oxgen generate`` for one model, at run time: the same ``normalize`` and
the same templates, so the module it returns has the same API as the generated one
(``validate``, ``is_valid``, ``lint``, ``check``, ``payload``, ``submit``, ``run``, ...). Two
things differ, both on purpose: request types come from the built-in mapper instead of
datamodel-code-generator (a runtime install does not have it; annotations are never evaluated
in the module, so behaviour is the same), and nothing is written to disk but the model object
in the cache.
"""

from __future__ import annotations

import os
import time
import warnings
from collections.abc import Mapping, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._spec import Problem
    from .runtime import Client

__all__ = ["DEFAULT_TTL", "LoadError", "StaleModelWarning", "load_model", "module_from_model"]

# An hour: a catalog that changes weekly needs no fresher copy, and a long-running process
# re-validates (one conditional request, usually a 304) once an hour at most.
DEFAULT_TTL = 3600.0


class LoadError(ValueError):
    """The model object cannot be turned into a module; ``problems`` says why, with pointers."""

    def __init__(self, model_id: str, problems: Sequence[Problem]) -> None:
        self.model_id = model_id
        self.problems = tuple(problems)
        lines = "\n  ".join(str(problem) for problem in problems) or "unknown reason"
        super().__init__(f"cannot load model {model_id!r}:\n  {lines}")


class StaleModelWarning(UserWarning):
    """``load_model`` could not reach the API and used the model object cached earlier.

    The module is built from that copy; the message says how old it is and why the API could
    not confirm it. Pass ``stale=False`` to raise instead.
    """


def module_from_model(model: Mapping[str, Any]) -> ModuleType:
    """Normalize, render and execute one model object into a fresh module (no I/O)."""
    from ._names import module_names
    from ._render import render_module
    from ._spec import normalize

    model_id = str(model.get("id") or "")
    module = module_names([model_id])[model_id] if model_id else "model"
    spec, problems = normalize(model, module, type_engine="builtin")
    if spec is None:
        raise LoadError(model_id, [p for p in problems if p.level == "error"])
    source = render_module(spec)
    result = ModuleType(f"oxgen_runtime.{spec.module}", None)
    filename = f"<oxgen runtime module for {model_id!r}>"
    result.__file__ = filename
    # The rendered source is built from escaped literals only (see ``_render``/``_pycode``);
    # executing it is what importing the generated file would do.
    exec(compile(source, filename, "exec"), result.__dict__)
    return result


def load_model(
    model_id: str,
    *,
    client: Client | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    ttl: float = DEFAULT_TTL,
    stale: bool = True,
) -> ModuleType:
    """Fetch ``model_id`` from the models endpoint and return its module, built in memory.

    The model object is cached on disk (``cache_dir``, default: the user cache directory)
    with its ETag. Within ``ttl`` seconds of the last confirmation no request is made; after
    it, one conditional request (``If-None-Match``) is made and a 304 reuses the cached copy.
    When that request fails for a reason that says nothing about the model (network, 429,
    5xx) and a copy is cached, ``stale`` (the default) builds the module from the copy and
    warns ``StaleModelWarning``; ``stale=False`` raises. ``client`` supplies the API key, base
    URL and timeout (default: ``$OXEN_API_KEY`` and ``$OXEN_BASE_URL``). Raises
    ``NotFoundError`` for an unknown model, the runtime's other ``OxenError``\\ s for API
    failures, and ``LoadError`` for a schema that cannot be rendered.
    """
    import httpx

    from .runtime._config import Config
    from .runtime._errors import OxenError
    from .runtime._model_cache import ModelCache, fetch_model, may_use_stale

    config = client._config if client is not None else Config.from_env()
    headers = {"User-Agent": "oxgen", "Accept": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    cache = ModelCache(cache_dir)
    with httpx.Client(base_url=config.api_base, headers=headers, timeout=config.timeout) as http:
        try:
            entry = fetch_model(http, cache, model_id, ttl=ttl)
        except OxenError as exc:
            cached = cache.get(str(http.base_url), model_id) if stale else None
            if cached is None or not may_use_stale(exc):
                raise
            age = max(0.0, time.time() - cached.confirmed_at)
            warnings.warn(
                StaleModelWarning(
                    f"could not confirm model {model_id!r} with {config.api_base} ({exc}); "
                    f"using the copy cached {_age(age)} ago. Its schema may be out of date: "
                    "retry when the API is reachable, or pass stale=False to fail instead."
                ),
                stacklevel=2,
            )
            entry = cached
    return module_from_model(entry.model)


def _age(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.0f} h"
    return f"{seconds / 86400:.0f} days"
