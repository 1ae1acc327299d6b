"""What each outbox message looks like for its recipient: a card or a short text.

Pure functions of the message's typed body, the current trajectory, the recipient's role and
language. One renderer per kind of body, in a table (a test keeps it complete).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from cards.base import Element, action_set, card, execute, heading, paragraph, short, show_card
from cards.catalogue import Language, text
from cards.formats import format_date, format_datetime, num
from cards.formbase import PAGE
from cards.forms import step_form
from cards.results import result_elements
from cards.review_forms import evaluation_form, review_form
from cards.roles import ROLES_FORM
from cards.status import STATUS_REFRESH, TRAJECTORY_DETAIL, step_label
from cards.submitted import approval_items
from wasstraat.effects import (
    ApprovalRequest,
    Body,
    CalendarEvent,
    CalendarFailed,
    CalendarUninvited,
    CheckProgress,
    CheckRequest,
    CheckSummary,
    DeliveryFailed,
    EvaluationPlanned,
    EvaluationRequest,
    EvaluationResult,
    ImplementationAssigned,
    MergePlanned,
    MessageBody,
    NextCycleOffer,
    PlanSentBack,
    Rejected,
    Reminder,
    ReviewRequest,
    ReviewsSummary,
    RoleAssigned,
    SessionPlanned,
    StepDone,
    StepStarted,
    SubstituteAssigned,
    SupportConfirmed,
    TaskOverdue,
    TrajectoryCancelled,
    TrajectoryPaused,
    TrajectoryResumed,
)
from wasstraat.engine import allowed_actions
from wasstraat.kinds import as_kind
from wasstraat.kinds.approval import current_round, decided_by
from wasstraat.kinds.reviews import pending
from wasstraat.model import Person, StepStatus, Trajectory
from wasstraat.template import (
    SUBJECTS,
    Check,
    Evaluation,
    Reviews,
    Section,
    Step,
    Template,
)

# card action ids that map onto engine commands
DECIDE = {subject.value: rules.decide for subject, rules in SUBJECTS.items()}
ANSWER_CHECK = "answer_check"
CLOSE_CHECK = "close_check"
SEND_BACK_CHECK = "send_back_check"
NUDGE = "nudge"
NEXT_CYCLE = "start_next_cycle"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as its recipient sees it: a card, a short text, or nothing (about a step the
    trajectory's wasstraat does not have)."""

    text: str | None = None
    card: Element | None = None

    @property
    def empty(self) -> bool:
        return self.card is None and not self.text


NOTHING = Rendered()


@dataclass(frozen=True, slots=True)
class View:
    """Everything a renderer may look at."""

    body: Body
    trajectory: Trajectory
    language: Language
    template: Template
    zone: ZoneInfo
    viewer: Person | None = None  # who the card is for (None: as the message's role sees it)
    now: datetime | None = None
    # what happened, on top of the card drawn again for the person who acted: a text, and
    # whether it asks for attention (what to correct)
    notices: tuple[tuple[str, bool], ...] = ()
    saved: bool = False  # drawn again after the person saved it

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    @property
    def roles(self) -> set[str]:
        """The roles the card is drawn for: the viewer's, or else the message's role."""
        if self.viewer is not None:
            return self.trajectory.roles_of(self.viewer.aad_object_id, self.now)
        role = self.body.role
        return {role} if role else set()

    def roles_at(self, step: Step) -> list[str]:
        """The viewer's roles the step names, in the step's order; else the message's role (a
        card drawn without a viewer), else any role the viewer holds."""
        roles = self.roles
        named = [*step.actors, *step.may, *self.template.kind_roles(step)]
        found = [r for r in dict.fromkeys(named) if r in roles]
        if found:
            return found
        role = self.body.role
        if role and (self.viewer is None or role in roles):
            return [role]
        return [min(roles)] if roles else []

    def role_line(self, step: Step) -> Element | None:
        roles = self.roles_at(step)
        if not roles:
            return None
        if len(roles) == 1:
            return paragraph(self.t("task.your_role", role=self.role(roles[0])), subtle=True)
        names = ", ".join(self.role(r) for r in roles)
        return paragraph(self.t("task.your_roles", roles=names), subtle=True)

    @property
    def product(self) -> str:
        return self.trajectory.product

    def step(self, step_id: str) -> str:
        return step_label(self.template, step_id, self.language)

    def role(self, role_id: str) -> str:
        return self.template.role(role_id).name.get(self.language)

    def date(self, value: object) -> str | None:
        """The day of a moment or a date (or its ISO text in the message's data), as people
        write it; None when there is none."""
        when = _when(value)
        return None if when is None else format_date(when, self.language, self.zone)

    def moment(self, value: object) -> str | None:
        """A moment's day and time on the municipality's clock; None when there is none."""
        when = _when(value)
        if not isinstance(when, datetime):
            return None
        return format_datetime(when, self.language, self.zone)

    def ref(self, action: str, **extra: Any) -> dict[str, Any]:
        """The data a card action carries: which trajectory (and step, round …) it was made
        for (what a click decides is checked against the trajectory as it is)."""
        return {"trajectory": self.trajectory.id, **extra}


