"""Reminders, escalation and "herinner nu" for open tasks, in working time, from the pure engine."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from wasstraat import commands as c
from wasstraat.engine import NotNow, apply, next_follow_up
from wasstraat.follow_up import FOLLOW_UP_KIND
from wasstraat.model import Decision, Person
from wasstraat.samples import KC, KPIS, PA, PE, PL, SYSTEM, T0, TEMPLATE, TM1, Run, to_step
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

WORKING = DEFAULT_POLICY.working


def at_step_2_waiting_on_the_proceseigenaar() -> Run:
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    return run


def fire(run: Run, when: datetime, policy: TimePolicy = DEFAULT_POLICY):
    run.now = when
    outcome = apply(run.t, c.FollowUpDue(), SYSTEM, when, TEMPLATE, policy)
    run.t = outcome.trajectory
    run.outcomes.append(outcome)
    return outcome


def sent(outcome, kind: str) -> list[tuple[str, dict]]:
    return [
        (m.recipient.aad_object_id if m.recipient else "channel", m.data)
        for m in outcome.messages
        if m.kind == kind
    ]


def follow_up_timer(outcome) -> datetime | None:
    [timer] = [t for t in outcome.timers if t.kind == FOLLOW_UP_KIND]
    return timer.due_at


def test_an_open_task_is_reminded_after_three_working_days_then_weekly():
    run = at_step_2_waiting_on_the_proceseigenaar()
    proposed = run.now
    first = follow_up_timer(run.outcomes[-1])
    assert first == WORKING.add_working_days(proposed, 3)
    assert WORKING.is_working_time(first)

    outcome = fire(run, first)
    [data] = [r[1] for r in sent(outcome, "reminder") if r[0] == PE.aad_object_id]
    assert (data["task"], data["subject"], data["round"]) == ("approval_request", "kpis", 1)
    assert data["count"] == 1 and data["nudged"] is False
    # then a week of working days later, and not before
    second = follow_up_timer(outcome)
    assert second == WORKING.add_working_days(first, 5)
    early = sent(fire(run, second - timedelta(minutes=1)), "reminder")
    assert [r for r in early if r[0] == PE.aad_object_id] == []
    again = [r[1]["count"] for r in sent(fire(run, second), "reminder") if r[0] == PE.aad_object_id]
    assert again == [2]


def test_a_decision_ends_the_reminders():
    run = at_step_2_waiting_on_the_proceseigenaar()
    outcome = run.do(PE, c.DecideKpis(decision=Decision.APPROVE))
    assert not any(f.person == PE for f in outcome.trajectory.follow_ups.values())
    assert not any(f.step == "2" for f in outcome.trajectory.follow_ups.values())


def test_after_downtime_a_series_of_missed_reminders_is_one_reminder():
    run = at_step_2_waiting_on_the_proceseigenaar()
    outcome = fire(run, run.now + timedelta(days=60))  # two months without a sweep
    to_pe = [r for r in sent(outcome, "reminder") if r[0] == PE.aad_object_id]
    assert len(to_pe) == 1
    assert WORKING.is_working_time(follow_up_timer(outcome))


def test_an_unanswered_task_is_escalated_to_the_project_leader_once():
    run = at_step_2_waiting_on_the_proceseigenaar()
    since = run.t.follow_ups[f"2:approve:{PE.aad_object_id}"].since
    due = WORKING.add_working_days(since, 10)
    escalations = sent(fire(run, due), "task_overdue")
    to_pl = [r for r in escalations if r[1]["name"] == PE.name]
    assert [r[0] for r in to_pl] == [PL.aad_object_id]
    assert [e for e in run.audit if e.action == "task.escalated"][-1].detail["person"] == (
        PE.aad_object_id
    )
    later = fire(run, due + timedelta(days=30))
    assert [r for r in sent(later, "task_overdue") if r[1]["name"] == PE.name] == []


def test_the_project_leaders_own_task_is_escalated_to_the_proceseigenaar():
    run = Run()
    to_step(run, "2")  # the project leader is to propose the KPIs
    key = f"2:complete:{PL.aad_object_id}"
    assert key in run.t.follow_ups
    due = WORKING.add_working_days(run.t.follow_ups[key].since, 10)
    escalations = [r for r in sent(fire(run, due), "task_overdue") if r[1]["name"] == PL.name]
    assert [r[0] for r in escalations] == [PE.aad_object_id]


def test_steps_with_their_own_deadline_close_by_it_instead_of_escalating():
    run = Run()
    to_step(run, "3b")
    check = [f for f in run.t.follow_ups.values() if f.what == "check"]
    assert check
    outcome = fire(run, WORKING.add_working_days(check[0].since, 4))
    assert not [r for r in sent(outcome, "task_overdue") if r[1]["step"] == "3b"]
    assert [r[1]["task"] for r in sent(outcome, "reminder") if r[1]["step"] == "3b"]


def test_herinner_nu_reminds_who_is_waited_on_but_not_twice_in_an_hour():
    run = at_step_2_waiting_on_the_proceseigenaar()
    outcome = run.do(PL, c.Nudge())
    reminded = {r[0] for r in sent(outcome, "reminder")}
    assert PE.aad_object_id in reminded and PL.aad_object_id not in reminded
    assert all(r[1]["nudged"] and r[1]["by"] == PL.name for r in sent(outcome, "reminder"))
    again = run.do(PL, c.Nudge(), after=timedelta(minutes=10))
    assert PE.aad_object_id not in {r[0] for r in sent(again, "reminder")}
    later = run.do(PL, c.Nudge(), after=timedelta(hours=2))
    assert PE.aad_object_id in {r[0] for r in sent(later, "reminder")}


def test_only_leaders_may_nudge_and_not_when_nobody_is_waited_on():
    run = at_step_2_waiting_on_the_proceseigenaar()
    with pytest.raises(Exception, match="not_allowed"):
        run.do(KC, c.Nudge())
    run.do(PL, c.Cancel(reason="stop"))
    with pytest.raises(NotNow):
        run.do(PL, c.Nudge())


def test_a_pause_stops_follow_up_and_moves_deadlines_on_by_its_length():
    run = Run()
    to_step(run, "3b")
    deadline = run.t.steps["3b"].deadline
    outcome = run.do(PE, c.Pause())
    assert run.t.follow_ups == {}
    assert follow_up_timer(outcome) is None
    outcome = run.do(PE, c.Resume(), after=timedelta(days=14))
    moved = run.t.steps["3b"].deadline
    assert moved == WORKING.next_working_moment(deadline + timedelta(days=14))
    assert run.t.check.deadline == moved
    assert [t.due_at for t in outcome.timers if t.kind == "deadline"] == [moved]
    assert run.t.follow_ups and follow_up_timer(outcome) is not None


def test_an_evaluation_due_during_a_pause_comes_on_resume():
    run = Run()
    to_step(run, "evaluatie")
    planned = run.t.evaluation.planned_at
    assert WORKING.is_working_time(planned)
    run.do(PE, c.Pause())
    with pytest.raises(NotNow):
        apply(run.t, c.EvaluationDue(), SYSTEM, planned, TEMPLATE)
    outcome = run.do(PE, c.Resume(), after=planned - run.now + timedelta(days=3))
    [timer] = [t for t in outcome.timers if t.kind == "evaluation"]
    assert timer.due_at == run.now


def test_the_default_evaluation_moment_is_a_working_day_morning_months_later():
    policy = TimePolicy(evaluation_months=2)
    run = Run()
    to_step(run, "10")
    run.do(TM1, c.UpdateImplementationItem(item_id="i1", status="done"))
    run.now += timedelta(hours=1)
    outcome = apply(run.t, c.CompleteStep(step="10"), PE, run.now, TEMPLATE, policy)
    planned = outcome.trajectory.evaluation.planned_at
    assert WORKING.is_working_day(WORKING.local(planned).date())
    assert WORKING.local(planned).hour == 9
    assert timedelta(days=58) < planned - run.now < timedelta(days=66)


def test_nothing_waits_on_the_evaluation_before_its_moment():
    run = Run()
    to_step(run, "evaluatie")
    assert not [f for f in run.t.follow_ups.values() if f.step == "evaluatie"]
    outcome = run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=190))
    asked = {r[0] for r in sent(outcome, "evaluation_request")}
    assert {p.aad_object_id for p in run.t.members()} == asked
    assert [f.person for f in run.t.follow_ups.values() if f.step == "evaluatie"] == [PE]
    assert next_follow_up(run.t, DEFAULT_POLICY) is not None


def test_a_planned_session_invites_the_steps_actors():
    run = Run()
    to_step(run, "3a")
    when = T0 + timedelta(days=30)
    outcome = run.do(
        PA, c.PlanSession(step="3a", at=when, minutes=90, place=" Stadskantoor, zaal 2.14 ")
    )
    [(organizer, event)] = sent(outcome, "calendar_event")
    assert organizer == PA.aad_object_id
    assert event["at"] == when.isoformat() and event["minutes"] == 90
    assert event["place"] == "Stadskantoor, zaal 2.14"
    # every participant is told when, where and by whom, calendar or not
    told = [m for m in outcome.messages if m.kind == "session_planned"]
    assert {(m.data["place"], m.data["by"]) for m in told} == {("Stadskantoor, zaal 2.14", PA.name)}
    # where is typed text: the audit keeps its length only
    assert "Stadskantoor" not in str(outcome.audit)
    actors = {p.aad_object_id for r in TEMPLATE.step("3a").actors for p in run.t.holders(r)}
    assert actors | {PA.aad_object_id} == set(event["attendees"])
    assert {r[0] for r in sent(outcome, "session_planned")} == set(event["attendees"])
    assert isinstance(run.t.planned_sessions[0].organizer, Person)


def test_planning_the_evaluation_invites_the_project_group():
    run = Run()
    to_step(run, "10")
    moment = WORKING.opening(date(2026, 9, 1))
    outcome = run.do(PE, c.PlanEvaluation(on=moment.date(), at=moment))
    [(organizer, event)] = sent(outcome, "calendar_event")
    assert organizer == PE.aad_object_id
    assert event["session"] == "evaluation-2026-09-01" and event["step"] == "evaluatie"
    assert set(event["attendees"]) == {p.aad_object_id for p in run.t.members()}


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(2030, 1, 2)])
def test_an_evaluation_more_than_three_years_ahead_is_refused(day: date):
    from wasstraat.engine import InvalidInput

    run = Run()
    to_step(run, "10")
    before = run.t
    moment = WORKING.opening(day)
    with pytest.raises(InvalidInput, match="date_too_far"):
        run.do(PE, c.PlanEvaluation(on=moment.date(), at=moment))
    assert run.t == before


def test_an_evaluation_within_three_years_is_planned():
    run = Run()
    to_step(run, "10")
    moment = WORKING.opening(date(2028, 9, 1))
    run.do(PE, c.PlanEvaluation(on=moment.date(), at=moment))
    assert run.t.evaluation.planned_on == date(2028, 9, 1)


def test_an_action_with_its_own_date_is_reminded_before_it_and_escalated_after_it():
    from wasstraat.model import IMPLEMENT

    run = Run()
    to_step(run, "10")
    by = (run.now + timedelta(days=60)).date()
    action = c.AddImplementationItem(
        text="Balie instrueren", item_kind="training", owner=KC, target_date=by
    )
    run.do(PE, action)
    [task] = [f for f in run.t.follow_ups.values() if f.person == KC]
    assert (task.what, task.dated, task.due) == (IMPLEMENT, True, WORKING.closing(by))
    # nothing in the weeks before the date; then three working days before it
    quiet = fire(run, WORKING.add_working_days(run.now, 10))
    assert KC.aad_object_id not in [r[0] for r in sent(quiet, "reminder")]
    assert KC.name not in [r[1]["name"] for r in sent(quiet, "task_overdue")]
    before = WORKING.working_days_before(by, 3)
    assert WORKING.local(before).date() < by and WORKING.is_working_time(before)
    reminded = fire(run, before)
    assert [r[0] for r in sent(reminded, "reminder")].count(KC.aad_object_id) == 1
    # past its date, the project leader hears of it
    late = fire(run, WORKING.add_working_days(WORKING.closing(by), 3))
    assert [r[1]["name"] for r in sent(late, "task_overdue")] == [KC.name]


def test_an_owners_task_takes_the_date_of_their_earliest_open_action():
    from wasstraat.model import ImplementationStatus

    run = Run()
    to_step(run, "10")
    soon, later = ((run.now + timedelta(days=d)).date() for d in (20, 50))
    for text, day in (("Later", later), ("Soon", soon)):
        run.do(PE, c.AddImplementationItem(text=text, item_kind="other", owner=KC, target_date=day))
    [task] = [f for f in run.t.follow_ups.values() if f.person == KC]
    assert task.due == WORKING.closing(soon)
    [first] = [i for i in run.t.implementation if i.text == "Soon"]
    run.do(KC, c.UpdateImplementationItem(item_id=first.id, status=ImplementationStatus.DONE))
    [task] = [f for f in run.t.follow_ups.values() if f.person == KC]
    assert task.due == WORKING.closing(later)
