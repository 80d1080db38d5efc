"""The emulator package exports exactly its documented names."""

from __future__ import annotations

import generator.emulator as emulator


def test_all_is_sorted_and_complete() -> None:
    assert emulator.__all__ == sorted(emulator.__all__)
    # "@py_builtins" and friends: pytest rewrites asserts in every module of a distribution
    # that ships a pytest11 plugin, so they appear here under pytest.
    public = {name for name in vars(emulator) if not name.startswith(("_", "@"))}
    assert public == set(emulator.__all__)


def test_default_key_does_not_look_like_a_real_key() -> None:
    key = emulator.DEFAULT_API_KEY
    assert not key.startswith(("sk-", "oxen_"))
    assert len(key) < 24
