"""What the check of the process description finds reaches who must act on it, and the work can
go back to the step the check checks: a new round of the check follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cards.messages import render_message
from cards.view import SEND_BACK_CHECK
from wasstraat import commands as c
from wasstraat.engine import AlreadyDecided, NotAllowed, NotNow, allowed_actions, open_tasks
from wasstraat.samples import PA, PE, PL, SYSTEM, TEMPLATE, VM1, Run, person, to_step
from wasstraat.template import Check

VM2 = person("Victor")
REMARK = "de stap 'vingerafdrukken afnemen' ontbreekt"
ZONE = ZoneInfo("Europe/Amsterdam")


def _card(run: Run, message, viewer):  # type: ignore[no-untyped-def]
    return render_message(
        message.body,
        run.t,
        language="nl",
        template=TEMPLATE,
        zone=ZONE,
        viewer=viewer,
        now=run.now,
    ).card


def test_a_remark_reaches_the_procesadviseur_who_sends_the_description_back_for_a_new_round():
    run = Run()
    to_step(run, "3b")
    first_requests = [m for m in run.outcomes[-1].messages if m.kind == "check_request"]
    assert {m.data["round"] for m in first_requests} == {1}
    run.do(VM1, c.AnswerCheck(agrees=False, remark=REMARK, round=1))
    closed = run.do(VM2, c.AnswerCheck(agrees=True))

    # the summary goes to whom the template names, each remark with who wrote it
    summaries = {m.recipient: m for m in closed.messages if m.kind == "check_summary"}
    check = TEMPLATE.one(Check)
    assert check is not None and isinstance(check.kind, Check)
    assert {r for p in summaries for r in run.t.roles_of(p.aad_object_id)} >= set(
        check.kind.summary_to
    )
    assert set(summaries) == {PA, PL}
    adviser_card = str(_card(run, summaries[PA], PA))
    assert "Vera" in adviser_card and "vingerafdrukken afnemen" in adviser_card
    assert "Terug naar 3a" in adviser_card
    leader_card = str(_card(run, summaries[PL], PL))
    assert "vingerafdrukken afnemen" in leader_card and "Terug naar 3a" not in leader_card
    # typed text and names stay out of the audit
    assert "vingerafdrukken" not in str([e.detail for e in run.audit])
    assert run.status("3b") == "done" and run.status("5") == "active"

    # the project leader may read it; only the procesadviseur may send it back
    assert SEND_BACK_CHECK not in allowed_actions(run.t, PL, run.now, TEMPLATE)
    with pytest.raises(NotAllowed):
        run.do(PL, c.SendBackCheck(round=1))
    run.do(PA, c.SendBackCheck(round=1))
    assert (run.status("3a"), run.status("3b"), run.status("5")) == ("active", "waiting", "waiting")
    assert "Terug naar 3a" not in str(_card(run, summaries[PA], PA))
    assert [w.what for w in open_tasks(run.t, PA.aad_object_id, TEMPLATE)] == ["complete"]
    assert open_tasks(run.t, VM1.aad_object_id, TEMPLATE) == []
    with pytest.raises((AlreadyDecided, NotNow)):
        run.do(PA, c.SendBackCheck(round=1))

    # 3a done again: the second round asks everyone anew
    run.do(PA, c.SetProcessMap(link="https://sharepoint.example/proces-v2.vsdx"))
    reopened = run.do(PA, c.CompleteStep(step="3a"))
    requests = [m for m in reopened.messages if m.kind == "check_request"]
    assert {m.recipient for m in requests} == {VM1, VM2}
    assert {m.data["round"] for m in requests} == {2}
    assert {m.data["link"] for m in requests} == {"https://sharepoint.example/proces-v2.vsdx"}
    assert [w.what for w in open_tasks(run.t, VM1.aad_object_id, TEMPLATE)] == ["check"]
    # the first round is kept for the record, not counted
    assert run.t.check.round == 2 and run.t.check.answers == {}
    assert [(a.by, a.round, a.remark) for a in run.t.check.earlier if not a.agrees] == [
        (VM1, 1, REMARK)
    ]

    # a click on a card of the first round changes nothing
    before = run.t.model_copy(deep=True)
    with pytest.raises(AlreadyDecided):
        run.do(VM1, c.AnswerCheck(agrees=True, round=1))
    assert run.t == before
    old_card = str(_card(run, next(m for m in first_requests if m.recipient == VM1), VM1))
    assert "Klopt niet" not in old_card and "voorbij" in old_card

    # reminders follow the new round
    reminded = run.do(SYSTEM, c.FollowUpDue(), after=timedelta(days=4))
    reminders = [
        m for m in reminded.messages if m.kind == "reminder" and m.data["task"] == "check_request"
    ]
    assert {m.recipient for m in reminders} == {VM1, VM2}
    assert {m.data["round"] for m in reminders} == {2}

    # the second round closes and the trajectory goes on
    run.do(VM1, c.AnswerCheck(agrees=True, round=2))
    done = run.do(VM2, c.AnswerCheck(agrees=True, round=2))
    assert run.status("3b") == "done" and run.status("5") == "active"
    [summary] = [m for m in done.messages if m.kind == "check_summary" and m.recipient == PL]
    assert summary.data["round"] == 2 and summary.data["disagree"] == 0


def test_the_check_cannot_go_back_once_the_steps_after_it_moved_on():
    run = Run()
    to_step(run, "6")
    with pytest.raises(NotNow):
        run.do(PA, c.SendBackCheck())


def test_a_check_closed_by_hand_or_at_the_deadline_tells_the_same_roles():
    run = Run()
    to_step(run, "3b")
    outcome = run.do(PE, c.CloseCheck())
    assert {m.recipient for m in outcome.messages if m.kind == "check_summary"} == {PA, PL}


def test_a_template_that_lets_a_role_send_back_must_say_where_to():
    import json

    from wasstraat.template import Template

    raw = json.loads(TEMPLATE.model_dump_json())
    step = next(s for s in raw["steps"] if s["id"] == "3b")
    step["kind"]["send_back_to"] = None
    with pytest.raises(ValueError, match="send_back_to"):
        Template.model_validate(raw)
    step["kind"]["send_back_to"] = "2"
    with pytest.raises(ValueError, match="send_back_to"):
        Template.model_validate(raw)


def test_one_person_in_both_roles_gets_the_summary_once():
    run = Run(now=datetime(2026, 1, 5, 9, 0, tzinfo=UTC))
    run.do(PL, c.AssignRole(role="procesadviseur", people=[PL]))
    to_step(run, "3b")
    run.do(PL, c.AssignRole(role="procesadviseur", people=[PL]))
    outcome = run.do(PE, c.CloseCheck())
    assert [m.recipient for m in outcome.messages if m.kind == "check_summary"] == [PL]
