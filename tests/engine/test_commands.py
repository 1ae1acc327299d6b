"""Table-driven: every command's happy path, the wrong person, the wrong moment, bad input."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta

import pytest

from wasstraat import commands as c
from wasstraat.engine import (
    RULES,
    AlreadyDecided,
    InvalidInput,
    NotAllowed,
    NotNow,
    apply,
)
from wasstraat.follow_up import FOLLOW_UP_KIND
from wasstraat.model import TrajectoryStatus
from wasstraat.samples import (
    IV,
    KC,
    KPIS,
    OUTSIDER,
    PA,
    PE,
    PL,
    PO,
    SYSTEM,
    T0,
    TEMPLATE,
    TM1,
    TM2,
    VM1,
    VM2,
    Run,
    person,
    to_step,
)
from wasstraat.worktime import DEFAULT_POLICY


@dataclass
class Case:
    step: str  # drive the trajectory until this step is active
    actor: object
    command: c.Base
    wrong_actor: object
    bad: c.Base | None = None  # same actor, bad input → InvalidInput
    setup: list | None = None  # extra (actor, command) before the command


LINK = "https://sharepoint.example/p.vsdx"
later = T0 + timedelta(days=400)

CASES = {
    "assign_role": Case(
        "1",
        PL,
        c.AssignRole(role="sponsor", people=[person("S")]),
        VM1,
        c.AssignRole(role="sponsor", people=[person("A"), person("B")]),
    ),
    "substitute": Case(
        "2",
        PL,
        c.Substitute(role="proceseigenaar", absent=PE, substitute=person("Z"), reason="verlof"),
        VM1,
        c.Substitute(role="proceseigenaar", absent=VM1, substitute=person("Z"), reason="verlof"),
    ),
    "end_substitution": Case(
        "2",
        PL,
        c.EndSubstitution(role="proceseigenaar", substitute=person("Z")),
        VM1,
        c.EndSubstitution(role="proceseigenaar", substitute=person("Y")),
        setup=[
            (
                PL,
                c.Substitute(
                    role="proceseigenaar", absent=PE, substitute=person("Z"), reason="verlof"
                ),
            )
        ],
    ),
    "confirm_support": Case(
        "1",
        PE,
        c.ConfirmSupport(),
        PL,
        setup=[(PL, c.AssignRole(role="proceseigenaar", people=[PE]))],
    ),
    "record_kickoff": Case("1", PL, c.RecordKickoff(held_on=T0.date()), OUTSIDER),
    "propose_kpis": Case(
        "2", PL, c.ProposeKpis(kpis=KPIS), VM1, c.ProposeKpis(kpis=[KPIS[0], KPIS[0]])
    ),
    "decide_kpis": Case(
        "2",
        PE,
        c.DecideKpis(decision="approve"),
        PL,
        c.DecideKpis(decision="reject", remark=" "),
        setup=[(PL, c.ProposeKpis(kpis=KPIS))],
    ),
    "record_session": Case("3a", PA, c.RecordSession(step="3a", held_on=T0.date()), VM1),
    "set_process_map": Case(
        "3a", PA, c.SetProcessMap(link=LINK), VM1, c.SetProcessMap(link="http://insecure.example")
    ),
    "send_check": Case("3b", PA, c.SendCheck(deadline=later), VM1, c.SendCheck(deadline=T0)),
    "answer_check": Case(
        "3b", VM1, c.AnswerCheck(agrees=True), PA, c.AnswerCheck(agrees=False, remark="")
    ),
    "close_check": Case("3b", PE, c.CloseCheck(), VM1),
    "resolve_remark": Case(
        "3b",
        PA,
        c.ResolveRemark(of=VM1.aad_object_id, outcome="later", reason="voor het plan"),
        VM2,
        c.ResolveRemark(of=VM1.aad_object_id, outcome="handled", reason=" "),
        setup=[(VM1, c.AnswerCheck(agrees=False, remark="stap ontbreekt"))],
    ),
    "send_back_check": Case("5", PA, c.SendBackCheck(round=1), VM1),
    "merge_check": Case("3a", PE, c.MergeCheck(), VM1),
    "record_klantreis": Case(
        "2",
        KC,
        c.RecordKlantreis(method="own_interviews"),
        VM1,
        c.RecordKlantreis(method="vng_klantreis"),
    ),
    "choose_serviceformule": Case(
        "5",
        PA,
        c.ChooseServiceformule(formule="flitsformule"),
        VM1,
        c.ChooseServiceformule(formule="onbekend"),
    ),
    "assess_p": Case(
        "5", VM1, c.AssessP(p="plaats", matches=True), KC, c.AssessP(p="plek", matches=True)
    ),
    "add_improvement": Case(
        "2",
        VM1,
        c.AddImprovement(text="Sneller"),
        OUTSIDER,
        c.AddImprovement(text="Sneller", p="pret"),
    ),
    "classify_improvement": Case(
        "6",
        PL,
        c.ClassifyImprovement(improvement_id="v1", horizon="quick_win"),
        VM1,
        c.ClassifyImprovement(improvement_id="v99", horizon="quick_win"),
        setup=[(VM1, c.AddImprovement(text="x"))],
    ),
    "rate_improvement": Case(
        "6",
        PL,
        c.RateImprovement(improvement_id="v1", impact="high", effort="low"),
        VM1,
        c.RateImprovement(improvement_id="v99", impact="high", effort="low"),
        setup=[(VM1, c.AddImprovement(text="x"))],
    ),
    "select_improvement": Case(
        "6",
        PL,
        c.SelectImprovement(improvement_id="v1", selected=True),
        VM1,
        c.SelectImprovement(improvement_id="v99", selected=True),
        setup=[(VM1, c.AddImprovement(text="x"))],
    ),
    "revise_improvement": Case(
        "6",
        PL,
        c.ReviseImprovement(improvement_id="v1", text="y"),
        VM1,
        c.ReviseImprovement(improvement_id="v99", text="y"),
        setup=[(VM1, c.AddImprovement(text="x"))],
    ),
    "split_improvement": Case(
        "8",
        PL,
        c.SplitImprovement(improvement_id="v1", text="Het digitale formulier apart"),
        VM1,
        c.SplitImprovement(improvement_id="v99", text="y"),
    ),
    "submit_review": Case(
        "7",
        IV,
        c.SubmitReview(improvement_id="v1", verdict="akkoord"),
        PL,
        c.SubmitReview(improvement_id="v1", verdict="niet_akkoord"),
    ),
    "deadline_passed": Case("7", SYSTEM, c.DeadlinePassed(step="7"), PL),
    "finalise_plan": Case("8", PL, c.FinalisePlan(), PE),
    "decide_plan": Case(
        "8",
        PE,
        c.DecidePlan(decision="approve"),
        VM1,
        c.DecidePlan(decision="reject"),
        setup=[(PL, c.FinalisePlan())],
    ),
    "set_priorities": Case(
        "9",
        PE,
        c.SetPriorities(order=[c.Priority(improvement_id="v1")]),
        VM1,
        c.SetPriorities(order=[c.Priority(improvement_id="v7")]),
    ),
    "decide_priorities": Case(
        "9",
        PE,
        c.DecidePriorities(decision="approve"),
        PL,
        c.DecidePriorities(decision="reject", remark=""),
        setup=[(PL, c.SetPriorities(order=[c.Priority(improvement_id="v1")]))],
    ),
    "add_implementation_item": Case("10", TM1, c.AddImplementationItem(text="Training"), VM1),
    "update_implementation_item": Case(
        "10",
        TM1,
        c.UpdateImplementationItem(item_id="i1", status="doing"),
        VM1,
        c.UpdateImplementationItem(item_id="i9", status="doing"),
    ),
    "plan_evaluation": Case(
        "evaluatie",
        PE,
        c.PlanEvaluation(on=later.date(), at=later),
        PL,
        c.PlanEvaluation(on=T0.date(), at=T0),
    ),
    "evaluation_due": Case("evaluatie", SYSTEM, c.EvaluationDue(), PE),
    "record_evaluation": Case(
        "evaluatie",
        PE,
        c.RecordEvaluation(measurements={"Doorlooptijd": 4}),
        VM1,
        c.RecordEvaluation(measurements={"Omzet": 1}),
        setup=[(SYSTEM, c.EvaluationDue())],
    ),
    "complete_step": Case(
        "3a",
        PA,
        c.CompleteStep(step="3a"),
        VM1,
        c.CompleteStep(step="99"),
        setup=[(PA, c.SetProcessMap(link=LINK))],
    ),
    "plan_session": Case(
        "3a",
        PA,
        c.PlanSession(step="3a", at=later),
        VM1,
        c.PlanSession(step="3a", at=T0),
    ),
    "follow_up_due": Case("2", SYSTEM, c.FollowUpDue(), PL),
    "nudge": Case("2", PL, c.Nudge(), VM1),
    "pause": Case("2", PE, c.Pause(), VM1),
    "resume": Case("2", PE, c.Resume(), VM1, setup=[(PL, c.Pause())]),
    "cancel": Case("2", PL, c.Cancel(reason="geen budget"), VM1),
}

# steps that are not active when the trajectory has just started at step 1
WRONG_MOMENT = {kind: case for kind, case in CASES.items() if case.step not in ("1",)}


def test_every_command_has_a_case():
    assert set(CASES) == set(RULES)


def prepared(case: Case) -> Run:
    run = Run()
    to_step(run, case.step)
    for actor, command in case.setup or []:
        run.do(actor, command)
    return run


@pytest.mark.parametrize("kind", sorted(CASES))
def test_happy_path_changes_the_trajectory(kind):
    case = CASES[kind]
    run = prepared(case)
    before = run.t
    outcome = run.do(case.actor, case.command)
    assert outcome.trajectory.version == before.version + 1
    assert outcome.audit[0].action == kind
    assert outcome.audit[0].actor == case.actor.aad_object_id


@pytest.mark.parametrize("kind", sorted(CASES))
def test_the_wrong_person_is_refused_and_nothing_changes(kind):
    case = CASES[kind]
    run = prepared(case)
    before = run.t.model_copy(deep=True)
    with pytest.raises(NotAllowed):
        apply(run.t, case.command, case.wrong_actor, run.now, TEMPLATE)
    assert run.t == before


@pytest.mark.parametrize("kind", sorted(WRONG_MOMENT))
def test_the_wrong_moment_is_refused(kind):
    case = WRONG_MOMENT[kind]
    run = Run()
    run.assign_all()
    if kind in ("resume",):
        with pytest.raises(NotNow):
            run.do(case.actor, case.command)
        return
    rule = RULES[kind]
    if rule.anytime:
        # any-time commands are refused once the trajectory is cancelled
        run.do(PL, c.Cancel(reason="stop"))
        assert run.t.status is TrajectoryStatus.CANCELLED
    with pytest.raises(NotNow):
        run.do(case.actor, case.command)


@pytest.mark.parametrize("kind", sorted(k for k, case in CASES.items() if case.bad))
def test_bad_input_is_refused_and_nothing_changes(kind):
    case = CASES[kind]
    run = prepared(case)
    before = run.t.model_copy(deep=True)
    with pytest.raises((InvalidInput, NotAllowed)) as raised:
        apply(run.t, case.bad, case.actor, run.now, TEMPLATE)
    assert isinstance(raised.value, InvalidInput)
    assert run.t == before


def test_a_stale_version_is_already_decided():
    run = Run()
    run.assign_all()
    with pytest.raises(AlreadyDecided):
        run.do(PE, c.ConfirmSupport(expected_version=run.t.version - 1))
    run.do(PE, c.ConfirmSupport(expected_version=run.t.version))


def test_a_double_click_decides_once():
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    command = c.DecideKpis(decision="approve", expected_version=run.t.version)
    run.do(PE, command)
    with pytest.raises(AlreadyDecided):
        run.do(PE, command)


def test_paused_trajectory_refuses_work_but_can_resume():
    run = Run()
    run.assign_all()
    run.do(PE, c.Pause())
    with pytest.raises(NotNow, match="paused"):
        run.do(PE, c.ConfirmSupport())
    run.do(PL, c.Resume())
    run.do(PE, c.ConfirmSupport())


def test_a_substitute_acts_for_the_absent_holder_until_the_end_date():
    run = Run()
    run.assign_all()
    stand_in = person("Zoë")
    run.do(
        PL,
        c.Substitute(
            role="proceseigenaar",
            absent=PE,
            substitute=stand_in,
            reason="zwangerschapsverlof",
            until=run.now + timedelta(days=2),
        ),
    )
    run.do(stand_in, c.ConfirmSupport())
    assert stand_in in run.t.support_confirmed_by
    with pytest.raises(NotAllowed):
        run.do(stand_in, c.RecordKickoff(held_on=T0.date()), after=timedelta(days=3))


def test_3b_closes_on_the_deadline_naming_who_did_not_answer():
    run = Run()
    to_step(run, "3b")
    run.do(VM1, c.AnswerCheck(agrees=False, remark="stap 4 ontbreekt"))
    # the remark is decided on at once (a remark still open would hold the check)
    run.do(PA, c.ResolveRemark(of=VM1.aad_object_id, outcome="handled", reason="aangevuld"))
    assert run.status("3b") == "active"  # Victor may still answer
    outcome = run.do(SYSTEM, c.DeadlinePassed(step="3b"), after=timedelta(days=5))
    assert run.status("3b") == "done"
    summaries = [m for m in outcome.messages if m.kind == "check_summary"]
    assert {m.recipient.name for m in summaries} == {"Anna", "Petra"}
    summary = summaries[0]
    assert summary.data["missing"] == ["Victor"] and summary.data["disagree"] == 1
    assert run.t.check.closed_reason == "deadline"


def test_3b_closes_when_everyone_answered():
    run = Run()
    to_step(run, "3b")
    check_requests = [m for m in run.outcomes[-1].messages if m.kind == "check_request"]
    assert {m.recipient.name for m in check_requests} == {"Vera", "Victor"}
    assert all(m.data["link"] == "https://sharepoint.example/proces.vsdx" for m in check_requests)
    run.do(VM1, c.AnswerCheck(agrees=True))
    with pytest.raises(AlreadyDecided):
        run.do(VM1, c.AnswerCheck(agrees=False, remark="toch niet"))
    outcome = run.do(run.t.holders("vakinhoudelijk_medewerker")[1], c.AnswerCheck(agrees=True))
    assert run.status("3b") == "done"
    assert any(t.timer_id == "t1:3b:deadline" and t.due_at is None for t in outcome.timers)


def test_next_cycle_carries_the_group_and_the_measured_kpis():
    from wasstraat.engine import start_trajectory

    run = Run()
    to_step(run, "evaluatie")
    run.do(SYSTEM, c.EvaluationDue())
    run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4}))
    nxt = start_trajectory(
        trajectory_id="t2",
        product="Parkeervergunning",
        binding=run.t.binding,
        project_leader=PL,
        template=TEMPLATE,
        now=run.now,
        previous=run.t,
    ).trajectory
    assert nxt.previous_cycle == "t1" and nxt.holders("proceseigenaar") == [PE]
    assert nxt.kpis[0].baseline == 4 and nxt.kpis[0].measurements == []


def test_allowed_actions_tell_each_person_which_buttons_they_get():
    from wasstraat.engine import allowed_actions

    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    owner = allowed_actions(run.t, PE, run.now, TEMPLATE)
    staff = allowed_actions(run.t, VM1, run.now, TEMPLATE)
    assert "decide_kpis" in owner and "decide_kpis" not in staff
    assert "add_improvement" in staff and "add_improvement" in owner
    assert allowed_actions(run.t, OUTSIDER, run.now, TEMPLATE) == frozenset()
    assert "evaluation_due" not in allowed_actions(run.t, SYSTEM, run.now, TEMPLATE)
    # every allowed action really is accepted as far as who and when are concerned
    for kind in owner - {"complete_step", "record_session"}:  # these name their own step
        case = CASES[kind]
        command = case.command
        try:
            apply(run.t, command, PE, run.now, TEMPLATE)
        except (NotAllowed, NotNow) as error:
            assert error.code not in ("not_allowed", "step_not_active", "paused", "closed"), kind
        except (InvalidInput, AlreadyDecided):
            pass


def test_a_revised_plan_without_new_questions_passes_step_7_at_once():
    run = Run()
    to_step(run, "6")
    for text in ("Digitaal aanvragen", "Kosten tonen"):
        run.do(VM1, c.AddImprovement(text=text))
    for imp in ("v1", "v2"):
        run.do(PL, c.ClassifyImprovement(improvement_id=imp, horizon="quick_win"))
        run.do(PL, c.SelectImprovement(improvement_id=imp, selected=True))
    run.do(PL, c.CompleteStep(step="6"))
    for reviewer in (IV, PO):
        run.do(reviewer, c.SubmitReview(improvement_id="v1", verdict="akkoord"))
    run.do(IV, c.SubmitReview(improvement_id="v2", verdict="akkoord"))
    run.do(PO, c.SubmitReview(improvement_id="v2", verdict="niet_akkoord", remark="BSN"))
    assert run.status("6") == "active"
    # the rejected improvement must be revised or dropped before the plan can go again
    with pytest.raises(NotNow, match="unresolved_rejection"):
        run.do(PL, c.CompleteStep(step="6"))
    run.do(PL, c.SelectImprovement(improvement_id="v2", selected=False))
    run.do(PL, c.CompleteStep(step="6"))
    assert run.status("7") == "done" and run.status("8") == "active"


def test_a_substitutes_approval_counts_for_the_person_they_stand_in_for():
    run = Run()
    to_step(run, "8")
    stand_in = person("Zoë")
    run.do(PL, c.Substitute(role="proceseigenaar", absent=PE, substitute=stand_in, reason="verlof"))
    run.do(PL, c.FinalisePlan())
    for approver in (stand_in, TM1, run.t.holders("teammanager")[1]):
        run.do(approver, c.DecidePlan(decision="approve"))
    assert run.status("8") == "done"


def test_nobody_assigns_themselves_to_an_approving_or_reviewing_role():
    run = Run()
    with pytest.raises(NotAllowed, match="self_assignment"):
        run.do(PL, c.AssignRole(role="proceseigenaar", people=[PL]))
    with pytest.raises(NotAllowed, match="self_assignment"):
        run.do(PL, c.AssignRole(role="privacy_officer", people=[PL]))
    run.do(PL, c.AssignRole(role="procesadviseur", people=[PL]))  # not a checking role


def test_the_audit_trail_keeps_who_and_what_but_no_free_text_or_names():
    run = Run()
    run.assign_all()
    run.do(
        PL,
        c.Substitute(
            role="proceseigenaar",
            absent=PE,
            substitute=person("Zoë"),
            reason="Erik is met ziekteverlof (burn-out)",
        ),
    )
    entry = run.audit[-1]
    assert entry.detail["reason"] == "<35 chars>"
    assert entry.detail["absent"] == PE.aad_object_id
    assert "Erik" not in str(entry.detail) and "Zoë" not in str(entry.detail)


def test_an_evaluation_planned_during_step_10_is_kept_and_fires_then():
    run = Run()
    to_step(run, "10")
    moment = run.now + timedelta(days=200)
    outcome = run.do(PE, c.PlanEvaluation(on=moment.date(), at=moment))
    assert not [t for t in outcome.timers if t.kind == "evaluation"]  # not before step 10 ends
    run.do(TM1, c.UpdateImplementationItem(item_id="i1", status="done"))
    outcome = run.do(PE, c.CompleteStep(step="10"))
    [timer] = [t for t in outcome.timers if t.kind == "evaluation"]
    # planned for a Saturday night: the card waits for Monday morning
    working = DEFAULT_POLICY.working
    assert moment.weekday() == 5
    assert timer.due_at == working.next_working_moment(moment)
    assert working.local(timer.due_at).hour == 9 and working.local(timer.due_at).weekday() == 0
    assert run.t.evaluation.planned_on == working.local(timer.due_at).date()


def test_new_priorities_make_an_earlier_approval_card_stale():
    run = Run()
    to_step(run, "9")
    run.do(PL, c.SetPriorities(order=[c.Priority(improvement_id="v1")]))
    first_round = run.t.priorities_round
    run.do(PL, c.SetPriorities(order=[c.Priority(improvement_id="v1", owner=TM1)]))
    assert run.t.priorities_round == first_round + 1
    request = run.outcomes[-1].messages[-1]
    assert request.kind == "approval_request" and request.data["round"] == first_round + 1


def test_people_joining_or_leaving_during_reviews_and_approvals_keep_the_step_moving():
    run = Run()
    to_step(run, "7")
    ciso = person("Cas")
    outcome = run.do(PL, c.AssignRole(role="ciso", people=[ciso]))
    assert [m.kind for m in outcome.messages if m.recipient == ciso] == [
        "role_assigned",
        "review_request",
    ]
    for reviewer in (IV, PO, ciso):
        run.do(reviewer, c.SubmitReview(improvement_id="v1", verdict="akkoord"))
    assert run.status("8") == "active"
    run.do(PL, c.FinalisePlan())
    run.do(PE, c.DecidePlan(decision="approve"))
    run.do(TM1, c.DecidePlan(decision="approve"))
    # the other team manager leaves the group: everyone still in it has approved
    run.do(PL, c.AssignRole(role="teammanager", people=[TM1]))
    assert run.status("8") == "done"


def test_the_plan_can_be_adjusted_in_step_8_and_goes_up_again():
    run = Run()
    to_step(run, "8")
    run.do(PL, c.FinalisePlan())
    run.do(TM1, c.DecidePlan(decision="reject", remark="te duur"))
    run.do(PL, c.ReviseImprovement(improvement_id="v1", text="Digitaal aanvragen, gefaseerd"))
    run.do(PL, c.FinalisePlan())
    for approver in (PE, TM1, TM2):
        run.do(approver, c.DecidePlan(decision="approve"))
    assert run.status("8") == "done"


def _observable(outcome) -> tuple:
    """What a command leaves behind apart from its own bookkeeping (version, audit, the list of
    open tasks and its timer): the trajectory's content, messages and other timers."""
    document = outcome.trajectory.model_dump(exclude={"version", "audit", "follow_ups"})
    messages = [(m.recipient, m.kind, sorted(m.data)) for m in outcome.messages]
    timers = [(t.timer_id, t.due_at) for t in outcome.timers if t.kind != FOLLOW_UP_KIND]
    return document, messages, timers


