"""``oxgen run MODEL [--<param> VALUE ...]``: validate, enqueue, watch, print the result.

The model's parameters become options, built from its request schema in the snapshot
(``--from``, default the embedded one): types, enum choices, defaults and descriptions in
``--help``, the ``basic`` parameters first. Nothing is sent until the payload validates.
Only the options given go into the payload: the service applies its own defaults.
Ctrl-C while waiting cancels the remote generations (exit 130).
"""

from __future__ import annotations

import difflib
import json
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ._common import EXIT_API, EXIT_FOUND, EXIT_OK, api_errors, resolve_source

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from generator.runtime import Job, ProgressEvent

__all__ = ["ParamSpec", "command", "param_specs", "wait_and_report"]

EXIT_INTERRUPTED = 130
_META = "oxgen.run"
# Options of the command itself; a schema property with one of these names gets a prefix.
_RESERVED = frozenset({"num", "no-wait", "download", "json", "from", "help", "model"})
_VALUE_OPTIONS = frozenset({"--from", "--num", "-n", "--download"})


@dataclass(frozen=True)
class ParamSpec:
    """One schema property as a command-line option (computed without click, testable)."""

    name: str  # the property name in the payload
    flags: tuple[str, ...]
    kind: str  # "string" | "integer" | "number" | "boolean" | "choice" | "json" | "int-or-string"
    choices: tuple[object, ...] = ()
    help: str = ""
    required: bool = False


def _types(prop: Mapping[str, Any]) -> list[str]:
    declared = prop.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [t for t in declared if isinstance(t, str) and t != "null"]
    for key in ("anyOf", "oneOf"):
        options = prop.get(key)
        if isinstance(options, list):
            found = [t for option in options if isinstance(option, Mapping) for t in _types(option)]
            return sorted(set(found))
    return []


def _kind(prop: Mapping[str, Any]) -> tuple[str, tuple[object, ...]]:
    enum = prop.get("enum")
    if isinstance(enum, list) and enum and all(isinstance(v, (str, int, float)) for v in enum):
        return "choice", tuple(enum)
    types = _types(prop)
    if types == ["string"]:
        return "string", ()
    if types == ["integer"]:
        return "integer", ()
    if types == ["number"] or sorted(types) == ["integer", "number"]:
        return "number", ()
    if types == ["boolean"]:
        return "boolean", ()
    if sorted(types) == ["integer", "string"]:
        return "int-or-string", ()
    return "json", ()


def _help(prop: Mapping[str, Any], kind: str, required: bool) -> str:
    parts: list[str] = []
    description = prop.get("description") or prop.get("title")
    if isinstance(description, str) and description.strip():
        parts.append(" ".join(description.split()))
    if kind == "json":
        parts.append("(JSON)")
    if "default" in prop:
        parts.append(f"[default: {json.dumps(prop['default'], ensure_ascii=False)}]")
    if required:
        parts.append("[required]")
    return " ".join(parts)


def param_specs(schema: object) -> list[ParamSpec]:
    """Options for a request schema: ``basic`` properties first, then ``x-order``, then name."""
    if not isinstance(schema, Mapping):
        return []
    properties = schema.get("properties")
    if not isinstance(properties, Mapping):
        return []
    required = set(schema.get("required") or ())
    basic = [name for name in schema.get("basic") or () if name in properties]

    def order(name: str) -> tuple[int, int, float, str]:
        prop = properties[name] if isinstance(properties[name], Mapping) else {}
        x_order = prop.get("x-order")
        rank = float(x_order) if isinstance(x_order, (int, float)) else float("inf")
        in_basic = basic.index(name) if name in basic else len(basic)
        return (0 if name in basic else 1, in_basic, rank, name)

    specs: list[ParamSpec] = []
    used: set[str] = set()
    for name in sorted(properties, key=order):
        prop = properties[name] if isinstance(properties[name], Mapping) else {}
        kind, choices = _kind(prop)
        dashed = name.replace("_", "-")
        stem = f"param-{dashed}" if dashed in _RESERVED else dashed
        flags = [f"--{stem}"]
        if name != stem and name not in _RESERVED:
            flags.append(f"--{name}")
        flags = [flag for flag in flags if flag not in used]
        if not flags or any(not ch.isprintable() or ch.isspace() for ch in name):
            continue  # an unprintable or colliding name cannot be an option
        used.update(flags)
        specs.append(
            ParamSpec(
                name=name,
                flags=tuple(flags),
                kind=kind,
                choices=choices,
                help=_help(prop, kind, name in required),
                required=name in required,
            )
        )
    return specs


