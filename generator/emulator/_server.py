"""Running the emulator under uvicorn: in a background thread (``Emulator``) or in the
foreground until SIGINT/SIGTERM (``serve``, behind ``oxgen emulator``)."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from collections.abc import Callable, Coroutine, Generator
from types import FrameType, TracebackType
from typing import Any, TypeVar

import uvicorn

from ._app import create_app
from ._catalog import load_catalog
from ._config import EmulatorConfig, Faults
from ._state import EmulatorState

__all__ = ["Emulator", "serve"]

_T = TypeVar("_T")
_START_TIMEOUT = 15.0
_STOP_TIMEOUT = 15.0
_CALL_TIMEOUT = 10.0


class _Server(uvicorn.Server):
    """uvicorn with two hooks: "bound and serving" and "asked to stop".

    Open event streams and blocking calls would hold a graceful shutdown for minutes, so
    ``on_exit`` closes them first. Signals are handled here rather than by uvicorn, which
    re-raises them after shutdown and so would turn a clean stop into a death by signal.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        state: EmulatorState,
        on_ready: Callable[[str], None],
        handle_signals: bool,
    ) -> None:
        super().__init__(config)
        self._state = state
        self._on_ready = on_ready
        self._handle_signals = handle_signals
        self.loop: asyncio.AbstractEventLoop | None = None
        self.received_signal: int | None = None

    async def startup(self, sockets: Any = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets=sockets)
        if self.started and self.servers:
            host, port = self.servers[0].sockets[0].getsockname()[:2]
            shown = f"[{host}]" if ":" in host else host
            self._on_ready(f"http://{shown}:{port}")

    def request_stop(self) -> None:
        """Thread-safe: close streams on the loop, then let uvicorn's main loop exit."""
        loop = self.loop
        if loop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop may have just closed
                loop.call_soon_threadsafe(self._state.close)
        self.should_exit = True

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        if not self._handle_signals:
            yield
            return

        def handler(signum: int, frame: FrameType | None) -> None:
            if self.received_signal is not None and signum == signal.SIGINT:
                self.force_exit = True  # a second Ctrl-C: stop waiting for connections
            self.received_signal = signum
            self.request_stop()

        previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, old in previous.items():
                signal.signal(sig, old)


def _uvicorn_config(app: Any, config: EmulatorConfig) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=config.host,
        port=config.port,
        lifespan="off",
        ws="none",
        log_config=None,
        log_level="warning",
        access_log=False,
        timeout_graceful_shutdown=3,
    )


def serve(
    config: EmulatorConfig, on_ready: Callable[[str], None], state: EmulatorState | None = None
) -> int | None:
    """Serve in the foreground until SIGINT or SIGTERM; returns the signal that stopped it."""
    if state is None:
        catalog, _ = load_catalog(config)
        state = EmulatorState(config, catalog)
    server = _Server(
        _uvicorn_config(create_app(state=state), config), state, on_ready, handle_signals=True
    )
    server.run()
    return server.received_signal


class Emulator:
    """A running emulator in a background thread, as a context manager.

    ``with Emulator(EmulatorConfig(speed=1000, seed=1)) as emu:`` starts uvicorn on a free
    loopback port and yields once it accepts connections; ``emu.base_url`` and
    ``emu.api_key`` are what a client needs. Leaving the block closes event streams and
    blocking calls, stops the server and joins the thread.

    Control methods (thread-safe; each runs on the server's loop and waits for it):

    * ``set_faults(**changes)``: change fault knobs now (see ``Faults``); returns the new value.
    * ``fail_next(count=1, status=500)``: the next ``count`` authenticated API requests answer
      ``status``: 401, 402 (``insufficient_credits``), 429 (``Retry-After: 1``) or a 5xx.
    * ``complete(generation_id, status="succeeded", error_message=None)``: end an active job
      now, with its event; returns its row. ``KeyError`` for an unknown id.
    * ``drop_event_streams()``: close every open ``/api/events`` connection now.
    * ``jobs()``: every job with float ``enqueued_at``/``started_at``/``completed_at``.
    * ``stats()``: what ``GET /_emulator/stats`` returns; ``reset()``: as ``POST /_emulator/reset``.
    """

    def __init__(self, config: EmulatorConfig | None = None) -> None:
        self.config = config or EmulatorConfig()
        catalog, self.problems = load_catalog(self.config)
        self._state = EmulatorState(self.config, catalog)
        self._ready = threading.Event()
        self._base_url: str | None = None
        self._error: BaseException | None = None
        self._server = _Server(
            _uvicorn_config(create_app(state=self._state), self.config),
            self._state,
            self._mark_ready,
            handle_signals=False,
        )
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``, without a trailing slash."""
        if self._base_url is None:
            raise RuntimeError("the emulator is not running; use it as a context manager")
        return self._base_url

    @property
    def api_key(self) -> str:
        return self.config.api_keys[0]

    def _mark_ready(self, base_url: str) -> None:
        self._base_url = base_url
        self._ready.set()

    def _run(self) -> None:
        try:
            self._server.run()
        except BaseException as exc:  # SystemExit from a failed bind included
            self._error = exc
        finally:
            self._ready.set()

    def start(self) -> Emulator:
        if self._thread is not None:
            raise RuntimeError("an Emulator can be started only once")
        self._thread = threading.Thread(target=self._run, name="oxen-emulator", daemon=True)
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT) or self._base_url is None:
            self.stop()
            where = f"{self.config.host}:{self.config.port}"
            raise RuntimeError(f"the emulator did not start on {where}: {self._error!r}")
        return self

    def stop(self) -> None:
        self._server.request_stop()
        if self._thread is not None:
            self._thread.join(_STOP_TIMEOUT)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- control ---

    def _call(self, function: Callable[[], _T]) -> _T:
        loop = self._server.loop
        if loop is None or self._thread is None or not self._thread.is_alive():
            raise RuntimeError("the emulator is not running")

        async def on_loop() -> _T:
            return function()

        coroutine: Coroutine[Any, Any, _T] = on_loop()
        return asyncio.run_coroutine_threadsafe(coroutine, loop).result(_CALL_TIMEOUT)

    def set_faults(self, **changes: Any) -> Faults:
        return self._call(lambda: self._state.set_faults(**changes))

    def fail_next(self, count: int = 1, status: int = 500) -> None:
        self._call(lambda: self._state.fail_next(count, status))

    def complete(
        self, generation_id: str, status: str = "succeeded", error_message: str | None = None
    ) -> dict[str, Any]:
        return self._call(lambda: self._state.complete(generation_id, status, error_message))

    def drop_event_streams(self) -> int:
        return self._call(self._state.drop_event_streams)

    def jobs(self) -> list[dict[str, Any]]:
        return self._call(self._state.job_details)

    def stats(self) -> dict[str, Any]:
        return self._call(self._state.stats)

    def reset(self) -> None:
        self._call(self._state.reset)