def _when(value: object) -> date | datetime | None:
    """A date or a moment from a message's data: an ISO date ('2027-09-01') is a calendar day,
    anything longer a moment."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return datetime.fromisoformat(value)


B = TypeVar("B", bound=MessageBody)
Renderer = Callable[[View, Any], Rendered]
# one renderer per kind of body; a test keeps it complete for every kind but the silent ones
RENDERERS: dict[str, Renderer] = {}
# kinds nobody reads as a message: a calendar event becomes an Outlook invitation
SILENT = frozenset({CalendarEvent.model_fields["kind"].default})


def renders(
    *bodies: type[B],
) -> Callable[[Callable[[View, B], Rendered]], Callable[[View, B], Rendered]]:
    def register(renderer: Callable[[View, B], Rendered]) -> Callable[[View, B], Rendered]:
        for body in bodies:
            RENDERERS[body.model_fields["kind"].default] = renderer
        return renderer

    return register


def _task(view: View, body: list[Element], actions: list[Element] | None, step: str) -> Element:
    """A task's card: its title, what happened (when drawn again for who acted), its body."""
    title = view.t("task.title", product=view.product, step=view.step(step))
    notices = [
        {**paragraph(line), "color": "Attention", "weight": "Bolder"}
        if attention
        else paragraph(line, spacing="Small")
        for line, attention in view.notices
    ]
    return card([heading(title), *notices, *body], actions)


@renders(StepStarted)
def _step_started(view: View, message: StepStarted) -> Rendered:
    if message.role is None and view.viewer is None:  # to the channel
        text_ = view.t("notice.step_started", product=view.product, step=view.step(message.step))
        return Rendered(text=text_)
    step = view.template.step(message.step)
    roles = view.roles
    line = view.role_line(step)
    body = [line] if line is not None else []
    asked: list[str] = []
    for r in (*step.actors, *step.may):
        ask = step.asks.get(r)
        if r in roles and ask is not None and ask.get(view.language) not in asked:
            asked.append(ask.get(view.language))
    body += [paragraph(line) for line in asked]
    deadline = view.trajectory.steps[step.id].deadline
    if deadline is not None:
        body.append(paragraph(view.t("task.deadline", date=view.date(deadline))))
    actions: list[Element] = []
    active = view.trajectory.status_of(step.id) is StepStatus.ACTIVE
    if active and step.kind.needs_roles() and roles & set(view.template.managers):
        # assembling the group is what the step asks: the button goes with the question
        assign = execute(view.t("roles.button"), ROLES_FORM, trajectory=view.trajectory.id)
        body.append(action_set([assign]))
    form = (
        step_form(
            view.trajectory,
            step,
            roles,
            template=view.template,
            language=view.language,
            viewer=view.viewer,
            zone=view.zone,
        )
        if active
        else None
    )
    if form is not None:
        body += form.body
        actions += form.actions
    if not active:
        body.append(paragraph(view.t("task.step_over", step=view.step(step.id)), subtle=True))
    if view.saved and not (form is not None and form.submitted):
        body.insert(1 if line is not None else 0, paragraph(view.t("form.saved"), spacing="Small"))
    actions.append(_more(view, step))
    return Rendered(card=_task(view, body, actions, step=step.id))


