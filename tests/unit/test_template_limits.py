"""What a template may hold is bounded so that every card drawn from it fits Teams' 28 KB: a file
beyond the bounds is refused at load (and by ``python -m wasstraat check``) with the field named;
a template at the bounds draws every card under the limit."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cards.detail import detail_card, tasks_card
from cards.messages import render_message
from cards.roles import roles_form
from cards.status import status_card
from wasstraat.__main__ import main
from wasstraat.effects import read_payload
from wasstraat.engine import waiting_on
from wasstraat.model import StepState, StepStatus
from wasstraat.samples import Run, person
from wasstraat.template import (
    ASK_LENGTH,
    MAX_NAMED,
    MAX_ROLES,
    MAX_STEPS,
    NAME_LENGTH,
    Template,
    TemplateError,
    default_template,
    load_template,
)

ZONE = ZoneInfo("Europe/Amsterdam")
LIMIT = 28 * 1024


def _long(seed: str, length: int) -> str:
    """A text of exactly ``length`` characters, with non-ASCII letters (more bytes each)."""
    return (f"{seed} – Gemeentelijke dienstverlening één ä " * length)[:length]


def _named(seed: str) -> dict[str, str]:
    return {"nl": _long(seed, NAME_LENGTH), "en": _long(seed + " en", NAME_LENGTH)}


def _raw_default() -> dict:
    return json.loads(default_template().model_dump_json())


def at_the_limits() -> dict:
    """The default wasstraat grown to every bound: the most roles and steps, every name and
    every question as long as allowed, every step asking every role something of its own."""
    raw = _raw_default()
    while len(raw["roles"]) < MAX_ROLES:
        raw["roles"].append({"id": f"rol_{len(raw['roles'])}", "name": {"nl": "x", "en": "x"}})
    for role in raw["roles"]:
        role["name"] = _named(role["id"])
    roles = [role["id"] for role in raw["roles"]]
    while len(raw["steps"]) < MAX_STEPS:
        n = len(raw["steps"])
        raw["steps"].insert(
            -1,
            {
                "id": f"x{n}",
                "name": {"nl": "x", "en": "x"},
                "depends_on": ["1"],
                "responsible": "projectleider",
                "actors": roles,
                "kind": {"type": "finished_by", "by": ["projectleider"]},
            },
        )
    for step in raw["steps"]:
        step["name"] = _named(f"Stap {step['id']}")
        step["asks"] = {
            role: {
                "nl": _long(f"{step['id']} {role}", ASK_LENGTH),
                "en": _long(f"{step['id']} {role} en", ASK_LENGTH),
            }
            for role in roles
        }
    for key in ("ps", "serviceformules"):
        while len(raw[key]) < MAX_NAMED:
            raw[key].append({"id": f"{key}_{len(raw[key])}", "name": {"nl": "x", "en": "x"}})
        for named in raw[key]:
            named["name"] = _named(named["id"])
    return raw


def test_a_template_at_its_limits_is_taken():
    template = Template.model_validate(at_the_limits())
    assert len(template.steps) == MAX_STEPS and len(template.roles) == MAX_ROLES


@pytest.mark.parametrize(
    "change, field",
    [
        (lambda raw: raw["steps"][2]["name"].update(nl="x" * 200_000), "steps.2.name.nl"),
        (
            lambda raw: raw["steps"][0]["asks"]["projectleider"].update(en="x" * 5000),
            "steps.0.asks.projectleider.en",
        ),
        (lambda raw: raw["roles"][1]["name"].update(nl="x" * 81), "roles.1.name.nl"),
        (
            lambda raw: raw["steps"].extend(
                {**raw["steps"][0], "id": f"extra{n}"} for n in range(400)
            ),
            "steps:",
        ),
        (lambda raw: raw["ps"].extend(raw["ps"] * 3), "ps:"),
    ],
    ids=["a long step name", "a long question", "a long role name", "400 extra steps", "24 Ps"],
)
def test_a_template_beyond_its_limits_is_refused_naming_the_field(tmp_path: Path, change, field):
    raw = _raw_default()
    change(raw)
    path = tmp_path / "gemeente.json"
    path.write_text(json.dumps(raw), "utf-8")
    with pytest.raises(TemplateError) as refused:
        load_template(path)
    assert field in str(refused.value)
    assert len(str(refused.value)) < 1000  # the field and the bound, not the text itself


def test_the_check_command_refuses_it_too(tmp_path: Path, capsys):
    raw = _raw_default()
    raw["steps"][2]["name"]["nl"] = "x" * 200_000
    path = tmp_path / "gemeente.json"
    path.write_text(json.dumps(raw), "utf-8")
    assert main(["check", str(path)]) == 1
    said = capsys.readouterr().err
    assert "steps.2.name.nl" in said and len(said) < 1000


def _at_step(t, template: Template, step_id: str):  # type: ignore[no-untyped-def]
    steps = {s.id: StepState(status=StepStatus.DONE) for s in template.steps}
    steps[step_id] = StepState(status=StepStatus.ACTIVE)
    # the extra steps run side by side: all of them at once, as the status would show them
    for s in template.steps:
        if s.id.startswith("x"):
            steps[s.id] = StepState(status=StepStatus.ACTIVE)
    return t.model_copy(update={"steps": steps})


def test_every_card_drawn_from_a_template_at_its_limits_stays_under_28_kb():
    template = Template.model_validate(at_the_limits())
    leader = person("Projectleider Met Een Lange Naam")
    everyone = person("Iemand Die Alle Rollen Heeft")
    run = Run(template=template, project_leader=leader, roles={})
    roles = {r.id: [everyone] for r in template.roles if r.id != "projectleider"}
    t = run.t.model_copy(update={"roles": {**run.t.roles, **roles}})
    now = run.now + timedelta(hours=1)
    sizes: dict[str, int] = {}

    def size(name: str, card: object) -> None:
        sizes[name] = len(json.dumps(card, ensure_ascii=False).encode())

    for step in template.steps:
        at = _at_step(t, template, step.id)
        for viewer in (leader, everyone):
            for language in ("nl", "en"):
                for kind, data in (
                    ("step_started", {"step": step.id}),
                    (
                        "reminder",
                        {"task": "step_started", "step": step.id, "what": "complete", "count": 1},
                    ),
                ):
                    rendered = render_message(
                        read_payload(kind, data),
                        at,
                        language=language,
                        template=template,
                        zone=ZONE,
                        viewer=viewer,
                        now=now,
                    )
                    if rendered.card is not None:
                        size(f"{kind}:{step.id}:{viewer.name}:{language}", rendered.card)
                tasks = [(at, w) for w in waiting_on(at, template)]
                size(
                    f"tasks:{step.id}:{language}",
                    tasks_card(tasks, template=template, language=language, zone=ZONE, now=now),
                )
        for language in ("nl", "en"):
            size(
                f"status:{step.id}:{language}",
                status_card([at], template=template, language=language, zone=ZONE, now=now),
            )
            size(
                f"detail:{step.id}:{language}",
                detail_card(at, template=template, language=language, zone=ZONE, now=now),
            )
    for language in ("nl", "en"):
        size(
            f"roles:{language}",
            roles_form(t, [leader, everyone], template=template, language=language),
        )
    assert len(sizes) > 200
    assert {name: n for name, n in sizes.items() if n >= LIMIT} == {}
    assert max(sizes.values()) > LIMIT // 2  # the bounds are what fills a card, not less


def test_the_bot_refuses_to_start_on_it(tmp_path: Path):
    from bot.settings import Settings

    raw = _raw_default()
    raw["steps"].extend({**raw["steps"][0], "id": f"extra{n}"} for n in range(400))
    path = tmp_path / "gemeente.json"
    path.write_text(json.dumps(raw), "utf-8")
    with pytest.raises(ValueError) as refused:
        Settings(_env_file=None, template=str(path)).wasstraat()  # type: ignore[call-arg]
    assert "WASSTRAAT_TEMPLATE" in str(refused.value) and "steps:" in str(refused.value)
