"""Where a ``$ref`` points: identifiers, anchors and JSON Pointers inside one schema document.

The registry walks the document the way the ``referencing`` library does for Draft 2020-12
(only through keywords that hold subschemas), records every ``$id`` resource and ``$anchor``,
and resolves a reference against the base URI in effect. What it cannot resolve locally (a
remote document) is reported as ``None`` so the compiler can fall back to ``jsonschema``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import unquote, urldefrag, urljoin

__all__ = ["SCHEMA_LISTS", "SCHEMA_MAPS", "SCHEMA_VALUES", "Located", "Registry", "escape"]

# Keywords whose value is a subschema, a list of subschemas, or a map of them.
SCHEMA_VALUES = (
    "additionalProperties",
    "contains",
    "contentSchema",
    "else",
    "if",
    "items",
    "not",
    "propertyNames",
    "then",
    "unevaluatedItems",
    "unevaluatedProperties",
)
SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
SCHEMA_MAPS = ("$defs", "dependentSchemas", "patternProperties", "properties")


def escape(token: str) -> str:
    """One JSON Pointer segment."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Located:
    """A subschema with the base URI it is read under and its JSON Pointer in the document."""

    schema: object
    base: str
    pointer: str

    @property
    def key(self) -> tuple[int, str]:
        return (id(self.schema), self.base)


def _rebase(base: str, schema: object) -> str:
    identifier = schema.get("$id") if isinstance(schema, dict) else None
    if isinstance(identifier, str):
        return urldefrag(urljoin(base, identifier))[0]
    return base


def children(node: Located) -> Iterator[tuple[str, Located]]:
    """Every direct subschema of ``node`` with the keyword that holds it."""
    schema = node.schema
    if not isinstance(schema, dict):
        return
    for keyword in SCHEMA_VALUES:
        if keyword in schema:
            sub = schema[keyword]
            yield keyword, Located(sub, _rebase(node.base, sub), f"{node.pointer}/{keyword}")
    for keyword in SCHEMA_LISTS:
        subs = schema.get(keyword)
        if isinstance(subs, list):
            for index, sub in enumerate(subs):
                pointer = f"{node.pointer}/{keyword}/{index}"
                yield keyword, Located(sub, _rebase(node.base, sub), pointer)
    for keyword in SCHEMA_MAPS:
        subs = schema.get(keyword)
        if isinstance(subs, dict):
            for name, sub in subs.items():
                pointer = f"{node.pointer}/{keyword}/{escape(str(name))}"
                yield keyword, Located(sub, _rebase(node.base, sub), pointer)


class Registry:
    """The resources (``$id``) and anchors (``$anchor``) of one schema document."""

    def __init__(self, root: object) -> None:
        self.root = Located(root, _rebase("", root), "")
        self._resources: dict[str, Located] = {}
        self._anchors: dict[tuple[str, str], Located] = {}
        self._register(self.root)

    def _register(self, node: Located) -> None:
        seen: set[int] = set()
        stack = [node]
        while stack:
            current = stack.pop()
            if id(current.schema) in seen:
                continue
            seen.add(id(current.schema))
            schema = current.schema
            if isinstance(schema, dict):
                if isinstance(schema.get("$id"), str) or current is node:
                    self._resources.setdefault(current.base, current)
                anchor = schema.get("$anchor")
                if isinstance(anchor, str):
                    self._anchors.setdefault((current.base, anchor), current)
            stack.extend(child for _, child in children(current))

    def resolve(self, ref: str, base: str) -> Located | None:
        """The subschema ``ref`` names when read under ``base``; None when not in this document."""
        url, fragment = urldefrag(urljoin(base, ref))
        resource = self._resources.get(url)
        if resource is None:
            return None
        fragment = unquote(fragment)
        if not fragment:
            return resource
        if not fragment.startswith("/"):
            return self._anchors.get((url, fragment))
        current = resource
        for raw in fragment[1:].split("/"):
            token = raw.replace("~1", "/").replace("~0", "~")
            schema = current.schema
            if isinstance(schema, dict) and token in schema:
                sub = schema[token]
            elif isinstance(schema, list) and token.isdigit() and int(token) < len(schema):
                sub = schema[int(token)]
            else:
                return None
            current = Located(sub, _rebase(current.base, sub), f"{current.pointer}/{escape(token)}")
        return current
