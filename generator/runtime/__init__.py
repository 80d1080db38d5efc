"""The oxgen runtime: what generated modules import.

Generated code imports only the public names listed in ``__all__`` here.
"""

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
)
from ._validation import ValidationIssue

__all__ = [
    "APIError",
    "AmbiguousSubmit",
    "AuthenticationError",
    "DeadlineExceeded",
    "InsufficientCredits",
    "InvalidParams",
    "JobCancelled",
    "JobError",
    "JobFailed",
    "ModelRetired",
    "NotFoundError",
    "OxenError",
    "PayloadError",
    "RateLimited",
    "ServerError",
    "TransportError",
    "ValidationIssue",
]
