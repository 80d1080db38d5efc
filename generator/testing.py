"""pytest plugin: the ``oxen_emulator`` fixture (registered through the ``pytest11`` entry point).

Any project with oxgen installed gets the fixture; it needs the ``emulator`` extra
(``pip install 'oxgen[emulator]'``). This module imports nothing but pytest at load time, so
installing oxgen without the extra never breaks a test run: only tests that use the fixture
fail, with a message saying what to install.

::

    def test_my_pipeline(oxen_emulator):
        # OXEN_BASE_URL and OXEN_API_KEY point at the emulator for the test's duration.
        result = my_code_that_generates_an_image()
        assert oxen_emulator.stats()["jobs"]["succeeded"] == 1

    @pytest.mark.oxen_emulator(speed=100, fail_rate=0.2, seed=3)
    def test_retries(oxen_emulator): ...

The marker takes any ``EmulatorConfig`` or ``Faults`` field. Fixture defaults: ``speed=1000``
(an image takes milliseconds) and ``seed=0`` (the same ids and durations on every run).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from generator.emulator import Emulator

__all__ = ["oxen_emulator", "pytest_configure"]

_MARKER = "oxen_emulator"
_DEFAULTS: dict[str, Any] = {"seed": 0, "speed": 1000.0}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{_MARKER}(**options): EmulatorConfig / Faults fields for the oxen_emulator fixture",
    )


def _options(request: pytest.FixtureRequest) -> dict[str, Any]:
    options = dict(_DEFAULTS)
    marker = request.node.get_closest_marker(_MARKER)
    if marker is not None:
        if marker.args:
            pytest.fail(f"@pytest.mark.{_MARKER} takes keyword arguments only", pytrace=False)
        options.update(marker.kwargs)
    return options


@pytest.fixture
def oxen_emulator(request: pytest.FixtureRequest) -> Iterator[Emulator]:
    """A running local Oxen API emulator; ``OXEN_BASE_URL``/``OXEN_API_KEY`` point at it.

    Yields ``generator.emulator.Emulator``: ``base_url``, ``api_key`` and the control methods
    (``set_faults``, ``fail_next``, ``complete``, ``jobs``, ``stats``, ``reset``).
    """
    try:
        from generator.emulator import Emulator, EmulatorConfig, Faults
    except ImportError as exc:
        pytest.fail(
            f"the oxen_emulator fixture needs: pip install 'oxgen[emulator]' ({exc})",
            pytrace=False,
        )
    options = _options(request)
    fault_names = {field.name for field in dataclasses.fields(Faults)}
    faults = {name: options.pop(name) for name in list(options) if name in fault_names}
    try:
        config = EmulatorConfig(**options, faults=Faults(**faults))
    except (TypeError, ValueError) as exc:
        pytest.fail(f"bad @pytest.mark.{_MARKER} options: {exc}", pytrace=False)
    with Emulator(config) as emulator, pytest.MonkeyPatch.context() as patch:
        patch.setenv("OXEN_BASE_URL", emulator.base_url)
        patch.setenv("OXEN_API_KEY", emulator.api_key)
        yield emulator