@pytest.mark.parametrize("kind", sorted(CASES))
def test_every_rule_does_what_a_rule_that_does_nothing_would_not(kind, monkeypatch):
    """Each rule's happy path, against the same command with the rule's handler turned into a
    no-op: the outcomes must differ, so no rule can silently stop working."""
    case = CASES[kind]
    run = prepared(case)
    # the follow-up is given when a reminder is due: weeks later
    now = run.now + timedelta(days=30) if kind == "follow_up_due" else run.now
    real = _observable(apply(run.t, case.command, case.actor, now, TEMPLATE))
    monkeypatch.setitem(RULES, kind, replace(RULES[kind], handler=lambda ctx, cmd: None))
    idle = _observable(apply(run.t, case.command, case.actor, now, TEMPLATE))
    assert real != idle


def test_the_owner_of_an_open_action_is_waited_on_until_it_is_done():
    from wasstraat.engine import open_tasks

    run = Run()
    to_step(run, "10")
    [item] = run.t.implementation
    assert item.owner == TM1
    assert [w.what for w in open_tasks(run.t, TM1.aad_object_id, TEMPLATE)] == ["implement"]
    run.do(TM1, c.UpdateImplementationItem(item_id=item.id, status="done"))
    assert open_tasks(run.t, TM1.aad_object_id, TEMPLATE) == []


