"""The evaluation moment: planned months after the step before it (or on a chosen day), it
sends the whole project group the evaluation card; the ``recorders`` record the measurements
and the lessons, and the next cycle is offered."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Final

from wasstraat import commands as c
from wasstraat.context import (
    AlreadyDecided,
    Behaviour,
    Ctx,
    InvalidInput,
    NotNow,
    acting_role,
    behaviour,
    one_places,
    rule,
    section_places,
    the_one,
)
from wasstraat.effects import (
    CalendarEvent,
    EvaluationPlanned,
    EvaluationRequest,
    EvaluationResult,
    KpiResult,
    NextCycleOffer,
    Task,
)
from wasstraat.model import Kpi, Measurement, Person, Trajectory
from wasstraat.template import Evaluation, Section, Step, Template

EVALUATION_TIMER: Final = "evaluation"
EVALUATION_MINUTES = 90
PLANNING_HORIZON_MONTHS = 36  # an evaluation or session further ahead is a typing error


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def not_too_far(ctx: Ctx, moment: datetime) -> None:
    if moment > add_months(ctx.now, PLANNING_HORIZON_MONTHS):
        raise InvalidInput("date_too_far", months=PLANNING_HORIZON_MONTHS)


def judge(kpi: Kpi, measured: float | None) -> KpiResult:
    """A KPI against its target. Which way is better follows from the KPI itself: a target
    below the baseline (a lead time from 8 to 4 days) asks for less, a target above it (a
    satisfaction from 6,8 to 8) for more. Without a baseline, or with a target equal to it,
    the direction cannot be told and the result is not judged."""
    lower: bool | None = None
    if kpi.baseline is not None and kpi.target is not None and kpi.baseline != kpi.target:
        lower = kpi.target < kpi.baseline
    met: bool | None = None
    if measured is not None and kpi.target is not None and lower is not None:
        met = measured <= kpi.target if lower else measured >= kpi.target
    return KpiResult(
        name=kpi.name,
        unit=kpi.unit,
        baseline=kpi.baseline,
        target=kpi.target,
        measured=measured,
        lower_is_better=lower,
        met=met,
    )


def kpi_results(t: Trajectory) -> list[KpiResult]:
    """Every KPI with the measurement of the recorded evaluation (None where it was not
    measured), in the order the KPIs were set."""
    return [judge(kpi, t.evaluation.measurements.get(kpi.name)) for kpi in t.kpis]


def _recorders(step: Step) -> tuple[str, ...]:
    assert isinstance(step.kind, Evaluation)
    return step.kind.recorders


@behaviour("evaluation")
class EvaluationStep(Behaviour):
    def start(self, ctx: Ctx, step: Step) -> None:
        evaluation = ctx.t.evaluation
        if evaluation.planned_at is None:
            months = ctx.policy.evaluation_months or ctx.template.evaluation_months
            working = ctx.policy.working
            day = working.working_day_on_or_after(working.local(add_months(ctx.now, months)).date())
            evaluation.planned_on = day
            evaluation.planned_at = working.opening(day)
            ctx.tell_role(step.responsible, EvaluationPlanned(on=day.isoformat()))
            invite(ctx, step)
        # planned during the step before or just now; a moment already past comes at once
        ctx.set_timer(step.id, EVALUATION_TIMER, max(evaluation.planned_at, ctx.now))

    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        if t.evaluation.requested_at is None:  # before the moment, nobody is late
            return []
        for role in _recorders(step):
            if t.holders(role):
                return [(p, "evaluate") for p in t.holders(role)]
        return []

    def task(self, ctx: Ctx, step: Step, person: Person, what: str) -> Task:
        return EvaluationRequest(step=step.id, role=acting_role(ctx, person, step))

    def resumed(self, ctx: Ctx, step: Step) -> None:
        evaluation = ctx.t.evaluation
        if evaluation.requested_at is None and evaluation.planned_at:
            # a moment that came during the pause comes now
            ctx.set_timer(step.id, EVALUATION_TIMER, max(evaluation.planned_at, ctx.now))

    def cancelled(self, ctx: Ctx, step: Step) -> None:
        ctx.cancel_timer(step.id, EVALUATION_TIMER)

    def ahead(self, t: Trajectory, step: Step) -> datetime | None:
        evaluation = t.evaluation
        if evaluation.requested_at is not None or evaluation.recorded_at is not None:
            return None
        return evaluation.planned_at


def invite(ctx: Ctx, step: Step) -> None:
    """The project group's evaluation meeting, in the calendar of whom the step is on."""
    evaluation = ctx.t.evaluation
    owners = ctx.t.holders(step.responsible)
    if not owners or evaluation.planned_at is None or evaluation.planned_on is None:
        return
    ctx.tell(
        owners[0],
        CalendarEvent(
            step=step.id,
            session=f"evaluation-{evaluation.planned_on.isoformat()}",
            at=evaluation.planned_at.isoformat(),
            minutes=EVALUATION_MINUTES,
            attendees=[p.aad_object_id for p in ctx.t.members()],
        ),
    )


