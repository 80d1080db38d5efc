"""``oxgen jobs list|show|wait|cancel``: the job journal from the command line.

The journal (SQLite, written by every ``Client``) remembers each generation this machine
enqueued, so jobs can be found, awaited or cancelled after the process that started them is
gone. ``wait`` and ``cancel`` talk to the API the job was enqueued on (recorded in the
journal) with ``$OXEN_API_KEY``.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ._common import EXIT_FOUND, EXIT_OK, EXIT_USAGE, api_errors

if TYPE_CHECKING:
    from rich.console import Console

    from generator.runtime._journal import Intent, Journal, JournalEntry

__all__ = ["command"]

_journal_option = click.option(
    "--journal",
    "journal_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Journal file (default: oxgen's file in the user data directory).",
)


def _open(journal_path: Path | None) -> Journal:
    from generator.runtime._journal import Journal, default_journal_path

    path = journal_path or default_journal_path()
    if not path.exists():
        click.echo(f"no journal at {path}", err=True)
        raise SystemExit(EXIT_USAGE)
    return Journal(path)


def _entries(journal: Journal, ids: tuple[str, ...]) -> list[JournalEntry]:
    found = []
    for generation_id in ids:
        entry = journal.get(generation_id)
        if entry is None:
            click.echo(f"error: {generation_id} is not in the journal", err=True)
            raise SystemExit(EXIT_USAGE)
        found.append(entry)
    return found


def _when(timestamp: float) -> str:
    return datetime.datetime.fromtimestamp(timestamp).isoformat(sep=" ", timespec="seconds")


def _print_unsettled(console: Console, intents: list[Intent]) -> None:
    """Submissions whose outcome is not journaled: paid work may hide behind them."""
    from rich.table import Table

    table = Table(title=f"{len(intents)} unsettled submissions")
    for column in ("submission", "model", "n", "status", "sent", "candidates"):
        table.add_column(column)
    for intent in intents:
        table.add_row(
            intent.intent_id,
            intent.model_id,
            str(intent.num_generations),
            intent.status,
            _when(intent.sent_at),
            ", ".join(intent.candidates),
        )
    console.print(table)
    console.print(
        "'sending': Client.recover() settles it against the queue. 'ambiguous': the "
        "candidates on the queue may be this submission; check them before resubmitting."
    )


@click.group("jobs")
def command() -> None:
    """Generations recorded in the local job journal."""


@command.command("list")
@_journal_option
@click.option("--open", "open_only", is_flag=True, help="Only jobs not known to have ended.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def list_jobs(journal_path: Path | None, open_only: bool, as_json: bool) -> None:
    """List journaled generations, oldest first."""
    from generator.runtime._journal import UNSETTLED

    journal = _open(journal_path)
    entries = journal.entries(open_only=open_only)
    intents = journal.intents(statuses=UNSETTLED)
    journal.close()
    if as_json:
        click.echo(json.dumps([asdict(entry) for entry in entries], indent=2))
        raise SystemExit(EXIT_OK)
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if intents:
        _print_unsettled(console, intents)

    table = Table(title=f"{len(entries)} jobs")
    for column in ("generation", "model", "status", "created", "result"):
        table.add_column(column)
    for entry in entries:
        table.add_row(
            entry.generation_id,
            entry.model_id,
            entry.status,
            _when(entry.created_at),
            entry.result_url or entry.error or "",
        )
    console.print(table)
    raise SystemExit(EXIT_OK)


@command.command("show")
@_journal_option
@click.argument("generation_id")
def show(journal_path: Path | None, generation_id: str) -> None:
    """Print one journaled generation as JSON."""
    journal = _open(journal_path)
    (entry,) = _entries(journal, (generation_id,))
    journal.close()
    click.echo(json.dumps(asdict(entry), indent=2))
    raise SystemExit(EXIT_OK)


@command.command("wait")
@_journal_option
@click.argument("generation_ids", nargs=-1, required=True)
@click.option(
    "--download",
    type=click.Path(file_okay=False, path_type=Path),
    help="Download the results into this folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
def wait(
    journal_path: Path | None, generation_ids: tuple[str, ...], download: Path | None, as_json: bool
) -> None:
    """Wait for generations (live progress); print their URLs. Ctrl-C cancels them."""
    from generator.runtime import Client

    from ._run import wait_and_report

    journal = _open(journal_path)
    entries = _entries(journal, generation_ids)
    journal.close()
    path = journal_path
    with api_errors(), Client(base_url=entries[0].base_url, journal=path) as client:
        jobs = [client.attach(entry.generation_id, entry.model_id) for entry in entries]
        raise SystemExit(wait_and_report(jobs, download=download, as_json=as_json))


@command.command("cancel")
@_journal_option
@click.argument("generation_ids", nargs=-1, required=True)
def cancel(journal_path: Path | None, generation_ids: tuple[str, ...]) -> None:
    """Cancel generations on the queue (finished ones keep their outcome)."""
    from generator.runtime import Client

    journal = _open(journal_path)
    entries = _entries(journal, generation_ids)
    journal.close()
    status = EXIT_OK
    with api_errors(), Client(base_url=entries[0].base_url, journal=journal_path) as client:
        for entry in entries:
            job = client.attach(entry.generation_id, entry.model_id)
            job.cancel()
            click.echo(f"{job.id}: {job.status.value}")
            if job.status.value != "cancelled":
                status = EXIT_FOUND
    raise SystemExit(status)
