"""Golden files for two rendered modules. ``make regen-golden`` rewrites them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator._render import render_module
from generator._spec import normalize

from .conftest import SNAPSHOT

GOLDEN = Path(__file__).parent / "golden"
CASES = ["kling_video_o3_4k_text_to_video", "kling_video_o3_4k_reference_to_video"]


@pytest.mark.parametrize("module", CASES)
def test_rendered_module_matches_golden(module: str) -> None:
    model = json.loads((SNAPSHOT / f"{module}.json").read_text(encoding="utf-8"))
    spec, problems = normalize(model, module)
    assert spec is not None, problems
    rendered = render_module(spec)
    golden = GOLDEN / f"{module}.py.golden"
    if os.environ.get("OXGEN_REGEN_GOLDEN"):
        golden.write_text(rendered, encoding="utf-8")
    assert golden.is_file(), f"{golden} is missing: run `make regen-golden`"
    assert rendered == golden.read_text(encoding="utf-8"), (
        f"{module} renders differently from {golden.name}; if the change is intended, "
        "run `make regen-golden` and review the diff"
    )
