"""Cost of ``oxgen diff`` at the size of the real catalog (~200 models).

The snapshot's 22 models are copied nine times under new ids; the new side rewords every
description and raises every maximum (hundreds of changes, most cosmetic) and renames ten
models. Prints wall time per step (median of a few runs); nothing is asserted.
"""

from __future__ import annotations

import copy
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator._diff import (
    diff_catalogs,
    read_catalog,
    render_json,
    render_markdown,
    render_text,
)

SNAPSHOT = Path(__file__).resolve().parents[2] / "generated" / "_schemas"
_RUNS = 5


def _catalogs() -> tuple[dict[str, Any], dict[str, Any]]:
    catalog = read_catalog(SNAPSHOT)
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    for copy_index in range(9):
        for model_id, model in catalog.items():
            before = copy.deepcopy(dict(model))
            before["id"] = f"{model_id}-{copy_index}"
            after = copy.deepcopy(before)
            schema = after.get("json_request_schema") or {}
            for prop in (schema.get("properties") or {}).values():
                if isinstance(prop, dict) and "description" in prop:
                    prop["description"] += " (reworded)"
                if isinstance(prop, dict) and "maximum" in prop:
                    prop["maximum"] += 1
            old[before["id"]] = before
            new[after["id"]] = after
    for model_id in sorted(old)[:10]:
        new[model_id + "-v2"] = new.pop(model_id)
    return old, new


def _time(label: str, action: Callable[[], object]) -> None:
    samples = []
    for _ in range(_RUNS):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    print(f"{label:<40} {statistics.median(samples) * 1000:8.1f} ms")


def main() -> None:
    old, new = _catalogs()
    diff = diff_catalogs(old, new)
    print(f"{len(old)} models, {len(diff.changes)} changes, {len(diff.renames)} renames")
    _time("diff_catalogs (changed)", lambda: diff_catalogs(old, new))
    same = copy.deepcopy(old)
    _time("diff_catalogs (identical)", lambda: diff_catalogs(old, same))
    _time("render_json", lambda: render_json(diff))
    _time("render_markdown", lambda: render_markdown(diff))
    _time("render_text", lambda: render_text(diff, width=120))
    _time("render_text verbose", lambda: render_text(diff, width=120, verbose=True))


if __name__ == "__main__":
    main()
