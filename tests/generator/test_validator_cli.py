"""``oxgen validate``: exit codes, messages, JSON output, JSON Lines and lint warnings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from generator._cli import main

REPO = Path(__file__).resolve().parents[2]
SNAPSHOT = str(REPO / "generated" / "_schemas")
MODEL = "bytedance-seedance-2-0-text-to-video"


def _run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["validate", *args, "--from", SNAPSHOT], input=stdin)
    return result.exit_code, result.stdout, result.stderr


def test_valid_payload_exits_zero() -> None:
    code, out, _ = _run(MODEL, "-", stdin=json.dumps({"prompt": "a cat", "duration": 5}))
    assert code == 0
    assert out == "valid\n"


def test_invalid_payload_lists_every_issue(tmp_path: Path) -> None:
    payload = tmp_path / "p.json"
    payload.write_text(json.dumps({"duration": 20, "aspect_ratio": "4:4"}), encoding="utf-8")
    code, out, _ = _run(MODEL, str(payload))
    assert code == 1
    lines = out.splitlines()
    assert "/: missing required property 'prompt'" in lines
    assert any(line.startswith("/duration: 20 is not one of -1, 4, 5") for line in lines)
    assert any(line.startswith("/aspect_ratio: '4:4' is not one of 'adaptive'") for line in lines)


def test_module_name_selects_the_model_too() -> None:
    code, _, _ = _run("bytedance_seedance_2_0_text_to_video", stdin='{"prompt": "x"}')
    assert code == 0


def test_unknown_model_is_a_usage_error_with_suggestion() -> None:
    code, _, err = _run("bytedance-seedance-2-0-text-to-vide", stdin="{}")
    assert code == 2
    assert "did you mean 'bytedance-seedance-2-0-text-to-video'" in err


def test_unreadable_input_is_a_usage_error(tmp_path: Path) -> None:
    code, _, err = _run(MODEL, str(tmp_path / "missing.json"))
    assert code == 2
    assert "cannot read" in err
    code, _, err = _run(MODEL, "-", stdin="{not json")
    assert code == 2
    assert "is not JSON" in err


def test_unknown_property_warns_unless_strict() -> None:
    payload = json.dumps({"prompt": "x", "aspect-ratio": "16:9"})
    code, out, _ = _run(MODEL, stdin=payload)
    assert code == 0
    assert "warning: /: unknown property 'aspect-ratio' (did you mean 'aspect_ratio'?)" in out
    code, out, _ = _run(MODEL, "--strict", stdin=payload)
    assert code == 1
    assert "error: /: unknown property 'aspect-ratio'" in out


def test_json_output() -> None:
    code, out, _ = _run(MODEL, "--json", stdin=json.dumps({"duration": 3}))
    assert code == 1
    result = json.loads(out)
    assert result["valid"] is False
    assert {issue["path"] for issue in result["issues"]} == {"", "/duration"}
    assert {issue["keyword"] for issue in result["issues"]} == {"required", "enum"}
    assert result["fallback"] == []


def test_jsonl_reports_each_line_and_a_summary() -> None:
    lines = [
        json.dumps({"prompt": "ok"}),
        "",
        json.dumps({"prompt": 3}),
        "{broken",
        json.dumps({"prompt": "ok", "resolution": "720p"}),
    ]
    code, out, _ = _run(MODEL, "--jsonl", stdin="\n".join(lines) + "\n")
    assert code == 1
    report = out.splitlines()
    assert "line 3: /prompt: 3 is not of type 'string'" in report
    assert report[-2].startswith("line 4: not JSON")
    assert report[-1].startswith("4 payloads: 2 valid, 2 invalid (")
    assert report[-1].endswith(" payloads/s)")
    code, out, _ = _run(MODEL, "--jsonl", "--json", stdin=lines[0] + "\n" + lines[4])
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [row.get("valid") for row in rows[:2]] == [True, True]
    assert rows[-1]["summary"]["payloads"] == 2
