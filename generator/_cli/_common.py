"""What the CLI commands share: exit codes, error reporting, the default snapshot folder."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import click

__all__ = [
    "EXIT_API",
    "EXIT_FOUND",
    "EXIT_OK",
    "EXIT_USAGE",
    "all_option",
    "api_errors",
    "base_url_option",
    "from_option",
    "resolve_source",
]

EXIT_OK = 0
EXIT_FOUND = 1
EXIT_USAGE = 2
EXIT_API = 3

F = TypeVar("F", bound=Callable[..., object])


def _default_snapshot() -> Path:
    from generator._snapshot import default_snapshot_dir

    return default_snapshot_dir()


def from_option(
    help_text: str = "Folder of model objects (default: the embedded snapshot).",
) -> Callable[[F], F]:
    """``--from DIR``: a folder of model objects, the embedded snapshot by default."""
    return click.option(
        "--from",
        "source",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help=help_text,
    )


def all_option(*, with_live: bool) -> Callable[[F], F]:
    """``--all``: include models that output neither image nor video."""
    prefix = "With --live: include" if with_live else "Include"
    return click.option(
        "--all",
        "include_all",
        is_flag=True,
        help=f"{prefix} models that output neither image nor video.",
    )


def base_url_option(*, with_live: bool) -> Callable[[F], F]:
    """``--base-url``, from ``OXEN_BASE_URL`` by default."""
    prefix = "With --live: API" if with_live else "API"
    return click.option(
        "--base-url",
        envvar="OXEN_BASE_URL",
        default=None,
        help=f"{prefix} base URL (env OXEN_BASE_URL; default https://hub.oxen.ai).",
    )


def resolve_source(source: Path | None) -> Path:
    return source if source is not None else _default_snapshot()


@contextmanager
def api_errors() -> Iterator[None]:
    """Turn runtime errors into a one-line message and exit status 3 (API) or 2 (usage)."""
    from generator.runtime import AuthenticationError, NotFoundError, OxenError

    try:
        yield
    except AuthenticationError as exc:
        click.echo(f"error: {exc}\nSet OXEN_API_KEY to a valid API key.", err=True)
        raise SystemExit(EXIT_API) from None
    except NotFoundError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None
    except OxenError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(EXIT_API) from None