def test_one_person_cannot_flood_a_trajectory_with_ideas():
    from wasstraat import limits

    run = Run()
    to_step(run, "2")
    for n in range(limits.IDEAS_PER_PERSON_PER_MINUTE):
        run.do(VM1, c.AddImprovement(text=f"idee {n}"), after=timedelta(seconds=1))
    with pytest.raises(InvalidInput, match="too_many_ideas"):
        run.do(VM1, c.AddImprovement(text="nog een"), after=timedelta(seconds=1))
    run.do(PL, c.AddImprovement(text="van een ander"), after=timedelta(seconds=1))
    run.do(VM1, c.AddImprovement(text="een minuut later"), after=timedelta(minutes=1))


def test_a_trajectory_holds_at_most_so_many_ideas():
    from wasstraat import limits

    run = Run()
    to_step(run, "2")
    run.do(VM1, c.AddImprovement(text="eerste"))
    seed = run.t.improvements[0]
    full = run.t.model_copy(
        update={
            "improvements": [
                seed.model_copy(update={"id": f"v{n}"})
                for n in range(limits.IMPROVEMENTS_PER_TRAJECTORY)
            ]
        }
    )
    with pytest.raises(InvalidInput, match="too_many_items"):
        apply(full, c.AddImprovement(text="te veel"), PL, run.now + timedelta(hours=1), TEMPLATE)


