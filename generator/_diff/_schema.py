"""Compare two request schemas of one model by walking both together, in the request direction.

The question asked at every node is: may a payload that the old schema accepted be rejected by
the new one? If so the change is breaking. ``$ref`` is followed into ``$defs`` on both sides
(so a changed definition is reported at every property path that uses it), cycles are cut, and
whatever cannot be classified precisely is reported as breaking with a message saying why:
a false alarm in a pull request costs a minute, a missed break costs a failed job.
Value-level keywords are classified by ``_keywords``; this module owns the subschemas.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ._keywords import Verdict, canonical, compare_keyword, is_value_keyword, opaque_verdict
from ._model import MISSING, Change, Kind, Severity

__all__ = ["diff_schemas"]

_MAX_DEPTH: Final = 64
_MAX_REF_HOPS: Final = 16
_MAX_REFS_CHECKED: Final = 1000
_DEFINITIONS: Final = frozenset({"$defs", "definitions"})
_OPEN_SCHEMAS: Final = frozenset({"additionalProperties", "unevaluatedProperties"})
_BRANCHES: Final = frozenset({"allOf", "anyOf", "oneOf"})
_REJECT_ALL: Final[Mapping[str, Any]] = {"not": {}}


def diff_schemas(model_id: str, old: Any, new: Any) -> list[Change]:
    """Every change from request schema ``old`` to ``new`` (both roots, neither None)."""
    walker = _Walker(model_id, old, new)
    walker.node(old, new, "", 0)
    return walker.changes


def _segment(name: str) -> str:
    """One path segment, escaped as in a JSON pointer (RFC 6901)."""
    return "/" + name.replace("~", "~0").replace("/", "~1")


def _pointer(root: Any, ref: str) -> Any:
    """The local definition ``ref`` points to, or MISSING (remote refs are never fetched)."""
    if not ref.startswith("#"):
        return MISSING
    node = root
    parts = ref[1:].split("/")[1:] if len(ref) > 1 else []
    for raw in parts:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return MISSING
    return node


def _as_schema(node: Any) -> Any:
    """Boolean (and absent) schemas as their object equivalents: one code path for all."""
    if node is True or node is MISSING:
        return {}
    if node is False:
        return dict(_REJECT_ALL)
    return node


def _resolve(node: Any, root: Any) -> tuple[Any, tuple[str, ...]]:
    """Follow ``$ref``; sibling keywords override the target's (both apply, siblings win).

    Returns the schema to compare and the refs followed. An unresolvable ``$ref`` stays in the
    schema, so it is compared as an opaque value.
    """
    node = _as_schema(node)
    refs: list[str] = []
    while isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
        ref = node["$ref"]
        target = _pointer(root, ref)
        if target is MISSING or len(refs) >= _MAX_REF_HOPS or ref in refs:
            break
        refs.append(ref)
        siblings = {key: value for key, value in node.items() if key != "$ref"}
        target = _as_schema(target)
        node = {**target, **siblings} if isinstance(target, Mapping) else target
    return node, tuple(refs)


def _refs_in(value: Any) -> list[str]:
    """Every ``$ref`` string inside ``value`` (iteratively: schemas are untrusted input)."""
    found: list[str] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, Mapping):
            ref = item.get("$ref")
            if isinstance(ref, str):
                found.append(ref)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _names(value: Any) -> set[str]:
    return {item for item in value if isinstance(item, str)} if isinstance(value, list) else set()


class _Walker:
    """Walks both schemas together and collects changes; state is the roots and the ref stack."""

    def __init__(self, model_id: str, old_root: Any, new_root: Any) -> None:
        self.model_id = model_id
        self.old_root = old_root
        self.new_root = new_root
        self.changes: list[Change] = []
        self._active: set[tuple[tuple[str, ...], tuple[str, ...]]] = set()

    def emit(self, path: str, keyword: str | None, verdict: Verdict) -> None:
        self.changes.append(
            Change(
                self.model_id,
                path,
                verdict.kind,
                verdict.severity,
                verdict.old,
                verdict.new,
                verdict.message,
                keyword=keyword,
            )
        )

    def unchanged(self, old: Any, new: Any) -> bool:
        """Same text, and every definition it refers to is the same text on both sides."""
        if canonical(old) != canonical(new):
            return False
        pending, seen = _refs_in(old), set[str]()
        while pending and len(seen) < _MAX_REFS_CHECKED:
            ref = pending.pop()
            if ref in seen:
                continue
            seen.add(ref)
            before, after = _pointer(self.old_root, ref), _pointer(self.new_root, ref)
            if canonical(before) != canonical(after):
                return False
            pending.extend(_refs_in(before))
        return True

    def node(self, old: Any, new: Any, path: str, depth: int) -> None:
        if self.unchanged(old, new):
            return
        old_schema, old_refs = _resolve(old, self.old_root)
        new_schema, new_refs = _resolve(new, self.new_root)
        key = (old_refs, new_refs)
        if (old_refs or new_refs) and key in self._active:
            return  # a recursive definition: this pair is being compared further up
        if depth >= _MAX_DEPTH:
            message = f"nested deeper than {_MAX_DEPTH} levels; not compared, treated as breaking"
            self.emit(path, None, Verdict(Kind.STRUCTURE_CHANGED, Severity.BREAKING, message))
            return
        if old_refs and new_refs and old_refs[0] != new_refs[0]:
            message = f"now refers to {new_refs[0]} instead of {old_refs[0]}"
            verdict = Verdict(
                Kind.ANNOTATION_CHANGED, Severity.COSMETIC, message, old_refs[0], new_refs[0]
            )
            self.emit(path, "$ref", verdict)
        if not isinstance(old_schema, Mapping) or not isinstance(new_schema, Mapping):
            if canonical(old_schema) != canonical(new_schema):
                message = "not a JSON Schema object on one side; compared as a whole"
                verdict = Verdict(
                    Kind.STRUCTURE_CHANGED, Severity.BREAKING, message, old_schema, new_schema
                )
                self.emit(path, None, verdict)
            return
        if self.rejects_all_changed(old_schema, new_schema, path):
            return
        self._active.add(key)
        try:
            self.keywords(old_schema, new_schema, path, depth)
        finally:
            self._active.discard(key)

    def rejects_all_changed(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str
    ) -> bool:
        """Report a schema that became (or stopped being) ``false``: one change, not keywords."""
        old_false, new_false = old == _REJECT_ALL, new == _REJECT_ALL
        if old_false == new_false:
            return False
        if new_false:
            message = "no value is accepted any more (false schema)"
            verdict = Verdict(Kind.CONSTRAINT_TIGHTENED, Severity.BREAKING, message, old, False)
        else:
            message = "values are accepted again (was a false schema)"
            verdict = Verdict(Kind.CONSTRAINT_LOOSENED, Severity.COMPATIBLE, message, False, new)
        self.emit(path, None, verdict)
        return True

    def keywords(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, depth: int
    ) -> None:
        if any(key in side for key in ("properties", "required") for side in (old, new)):
            self.properties(old, new, path, depth)
        for keyword in sorted((set(old) | set(new)) - _DEFINITIONS - {"properties", "required"}):
            before, after = old.get(keyword, MISSING), new.get(keyword, MISSING)
            if is_value_keyword(keyword):
                for verdict in compare_keyword(keyword, before, after):
                    self.emit(path, keyword, verdict)
            elif keyword == "items":
                self.items(before, after, path, depth)
            elif keyword in _OPEN_SCHEMAS:
                self.open_schema(keyword, before, after, path, depth)
            elif keyword in _BRANCHES:
                self.branches(keyword, before, after, path, depth)
            elif not self.unchanged(before, after):
                self.emit(path, keyword, opaque_verdict(keyword, before, after))

    def properties(
        self, old: Mapping[str, Any], new: Mapping[str, Any], path: str, depth: int
    ) -> None:
        old_props, new_props = _mapping(old.get("properties")), _mapping(new.get("properties"))
        old_required, new_required = _names(old.get("required")), _names(new.get("required"))
        for name in sorted(set(old_props) | set(new_props)):
            where = path + _segment(name)
            if name in old_props and name in new_props:
                self.node(old_props[name], new_props[name], where, depth + 1)
            elif name in old_props:
                message = "property removed; callers that send it may be rejected"
                verdict = Verdict(
                    Kind.PROPERTY_REMOVED, Severity.BREAKING, message, old=old_props[name]
                )
                self.emit(where, "properties", verdict)
            elif name in new_required and name not in old_required:
                message = "new required property; callers that omit it are rejected"
                if isinstance(new_props[name], Mapping) and "default" in new_props[name]:
                    message += " (its default does not make it optional)"
                verdict = Verdict(
                    Kind.REQUIRED_PROPERTY_ADDED, Severity.BREAKING, message, new=new_props[name]
                )
                self.emit(where, "required", verdict)
            elif name in old_required:
                # Required but undescribed before (any value passed): what it now demands.
                self.node({}, new_props[name], where, depth + 1)
            else:
                verdict = Verdict(
                    Kind.PROPERTY_ADDED,
                    Severity.COMPATIBLE,
                    "optional property added",
                    new=new_props[name],
                )
                self.emit(where, "properties", verdict)
        for name in sorted(new_required - old_required):
            if name not in new_props or name in old_props:  # else reported as a new property
                message = "became required; callers that omit it are rejected"
                verdict = Verdict(Kind.BECAME_REQUIRED, Severity.BREAKING, message, False, True)
                self.emit(path + _segment(name), "required", verdict)
        for name in sorted(old_required - new_required):
            if name not in old_props or name in new_props:  # else reported as removed
                verdict = Verdict(
                    Kind.BECAME_OPTIONAL, Severity.COMPATIBLE, "became optional", True, False
                )
                self.emit(path + _segment(name), "required", verdict)

    def items(self, old: Any, new: Any, path: str, depth: int) -> None:
        if isinstance(old, list) or isinstance(new, list):
            if not self.unchanged(old, new):
                message = "tuple-form items changed; not analysed further, treated as breaking"
                verdict = Verdict(Kind.STRUCTURE_CHANGED, Severity.BREAKING, message, old, new)
                self.emit(path, "items", verdict)
            return
        self.node(old, new, path + "/items", depth + 1)

    def open_schema(self, keyword: str, old: Any, new: Any, path: str, depth: int) -> None:
        if new is False and old is not False:
            message = f"{keyword} closed: properties not listed are now rejected"
            verdict = Verdict(Kind.CONSTRAINT_TIGHTENED, Severity.BREAKING, message, old, new)
            self.emit(path, keyword, verdict)
        elif old is False and new is not False:
            message = f"{keyword} opened: properties not listed are now accepted"
            verdict = Verdict(Kind.CONSTRAINT_LOOSENED, Severity.COMPATIBLE, message, old, new)
            self.emit(path, keyword, verdict)
        else:
            self.node(old, new, path + "/" + keyword, depth + 1)

    def branches(self, keyword: str, old: Any, new: Any, path: str, depth: int) -> None:
        if self.unchanged(old, new):
            return
        if new is MISSING:
            message = f"{keyword} removed: one constraint fewer"
            verdict = Verdict(Kind.CONSTRAINT_LOOSENED, Severity.COMPATIBLE, message, old, new)
            self.emit(path, keyword, verdict)
            return
        if not isinstance(old, list) or not isinstance(new, list):
            message = (
                f"{keyword} {'added' if old is MISSING else 'changed'}; payloads must match it"
            )
            verdict = Verdict(Kind.STRUCTURE_CHANGED, Severity.BREAKING, message, old, new)
            self.emit(path, keyword, verdict)
            return
        # Pair the branches that did not change first, then pair what is left in order.
        unmatched_old = list(range(len(old)))
        unmatched_new: list[int] = []
        for index, branch in enumerate(new):
            match = next((i for i in unmatched_old if self.unchanged(old[i], branch)), None)
            if match is None:
                unmatched_new.append(index)
            else:
                unmatched_old.remove(match)
        pairs = min(len(unmatched_old), len(unmatched_new))
        for old_index, new_index in zip(unmatched_old[:pairs], unmatched_new[:pairs], strict=True):
            self.node(old[old_index], new[new_index], f"{path}/{keyword}/{new_index}", depth + 1)
        for old_index in unmatched_old[pairs:]:
            if keyword == "allOf":
                severity, why = Severity.COMPATIBLE, "one constraint fewer"
            else:
                severity, why = Severity.BREAKING, "one alternative fewer"
            message = f"{keyword} branch removed ({why})"
            verdict = Verdict(Kind.BRANCH_REMOVED, severity, message, old=old[old_index])
            self.emit(f"{path}/{keyword}/{old_index}", keyword, verdict)
        for new_index in unmatched_new[pairs:]:
            if keyword == "anyOf":
                severity, why = Severity.COMPATIBLE, "one alternative more"
            elif keyword == "allOf":
                severity, why = Severity.BREAKING, "one constraint more"
            else:
                severity, why = Severity.BREAKING, "a payload matching two branches is rejected"
            message = f"{keyword} branch added ({why})"
            verdict = Verdict(Kind.BRANCH_ADDED, severity, message, new=new[new_index])
            self.emit(f"{path}/{keyword}/{new_index}", keyword, verdict)
