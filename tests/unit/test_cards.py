"""Every card variant against the official Adaptive Cards 1.5 schema and the official renderer
(npm 'adaptivecards', with the Teams host config), and under Teams' size limit."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from cards.catalogue import Language
from cards.export import ZONE, digest_demo, export, variants
from cards.messages import render_message
from tests.tools.card_parts import every_action
from tests.tools.card_schema import TEAMS_CHART, card_validator

ROOT = Path(__file__).resolve().parents[2]
VALIDATOR = ROOT / "tests" / "tools" / "validate_cards.mjs"
MAX_CARD_BYTES = 28 * 1024


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return export(tmp_path_factory.mktemp("cards"))


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.Draft6Validator:
    return card_validator()


def test_every_step_and_kind_has_variants_in_both_languages(exported: list[Path]):
    names = {p.stem for p in exported}
    assert len(names) >= 100
    for language in ("nl", "en"):
        for expected in (
            "welcome--channel--all",
            "status--two-trajectories--all",
            "approval_request--kpis--proceseigenaar",
            "approval_request--plan--teammanager",
            "check_request--3b--vakinhoudelijk_medewerker",
            "review_request--7--specialist_iv",
            "stale--decide_kpis--proceseigenaar",
            "form-error--decide_kpis--proceseigenaar",
            "evaluation_request--evaluatie--proceseigenaar",
            "evaluation_request--evaluatie--sponsor",
            "reminder--kpis--proceseigenaar",
            "task_overdue--2--person",
            "next_cycle_offer-----proceseigenaar",
        ):
            assert f"{expected}--{language}" in names
    steps = {name.split("--")[1] for name in names if name.startswith("step_started--")}
    assert steps >= {"1", "2", "3a", "4", "5", "6", "8", "9", "10"}


def test_cards_pass_the_official_schema_and_stay_small(exported, schema_validator):
    for path in exported:
        card = json.loads(path.read_bytes())
        # measured as the bot sends it (the files are indented for reading)
        sent = json.dumps(card, ensure_ascii=False).encode()
        assert len(sent) < MAX_CARD_BYTES, path.name
        assert card["version"] == "1.5"
        errors = [e.message for e in schema_validator.iter_errors(card)]
        assert errors == [], f"{path.name}: {errors}"


def test_cards_pass_the_official_renderer_with_the_teams_host_config(exported):
    node = shutil.which("node")
    assert node, "node is needed for the official Adaptive Cards renderer"
    result = subprocess.run(
        [node, str(VALIDATOR), *map(str, exported)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=120,
    )
    reports = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(reports) == len(exported)
    assert [r for r in reports if r["errors"]] == []


def test_the_renderer_check_admits_teams_people_picker_only_with_choices_of_its_own(tmp_path):
    def picker(choices: list[dict], dataset: str) -> Path:
        path = tmp_path / f"picker-{len(choices)}-{dataset.count('?')}.json"
        field = {
            "type": "Input.ChoiceSet",
            "id": "role__sponsor",
            "choices": choices,
            "choices.data": {"type": "Data.Query", "dataset": dataset},
        }
        path.write_text(json.dumps({"type": "AdaptiveCard", "version": "1.5", "body": [field]}))
        return path

    one = [{"title": "Megan Bowen", "value": "00000000-0000-0000-0000-0000000000021"}]
    good = picker(one, "graph.microsoft.com/users?scope=currentContext")
    bare = picker([], "graph.microsoft.com/users")
    odd = picker(one, "graph.microsoft.com/groups")
    result = subprocess.run(
        ["node", str(VALIDATOR), str(good), str(bare), str(odd)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    errors = [json.loads(line)["errors"] for line in result.stdout.splitlines()]
    assert errors[0] == []
    assert any("PickerWithoutChoices" in e for e in errors[1])
    assert any("UnknownDataQuery" in e for e in errors[2])


def test_the_renderer_check_does_catch_a_broken_card(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(
        json.dumps({"type": "AdaptiveCard", "version": "1.6", "body": [{"type": "Carousel"}]})
    )
    result = subprocess.run(
        ["node", str(VALIDATOR), str(broken)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    assert json.loads(result.stdout)["errors"]


def test_every_button_routes_by_action_id_and_has_a_submit_fallback(exported):
    for path in exported:
        card = json.loads(path.read_text("utf-8"))
        for action in every_action(card):
            if action["type"] != "Action.Execute":
                continue
            assert action["data"]["action"] == action["verb"], path.name
            assert action["fallback"]["type"] == "Action.Submit"
            assert action["fallback"]["data"] == action["data"]
            if action["verb"].startswith(("decide_", "answer_check")):
                assert {"trajectory", "step"} <= set(action["data"]), path.name


def test_the_renderer_check_lets_in_the_teams_chart_only_with_a_fallback(tmp_path):
    chart = {"type": TEAMS_CHART, "data": [{"legend": "a", "values": [{"x": "k", "y": 1}]}]}
    fallback = {"type": "TextBlock", "text": "1"}
    cards = {
        "with": {**chart, "fallback": fallback},
        "without": chart,
        "other": {"type": "Chart.Pie", "data": [], "fallback": fallback},
    }
    files = []
    for name, element in cards.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"type": "AdaptiveCard", "version": "1.5", "body": [element]}))
        files.append(str(path))
    result = subprocess.run(
        ["node", str(VALIDATOR), *files],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=60,
    )
    reports = map(json.loads, result.stdout.splitlines())
    errors = {Path(r["file"]).stem: r["errors"] for r in reports}
    assert errors["with"] == []
    assert errors["without"] and errors["other"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_daily_digest_shows_each_open_task_with_its_button(language: Language) -> None:
    [digest] = [
        card for name, card in variants() if name == f"digest--two-trajectories--person--{language}"
    ]
    person, reminded = digest_demo()
    tasks = [e for e in digest["body"] if e["type"] == "Container"]
    assert len(tasks) == len(reminded) == 2
    for task, one in zip(tasks, reminded, strict=True):
        assert one.trajectory.product in json.dumps(task, ensure_ascii=False)
        own = render_message(
            one.body,
            one.trajectory,
            language=language,
            template=one.template,
            zone=ZONE,
            viewer=person,
            now=one.trajectory.created_at,
        ).card
        assert own is not None
        buttons = [
            (a["title"], json.dumps(a["data"], sort_keys=True))
            for a in _all_actions(task)
            if a["type"] == "Action.Execute"
        ]
        # the task card's own buttons, each for this task's trajectory
        assert buttons
        assert buttons == [
            (a["title"], json.dumps(a["data"], sort_keys=True))
            for a in _all_actions(own["actions"])
            if a["type"] == "Action.Execute"
        ]
        named = {json.loads(data).get("trajectory") for _, data in buttons} - {None}
        assert named == {one.trajectory.id}


def _all_actions(element: object) -> list[dict[str, Any]]:
    if isinstance(element, list):
        return [a for item in element for a in _all_actions(item)]
    if not isinstance(element, dict):
        return []
    own = [element] if str(element.get("type", "")).startswith("Action.") else []
    return own + [a for value in element.values() for a in _all_actions(value)]