def _more(view: View, step: Step) -> Element:
    """What any member may do from a step card, behind one button: send an improvement idea
    (the field goes with its own button only), or look at the status."""
    idea = execute(
        view.t("form.idea.send"), "add_improvement", trajectory=view.trajectory.id, step=step.id
    )
    status = execute(view.t("task.status"), STATUS_REFRESH)
    return show_card(view.t("card.more"), [_idea_input(view)], [idea, status])


def _idea_input(view: View) -> Element:
    return {
        "type": "Input.Text",
        "id": "text",
        "label": view.t("form.idea"),
        "maxLength": 2000,
    }


@renders(StepDone)
def _step_done(view: View, message: StepDone) -> Rendered:
    return Rendered(
        text=view.t("notice.step_done", product=view.product, step=view.step(message.step))
    )


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
    names = ", ".join(view.role(r) for r in given)
    return Rendered(text=view.t("role_assigned.body", product=view.product, role=names))


@renders(SubstituteAssigned)
def _substitute_assigned(view: View, message: SubstituteAssigned) -> Rendered:
    return Rendered(
        text=view.t(
            "substitute_assigned.body",
            product=view.product,
            role=view.role(message.role),
            absent=message.absent,
        )
    )


@renders(ApprovalRequest)
def _approval_request(view: View, message: ApprovalRequest) -> Rendered:
    subject = message.subject
    step = view.template.approval_step(subject)
    if step is None:
        return NOTHING
    items = approval_items(view.trajectory, subject, view.template, view.language, view.zone)
    body = [paragraph(view.t(f"approval.{subject}"))]
    for item in items[:PAGE]:
        body += item
    if len(items) > PAGE:
        body.append(paragraph(view.t("form.more", count=len(items) - PAGE), subtle=True))
    round_ = message.round
    now_round = current_round(view.trajectory, subject)
    mine = (
        decided_by(view.trajectory, subject, now_round, view.viewer.aad_object_id)
        if view.viewer is not None
        else None
    )
    if mine is not None and round_ == now_round:
        # a decision given: the buttons are gone, what was decided stays
        body.append(
            paragraph(
                view.t(
                    f"receipt.{mine.decision.value}",
                    name=mine.by.name,
                    date=view.date(mine.at),
                    remark=mine.remark,
                ),
                subtle=True,
            )
        )
        return Rendered(card=_task(view, body, None, step=step.id))
    body.append(
        {
            "type": "Input.Text",
            "id": "remark",
            "isMultiline": True,
            "maxLength": 2000,
            "label": view.t("approval.remark"),
        }
    )
    ref = view.ref(DECIDE[subject], step=step.id, round=round_)
    actions = [
        execute(view.t("approval.approve"), DECIDE[subject], decision="approve", **ref),
        execute(view.t("approval.reject"), DECIDE[subject], decision="reject", **ref),
    ]
    return Rendered(card=_task(view, body, actions, step=step.id))


@renders(Rejected)
def _rejected(view: View, message: Rejected) -> Rendered:
    subject = view.t(f"subject.{message.subject}")
    return Rendered(
        text=view.t("rejected.body", by=message.by, subject=subject, remark=message.remark)
    )


@renders(CheckRequest)
def _check_request(view: View, message: CheckRequest) -> Rendered:
    if message.step not in {s.id for s in view.template.steps}:
        return NOTHING
    step = view.template.step(message.step)
    body = [paragraph(view.t("check.body"))]
    check = view.trajectory.check
    round_ = message.round
    if round_ is not None and round_ != check.round:
        # a card of an earlier round: that round is over, the new one has its own card
        body.append(paragraph(view.t("check.round_over"), subtle=True))
        return Rendered(card=_task(view, body, None, step=step.id))
    answer = check.answers.get(view.viewer.aad_object_id) if view.viewer is not None else None
    if answer is not None:
        # answered: the buttons are gone, the answer stays
        line = (
            view.t("receipt.check_agree")
            if answer.agrees
            else view.t("receipt.check_disagree", remark=answer.remark)
        )
        body.append(paragraph(line, subtle=True))
        return Rendered(card=_task(view, body, None, step=step.id))
    deadline = view.date(message.deadline)
    if deadline:
        body.append(paragraph(view.t("task.deadline", date=deadline)))
    body.append(
        {
            "type": "Input.Text",
            "id": "remark",
            "isMultiline": True,
            "maxLength": 2000,
            "label": view.t("check.remark"),
        }
    )
    ref = view.ref(ANSWER_CHECK, step=step.id, round=check.round)
    actions: list[Element] = []
    link = message.link
    if link:
        actions.append({"type": "Action.OpenUrl", "title": view.t("check.link"), "url": link})
    actions += [
        execute(view.t("check.agree"), ANSWER_CHECK, agrees=True, **ref),
        execute(view.t("check.disagree"), ANSWER_CHECK, agrees=False, **ref),
    ]
    return Rendered(card=_task(view, body, actions, step=step.id))


