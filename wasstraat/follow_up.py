"""Following up open tasks: a reminder after some working days and then again, the project
leader told when someone does not respond, and "herinner nu" from the channel."""

from __future__ import annotations

from datetime import datetime
from typing import Final

from wasstraat import commands as c
from wasstraat import kinds as _kinds  # noqa: F401  (registers the kinds of step)
from wasstraat import work as _work  # noqa: F401  (registers the work inside steps)
from wasstraat.context import (
    BEHAVIOURS,
    Ctx,
    NotNow,
    iso,
    rule,
)
from wasstraat.effects import (
    Outcome,
    Reminder,
    TaskOverdue,
)
from wasstraat.model import (
    IMPLEMENT,
    FollowUp,
    ImplementationStatus,
    Person,
    Trajectory,
    follow_up_key,
)
from wasstraat.waiting import waiting_on
from wasstraat.worktime import TimePolicy

# -- follow-up of open tasks: reminders, escalation, "herinner nu" ---------------------------------

FOLLOW_UP_SLOT = "tasks"
FOLLOW_UP_KIND: Final = "follow_up"


def _reminder_due(f: FollowUp, policy: TimePolicy) -> datetime:
    working = policy.working
    if f.reminded_at is not None:
        return working.add_working_days(f.reminded_at, policy.remind_every_working_days)
    first = working.add_working_days(f.since, policy.remind_after_working_days)
    if f.dated and f.due is not None:
        # a task with its own date: first reminded some working days before that date
        before = working.local(f.due).date()
        return max(first, working.working_days_before(before, policy.remind_after_working_days))
    return first


def _escalation_due(f: FollowUp, t: Trajectory, policy: TimePolicy) -> datetime | None:
    """Tasks of a step with its own deadline close by that step's rule instead; a task with its
    own date is the project leader's to hear of some working days after that date."""
    state = t.steps.get(f.step)
    if f.escalated_at is not None or (state is not None and state.deadline is not None):
        return None
    if f.dated and f.due is not None:
        return policy.working.add_working_days(f.due, policy.remind_after_working_days)
    return policy.working.add_working_days(f.since, policy.escalate_after_working_days)


def _own_date(t: Trajectory, person: Person, what: str, policy: TimePolicy) -> datetime | None:
    """The date a task carries itself: the earliest target date of the person's open actions."""
    if what != IMPLEMENT:
        return None
    dates = [
        i.target_date
        for i in t.implementation
        if i.owner is not None
        and i.owner.aad_object_id == person.aad_object_id
        and i.status is not ImplementationStatus.DONE
        and i.target_date is not None
    ]
    return policy.working.closing(min(dates)) if dates else None


def next_follow_up(t: Trajectory, policy: TimePolicy) -> datetime | None:
    """When the next reminder or escalation of this trajectory is due."""
    moments = [_reminder_due(f, policy) for f in t.follow_ups.values()]
    moments += [
        due for f in t.follow_ups.values() if (due := _escalation_due(f, t, policy)) is not None
    ]
    return min(moments, default=None)


def follow_up(ctx: Ctx) -> None:
    """Keep the open-task list in step with who the trajectory waits on, and its timer."""
    t = ctx.t
    current = {
        follow_up_key(w.step, w.what, w.person.aad_object_id): w
        for w in waiting_on(t, ctx.template)
    }
    for key in [k for k in t.follow_ups if k not in current]:
        del t.follow_ups[key]
    for key, waiting in current.items():
        own = _own_date(t, waiting.person, waiting.what, ctx.policy)
        task = t.follow_ups.get(key)
        if task is None:
            t.follow_ups[key] = FollowUp(
                person=waiting.person,
                step=waiting.step,
                what=waiting.what,
                since=ctx.now,
                due=waiting.deadline
                or own
                or ctx.policy.working.add_working_days(
                    ctx.now, ctx.policy.remind_after_working_days
                ),
                dated=own is not None and waiting.deadline is None,
            )
        elif own is not None and task.dated and task.due != own:
            task.due = own  # the earliest open action moved (done, or a date changed)
    due = next_follow_up(t, ctx.policy)
    if due is None:
        ctx.cancel_timer(FOLLOW_UP_SLOT, FOLLOW_UP_KIND)
    else:
        ctx.set_timer(FOLLOW_UP_SLOT, FOLLOW_UP_KIND, due)


