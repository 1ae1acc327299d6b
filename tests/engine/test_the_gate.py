"""The engine alone judges whether a card is current: the round of an approval, the step a card
was drawn for, the text a review was given on; and who may start the next cycle. Without the
bot's edge: these are the engine's own refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wasstraat import commands as c
from wasstraat.engine import AlreadyDecided, NotAllowed, apply_all, gate, start_trajectory
from wasstraat.model import Decision, Kpi, Verdict
from wasstraat.samples import IV, OUTSIDER, PA, PE, PL, SYSTEM, TEMPLATE, TM1, Run, finish, to_step

KPI = Kpi(name="Doorlooptijd", unit="dagen", baseline=10, target=3)


def _in_second_kpi_round() -> Run:
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=[KPI]))
    run.do(PE, c.DecideKpis(decision=Decision.REJECT, remark="ook klanttevredenheid", round=1))
    run.do(PL, c.ProposeKpis(kpis=[KPI, KPI.model_copy(update={"name": "Klanttevredenheid"})]))
    assert run.t.kpis_round == 2
    return run


def test_a_forged_decision_for_an_old_kpi_round_is_refused_and_changes_nothing():
    run = _in_second_kpi_round()
    before = run.t
    with pytest.raises(AlreadyDecided) as refused:
        run.do(PE, c.DecideKpis(decision=Decision.APPROVE, round=1))
    assert refused.value.code == "stale_round"
    assert run.t == before
    run.do(PE, c.DecideKpis(decision=Decision.APPROVE, round=2))  # the current round's card
    assert run.status("2") == "done"


def test_a_forged_decision_for_an_old_plan_round_is_refused():
    run = Run()
    to_step(run, "8")
    run.do(PL, c.FinalisePlan())
    run.do(PE, c.DecidePlan(decision=Decision.REJECT, remark="eerst de kosten", round=1))
    run.do(PL, c.FinalisePlan())
    assert run.t.plan_round == 2
    for approver in (PE, TM1):
        with pytest.raises(AlreadyDecided):
            run.do(approver, c.DecidePlan(decision=Decision.APPROVE, round=1))
    assert run.t.approvals[-1].round == 1  # only the rejection of the first round is kept
    run.do(PE, c.DecidePlan(decision=Decision.APPROVE, round=2))


def test_a_card_of_a_step_that_closed_is_stale_whatever_it_gives():
    run = Run()
    to_step(run, "3a")
    finish(run, "3a")
    assert run.status("3a") == "done"
    # the procesadviseur's 3a card, saved after the step closed: the link would still fit
    command = c.SetProcessMap(link="https://sharepoint.example/nieuw.vsdx")
    with pytest.raises(AlreadyDecided) as stale:
        apply_all(run.t, [command], PA, run.now, TEMPLATE, card_step="3a")
    assert (stale.value.code, stale.value.detail["step"]) == ("step_closed", "3a")
    with pytest.raises(AlreadyDecided):  # even with nothing filled in
        apply_all(run.t, [], PA, run.now, TEMPLATE, card_step="3a")
    # someone outside the group hears only that: not whether the card is current
    with pytest.raises(NotAllowed) as outside:
        apply_all(run.t, [command], OUTSIDER, run.now, TEMPLATE, card_step="3a")
    assert outside.value.code == "not_a_member"
    with pytest.raises(NotAllowed):
        gate(run.t, OUTSIDER, run.now, TEMPLATE, card_step="3a")


def test_a_verdict_on_an_earlier_text_of_an_improvement_is_refused():
    run = Run()
    to_step(run, "7")
    improvement = run.t.improvement("v1")
    assert improvement is not None
    shown = improvement.revision
    run.t.improvements[0] = improvement.model_copy(update={"revision": shown + 1})
    with pytest.raises(AlreadyDecided) as stale:
        run.do(IV, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD, revision=shown))
    assert stale.value.code == "stale_revision"
    run.do(IV, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD, revision=shown + 1))


def test_only_who_manages_a_finished_trajectory_starts_its_next_cycle():
    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
    run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4}))
    assert run.t.status.value == "finished"

    def next_cycle(starter):  # type: ignore[no-untyped-def]
        return start_trajectory(
            trajectory_id="t2",
            product=run.t.product,
            binding=run.t.binding,
            project_leader=PL,
            template=TEMPLATE,
            now=run.now,
            previous=run.t,
            starter=starter,
        )

    with pytest.raises(NotAllowed) as outside:
        next_cycle(OUTSIDER)
    assert outside.value.code == "not_a_member"
    with pytest.raises(NotAllowed) as member:
        next_cycle(PA)  # in the group, but not one who manages it
    assert member.value.code == "not_allowed"
    assert next_cycle(PE).trajectory.previous_cycle == run.t.id
