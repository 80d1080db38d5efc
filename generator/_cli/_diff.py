"""``oxgen diff OLD NEW``: what changed between two catalogs, for a caller of each model.

Exit status: 0, or 1 when a change at or above ``--fail-on`` exists (default: breaking), so a
CI job can gate on it; 2 for usage errors (a folder that is missing or holds unreadable model
files: a half-read catalog would report the unreadable models as removed); 3 when ``--live``
cannot reach the API.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ._common import EXIT_FOUND, all_option, api_errors, base_url_option

__all__ = ["command"]

_FAIL_ON = {"breaking": "BREAKING", "compatible": "COMPATIBLE", "any": "COSMETIC"}
_FOLDER = click.Path(file_okay=False, dir_okay=True, path_type=Path)


@click.command("diff")
@click.argument("old", type=_FOLDER)
@click.argument("new", type=_FOLDER, required=False)
@click.option("--json", "output", flag_value="json", help="Stable machine-readable JSON.")
@click.option("--markdown", "output", flag_value="markdown", help="A pull-request body.")
@click.option(
    "--fail-on",
    type=click.Choice(sorted(_FAIL_ON)),
    default="breaking",
    show_default=True,
    help="Exit 1 when a change at or above this class exists (any: even cosmetic).",
)
@click.option(
    "--live",
    is_flag=True,
    help="Compare OLD with the live models endpoint (needs OXEN_API_KEY) instead of NEW.",
)
@all_option(with_live=True)
@base_url_option(with_live=True)
@click.option("-v", "--verbose", is_flag=True, help="Table: list cosmetic changes one by one.")
def command(
    old: Path,
    new: Path | None,
    output: str | None,
    fail_on: str,
    live: bool,
    include_all: bool,
    base_url: str | None,
    verbose: bool,
) -> None:
    """Report what changed between catalog folders OLD and NEW, model by model.

    Each change is breaking (a caller that followed OLD may fail), compatible or cosmetic.
    Likely renames (a removed and an added model that look alike) are suggested. With --live,
    NEW is the catalog the endpoint serves now (image and video models, as `oxgen sync`).
    """
    from generator._diff import (
        Severity,
        SnapshotReadError,
        diff_catalogs,
        read_catalog,
        render_json,
        render_markdown,
        render_text,
    )

    if live and new is not None:
        raise click.UsageError("give either NEW or --live, not both")
    if not live and new is None:
        raise click.UsageError("missing argument NEW (a catalog folder), or use --live")
    try:
        old_catalog = read_catalog(old)
        new_catalog = read_catalog(new) if new is not None else None
    except SnapshotReadError as exc:
        raise click.UsageError(str(exc)) from exc
    if new_catalog is None:
        new_catalog = _fetch_live(include_all=include_all, base_url=base_url)
    diff = diff_catalogs(old_catalog, new_catalog)
    if output == "json":
        click.echo(render_json(diff), nl=False)
    elif output == "markdown":
        click.echo(render_markdown(diff), nl=False)
    else:
        width = shutil.get_terminal_size((120, 24)).columns
        color = sys.stdout.isatty()
        click.echo(render_text(diff, width=width, color=color, verbose=verbose), nl=False)
    if diff.fails(Severity[_FAIL_ON[fail_on]]):
        raise click.exceptions.Exit(EXIT_FOUND)


def _fetch_live(*, include_all: bool, base_url: str | None) -> dict[str, Mapping[str, Any]]:
    """The live catalog as model id -> model object (API errors exit 3, as in ``oxgen sync``)."""
    from generator._fetch import fetch_catalog

    with api_errors():
        fetched = fetch_catalog(include_all=include_all, base_url=base_url)
    return {str(model["id"]): model for model in fetched}
