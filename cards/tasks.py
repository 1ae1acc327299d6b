"""How each task reads on its card: a step's work, an approval, the reviews, the
evaluation, and a reminder or an overdue task bringing one of them again (the check's cards are
in :mod:`cards.checks`)."""

from __future__ import annotations

from dataclasses import replace

from cards import journey
from cards.base import Element, action_set, execute, paragraph, show_card
from cards.catalogue import join
from cards.formats import num
from cards.formbase import PAGE
from cards.forms import reading, step_form
from cards.review_forms import evaluation_form, review_form
from cards.roles import ROLES_FORM
from cards.status import STATUS_REFRESH, waits_on_line
from cards.submitted import approval_items
from cards.view import (
    DECIDE,
    NOTHING,
    NUDGE,
    RENDERERS,
    Rendered,
    View,
    renders,
    task_card,
)
from wasstraat.effects import (
    ApprovalRequest,
    EvaluationRequest,
    Reminder,
    ReviewRequest,
    StepStarted,
    TaskOverdue,
)
from wasstraat.kinds.approval import current_round, decided_by, decisions, open_seats, put_up
from wasstraat.kinds.reviews import pending
from wasstraat.model import Approval, StepStatus
from wasstraat.template import (
    SUBJECTS,
    Evaluation,
    Reviews,
    Step,
)


@renders(StepStarted)
def _step_started(view: View, message: StepStarted) -> Rendered:
    if message.role is None and view.viewer is None:  # to the channel
        text_ = view.t("notice.step_started", product=view.product, step=view.step(message.step))
        return Rendered(text=text_)
    step = view.template.step(message.step)
    roles = view.roles
    line = view.role_line(step)
    body = [line] if line is not None else []
    body += _asked(view, step)
    body += view.due_line(step.id)
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
    if active:
        # an approver who edits the same part reads it in the form above
        approval, deciding = _approver_part(view, step, with_items=form is None)
        body += approval
        actions = deciding + actions
        if form is None and not approval:
            # an actor asked to read and react: what the step is about
            body += reading(
                view.trajectory,
                step,
                roles,
                template=view.template,
                language=view.language,
                viewer=view.viewer,
                zone=view.zone,
            )
    if not active:
        body += journey.recorded(view.trajectory, step, view.template, view.language)
        body.append(_step_over(view, step))
    if view.saved and not (form is not None and form.submitted):
        body.insert(1 if line is not None else 0, paragraph(view.t("form.saved"), spacing="Small"))
    if view.saved:
        body += _waits_on(view)
    actions.append(_more(view, step))
    return Rendered(card=task_card(view, body, actions, step=step.id))


def _step_over(view: View, step: Step) -> Element:
    """'Stap 9 is op ma 6 dec afgerond; hier is niets meer te doen.'"""
    state = view.trajectory.steps.get(step.id)
    done = view.date(state.done_at) if state is not None else None
    label = view.step(step.id)
    said = (
        view.t("task.step_over_on", step=label, date=done)
        if done
        else view.t("task.step_over", step=label)
    )
    return paragraph(said, subtle=True)


def _asked(view: View, step: Step) -> list[Element]:
    """What the step asks of each role the viewer holds there, each text once."""
    asked: list[str] = []
    for r in (*step.actors, *step.may):
        ask = step.asks.get(r)
        if r in view.roles and ask is not None and ask.get(view.language) not in asked:
            asked.append(ask.get(view.language))
    return [paragraph(line) for line in asked]


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


@renders(ApprovalRequest)
def _approval_request(view: View, message: ApprovalRequest) -> Rendered:
    step = view.template.approval_step(message.subject)
    if step is None:
        return NOTHING
    body, actions = _approval_part(view, step, message.subject, message.round)
    return Rendered(card=task_card(view, body, actions, step=step.id))


