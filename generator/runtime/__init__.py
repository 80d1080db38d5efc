"""The oxgen runtime: what generated modules import.

Generated code imports only the public names listed in ``__all__`` here. The client side
(``Client``, ``Job``, ``JobGroup``, ``Result``: asyncio, httpx) is imported on first use, so
importing a generated module and validating a payload stays cheap.
"""

import importlib as _importlib
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from ._compiled import (
    brief,
    did_you_mean,
    fallback_issues,
    is_integer,
    is_number,
    json_equal,
    json_in,
    json_unique,
    multiple_of,
    pointer,
    unexpected,
)
from ._default import default_client
from ._ecma import ecma_regex
from ._errors import (
    AmbiguousSubmit,
    APIError,
    AuthenticationError,
    DeadlineExceeded,
    InsufficientCredits,
    InvalidParams,
    JobCancelled,
    JobError,
    JobFailed,
    ModelRetired,
    NotFoundError,
    OxenError,
    PayloadError,
    RateLimited,
    SchemaDriftError,
    SchemaDriftWarning,
    ServerError,
    TransportError,
    WaitTimeout,
)
from ._formats import format_checker, format_fast_path
from ._types import JobStatus, PayloadCheck, ProgressEvent, UnknownPropertyWarning
from ._validation import ValidationIssue, enforce

__all__ = [
    "APIError",
    "AmbiguousSubmit",
    "AuthenticationError",
    "Client",
    "DeadlineExceeded",
    "InsufficientCredits",
    "InvalidParams",
    "Job",
    "JobCancelled",
    "JobError",
    "JobFailed",
    "JobGroup",
    "JobStatus",
    "ModelRetired",
    "NotFoundError",
    "OxenError",
    "PayloadCheck",
    "PayloadError",
    "ProgressEvent",
    "RateLimited",
    "Result",
    "SchemaDriftError",
    "SchemaDriftWarning",
    "ServerError",
    "TransportError",
    "UnknownPropertyWarning",
    "ValidationIssue",
    "WaitTimeout",
    "brief",
    "default_client",
    "did_you_mean",
    "ecma_regex",
    "enforce",
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
]

if _TYPE_CHECKING:
    from ._client import Client
    from ._job import Job, JobGroup
    from ._result import Result

_LAZY = {"Client": "_client", "Job": "_job", "JobGroup": "_job", "Result": "_result"}


def __getattr__(name: str) -> _Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
