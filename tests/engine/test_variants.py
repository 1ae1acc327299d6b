"""A municipality's own wasstraat: variants of the template run whole trajectories, and the
engine follows what each variant declares (who acts, who approves, which steps there are)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from wasstraat import commands as c
from wasstraat.engine import NotAllowed, open_tasks, waiting_on
from wasstraat.model import (
    SYSTEM,
    Decision,
    Horizon,
    KlantreisMethod,
    StepStatus,
    TrajectoryStatus,
    Verdict,
)
from wasstraat.samples import KC, KPIS, PA, PE, PL, TM1, TM2, VM1, Run
from wasstraat.template import (
    Approval,
    Check,
    Evaluation,
    FinishedBy,
    Requirement,
    Reviews,
    Subject,
    Template,
    default_template,
)

DEFAULT = default_template()


def variant(change) -> Template:  # type: ignore[no-untyped-def]
    raw: dict[str, Any] = json.loads(DEFAULT.model_dump_json())
    change(raw)
    return Template.model_validate(raw)


def _step(raw: dict[str, Any], step_id: str) -> dict[str, Any]:
    return next(s for s in raw["steps"] if s["id"] == step_id)


def without_klantreis(raw: dict[str, Any]) -> None:
    raw["steps"] = [s for s in raw["steps"] if s["id"] != "4"]
    _step(raw, "6")["depends_on"] = ["5"]


def plan_by_the_owner_alone(raw: dict[str, Any]) -> None:
    _step(raw, "8")["kind"]["approvers"] = ["proceseigenaar"]


def renamed(raw: dict[str, Any]) -> None:
    _step(raw, "3a")["name"] = {"nl": "Procesplaat maken", "en": "Draw the process map"}


VARIANTS = {
    "default": DEFAULT,
    "without the klantreis": variant(without_klantreis),
    "plan approved by the proceseigenaar alone": variant(plan_by_the_owner_alone),
    "a step renamed": variant(renamed),
}


def finish(run: Run, step_id: str) -> None:
    """Do what the step's kind asks, as the people the template names."""
    template = run.template
    step = template.step(step_id)
    kind = step.kind
    if isinstance(kind, FinishedBy):
        if step_id == "1":
            run.do(PE, c.ConfirmSupport())
        for requirement in kind.requires:
            if requirement is Requirement.PROCESS_MAP:
                run.do(PA, c.SetProcessMap(link="https://sharepoint.example/proces.vsdx"))
            elif requirement is Requirement.KLANTREIS:
                run.do(KC, c.RecordKlantreis(method=KlantreisMethod.OTHER_FEEDBACK))
            elif requirement is Requirement.SERVICEFORMULE:
                run.do(PA, c.ChooseServiceformule(formule="flitsformule"))
            elif requirement is Requirement.P_ASSESSMENT:
                for p in template.ps:
                    run.do(PA, c.AssessP(p=p.id, matches=True))
            elif requirement is Requirement.PLAN_READY:
                run.do(VM1, c.AddImprovement(text="Digitaal aanvragen"))
                run.do(PL, c.ClassifyImprovement(improvement_id="v1", horizon=Horizon.QUICK_WIN))
                run.do(PL, c.SelectImprovement(improvement_id="v1", selected=True))
            elif requirement is Requirement.IMPLEMENTATION_DONE:
                for item in run.t.implementation:  # each by its owner
                    run.do(
                        item.owner or PE,
                        c.UpdateImplementationItem(item_id=item.id, status="done"),
                    )
        finisher = next(p for role in kind.by for p in run.t.holders(role))
        run.do(finisher, c.CompleteStep(step=step_id))
    elif isinstance(kind, Approval):
        if kind.subject is Subject.KPIS:
            run.do(PL, c.ProposeKpis(kpis=KPIS))
            decide: type[c.Base] = c.DecideKpis
        elif kind.subject is Subject.PLAN:
            run.do(PL, c.FinalisePlan())
            decide = c.DecidePlan
        else:
            run.do(PL, c.SetPriorities(order=[c.Priority(improvement_id="v1", owner=TM1)]))
            decide = c.DecidePriorities
        for person in [p for role in kind.approvers for p in run.t.holders(role)]:
            if run.t.status_of(step_id) is StepStatus.ACTIVE:
                run.do(person, decide(decision=Decision.APPROVE))  # type: ignore[call-arg]
    elif isinstance(kind, Check):
        for person in run.t.holders(kind.group):
            run.do(person, c.AnswerCheck(agrees=True))
    elif isinstance(kind, Reviews):
        for person in {p.aad_object_id: p for _r, p in _reviewers(run, step_id)}.values():
            run.do(person, c.SubmitReview(improvement_id="v1", verdict=Verdict.AKKOORD))
    else:
        assert isinstance(kind, Evaluation)
        run.do(SYSTEM, c.EvaluationDue(), after=timedelta(days=200))
        run.do(PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4}))