def _approval_part(
    view: View, step: Step, subject: str, round_: int, *, with_items: bool = True
) -> tuple[list[Element], list[Element] | None]:
    """What is up for approval and the buttons to decide (or, once decided, the decision);
    ``with_items=False`` when the card shows what is up in its own form already."""
    items = (
        approval_items(view.trajectory, subject, view.template, view.language, view.zone)
        if with_items
        else []
    )
    body = [paragraph(view.t(f"approval.{subject}"))]
    for item in items[:PAGE]:
        body += item
    if len(items) > PAGE:
        body.append(paragraph(view.t("form.more", count=len(items) - PAGE), subtle=True))
    now_round = current_round(view.trajectory, subject)
    mine = (
        decided_by(view.trajectory, subject, now_round, view.viewer.aad_object_id)
        if view.viewer is not None
        else None
    )
    settled = round_ != now_round or not open_seats(view.trajectory, step, view.now)
    if mine is not None or settled:
        # no longer a question: what was put up, then what was decided
        body[0] = paragraph(view.t(f"reading.{subject}"))
    if mine is not None and round_ == now_round:
        # a decision given: the buttons are gone, what was decided stays
        body.append(_decision_line(view, mine))
        return body, None
    if settled:
        # decided by others (or a round that is over): who decided what, and when
        given = decisions(view.trajectory, subject, round_)
        body += [_decision_line(view, d) for d in given]
        if not given:
            body.append(paragraph(view.t("approval.round_over"), subtle=True))
        return body, None
    body += view.due_line(step.id)
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
    return body, actions


def _decision_line(view: View, given: Approval) -> Element:
    return paragraph(
        view.t(
            f"receipt.{given.decision.value}",
            name=given.by.name,
            date=view.date(given.at),
            remark=given.remark,
        ),
        subtle=True,
    )


def _approver_part(
    view: View, step: Step, *, with_items: bool
) -> tuple[list[Element], list[Element]]:
    """An approver's step card: the approval itself as soon as something is up for it, and
    until then what will come, and from whom."""
    subject = step.kind.decides()
    if subject is None or view.viewer is None:
        return [], []
    if not view.roles & set(view.template.kind_roles(step)):
        return [], []
    if put_up(view.trajectory, subject):
        round_ = current_round(view.trajectory, subject)
        body, actions = _approval_part(view, step, subject.value, round_, with_items=with_items)
        return body, actions or []
    section = SUBJECTS[subject].puts_up
    names = {
        p.aad_object_id: p.name
        for role, parts in step.may.items()
        if section in parts
        for p in view.trajectory.holders(role)
    }
    line = view.t(
        "approval.will_come",
        what=view.t(f"subject.{subject.value}"),
        names=", ".join(names.values()) or "?",
    )
    return [paragraph(line, subtle=True)], []


@renders(ReviewRequest)
def _review_request(view: View, message: ReviewRequest) -> Rendered:
    """One card a reviewer, with a part for each reviewing role they hold: each asks in that
    role's terms (the template's ``asks``) and takes a verdict per improvement in that role."""
    step = view.template.one(Reviews)
    if step is None:
        return NOTHING
    reviewing = view.template.kind_roles(step)
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
        body += _waits_on(view)
    return Rendered(card=task_card(view, body, actions or None, step=step.id))


def _waits_on(view: View) -> list[Element]:
    """Every receipt says whom the trajectory now waits on."""
    line = waits_on_line(view.trajectory, view.template, view.language)
    return [] if line is None else [paragraph(line, subtle=True)]


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
    form = (
        evaluation_form(view.trajectory, step, language=view.language)
        if active and records and view.trajectory.evaluation.requested_at is not None
        else None
    )
    actions: list[Element] = []
    if active:
        body += _asked(view, step)
    if form is not None:
        body += view.due_line(step.id)
        body += form.body
        actions += form.actions
    elif active and not records:
        # everyone else is told who records it, and that the result will come to them
        people = {
            p.aad_object_id: p.name
            for role in view.template.kind_roles(step)
            for p in view.trajectory.holders(role)
        }
        if people:
            names = join(list(people.values()), view.language)
            body.append(paragraph(view.t("evaluation_request.by", count=len(people), names=names)))
    elif not active:
        body.append(_step_over(view, step))
    if form is None and view.trajectory.kpis:
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
    return Rendered(card=task_card(view, body, actions, step=step.id))


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
    return Rendered(card=task_card(view, [paragraph(line)], actions, step=message.step))