@renders(CheckProgress)
def _check_progress(view: View, message: CheckProgress) -> Rendered:
    line = view.t(
        "check_progress.body",
        product=view.product,
        answered=message.answered,
        count=message.asked,
    )
    step = view.template.one(Check)
    if step is None or view.trajectory.status_of(step.id) is not StepStatus.ACTIVE:
        return Rendered(text=line)
    close = execute(view.t("check.close"), CLOSE_CHECK, **view.ref(CLOSE_CHECK, step=step.id))
    return Rendered(card=_task(view, [paragraph(line)], [close], step=step.id))


@renders(CheckSummary)
def _check_summary(view: View, message: CheckSummary) -> Rendered:
    """What the check found, each remark with who wrote it; who may send the work back to the
    step the check checks gets the button for it while that is still possible."""
    summary = view.t(
        "check_summary.body",
        product=view.product,
        agree=message.agree,
        disagree=message.disagree,
    )
    if message.missing:
        summary += " " + view.t("check_summary.missing", names=", ".join(message.missing))
    step = view.template.one(Check)
    round_ = message.round
    if step is None or round_ is None:  # a summary from before remarks were kept
        return Rendered(text=summary)
    check = view.trajectory.check
    answers = [a for a in check.answers_of(round_) if a.remark.strip()]
    body: list[Element] = [paragraph(summary)]
    if answers:
        body.append(paragraph(view.t("check_summary.remarks"), spacing="Medium"))
        lines = [
            view.t(
                "check_summary.remark_agree" if a.agrees else "check_summary.remark",
                name=a.by.name or "?",
                remark=short(a.remark),
            )
            for a in answers[:PAGE]
        ]
        body += [paragraph(line, spacing="Small") for line in lines]
        if len(answers) > PAGE:
            body.append(paragraph(view.t("form.more", count=len(answers) - PAGE), subtle=True))
    actions: list[Element] = []
    back = as_kind(step, Check).send_back_to
    if back is not None and round_ == check.round and _may_send_back(view, step):
        named = back if back[0].isdigit() else view.template.step(back).name.get(view.language)
        title = view.t("check.send_back", step=named)
        actions.append(execute(title, SEND_BACK_CHECK, **view.ref(SEND_BACK_CHECK, round=round_)))
    elif round_ != check.round:
        body.append(paragraph(view.t("check_summary.sent_back"), subtle=True))
    return Rendered(card=_task(view, body, actions or None, step=step.id))


def _may_send_back(view: View, step: Step) -> bool:
    """Asked of the engine for the viewer; drawn without a viewer, as the message's role."""
    if view.viewer is None or view.now is None:
        return any(Section.SEND_BACK in step.sections(role) for role in view.roles)
    return SEND_BACK_CHECK in allowed_actions(view.trajectory, view.viewer, view.now, view.template)


