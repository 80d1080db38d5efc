"""Request types: a schema's ``TypedDict``\\ s, produced by datamodel-code-generator.

datamodel-code-generator (DCG) maps JSON Schema to Python types (``$ref``, ``oneOf``, type
lists, nested objects, recursion); oxgen then reads DCG's output back with ``ast`` into frozen
dataclasses and renders them itself, so names are re-checked, classes never clash with the
names a generated module imports, and the text comes out formatted like the rest of the module.
DCG runs in-process: one import for the whole catalog, never a subprocess per model.

Runtime mode (``generator.load_model``) renders modules where only the runtime dependencies are
installed, so ``engine="builtin"`` maps the top-level properties itself: scalars, enums as
``Literal``, anything else ``Any``. The annotations of an exec'd module are never evaluated
(``from __future__ import annotations``) and validation does not depend on them, so behaviour is
the same; committed files always come from DCG.
"""

from __future__ import annotations

import ast
import json
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from ._names import class_name, is_identifier
from ._pycode import Atom, Expr, string, subscript

__all__ = ["Field", "TypeDef", "TypesError", "request_types"]

# Names the type expressions may use without defining them (builtins and typing names).
_BUILTIN_TYPES = frozenset({"None", "bool", "dict", "float", "int", "list", "object", "str"})
_TYPING_NAMES = frozenset({"Any", "Literal", "NotRequired", "Required", "TypedDict"})


class TypesError(Exception):
    """The schema could not be turned into request types; ``pointer`` says where, if known."""

    def __init__(self, message: str, pointer: str = "") -> None:
        super().__init__(message)
        self.pointer = pointer


@dataclass(frozen=True)
class Field:
    """One key of a ``TypedDict``: wire name, type (without ``NotRequired``), requiredness."""

    wire_name: str
    annotation: Expr
    required: bool


@dataclass(frozen=True)
class TypeDef:
    """A ``TypedDict`` (``fields``) or a type alias (``alias``), in dependency order."""

    name: str
    fields: tuple[Field, ...] = ()
    alias: Expr | None = None

    @property
    def uses(self) -> frozenset[str]:
        """Names (typing, builtins, other classes) the definition refers to."""
        exprs = [field.annotation for field in self.fields]
        if self.alias is not None:
            exprs.append(self.alias)
        names: set[str] = set()
        for expr in exprs:
            names |= _names_in(expr)
        if self.fields and any(not field.required for field in self.fields):
            names.add("NotRequired")
        if self.alias is None:
            names.add("TypedDict")
        return frozenset(names)


def _names_in(expr: Expr) -> set[str]:
    if isinstance(expr, Atom):
        return {part for part in expr.text.replace("|", " ").split() if part.isidentifier()}
    names = {expr.head} if expr.head else set()
    for _, item in expr.items:
        names |= _names_in(item)
    return names


def _run_dcg(schema: Mapping[str, Any], root: str) -> str:
    try:
        from datamodel_code_generator import LiteralType, generate
        from datamodel_code_generator.enums import DataModelType, InputFileType
        from datamodel_code_generator.format import PythonVersion
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise TypesError(
            "datamodel-code-generator is not installed: pip install 'oxgen[codegen]'"
        ) from exc
    with warnings.catch_warnings():
        # DCG warns about naming hints and defaults; oxgen reports problems itself.
        warnings.simplefilter("ignore")
        try:
            out = generate(
                json.dumps(schema),
                input_file_type=InputFileType.JsonSchema,
                output_model_type=DataModelType.TypingTypedDict,
                class_name=root,
                disable_timestamp=True,
                enum_field_as_literal=LiteralType.All,
                use_standard_collections=True,
                use_union_operator=True,
                target_python_version=PythonVersion.PY_310,
                formatters=[],
                custom_file_header="",
            )
        except Exception as exc:  # DCG raises many kinds; all mean "cannot type this schema"
            raise TypesError(f"datamodel-code-generator failed: {exc}") from exc
    if not isinstance(out, str):
        raise TypesError("datamodel-code-generator produced more than one module")
    return out


class _Converter:
    """AST of DCG's output -> ``Expr`` trees, checking every name and renaming classes."""

    def __init__(self, renames: Mapping[str, str]) -> None:
        self.renames = renames

    def expr(self, node: ast.expr) -> Expr:
        if isinstance(node, ast.Name):
            return Atom(self.name(node.id))
        if isinstance(node, ast.Constant):
            return Atom(self.constant(node.value))
        if (
            isinstance(node, ast.UnaryOp)
            and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant)
            and isinstance(node.operand.value, int | float)
            and not isinstance(node.operand.value, bool)
        ):
            return Atom(self.constant(-node.operand.value))
        if isinstance(node, ast.Subscript):
            head = self.expr(node.value).flat()
            elts = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
            return subscript(head, [self.expr(elt) for elt in elts])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            return Atom(f"{self.expr(node.left).flat()} | {self.expr(node.right).flat()}")
        raise TypesError(
            f"unexpected type expression from datamodel-code-generator: {ast.dump(node)}"
        )

    def name(self, name: str) -> str:
        if name in self.renames:
            return self.renames[name]
        if name in _BUILTIN_TYPES or name in _TYPING_NAMES:
            return name
        raise TypesError(f"unexpected name {name!r} in generated types")

    @staticmethod
    def constant(value: object) -> str:
        if value is None or isinstance(value, bool):
            return repr(value)
        if isinstance(value, str):
            return string(value)
        if isinstance(value, int | float):
            return repr(value)
        raise TypesError(f"unexpected literal {value!r} in generated types")

    def field(self, key: str, node: ast.expr) -> Field:
        required = True
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            wrapper = node.value.id
            if wrapper == "NotRequired":
                required, node = False, node.slice
            elif wrapper == "Required":
                node = node.slice
        return Field(key, self.expr(node), required)