def _reviewers(run: Run, step_id: str):  # type: ignore[no-untyped-def]
    step = run.template.step(step_id)
    return [(r, p) for r in run.template.kind_roles(step) for p in run.t.holders(r)]


def run_through(template: Template) -> Run:
    return run_through_until(template, None)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_a_whole_trajectory_runs_on_each_variant(name):
    template = VARIANTS[name]
    run = run_through(template)
    assert run.t.status is TrajectoryStatus.FINISHED
    assert set(run.t.steps) == {s.id for s in template.steps}
    started = [e.detail["step"] for e in run.audit if e.action == "step.started"]
    assert set(started) == {s.id for s in template.steps}
    assert not waiting_on(run.t, template)


def test_a_removed_step_is_never_started_and_nobody_is_asked_for_it():
    template = VARIANTS["without the klantreis"]
    run = run_through(template)
    assert "4" not in run.t.steps
    cards = [m for o in run.outcomes for m in o.messages if m.data.get("step") == "4"]
    assert cards == []


def test_the_approvers_the_template_names_are_the_ones_waited_on():
    template = VARIANTS["plan approved by the proceseigenaar alone"]
    run = run_through_until(template, "8")
    run.do(PL, c.FinalisePlan())
    assert [w.person for w in open_tasks(run.t, PE.aad_object_id, template)]
    assert not open_tasks(run.t, TM1.aad_object_id, template)
    asked = {m.recipient.aad_object_id for m in run.outcomes[-1].messages if m.recipient}
    assert asked == {PE.aad_object_id}
    with pytest.raises(NotAllowed):
        run.do(TM1, c.DecidePlan(decision=Decision.APPROVE))
    run.do(PE, c.DecidePlan(decision=Decision.APPROVE))
    assert run.t.status_of("8") is StepStatus.DONE
    # on the default template the same approval still waits for the teammanagers
    default = run_through_until(DEFAULT, "8")
    default.do(PL, c.FinalisePlan())
    default.do(PE, c.DecidePlan(decision=Decision.APPROVE))
    assert default.t.status_of("8") is StepStatus.ACTIVE
    assert {w.person.aad_object_id for w in waiting_on(default.t, DEFAULT)} == {
        TM1.aad_object_id,
        TM2.aad_object_id,
    }


def run_through_until(template: Template, stop: str | None) -> Run:
    """The sample cast assigned, then each running step finished, until ``stop`` runs (or, with
    None, until nothing runs)."""
    run = Run(template=template)
    run.assign_all()
    for _ in range(40):
        active = run.t.active_steps(template)
        if stop in active or (stop is None and not active):
            return run
        finish(run, active[0])
    raise AssertionError(f"step {stop} never started")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda raw: _step(raw, "8")["kind"].update(approvers=["wethouder"]), "steps[8]"),
        (lambda raw: _step(raw, "6").update(depends_on=["7"]), "steps[6].depends_on"),
        (lambda raw: _step(raw, "2").update(may={}), "steps[2].may"),
        (lambda raw: _step(raw, "7")["kind"].update(send_back_to="99"), "send_back_to"),
        (lambda raw: _step(raw, "2")["kind"].update(type="unknown"), "kind"),
    ],
)
def test_a_template_that_cannot_run_is_refused_naming_the_field(change, field):
    with pytest.raises(ValidationError) as refused:
        variant(change)
    assert field in str(refused.value)
