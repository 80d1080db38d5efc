"""Compiled validators against jsonschema, fastjsonschema, jsonschema-rs and pydantic.

``make bench`` (or ``python -m tests.bench validators``). For every snapshot model: one valid
payload (required fields, defaults, first enum values, in-range numbers, real URIs) and one
invalid payload (the same with a wrong type, an out-of-range number and a bad enum value).
Each library checks the same payloads in the same run; the table shows microseconds per call
and each peer's time divided by ours (> 1 means we are faster), with the geometric mean.

Peers: ``jsonschema`` is a precompiled ``Draft202012Validator`` with its FormatChecker;
``fastjsonschema.compile`` (its newest draft, 7, close enough for these schemas; ``validate``
stops at the first error by design); ``jsonschema_rs.validator_for(validate_formats=True)``
with ``is_valid`` and ``iter_errors``; pydantic: a model built with ``pydantic.create_model``
from the schema's properties (``Literal`` enums, ``Field`` bounds), ``model_validate``.

The last column is not a validator: ``read floor`` is a Python function that only looks up each
top-level property of the payload (``if name in d: v = d[name]``) and checks nothing. No
pure-Python validator can be faster, so it shows which targets the interpreter itself rules out.
"""

from __future__ import annotations

import math
import timeit
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

_SNAPSHOT = Path(__file__).resolve().parents[2] / "generated" / "_schemas"
_BUDGET = 0.04  # seconds per measurement: enough for a stable figure on a loaded machine


def _sample(schema: Any, defs: dict[str, Any]) -> Any:
    if not isinstance(schema, dict):
        return None
    if "$ref" in schema:
        return _sample(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    if "properties" in schema:
        props = schema["properties"]
        # A oneOf over "required" lists: keep the first branch's names, drop the others'.
        others = {
            name for branch in schema.get("oneOf", [])[1:] for name in branch.get("required", [])
        }
        return {name: _sample(props[name], defs) for name in props if name not in others}
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return _sample(schema[keyword][0], defs)
    kind = schema.get("type")
    if kind == "object":
        return {}
    if kind == "array":
        return [_sample(schema.get("items", {}), defs) for _ in range(schema.get("minItems", 1))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if schema.get("format") == "uri":
        return "https://example.com/input.png"
    return "a cat astronaut"


def _invalid(schema: dict[str, Any], valid: dict[str, Any]) -> dict[str, Any]:
    bad = dict(valid)
    props = schema.get("properties", {})
    for name, sub in props.items():
        if name not in valid:
            continue
        kind = sub.get("type") if isinstance(sub, dict) else None
        if "enum" in sub:
            bad[name] = "not-an-option"
        elif kind in ("integer", "number") and "maximum" in sub:
            bad[name] = sub["maximum"] + 1
        elif kind == "string":
            bad[name] = 42
    return bad


def _per_call(fn: Callable[[], object]) -> float:
    """Microseconds per call: the best of three runs sized to the time budget."""
    number = 1
    while timeit.timeit(fn, number=number) < _BUDGET / 4 and number < 1_000_000:
        number *= 4
    return min(timeit.repeat(fn, number=number, repeat=3)) / number * 1e6


def _pydantic_model(schema: dict[str, Any]) -> Any:
    import pydantic

    types = {"string": str, "integer": int, "number": float, "boolean": bool}
    fields: dict[str, Any] = {}
    required = set(schema.get("required", []))
    for name, sub in schema.get("properties", {}).items():
        annotation: Any = Any
        if isinstance(sub, dict):
            if "enum" in sub:
                annotation = Literal[tuple(sub["enum"])]
            elif sub.get("type") == "array":
                annotation = list[types.get(sub.get("items", {}).get("type"), Any)]  # type: ignore[misc]
            else:
                annotation = types.get(sub.get("type"), Any)
            bounds = {"ge": sub.get("minimum"), "le": sub.get("maximum")}
            extra = {key: value for key, value in bounds.items() if value is not None}
            default = ... if name in required else None
            fields[name.replace("-", "_")] = (annotation, pydantic.Field(default, **extra))
    return pydantic.create_model("Payload", **fields)


def _peers(schema: dict[str, Any]) -> dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]]:
    import fastjsonschema
    import jsonschema_rs
    from jsonschema import Draft202012Validator

    from generator._validator import compile_validator

    ours = compile_validator(schema)
    reference = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    rust = jsonschema_rs.validator_for(schema, validate_formats=True)
    peers: dict[str, tuple[Callable[[Any], Any], Callable[[Any], Any]]] = {
        "oxgen": (ours.is_valid, ours.validate),
        "jsonschema": (reference.is_valid, lambda x: list(reference.iter_errors(x))),
        "jsonschema-rs": (rust.is_valid, lambda x: list(rust.iter_errors(x))),
    }
    try:
        fast = fastjsonschema.compile(schema)
    except Exception:  # a peer that cannot compile a schema is reported as n/a
        fast = None
    if fast is not None:

        def fast_valid(x: Any, fast: Any = fast) -> bool:
            try:
                fast(x)
            except fastjsonschema.JsonSchemaException:
                return False
            return True

        def fast_errors(x: Any, fast: Any = fast) -> list[Any]:
            try:
                fast(x)
            except fastjsonschema.JsonSchemaException as exc:
                return [exc]
            return []

        peers["fastjsonschema"] = (fast_valid, fast_errors)
    model = _pydantic_model(schema)

    def pyd_valid(x: Any) -> bool:
        try:
            model.model_validate(x)
        except Exception:  # pydantic.ValidationError, imported lazily
            return False
        return True

    def pyd_errors(x: Any) -> list[Any]:
        try:
            model.model_validate(x)
        except Exception as exc:
            return list(exc.errors())  # type: ignore[attr-defined]
        return []

    peers["pydantic"] = (pyd_valid, pyd_errors)
    floor = _read_floor(schema)
    peers["read floor"] = (floor, floor)
    return peers


