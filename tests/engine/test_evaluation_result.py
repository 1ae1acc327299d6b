"""Meten = weten: when the evaluation is recorded, the whole project group and the sponsor get
the result, once each, with every KPI judged in the direction its target points."""

from __future__ import annotations

from datetime import timedelta

import pytest

from wasstraat import commands as c
from wasstraat.effects import EvaluationResult, KpiResult, read_payload
from wasstraat.kinds.evaluation import judge
from wasstraat.model import SYSTEM, Kpi
from wasstraat.samples import PA, PE, PL, SP, TEMPLATE, Run, to_step


def _evaluated(measurements: dict[str, float]) -> Run:
    run = Run()
    to_step(run, run.template.steps[-1].id)
    # the procesadviseur is the klantreiscoach too: two roles, one person
    run.do(PL, c.AssignRole(role="klantreiscoach", people=[PA]))
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
    run.do(PE, c.RecordEvaluation(measurements=measurements))
    return run


def test_every_member_and_the_sponsor_get_the_result_once():
    run = _evaluated({"Doorlooptijd": 4, "Klanttevredenheid": 8.2})
    results = [m for m in run.outcomes[-1].messages if isinstance(m.body, EvaluationResult)]
    recipients = [m.recipient.aad_object_id for m in results if m.recipient is not None]
    members = {p.aad_object_id for p in run.t.members()}
    assert len(results) == len(recipients) == len(members)  # nobody twice, not the channel
    assert set(recipients) == members
    assert SP.aad_object_id in recipients and PA.aad_object_id in recipients
    # the numbers as recorded, in the order the KPIs were set
    first = results[0].body
    assert isinstance(first, EvaluationResult)
    kpis = first.kpis
    assert [(k.name, k.baseline, k.target, k.measured, k.met) for k in kpis] == [
        ("Doorlooptijd", 10, 3, 4, False),
        ("Klanttevredenheid", 6.1, 8, 8.2, True),
    ]
    # and what the outbox keeps of it reads back as the same message
    assert read_payload("evaluation_result", results[0].data) == results[0].body


def test_a_kpi_not_measured_is_in_the_result_unjudged():
    run = _evaluated({"Doorlooptijd": 3})
    result = next(m.body for m in run.outcomes[-1].messages if m.kind == "evaluation_result")
    assert isinstance(result, EvaluationResult)
    assert [(k.measured, k.met) for k in result.kpis] == [(3, True), (None, None)]


def test_nothing_is_sent_before_the_evaluation_is_recorded():
    run = Run()
    to_step(run, run.template.steps[-1].id)
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
    sent = [m for outcome in run.outcomes for m in outcome.messages]
    assert not any(m.kind == "evaluation_result" for m in sent)


@pytest.mark.parametrize(
    ("baseline", "target", "measured", "lower", "met"),
    [
        (8, 4, 4, True, True),  # a lead time from 8 to 4 days: target reached exactly
        (8, 4, 5, True, False),  # better than before, not as far as the target
        (8, 4, 3, True, True),  # better than the target
        (6.1, 8, 8.2, False, True),  # satisfaction: higher is better
        (6.1, 8, 7.9, False, False),
        (5, 5, 5, None, None),  # target equal to the baseline: no direction to judge
        (None, 5, 5, None, None),  # no baseline: no direction either
        (8, None, 4, None, None),  # no target
        (8, 4, None, True, None),  # not measured
    ],
)
def test_a_kpi_is_judged_in_the_direction_its_target_points(baseline, target, measured, lower, met):
    kpi = Kpi(name="Doorlooptijd", unit="werkdagen", baseline=baseline, target=target)
    assert judge(kpi, measured) == KpiResult(
        name="Doorlooptijd",
        unit="werkdagen",
        baseline=baseline,
        target=target,
        measured=measured,
        lower_is_better=lower,
        met=met,
    )


def test_an_evaluation_without_any_measurement_is_refused_and_changes_nothing():
    from wasstraat.engine import InvalidInput

    run = Run()
    to_step(run, TEMPLATE.steps[-1].id)
    run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
    before = run.t
    with pytest.raises(InvalidInput, match="no_measurements"):
        run.do(PE, c.RecordEvaluation(went_well="goed"))
    assert run.t == before and run.t.evaluation.recorded_at is None
