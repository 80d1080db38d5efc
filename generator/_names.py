"""Every identifier oxgen writes is made here: module names, parameter names, class names.

Schema and model-id strings are untrusted. What leaves this module is always a valid Python
identifier that is not a keyword, a soft keyword, a builtin the generated code relies on,
or a name the generated module defines itself; collisions are resolved deterministically.
"""

from __future__ import annotations

import builtins
import hashlib
import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "RESERVED_PARAMETERS",
    "class_name",
    "is_identifier",
    "module_names",
    "parameter_names",
    "snake",
]

# Parameters every generated call function adds next to the schema's own properties.
RESERVED_PARAMETERS = frozenset({"client", "deadline", "num_generations", "self", "cls"})
# Names a generated module (or the package) defines at top level.
_MODULE_GLOBALS = frozenset(
    {
        "DISPLAY_NAME",
        "ENDPOINT",
        "MEDIA_TYPE",
        "MODELS",
        "MODEL_ID",
        "Request",
        "SCHEMA",
        "SCHEMA_SHA256",
        "arun",
        "asubmit",
        "check",
        "is_valid",
        "load",
        "payload",
        "run",
        "submit",
        "validate",
    }
)
_SHADOW = frozenset(dir(builtins)) | frozenset({"annotations", "typing"})
# Parameters may shadow builtins (``input``, ``format``, ``id`` are common and natural), but
# not the names generated signatures and bodies use.
_PARAMETER_SHADOW = frozenset(
    {"Any", "Final", "Literal", "Mapping", "NotRequired", "Required", "TypeAlias", "TypedDict"}
    | {"Client", "Job", "Request", "Result", "ValidationIssue", "cast", "default_client", "enforce"}
    | {"bool", "dict", "float", "int", "list", "object", "str", "tuple", "None"}
)
_NON_WORD = re.compile(r"[^0-9a-zA-Z]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def is_identifier(name: str) -> bool:
    """True for an ASCII identifier that is not a keyword or soft keyword."""
    return (
        name.isascii()
        and name.isidentifier()
        and not keyword.iskeyword(name)
        and not keyword.issoftkeyword(name)
    )


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def snake(text: str, *, split_camel: bool = True) -> str:
    """``Kling-Video.O3 4K`` -> ``kling_video_o3_4k``; may return ``""``.

    ``split_camel`` turns ``frontalImage`` into ``frontal_image``; model ids are not split
    (``IC-LoRA`` reads better as ``ic_lora`` than ``ic_lo_ra``).
    """
    text = _ascii(text)
    words = _NON_WORD.sub("_", _CAMEL.sub("_", text) if split_camel else text)
    return "_".join(part for part in words.lower().split("_") if part)


def _short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _resolve(base: Mapping[str, str], taken: frozenset[str] = frozenset()) -> dict[str, str]:
    """Map each key to its base name, suffixing collisions stably.

    In a group of keys sharing a base name, the lexicographically first key keeps it and
    every other key gets ``_<hash of the key>``, so adding a key never renames the others
    unless it sorts first in its group.
    """
    result: dict[str, str] = {}
    used = set(taken)
    for key in sorted(base):
        name = base[key]
        if name in used:
            name = f"{name}_{_short_hash(key)}"
        used.add(name)
        result[key] = name
    return result


def _module_base(model_id: str) -> str:
    name = snake(model_id, split_camel=False) or "model"
    if name[0].isdigit():
        name = f"m_{name}"
    if not is_identifier(name) or name in _MODULE_GLOBALS or name in _SHADOW:
        name = f"{name}_model"
    return name


def module_names(model_ids: Iterable[str]) -> dict[str, str]:
    """Model id -> module name; e.g. ``happyhorse-1.0-t2v`` -> ``happyhorse_1_0_t2v``."""
    return _resolve({model_id: _module_base(model_id) for model_id in model_ids})


def _parameter_base(wire_name: str) -> str:
    if is_identifier(wire_name) and not wire_name.startswith("_"):
        name = wire_name
    else:
        name = snake(wire_name) or "field"
        if name[0].isdigit():
            name = f"f_{name}"
    if (
        not is_identifier(name)
        or name in RESERVED_PARAMETERS
        or name in _PARAMETER_SHADOW
        or name in _MODULE_GLOBALS
    ):
        name = f"{name}_"
    return name


def parameter_names(wire_names: Iterable[str]) -> dict[str, str]:
    """Property (wire) name -> keyword-argument name.

    Valid identifiers are kept as they are; others (``aspect-ratio``, ``class``, ``client``,
    names that shadow builtins) get a stable safe alias (``aspect_ratio``, ``class_``).
    """
    wire = list(wire_names)
    # Names that are already fine claim themselves first, so aliases never steal them.
    exact = {name for name in wire if _parameter_base(name) == name}
    aliases = _resolve(
        {name: _parameter_base(name) for name in wire if name not in exact}, frozenset(exact)
    )
    return {name: (name if name in exact else aliases[name]) for name in wire}


def class_name(text: str, *, taken: Iterable[str] = ()) -> str:
    """A PascalCase class name for a ``$defs`` key or title."""
    words = snake(text).split("_")
    name = "".join(word[:1].upper() + word[1:] for word in words if word) or "Model"
    if name[0].isdigit():
        name = f"M{name}"
    if not is_identifier(name) or name in _SHADOW or name in _MODULE_GLOBALS or name in set(taken):
        name = f"{name}Model"
    return name
