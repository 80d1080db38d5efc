"""``oxgen run`` and ``oxgen jobs``: options from the schema, validation first, real runs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator._cli import main
from generator._cli._run import param_specs

MODEL = "flux-1-dev"


def test_param_specs_order_types_and_reserved_names() -> None:
    schema = {
        "type": "object",
        "basic": ["prompt", "mode"],
        "required": ["prompt"],
        "properties": {
            "zeta": {"type": "number", "x-order": 1},
            "alpha": {"type": "integer", "x-order": 2},
            "mode": {"enum": [-1, 5, 10], "type": "integer", "default": -1},
            "prompt": {"type": "string", "description": "What to draw."},
            "num": {"type": "integer"},
            "loud": {"type": "boolean"},
            "elements": {"type": "array", "items": {"type": "object"}},
            "fps": {"type": ["integer", "string"]},
        },
    }
    specs = {spec.name: spec for spec in param_specs(schema)}
    order = [spec.name for spec in param_specs(schema)]
    assert order[:2] == ["prompt", "mode"]  # basic first, in basic's order
    assert order.index("zeta") < order.index("alpha")  # then x-order
    assert specs["mode"].kind == "choice"
    assert specs["mode"].choices == (-1, 5, 10)
    assert "[default: -1]" in specs["mode"].help
    assert specs["prompt"].required
    assert specs["prompt"].help.startswith("What to draw.")
    assert specs["num"].flags == ("--param-num",)  # never shadows the command's own --num
    assert specs["loud"].kind == "boolean"
    assert specs["elements"].kind == "json"
    assert specs["fps"].kind == "int-or-string"
    assert param_specs(None) == []
    assert param_specs({"type": "object"}) == []


def test_help_lists_the_models_parameters() -> None:
    result = CliRunner().invoke(main, ["run", MODEL, "--help"])
    assert result.exit_code == 0, result.output
    assert "Parameters of flux-1-dev" in result.output
    assert "--prompt" in result.output
    assert "--aspect-ratio" in result.output
    assert result.output.index("--prompt") < result.output.index("--guidance")


def test_unknown_model_is_a_usage_error_with_suggestions() -> None:
    result = CliRunner().invoke(main, ["run", "flux-1-dv", "--prompt", "x"])
    assert result.exit_code == 2
    assert "flux-1-dev" in result.output


def test_invalid_payload_stops_before_anything_is_sent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OXEN_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("OXEN_API_KEY", "k")
    result = CliRunner().invoke(main, ["run", MODEL, "--guidance", "3"])
    assert result.exit_code == 1
    assert "prompt" in result.output
    bad_choice = CliRunner().invoke(main, ["run", MODEL, "--prompt", "x", "--aspect-ratio", "5:1"])
    assert bad_choice.exit_code == 2


def test_run_wait_download_and_the_jobs_commands(
    oxen_emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("OXGEN_JOURNAL", str(journal))
    runner = CliRunner()
    done = runner.invoke(
        main,
        [
            "run",
            MODEL,
            "--prompt",
            "a cat",
            "--aspect-ratio",
            "1:1",
            "--json",
            "--download",
            str(tmp_path / "out"),
        ],
    )
    assert done.exit_code == 0, done.output
    (row,) = json.loads(done.output)
    assert row["status"] == "succeeded"
    assert Path(row["path"]).is_file()

    queued = runner.invoke(main, ["run", MODEL, "--prompt", "later", "--no-wait", "--json"])
    assert queued.exit_code == 0, queued.output
    (pending,) = json.loads(queued.output)

    listed = runner.invoke(main, ["jobs", "list", "--json", "--journal", str(journal)])
    assert listed.exit_code == 0, listed.output
    assert {entry["generation_id"] for entry in json.loads(listed.output)} == {
        row["generation_id"],
        pending["generation_id"],
    }
    shown = runner.invoke(main, ["jobs", "show", row["generation_id"], "--journal", str(journal)])
    assert json.loads(shown.output)["result_url"] == row["url"]

    waited = runner.invoke(
        main, ["jobs", "wait", pending["generation_id"], "--json", "--journal", str(journal)]
    )
    assert waited.exit_code == 0, waited.output
    assert json.loads(waited.output)[0]["status"] == "succeeded"

    missing = runner.invoke(main, ["jobs", "show", "nope", "--journal", str(journal)])
    assert missing.exit_code == 2


@pytest.mark.oxen_emulator(speed=0.05)
def test_jobs_cancel_cancels_a_running_generation(
    oxen_emulator: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "journal.sqlite3"
    monkeypatch.setenv("OXGEN_JOURNAL", str(journal))
    runner = CliRunner()
    queued = runner.invoke(main, ["run", MODEL, "--prompt", "slow", "--no-wait", "--json"])
    (pending,) = json.loads(queued.output)
    cancelled = runner.invoke(main, ["jobs", "cancel", pending["generation_id"]])
    assert cancelled.exit_code == 0, cancelled.output
    assert "cancelled" in cancelled.output


class _StubJob:
    """Just enough of a Job for ``wait_and_report``: the first wait is interrupted."""

    def __init__(self, generation_id: str, *, interrupt: bool) -> None:
        from generator.runtime import JobStatus

        self.id = generation_id
        self.model_id = MODEL
        self.status = JobStatus.QUEUED
        self.done = False
        self.cancelled = False
        self._interrupt = interrupt

    def on_progress(self, callback: Any) -> None:
        pass

    def result(self) -> Any:
        if self._interrupt:
            raise KeyboardInterrupt
        raise AssertionError("not reached")

    def cancel(self) -> None:
        self.cancelled = True


def test_ctrl_c_while_waiting_cancels_every_unfinished_job() -> None:
    from generator._cli._run import wait_and_report

    jobs = [_StubJob("a", interrupt=True), _StubJob("b", interrupt=False)]
    code = wait_and_report(jobs, download=None, as_json=False)  # type: ignore[arg-type]
    assert code == 130
    assert all(job.cancelled for job in jobs)