def _the_evaluation(ctx: Ctx) -> Step:
    return the_one(ctx, Evaluation)


_evaluation_places = one_places(Evaluation, lambda template, step: _recorders(step))


@rule(
    "plan_evaluation",
    places=section_places(Section.PLAN_EVALUATION),
)
def _plan_evaluation(ctx: Ctx, cmd: c.PlanEvaluation) -> None:
    step = _the_evaluation(ctx)
    if cmd.at <= ctx.now:
        raise InvalidInput("date_in_past")
    not_too_far(ctx, cmd.at)
    if ctx.t.evaluation.requested_at is not None:
        raise AlreadyDecided("evaluation_requested")
    # the evaluation card goes out in working time: a Saturday or Koningsdag moves on
    moment = ctx.policy.working.next_working_moment(cmd.at)
    on = ctx.policy.working.local(moment).date()
    ctx.t.evaluation.planned_on = on
    ctx.t.evaluation.planned_at = moment
    if ctx.active(step):
        ctx.set_timer(step.id, EVALUATION_TIMER, moment)
    for person in ctx.t.members():
        ctx.tell(person, EvaluationPlanned(on=on.isoformat()))
    invite(ctx, step)


@rule("evaluation_due", clock=True, places=_evaluation_places)
def _evaluation_due(ctx: Ctx, cmd: c.EvaluationDue) -> None:
    step = _the_evaluation(ctx)
    evaluation = ctx.t.evaluation
    if evaluation.requested_at is not None:
        raise AlreadyDecided("evaluation_requested")
    evaluation.requested_at = ctx.now
    # the whole project group gets the evaluation card; who may record it is the engine's call
    for person in ctx.t.members():
        ctx.tell(person, EvaluationRequest(step=step.id, role=acting_role(ctx, person, step)))


@rule("record_evaluation", places=_evaluation_places)
def _record_evaluation(ctx: Ctx, cmd: c.RecordEvaluation) -> None:
    step = _the_evaluation(ctx)
    if ctx.t.evaluation.requested_at is None:
        raise NotNow("evaluation_not_due")
    names = {k.name for k in ctx.t.kpis}
    if names and not cmd.measurements:
        raise InvalidInput("no_measurements")  # meten = weten: an evaluation measures
    unknown = set(cmd.measurements) - names
    if unknown:
        raise InvalidInput("unknown_kpi", kpis=sorted(unknown))
    for kpi in ctx.t.kpis:
        if kpi.name in cmd.measurements:
            kpi.measurements.append(
                Measurement(
                    value=cmd.measurements[kpi.name], at=ctx.now, by=ctx.actor.aad_object_id
                )
            )
    evaluation = ctx.t.evaluation
    evaluation.measurements = dict(cmd.measurements)
    evaluation.went_well = cmd.went_well
    evaluation.could_be_better = cmd.could_be_better
    evaluation.recorded_at = ctx.now
    evaluation.by = ctx.actor
    ctx.cancel_timer(step.id, EVALUATION_TIMER)
    ctx.complete(step)
    # meten = weten: the whole project group (the sponsor among them) sees the result, once each
    result = EvaluationResult(step=step.id, kpis=kpi_results(ctx.t))
    for person in ctx.t.members():
        ctx.tell(person, result)
    ctx.tell_role(step.responsible, NextCycleOffer())
