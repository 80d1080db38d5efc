"""``oxgen models``: list the catalog, from a snapshot or the live endpoint."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import click

from ._common import (
    EXIT_OK,
    all_option,
    api_errors,
    base_url_option,
    from_option,
    resolve_source,
)

__all__ = ["command"]


def _row(model: Mapping[str, Any], module: str) -> dict[str, Any]:
    from generator._snapshot import media_type, request_schema, schema_sha256

    schema = request_schema(model)
    return {
        "id": str(model.get("id")),
        "display_name": model.get("display_name"),
        "media_type": media_type(model),
        "endpoint": model.get("endpoint"),
        "module": module,
        "schema_sha256": schema_sha256(schema) if schema is not None else None,
    }


@click.command("models")
@from_option()
@click.option(
    "--live", is_flag=True, help="Ask the live models endpoint instead (needs OXEN_API_KEY)."
)
@all_option(with_live=True)
@base_url_option(with_live=True)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (a list of objects) instead of a table."
)
def command(
    source: Path | None, live: bool, include_all: bool, base_url: str | None, as_json: bool
) -> None:
    """List the models: id, media type, endpoint, display name and generated module name."""
    from generator._names import module_names
    from generator._snapshot import read_models

    if live:
        from generator._fetch import fetch_catalog

        with api_errors():
            models: list[Mapping[str, Any]] = list(
                fetch_catalog(include_all=include_all, base_url=base_url)
            )
    else:
        entries, _ = read_models(resolve_source(source))
        models = [entry.model for entry in entries]
    modules = module_names(str(model.get("id")) for model in models)
    rows = [_row(model, modules[str(model.get("id"))]) for model in models]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        raise SystemExit(EXIT_OK)
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{len(rows)} models")
    table.add_column("id", no_wrap=True)
    table.add_column("media")
    table.add_column("endpoint", no_wrap=True)
    table.add_column("display name")
    table.add_column("module", no_wrap=True)
    for row in rows:
        table.add_row(
            row["id"],
            row["media_type"] or "-",
            row["endpoint"] or "-",
            row["display_name"] or "",
            row["module"],
        )
    Console().print(table)
    raise SystemExit(EXIT_OK)
