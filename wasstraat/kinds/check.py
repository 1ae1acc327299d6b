"""A check by a group, with a deadline: each member of the group is asked whether the work is
complete and correct ("klopt" / "klopt niet, …"); done when all asked have answered, at the
deadline, or when closed early. It may be merged into the step before it."""

from __future__ import annotations

from datetime import datetime

from wasstraat import commands as c
from wasstraat.context import (
    DEADLINE_TIMER,
    AlreadyDecided,
    Ctx,
    InvalidInput,
    NotNow,
    behaviour,
    iso,
    mark_merged,
    one_places,
    rule,
    section_places,
    the_one,
)
from wasstraat.effects import (
    CheckProgress,
    CheckRequest,
    CheckSummary,
    MergePlanned,
    Task,
)
from wasstraat.model import CheckAnswer, Person, Trajectory
from wasstraat.template import Check, Section, Step, Template


def check_open(t: Trajectory) -> bool:
    return t.check.sent_at is not None and t.check.closed_at is None


def _group(step: Step) -> str:
    assert isinstance(step.kind, Check)
    return step.kind.group


@behaviour("check")
class CheckStep:
    def start(self, ctx: Ctx, step: Step) -> None:
        # the group gets the check itself, not a step card
        deadline = ctx.t.steps[step.id].deadline
        if deadline is not None and ctx.t.holders(_group(step)):
            send(ctx, step, deadline)

    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        if t.check.sent_at is None:
            return []
        return [(p, "check") for p in t.check.missing()]

    def task(self, ctx: Ctx, step: Step, person: Person, what: str) -> Task:
        return _request(ctx, step)

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        if role == _group(step) and check_open(ctx.t):
            ctx.t.check.asked.append(person)
            ctx.tell(person, _request(ctx, step))

    def recheck(self, ctx: Ctx, step: Step) -> None:
        pass


def _request(ctx: Ctx, step: Step) -> CheckRequest:
    maps = ctx.t.process_maps
    return CheckRequest(
        step=step.id,
        role=_group(step),
        deadline=iso(ctx.t.check.deadline or ctx.t.steps[step.id].deadline),
        link=maps[-1] if maps else None,
    )


def send(ctx: Ctx, step: Step, deadline: datetime) -> None:
    if deadline <= ctx.now:
        raise InvalidInput("deadline_in_past")
    group = ctx.t.holders(_group(step))
    if not group:
        raise NotNow("no_staff", role=_group(step))
    check = ctx.t.check
    check.sent_at = ctx.now
    check.deadline = deadline
    check.asked = list(group)
    check.closed_at = None
    check.closed_reason = None
    ctx.t.steps[step.id].deadline = deadline
    ctx.set_timer(step.id, DEADLINE_TIMER, deadline)
    for person in group:
        if person.aad_object_id not in check.answers:
            ctx.tell(person, _request(ctx, step))


def close(ctx: Ctx, step: Step, reason: str) -> None:
    check = ctx.t.check
    check.closed_at = ctx.now
    check.closed_reason = reason
    ctx.cancel_timer(step.id, DEADLINE_TIMER)
    ctx.tell_leader(
        CheckSummary(
            reason=reason,
            agree=sum(1 for a in check.answers.values() if a.agrees),
            disagree=sum(1 for a in check.answers.values() if not a.agrees),
            missing=[p.name for p in check.missing()],
            final=True,
        )
    )
    ctx.complete(step, reason=reason, missing=[p.aad_object_id for p in check.missing()])


def _the_check(ctx: Ctx) -> Step:
    return the_one(ctx, Check)


_group_places = one_places(Check, lambda template, step: [_group(step)])


@rule("send_check", places=section_places(Section.SEND_CHECK))
def _send_check(ctx: Ctx, cmd: c.SendCheck) -> None:
    send(ctx, _the_check(ctx), cmd.deadline)


@rule("answer_check", places=_group_places)
def _answer_check(ctx: Ctx, cmd: c.AnswerCheck) -> None:
    step = _the_check(ctx)
    check = ctx.t.check
    if not check_open(ctx.t):
        raise NotNow("check_not_open")
    if ctx.actor.aad_object_id in check.answers:
        raise AlreadyDecided("already_answered")
    if not cmd.agrees and not cmd.remark.strip():
        raise InvalidInput("remark_required")
    check.answers[ctx.actor.aad_object_id] = CheckAnswer(
        by=ctx.actor, agrees=cmd.agrees, remark=cmd.remark, at=ctx.now
    )
    if not any(p.aad_object_id == ctx.actor.aad_object_id for p in check.asked):
        check.asked.append(ctx.actor)
    if not check.missing():
        close(ctx, step, "all_answered")
    else:
        ctx.tell_leader(CheckProgress(answered=len(check.answers), asked=len(check.asked)))


@rule("close_check", places=section_places(Section.CLOSE_CHECK))
def _close_check(ctx: Ctx, cmd: c.CloseCheck) -> None:
    step = _the_check(ctx)
    if not check_open(ctx.t):
        # the check was never sent: closing it still ends the step
        ctx.t.check.sent_at = ctx.t.check.sent_at or ctx.now
    close(ctx, step, "closed_early")


@rule("merge_check", places=section_places(Section.MERGE_CHECK))
def _merge_check(ctx: Ctx, cmd: c.MergeCheck) -> None:
    step = _the_check(ctx)
    assert isinstance(step.kind, Check)
    if step.kind.merge_into is None:
        raise NotNow("not_mergeable")
    if ctx.t.check_merged:
        raise AlreadyDecided("already_merged")
    ctx.t.check_merged = True
    if ctx.active(step.kind.merge_into):
        # the check counts as done *with* the step before it: marked merged when that is done
        ctx.tell(None, MergePlanned(step=step.id))
        return
    mark_merged(ctx, step)
