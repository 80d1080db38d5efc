"""Runtime mode and the drift guard: what they cost, measured against the local emulator.

Figures that choose defaults: ``load_model`` cold / conditional (304) / inside the TTL, the
in-memory render per model, and what the drift guard adds to a model's first submit (its one
request, then nothing) next to ``schema_check="off"``. Loopback numbers: over the internet the
request costs one round trip more, paid once per model per process and not at all inside the TTL.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = REPO / "generated" / "_schemas"
ROUNDS = 20


def _ms(function: Callable[[], Any], rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main() -> None:
    import generator
    from generator._load import module_from_model
    from generator.emulator import Emulator, EmulatorConfig
    from generator.runtime import Client
    from generator.runtime._drift import forget

    models = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(SNAPSHOT.glob("*.json"))
        if path.name != "index.json"
    ]
    started = time.perf_counter()
    for model in models:
        module_from_model(model)
    per_model = (time.perf_counter() - started) * 1000 / len(models)
    print(f"render+exec in memory: {per_model:.1f} ms per model ({len(models)} models)")

    with Emulator(EmulatorConfig(speed=1000, seed=0)) as emu, tempfile.TemporaryDirectory() as tmp:
        os.environ["OXEN_BASE_URL"], os.environ["OXEN_API_KEY"] = emu.base_url, emu.api_key
        os.environ["OXGEN_CACHE_DIR"] = tmp
        counter = iter(range(10**6))

        def cold() -> None:
            generator.load_model("flux-1-dev", cache_dir=f"{tmp}/cold{next(counter)}")

        print(f"load_model cold (200):      {_ms(cold):.1f} ms")
        generator.load_model("flux-1-dev", cache_dir=tmp)
        revalidate = _ms(lambda: generator.load_model("flux-1-dev", cache_dir=tmp, ttl=0))
        print(f"load_model after TTL (304): {revalidate:.1f} ms")
        fresh = _ms(lambda: generator.load_model("flux-1-dev", cache_dir=tmp))
        print(f"load_model inside TTL:      {fresh:.1f} ms")

        import httpx

        from generator.runtime._model_cache import ModelCache, fetch_model

        headers = {"Authorization": f"Bearer {emu.api_key}"}
        with httpx.Client(base_url=emu.base_url, headers=headers) as http:
            warm = ModelCache(tmp)
            cold_fetch = _ms(
                lambda: fetch_model(
                    http, ModelCache(f"{tmp}/f{next(counter)}"), "flux-1-dev", ttl=0
                )
            )
            conditional = _ms(lambda: fetch_model(http, warm, "flux-1-dev", ttl=0))
            cached = _ms(lambda: fetch_model(http, warm, "flux-1-dev", ttl=3600))
        print(
            f"fetch only: 200 {cold_fetch:.2f} ms, 304 {conditional:.2f} ms, "
            f"inside TTL {cached:.2f} ms"
        )

        from generated import flux_1_dev

        for mode in ("off", "warn"):
            firsts, laters = [], []
            for _ in range(5):
                forget()
                for path in Path(tmp, "models").glob("*.json"):
                    path.unlink()
                check: Any = mode
                with Client(emu.api_key, emu.base_url, journal=False, schema_check=check) as c:
                    t0 = time.perf_counter()
                    flux_1_dev.submit(prompt="x", client=c)
                    t1 = time.perf_counter()
                    flux_1_dev.submit(prompt="x", client=c)
                    t2 = time.perf_counter()
                firsts.append(t1 - t0)
                laters.append(t2 - t1)
            print(
                f"schema_check={mode!r}: first submit {statistics.median(firsts) * 1000:.1f} ms, "
                f"next {statistics.median(laters) * 1000:.1f} ms (median of 5)"
            )


if __name__ == "__main__":
    main()
