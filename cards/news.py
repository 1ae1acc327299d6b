"""How the news of a trajectory reads: a step done, a role given, a decision, a session
planned, the evaluation's result, and what the bot could not deliver."""

from __future__ import annotations

from dataclasses import replace

from cards import journey
from cards.base import card, execute, heading, paragraph, short
from cards.catalogue import join
from cards.formbase import PAGE
from cards.results import result_elements
from cards.status import STATUS_REFRESH, TRAJECTORY_DETAIL
from cards.view import NEXT_CYCLE, RENDERERS, Rendered, View, renders
from wasstraat.effects import (
    CalendarFailed,
    CalendarUninvited,
    DeliveryFailed,
    EvaluationPlanned,
    EvaluationResult,
    ImplementationAssigned,
    MergePlanned,
    MessageBody,
    NextCycleOffer,
    PlanSentBack,
    Rejected,
    ReviewsSummary,
    RoleAssigned,
    SessionPlanned,
    StepDone,
    StepStarted,
    SubstituteAssigned,
    SupportConfirmed,
    TrajectoryCancelled,
    TrajectoryPaused,
    TrajectoryResumed,
)
from wasstraat.model import StepStatus


@renders(StepDone)
def _step_done(view: View, message: StepDone) -> Rendered:
    said = view.t("notice.step_done", product=view.product, step=view.step(message.step))
    step = next((s for s in view.template.steps if s.id == message.step), None)
    drawn = journey.recorded(view.trajectory, step, view.template, view.language) if step else []
    if drawn:  # the klantreis done: its hartslag, for the whole group to see
        return Rendered(card=card([paragraph(said), *drawn]))
    return Rendered(text=said)


@renders(MergePlanned)
def _merge_planned(view: View, message: MergePlanned) -> Rendered:
    return Rendered(
        text=view.t(
            "notice.merge_planned",
            product=view.product,
            step=view.step(message.step),
            into=view.step(message.into),
        )
    )


@renders(RoleAssigned)
def _role_assigned(view: View, message: RoleAssigned) -> Rendered:
    given = message.roles or [message.role]
    names = ", ".join(view.role_in_sentence(r) for r in given)
    return Rendered(text=view.t("role_assigned.body", product=view.product, role=names))


@renders(SubstituteAssigned)
def _substitute_assigned(view: View, message: SubstituteAssigned) -> Rendered:
    return Rendered(
        text=view.t(
            "substitute_assigned.body",
            product=view.product,
            role=view.role_in_sentence(message.role),
            absent=message.absent,
        )
    )


@renders(Rejected)
def _rejected(view: View, message: Rejected) -> Rendered:
    """The rejection with its remark; to whoever may change what was rejected, on their form
    for it (while the step runs), so they can work it in and put it up again."""
    subject = view.t(f"subject.{message.subject}")
    line = view.t("rejected.body", by=message.by, subject=subject, remark=message.remark)
    step = message.step
    if step is None or step not in view.trajectory.steps or view.viewer is None:
        return Rendered(text=line)
    if view.trajectory.status_of(step) is not StepStatus.ACTIVE:
        return Rendered(text=line)
    again = RENDERERS["step_started"](
        replace(view, notices=((line, True),)), StepStarted(step=step)
    )
    return again if again.card is not None else Rendered(text=line)


@renders(PlanSentBack)
def _plan_sent_back(view: View, message: PlanSentBack) -> Rendered:
    return Rendered(text=view.t("plan_sent_back.body", product=view.product))


@renders(DeliveryFailed)
def _delivery_failed(view: View, message: DeliveryFailed) -> Rendered:
    return Rendered(
        text=view.t("delivery_failed.body", name=message.name or "?", product=view.product)
    )


@renders(
    SupportConfirmed,
    ReviewsSummary,
    EvaluationPlanned,
    TrajectoryPaused,
    TrajectoryResumed,
    TrajectoryCancelled,
)
def _notice(view: View, message: MessageBody) -> Rendered:
    """A line of news, in the catalogue under the kind's name (who did it, on which day)."""
    said = message.payload()
    return Rendered(
        text=view.t(
            f"notice.{message.kind}",
            product=view.product,
            by=said.get("by", ""),
            on=view.date(said.get("on")) or "",
        )
    )


