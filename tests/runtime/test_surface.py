"""The public surface: what ``generator.runtime`` exports, and that importing it is cheap."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import generator.runtime as runtime

REPO = Path(__file__).resolve().parents[2]


def test_all_is_sorted_and_matches_the_public_names() -> None:
    assert runtime.__all__ == sorted(runtime.__all__)
    for name in runtime.__all__:
        getattr(runtime, name)  # the client side is imported lazily, on first access
    public = {name for name in vars(runtime) if not name.startswith("_")}
    # Submodules appear as attributes once imported; they are not API.
    modules = {name for name in public if type(getattr(runtime, name)).__name__ == "module"}
    assert set(runtime.__all__) == public - modules


def test_importing_the_runtime_does_not_import_the_network_stack() -> None:
    code = (
        "import sys, generator.runtime\n"
        "heavy = ('httpx', 'httpx_sse', 'sqlite3', 'platformdirs', 'asyncio', 'ssl')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    assert done.stdout.strip() == ""


def test_deadline_exceeded_is_a_timeout_error() -> None:
    assert issubclass(runtime.DeadlineExceeded, TimeoutError)
    assert issubclass(runtime.WaitTimeout, TimeoutError)
    assert issubclass(runtime.UnknownPropertyWarning, UserWarning)
