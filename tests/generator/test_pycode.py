"""``_pycode`` lays out literals exactly as ``ruff format`` does, and quotes safely."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from generator._pycode import docstring, layout, literal, string

RUFF = Path(sys.executable).parent / "ruff"

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=6) | st.dictionaries(st.text(max_size=25), children, max_size=5)
    ),
    max_leaves=40,
)


@given(st.text())
def test_string_literal_round_trips(text: str) -> None:
    assert ast.literal_eval(string(text)) == text


@given(st.text())
def test_docstring_cannot_be_escaped(text: str) -> None:
    source = f"def f() -> None:\n{docstring(text or 'x', indent=1)}\n"
    tree = ast.parse(source)  # never a syntax error, whatever the text
    function = tree.body[0]
    assert isinstance(function, ast.FunctionDef) and len(function.body) == 1


@settings(max_examples=1, deadline=None)
@given(st.lists(json_values, min_size=150, max_size=150))
def test_layout_matches_ruff_format(values: list[object]) -> None:
    # One ruff run for many values: each becomes one assignment statement.
    source = "".join(
        "\n".join(layout(literal(value), prefix=f"V{i}: Final[Any] = ")) + "\n"
        for i, value in enumerate(values)
    )
    formatted = subprocess.run(
        [str(RUFF), "format", "--line-length", "100", "-"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert formatted == source
    for i, value in enumerate(values):
        statement = ast.parse(source).body[i]
        assert isinstance(statement, ast.AnnAssign) and statement.value is not None
        assert ast.literal_eval(statement.value) == value
