"""What the check of the process description finds reaches who must act on it, and the work can
go back to the step the check checks: a new round of the check follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cards.detail import tasks_card
from cards.messages import render_message
from cards.view import SEND_BACK_CHECK
from wasstraat import commands as c
from wasstraat.engine import (
    AlreadyDecided,
    InvalidInput,
    NotAllowed,
    NotNow,
    allowed_actions,
    open_tasks,
)
from wasstraat.samples import PA, PE, PL, SYSTEM, TEMPLATE, VM1, Run, person, to_step

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
    held = run.do(VM2, c.AnswerCheck(agrees=True))

    # everyone answered, but a "klopt niet" holds the check: whoever may send the description
    # back decides, each remark with who wrote it; the project leader hears what it waits on
    assert run.status("3b") == "active" and run.status("5") == "waiting"
    [decision] = [m for m in held.messages if m.kind == "check_summary"]
    assert decision.recipient == PA and decision.data["final"] is False
    adviser_card = str(_card(run, decision, PA))
    assert "Vera" in adviser_card and "vingerafdrukken afnemen" in adviser_card
    assert "Terug naar 3a" in adviser_card and "Besluit vastleggen" in adviser_card
    [told] = [m for m in held.messages if m.kind == "check_held" and m.recipient == PL]
    assert told.data["deciders"] == ["Anna"] and told.data["open"] == 1
    assert [w.what for w in open_tasks(run.t, PA.aad_object_id, TEMPLATE)] == ["check_decision"]
    mine = [(run.t, w) for w in open_tasks(run.t, PA.aad_object_id, TEMPLATE)]
    tasks = tasks_card(mine, template=TEMPLATE, language="nl", zone=ZONE, now=run.now)
    assert "besluit over opmerkingen" in str(tasks)  # "mijn taken" names it
    # typed text and names stay out of the audit
    assert "vingerafdrukken" not in str([e.detail for e in run.audit])

    # the project leader may read it; only the procesadviseur may send it back
    assert SEND_BACK_CHECK not in allowed_actions(run.t, PL, run.now, TEMPLATE)
    with pytest.raises(NotAllowed):
        run.do(PL, c.SendBackCheck(round=1))
    back = run.do(PA, c.SendBackCheck(round=1))
    assert (run.status("3a"), run.status("3b"), run.status("5")) == ("active", "waiting", "waiting")
    [heard] = [m for m in back.messages if m.kind == "remark_decided"]
    assert (heard.recipient, heard.data["outcome"]) == (VM1, "sent_back")
    assert "Terug naar 3a" not in str(_card(run, decision, PA))
    assert [w.what for w in open_tasks(run.t, PA.aad_object_id, TEMPLATE)] == ["complete"]
    assert open_tasks(run.t, VM1.aad_object_id, TEMPLATE) == []
    assert run.t.improvements == []  # the remark went back with the description
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


def test_a_klopt_niet_holds_the_check_until_each_remark_is_decided_and_its_writer_is_told():
    run = Run()
    to_step(run, "3b")
    run.do(VM1, c.AnswerCheck(agrees=False, remark=REMARK))
    run.do(VM2, c.AnswerCheck(agrees=False, remark="de balie heet nu Stadswinkel"))
    with pytest.raises(NotNow, match="remarks_open"):
        run.do(PE, c.CloseCheck())  # nobody closes over the remarks
    with pytest.raises(InvalidInput, match="reason_required"):
        run.do(PA, c.ResolveRemark(of=VM1.aad_object_id, outcome="later"))
    with pytest.raises(NotAllowed):
        run.do(VM2, c.ResolveRemark(of=VM1.aad_object_id, outcome="handled", reason="zelf"))

    kept = run.do(
        PA, c.ResolveRemark(of=VM1.aad_object_id, outcome="later", reason="Hoort bij stap 6")
    )
    assert run.status("3b") == "active"  # one remark still waits
    [heard] = [m for m in kept.messages if m.kind == "remark_decided"]
    assert heard.recipient == VM1
    assert (heard.data["outcome"], heard.data["reason"]) == ("later", "Hoort bij stap 6")
    with pytest.raises(AlreadyDecided):
        run.do(PA, c.ResolveRemark(of=VM1.aad_object_id, outcome="handled", reason="toch"))
    with pytest.raises(AlreadyDecided):
        run.do(PA, c.ResolveRemark(of=VM2.aad_object_id, outcome="handled", reason="x", round=2))

    done = run.do(
        PA, c.ResolveRemark(of=VM2.aad_object_id, outcome="handled", reason="Naam aangepast")
    )
    assert run.status("3b") == "done" and run.status("5") == "active"
    assert run.t.check.closed_reason == "all_answered"
    # the summary goes to who acts on it; the procesadviseur, whose decision closed the
    # check, sees it on her own card and is not sent it again
    summaries = {m.recipient for m in done.messages if m.kind == "check_summary"}
    assert summaries == {PL}
    # the remark kept for later is a candidate for the plan; the handled one is not
    assert [(i.origin.value, i.text) for i in run.t.improvements] == [("check", REMARK)]
    final = next(m for m in done.messages if m.kind == "check_summary" and m.recipient == PL)
    card = str(_card(run, final, PL))
    assert "Bewaard voor het verbeterplan door Anna" in card and "Hoort bij stap 6" in card
    assert "Afgehandeld door Anna" in card and "Besluit vastleggen" not in card


def test_at_the_deadline_open_remarks_keep_the_check_open_and_the_leader_hears_why():
    run = Run()
    to_step(run, "3b")
    run.do(VM1, c.AnswerCheck(agrees=False, remark=REMARK))
    late = run.do(SYSTEM, c.DeadlinePassed(step="3b"), after=timedelta(days=5))
    assert run.status("3b") == "active" and run.t.check.expired_at is not None
    [told] = [m for m in late.messages if m.kind == "check_held"]
    assert (told.recipient, told.data["reason"]) == (PL, "deadline")
    assert [m.recipient for m in late.messages if m.kind == "check_summary"] == [PA]
    # Victor's answer is no longer waited for; Anna's decision is
    assert [w.what for w in open_tasks(run.t, PA.aad_object_id, TEMPLATE)] == ["check_decision"]
    run.do(PA, c.ResolveRemark(of=VM1.aad_object_id, outcome="handled", reason="Toegevoegd"))
    assert run.status("3b") == "done" and run.t.check.closed_reason == "deadline"
    assert run.t.improvements == []


def test_a_wasstraat_may_let_the_deadline_close_the_check_over_open_remarks():
    import json

    from wasstraat.template import Template

    raw = json.loads(TEMPLATE.model_dump_json())
    step = next(s for s in raw["steps"] if s["id"] == "3b")
    step["kind"]["close_with_open_remarks"] = True
    run = Run(template=Template.model_validate(raw))
    to_step(run, "3b")
    run.do(VM1, c.AnswerCheck(agrees=False, remark=REMARK))
    run.do(SYSTEM, c.DeadlinePassed(step="3b"), after=timedelta(days=5))
    assert run.status("3b") == "done" and run.t.check.closed_reason == "deadline"
    # nobody decided about it: it goes on to the plan as a candidate
    assert [(i.origin.value, i.text) for i in run.t.improvements] == [("check", REMARK)]


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
