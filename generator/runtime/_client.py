"""``Client``: the one entry point for running generations, sync and async.

Design: the queue protocol runs once, in an asyncio core (``_runner``) on a private event-loop
thread owned by the client; ``submit``/``run`` and ``asubmit``/``arun`` are thin facades that
hand coroutines to that loop. Why not a sync driver plus an async driver: the client must keep
exactly one event-stream connection and one in-flight budget whatever mix of threads and event
loops calls it (the process-wide ``default_client()`` is used from scripts, notebooks and
``asyncio.run`` calls in turn), and an ``httpx.AsyncClient`` is bound to the loop that made it.
A private loop gives one owner for that state and one code path, so sync and async behaviour
cannot drift apart; the cost is one thread per client and a hop between loops.

This module stays cheap to import: httpx, httpx-sse, sqlite3 and platformdirs are imported when
the first ``Client`` is constructed, never when a generated module is imported.
"""

from __future__ import annotations

import asyncio
import atexit
import os
import threading
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from ._job import Job, JobGroup

if TYPE_CHECKING:
    import httpx

    from ._drift import SchemaCheck
    from ._loop import LoopThread
    from ._result import Result
    from ._runner import Runner
    from ._types import PayloadCheck

__all__ = ["Client", "default_client"]

T = TypeVar("T")

EventsMode = Literal["auto", "sse", "poll"]
JournalOption = str | os.PathLike[str] | Literal[False] | None


