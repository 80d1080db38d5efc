"""Suggest likely renames: a removed model and an added one that look like the same model.

The catalog renames models without notice (``kling-video-o3-pro-reference-to-video`` became
``kling-video-o3-omni``). A suggestion needs both a similar id (difflib ratio) and a similar
request schema (shared property names), and the two must serve the same endpoint and come
from the same developer (when both name one: a rename keeps its maker, and this keeps
``kling-...-text-to-video`` from "succeeding" ``bytedance-...-text-to-video``). Each removed
and each added model appears in at most one suggestion (best score first, ties by id).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any, Final

from generator._snapshot import request_schema

from ._model import RenameSuggestion

__all__ = ["MIN_SCORE", "schema_similarity", "suggest_renames"]

# Tuned on the real catalog: the kling o3 rename scores 0.61; pairs of unrelated models that
# pass the endpoint and developer gates score below 0.5.
MIN_SCORE: Final = 0.5
_ID_WEIGHT: Final = 0.5


def _property_names(model: Mapping[str, Any]) -> frozenset[str] | None:
    schema = request_schema(model)
    if not isinstance(schema, Mapping):
        return None
    properties = schema.get("properties")
    return frozenset(properties) if isinstance(properties, Mapping) else frozenset()


def schema_similarity(old: Mapping[str, Any], new: Mapping[str, Any]) -> float:
    """Jaccard index of the property names (1.0 for two schemas without properties)."""
    before, after = _property_names(old), _property_names(new)
    if before is None or after is None:
        return 1.0 if before is after else 0.0
    union = before | after
    return len(before & after) / len(union) if union else 1.0


def _developer(model: Mapping[str, Any]) -> str | None:
    developer = model.get("developer")
    name = developer.get("name") if isinstance(developer, Mapping) else None
    return name if isinstance(name, str) and name else None


def _score(
    old_id: str, old: Mapping[str, Any], new_id: str, new: Mapping[str, Any]
) -> RenameSuggestion | None:
    if old.get("endpoint") != new.get("endpoint"):
        return None
    makers = _developer(old), _developer(new)
    if None not in makers and makers[0] != makers[1]:
        return None
    id_similarity = difflib.SequenceMatcher(None, old_id, new_id, autojunk=False).ratio()
    similarity = schema_similarity(old, new)
    score = _ID_WEIGHT * id_similarity + (1 - _ID_WEIGHT) * similarity
    if score < MIN_SCORE:
        return None
    return RenameSuggestion(
        old_id=old_id,
        new_id=new_id,
        score=round(score, 3),
        id_similarity=round(id_similarity, 3),
        schema_similarity=round(similarity, 3),
    )


def suggest_renames(
    old: Mapping[str, Mapping[str, Any]],
    new: Mapping[str, Mapping[str, Any]],
    removed: Iterable[str],
    added: Iterable[str],
) -> list[RenameSuggestion]:
    """One-to-one suggestions from ``removed`` ids (in ``old``) to ``added`` ids (in ``new``)."""
    added_ids = sorted(added)
    candidates = [
        suggestion
        for old_id in sorted(removed)
        for new_id in added_ids
        if (suggestion := _score(old_id, old[old_id], new_id, new[new_id])) is not None
    ]
    candidates.sort(key=lambda item: (-item.score, item.old_id, item.new_id))
    chosen: list[RenameSuggestion] = []
    taken_old: set[str] = set()
    taken_new: set[str] = set()
    for suggestion in candidates:
        if suggestion.old_id in taken_old or suggestion.new_id in taken_new:
            continue
        taken_old.add(suggestion.old_id)
        taken_new.add(suggestion.new_id)
        chosen.append(suggestion)
    return sorted(chosen, key=lambda item: item.old_id)