@renders(ReviewRequest)
def _review_request(view: View, message: ReviewRequest) -> Rendered:
    """One card a reviewer, with a part for each reviewing role they hold: each asks in that
    role's terms (the template's ``asks``) and takes a verdict per improvement in that role."""
    step = view.template.one(Reviews)
    if step is None:
        return NOTHING
    reviewing = view.template.reviewers(step)
    if view.viewer is not None:
        mine = [r for r in reviewing if r in view.roles]
        sections = [(r, pending(view.trajectory, view.viewer, r)) for r in mine]
    else:
        named = message.roles or ([message.role] if message.role else [])
        sections = [(r, message.improvements) for r in named if r in reviewing]
    roles = [r for r, _left in sections]
    open_ = [(r, left) for r, left in sections if left]
    count = len({i for _r, left in open_ for i in left})
    body: list[Element] = []
    if len(roles) == 1:
        body.append(paragraph(view.t("task.your_role", role=view.role(roles[0])), subtle=True))
    elif roles:
        names = ", ".join(view.role(r) for r in roles)
        body.append(paragraph(view.t("task.your_roles", roles=names), subtle=True))
    if count:
        body.append(paragraph(view.t("review_request.body", product=view.product, count=count)))
    deadline = view.date(message.deadline)
    if deadline and count:
        body.append(paragraph(view.t("task.deadline", date=deadline)))
    actions: list[Element] = []
    if view.trajectory.status_of(step.id) is StepStatus.ACTIVE and open_:
        form = review_form(
            view.trajectory, step, open_, template=view.template, language=view.language
        )
        body += form.body
        actions += form.actions
    elif not open_:
        body.append(paragraph(view.t("review_request.done"), subtle=True))
    if view.saved:
        body.insert(1 if roles else 0, paragraph(view.t("form.saved"), spacing="Small"))
    return Rendered(card=_task(view, body, actions or None, step=step.id))


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
    names = "; ".join(short(i.text, 120) for i in items[:PAGE])
    return Rendered(
        text=view.t(
            "notice.implementation_assigned", product=view.product, count=len(items), items=names
        )
    )


@renders(EvaluationRequest)
def _evaluation_request(view: View, message: EvaluationRequest) -> Rendered:
    """The project group's evaluation card: every KPI with its baseline and target; who may
    record the evaluation also gets the fields for the new measurements and the lessons."""
    step = view.template.one(Evaluation)
    if step is None:
        return NOTHING
    body = [paragraph(view.t("notice.evaluation_request", product=view.product))]
    active = view.trajectory.status_of(step.id) is StepStatus.ACTIVE
    records = bool(view.roles & set(view.template.kind_roles(step)))
    actions: list[Element] = []
    if active and records and view.trajectory.evaluation.requested_at is not None:
        form = evaluation_form(view.trajectory, step, language=view.language)
        body += form.body
        actions += form.actions
    elif view.trajectory.kpis:
        lines = [
            view.t(
                "evaluation_request.kpi",
                name=k.name,
                baseline=num(k.baseline, view.language),
                target=num(k.target, view.language),
                unit=k.unit,
            )
            for k in view.trajectory.kpis
        ]
        body.append(
            {"type": "TextBlock", "wrap": True, "text": "\n".join(f"- {line}" for line in lines)}
        )
    actions.append(execute(view.t("task.status"), STATUS_REFRESH))
    return Rendered(card=_task(view, body, actions, step=step.id))


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
    actions = [
        execute(view.t("status.details"), TRAJECTORY_DETAIL, trajectory=view.trajectory.id),
        execute(view.t("task.status"), STATUS_REFRESH),
    ]
    return Rendered(card=card(body, actions))


@renders(Reminder)
def _reminder(view: View, message: Reminder) -> Rendered:
    """The task's own card again, with the reminder on top."""
    since = view.date(message.since) or ""
    what = view.t(f"waiting.{message.what}")
    key = "reminder.nudged" if message.nudged else "reminder.body"
    line = view.t(key, product=view.product, since=since, what=what, by=message.by or "")
    task = message.task
    inner = RENDERERS[task.kind](replace(view, body=task), task)
    if inner.card is None:
        return Rendered(text=line)
    reminded = dict(inner.card)
    reminded["body"] = [
        inner.card["body"][0],
        {"type": "TextBlock", "text": line, "wrap": True, "color": "Attention"},
        *inner.card["body"][1:],
    ]
    return Rendered(card=reminded)


@renders(TaskOverdue)
def _task_overdue(view: View, message: TaskOverdue) -> Rendered:
    line = view.t(
        "task_overdue.body",
        product=view.product,
        step=view.step(message.step),
        name=message.name or "?",
        since=view.date(message.since) or "",
        what=view.t(f"waiting.{message.what}"),
    )
    actions = [
        execute(view.t("nudge.button"), NUDGE, trajectory=view.trajectory.id),
        execute(view.t("task.status"), STATUS_REFRESH),
    ]
    return Rendered(card=_task(view, [paragraph(line)], actions, step=message.step))


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


