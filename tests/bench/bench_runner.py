"""Benchmark: the queue runner against the emulator, SSE mode vs poll mode vs naive polling.

1,000 image jobs (``OXGEN_BENCH_JOBS`` overrides) with at most 64 in flight, against an
emulator subprocess (``oxgen emulator --speed 10``: a job takes about 0.25 to 1 s). For each
strategy: HTTP requests per job (the emulator's own counters), notice latency (from the
emulator marking a job finished to the caller holding its result: p50 and p99), wall time,
and peak Python memory (tracemalloc, a separate pass so tracing does not skew latency).

The naive strategy is the documentation's loop: enqueue, then poll that job's row every
0.25 s until it ends (peers poll every 0.1 to 0.5 s), 64 such loops at a time.

Targets (from issue 5): SSE at most 2.1 requests per job, poll at most 3, SSE p99 notice
latency under 100 ms. The run prints the table and PASS/FAIL per target.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from generator.emulator import DEFAULT_API_KEY
from generator.runtime import Client

MODEL = "flux-1-dev"
IN_FLIGHT = 64
NAIVE_INTERVAL = 0.25
SPEED = 10.0

Strategy = Callable[[str, int], dict[str, float]]  # (base_url, jobs) -> id -> noticed_at


@dataclass(frozen=True)
class Row:
    name: str
    requests_per_job: float
    p50_ms: float
    p99_ms: float
    wall_s: float
    peak_mib: float


@contextlib.contextmanager
def emulator_process() -> Iterator[str]:
    """Run the emulator in its own process so its CPU and memory are not measured."""
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "emulator", "--speed", str(SPEED), "--seed", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        if not base_url.startswith("http"):
            raise RuntimeError(f"emulator did not start: {base_url!r}")
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=30)


def runner(mode: str) -> Strategy:
    def run(base_url: str, count: int) -> dict[str, float]:
        noticed: dict[str, float] = {}
        with (
            tempfile.TemporaryDirectory() as folder,
            Client(
                DEFAULT_API_KEY,
                base_url,
                events=mode,  # type: ignore[arg-type]
                max_in_flight=IN_FLIGHT,
                journal=Path(folder) / "journal.sqlite3",
            ) as client,
        ):
            jobs = [client.submit(MODEL, {"prompt": f"bench {i}"}) for i in range(count)]
            for job in jobs:
                result = job.result(timeout=600)
                noticed[result.generation_id] = result.noticed_at or time.time()
        return noticed

    return run


def naive(base_url: str, count: int) -> dict[str, float]:
    async def main() -> dict[str, float]:
        noticed: dict[str, float] = {}
        limit = asyncio.Semaphore(IN_FLIGHT)
        headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}
        async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as http:

            async def one(i: int) -> None:
                async with limit:
                    response = await http.post(
                        "/api/ai/queue", json={"model": MODEL, "prompt": f"bench {i}"}
                    )
                    generation_id = response.json()["generations"][0]["generation_id"]
                    for _ in range(10_000):
                        await asyncio.sleep(NAIVE_INTERVAL)
                        row = (await http.get(f"/api/ai/queue/{generation_id}")).json()
                        if row["status"] in ("succeeded", "failed", "cancelled"):
                            noticed[generation_id] = time.time()
                            return

            await asyncio.gather(*(one(i) for i in range(count)))
        return noticed

    return asyncio.run(main())


def measure(name: str, strategy: Strategy, base_url: str, count: int) -> Row:
    control = httpx.Client(base_url=base_url, timeout=30)
    control.post("/_emulator/reset")
    started = time.perf_counter()
    noticed = strategy(base_url, count)
    wall = time.perf_counter() - started
    stats = control.get("/_emulator/stats").json()
    finished = {
        job["generation_id"]: job["completed_at"]
        for job in control.get("/_emulator/jobs").json()["jobs"]
    }
    latencies = sorted(
        max(0.0, noticed[g] - finished[g]) * 1000 for g in noticed if finished.get(g)
    )
    requests = sum(stats["requests"].values())
    # Memory: the same run again under tracemalloc (tracing slows Python several-fold).
    control.post("/_emulator/reset")
    tracemalloc.start()
    strategy(base_url, count)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    control.close()
    return Row(
        name,
        requests / count,
        statistics.median(latencies),
        latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        wall,
        peak / 2**20,
    )


def main() -> None:
    count = int(os.environ.get("OXGEN_BENCH_JOBS", "1000"))
    with emulator_process() as base_url:
        rows = [
            measure("runner, events=sse", runner("sse"), base_url, count),
            measure("runner, events=poll", runner("poll"), base_url, count),
            measure(f"naive per-job poll ({NAIVE_INTERVAL} s)", naive, base_url, count),
        ]
    print(f"{count} jobs, max_in_flight={IN_FLIGHT}, emulator speed {SPEED}")
    print("| strategy | requests/job | notice p50 (ms) | notice p99 (ms) | wall (s) | peak MiB |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row.name} | {row.requests_per_job:.2f} | {row.p50_ms:.1f} | {row.p99_ms:.1f} "
            f"| {row.wall_s:.1f} | {row.peak_mib:.1f} |"
        )
    sse, poll = rows[0], rows[1]
    checks = [
        ("SSE requests/job <= 2.1", sse.requests_per_job <= 2.1),
        ("poll requests/job <= 3", poll.requests_per_job <= 3),
        ("SSE notice p99 < 100 ms", sse.p99_ms < 100),
    ]
    for label, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {label}")


if __name__ == "__main__":
    main()
