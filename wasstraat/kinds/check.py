"""A check by a group, with a deadline: each member of the group is asked whether the work is
complete and correct ("klopt" / "klopt niet, …"); done when all asked have answered, at the
deadline, or when closed early. It may be merged into the step before it.

A "klopt niet" holds the check: when everyone answered (or at the deadline) it stays open while
a remark waits for a decision of whoever may send the work back — send the description back
(the remarks go with it), or record why a remark is handled or kept for the plan; its writer is
told. Only a template that allows it closes a check with open remarks.

When it closes, the summary (every remark, with who wrote it) goes to the roles the template
names; from it the work may be sent back to the step the check checks. That step runs again,
and when it is done the check starts a new round: the earlier answers are kept, not counted,
and a card of an earlier round is stale."""

from __future__ import annotations

from datetime import datetime

from wasstraat import commands as c
from wasstraat import findings
from wasstraat.context import (
    DEADLINE_TIMER,
    AlreadyDecided,
    Behaviour,
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
    CheckHeld,
    CheckProgress,
    CheckRequest,
    CheckSummary,
    MergePlanned,
    RemarkDecided,
    Task,
)
from wasstraat.model import (
    FINISHED_STEP,
    CheckAnswer,
    CheckState,
    Origin,
    Person,
    RemarkOutcome,
    Resolution,
    StepStatus,
    Trajectory,
)
from wasstraat.template import Check, Section, Step, Template


def check_open(t: Trajectory) -> bool:
    return t.check.sent_at is not None and t.check.closed_at is None


def _of(step: Step) -> Check:
    assert isinstance(step.kind, Check)
    return step.kind


def _group(step: Step) -> str:
    return _of(step).group


@behaviour("check")
class CheckStep(Behaviour):
    def start(self, ctx: Ctx, step: Step) -> None:
        # the group gets the check itself, not a step card
        deadline = ctx.t.steps[step.id].deadline
        if deadline is not None and ctx.t.holders(_group(step)):
            send(ctx, step, deadline)

    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        if t.check.sent_at is None:
            return []
        waiting = [(p, "check") for p in t.check.missing()]
        if held(t):
            waiting += [(p, DECISION) for p in deciders(t, step)]
        return waiting

    def task(self, ctx: Ctx, step: Step, person: Person, what: str) -> Task:
        return summary(ctx.t.check, "remarks_open") if what == DECISION else _request(ctx, step)

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        if role == _group(step) and check_open(ctx.t):
            ctx.t.check.asked.append(person)
            ctx.tell(person, _request(ctx, step))

    def deadline(self, ctx: Ctx, step: Step) -> None:
        ctx.t.check.sent_at = ctx.t.check.sent_at or ctx.now
        settle(ctx, step, "deadline")

    def resumed(self, ctx: Ctx, step: Step) -> None:
        if check_open(ctx.t):
            ctx.t.check.deadline = ctx.t.steps[step.id].deadline


DECISION = "check_decision"  # what a decider is waited on for while remarks are open
DECIDABLE = (RemarkOutcome.HANDLED, RemarkOutcome.LATER)  # sending back is a button of its own


def decider_roles(step: Step) -> frozenset[str]:
    """Who decides about the remarks: whoever may send the work back."""
    return frozenset(role for role, parts in step.may.items() if Section.SEND_BACK in parts)


def deciders(t: Trajectory, step: Step) -> list[Person]:
    found: dict[str, Person] = {}
    for role in sorted(decider_roles(step)):
        for person in t.holders(role):
            found.setdefault(person.aad_object_id, person)
    return list(found.values())


def held(t: Trajectory) -> bool:
    """Open, with everyone answered or the deadline passed, waiting on a decision."""
    check = t.check
    return (
        check_open(t)
        and bool(check.open_remarks())
        and (not check.missing() or check.expired_at is not None)
    )


def summary(check: CheckState, reason: str, *, final: bool = False) -> CheckSummary:
    """What the check found so far (``final``: once it is over), for whoever acts on it."""
    answers = list(check.answers.values())
    return CheckSummary(
        reason=reason,
        agree=sum(1 for a in answers if a.agrees),
        disagree=sum(1 for a in answers if not a.agrees),
        missing=[p.name for p in check.missing()],
        final=final,
        round=check.round,
    )


