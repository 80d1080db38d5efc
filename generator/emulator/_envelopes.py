"""The service's two error body shapes, built in one place so every route answers alike."""

from __future__ import annotations

from collections.abc import Mapping

from starlette.responses import JSONResponse

__all__ = ["error", "model_not_found", "not_found", "server_error"]

_SERVER_ERRORS: Mapping[int, tuple[str, str]] = {
    500: ("unknown_error", "Internal Server Error"),
    502: ("upstream", "Bad Gateway"),
    503: ("unknown_error", "Service Unavailable"),
    504: ("upstream", "Gateway Timeout"),
}


def error(
    status: int,
    kind: str,
    title: str,
    detail: str,
    *,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, object] | None = None,
) -> JSONResponse:
    """``{"error": {"type", "title", "detail"}, "status": "error", "status_message": type}``."""
    body: dict[str, object] = {
        "error": {"type": kind, "title": title, "detail": detail},
        "status": "error",
        "status_message": kind,
    }
    if extra:
        body.update(extra)
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


def model_not_found(model_id: str) -> JSONResponse:
    """The other shape: ``{"error": {"message": "Model not found: <id>"}}``."""
    return JSONResponse({"error": {"message": f"Model not found: {model_id}"}}, status_code=404)


def not_found(detail: str) -> JSONResponse:
    return error(404, "resource_not_found", "Not Found", detail)


def server_error(status: int, detail: str) -> JSONResponse:
    """A 5xx envelope; 502 and 504 carry the ``upstream`` type as the service's do."""
    kind, title = _SERVER_ERRORS.get(status, ("unknown_error", "Server Error"))
    return error(status, kind, title, detail)