class _IntOrString(click.ParamType[Any]):
    name = "int|text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return int(value)
        except (TypeError, ValueError):
            return value


class _Json(click.ParamType[Any]):
    name = "json"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value  # a bare string; the validator says whether it fits


def _click_option(spec: ParamSpec, index: int) -> click.Option:
    dest = f"model_param_{index}"
    if spec.kind == "boolean":
        negatives = [f"--no-{flag[2:]}" for flag in spec.flags]
        pair = [f"{flag}/{negative}" for flag, negative in zip(spec.flags, negatives, strict=True)]
        return click.Option([*pair, dest], default=None, help=spec.help)
    types: dict[str, click.ParamType[Any]] = {
        "string": click.STRING,
        "integer": click.INT,
        "number": click.FLOAT,
        "int-or-string": _IntOrString(),
        "json": _Json(),
    }
    if spec.kind == "choice":
        param_type: click.ParamType[Any] = click.Choice([str(choice) for choice in spec.choices])
    else:
        param_type = types[spec.kind]
    return click.Option([*spec.flags, dest], type=param_type, default=None, help=spec.help)


def _choice_value(spec: ParamSpec, text: str) -> object:
    for choice in spec.choices:
        if str(choice) == text:
            return choice
    return text


def _peek_model(args: Sequence[str]) -> tuple[str | None, Path | None]:
    """The MODEL argument and ``--from`` folder, read before options exist."""
    model: str | None = None
    source: Path | None = None
    tokens = iter(args)
    for token in tokens:
        if token == "--":
            break
        if token.startswith("--from="):
            source = Path(token.split("=", 1)[1])
        elif token in _VALUE_OPTIONS:
            value = next(tokens, None)
            if token == "--from" and value is not None:
                source = Path(value)
        elif token.startswith("-"):
            continue
        elif model is None:
            model = token
    return model, source


def _find_model(model_id: str, source: Path | None) -> Mapping[str, Any]:
    from generator._names import module_names
    from generator._snapshot import read_models

    folder = resolve_source(source)
    entries, _ = read_models(folder)
    by_id = {entry.model_id: entry.model for entry in entries}
    modules = module_names(by_id)
    for candidate_id, module in modules.items():
        if model_id in (candidate_id, module):
            return by_id[candidate_id]
    close = difflib.get_close_matches(model_id, [*by_id, *modules.values()], n=3)
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise click.UsageError(f"unknown model {model_id!r} in {folder}.{hint}")


