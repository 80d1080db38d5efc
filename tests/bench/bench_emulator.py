"""Emulator cost: 1,000 concurrent jobs, enqueue rate, event delivery, idle CPU.

Not a test: numbers for the report (``python -m tests.bench emulator``). The emulator runs
in a thread of this process, so process CPU time covers server and client together.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from generator.emulator import Emulator, EmulatorConfig

JOBS = 1000
PER_POST = 4
CONCURRENCY = 16


async def _run(emu: Emulator) -> dict[str, float]:
    headers = {"Authorization": f"Bearer {emu.api_key}"}
    limits = httpx.Limits(max_connections=CONCURRENCY + 2)
    async with httpx.AsyncClient(
        base_url=emu.base_url, headers=headers, timeout=30, limits=limits
    ) as client:
        seen: set[str] = set()
        done = asyncio.Event()

        async def listen(ready: asyncio.Event) -> None:
            async with client.stream("GET", "/api/events") as stream:
                ready.set()
                async for line in stream.aiter_lines():
                    if line.startswith("data: "):
                        seen.add(json.loads(line[6:])["generation_id"])
                        if len(seen) >= JOBS:
                            done.set()
                            return

        ready = asyncio.Event()
        listener = asyncio.create_task(listen(ready))
        await asyncio.wait_for(ready.wait(), 10)
        semaphore = asyncio.Semaphore(CONCURRENCY)

        async def post() -> None:
            async with semaphore:
                body = {"model": "flux-1-dev", "prompt": "p", "num_generations": PER_POST}
                response = await client.post("/api/ai/queue", json=body)
                response.raise_for_status()

        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(post() for _ in range(JOBS // PER_POST)))
        enqueue_wall = time.perf_counter() - wall0
        await asyncio.wait_for(done.wait(), 120)
        total_wall = time.perf_counter() - wall0
        cpu = time.process_time() - cpu0
        await asyncio.wait_for(listener, 10)
    jobs = emu.jobs()
    span = max(j["completed_at"] for j in jobs) - min(j["enqueued_at"] for j in jobs)
    return {
        "enqueue_s": enqueue_wall,
        "posts_per_s": (JOBS // PER_POST) / enqueue_wall,
        "all_events_s": total_wall,
        "cpu_s": cpu,
        "emulator_span_s": span,
    }


def _idle_cpu() -> float:
    """CPU seconds over 2 s of wall time with 1,000 long jobs pending."""
    config = EmulatorConfig(speed=1, seed=1, queue_seconds=(3600.0, 3600.0))
    with Emulator(config) as emu:
        headers = {"Authorization": f"Bearer {emu.api_key}"}
        with httpx.Client(base_url=emu.base_url, headers=headers) as client:
            for _ in range(JOBS // PER_POST):
                client.post(
                    "/api/ai/queue", json={"model": "flux-1-dev", "num_generations": PER_POST}
                ).raise_for_status()
        cpu0 = time.process_time()
        time.sleep(2.0)
        return time.process_time() - cpu0


def main() -> None:
    with Emulator(EmulatorConfig(speed=1000, seed=1)) as emu:
        figures = asyncio.run(_run(emu))
    for name, value in figures.items():
        print(f"  {name:>16}: {value:8.3f}")
    print(f"  {'idle_cpu_2s':>16}: {_idle_cpu():8.3f}  (1,000 jobs pending)")


if __name__ == "__main__":
    main()
