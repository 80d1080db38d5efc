"""Semantic diff of two catalogs: what changed for a caller, model by model.

Each change is classed in the request direction: BREAKING when a caller that followed the old
schema may stop working, COMPATIBLE when such a caller keeps working (possibly with changed
behaviour, e.g. a new default), COSMETIC when nothing a validator checks changed.

``diff_catalogs(old, new)`` takes two mappings of model id -> model object; ``diff_folders``
reads two snapshot folders. The renderers turn a ``CatalogDiff`` into a terminal table,
a pull-request body (markdown) or stable JSON.
"""

from __future__ import annotations

from ._catalog import SnapshotReadError, diff_catalogs, diff_folders, diff_models, read_catalog
from ._model import MISSING, CatalogDiff, Change, Kind, Missing, RenameSuggestion, Severity
from ._report import JSON_FORMAT_VERSION, render_json, render_markdown, render_text
from ._schema import diff_schemas

__all__ = [
    "JSON_FORMAT_VERSION",
    "MISSING",
    "CatalogDiff",
    "Change",
    "Kind",
    "Missing",
    "RenameSuggestion",
    "Severity",
    "SnapshotReadError",
    "diff_catalogs",
    "diff_folders",
    "diff_models",
    "diff_schemas",
    "read_catalog",
    "render_json",
    "render_markdown",
    "render_text",
]
