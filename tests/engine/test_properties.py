"""Invariants over random command sequences (hypothesis)."""

from __future__ import annotations

from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wasstraat import commands as c
from wasstraat.engine import EngineError, apply
from wasstraat.model import FINISHED_STEP, StepStatus
from wasstraat.samples import (
    IV,
    KC,
    KPIS,
    OUTSIDER,
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
    VM2,
    Run,
)

LINK = "https://sharepoint.example/p.vsdx"
PEOPLE = [PL, PE, PA, KC, SP, VM1, VM2, TM1, TM2, IV, PO, OUTSIDER, SYSTEM]


def commands():
    later = Run().now + timedelta(days=900)
    imp = st.sampled_from(["v1", "v2", "v3"])
    return st.one_of(
        st.just(c.ConfirmSupport()),
        st.just(c.CompleteStep(step="1")),
        st.sampled_from([c.CompleteStep(step=s.id) for s in TEMPLATE.steps]),
        st.just(c.ProposeKpis(kpis=KPIS)),
        st.sampled_from(
            [c.DecideKpis(decision="approve"), c.DecideKpis(decision="reject", remark="nee")]
        ),
        st.just(c.SetProcessMap(link=LINK)),
        st.sampled_from([c.AnswerCheck(agrees=True), c.AnswerCheck(agrees=False, remark="mist")]),
        st.just(c.MergeCheck()),
        st.just(c.CloseCheck()),
        st.just(c.RecordKlantreis(method="other_feedback")),
        st.just(c.ChooseServiceformule(formule="flitsformule")),
        st.sampled_from([c.AssessP(p=p.id, matches=True) for p in TEMPLATE.ps]),
        st.builds(c.AddImprovement, text=st.sampled_from(["a", "b"])),
        st.builds(c.ClassifyImprovement, improvement_id=imp, horizon=st.just("quick_win")),
        st.builds(c.SelectImprovement, improvement_id=imp, selected=st.booleans()),
        st.builds(
            c.SubmitReview,
            improvement_id=imp,
            verdict=st.sampled_from(["akkoord", "niet_akkoord"]),
            remark=st.just("r"),
        ),
        st.just(c.FinalisePlan()),
        st.sampled_from(
            [c.DecidePlan(decision="approve"), c.DecidePlan(decision="reject", remark="nee")]
        ),
        st.just(c.SetPriorities(order=[c.Priority(improvement_id="v1")])),
        st.just(c.DecidePriorities(decision="approve")),
        st.builds(c.UpdateImplementationItem, item_id=st.just("i1"), status=st.just("done")),
        st.just(c.RecordEvaluation()),
        st.just(c.EvaluationDue()),
        st.sampled_from([c.DeadlinePassed(step="3b"), c.DeadlinePassed(step="7")]),
        st.just(c.PlanEvaluation(on=later.date(), at=later)),
        st.sampled_from([c.Pause(), c.Resume()]),
        st.builds(
            c.AssignRole,
            role=st.just("vakinhoudelijk_medewerker"),
            people=st.sampled_from([[VM1], [VM1, VM2], [VM2]]),
        ),
    )


steps = st.lists(st.tuples(st.sampled_from(PEOPLE), commands()), min_size=1, max_size=60)


def assigned() -> Run:
    run = Run()
    run.assign_all()
    return run


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_invariants_hold_for_any_sequence(sequence):
    run = assigned()
    for actor, command in sequence:
        before = run.t
        snapshot = before.model_copy(deep=True)
        run.now += timedelta(hours=5)
        try:
            outcome = apply(before, command, actor, run.now, TEMPLATE)
        except EngineError:
            continue
        after = outcome.trajectory
        # the version grows by one per change, and every change leaves an audit entry, dated now
        assert after.version == before.version + 1
        assert outcome.audit and all(entry.at == run.now for entry in outcome.audit)
        # every change is made by someone who held a role at that moment (or the clock)
        assert (
            actor == SYSTEM
            or before.roles_of(actor.aad_object_id, run.now)
            or any(item.owner == actor for item in before.implementation)
        )
        # the input was not touched
        assert before == snapshot
        run.t = after
        # 3b only counts as merged once 3a is done
        if after.status_of("3b") is StepStatus.MERGED:
            assert after.status_of("3a") is StepStatus.DONE
        # no step is active or done before its dependencies are done
        for step in TEMPLATE.steps:
            status = after.status_of(step.id)
            if status in (StepStatus.ACTIVE, StepStatus.DONE):
                assert all(after.status_of(d) in FINISHED_STEP for d in step.depends_on), step.id
        # applying the same command again on the old version changes nothing
        stale = command.model_copy(update={"expected_version": before.version})
        try:
            apply(after, stale, actor, run.now, TEMPLATE)
            raise AssertionError("a stale command was applied")
        except EngineError as error:
            assert error.code == "stale_version"


@settings(max_examples=60, deadline=None)
@given(steps)
def test_refused_commands_change_nothing(sequence):
    run = assigned()
    for actor, command in sequence:
        snapshot = run.t.model_copy(deep=True)
        try:
            run.t = apply(run.t, command, actor, run.now, TEMPLATE).trajectory
        except EngineError:
            assert run.t == snapshot
