"""``default_client`` without importing the client machinery at import time.

Generated modules import ``default_client`` at the top; the client (asyncio, httpx, the
runner) is imported only when a call actually needs it, so validating stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._client import Client

__all__ = ["default_client"]


def default_client() -> Client:
    """The process-wide client from the environment (``OXEN_API_KEY``, ``OXEN_BASE_URL``)."""
    from ._client import default_client as _default_client

    return _default_client()