def render_message(
    body: Body,
    trajectory: Trajectory,
    *,
    language: Language,
    template: Template,
    zone: ZoneInfo,
    viewer: Person | None = None,
    now: datetime | None = None,
    notices: tuple[tuple[str, bool], ...] = (),
    saved: bool = False,
) -> Rendered:
    """The card or text for one message, drawn for ``viewer`` at ``now`` from the trajectory
    as it is: their roles, only what they may use now, nothing they already did. Drawn again
    for who acted: ``notices`` (each a text, and whether it asks for attention) go under the
    title, and ``saved`` says that what they saved was kept."""
    view = View(
        body=body,
        trajectory=trajectory,
        language=language,
        template=template,
        zone=zone,
        viewer=viewer,
        now=now,
        notices=notices,
        saved=saved,
    )
    return RENDERERS[body.kind](view, body)


def redrawn(kind: str, step: str) -> Body:
    """The body of a task card of ``kind`` for a step, to draw it again as it is now (the
    renderers read what the person still has to do from the trajectory)."""
    if kind == "review_request":
        return ReviewRequest(step=step, improvements=[])
    if kind == "evaluation_request":
        return EvaluationRequest(step=step)
    return StepStarted(step=step)


DIGEST_SHOWN = 10  # tasks drawn in one digest (a card must stay under Teams' 28 KB)


@dataclass(frozen=True, slots=True)
class Reminded:
    """One due reminder as a digest draws it: the message's body, its trajectory as it is now,
    and the wasstraat that trajectory follows."""

    body: Body
    trajectory: Trajectory
    template: Template


def _has_inputs(element: object) -> bool:
    if isinstance(element, list):
        return any(_has_inputs(item) for item in element)
    if not isinstance(element, dict):
        return False
    if str(element.get("type", "")).startswith("Input."):
        return True
    return any(_has_inputs(value) for value in element.values())


def digest_card(
    reminders: list[Reminded],
    *,
    language: Language,
    zone: ZoneInfo,
    viewer: Person,
    now: datetime,
) -> Element:
    """The daily digest: one person's due reminders across trajectories in one card, each task
    with its own buttons (the very actions of its card, so a click goes through the same gate).
    A task whose card asks for input opens in place, so that no two forms share a card."""
    body: list[Element] = [
        heading(text("digest.title", language)),
        paragraph(text("digest.intro", language, count=len(reminders)), subtle=True),
    ]
    for reminded in reminders[:DIGEST_SHOWN]:
        rendered = render_message(
            reminded.body,
            reminded.trajectory,
            language=language,
            template=reminded.template,
            zone=zone,
            viewer=viewer,
            now=now,
        )
        task = rendered.card
        if task is None:
            items: list[Element] = [paragraph(rendered.text or "")]
        else:
            title, line, *rest = task["body"]
            items = [{**title, "size": "Default"}, {**line, "spacing": "None"}]
            actions = list(task.get("actions") or [])
            if _has_inputs(rest):
                opened = card(rest, actions)
                opened.pop("$schema", None)
                actions = [
                    {
                        "type": "Action.ShowCard",
                        "title": text("digest.open", language),
                        "card": opened,
                    }
                ]
            if actions:
                items.append({"type": "ActionSet", "actions": actions})
        body.append({"type": "Container", "separator": True, "spacing": "Medium", "items": items})
    if len(reminders) > DIGEST_SHOWN:
        body.append(paragraph(text("digest.more", language, count=len(reminders) - DIGEST_SHOWN)))
    return card(body)


def idea_choice_card(trajectories: list[Trajectory], idea: str, language: Language) -> Element:
    """Which trajectory an idea belongs to, one button each."""
    actions = [
        execute(t.product, "add_improvement", trajectory=t.id, text=idea[:2000])
        for t in trajectories[:5]
    ]
    return card(
        [paragraph(text("idea.choose", language)), paragraph(f"“{idea}”", subtle=True)], actions
    )
