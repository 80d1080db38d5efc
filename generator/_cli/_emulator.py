"""``oxgen emulator``: serve the local Oxen API emulator until SIGINT/SIGTERM.

The base URL is the only line written to stdout (scripts read it); everything for humans goes
to stderr. Exit 0 after SIGTERM, 130 after Ctrl-C, 2 for bad options or a missing models
folder, 3 when the address cannot be bound.
"""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import click

__all__ = ["command"]


@click.command("emulator")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--port",
    default=0,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to bind; 0 picks a free one.",
)
@click.option(
    "--models",
    "models_dir",
    type=click.Path(path_type=Path, exists=True, file_okay=False),
    help="Snapshot folder of model objects [default: the committed generated/_schemas].",
)
@click.option(
    "--api-key",
    "api_keys",
    multiple=True,
    metavar="KEY",
    help="Accepted key (repeatable; each sees only its own jobs) [default: oxen-emulator-key].",
)
@click.option(
    "--speed",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Divide every simulated duration by this.",
)
@click.option(
    "--fail-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fraction of API requests answered with a random 5xx.",
)
@click.option(
    "--rate-limit",
    type=click.IntRange(min=1),
    metavar="N",
    help="Requests per second per key; the rest get 429 with Retry-After.",
)
@click.option(
    "--latency",
    default=0.0,
    show_default=True,
    type=click.FloatRange(min=0),
    help="Seconds added before every API request is handled.",
)
@click.option(
    "--drop-sse-every",
    type=click.FloatRange(min=0, min_open=True),
    metavar="S",
    help="Close every event stream S seconds after it opened.",
)
@click.option(
    "--ambiguous-post-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fraction of POST /api/ai/queue calls that enqueue and then answer 500.",
)
@click.option(
    "--job-fail-rate",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Fraction of valid generations that end failed anyway.",
)
@click.option(
    "--foreign-events",
    is_flag=True,
    help="Also send events of other types, which a client must ignore.",
)
@click.option(
    "--keepalive",
    default=15.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds an idle event stream waits before a ': keep-alive' comment.",
)
@click.option("--seed", type=int, help="Seed every random choice (ids, durations, faults).")
def command(
    host: str,
    port: int,
    models_dir: Path | None,
    api_keys: tuple[str, ...],
    speed: float,
    fail_rate: float,
    rate_limit: int | None,
    latency: float,
    drop_sse_every: float | None,
    ambiguous_post_rate: float,
    job_fail_rate: float,
    foreign_events: bool,
    keepalive: float,
    seed: int | None,
) -> None:
    """Serve a local emulator of the Oxen.ai API (models, queue, events, blocking generation).

    Prints the base URL when ready. Control it under /_emulator (stats, reset, faults).
    """
    try:
        from generator.emulator import DEFAULT_API_KEY, EmulatorConfig, Faults
        from generator.emulator._catalog import load_catalog
        from generator.emulator._server import serve
        from generator.emulator._state import EmulatorState
    except ImportError as exc:  # the optional extra is missing
        raise click.UsageError(
            f"the emulator needs its extra: pip install 'oxgen[emulator]' ({exc})"
        ) from exc

    try:
        config = EmulatorConfig(
            host=host,
            port=port,
            models_dir=models_dir,
            api_keys=api_keys or (DEFAULT_API_KEY,),
            speed=speed,
            seed=seed,
            keepalive_interval=keepalive,
            faults=Faults(
                fail_rate=fail_rate,
                rate_limit=rate_limit,
                latency=latency,
                drop_sse_every=drop_sse_every,
                ambiguous_post_rate=ambiguous_post_rate,
                job_fail_rate=job_fail_rate,
                foreign_events=foreign_events,
            ),
        )
        catalog, problems = load_catalog(config)
    except (ValueError, FileNotFoundError) as exc:
        raise click.UsageError(str(exc)) from exc
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)

    def ready(base_url: str) -> None:
        # Written and flushed by hand: a script reading our stdout through a pipe waits for it.
        sys.stdout.write(base_url + "\n")
        sys.stdout.flush()
        keys = ", ".join(config.api_keys)
        click.echo(
            f"oxgen emulator: {len(catalog)} models, speed x{speed:g}, API key(s): {keys}. "
            "Stop with Ctrl-C.",
            err=True,
        )

    try:
        stopped_by = serve(config, ready, EmulatorState(config, catalog))
    except SystemExit as exc:  # uvicorn exits when it cannot bind
        click.echo(f"error: cannot serve on {host}:{port}", err=True)
        raise SystemExit(3) from exc
    click.echo("oxgen emulator: stopped", err=True)
    if stopped_by == signal.SIGINT:
        raise SystemExit(130)