class _RunCommand(click.Command):
    """A command whose options depend on its first argument (the model)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        model_id, source = _peek_model(args)
        if model_id is not None:
            from generator._snapshot import request_schema

            model = _find_model(model_id, source)
            specs = param_specs(request_schema(model))
            ctx.meta[_META] = (model, specs, [_click_option(s, i) for i, s in enumerate(specs)])
        return super().parse_args(ctx, args)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        extra = ctx.meta.get(_META, (None, [], []))[2]
        return [*super().get_params(ctx), *extra]

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        model, _, extra = ctx.meta.get(_META, (None, [], []))
        if model is not None:
            records = [r for r in (p.get_help_record(ctx) for p in extra) if r is not None]
            with formatter.section(f"Parameters of {model.get('id')}"):
                formatter.write_dl(records) if records else formatter.write_text("(none)")
        base = [
            p for p in super().get_params(ctx) if p not in extra and isinstance(p, click.Option)
        ]
        records = [r for r in (p.get_help_record(ctx) for p in base) if r is not None]
        with formatter.section("Options"):
            formatter.write_dl(records)


@click.command("run", cls=_RunCommand, context_settings={"max_content_width": 100})
@click.argument("model_id", metavar="MODEL")
@click.option(
    "--num",
    "-n",
    type=click.IntRange(1, 4),
    default=1,
    show_default=True,
    help="Number of generations.",
)
@click.option("--no-wait", is_flag=True, help="Print the generation ids and exit at once.")
@click.option(
    "--download",
    type=click.Path(file_okay=False, path_type=Path),
    help="Download the results into this folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the outcome as JSON.")
@click.option(
    "--from",
    "source",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Folder of model objects (default: the embedded snapshot).",
)
@click.pass_context
def command(
    ctx: click.Context,
    /,
    model_id: str,
    num: int,
    no_wait: bool,
    download: Path | None,
    as_json: bool,
    source: Path | None,
    **values: Any,
) -> None:
    """Run MODEL once with the given parameters (see `oxgen run MODEL --help`)."""
    from generator._snapshot import request_schema
    from generator.runtime import Client, Job, PayloadError

    model, specs, _ = ctx.meta[_META]
    model_id = str(model.get("id"))
    payload: dict[str, Any] = {}
    for index, spec in enumerate(specs):
        value = values.get(f"model_param_{index}")
        if value is not None:
            payload[spec.name] = _choice_value(spec, value) if spec.kind == "choice" else value
    schema = request_schema(model)
    if schema is not None:
        from generator._validator import compile_validator

        issues = compile_validator(schema).validate(payload)
        if issues:
            click.echo(str(PayloadError(issues, model_id=model_id)), err=True)
            raise SystemExit(EXIT_FOUND)
    if not os.environ.get("OXEN_API_KEY"):
        click.echo("error: set OXEN_API_KEY to run generations", err=True)
        raise SystemExit(EXIT_API)
    with api_errors(), Client() as client:
        submitted = client.submit(model_id, payload, num_generations=num)
        jobs = [submitted] if isinstance(submitted, Job) else list(submitted)
        if no_wait:
            for job in jobs:
                job.detach()
            _emit([{"generation_id": j.id, "status": j.status.value} for j in jobs], as_json)
            raise SystemExit(EXIT_OK)
        raise SystemExit(wait_and_report(jobs, download=download, as_json=as_json))


def _emit(rows: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for row in rows:
        click.echo(row.get("url") or row.get("path") or row["generation_id"])


def wait_and_report(jobs: Sequence[Job], *, download: Path | None, as_json: bool) -> int:
    """Wait for ``jobs`` with a live display on stderr; print URLs (or JSON) on stdout.

    Returns the exit code: 0 when every job succeeded, 1 otherwise, 130 after Ctrl-C (which
    cancels every unfinished job first).
    """
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from generator.runtime import JobError, OxenError

    rows: list[dict[str, Any]] = []
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("[bold]{task.fields[status]}"),
        TimeElapsedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    try:
        with progress:
            for job in jobs:
                task = progress.add_task(f"{job.model_id} {job.id}", status=job.status.value)
                job.on_progress(_updater(progress, task))
            for job in jobs:
                row: dict[str, Any] = {"generation_id": job.id, "model": job.model_id}
                try:
                    result = job.result()
                    row.update(status="succeeded", url=result.url, elapsed=result.elapsed)
                    if download is not None:
                        row["path"] = str(result.download(download))
                except JobError as exc:
                    row.update(status=exc.status, error=exc.message)
                except OxenError as exc:
                    row.update(status=job.status.value, error=str(exc))
                rows.append(row)
    except KeyboardInterrupt:
        for job in jobs:
            if not job.done:
                try:
                    job.cancel()
                except Exception as exc:  # keep cancelling the others
                    click.echo(f"could not cancel {job.id}: {exc}", err=True)
        click.echo("interrupted: unfinished generations were cancelled", err=True)
        return EXIT_INTERRUPTED
    _emit(rows, as_json)
    failed = [row for row in rows if row["status"] != "succeeded"]
    for row in failed if not as_json else []:
        click.echo(f"{row['generation_id']}: {row['status']}: {row.get('error', '')}", err=True)
    sys.stdout.flush()
    return EXIT_FOUND if failed else EXIT_OK


def _updater(progress: Progress, task: TaskID) -> Callable[[ProgressEvent], None]:
    def update(event: ProgressEvent) -> None:
        progress.update(task, status=event.status.value)

    return update
