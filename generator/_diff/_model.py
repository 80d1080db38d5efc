"""The values a catalog diff is made of: severities, change kinds, changes, rename suggestions.

Everything here is a frozen value with a total order, so a diff of the same two catalogs is
the same sequence every time (reports, golden files and CI comments stay byte-stable).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

__all__ = [
    "MISSING",
    "CatalogDiff",
    "Change",
    "Kind",
    "Missing",
    "RenameSuggestion",
    "Severity",
]


class Missing(enum.Enum):
    """The type of ``MISSING``: a value that is absent (JSON ``null`` is a real schema value)."""

    MISSING = "missing"

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final = Missing.MISSING


class Severity(enum.IntEnum):
    """How a change affects a caller that followed the old schema; larger is worse."""

    COSMETIC = 0
    COMPATIBLE = 1
    BREAKING = 2

    @property
    def label(self) -> str:
        """The lower-case name used in every report and on the command line."""
        return self.name.lower()


class Kind(str, enum.Enum):
    """What changed. The values are part of the JSON report's stable contract."""

    # The model object.
    MODEL_ADDED = "model-added"
    MODEL_REMOVED = "model-removed"
    SCHEMA_ADDED = "schema-added"
    SCHEMA_REMOVED = "schema-removed"
    ENDPOINT_CHANGED = "endpoint-changed"
    METADATA_CHANGED = "metadata-changed"
    # Properties and ``required``.
    PROPERTY_ADDED = "property-added"
    REQUIRED_PROPERTY_ADDED = "required-property-added"
    PROPERTY_REMOVED = "property-removed"
    BECAME_REQUIRED = "became-required"
    BECAME_OPTIONAL = "became-optional"
    # Keywords of one schema node.
    TYPE_NARROWED = "type-narrowed"
    TYPE_WIDENED = "type-widened"
    TYPE_CHANGED = "type-changed"
    ENUM_VALUE_REMOVED = "enum-value-removed"
    ENUM_VALUE_ADDED = "enum-value-added"
    ENUM_ADDED = "enum-added"
    ENUM_REMOVED = "enum-removed"
    CONSTRAINT_TIGHTENED = "constraint-tightened"
    CONSTRAINT_LOOSENED = "constraint-loosened"
    DEFAULT_CHANGED = "default-changed"
    STRUCTURE_CHANGED = "structure-changed"
    BRANCH_ADDED = "branch-added"
    BRANCH_REMOVED = "branch-removed"
    REFERENCE_CHANGED = "reference-changed"
    ANNOTATION_CHANGED = "annotation-changed"

    def __str__(self) -> str:
        return self.value


# Kinds that describe the model object as a whole rather than a place in the payload.
MODEL_KINDS: Final = frozenset(
    {
        Kind.MODEL_ADDED,
        Kind.MODEL_REMOVED,
        Kind.SCHEMA_ADDED,
        Kind.SCHEMA_REMOVED,
        Kind.ENDPOINT_CHANGED,
        Kind.METADATA_CHANGED,
    }
)


def _order_key(value: object) -> str:
    return "" if value is MISSING else json.dumps(value, sort_keys=True, default=repr)


@dataclass(frozen=True)
class Change:
    """One change to one model, in the request direction.

    ``path`` points into the request payload: ``""`` is the payload (or, for the model-level
    kinds, the model object), ``/multi_prompt/items/duration`` is the ``duration`` of every item
    of ``multi_prompt`` (``$ref`` already followed). ``keyword`` names the schema keyword (or
    model field) that changed when one does; ``old`` / ``new`` are JSON values or ``MISSING``.
    """

    model_id: str
    path: str
    kind: Kind
    severity: Severity
    old: Any = MISSING
    new: Any = MISSING
    message: str = ""
    keyword: str | None = None

    @property
    def location(self) -> str:
        """``path`` for display: model-level changes and the payload root get a name."""
        if self.path:
            return self.path
        return "(model)" if self.kind in MODEL_KINDS else "(payload)"

    def sort_key(self) -> tuple[str, int, str, str, str, str, str, str]:
        """Model, worst first, then place: the order every report uses."""
        return (
            self.model_id,
            -int(self.severity),
            self.path,
            self.kind.value,
            self.keyword or "",
            self.message,
            _order_key(self.old),
            _order_key(self.new),
        )


@dataclass(frozen=True)
class RenameSuggestion:
    """A removed model and an added one that look like the same model under a new id.

    ``score`` weighs the id similarity (difflib ratio) and the schema similarity (shared
    property names); ``changes`` is what a caller moving from the old id to the new one meets.
    """

    old_id: str
    new_id: str
    score: float
    id_similarity: float
    schema_similarity: float
    changes: tuple[Change, ...] = ()


@dataclass(frozen=True)
class CatalogDiff:
    """Every change between two catalogs, sorted, plus the likely renames."""

    changes: tuple[Change, ...]
    renames: tuple[RenameSuggestion, ...] = ()
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()

    @property
    def worst(self) -> Severity | None:
        """The most severe change, or None when the catalogs are equivalent."""
        return max((change.severity for change in self.changes), default=None)

    def by_model(self) -> Mapping[str, tuple[Change, ...]]:
        """Changes grouped per model id, models sorted by id, changes worst first."""
        grouped: dict[str, list[Change]] = {}
        for change in self.changes:
            grouped.setdefault(change.model_id, []).append(change)
        return {model_id: tuple(grouped[model_id]) for model_id in sorted(grouped)}

    def counts(self) -> dict[Severity, int]:
        """How many changes of each severity (every severity present, worst first)."""
        totals = dict.fromkeys(sorted(Severity, reverse=True), 0)
        for change in self.changes:
            totals[change.severity] += 1
        return totals

    def fails(self, threshold: Severity) -> bool:
        """True when a change at or above ``threshold`` exists (the CLI's ``--fail-on``)."""
        worst = self.worst
        return worst is not None and worst >= threshold

    def successor(self, model_id: str) -> str | None:
        """The likely new id of a removed model, when a rename was suggested for it."""
        for rename in self.renames:
            if rename.old_id == model_id:
                return rename.new_id
        return None
