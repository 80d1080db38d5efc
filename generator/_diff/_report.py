"""Render a ``CatalogDiff`` three ways: a terminal table, a pull-request body, stable JSON.

Model ids, property names and values come from the network: every renderer neutralises them
(control characters escaped, markdown punctuation escaped, rich markup never parsed), so a
hostile schema cannot forge report lines, links or terminal escape sequences.

JSON report (``render_json``), version 1. Keys are sorted; lists are in the order given here::

    {
      "format": "oxgen-catalog-diff",
      "version": 1,
      "worst": "breaking" | "compatible" | "cosmetic" | null,
      "counts": {"breaking": int, "compatible": int, "cosmetic": int},
      "added": [model id, ...],                   # sorted
      "removed": [model id, ...],                 # sorted
      "renames": [                                # sorted by old_id
        {"old_id": str, "new_id": str, "score": float, "id_similarity": float,
         "schema_similarity": float, "changes": [change, ...]}
      ],
      "models": [                                 # sorted by model id; changed models only
        {"model_id": str, "worst": severity, "changes": [change, ...]}
      ]
    }
    change = {"path": str, "kind": str (a Kind value), "severity": str, "keyword": str | null,
              "message": str, "old": any, "new": any}   # "old"/"new" absent when absent

``path`` is "" for the payload root and for model-level kinds. Consumers should ignore keys
they do not know; a change of meaning bumps ``version``.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from typing import Any, Final

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ._keywords import show
from ._model import MISSING, CatalogDiff, Change, RenameSuggestion, Severity

__all__ = ["JSON_FORMAT_VERSION", "render_json", "render_markdown", "render_text"]

JSON_FORMAT_VERSION: Final = 1
_STYLES: Final = {
    Severity.BREAKING: "bold red",
    Severity.COMPATIBLE: "yellow",
    Severity.COSMETIC: "dim",
}
_MARKDOWN_SPECIAL: Final = re.compile(r"([\\`*_\[\]<>|~&!#])")


# -- shared ---------------------------------------------------------------------------------


def _printable(text: str) -> str:
    """One line with every control or invisible formatting character escaped."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in text
    )


def _summary(diff: CatalogDiff) -> str:
    counts = diff.counts()
    parts = [f"{counts[severity]} {severity.label}" for severity in counts]
    changed = len(set(diff.by_model()) - set(diff.added) - set(diff.removed))
    models = f"{len(diff.added)} added, {len(diff.removed)} removed, {changed} changed"
    return f"{', '.join(parts)} change(s); models: {models}"


def _models_worst_first(diff: CatalogDiff) -> list[tuple[str, tuple[Change, ...]]]:
    grouped = diff.by_model()
    return sorted(grouped.items(), key=lambda item: (-max(c.severity for c in item[1]), item[0]))


def _value(value: Any) -> str:
    return "" if value is MISSING else show(value)


# -- text -----------------------------------------------------------------------------------


def _table_rows(changes: tuple[Change, ...], verbose: bool) -> list[tuple[Severity, str, str]]:
    """(severity, where, message) rows; cosmetic changes folded into one row unless verbose."""
    rows = [
        (change.severity, change.location, change.message)
        for change in changes
        if verbose or change.severity > Severity.COSMETIC
    ]
    cosmetic = [change for change in changes if change.severity is Severity.COSMETIC]
    if cosmetic and not verbose:
        keywords = sorted({change.keyword or change.kind.value for change in cosmetic})
        rows.append(
            (Severity.COSMETIC, "", f"{len(cosmetic)} cosmetic change(s): {', '.join(keywords)}")
        )
    return rows


def render_text(
    diff: CatalogDiff, *, width: int = 100, color: bool = False, verbose: bool = False
) -> str:
    """A table for a terminal, worst models first; ``color`` adds ANSI styles.

    Cosmetic changes are counted per model in one row (a reworded catalog can have hundreds)
    unless ``verbose``.
    """
    console = Console(
        file=io.StringIO(),
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        highlight=False,
        emoji=False,
    )
    if not diff.changes:
        console.print(Text("No changes."))
        return _output(console)
    console.print(Text(f"Catalog diff: {_summary(diff)}"))
    for rename in diff.renames:
        line = (
            f"Likely rename: {_printable(rename.old_id)} -> {_printable(rename.new_id)} "
            f"(score {rename.score:.2f})"
        )
        console.print(Text(line, style="bold"))
    table = Table(show_lines=False, expand=False)
    table.add_column("Model", overflow="fold")
    table.add_column("Severity", no_wrap=True)
    table.add_column("Where", overflow="fold")
    table.add_column("Change", overflow="fold")
    for model_id, changes in _models_worst_first(diff):
        for index, (severity, where, message) in enumerate(_table_rows(changes, verbose)):
            table.add_row(
                Text(_printable(model_id) if index == 0 else ""),
                Text(severity.label, style=_STYLES[severity]),
                Text(_printable(where)),
                Text(_printable(message)),
            )
    console.print(table)
    return _output(console)