class Client:
    """A connection to the Oxen.ai inference API that runs queued generations.

    ``api_key`` defaults to ``$OXEN_API_KEY``, ``base_url`` to ``$OXEN_BASE_URL`` or
    ``https://hub.oxen.ai``. At most ``max_in_flight`` generations are enqueued and unfinished
    at once; further submissions wait locally, in order. ``events`` picks how completion is
    noticed: ``"sse"`` (the event stream), ``"poll"`` (one list request per interval for all
    open jobs) or ``"auto"`` (the stream, falling back to polling while it is unavailable).
    ``journal`` is the SQLite job journal: ``None`` for the default file in the user data
    directory, a path, or ``False`` for none. ``timeout`` bounds every single network wait.
    ``rate_limit_patience``: how many seconds in all a submit without a ``deadline`` waits out
    429 refusals before raising ``RateLimited`` (with a deadline, the deadline decides).
    ``strict_keys`` turns unknown payload keys from a warning into a ``PayloadError``.
    ``schema_check`` is the drift guard for generated modules' calls: before a model's first
    submit in the process its live schema hash is compared with the module's ``SCHEMA_SHA256``
    (from the disk cache within an hour, else one conditional request); ``"warn"`` (default)
    emits ``SchemaDriftWarning``, ``"error"`` raises ``SchemaDriftError``, ``"off"`` skips it.
    Calls from generated modules raise ``ModelRetired`` (with a likely successor) on a 404.
    ``time_scale`` multiplies every backoff and polling sleep (tests use 0).
    ``transport`` replaces the network (an ``httpx.AsyncBaseTransport``, e.g. a MockTransport).
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        *,
        max_in_flight: int = 8,
        events: EventsMode = "auto",
        journal: JournalOption = None,
        timeout: float = 30.0,
        rate_limit_patience: float = 600.0,
        strict_keys: bool = False,
        schema_check: SchemaCheck = "warn",
        time_scale: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        from ._config import Config
        from ._loop import LoopThread
        from ._runner import Runner

        config = Config.from_env(
            api_key,
            base_url,
            max_in_flight=max_in_flight,
            events=events,
            timeout=timeout,
            rate_limit_patience=rate_limit_patience,
            time_scale=time_scale,
        )
        if schema_check not in ("warn", "error", "off"):
            raise ValueError(f"schema_check must be 'warn', 'error' or 'off', not {schema_check!r}")
        self._config = config
        self._strict_keys = strict_keys
        self._schema_check: SchemaCheck = schema_check
        self._closed = False
        self._loop: LoopThread = LoopThread("oxgen-runner")
        try:
            self._runner: Runner = self._loop.run(
                Runner.create(config, controller=self, transport=transport, journal=journal)
            )
        except BaseException:
            self._loop.stop()
            raise

    def __repr__(self) -> str:
        return f"Client(base_url={self._config.base_url!r}, events={self._config.events!r})"

    @property
    def base_url(self) -> str:
        return self._config.base_url

    # Submitting. Each pair of overloads types the common call (one generation) as a single
    # Job/Result; mypy flags Literal[1] overlapping int, which is exactly the intent.

    @overload
    def submit(  # type: ignore[overload-overlap]
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: Literal[1] = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Job: ...

    @overload
    def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> JobGroup: ...

    def submit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Job | JobGroup:
        """Validate, then enqueue; return once the server has assigned generation ids.

        Blocks while ``max_in_flight`` generations are already running (backpressure).
        ``deadline`` (seconds from now) bounds the whole job, local wait included: when it
        passes the remote generation is cancelled and waiting raises ``DeadlineExceeded``.
        Returns a ``Job``, or a ``JobGroup`` when ``num_generations`` is more than 1.
        """
        body = self._prepare(model_id, payload, check)
        jobs = self._drift_reported(
            self._call(self._submit(model_id, body, num_generations, deadline, schema_sha256))
        )
        return jobs[0] if num_generations == 1 else JobGroup(jobs)

    @overload
    async def asubmit(  # type: ignore[overload-overlap]
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: Literal[1] = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Job: ...

    @overload
    async def asubmit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> JobGroup: ...

    async def asubmit(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Job | JobGroup:
        """Async twin of ``submit``."""
        body = self._prepare(model_id, payload, check)
        jobs = self._drift_reported(
            await self._acall(
                self._submit(model_id, body, num_generations, deadline, schema_sha256)
            )
        )
        return jobs[0] if num_generations == 1 else JobGroup(jobs)

    @overload
    def run(  # type: ignore[overload-overlap]
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: Literal[1] = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Result: ...

    @overload
    def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> list[Result]: ...

    def run(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Result | list[Result]:
        """``submit`` and wait: a ``Result`` (a list of them when ``num_generations > 1``)."""
        body = self._prepare(model_id, payload, check)
        jobs = self._drift_reported(
            self._call(self._submit(model_id, body, num_generations, deadline, schema_sha256))
        )
        if num_generations == 1:
            return jobs[0].result()
        return JobGroup(jobs).results()

    @overload
    async def arun(  # type: ignore[overload-overlap]
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: Literal[1] = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Result: ...

    @overload
    async def arun(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> list[Result]: ...

    async def arun(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        num_generations: int = 1,
        deadline: float | None = None,
        check: PayloadCheck | None = None,
        schema_sha256: str | None = None,
    ) -> Result | list[Result]:
        """Async twin of ``run``; cancelling it cancels the remote generations."""
        body = self._prepare(model_id, payload, check)
        jobs = self._drift_reported(
            await self._acall(
                self._submit(model_id, body, num_generations, deadline, schema_sha256)
            )
        )
        if num_generations == 1:
            return await jobs[0].aresult()
        return await JobGroup(jobs).aresults()

    def run_direct(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        endpoint: str | None = None,
        check: PayloadCheck | None = None,
    ) -> Result:
        """Generate through the blocking endpoint (parameter errors come back at once).

        ``endpoint`` is the model's endpoint (``/images/generate``, ``/images/edit``,
        ``/videos/generate``); when omitted it is looked up from the model.
        """
        body = self._prepare(model_id, payload, check)
        return self._call(self._runner.run_direct(model_id, body, endpoint))

    async def arun_direct(
        self,
        model_id: str,
        payload: Mapping[str, Any],
        *,
        endpoint: str | None = None,
        check: PayloadCheck | None = None,
    ) -> Result:
        """Async twin of ``run_direct``."""
        body = self._prepare(model_id, payload, check)
        return await self._acall(self._runner.run_direct(model_id, body, endpoint))

    # Existing jobs.

    def attach(self, generation_id: str, model_id: str = "") -> Job:
        """A ``Job`` for a generation enqueued elsewhere (another process, an earlier run)."""
        return self._call(self._runner.attach(generation_id, model_id))

    async def aattach(self, generation_id: str, model_id: str = "") -> Job:
        return await self._acall(self._runner.attach(generation_id, model_id))

    def recover(self) -> list[Job]:
        """Re-attach to every unfinished job in the journal (after a crash or restart)."""
        return self._call(self._runner.recover())

    async def arecover(self) -> list[Job]:
        return await self._acall(self._runner.recover())

    # Lifecycle.

    def close(self) -> None:
        """Stop watching and close connections. Unfinished jobs keep running remotely (the
        journal remembers them for ``recover()``)."""
        if self._closed:
            return
        self._closed = True
        try:
            self._call(self._runner.close())
        finally:
            self._loop.stop()

    async def aclose(self) -> None:
        await asyncio.to_thread(self.close)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    async def __aenter__(self) -> Client:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # Plumbing.

    async def _submit(
        self,
        model_id: str,
        body: dict[str, Any],
        num: int,
        deadline: float | None,
        schema_sha256: str | None,
    ) -> tuple[list[Job], str | None]:
        """Enqueue on the runner's loop. A generated module's call (it passes its
        ``schema_sha256``) is drift-checked first, and a 404 for it becomes ``ModelRetired``."""
        if schema_sha256 is None:
            return await self._runner.submit(model_id, body, num, deadline), None
        from ._drift import check_schema, retired
        from ._errors import ModelRetired, NotFoundError, SchemaDriftError
        from ._model_cache import ModelCache

        http, cache, drift = self._runner.http.client, ModelCache(), None
        if self._schema_check != "off":
            once = self._schema_check == "warn"
            drift = await check_schema(http, cache, model_id, schema_sha256, once=once)
            if drift is not None and self._schema_check == "error":
                raise SchemaDriftError(drift, model_id=model_id)
        try:
            jobs = await self._runner.submit(model_id, body, num, deadline)
        except NotFoundError as exc:
            if isinstance(exc, ModelRetired):
                raise
            raise await retired(http, cache, model_id, exc) from exc
        return jobs, drift

    @staticmethod
    def _drift_reported(outcome: tuple[list[Job], str | None]) -> list[Job]:
        """Warn in the caller's thread (the check ran on the runner's), pointing at the call."""
        jobs, drift = outcome
        if drift is not None:
            import warnings

            from ._errors import SchemaDriftWarning

            warnings.warn(drift, SchemaDriftWarning, stacklevel=4)
        return jobs

    def _prepare(
        self, model_id: str, payload: Mapping[str, Any], check: PayloadCheck | None
    ) -> dict[str, Any]:
        if self._closed:
            raise RuntimeError("this Client is closed")
        if check is not None:
            check(payload, strict=self._strict_keys)
        return dict(payload)

    def _call(self, coro: Coroutine[Any, Any, T]) -> T:
        self._check_waitable()
        future = self._loop.submit(coro)
        try:
            return future.result()
        except KeyboardInterrupt:
            future.cancel()
            raise

    async def _acall(self, coro: Coroutine[Any, Any, T]) -> T:
        if self._loop.in_thread():
            return await coro
        return await asyncio.wrap_future(self._loop.submit(coro))

    def _check_waitable(self) -> None:
        if self._loop.in_thread():
            raise RuntimeError(
                "blocking Client/Job calls cannot run on the client's runner thread "
                "(from a progress callback); use the async methods or another thread"
            )

    def _cancel_job(self, job: Job) -> None:
        if self._closed:
            raise RuntimeError("this Client is closed")
        self._call(self._runner.cancel(job))

    async def _acancel_job(self, job: Job) -> None:
        await self._acall(self._runner.cancel(job))


_default_lock = threading.Lock()
_default: Client | None = None


def default_client() -> Client:
    """The process-wide client configured from the environment, created on first use.

    Generated module-level functions use it when no ``client=`` is passed. It is closed at
    interpreter exit.
    """
    global _default
    with _default_lock:
        if _default is None or _default._closed:
            _default = Client()
            atexit.register(_default.close)
        return _default
