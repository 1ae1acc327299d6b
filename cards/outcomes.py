"""Cards that answer a click: a receipt, 'already dealt with', 'not for you', or the form again
with what to correct. Pure functions of the trajectory and the viewer."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cards.base import Element, card, heading, paragraph, short
from cards.catalogue import MESSAGES, Language, text
from cards.formats import format_date, in_sentence
from cards.messages import render_message
from cards.status import status_card, step_label, waits_on_line
from cards.view import ANSWER_CHECK, DECIDE, SEND_BACK_CHECK
from wasstraat.effects import ApprovalRequest, Body, CheckRequest
from wasstraat.engine import Outcome, Waiting, nudged, roles_for
from wasstraat.kinds.check import deciders
from wasstraat.model import AuditEntry, Trajectory
from wasstraat.template import SUBJECTS, Check, Template

ADD_IMPROVEMENT = "add_improvement"
TYPED_SHOWN = 6  # of what a person typed into a card that came too late
ROUNDS = {
    **{rules.decide: rules.round for rules in SUBJECTS.values()},
    ANSWER_CHECK: "check_round",
    SEND_BACK_CHECK: "check_round",
}
# cards made before they carried their round: these were all of the first round
FIRST_ROUND = frozenset({ANSWER_CHECK, SEND_BACK_CHECK})


@dataclass(frozen=True, slots=True)
class Viewer:
    language: Language
    template: Template
    zone: ZoneInfo
    now: datetime

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def date(self, moment: datetime) -> str:
        return format_date(moment, self.language, self.zone)


def stale_card(
    trajectory: Trajectory,
    last: AuditEntry | None,
    viewer: Viewer,
    *,
    step: str | None = None,
    typed: Sequence[str] = (),
    asked: Sequence[Waiting] | None = None,
) -> Element:
    """'Already dealt with' above the trajectory's current state, saying what is true: who
    closed the card's step and when ("Stap 9 is op 6 dec afgerond door Jeroen Bakker"), or who
    did it already; what the person typed, which was not saved; and what, if anything, is still
    asked of them (``asked``, when known). ``last`` is the audit entry of what dealt with it."""
    names = {p.aad_object_id: p.name for p in trajectory.members()}
    who = names.get(last.actor) if last is not None else None
    if last is not None and last.action == "step.done" and step is not None:
        label = step_label(viewer.template, step, viewer.language)
        key = "action.stale_step_by" if who else "action.stale_step"
        first = viewer.t(key, step=label, name=who or "", date=viewer.date(last.at))
    else:
        by = ""
        if last is not None and who:
            by = viewer.t("action.stale_by", name=who, date=viewer.date(last.at))
        first = viewer.t("action.stale", by=by)
    lines = [paragraph(first)]
    if typed:
        shown = ", ".join(f"“{short(value, 200)}”" for value in typed[:TYPED_SHOWN])
        lines.append(paragraph(viewer.t("action.not_saved", typed=shown), subtle=True))
    if asked is not None:
        if asked:
            what = "; ".join(
                viewer.t(
                    "action.still_asked_line",
                    what=viewer.t(f"waiting.{w.what}"),
                    step=step_label(viewer.template, w.step, viewer.language),
                )
                for w in asked
            )
            lines.append(paragraph(viewer.t("action.still_asked", what=what)))
        else:
            lines.append(paragraph(viewer.t("action.nothing_asked")))
    current = status_card(
        [trajectory],
        template=viewer.template,
        language=viewer.language,
        zone=viewer.zone,
        now=viewer.now,
    )
    current["body"][:0] = lines
    return current


def receipt_card(
    trajectory: Trajectory, action: str, data: Mapping[str, Any], actor: str, viewer: Viewer
) -> Element:
    """What the clicked card turns into once the click was taken."""
    remark = str(data.get("remark") or "")
    if action == ADD_IMPROVEMENT:
        line = viewer.t("receipt.improvement", product=trajectory.product)
    elif action == "close_check":
        line = viewer.t("receipt.check_closed")
    elif action == SEND_BACK_CHECK:
        line = viewer.t("receipt.check_sent_back")
    elif action == ANSWER_CHECK:
        agrees = data.get("agrees") in (True, "true")
        line = (
            viewer.t("receipt.check_agree")
            if agrees
            else viewer.t(
                "receipt.check_disagree",
                remark=remark,
                names=decider_names(trajectory, viewer.template),
            )
        )
    else:
        decision = "approve" if data.get("decision") == "approve" else "reject"
        line = viewer.t(
            f"receipt.{decision}", name=actor, date=viewer.date(viewer.now), remark=remark
        )
    step = data.get("step")
    title = trajectory.product
    if isinstance(step, str) and step in trajectory.steps:
        title = f"{title} · {step_label(viewer.template, step, viewer.language)}"
    body = [heading(title), paragraph(line)]
    waits = waits_on_line(trajectory, viewer.template, viewer.language)
    if waits is not None:
        body.append(paragraph(waits, subtle=True))
    return card(body)


def decider_names(trajectory: Trajectory, template: Template) -> str:
    """Who decides about the check's remarks, as a "klopt niet" receipt names them."""
    check = template.one(Check)
    names = [p.name for p in deciders(trajectory, check)] if check is not None else []
    return ", ".join(names) or "?"


