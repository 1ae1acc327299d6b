"""A submission is one: what was put up for a decision, by whom and when, is kept with its round;
putting the same thing up again while it waits on the approvers starts no second round and asks
nobody twice; a change, or the same thing after a rejection, is a new round."""

from __future__ import annotations

from wasstraat import commands as c
from wasstraat.effects import ApprovalRequest
from wasstraat.model import Decision, Kpi
from wasstraat.samples import KPIS, PA, PE, PL, Run, to_step


def _approval_cards(run: Run, subject: str = "kpis") -> list[tuple[str, int]]:
    return [
        (m.recipient.aad_object_id, m.body.round)
        for outcome in run.outcomes
        for m in outcome.messages
        if m.recipient is not None
        and isinstance(m.body, ApprovalRequest)
        and m.body.subject == subject
    ]


def test_the_same_kpis_again_from_another_editor_bring_no_second_round_or_card():
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    submitted = run.t.submissions["kpis"]
    assert (submitted.round, submitted.by, submitted.at) == (1, PL, run.now)
    run.do(PA, c.ProposeKpis(kpis=KPIS))  # the procesadviseur presses the same button
    assert run.t.kpis_round == 1
    assert run.t.submissions["kpis"].by == PL  # still the first submission
    assert _approval_cards(run) == [(PE.aad_object_id, 1)]


def test_changed_kpis_are_a_new_round_with_a_new_card():
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    changed = [KPIS[0], Kpi(name="Wachttijd", unit="dagen", baseline=21, target=7)]
    run.do(PA, c.ProposeKpis(kpis=changed))
    assert run.t.kpis_round == 2
    assert run.t.submissions["kpis"].by == PA
    assert _approval_cards(run) == [(PE.aad_object_id, 1), (PE.aad_object_id, 2)]


def test_after_a_rejection_the_same_kpis_may_be_put_up_again():
    run = Run()
    to_step(run, "2")
    run.do(PL, c.ProposeKpis(kpis=KPIS))
    run.do(PE, c.DecideKpis(decision=Decision.REJECT, remark="nog eens bekijken", round=1))
    run.do(PL, c.ProposeKpis(kpis=KPIS))  # argued, not changed: the approver is asked again
    assert run.t.kpis_round == 2
    assert _approval_cards(run)[-1] == (PE.aad_object_id, 2)


def test_the_plan_keeps_who_put_it_up_and_asks_each_approver_once():
    run = Run()
    to_step(run, "8")
    run.do(PL, c.FinalisePlan())
    submitted = run.t.submissions["plan"]
    assert (submitted.round, submitted.by) == (1, PL)
    cards = _approval_cards(run, "plan")
    # the proceseigenaar and both teammanagers, once each
    assert sorted(cards) == sorted(
        {(p.aad_object_id, 1) for p in (PE, *run.t.holders("teammanager"))}
    )
