"""``oxgen check [--live]``: is the package current with its snapshot, the snapshot with the API?

The question a scheduled CI job asks before deciding to open a pull request. Two checks, each
printing what it found: the generated package against the snapshot it is generated from (the
same comparison as ``oxgen generate --check``), and, with ``--live``, the snapshot against the
models endpoint, as a semantic diff. Exit status: 0 when both are current, 1 when either is
stale, 2 for usage errors, 3 when the API cannot be used.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from ._common import (
    EXIT_FOUND,
    EXIT_OK,
    EXIT_USAGE,
    all_option,
    api_errors,
    base_url_option,
    from_option,
    resolve_source,
)

__all__ = ["command"]


@click.command("check")
@from_option("The snapshot folder, *.json (default: the embedded snapshot).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The generated package folder (default: the snapshot's parent).",
)
@click.option(
    "--live",
    is_flag=True,
    help="Also compare the snapshot with the live models endpoint (needs OXEN_API_KEY).",
)
@all_option(with_live=True)
@base_url_option(with_live=True)
def command(
    source: Path | None, out: Path | None, live: bool, include_all: bool, base_url: str | None
) -> None:
    """Exit 1 when the package is stale against its snapshot, or (--live) the snapshot is
    stale against the endpoint; print what differs.

    With --live, "stale" means the semantic diff finds a change of any class (cosmetic
    included): fields no report covers, such as `created` or `deployments`, do not count.
    """
    from generator._changes import render_summary
    from generator._diff import SnapshotReadError, diff_catalogs, read_catalog
    from generator._generate import plan, stale

    if importlib.util.find_spec("datamodel_code_generator") is None:
        click.echo(
            "error: oxgen check needs datamodel-code-generator: pip install 'oxgen[codegen]'",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    source = resolve_source(source)
    out = out if out is not None else source.parent
    try:
        snapshot = read_catalog(source)
    except SnapshotReadError as exc:
        raise click.UsageError(str(exc)) from exc
    found = False
    result = plan(source, out)
    changed = stale(result)
    if changed:
        found = True
        click.echo(f"{out} is stale against {source}; run `oxgen generate`. Stale files:")
        for name in changed:
            click.echo(f"  {name}")
        if result.changes is not None and result.changes.changes:
            click.echo(render_summary(result.changes), nl=False)
    else:
        click.echo(f"{out} is up to date with {source} ({len(result.specs)} models).")
    if live:
        from generator._fetch import fetch_catalog

        with api_errors():
            fetched = fetch_catalog(include_all=include_all, base_url=base_url)
        diff = diff_catalogs(snapshot, {str(model["id"]): model for model in fetched})
        if diff.changes:
            found = True
            click.echo(f"{source} is stale against the models endpoint; run `oxgen sync`.")
            click.echo(render_summary(diff), nl=False)
        else:
            click.echo(f"{source} matches the models endpoint ({len(fetched)} models).")
    raise SystemExit(EXIT_FOUND if found else EXIT_OK)