def nudge_receipt(outcome: Outcome, actor_id: str, viewer: Viewer) -> str:
    """Whom a "herinner nu" just reminded, and whom it skipped (reminded a moment ago)."""
    reminded, skipped = nudged(outcome, actor_id)
    product = outcome.trajectory.product
    if not reminded and not skipped:
        return viewer.t("receipt.nudge_only_you", product=product)
    line = (
        viewer.t("receipt.nudge", product=product, names=", ".join(reminded))
        if reminded
        else viewer.t("receipt.nudge_nobody", product=product)
    )
    if skipped:
        line += " " + viewer.t("receipt.nudge_skipped", names=", ".join(skipped))
    return line


def not_allowed_card(trajectory: Trajectory, action: str, viewer: Viewer) -> Element:
    labels = [
        in_sentence(viewer.template.role(r).name.get(viewer.language))
        for r in roles_for(action, viewer.template)
    ]
    return card(
        [
            paragraph(
                viewer.t(
                    "action.not_allowed",
                    roles=" / ".join(labels) or "-",
                    product=trajectory.product,
                )
            )
        ]
    )


def _form_body(trajectory: Trajectory, action: str, template: Template) -> Body | None:
    """The message a form card was drawn from, made again from the current state."""
    if action == ANSWER_CHECK:
        check = trajectory.check
        step = template.one(Check)
        if step is None:
            return None
        return CheckRequest(
            step=step.id,
            deadline=check.deadline.isoformat() if check.deadline else None,
            link=trajectory.process_maps[-1] if trajectory.process_maps else None,
            round=check.round,
        )
    for subject, kind in DECIDE.items():
        if kind == action:
            round_field = ROUNDS.get(action)
            round_ = getattr(trajectory, round_field) if round_field else 1
            return ApprovalRequest(subject=subject, round=round_)
    return None


def form_with_error(trajectory: Trajectory, action: str, message: str, viewer: Viewer) -> Element:
    """Field errors go back on the form itself, so the person can correct and click again."""
    form = _form_body(trajectory, action, viewer.template)
    rendered = (
        render_message(
            form,
            trajectory,
            language=viewer.language,
            template=viewer.template,
            zone=viewer.zone,
            notices=((message, True),),
        )
        if form is not None
        else None
    )
    if rendered is None or rendered.card is None:
        return card([{**paragraph(message), "color": "Attention", "weight": "Bolder"}])
    return rendered.card


def refusal_message(
    code: str,
    detail: Mapping[str, Any],
    *,
    language: Language,
    template: Template,
    trajectory: Trajectory | None = None,
    not_now: bool = False,
) -> str:
    """What any refusal of the engine says to the person, in their language, naming what is
    actually wrong (the roles still to assign, whose support is awaited, which step is not
    running); a refusal without its own words says what kind of refusal it is."""
    key = f"error.{code}"
    if key not in MESSAGES:
        return text("error.not_now" if not_now else "error.invalid", language)

    def role_name(role_id: object) -> str:
        try:
            return in_sentence(template.role(str(role_id)).name.get(language))
        except KeyError:
            return str(role_id)

    def names(values: object, name: Callable[[object], str]) -> str:
        items = values if isinstance(values, list | tuple) else [values] if values else []
        return ", ".join(name(v) for v in items)

    def p_name(p_id: object) -> str:
        return next((p.name.get(language) for p in template.ps if p.id == p_id), str(p_id))

    def improvement_text(i: object) -> str:
        found = trajectory.improvement(str(i)) if trajectory is not None else None
        return f"'{found.text}'" if found is not None else str(i)

    step = detail.get("step")
    try:
        step_name = step_label(template, str(step), language) if step else None
    except KeyError:
        step_name = None
    values = {
        **{k: v for k, v in detail.items() if isinstance(v, str | int | float)},
        "roles": names(detail.get("roles"), role_name),
        "role": role_name(detail.get("role", "")),
        "ps": names(detail.get("ps"), p_name),
        "improvements": names(detail.get("improvements"), improvement_text),
        "kpis": names(detail.get("kpis"), str),
        "step": step_name or text("error.this_step", language),
    }
    return text(key, language, **values)


def error_card(message: str) -> Element:
    return card([paragraph(message)])