def settle(ctx: Ctx, step: Step, reason: str) -> None:
    """Everyone answered, or the deadline came: close, unless a remark waits for a decision
    (and the template does not close over it): then the deciders get the remarks to decide on,
    and at the deadline the project leader hears why the check is not over."""
    check = ctx.t.check
    kind = _of(step)
    if not check.open_remarks() or kind.close_with_open_remarks:
        close(ctx, step, reason)
        return
    # the deciders get the remarks once: when the last answer came in, or at the deadline if
    # some never did
    first = reason != "deadline" or bool(check.missing())
    if reason == "deadline":
        check.expired_at = ctx.now
        ctx.cancel_timer(step.id, DEADLINE_TIMER)
    names = [p.name for p in deciders(ctx.t, step)]
    ctx.tell_leader(CheckHeld(reason=reason, open=len(check.open_remarks()), deciders=names))
    if first:
        ctx.tell_roles(sorted(decider_roles(step)), summary(ctx.t.check, "remarks_open"))


def _request(ctx: Ctx, step: Step) -> CheckRequest:
    maps = ctx.t.process_maps
    return CheckRequest(
        step=step.id,
        role=_group(step),
        deadline=iso(ctx.t.check.deadline or ctx.t.steps[step.id].deadline),
        link=maps[-1] if maps else None,
        round=ctx.t.check.round,
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


def close(ctx: Ctx, step: Step, reason: str, *, by_click: bool = False) -> None:
    """End the check; who acts on what it found gets the summary (``by_click``: except whoever
    closed it by their decision, who sees it on the card they used)."""
    check = ctx.t.check
    check.closed_at = ctx.now
    check.closed_reason = reason
    ctx.cancel_timer(step.id, DEADLINE_TIMER)
    assert isinstance(step.kind, Check)
    # who must act on what the check found: each remark is on their card, with its author
    ctx.tell_roles(
        step.kind.summary_to,
        summary(check, reason, final=True),
        skip=ctx.actor.aad_object_id if by_click else None,
    )
    # what was kept for the plan (or nobody decided about) goes on to it as candidates
    remarks = findings.of_remarks(list(check.answers.values()), check.round)
    findings.keep(ctx, Origin.CHECK, f"check:{check.round}:", remarks)
    ctx.complete(step, reason=reason, missing=[p.aad_object_id for p in check.missing()])


def _the_check(ctx: Ctx) -> Step:
    return the_one(ctx, Check)


_group_places = one_places(Check, lambda template, step: [_group(step)])


def _open_round(ctx: Ctx, round_: int | None) -> tuple[Step, CheckState]:
    """The check, open, in the round the card was drawn for (a card of an earlier round is
    stale)."""
    check = ctx.t.check
    if round_ is not None and round_ != check.round:
        raise AlreadyDecided("stale_round")
    if not check_open(ctx.t):
        raise NotNow("check_not_open")
    return _the_check(ctx), check


@rule("send_check", places=section_places(Section.SEND_CHECK))
def _send_check(ctx: Ctx, cmd: c.SendCheck) -> None:
    send(ctx, _the_check(ctx), cmd.deadline)


@rule("answer_check", places=_group_places)
def _answer_check(ctx: Ctx, cmd: c.AnswerCheck) -> None:
    step, check = _open_round(ctx, cmd.round)
    if ctx.actor.aad_object_id in check.answers:
        raise AlreadyDecided("already_answered")
    if not cmd.agrees and not cmd.remark.strip():
        raise InvalidInput("remark_required")
    check.answers[ctx.actor.aad_object_id] = CheckAnswer(
        by=ctx.actor, agrees=cmd.agrees, remark=cmd.remark, at=ctx.now, round=check.round
    )
    if not any(p.aad_object_id == ctx.actor.aad_object_id for p in check.asked):
        check.asked.append(ctx.actor)
    if not check.missing():
        settle(ctx, step, "all_answered")
    else:
        ctx.tell_leader(CheckProgress(answered=len(check.answers), asked=len(check.asked)))


_decider_places = one_places(Check, lambda template, step: decider_roles(step))


@rule("resolve_remark", places=_decider_places)
def _resolve_remark(ctx: Ctx, cmd: c.ResolveRemark) -> None:
    step, check = _open_round(ctx, cmd.round)
    answer = check.answers.get(cmd.of)
    if answer is None or answer.agrees:
        raise InvalidInput("unknown_remark")
    if answer.resolution is not None:
        raise AlreadyDecided("already_decided")
    if not cmd.reason.strip():
        raise InvalidInput("reason_required")
    answer.resolution = Resolution(
        outcome=cmd.outcome, reason=cmd.reason.strip(), by=ctx.actor, at=ctx.now
    )
    ctx.record("check.remark_decided", outcome=cmd.outcome.value, round=check.round)
    ctx.tell(
        answer.by,
        RemarkDecided(
            outcome=cmd.outcome.value,
            reason=answer.resolution.reason,
            by=ctx.actor.name,
            round=check.round,
        ),
    )
    if not check.open_remarks() and (not check.missing() or check.expired_at is not None):
        close(ctx, step, "deadline" if check.missing() else "all_answered", by_click=True)


@rule("close_check", places=section_places(Section.CLOSE_CHECK))
def _close_check(ctx: Ctx, cmd: c.CloseCheck) -> None:
    step = _the_check(ctx)
    if ctx.t.check.open_remarks() and not _of(step).close_with_open_remarks:
        raise NotNow("remarks_open", names=", ".join(p.name for p in deciders(ctx.t, step)))
    if not check_open(ctx.t):
        # the check was never sent: closing it still ends the step
        ctx.t.check.sent_at = ctx.t.check.sent_at or ctx.now
    close(ctx, step, "closed_early", by_click=True)


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
        ctx.tell(None, MergePlanned(step=step.id, into=step.kind.merge_into))
        return
    mark_merged(ctx, step)


def later_steps(template: Template, step: Step) -> list[Step]:
    """The steps that wait, directly or not, on this one."""
    after = {step.id}
    found: list[Step] = []
    for candidate in template.steps:
        if after & set(candidate.depends_on):
            after.add(candidate.id)
            found.append(candidate)
    return found


def _after_the_check(
    template: Template, command: c.Base | None
) -> list[tuple[Step, frozenset[str]]]:
    """The steps right after the check, with the roles that may send the check back: sending
    back is possible once the check closed, while what follows it has only just begun."""
    step = template.one(Check)
    if step is None:
        return []
    roles = frozenset(role for role, parts in step.may.items() if Section.SEND_BACK in parts)
    return [(s, roles) for s in template.steps if step.id in s.depends_on]


def _send_back_places(
    template: Template, command: c.Base | None
) -> list[tuple[Step, frozenset[str]]]:
    """From the open check (its remarks), or from the steps right after a closed one."""
    return _decider_places(template, command) + _after_the_check(template, command)


@rule("send_back_check", places=_send_back_places)
def _send_back_check(ctx: Ctx, cmd: c.SendBackCheck) -> None:
    step = _the_check(ctx)
    kind = step.kind
    assert isinstance(kind, Check)
    check = ctx.t.check
    if kind.send_back_to is None:
        raise NotNow("not_sendable_back")
    if cmd.round is not None and cmd.round != check.round:
        raise AlreadyDecided("stale_round")
    if ctx.active(step) and check_open(ctx.t):
        if not any(not a.agrees for a in check.answers.values()):
            raise NotNow("nothing_to_send_back")
        _send_back_open(ctx, step, kind.send_back_to)
        return
    closed = ctx.t.status_of(step.id) is StepStatus.DONE and check.closed_at is not None
    if not closed or check.closed_reason == "merged":
        raise NotNow("check_not_open")
    later = later_steps(ctx.template, step)
    if any(ctx.t.status_of(s.id) in FINISHED_STEP for s in later):
        raise NotNow("check_moved_on")
    for s in later:
        if ctx.active(s):
            # begun on a description that was not complete: it waits for the new round
            if s.deadline_days is not None:
                ctx.cancel_timer(s.id, DEADLINE_TIMER)
            ctx.reopen(s)
    ctx.reopen(step)
    # the remarks go back with the description: they are no candidates for the plan
    findings.keep(ctx, Origin.CHECK, f"check:{check.round}:", {})
    ctx.record("check.sent_back", step=step.id, to=kind.send_back_to, round=check.round)
    check.next_round()
    ctx.start_step(ctx.template.step(kind.send_back_to))


def _send_back_open(ctx: Ctx, step: Step, to: str) -> None:
    """The description goes back while the check is still open: its remarks go with it and
    their writers are told; the check starts a new round when the description is done again."""
    check = ctx.t.check
    ctx.cancel_timer(step.id, DEADLINE_TIMER)
    for answer in check.open_remarks():
        answer.resolution = Resolution(outcome=RemarkOutcome.SENT_BACK, by=ctx.actor, at=ctx.now)
        ctx.tell(
            answer.by,
            RemarkDecided(
                outcome=RemarkOutcome.SENT_BACK.value, by=ctx.actor.name, round=check.round
            ),
        )
    check.closed_at = ctx.now
    check.closed_reason = "sent_back"
    ctx.reopen(step)
    ctx.record("check.sent_back", step=step.id, to=to, round=check.round)
    check.next_round()
    ctx.start_step(ctx.template.step(to))
