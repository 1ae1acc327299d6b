"""How the check of the process description reads on its cards: the request to each member of
the group, the progress for the project leader, the summary with every remark and — while a
remark waits — the decision about it for whoever may send the description back, and what its
writer hears."""

from __future__ import annotations

from cards.base import Element, execute, paragraph, short
from cards.formbase import PAGE, choice, text_input
from cards.view import (
    ANSWER_CHECK,
    CLOSE_CHECK,
    NOTHING,
    RESOLVE_REMARKS,
    SEND_BACK_CHECK,
    Rendered,
    View,
    renders,
    task_card,
)
from wasstraat.effects import CheckHeld, CheckProgress, CheckRequest, CheckSummary, RemarkDecided
from wasstraat.engine import allowed_actions
from wasstraat.kinds import as_kind
from wasstraat.kinds.check import DECIDABLE, check_open, decider_roles, deciders
from wasstraat.model import FINISHED_STEP, Resolution, StepStatus
from wasstraat.template import Check, Section, Step


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
        return Rendered(card=task_card(view, body, None, step=step.id))
    answer = check.answers.get(view.viewer.aad_object_id) if view.viewer is not None else None
    if answer is not None:
        # answered: the buttons are gone, the answer stays, and what became of a remark
        names = ", ".join(p.name for p in deciders(view.trajectory, step)) or "?"
        line = (
            view.t("receipt.check_agree")
            if answer.agrees
            else view.t("receipt.check_disagree", remark=answer.remark, names=names)
        )
        body.append(paragraph(line, subtle=True))
        if answer.resolution is not None:
            body.append(paragraph(_decided(view, answer.resolution), subtle=True))
        return Rendered(card=task_card(view, body, None, step=step.id))
    over = view.trajectory.status_of(step.id) in FINISHED_STEP
    if over or (check.sent_at is not None and not check_open(view.trajectory)):
        # closed (by the deadline, or early) before this person answered: nothing to do now
        closed = view.date(check.closed_at)
        said = view.t("check.closed_on", date=closed) if closed else view.t("check.closed")
        body.append(paragraph(said, subtle=True))
        return Rendered(card=task_card(view, body, None, step=step.id))
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
    return Rendered(card=task_card(view, body, actions, step=step.id))


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
    return Rendered(card=task_card(view, [paragraph(line)], [close], step=step.id))


@renders(CheckSummary)
def _check_summary(view: View, message: CheckSummary) -> Rendered:
    """What the check found, each remark with who wrote it and what became of it. While a
    remark waits for a decision, whoever decides gets, per remark, handled or kept for the plan
    with why, and the button to send the description back; after the check, who may send it
    back still has that button while it is possible."""
    step = view.template.one(Check)
    round_ = message.round
    check = view.trajectory.check
    deciding = not message.final and round_ == check.round and bool(check.open_remarks())
    if message.final or round_ != check.round or not check_open(view.trajectory):
        summary = view.t(
            "check_summary.body",
            product=view.product,
            agree=message.agree,
            disagree=message.disagree,
        )
    else:  # drawn from the check as it is now
        answers_now = list(check.answers.values())
        summary = view.t(
            "check_decision.body",
            product=view.product,
            agree=sum(1 for a in answers_now if a.agrees),
            disagree=sum(1 for a in answers_now if not a.agrees),
        )
    if message.missing:
        summary += " " + view.t("check_summary.missing", names=", ".join(message.missing))
    if step is None or round_ is None:  # a summary from before remarks were kept
        return Rendered(text=summary)
    answers = [a for a in check.answers_of(round_) if a.remark.strip()]
    body: list[Element] = [paragraph(summary)]
    may_decide = deciding and _may(view, step, "resolve_remark")
    if answers:
        body.append(paragraph(view.t("check_summary.remarks"), spacing="Medium"))
        for a in answers[:PAGE]:
            line = view.t(
                "check_summary.remark_agree" if a.agrees else "check_summary.remark",
                name=a.by.name or "?",
                remark=short(a.remark),
            )
            body.append(paragraph(line, spacing="Small"))
            if a.resolution is not None:
                body.append(paragraph(_decided(view, a.resolution), subtle=True, spacing="None"))
            elif a.open and may_decide:
                body += _remark_inputs(view, a.by.aad_object_id)
        if len(answers) > PAGE:
            body.append(paragraph(view.t("form.more", count=len(answers) - PAGE), subtle=True))
    actions: list[Element] = []
    if may_decide:
        body += view.due_line(step.id)
        body.append(paragraph(view.t("check_decision.how"), subtle=True, spacing="Medium"))
        ref = view.ref(RESOLVE_REMARKS, step=step.id, round=round_)
        actions.append(execute(view.t("check_decision.save"), RESOLVE_REMARKS, **ref))
    elif deciding:
        names = ", ".join(p.name for p in deciders(view.trajectory, step))
        body.append(paragraph(view.t("check_decision.waits_on", names=names), subtle=True))
    back = as_kind(step, Check).send_back_to
    if back is not None and round_ == check.round and _may_send_back(view, step):
        named = back if back[0].isdigit() else view.template.step(back).name.get(view.language)
        title = view.t("check.send_back", step=named)
        actions.append(execute(title, SEND_BACK_CHECK, **view.ref(SEND_BACK_CHECK, round=round_)))
    elif round_ != check.round:
        body.append(paragraph(view.t("check_summary.sent_back"), subtle=True))
    return Rendered(card=task_card(view, body, actions or None, step=step.id))


