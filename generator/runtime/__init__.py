"""The oxgen runtime: what generated modules import.

Generated code imports only the public names listed in ``__all__`` here.
"""

from ._client import Client, default_client
from ._compiled import (
    brief,
    did_you_mean,
    fallback_issues,
    is_integer,
    json_equal,
    json_in,
    json_unique,
    multiple_of,
    pointer,
    unexpected,
)
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
    ServerError,
    TransportError,
    WaitTimeout,
)
from ._formats import format_checker
from ._job import Job, JobGroup
from ._result import Result
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
    "is_integer",
    "json_equal",
    "json_in",
    "json_unique",
    "multiple_of",
    "pointer",
    "unexpected",
]