def _read_floor(schema: dict[str, Any]) -> Callable[[Any], bool]:
    """A function that reads every top-level property of a dict and checks nothing."""
    lines = ["def floor(d):", "    if not isinstance(d, dict):", "        return False"]
    for name in schema.get("properties", {}):
        lines += [f"    if {name!r} in d:", f"        v = d[{name!r}]"]
    lines.append("    return True")
    namespace: dict[str, Any] = {}
    exec("\n".join(lines), namespace)  # names are repr literals of the snapshot's own keys
    floor: Callable[[Any], bool] = namespace["floor"]
    return floor


def _geomean(values: list[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def main() -> None:
    from generator._snapshot import read_models, request_schema

    models, _ = read_models(_SNAPSHOT)
    names = ["oxgen", "jsonschema", "fastjsonschema", "jsonschema-rs", "pydantic", "read floor"]
    measures = ["is_valid ok", "is_valid bad", "validate ok", "validate bad"]
    ratios: dict[tuple[str, str], list[float]] = {}
    absolute: dict[tuple[str, str], list[float]] = {}
    for entry in models:
        schema = request_schema(entry.model)
        if not isinstance(schema, dict):
            continue
        valid = _sample(schema, schema.get("$defs", {}))
        invalid = _invalid(schema, valid)
        peers = _peers(schema)
        ours_valid = peers["oxgen"][0]
        assert ours_valid(valid) and not ours_valid(invalid), entry.model_id
        row = []
        for measure in measures:
            payload = valid if measure.endswith("ok") else invalid
            timings = {}
            for name, (check, collect) in peers.items():
                fn = check if measure.startswith("is_valid") else collect
                timings[name] = _per_call(lambda fn=fn, payload=payload: fn(payload))
                absolute.setdefault((measure, name), []).append(timings[name])
            for name, value in timings.items():
                ratios.setdefault((measure, name), []).append(value / timings["oxgen"])
            row.append(f"{timings['oxgen']:.2f}")
        print(f"  {entry.model_id:<48} oxgen us: {' / '.join(row)}", flush=True)
    print()
    print("geometric mean over the snapshot: us per call (peer time / oxgen time)")
    print(f"| {'measure':<13} | " + " | ".join(f"{name:>21}" for name in names) + " |")
    print("|" + "-" * 15 + "|" + "|".join("-" * 23 for _ in names) + "|")
    for measure in measures:
        cells = []
        for name in names:
            if (measure, name) not in absolute:
                cells.append(f"{'n/a':>21}")
                continue
            micro = _geomean(absolute[(measure, name)])
            ratio = _geomean(ratios[(measure, name)])
            cells.append(f"{micro:>9.2f} us ({ratio:>6.2f}x)")
        print(f"| {measure:<13} | " + " | ".join(cells) + " |")
