"""The asyncio core of the queue runner (implementation in progress)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import os

    import httpx

    from ._config import Config
    from ._job import Job, _Controller
    from ._result import Result

__all__ = ["Runner"]


class Runner:
    def __init__(self, config: Config, controller: _Controller) -> None:
        self.config = config
        self.controller = controller

    @classmethod
    async def create(
        cls,
        config: Config,
        *,
        controller: _Controller,
        transport: httpx.AsyncBaseTransport | None,
        journal: str | os.PathLike[str] | bool | None,
    ) -> Runner:
        return cls(config, controller)

    async def submit(
        self, model_id: str, payload: dict[str, Any], num: int, deadline: float | None
    ) -> list[Job]:
        raise NotImplementedError

    async def run_direct(
        self, model_id: str, payload: dict[str, Any], endpoint: str | None
    ) -> Result:
        raise NotImplementedError

    async def attach(self, generation_id: str, model_id: str) -> Job:
        raise NotImplementedError

    async def recover(self) -> list[Job]:
        raise NotImplementedError

    async def cancel(self, job: Job) -> None:
        raise NotImplementedError

    async def close(self) -> None:
        return None
