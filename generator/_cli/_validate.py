"""``oxgen validate``: check payloads against a model's request schema, offline.

The queue accepts any payload and only fails the generation later, so this is the cheap place
to find a wrong ``duration`` or a misspelt ``aspect-ratio``. Exit status: 0 valid, 1 invalid
(or, with ``--strict``, unknown properties), 2 usage error (unknown model, unreadable input).
"""

from __future__ import annotations

import difflib
import json
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

import click

from ._common import EXIT_FOUND, EXIT_OK, EXIT_USAGE, from_option, resolve_source

__all__ = ["command"]


def _find_model(model: str, source: Path) -> Mapping[str, Any]:
    """The model object named ``model`` (id or module name); exit 2 with a did-you-mean."""
    from generator._snapshot import read_models

    entries, _ = read_models(source)
    by_name: dict[str, Mapping[str, Any]] = {}
    for entry in entries:
        by_name.setdefault(entry.model_id, entry.model)
        by_name.setdefault(entry.path.stem, entry.model)
    found = by_name.get(model)
    if found is not None:
        return found
    close = difflib.get_close_matches(model, sorted(by_name), n=3, cutoff=0.5)
    hint = f" (did you mean {' or '.join(repr(name) for name in close)}?)" if close else ""
    click.echo(f"error: unknown model {model!r} in {source}{hint}", err=True)
    raise SystemExit(EXIT_USAGE)


def _read(file: str) -> str:
    try:
        if file == "-":
            return sys.stdin.read()
        return Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        click.echo(f"error: cannot read {file}: {exc}", err=True)
        raise SystemExit(EXIT_USAGE) from None


def _issue_dicts(issues: Sequence[Any]) -> list[dict[str, str]]:
    return [asdict(issue) for issue in issues]


def _report(
    out: IO[str], label: str, issues: Sequence[Any], warnings: Sequence[Any], strict: bool
) -> None:
    prefix = f"{label}: " if label else ""
    for issue in issues:
        out.write(f"{prefix}{issue.path or '/'}: {issue.message}\n")
    kind = "error" if strict else "warning"
    for warning in warnings:
        out.write(f"{prefix}{kind}: {warning.path or '/'}: {warning.message}\n")


@click.command("validate")
@click.argument("model")
@click.argument("file", default="-")
@click.option("--jsonl", is_flag=True, help="FILE holds one JSON payload per line.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
@click.option("--strict", is_flag=True, help="Unknown property names are errors, not warnings.")
@from_option()
def command(
    model: str, file: str, jsonl: bool, as_json: bool, strict: bool, source: Path | None
) -> None:
    """Validate the JSON payload in FILE (or stdin) against MODEL's request schema.

    MODEL is a model id or its module name. Every error prints as ``path: message``; unknown
    property names print as warnings with a did-you-mean (errors with --strict).
    """
    from generator._snapshot import request_schema
    from generator._validator import compile_validator

    entry = _find_model(model, resolve_source(source))
    schema = request_schema(entry)
    if schema is None:
        click.echo(f"error: model {model!r} has no request schema", err=True)
        raise SystemExit(EXIT_USAGE)
    validator = compile_validator(schema)
    text = _read(file)
    out = sys.stdout
    if not jsonl:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            click.echo(f"error: {file} is not JSON: {exc}", err=True)
            raise SystemExit(EXIT_USAGE) from None
        issues = validator.validate(payload)
        warnings = validator.lint(payload)
        failed = bool(issues) or (strict and bool(warnings))
        if as_json:
            result = {
                "model": str(entry.get("id")),
                "valid": not failed,
                "issues": _issue_dicts(issues),
                "warnings": _issue_dicts(warnings),
                "fallback": list(validator.fallback),
            }
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            _report(out, "", issues, warnings, strict)
            if not failed:
                out.write("valid\n")
        raise SystemExit(EXIT_FOUND if failed else EXIT_OK)
    raise SystemExit(_jsonl(validator, text, out, as_json=as_json, strict=strict))


def _jsonl(validator: Any, text: str, out: IO[str], *, as_json: bool, strict: bool) -> int:
    """Validate one payload per line; per-line reports, then a summary with throughput."""
    checked = invalid = 0
    spent = 0.0
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        checked += 1
        try:
            payload = json.loads(line)
        except json.JSONDecodeError as exc:
            invalid += 1
            message = f"not JSON: {exc}"
            if as_json:
                out.write(json.dumps({"line": number, "valid": False, "error": message}) + "\n")
            else:
                out.write(f"line {number}: {message}\n")
            continue
        started = time.perf_counter()
        issues = validator.validate(payload)
        warnings = validator.lint(payload)
        spent += time.perf_counter() - started
        failed = bool(issues) or (strict and bool(warnings))
        invalid += failed
        if as_json:
            row = {
                "line": number,
                "valid": not failed,
                "issues": _issue_dicts(issues),
                "warnings": _issue_dicts(warnings),
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            _report(out, f"line {number}", issues, warnings, strict)
    rate = checked / spent if spent > 0 else 0.0
    summary = {"payloads": checked, "valid": checked - invalid, "invalid": invalid}
    if as_json:
        out.write(json.dumps({"summary": {**summary, "per_second": round(rate)}}) + "\n")
    else:
        out.write(
            f"{checked} payloads: {checked - invalid} valid, {invalid} invalid"
            f" ({rate:,.0f} payloads/s)\n"
        )
    return EXIT_FOUND if invalid else EXIT_OK