def _definitions(module: ast.Module) -> list[tuple[str, ast.stmt]]:
    defs: list[tuple[str, ast.stmt]] = []
    for stmt in module.body:
        if isinstance(stmt, ast.ImportFrom | ast.Import) or (
            isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant)
        ):
            continue
        if isinstance(stmt, ast.ClassDef):
            defs.append((stmt.name, stmt))
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if not isinstance(target, ast.Name):
                raise TypesError("unexpected assignment in generated types")
            defs.append((target.id, stmt))
        elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            defs.append((stmt.target.id, stmt))
        else:
            raise TypesError(f"unexpected statement in generated types: {type(stmt).__name__}")
    return defs


def _typed_dict_call(value: ast.expr) -> ast.Dict | None:
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id == "TypedDict"
        and len(value.args) == 2
        and isinstance(value.args[1], ast.Dict)
    ):
        return value.args[1]
    return None


_SCALARS = {
    "boolean": "bool",
    "integer": "int",
    "number": "float",
    "string": "str",
    "array": "list[Any]",
    "object": "dict[str, Any]",
}


def _builtin_annotation(schema: object) -> Expr:
    """A property's type without DCG: a ``Literal`` enum, a scalar, or ``Any``."""
    if not isinstance(schema, Mapping):
        return Atom("Any")
    enum = schema.get("enum")
    if (
        isinstance(enum, list)
        and enum
        # Floats stay ``float``, as DCG types them: ``Literal`` cannot spell 23.976 portably.
        and all(isinstance(value, str | int) for value in enum)
        and not any(isinstance(value, bool) for value in enum)
    ):
        values = list(dict.fromkeys(_Converter.constant(value) for value in enum))
        return subscript("Literal", [Atom(value) for value in values])
    kind = schema.get("type")
    return Atom(_SCALARS[kind]) if isinstance(kind, str) and kind in _SCALARS else Atom("Any")


def _builtin_types(schema: Mapping[str, Any], root: str) -> list[TypeDef]:
    properties = schema.get("properties")
    properties = properties if isinstance(properties, Mapping) else {}
    required = schema.get("required")
    required = set(required) if isinstance(required, list) else set()
    fields = tuple(
        Field(name, _builtin_annotation(sub), name in required) for name, sub in properties.items()
    )
    return [TypeDef(root, fields)]


def request_types(
    schema: Mapping[str, Any],
    *,
    root: str = "Request",
    reserved: Iterable[str] = (),
    engine: Literal["dcg", "builtin"] = "dcg",
) -> list[TypeDef]:
    """The ``TypedDict`` for ``schema`` (named ``root``) and every type it refers to.

    ``reserved`` names (what the generated module imports or defines) are never used for a
    class: DCG's names are renamed around them, stably. ``engine="builtin"`` needs no DCG and
    types only the top level (runtime mode).
    """
    if engine == "builtin":
        return _builtin_types(schema, root)
    module = ast.parse(_run_dcg(schema, root))
    defs = _definitions(module)
    taken = set(reserved) | _BUILTIN_TYPES | _TYPING_NAMES
    renames: dict[str, str] = {}
    for name, _ in defs:
        if name == root:
            renames[name] = root
            continue
        new = name if is_identifier(name) and name not in taken else class_name(name, taken=taken)
        while new in taken:
            new = f"{new}_"
        renames[name] = new
        taken.add(new)
    convert = _Converter(renames)
    result: list[TypeDef] = []
    for name, stmt in defs:
        if isinstance(stmt, ast.ClassDef):
            fields = []
            for item in stmt.body:
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                    fields.append(convert.field(item.target.id, item.annotation))
                elif not (isinstance(item, ast.Expr | ast.Pass)):
                    raise TypesError(f"unexpected class body in generated type {name!r}")
            result.append(TypeDef(renames[name], tuple(fields)))
            continue
        value = stmt.value if isinstance(stmt, ast.Assign | ast.AnnAssign) else None
        if value is None:
            raise TypesError(f"type {name!r} has no value")
        mapping = _typed_dict_call(value)
        if mapping is not None:
            fields = []
            for key, annotation in zip(mapping.keys, mapping.values, strict=True):
                if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
                    raise TypesError(f"unexpected key in generated type {name!r}")
                fields.append(convert.field(key.value, annotation))
            result.append(TypeDef(renames[name], tuple(fields)))
        else:
            result.append(TypeDef(renames[name], alias=convert.expr(value)))
    if not any(typedef.name == root for typedef in result):
        raise TypesError("the schema does not describe an object")
    return result
