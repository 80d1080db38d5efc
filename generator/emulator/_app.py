"""The service's routes, as the contract describes them, on one ``EmulatorState``."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from . import _envelopes
from ._catalog import CatalogModel, load_catalog
from ._config import EmulatorConfig
from ._control import control_routes
from ._events import EventStreamResponse
from ._faults import API_KEY_SCOPE, FaultGate
from ._jobs import ACTIVE, STATUSES, Job, invalid_params_text
from ._media import media_bytes, media_content_type, media_extension
from ._state import EmulatorState

__all__ = ["create_app"]

_MAX_GENERATIONS = 4
_CONVERTER = re.compile(r":\w+}")  # "{model_id:path}" -> "{model_id}" in stats keys
# Fields of a queue request that are not model parameters, so not echoed into rows.
_NOT_ECHOED = frozenset({"model", "num_generations", "target_namespace"})
_BLOCKING = {"/videos/generate": "video", "/images/generate": "image", "/images/edit": "image"}


def _invalid(detail: str) -> JSONResponse:
    return _envelopes.error(400, "invalid_params", "Invalid parameters", detail)


async def _json_object(request: Request) -> dict[str, Any] | JSONResponse:
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return _invalid("The request body must be a JSON object")
    if not isinstance(body, dict):
        return _invalid("The request body must be a JSON object")
    return body


def _row_filter(job: Job, query: Mapping[str, str], statuses: frozenset[str]) -> bool:
    if job.status not in statuses:
        return False
    checks = (
        ("model", job.model_name),
        ("media_type", job.media_type),
        ("namespace", job.target_namespace),
        ("repo", job.params.get("target_repo")),
        ("folder", job.params.get("target_folder")),
    )
    return all(query[name] == value for name, value in checks if name in query)


class _Api:
    """Route handlers bound to one state (Starlette accepts bound methods as endpoints)."""

    def __init__(self, state: EmulatorState) -> None:
        self.state = state

    @staticmethod
    def _key(request: Request) -> str:
        return str(request.scope[API_KEY_SCOPE])

    # --- models ---

    async def list_models(self, request: Request) -> Response:
        data = self.state.catalog.listing(request.query_params)
        return JSONResponse({"object": "list", "data": list(data)})

    async def get_model(self, request: Request) -> Response:
        model_id = request.path_params["model_id"]
        model = self.state.catalog.get(model_id)
        if model is None:
            return _envelopes.model_not_found(model_id)
        # A strong ETag over the canonical object; If-None-Match gets a bodiless 304.
        canonical = json.dumps(model.data, sort_keys=True, separators=(",", ":"))
        etag = f'"{hashlib.sha256(canonical.encode()).hexdigest()[:32]}"'
        wanted = {tag.strip() for tag in request.headers.get("if-none-match", "").split(",")}
        if etag in wanted or "*" in wanted:
            return Response(status_code=304, headers={"ETag": etag})
        return JSONResponse(dict(model.data), headers={"ETag": etag})

    # --- queue ---

    def _queueable(self, body: Mapping[str, Any]) -> CatalogModel | JSONResponse:
        model_id = body.get("model")
        if not isinstance(model_id, str) or not model_id:
            return _invalid("'model' is required and must be a string")
        model = self.state.catalog.get(model_id)
        if model is None:
            return _envelopes.model_not_found(model_id)
        if model.media_type is None:
            return _invalid(f"Model {model_id} does not generate images or videos")
        return model

    async def enqueue(self, request: Request) -> Response:
        body = await _json_object(request)
        if isinstance(body, JSONResponse):
            return body
        model = self._queueable(body)
        if isinstance(model, JSONResponse):
            return model
        count = body.get("num_generations", 1)
        in_range = isinstance(count, int) and 1 <= count <= _MAX_GENERATIONS
        if isinstance(count, bool) or not in_range:
            return _invalid(f"num_generations must be an integer from 1 to {_MAX_GENERATIONS}")
        namespace = body.get("target_namespace")
        if namespace is not None and not isinstance(namespace, str):
            return _invalid("target_namespace must be a string")
        state = self.state
        jobs = state.jobs.enqueue(
            owner=self._key(request),
            model=model,
            params={k: v for k, v in body.items() if k not in _NOT_ECHOED},
            target_namespace=namespace,
            result_base=str(request.base_url),
            count=count,
            job_fail_rate=state.faults.job_fail_rate,
        )
        rate = state.faults.ambiguous_post_rate
        if rate > 0 and state.fault_rng.random() < rate:
            return _envelopes.server_error(500, "Internal error after enqueue (emulator)")
        generations = [{"generation_id": job.generation_id, "status": job.status} for job in jobs]
        return JSONResponse({"generations": generations})

    async def list_queue(self, request: Request) -> Response:
        query = request.query_params
        statuses: frozenset[str] = ACTIVE
        if "status" in query:
            wanted = frozenset(
                part.strip()
                for value in query.getlist("status")
                for part in value.split(",")
                if part.strip()
            )
            unknown = sorted(wanted - set(STATUSES))
            if unknown:
                return _invalid(f"Unknown status: {', '.join(unknown)}")
            statuses = wanted
        rows = [
            job.row()
            for job in self.state.jobs.select(self._key(request))
            if _row_filter(job, query, statuses)
        ]
        return JSONResponse({"count": len(rows), "generations": rows})

    def _own_job(self, request: Request) -> Job | JSONResponse:
        generation_id = request.path_params["generation_id"]
        job = self.state.jobs.get(generation_id, owner=self._key(request))
        if job is None:
            return _envelopes.not_found(f"Generation not found: {generation_id}")
        return job

    async def get_row(self, request: Request) -> Response:
        job = self._own_job(request)
        return job if isinstance(job, JSONResponse) else JSONResponse(job.row())

    async def cancel(self, request: Request) -> Response:
        job = self._own_job(request)
        if isinstance(job, JSONResponse):
            return job
        self.state.jobs.cancel(job)
        return JSONResponse({"status": "success", "generation_id": job.generation_id})

    # --- events ---

    async def events(self, request: Request) -> Response:
        state = self.state
        subscriber = state.broker.subscribe(self._key(request))
        return EventStreamResponse(
            state.broker,
            subscriber,
            keepalive=state.config.keepalive_interval,
            drop_after=state.faults.drop_sse_every,
        )

    # --- blocking generation ---

    async def generate(self, request: Request) -> Response:
        body = await _json_object(request)
        if isinstance(body, JSONResponse):
            return body
        model = self._queueable(body)
        if isinstance(model, JSONResponse):
            return model
        route = request.url.path.removeprefix("/api/ai")
        if _BLOCKING[route] != model.media_type:
            return _invalid(f"Model {model.model_id} makes {model.media_type}s; not {route}")
        response_format = body.get("response_format", "url")
        if response_format not in ("url", "b64_json"):
            return _invalid("response_format must be 'url' or 'b64_json'")
        problems = self.state.catalog.validate(model, body)
        if problems:
            detail = invalid_params_text(problems)
            return _envelopes.error(422, "invalid_params", "Invalid parameters", detail)
        state = self.state
        delay = state.jobs.draw_blocking_delay(model.media_type)
        try:
            await asyncio.wait_for(state.closing.wait(), timeout=delay)
        except asyncio.TimeoutError:
            pass
        else:
            return _envelopes.server_error(503, "The emulator is shutting down")
        media_type = model.media_type
        if response_format == "b64_json":
            item = {"b64_json": base64.b64encode(media_bytes(media_type)).decode("ascii")}
        else:
            name = f"{state.jobs.new_id()}.{media_extension(media_type)}"
            state.files[name] = (self._key(request), media_type)
            item = {"url": f"{request.base_url}files/{name}"}
        key = "videos" if media_type == "video" else "images"
        return JSONResponse({"model": model.model_id, "created": int(time.time()), key: [item]})

    # --- result files ---

    async def download(self, request: Request) -> Response:
        name = request.path_params["file_name"]
        entry = self.state.files.get(name)
        if entry is None or entry[0] != self._key(request):
            return _envelopes.not_found(f"File not found: {name}")
        media_type = entry[1]
        return Response(media_bytes(media_type), media_type=media_content_type(media_type))

    def routes(self) -> list[BaseRoute]:
        blocking = [Route(f"/api/ai{path}", self.generate, methods=["POST"]) for path in _BLOCKING]
        return [
            Route("/api/ai/models", self.list_models, methods=["GET"]),
            Route("/api/ai/models/{model_id:path}", self.get_model, methods=["GET"]),
            Route("/api/ai/queue", self.enqueue, methods=["POST"]),
            Route("/api/ai/queue", self.list_queue, methods=["GET"]),
            Route("/api/ai/queue/{generation_id}", self.get_row, methods=["GET"]),
            Route("/api/ai/queue/{generation_id}", self.cancel, methods=["DELETE"]),
            Route("/api/events", self.events, methods=["GET"]),
            *blocking,
            Route("/files/{file_name}", self.download, methods=["GET"]),
        ]


def _templater(routes: list[BaseRoute]) -> Callable[[Scope], str]:
    """Map a request to ``"METHOD /path/{template}"`` so stats stay bounded in size."""

    def template(scope: Scope) -> str:
        method = scope["method"]
        partial = None
        for route in routes:
            match, _ = route.matches(scope)
            if match is Match.FULL and isinstance(route, Route):
                return f"{method} {_CONVERTER.sub('}', route.path)}"
            if match is Match.PARTIAL and isinstance(route, Route) and partial is None:
                partial = _CONVERTER.sub("}", route.path)
        return f"{method} {partial or '<unmatched>'}"

    return template


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 405:
        return _envelopes.error(405, "invalid_params", "Method Not Allowed", "Method not allowed")
    if status == 404:
        return _envelopes.not_found(f"No route for {request.url.path}")
    return _envelopes.server_error(status if status >= 500 else 500, "Unexpected error")


def create_app(
    config: EmulatorConfig | None = None, state: EmulatorState | None = None
) -> Starlette:
    """The emulator as an ASGI app (Starlette behind the fault gate).

    Pass ``state`` to share one with the caller (``Emulator`` does, to control it); the
    returned app exposes it as ``app.state.emulator`` either way.
    """
    if state is None:
        config = config or EmulatorConfig()
        catalog, _ = load_catalog(config)
        state = EmulatorState(config, catalog)
    api = _Api(state)
    routes = [*api.routes(), *control_routes(state)]
    app = Starlette(routes=routes, exception_handlers={HTTPException: _http_error})
    app.state.emulator = state
    app.add_middleware(FaultGate, state=state, template=_templater(routes))
    return app
