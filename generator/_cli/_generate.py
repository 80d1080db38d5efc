"""``oxgen generate``: render the bindings package from a folder of model objects."""

from __future__ import annotations

from pathlib import Path

import click

from ._common import EXIT_FOUND, EXIT_OK, EXIT_USAGE, from_option, resolve_source

__all__ = ["command"]


@click.command("generate")
@from_option("Folder of model objects, *.json (default: the embedded snapshot).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Package folder to write; its name is the import name (default: the `generated` package).",
)
@click.option(
    "--model", "model_ids", multiple=True, metavar="ID", help="Only these models (repeatable)."
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing what is stale.")
def command(source: Path | None, out: Path | None, model_ids: tuple[str, ...], check: bool) -> None:
    """Render one typed module per model into a package folder.

    A model whose schema cannot be generated is reported (model id, JSON pointer, reason)
    and skipped; the others are still generated, and the exit status is 1.
    """
    import importlib.util

    from generator._changes import render_summary
    from generator._generate import plan, stale, write

    if importlib.util.find_spec("datamodel_code_generator") is None:
        click.echo(
            "error: oxgen generate needs datamodel-code-generator: pip install 'oxgen[codegen]'",
            err=True,
        )
        raise SystemExit(EXIT_USAGE)
    source = resolve_source(source)
    out = out if out is not None else source.parent
    result = plan(source, out, model_ids=model_ids)
    for problem in result.problems:
        click.echo(str(problem), err=True)
    if check:
        changed = stale(result)
        if changed:
            click.echo(f"{out} is stale; run `oxgen generate` (or `make generate`). Stale files:")
            for name in changed:
                click.echo(f"  {name}")
        else:
            click.echo(f"{out} is up to date ({len(result.specs)} models).")
        raise SystemExit(EXIT_FOUND if changed or result.failed else EXIT_OK)
    touched = write(result)
    failed = sum(problem.level == "error" for problem in result.problems)
    click.echo(
        f"Generated {len(result.specs)} model modules into {out}: "
        f"{len(touched)} files changed, {failed} models failed."
    )
    for name in touched:
        click.echo(f"  {name}")
    if result.changes is not None and result.changes.changes:
        click.echo(render_summary(result.changes), nl=False)
    raise SystemExit(EXIT_FOUND if result.failed else EXIT_OK)
