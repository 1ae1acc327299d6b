"""A municipality's template file: checked by `python -m wasstraat check` and at the bot's start,
both naming the field at fault."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import create_app
from bot.settings import Settings
from wasstraat.template import default_template

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, change=None) -> Path:  # type: ignore[no-untyped-def]
    raw = json.loads(default_template().model_dump_json())
    if change is not None:
        change(raw)
    path = tmp_path / "gemeente.json"
    path.write_text(json.dumps(raw), "utf-8")
    return path


def _unknown_approver(raw: dict) -> None:
    next(s for s in raw["steps"] if s["id"] == "8")["kind"]["approvers"] = ["wethouder"]


def check(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "wasstraat", "check", str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_prints_the_diagram_of_a_good_template(tmp_path):
    done = check(
        _write(tmp_path, lambda raw: raw["steps"][2].update(name={"nl": "Plaat", "en": "Map"}))
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("flowchart TD")
    assert "3a. Plaat" in done.stdout


def test_check_names_the_field_of_a_bad_template(tmp_path):
    done = check(_write(tmp_path, _unknown_approver))
    assert done.returncode == 1
    assert "steps[8]: unknown role 'wethouder'" in done.stderr
    assert done.stdout == ""


def test_the_bot_does_not_start_on_a_template_that_cannot_run(tmp_path):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, template=str(_write(tmp_path, _unknown_approver))
    )
    with pytest.raises(
        ValueError, match=r"WASSTRAAT_TEMPLATE .*steps\[8\]: unknown role 'wethouder'$"
    ):
        create_app(settings)


def test_the_bot_runs_the_configured_template(tmp_path):
    path = _write(tmp_path, lambda raw: raw["steps"][2].update(name={"nl": "Plaat", "en": "Map"}))
    settings = Settings(_env_file=None, template=str(path))  # type: ignore[call-arg]
    assert settings.wasstraat().step("3a").name.nl == "Plaat"
