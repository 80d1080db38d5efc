"""The oxgen runtime: what generated modules import.

Generated code imports only the public names listed in ``__all__`` here.
"""

from ._client import Client, default_client
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
from ._job import Job, JobGroup
from ._result import Result
from ._types import JobStatus, PayloadCheck, ProgressEvent, UnknownPropertyWarning
from ._validation import ValidationIssue, enforce, jsonschema_issues

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
    "default_client",
    "enforce",
    "jsonschema_issues",
]
