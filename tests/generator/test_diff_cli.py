"""``oxgen diff``: exit codes, output formats and usage errors, through click's CliRunner."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx
from click.testing import CliRunner, Result

from generator._cli import main
from generator._diff import read_catalog
from generator._snapshot import write_snapshot

SNAPSHOT = Path(__file__).resolve().parents[2] / "generated" / "_schemas"
_CATALOG = read_catalog(SNAPSHOT)


def _run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, ["diff", *map(str, args)], catch_exceptions=False)


def _folder(tmp_path: Path, name: str, change: str | None) -> Path:
    """A copy of the snapshot with one change of the named class applied."""
    catalog: dict[str, dict[str, Any]] = {k: copy.deepcopy(dict(v)) for k, v in _CATALOG.items()}
    flux = catalog["flux-1-dev"]
    guidance = flux["json_request_schema"]["properties"]["guidance"]
    if change == "breaking":
        guidance["maximum"] = 5
    elif change == "compatible":
        guidance["maximum"] = 20
    elif change == "cosmetic":
        guidance["description"] = "How closely to follow the prompt."
    folder = tmp_path / name
    write_snapshot(catalog.values(), folder)
    return folder


@pytest.mark.parametrize(
    ("change", "fail_on", "expected"),
    [
        (None, "any", 0),
        ("breaking", None, 1),
        ("breaking", "breaking", 1),
        ("compatible", None, 0),
        ("compatible", "compatible", 1),
        ("compatible", "breaking", 0),
        ("cosmetic", None, 0),
        ("cosmetic", "compatible", 0),
        ("cosmetic", "any", 1),
    ],
)
def test_exit_status_follows_fail_on(
    tmp_path: Path, change: str | None, fail_on: str | None, expected: int
) -> None:
    old = _folder(tmp_path, "old", None)
    new = _folder(tmp_path, "new", change)
    options = [] if fail_on is None else ["--fail-on", fail_on]
    result = _run(old, new, *options)
    assert result.exit_code == expected, result.output
    if change is None:
        assert "No changes." in result.output
    elif change == "cosmetic":
        assert "1 cosmetic change(s): description" in result.output
        verbose = _run(old, new, "--verbose")
        assert "/guidance" in verbose.output
    else:
        assert "flux-1-dev" in result.output
        assert "/guidance" in result.output


def test_json_output(tmp_path: Path) -> None:
    result = _run(_folder(tmp_path, "old", None), _folder(tmp_path, "new", "breaking"), "--json")
    assert result.exit_code == 1
    document = json.loads(result.output)
    assert document["worst"] == "breaking"
    (model,) = document["models"]
    (change,) = model["changes"]
    assert (model["model_id"], change["path"], change["keyword"]) == (
        "flux-1-dev",
        "/guidance",
        "maximum",
    )


def test_markdown_output(tmp_path: Path) -> None:
    result = _run(
        _folder(tmp_path, "old", None), _folder(tmp_path, "new", "compatible"), "--markdown"
    )
    assert result.exit_code == 0
    assert result.output.startswith("## Catalog changes\n")
    assert "### `flux-1-dev` (compatible)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{snapshot}", "{tmp}/missing"], "not a folder"),
        (["{snapshot}"], "missing argument NEW"),
        (["{snapshot}", "{snapshot}", "--live"], "either NEW or --live"),
        (["{snapshot}", "{snapshot}", "--fail-on", "sometimes"], "Invalid value"),
        (["{snapshot}", "{tmp}/broken"], "cannot read model object"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "bad.json").write_text("[", encoding="utf-8")
    filled = [arg.format(snapshot=SNAPSHOT, tmp=tmp_path) for arg in args]
    result = CliRunner().invoke(main, ["diff", *filled])
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_help_describes_the_command() -> None:
    result = _run("--help")
    assert result.exit_code == 0
    for option in ("--json", "--markdown", "--fail-on", "--live"):
        assert option in result.output


_LIVE = "https://live.test"


def _serve(models: list[dict[str, Any]]) -> None:
    respx.get(f"{_LIVE}/api/ai/models").respond(json={"object": "list", "data": models})
    for model in models:
        respx.get(f"{_LIVE}/api/ai/models/{model['id']}").respond(json=model)


def _run_live(*args: str | Path) -> Result:
    env = {"OXEN_API_KEY": "k", "OXEN_BASE_URL": _LIVE}
    return CliRunner(env=env).invoke(main, ["diff", *map(str, args), "--live"])


@respx.mock
def test_live_compares_with_the_endpoint() -> None:
    models = [copy.deepcopy(dict(model)) for model in _CATALOG.values()]
    flux = next(model for model in models if model["id"] == "flux-1-dev")
    flux["json_request_schema"]["properties"]["guidance"]["maximum"] = 5
    _serve([model for model in models if model["id"] != "ideogram-v4"])
    result = _run_live(SNAPSHOT, "--json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    assert document["removed"] == ["ideogram-v4"]
    assert [m["model_id"] for m in document["models"]] == ["flux-1-dev", "ideogram-v4"]


@respx.mock
def test_live_unchanged_catalog_exits_0() -> None:
    _serve([dict(model) for model in _CATALOG.values()])
    result = _run_live(SNAPSHOT)
    assert result.exit_code == 0, result.output
    assert "No changes." in result.output


@respx.mock
def test_live_api_failure_exits_3() -> None:
    respx.get(f"{_LIVE}/api/ai/models").mock(
        return_value=httpx.Response(401, json={"error": {"type": "unauthenticated"}})
    )
    result = _run_live(SNAPSHOT)
    assert result.exit_code == 3, result.output
