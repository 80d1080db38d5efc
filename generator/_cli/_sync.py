"""``oxgen sync``: write the schema snapshot from the live models endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import EXIT_OK, all_option, api_errors, base_url_option

__all__ = ["command"]


@click.command("sync")
@click.option(
    "--model",
    "model_ids",
    multiple=True,
    metavar="ID",
    help="Only these models (repeatable); others in the snapshot are kept.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Snapshot folder (default: the embedded snapshot, generated/_schemas).",
)
@all_option(with_live=False)
@base_url_option(with_live=False)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=8,
    show_default=True,
    help="Model objects fetched at once.",
)
def command(
    model_ids: tuple[str, ...],
    out: Path | None,
    include_all: bool,
    base_url: str | None,
    concurrency: int,
) -> None:
    """Fetch every image/video model's object (or just --model ones) into a snapshot folder.

    Needs OXEN_API_KEY. Files are canonical JSON (sorted keys, 2-space indent), so a diff of the
    snapshot shows exactly what changed in the catalog.
    """
    from generator._fetch import fetch_catalog
    from generator._snapshot import default_snapshot_dir, read_models, write_snapshot

    out = out if out is not None else default_snapshot_dir()
    with api_errors():
        fetched = fetch_catalog(
            model_ids, include_all=include_all, base_url=base_url, concurrency=concurrency
        )
    models = {str(model["id"]): model for model in fetched}
    if model_ids and out.is_dir():
        existing, _ = read_models(out)
        models = {entry.model_id: dict(entry.model) for entry in existing} | models
    changed = write_snapshot(models.values(), out)
    click.echo(f"Synced {len(fetched)} models into {out}: {len(changed)} files changed.")
    for path in changed:
        click.echo(f"  {path.name}")
    raise SystemExit(EXIT_OK)
