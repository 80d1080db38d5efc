"""Typing test for generated modules: run by ``make typecheck`` (mypy --strict).

Each ``# type: ignore[...]`` must stay necessary (``warn_unused_ignores``): if a generated
type decays to ``Any``, the ignore becomes unused and mypy fails.
"""

from __future__ import annotations

from generated import kling_video_o3_4k_text_to_video as t2v
from generated import kling_video_o3_omni as omni

ok: t2v.Request = t2v.payload(prompt="a cat", aspect_ratio="9:16", duration=8)
t2v.payload(prompt="a cat", aspect_ratio="4:3")  # type: ignore[arg-type]
t2v.payload(aspect_ratio="9:16")  # type: ignore[call-arg]
t2v.payload(prompt=3)  # type: ignore[arg-type]
t2v.payload(prompt="a cat", duration="5")  # type: ignore[arg-type]
t2v.payload(prompt="a cat", typo=1)  # type: ignore[call-arg]
element: omni.Element = {"frontal_image_url": "https://x"}
omni.payload(prompt="x", elements=[element])
omni.payload(prompt="x", elements=[{"frontal_image_url": "x", "typo": 1}])  # type: ignore[typeddict-unknown-key]
bad_request: t2v.Request = {"duration": 5}  # type: ignore[typeddict-item]
ratio: t2v.AspectRatio = "1:1"
wrong_ratio: t2v.AspectRatio = "2:1"  # type: ignore[assignment]
