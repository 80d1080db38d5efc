"""The in-flight budget: at most N generations enqueued and unfinished, waiters served in order."""

from __future__ import annotations

import asyncio
from collections import deque

__all__ = ["Slots"]


class Slots:
    """A FIFO counting semaphore for the runner's loop.

    Unlike ``asyncio.Semaphore`` it takes several units at once (a group of generations) and
    never lets a later, smaller request overtake an earlier one, so submissions are enqueued
    in the order they were made. ``force`` takes units without waiting (jobs attached after
    the fact); the budget may then go negative until they finish.
    """

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.free = capacity
        self._waiters: deque[tuple[int, asyncio.Future[None]]] = deque()

    @property
    def waiting(self) -> int:
        return sum(1 for _, future in self._waiters if not future.done())

    async def acquire(self, units: int) -> None:
        units = min(units, self.capacity)
        if not self._waiters and self.free >= units:
            self.free -= units
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        entry = (units, future)
        self._waiters.append(entry)
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self.release(units)  # granted and cancelled in the same instant
            else:
                self._waiters.remove(entry)
                self._grant()
            raise

    def force(self, units: int) -> None:
        self.free -= units

    def release(self, units: int = 1) -> None:
        self.free += units
        self._grant()

    def _grant(self) -> None:
        while self._waiters:
            units, future = self._waiters[0]
            if future.done():
                self._waiters.popleft()
                continue
            if self.free < units:
                return
            self._waiters.popleft()
            self.free -= units
            future.set_result(None)
