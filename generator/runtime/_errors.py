"""The one exception tree of the oxgen runtime.

Every class carries the context a caller needs to act on it (model id, generation id,
HTTP status, response body). Lower-level errors (httpx, json) are wrapped at the boundary
with ``raise ... from exc`` so callers only ever catch ``OxenError`` subclasses.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    "SchemaDriftError",
    "SchemaDriftWarning",
    "ServerError",
    "TransportError",
    "WaitTimeout",
]


class OxenError(Exception):
    """Base class of every error the oxgen runtime raises."""

    def __init__(
        self,
        message: str,
        *,
        model_id: str | None = None,
        generation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.model_id = model_id
        self.generation_id = generation_id

    def __str__(self) -> str:
        context = [
            f"{name}={value}"
            for name, value in (("model", self.model_id), ("generation", self.generation_id))
            if value
        ]
        return f"{self.message} ({', '.join(context)})" if context else self.message


class TransportError(OxenError):
    """The request could not be completed: connection refused, reset, or timed out."""


class APIError(OxenError):
    """The API answered with an error status.

    ``status_code`` is the HTTP status, ``error_type`` the envelope's ``error.type`` when the
    body has one, and ``body`` the raw decoded body (or text) for debugging.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        error_type: str | None = None,
        body: object = None,
        model_id: str | None = None,
        generation_id: str | None = None,
    ) -> None:
        super().__init__(message, model_id=model_id, generation_id=generation_id)
        self.status_code = status_code
        self.error_type = error_type
        self.body = body

    def __str__(self) -> str:
        return f"HTTP {self.status_code}: {super().__str__()}"


class AuthenticationError(APIError):
    """401: the API key is missing or wrong. Set OXEN_API_KEY or pass ``api_key=``."""


class InsufficientCredits(APIError):
    """402: the account has no credits left for this generation."""


class NotFoundError(APIError):
    """404: the model or generation does not exist."""


class ModelRetired(NotFoundError):
    """404 for a model the bindings were generated for: it left the catalog.

    ``successor`` names the likely replacement when one is known.
    """

    def __init__(self, message: str, *, successor: str | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.successor = successor


class InvalidParams(APIError):
    """400/422: the service rejected the request parameters."""


class RateLimited(APIError):
    """429: too many requests. ``retry_after`` is the server's hint in seconds, if any."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(message, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class ServerError(APIError):
    """5xx: the service failed. Idempotent requests are retried before this is raised."""


class PayloadError(OxenError, ValueError):
    """The payload does not match the model's request schema; nothing was sent.

    ``issues`` lists every problem, each with its JSON pointer into the payload.
    """

    def __init__(self, issues: Sequence[ValidationIssue], *, model_id: str | None = None) -> None:
        self.issues = list(issues)
        lines = "\n".join(f"  {issue}" for issue in self.issues)
        noun = "issue" if len(self.issues) == 1 else "issues"
        super().__init__(
            f"payload is invalid ({len(self.issues)} {noun}):\n{lines}", model_id=model_id
        )

    def __str__(self) -> str:
        head, _, rest = self.message.partition("\n")
        where = f" for model {self.model_id}" if self.model_id else ""
        return f"{head.rstrip(':')}{where}:\n{rest}" if rest else f"{head}{where}"


class JobError(OxenError):
    """A generation ended without a result."""

    def __init__(
        self,
        message: str,
        *,
        status: str,
        model_id: str | None = None,
        generation_id: str | None = None,
    ) -> None:
        super().__init__(message, model_id=model_id, generation_id=generation_id)
        self.status = status


class JobFailed(JobError):
    """The generation ended ``failed``; ``message`` is the server's error message."""


class JobCancelled(JobError):
    """The generation was cancelled (by the caller, a deadline, or someone else)."""


class DeadlineExceeded(OxenError, TimeoutError):
    """The job's deadline passed; the remote generation was cancelled unless detached."""


class AmbiguousSubmit(OxenError):
    """An enqueue request may or may not have been accepted (and billed).

    Raised only after reconciling against the queue could not decide. ``candidates`` holds
    the generation ids that might belong to this submission; check them before resubmitting.
    """

    def __init__(
        self,
        message: str,
        *,
        candidates: Sequence[str] = (),
        model_id: str | None = None,
    ) -> None:
        super().__init__(message, model_id=model_id)
        self.candidates = list(candidates)


class WaitTimeout(OxenError, TimeoutError):
    """``result(timeout=...)`` gave up waiting; the job itself goes on (use ``cancel()``)."""


class SchemaDriftError(OxenError):
    """``Client(schema_check="error")``: the live request schema differs from the one the
    module was generated from; nothing was submitted. Regenerate the bindings."""


class SchemaDriftWarning(UserWarning):
    """The live request schema differs from the one the module was generated from."""
