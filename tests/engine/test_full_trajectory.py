"""One trajectory from start to a recorded evaluation, with the detours the wasstraat allows."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wasstraat import commands as c
from wasstraat.engine import AlreadyDecided, NotAllowed, NotNow, timer_id
from wasstraat.model import Binding, TrajectoryStatus
from wasstraat.samples import (
    IV,
    KC,
    KPIS,
    PA,
    PE,
    PL,
    PO,
    SP,
    SYSTEM,
    TEMPLATE,
    TM1,
    TM2,
    VM1,
    Run,
    finish,
    person,
    to_step,
)


def kinds(outcome, recipient=None):
    return [
        m.kind
        for m in outcome.messages
        if recipient is None
        or (m.recipient and m.recipient.aad_object_id == recipient.aad_object_id)
    ]


def test_full_trajectory_from_start_to_recorded_evaluation():
    run = Run()
    assert run.status("1") == "active" and run.status("2") == "waiting"

    # step 1: the project group, support, and a reassigned role
    run.assign_all()
    substitute_adviser = person("Ans")
    run.do(PL, c.AssignRole(role="procesadviseur", people=[substitute_adviser], reason="verlof"))
    assert run.t.holders("procesadviseur") == [substitute_adviser]
    run.do(PL, c.AssignRole(role="procesadviseur", people=[PA], reason="terug van verlof"))
    with pytest.raises(NotNow, match="support_missing"):
        run.do(PL, c.CompleteStep(step="1"))
    run.do(PE, c.ConfirmSupport())
    run.do(SP, c.ConfirmSupport())
    outcome = run.do(PL, c.CompleteStep(step="1"))
    assert run.status("1") == "done"
    assert run.status("2") == "active" and run.status("4") == "active"  # 4 runs in parallel
    assert "step_started" in kinds(outcome, PE) and "step_started" in kinds(outcome, KC)

    # step 2: a rejected, then approved KPI set
    outcome = run.do(PL, c.ProposeKpis(kpis=KPIS[:1]))
    assert kinds(outcome, PE) == ["approval_request"]
    outcome = run.do(PE, c.DecideKpis(decision="reject", remark="Ook klanttevredenheid meten"))
    assert kinds(outcome, PL) == ["rejected"] and run.status("2") == "active"
    with pytest.raises(AlreadyDecided):
        run.do(PE, c.DecideKpis(decision="approve"))  # this round is decided
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    run.do(PE, c.DecideKpis(decision="approve"))
    assert run.status("2") == "done" and run.status("3a") == "active"

    # step 3a with an improvement raised in the session; 3b merged into 3a
    run.do(PA, c.RecordSession(step="3a", held_on=run.now.date(), notes="sessie 1"))
    run.do(VM1, c.AddImprovement(text="Formulier vooraf invullen", p="proces"))
    assert run.t.improvements[0].source_step == "3a"  # the step the staff member works in
    run.do(PE, c.MergeCheck())
    assert run.status("3b") == "waiting" and run.status("5") == "waiting"  # done *with* 3a
    run.do(PA, c.SetProcessMap(link="https://sharepoint.example/parkeren.vsdx"))
    run.do(PA, c.CompleteStep(step="3a"))
    assert run.status("3a") == "done" and run.status("3b") == "merged"
    assert run.status("5") == "active"

    # step 4: the klantreis (own interviews)
    run.do(
        KC,
        c.RecordKlantreis(
            method="own_interviews",
            findings="Inwoners snappen de kosten niet",
            contact_moments=[
                {
                    "phase": "aanvragen",
                    "channel": "website",
                    "current": "negative",
                    "desired": "positive",
                }
            ],
            pain_points=["onduidelijke kosten"],
        ),
    )
    run.do(KC, c.AddImprovement(text="Kosten vooraf tonen", p="prijs"))
    run.do(KC, c.CompleteStep(step="4"))
    assert run.status("4") == "done" and run.status("6") == "waiting"  # 6 also needs 5

    # step 5: serviceformule and the six P's
    run.do(PA, c.ChooseServiceformule(formule="flitsformule"))
    for p in TEMPLATE.ps:
        run.do(
            PA,
            c.AssessP(
                p=p.id,
                matches=p.id != "prijs",
                note="kosten niet duidelijk" if p.id == "prijs" else "",
            ),
        )
    run.do(PA, c.CompleteStep(step="5"))
    assert run.status("6") == "active"

    # step 6: the plan
    for imp, horizon in (("v1", "long_term"), ("v2", "quick_win")):
        run.do(PL, c.ClassifyImprovement(improvement_id=imp, horizon=horizon))
        run.do(PL, c.SelectImprovement(improvement_id=imp, selected=True))
    outcome = run.do(PL, c.CompleteStep(step="6"))
    assert run.status("7") == "active"
    assert kinds(outcome, IV) == ["review_request"] and kinds(outcome, PO) == ["review_request"]

    # step 7: a "niet akkoord" sends the plan back
    run.do(
        IV,
        c.SubmitReview(
            improvement_id="v1",
            verdict="akkoord_onder_voorwaarden",
            remark="koppeling nodig",
            cost_estimate="€ 20.000",
            lead_time="3 maanden",
        ),
    )
    run.do(IV, c.SubmitReview(improvement_id="v2", verdict="akkoord"))
    run.do(PO, c.SubmitReview(improvement_id="v1", verdict="akkoord"))
    outcome = run.do(
        PO, c.SubmitReview(improvement_id="v2", verdict="niet_akkoord", remark="BSN zichtbaar")
    )
    assert run.status("6") == "active" and run.status("7") == "waiting"
    assert "plan_sent_back" in kinds(outcome, PL)
    run.do(PL, c.ReviseImprovement(improvement_id="v2", text="Kosten vooraf tonen, zonder BSN"))
    outcome = run.do(PL, c.CompleteStep(step="6"))
    # only the revised improvement needs reviewing again
    requests = [m for m in outcome.messages if m.kind == "review_request"]
    assert {tuple(m.data["improvements"]) for m in requests} == {("v2",)}
    run.do(IV, c.SubmitReview(improvement_id="v2", verdict="akkoord"))
    run.do(PO, c.SubmitReview(improvement_id="v2", verdict="akkoord"))
    assert run.status("7") == "done" and run.status("8") == "active"

    # step 8: all approvers must approve; a rejection sends it back to the project leader
    run.do(PL, c.FinalisePlan())
    run.do(PE, c.DecidePlan(decision="approve"))
    outcome = run.do(TM1, c.DecidePlan(decision="reject", remark="capaciteit ontbreekt"))
    assert kinds(outcome, PL) == ["rejected"] and run.status("8") == "active"
    run.do(PL, c.FinalisePlan())
    for approver in (PE, TM1):
        run.do(approver, c.DecidePlan(decision="approve"))
    assert run.status("8") == "active"
    run.do(TM2, c.DecidePlan(decision="approve"))
    assert run.status("9") == "active"

    # step 9: priorities by the proceseigenaar
    run.do(
        PE,
        c.SetPriorities(
            order=[
                c.Priority(improvement_id="v2", owner=TM1),
                c.Priority(improvement_id="v1", owner=TM2),
            ]
        ),
    )
    run.do(PE, c.DecidePriorities(decision="approve"))
    assert [i.improvement_id for i in run.t.implementation] == ["v2", "v1"]
    assert run.status("10") == "active"

    # step 10: implementation, with training
    run.do(PE, c.AddImplementationItem(text="Training baliemedewerkers", item_kind="training"))
    with pytest.raises(NotNow, match="implementation_open"):
        run.do(PE, c.CompleteStep(step="10"))
    # each owner closes their own action; nobody else's
    with pytest.raises(NotAllowed):
        run.do(TM1, c.UpdateImplementationItem(item_id="i2", status="done"))
    with pytest.raises(NotAllowed):
        run.do(PL, c.UpdateImplementationItem(item_id="i1", status="done"))
    run.do(TM1, c.UpdateImplementationItem(item_id="i1", status="done"))
    run.do(TM2, c.UpdateImplementationItem(item_id="i2", status="done"))
    run.do(PE, c.UpdateImplementationItem(item_id="i3", status="doing"))  # no owner: implementers
    with pytest.raises(NotAllowed):
        run.do(PL, c.CompleteStep(step="10"))  # the proceseigenaar closes the step
    # the training is not finished: the step closes only with a recorded reason
    with pytest.raises(NotNow, match="implementation_open"):
        run.do(PE, c.CompleteStep(step="10"))
    outcome = run.do(PE, c.CompleteStep(step="10", open_reason="Training volgt in maart"))
    assert run.t.implementation[2].left_open == "Training volgt in maart"
    assert "Training volgt" not in str([e.detail for e in run.audit])
    assert run.status("evaluatie") == "active"
    [timer] = [t for t in outcome.timers if t.kind == "evaluation"]
    assert timer.timer_id == timer_id("t1", "evaluatie", "evaluation")
    assert timer.due_at is not None and timer.due_at.month == (run.now.month + 6 - 1) % 12 + 1

    # the evaluation moment, months later
    outcome = run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=182))
    assert "evaluation_request" in kinds(outcome, PE)
    with pytest.raises(NotAllowed):
        run.do(PE, c.EvaluationDue())
    outcome = run.do(
        PE,
        c.RecordEvaluation(
            measurements={"Doorlooptijd": 4, "Klanttevredenheid": 7.6},
            went_well="snelle quick wins",
            could_be_better="eerder IV betrekken",
        ),
    )
    assert run.t.status is TrajectoryStatus.FINISHED
    assert run.t.kpis[0].measurements[-1].value == 4
    assert "next_cycle_offer" in kinds(outcome, PE)
    assert run.t.version == len(run.outcomes)


def test_every_change_is_audited_and_the_version_grows_by_one():
    run = Run()
    run.assign_all()
    versions = [o.trajectory.version for o in run.outcomes]
    assert versions == list(range(1, len(run.outcomes) + 1))
    assert [e.action for e in run.audit].count("assign_role") == 8
    assert all(e.actor == PL.aad_object_id for e in run.audit)


def test_the_driver_plays_the_wasstraat_with_another_cast_in_another_channel():
    """Samples for a client whose people are given (e.g. the Playground's): two people hold
    every role, the one who leads never choosing himself as approver or reviewer."""
    lead, owner = person("Alex"), person("Megan")
    cast = {
        "proceseigenaar": [owner],
        "sponsor": [owner],
        "procesadviseur": [lead],
        "klantreiscoach": [lead],
        "vakinhoudelijk_medewerker": [lead],
        "teammanager": [owner],
        "specialist_iv": [owner],
        "privacy_officer": [owner],
    }
    team = Binding(conversation_id="team-id", team_id="team-id", channel_id="team-id")
    run = Run(project_leader=lead, roles=cast, binding=team)
    to_step(run, "evaluatie")
    finish(run, "evaluatie")
    assert run.t.status is TrajectoryStatus.FINISHED
    assert run.t.binding == team
    assert {p.aad_object_id for p in run.t.members()} == {lead.aad_object_id, owner.aad_object_id}
    assert run.t.evaluation.by == owner
