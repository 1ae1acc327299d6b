"""Every request says by when: a card that asks someone something shows the date ("Graag vóór
…": the step's deadline, else when the first reminder would go), and so does "mijn taken"."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from cards.detail import tasks_card
from cards.messages import render_message
from cards.status import status_card
from wasstraat.engine import open_tasks, waiting_on
from wasstraat.model import Person
from wasstraat.samples import PA, ROLES, TEMPLATE, Run, finish, to_step

ZONE = ZoneInfo("Europe/Amsterdam")
TASKS = {
    "step_started",
    "approval_request",
    "check_request",
    "review_request",
    "evaluation_request",
}


def test_every_card_that_asks_someone_something_says_by_when():
    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    finish(run, TEMPLATE.steps[-1].id)
    asked = 0
    for outcome in run.outcomes:
        t = outcome.trajectory
        for message in outcome.messages:
            person = message.recipient
            if message.kind not in TASKS or not isinstance(person, Person):
                continue
            step = message.data.get("step") or (
                TEMPLATE.approval_step(message.data["subject"]).id  # type: ignore[union-attr]
                if "subject" in message.data
                else None
            )
            mine = [w for w in open_tasks(t, person.aad_object_id, TEMPLATE) if w.step == step]
            if not mine:
                continue  # told, not asked (a reader of the step)
            asked += 1
            now = outcome.audit[-1].at
            card = render_message(
                message.body, t, language="nl", template=TEMPLATE, zone=ZONE, viewer=person, now=now
            ).card
            assert "Graag vóór" in str(card), (message.kind, step, person.name)
            line = tasks_card(
                [(t, w) for w in mine], template=TEMPLATE, language="nl", zone=ZONE, now=now
            )
            assert "uiterlijk" in str(line), str(line)
    assert asked > 15  # the whole trajectory asks many people many things


def test_the_status_names_each_person_once_with_all_they_are_waited_on_for():
    run = Run(roles={**ROLES, "klantreiscoach": [PA]})  # the procesadviseur maps the journey too
    to_step(run, "3a")
    waited = [w for w in waiting_on(run.t, TEMPLATE) if w.person == PA]
    assert {w.step for w in waited} >= {"3a", "4"}  # waited on twice ...
    card = status_card([run.t], template=TEMPLATE, language="nl", zone=ZONE, now=run.now)
    assert str(card).count("Anna (") == 1  # ... named once


def test_an_action_owner_is_told_their_actions_with_their_dates():
    from datetime import date

    from wasstraat import commands as c
    from wasstraat.samples import PE, TM1

    run = Run()
    to_step(run, "9")
    order = [c.Priority(improvement_id="v1", owner=TM1, target_date=date(2027, 3, 1))]
    run.do(PE, c.SetPriorities(order=order))
    outcome = run.do(PE, c.DecidePriorities(decision="approve"))
    [told] = [m for m in outcome.messages if m.kind == "implementation_assigned"]
    assert told.recipient == TM1
    words = render_message(
        told.body, run.t, language="nl", template=TEMPLATE, zone=ZONE, viewer=TM1, now=run.now
    ).text
    assert words is not None and "Digitaal aanvragen (vóór ma 1 mrt 2027)" in words