@renders(ImplementationAssigned)
def _implementation_assigned(view: View, message: ImplementationAssigned) -> Rendered:
    """Which actions of the implementation plan the person leads, in one message."""
    ids = message.items
    items = [i for i in view.trajectory.implementation if i.id in ids]
    names = "; ".join(
        short(i.text, 120)
        + (f" ({view.t('item.by', date=view.date(i.target_date))})" if i.target_date else "")
        for i in items[:PAGE]
    )
    return Rendered(
        text=view.t(
            "notice.implementation_assigned", product=view.product, count=len(items), items=names
        )
    )


@renders(EvaluationResult)
def _evaluation_result(view: View, message: EvaluationResult) -> Rendered:
    """The result for the whole project group and the sponsor: per KPI its baseline, target
    and new measurement, in words and as a chart, as the message recorded them."""
    results = list(message.kpis)
    evaluation = view.trajectory.evaluation
    by = ""
    if evaluation.by is not None and evaluation.by.name and evaluation.recorded_at is not None:
        by = view.t("result.by", name=evaluation.by.name, date=view.date(evaluation.recorded_at))
    body = [
        heading(view.t("result.title", product=view.product)),
        paragraph(view.t("result.intro", by=by), subtle=True, spacing="None"),
        *result_elements(results, view.language),
    ]
    # the lessons learned, and who decides on a next cycle
    for key, said in (
        ("result.went_well", evaluation.went_well),
        ("result.could_be_better", evaluation.could_be_better),
    ):
        if said.strip():
            body.append(paragraph(view.t(key, text=short(said, 600)), spacing="Small"))
    deciders = {
        p.aad_object_id: p.name for r in view.template.managers for p in view.trajectory.holders(r)
    }  # any manager of the trajectory may start its next cycle
    if deciders:
        names = join(list(deciders.values()), view.language)
        said = view.t("result.next_cycle", count=len(deciders), names=names)
        body.append(paragraph(said, subtle=True))
    actions = [
        execute(view.t("status.details"), TRAJECTORY_DETAIL, trajectory=view.trajectory.id),
        execute(view.t("task.status"), STATUS_REFRESH),
    ]
    return Rendered(card=card(body, actions))


@renders(SessionPlanned)
def _session_planned(view: View, message: SessionPlanned) -> Rendered:
    """The participants' card: when, how long, where, and who planned it."""
    facts = [
        (view.t("session_planned.when"), view.moment(message.at) or ""),
        (
            view.t("session_planned.duration"),
            view.t("session_planned.minutes", minutes=message.minutes),
        ),
    ]
    if message.place:
        facts.append((view.t("session_planned.where"), message.place))
    if message.by:
        facts.append((view.t("session_planned.by"), message.by))
    return Rendered(
        card=card(
            [
                heading(view.product),
                paragraph(view.t("session_planned.title", step=view.step(message.step))),
                {
                    "type": "FactSet",
                    "facts": [{"title": title, "value": value} for title, value in facts],
                },
            ]
        )
    )


@renders(CalendarFailed)
def _calendar_failed(view: View, message: CalendarFailed) -> Rendered:
    step = view.step(message.step or "")
    return Rendered(text=view.t("calendar_failed.body", product=view.product, step=step))


@renders(CalendarUninvited)
def _calendar_uninvited(view: View, message: CalendarUninvited) -> Rendered:
    names = ", ".join(message.names)
    step = view.step(message.step or "")
    return Rendered(
        text=view.t("calendar_uninvited.body", product=view.product, step=step, names=names)
    )


@renders(NextCycleOffer)
def _next_cycle_offer(view: View, message: NextCycleOffer) -> Rendered:
    body = [paragraph(view.t("notice.next_cycle_offer", product=view.product))]
    actions = [execute(view.t("next_cycle.button"), NEXT_CYCLE, trajectory=view.trajectory.id)]
    return Rendered(card=card([heading(view.product), *body], actions))
