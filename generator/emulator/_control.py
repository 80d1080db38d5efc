"""``/_emulator/*``: the test harness's side channel into a running emulator.

Not part of the service's API, so it needs no key and is never faulted or counted. Each
route calls the matching ``EmulatorState`` method, which the in-process ``Emulator`` also
exposes; this is how a subprocess emulator (``oxgen emulator``) is steered.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from ._state import EmulatorState

__all__ = ["control_routes"]


def _bad(detail: str) -> JSONResponse:
    return JSONResponse({"error": {"message": detail}}, status_code=400)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw:
        return {}
    value = json.loads(raw)
    if not isinstance(value, dict):
        raise ValueError("the body must be a JSON object")
    return value


def control_routes(state: EmulatorState) -> list[BaseRoute]:
    async def stats(request: Request) -> Response:
        return JSONResponse(state.stats())

    async def reset(request: Request) -> Response:
        state.reset()
        return JSONResponse({"status": "success"})

    async def jobs(request: Request) -> Response:
        return JSONResponse({"jobs": state.job_details()})

    async def faults(request: Request) -> Response:
        try:
            updated = state.set_faults(**await _body(request))
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return JSONResponse(updated.as_dict())

    async def fail_next(request: Request) -> Response:
        try:
            body = await _body(request)
            state.fail_next(int(body.get("count", 1)), int(body.get("status", 500)))
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return JSONResponse({"status": "success", "pending": len(state.forced)})

    async def complete(request: Request) -> Response:
        generation_id = request.path_params["generation_id"]
        try:
            body = await _body(request)
            row = state.complete(
                generation_id, str(body.get("status", "succeeded")), body.get("error_message")
            )
        except KeyError:
            return JSONResponse(
                {"error": {"message": f"Generation not found: {generation_id}"}}, status_code=404
            )
        except (TypeError, ValueError) as exc:
            return _bad(str(exc))
        return JSONResponse(row)

    async def drop_event_streams(request: Request) -> Response:
        return JSONResponse({"dropped": state.drop_event_streams()})

    return [
        Route("/_emulator/stats", stats, methods=["GET"]),
        Route("/_emulator/reset", reset, methods=["POST"]),
        Route("/_emulator/jobs", jobs, methods=["GET"]),
        Route("/_emulator/faults", faults, methods=["POST"]),
        Route("/_emulator/fail-next", fail_next, methods=["POST"]),
        Route("/_emulator/jobs/{generation_id}/complete", complete, methods=["POST"]),
        Route("/_emulator/drop-event-streams", drop_event_streams, methods=["POST"]),
    ]