# fields of commands that hold no typed text: ids, choices, links, times
NOT_TYPED = {
    "kind",
    "role",
    "step",
    "formule",
    "p",
    "improvement_id",
    "item_id",
    "link",
    "name",  # a KPI's name is its id in the measurements
    "unit",
    "channel",
    "by",  # an object id
    "of",  # an object id: whose remark
    "measurements",  # by KPI name
}


def test_every_text_field_a_person_types_is_marked_and_kept_out_of_the_audit():
    import typing

    from pydantic import BaseModel

    from wasstraat.commands import COMMAND_TYPES
    from wasstraat.model import Person, Typed

    def parts(annotation: object) -> list[object]:
        """The types an annotation is made of (str | None → str, None; list[Kpi] → Kpi)."""
        args = typing.get_args(annotation)
        if not args:
            return [annotation]
        return [part for arg in args for part in parts(arg)]

    def text_fields(model: type[BaseModel], seen: set[type]) -> list[str]:
        found = []
        for name, field in model.model_fields.items():
            marked = any(isinstance(m, Typed) for m in field.metadata)
            kinds = parts(field.annotation)
            if str in kinds and not marked and name not in NOT_TYPED:
                found.append(f"{model.__name__}.{name}")
            for kind in kinds:
                if (
                    isinstance(kind, type)
                    and issubclass(kind, BaseModel)
                    and kind is not Person
                    and kind not in seen
                ):
                    seen.add(kind)
                    found += text_fields(kind, seen)
        return found

    unmarked = [f for model in COMMAND_TYPES.values() for f in text_fields(model, set())]
    assert unmarked == []


