"""``make demo``: the main job end to end, offline, on the embedded default.

Starts the local emulator (serving the committed snapshot), syncs the catalog from it over
HTTP with ``oxgen sync``, generates bindings with ``oxgen generate``, imports one module,
rejects a bad payload offline, runs one generation through the shared runner, downloads the
result, and stops the emulator. No API key and no network beyond 127.0.0.1.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console

__all__ = ["main"]

MODEL_ID = "kling-video-o3-4k-text-to-video"
console = Console(highlight=False, soft_wrap=True)


def _step(title: str) -> None:
    console.print(f"\n[bold cyan]== {title}[/]")


def _oxgen(*args: str, env: dict[str, str]) -> None:
    command = [sys.executable, "-m", "generator", *args]
    console.print(f"[dim]$ oxgen {' '.join(args)}[/]")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    for line in (done.stdout + done.stderr).strip().splitlines()[:4]:
        console.print(f"  {line}", markup=False)
    if done.returncode != 0:
        raise SystemExit(f"oxgen {args[0]} failed with exit status {done.returncode}")


def main() -> int:
    from generator.emulator import Emulator, EmulatorConfig
    from generator.runtime import Client, PayloadError

    started = time.perf_counter()
    with (
        tempfile.TemporaryDirectory(prefix="oxgen-demo-") as tmp,
        Emulator(EmulatorConfig(speed=50.0, seed=1)) as emulator,
    ):
        work = Path(tmp)
        env = {**os.environ, "OXEN_BASE_URL": emulator.base_url, "OXEN_API_KEY": emulator.api_key}
        _step(
            f"1. A local Oxen API emulator is serving the embedded snapshot at {emulator.base_url}"
        )

        _step("2. Sync the catalog from the models endpoint over HTTP")
        _oxgen("sync", "--out", str(work / "snapshot"), env=env)

        _step("3. Generate typed bindings from that snapshot")
        _oxgen(
            "generate",
            "--from",
            str(work / "snapshot"),
            "--out",
            str(work / "demo_bindings"),
            env=env,
        )

        _step("4. Import a generated module")
        sys.path.insert(0, str(work))
        bindings = importlib.import_module("demo_bindings")
        t2v = bindings.load(MODEL_ID)
        console.print(f"  {len(bindings.MODELS)} models; {t2v.__name__}: {t2v.DISPLAY_NAME}")
        console.print(f"  schema sha256 {t2v.SCHEMA_SHA256[:16]}..., media type {t2v.MEDIA_TYPE}")
        body = t2v.payload(prompt="a red fox running through snow", aspect_ratio="9:16")
        console.print(f"  payload(...) -> {body}", markup=False)
        console.print(f"  is_valid -> {t2v.is_valid(body)}")

        _step("5. Validate a bad payload offline: nothing is sent, nothing is billed")
        bad = {"prompt": "a cat", "duration": 20, "aspect_ratio": "4:3"}
        console.print(f"  {bad}", markup=False)
        for issue in t2v.validate(bad):
            console.print(f"  [red]x[/] {issue}", markup=True)
        try:
            t2v.check(bad)
        except PayloadError as exc:
            console.print(f"  check() raised PayloadError with {len(exc.issues)} issues")

        _step("6. Run one generation through the shared queue runner")
        with Client(
            emulator.api_key, emulator.base_url, journal=work / "journal.sqlite3"
        ) as client:
            job = t2v.submit(prompt="a red fox running through snow", duration=3, client=client)
            console.print(f"  enqueued generation {job.id}")
            result = job.result(timeout=60)
            console.print(f"  succeeded: {result.url}", markup=False)
            path = result.download(work / "result.mp4")
            console.print(f"  downloaded {path.stat().st_size} bytes to {path.name}")
        sys.path.remove(str(work))
    _step(f"Done in {time.perf_counter() - started:.1f} s; the emulator has stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