def _remark_inputs(view: View, writer: str) -> list[Element]:
    outcomes = [(o.value, view.t(f"check_decision.{o.value}")) for o in DECIDABLE]
    return [
        choice(f"res_{writer}", view.t("check_decision.outcome"), outcomes, None, expanded=True),
        text_input(f"why_{writer}", view.t("check_decision.why"), multiline=True),
    ]


def _decided(view: View, resolution: Resolution) -> str:
    line = view.t(
        f"check_decision.decided.{resolution.outcome.value}",
        name=resolution.by.name,
        date=view.date(resolution.at),
    )
    if resolution.reason:
        line += view.t("approval.review_remark", remark=short(resolution.reason))
    return line


def _may(view: View, step: Step, action: str) -> bool:
    """Asked of the engine for the viewer; drawn without a viewer, as the message's role."""
    if view.viewer is None or view.now is None:
        return bool(decider_roles(step) & set(view.roles))
    return action in allowed_actions(view.trajectory, view.viewer, view.now, view.template)


@renders(CheckHeld)
def _check_held(view: View, message: CheckHeld) -> Rendered:
    key = "check_held.deadline" if message.reason == "deadline" else "check_held.answered"
    line = view.t(key, product=view.product, count=message.open, names=", ".join(message.deciders))
    return Rendered(text=line)


@renders(RemarkDecided)
def _remark_decided(view: View, message: RemarkDecided) -> Rendered:
    """To the writer of a remark: what was decided about it, by whom and why."""
    mine = [
        a
        for a in view.trajectory.check.answers_of(message.round)
        if view.viewer is not None and a.by.aad_object_id == view.viewer.aad_object_id
    ]
    remark = short(mine[0].remark) if mine else ""
    line = view.t(
        f"remark_decided.{message.outcome}",
        product=view.product,
        by=message.by,
        remark=remark,
    )
    if message.reason:
        line += " " + view.t("remark_decided.why", reason=short(message.reason))
    return Rendered(text=line)


def _may_send_back(view: View, step: Step) -> bool:
    """Asked of the engine for the viewer; drawn without a viewer, as the message's role."""
    if view.viewer is None or view.now is None:
        return any(Section.SEND_BACK in step.sections(role) for role in view.roles)
    return SEND_BACK_CHECK in allowed_actions(view.trajectory, view.viewer, view.now, view.template)