def _output(console: Console) -> str:
    file = console.file
    assert isinstance(file, io.StringIO)
    return file.getvalue()


# -- markdown -------------------------------------------------------------------------------


def _md(text: str) -> str:
    """Plain text safe inside a markdown table cell."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _printable(text))


def _code(text: str, *, cell: bool = True) -> str:
    """A code span, whatever backticks ``text`` holds; in a table ``cell`` pipes are escaped."""
    text = _printable(text)
    if cell:
        text = text.replace("|", "\\|")
    if not text:
        return ""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _change_rows(changes: Iterable[Change]) -> list[str]:
    rows = ["| Severity | Where | Change | Old | New |", "|---|---|---|---|---|"]
    rows += [
        f"| {change.severity.label} | {_code(change.location)} | {_md(change.message)} "
        f"| {_code(_value(change.old))} | {_code(_value(change.new))} |"
        for change in changes
    ]
    return rows


def _rename_section(renames: tuple[RenameSuggestion, ...]) -> list[str]:
    lines = [
        "### Likely renames",
        "",
        "| Removed | Added | Score | Id similarity | Schema similarity |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [
        f"| {_code(rename.old_id)} | {_code(rename.new_id)} | {rename.score:.2f} "
        f"| {rename.id_similarity:.2f} | {rename.schema_similarity:.2f} |"
        for rename in renames
    ]
    for rename in renames:
        # Cosmetic differences between two different models are noise here: counted, not shown.
        shown = [change for change in rename.changes if change.severity > Severity.COSMETIC]
        if not shown:
            continue
        hidden = len(rename.changes) - len(shown)
        lines += [
            "",
            "<details>",
            f"<summary>Moving from {_code(rename.old_id, cell=False)} to "
            f"{_code(rename.new_id, cell=False)}: "
            f"{len(shown)} change(s) to the request"
            + (f", {hidden} cosmetic not shown" if hidden else "")
            + "</summary>",
            "",
            *_change_rows(shown),
            "",
            "</details>",
        ]
    return [*lines, ""]


def render_markdown(diff: CatalogDiff) -> str:
    """A pull-request body: summary counts, likely renames, then one section per model."""
    lines = ["## Catalog changes", ""]
    if not diff.changes:
        return "\n".join([*lines, "No changes.", ""])
    counts = diff.counts()
    lines += ["| Severity | Changes |", "|---|---:|"]
    lines += [f"| {severity.label} | {counts[severity]} |" for severity in counts]
    changed = len(set(diff.by_model()) - set(diff.added) - set(diff.removed))
    lines += [
        "",
        f"Models: {len(diff.added)} added, {len(diff.removed)} removed, {changed} changed.",
        "",
    ]
    if diff.renames:
        lines += _rename_section(diff.renames)
    for model_id, changes in _models_worst_first(diff):
        worst = max(change.severity for change in changes)
        heading = f"### {_code(model_id, cell=False)} ({worst.label})"
        lines += [heading, "", *_change_rows(changes), ""]
    return "\n".join(lines)


# -- json -----------------------------------------------------------------------------------


def _change_json(change: Change) -> dict[str, Any]:
    data: dict[str, Any] = {
        "keyword": change.keyword,
        "kind": change.kind.value,
        "message": change.message,
        "path": change.path,
        "severity": change.severity.label,
    }
    if change.old is not MISSING:
        data["old"] = change.old
    if change.new is not MISSING:
        data["new"] = change.new
    return data


def render_json(diff: CatalogDiff) -> str:
    """The stable machine-readable report (schema in this module's docstring)."""
    worst = diff.worst
    document = {
        "format": "oxgen-catalog-diff",
        "version": JSON_FORMAT_VERSION,
        "worst": worst.label if worst is not None else None,
        "counts": {severity.label: count for severity, count in diff.counts().items()},
        "added": list(diff.added),
        "removed": list(diff.removed),
        "renames": [
            {
                "old_id": rename.old_id,
                "new_id": rename.new_id,
                "score": rename.score,
                "id_similarity": rename.id_similarity,
                "schema_similarity": rename.schema_similarity,
                "changes": [_change_json(change) for change in rename.changes],
            }
            for rename in diff.renames
        ],
        "models": [
            {
                "model_id": model_id,
                "worst": max(change.severity for change in changes).label,
                "changes": [_change_json(change) for change in changes],
            }
            for model_id, changes in diff.by_model().items()
        ],
    }
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False, default=repr) + "\n"