def _remind(ctx: Ctx, f: FollowUp, *, nudged: bool, by: str = "") -> None:
    f.reminded_at = ctx.now
    f.reminders += 1
    step = ctx.template.step(f.step)
    task = BEHAVIOURS[step.kind.type].task(ctx, step, f.person, f.what)
    ctx.tell(
        f.person,
        Reminder(
            task=task,
            what=f.what,
            since=iso(f.since),
            count=f.reminders,
            nudged=nudged,
            by=by,
        ),
    )
    ctx.record(
        "reminder.sent",
        step=f.step,
        what=f.what,
        person=f.person.aad_object_id,
        count=f.reminders,
        nudged=nudged,
    )


def _escalate(ctx: Ctx, f: FollowUp) -> None:
    """Tell the first manager who is not the one waited on (the project leader, or for the
    project leader's own task the proceseigenaar, in the default template)."""
    f.escalated_at = ctx.now
    waiting_for = f.person.aad_object_id
    leaders: list[Person] = []
    for role in ctx.template.managers:
        leaders = [p for p in ctx.t.holders(role) if p.aad_object_id != waiting_for]
        if leaders:
            break
    for leader in leaders:
        ctx.tell(
            leader, TaskOverdue(step=f.step, what=f.what, name=f.person.name, since=iso(f.since))
        )
    ctx.record(
        "task.escalated",
        step=f.step,
        what=f.what,
        person=waiting_for,
        to=[p.aad_object_id for p in leaders],
    )


@rule("follow_up_due", clock=True)
def _follow_up_due(ctx: Ctx, cmd: c.FollowUpDue) -> None:
    """Whatever is due now, once: after downtime a series of missed reminders is one reminder."""
    for f in list(ctx.t.follow_ups.values()):
        escalation = _escalation_due(f, ctx.t, ctx.policy)
        if escalation is not None and escalation <= ctx.now:
            _escalate(ctx, f)
        if _reminder_due(f, ctx.policy) <= ctx.now:
            _remind(ctx, f, nudged=False)


@rule("nudge", managers=True)
def _nudge(ctx: Ctx, cmd: c.Nudge) -> None:
    """ "Herinner nu": remind everyone the trajectory waits on (not who was reminded just now)."""
    follow_up(ctx)  # the list as it stands
    if not ctx.t.follow_ups:
        raise NotNow("nobody_waiting")
    for f in ctx.t.follow_ups.values():
        if f.person.aad_object_id == ctx.actor.aad_object_id:
            continue
        if f.reminded_at is not None and ctx.now - f.reminded_at < ctx.policy.nudge_pause:
            continue
        _remind(ctx, f, nudged=True, by=ctx.actor.name)


def nudged(outcome: Outcome, actor_id: str) -> tuple[list[str], list[str]]:
    """After a "herinner nu": the names it reminded, and those it skipped because they were
    reminded a moment before (the one who asked is never among either)."""
    reminded = {
        e.detail.get("person")
        for e in outcome.audit
        if e.action == "reminder.sent" and e.detail.get("nudged")
    }
    names = {p.aad_object_id: p.name for p in outcome.trajectory.members()}
    skipped = {
        f.person.aad_object_id
        for f in outcome.trajectory.follow_ups.values()
        if f.person.aad_object_id not in reminded and f.person.aad_object_id != actor_id
    }
    return (
        sorted(names.get(str(i), "?") for i in reminded),
        sorted(names.get(i, "?") for i in skipped),
    )