def test_a_name_typed_anywhere_in_a_command_never_reaches_the_audit():
    run = Run()
    to_step(run, "2")
    secret = "Jan de Vries"
    kpis = [k.model_copy(update={"how_measured": f"vragen aan {secret}"}) for k in KPIS]
    outcome = run.do(PL, c.ProposeKpis(kpis=kpis))
    assert secret not in str([e.detail for e in outcome.audit])
    assert secret in str(outcome.trajectory.kpis)  # the work keeps what it needs


def test_the_owner_of_several_actions_hears_of_them_in_one_message():
    from wasstraat.model import Decision, Horizon, Verdict

    run = Run()
    to_step(run, "6")
    for text in ("Kosten tonen", "Balie op afspraak"):
        run.do(VM1, c.AddImprovement(text=text))
    ids = [i.id for i in run.t.improvements]
    for improvement_id in ids:
        run.do(PL, c.ClassifyImprovement(improvement_id=improvement_id, horizon=Horizon.QUICK_WIN))
        run.do(PL, c.SelectImprovement(improvement_id=improvement_id, selected=True))
    run.do(PL, c.CompleteStep(step="6"))
    for reviewer in (IV, PO):
        for improvement_id in ids:
            run.do(reviewer, c.SubmitReview(improvement_id=improvement_id, verdict=Verdict.AKKOORD))
    run.do(PL, c.FinalisePlan())
    for approver in (PE, TM1, TM2):
        run.do(approver, c.DecidePlan(decision=Decision.APPROVE))
    order = [c.Priority(improvement_id=i, owner=TM1) for i in ids]
    run.do(PE, c.SetPriorities(order=order))
    outcome = run.do(PE, c.DecidePriorities(decision=Decision.APPROVE))
    told = [m for m in outcome.messages if m.kind == "implementation_assigned"]
    assert [(m.recipient, m.data["items"]) for m in told] == [(TM1, ["i1", "i2"])]
