"""The pure engine: ``apply(trajectory, command, actor, now)`` → new trajectory and its effects.

No I/O and no clock inside: "now" is an argument, so months can pass in a test. What the steps
are, who acts in them and what kind of step each is come from the template; the code for each
kind of step lives in :mod:`wasstraat.kinds`, the work inside steps in :mod:`wasstraat.work`.
This module holds what is not about one step: roles, follow-up, pausing, and the queries the
cards ask ("who are we waiting on", "what may this person do now").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final

from pydantic import BaseModel

from wasstraat import commands as c
from wasstraat import kinds as _kinds  # noqa: F401  (registers the kinds of step)
from wasstraat import work as _work  # noqa: F401  (registers the work inside steps)
from wasstraat.context import (
    BEHAVIOURS,
    DEADLINE_TIMER,
    RULES,
    AlreadyDecided,
    Ctx,
    EngineError,
    InvalidInput,
    NotAllowed,
    NotNow,
    Rule,
    iso,
    redact,
    refusal,
    rule,
    timer_id,
)
from wasstraat.effects import (
    Message,
    Outcome,
    Reminder,
    RoleAssigned,
    SubstituteAssigned,
    TaskOverdue,
    TimerEffect,
    TrajectoryCancelled,
    TrajectoryPaused,
    TrajectoryResumed,
)
from wasstraat.kinds.evaluation import add_months
from wasstraat.model import (
    SYSTEM,
    AuditEntry,
    Binding,
    FollowUp,
    Person,
    StepState,
    StepStatus,
    Substitution,
    Trajectory,
    TrajectoryStatus,
    follow_up_key,
)
from wasstraat.template import (
    PROJECT_LEADER,
    Section,
    Step,
    Template,
)
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

__all__ = [
    "RULES",
    "AlreadyDecided",
    "EngineError",
    "InvalidInput",
    "Message",
    "NotAllowed",
    "NotNow",
    "Outcome",
    "Rule",
    "TimerEffect",
    "Waiting",
    "add_months",
    "allowed_actions",
    "apply",
    "apply_all",
    "gate",
    "manages",
    "next_follow_up",
    "nudged",
    "open_tasks",
    "roles_for",
    "start_trajectory",
    "timer_id",
    "waiting_on",
]


def _private_copy(trajectory: Trajectory) -> Trajectory:
    """A deep copy for a command to change in place: dumped and validated again, several times
    faster than ``model_copy(deep=True)`` (``copy.deepcopy`` of the whole model tree)."""
    return Trajectory.model_validate(trajectory.model_dump())


def apply(
    trajectory: Trajectory,
    command: c.Command,
    actor: Person,
    now: datetime,
    template: Template,
    policy: TimePolicy = DEFAULT_POLICY,
) -> Outcome:
    """Apply one command. Raises an :class:`EngineError` and changes nothing when refused, in
    this order: whether the actor is in the group and holds a role that may give it; whether
    the card it came from is current (a card drawn before the trajectory moved on is "already
    decided", whatever else changed since); whether it fits the trajectory now; then the
    command's own checks of its input."""
    rule_ = RULES[command.kind]
    why = refusal(rule_, trajectory, actor, now, template, command)
    if why in ("not_allowed", "not_a_member"):
        raise NotAllowed(why, kind=command.kind)
    if command.expected_version is not None and command.expected_version != trajectory.version:
        raise AlreadyDecided("stale_version", version=trajectory.version)
    if why is not None:
        raise NotNow(why, kind=command.kind)
    ctx = Ctx(t=_private_copy(trajectory), template=template, actor=actor, now=now, policy=policy)
    rule_.handler(ctx, command)
    _follow_up(ctx)
    if not ctx.audit or ctx.audit[0].action != command.kind:
        ctx.audit.insert(
            0,
            AuditEntry(
                at=now,
                actor=actor.aad_object_id,
                action=command.kind,
                detail=_audit_detail(command),
            ),
        )
    ctx.t.version = trajectory.version + 1
    return _outcome(ctx)


def gate(
    trajectory: Trajectory,
    actor: Person,
    now: datetime,
    template: Template,
    *,
    kind: str | None = None,
    card_step: str | None = None,
) -> None:
    """The gate's questions, asked without applying anything, in its order; raises what
    :func:`apply` would. Is the actor in the project group; was the card (``card_step``: the
    step it was drawn for) drawn while that step still runs; and, for a ``kind`` of command,
    may they give it now."""
    if actor.aad_object_id != SYSTEM.aad_object_id and not trajectory.roles_of(
        actor.aad_object_id, now
    ):
        raise NotAllowed("not_a_member", kind=kind)
    if card_step is not None and trajectory.status_of(card_step) is not StepStatus.ACTIVE:
        # whatever the card asked was dealt with when its step closed
        raise AlreadyDecided("step_closed", step=card_step)
    if kind is not None:
        why = refusal(RULES[kind], trajectory, actor, now, template)
        if why in ("not_allowed", "not_a_member"):
            raise NotAllowed(why, kind=kind)
        if why is not None:
            raise NotNow(why, kind=kind)


def apply_all(
    trajectory: Trajectory,
    commands: list[c.Command],
    actor: Person,
    now: datetime,
    template: Template,
    policy: TimePolicy = DEFAULT_POLICY,
    *,
    card_step: str | None = None,
) -> Outcome:
    """Several commands (one form, one roles card) in order, all or nothing: the effects of all
    of them together, with one message a person for one thing (someone given two roles at once
    hears of both in one message). ``card_step``: the step of the card they came from, which
    must still run (a card drawn for a step that closed since is stale)."""
    if card_step is not None:
        gate(trajectory, actor, now, template, card_step=card_step)
    if not commands:
        raise InvalidInput("nothing_to_do")
    if len(commands) == 1:  # a click: nothing to combine
        return apply(trajectory, commands[0], actor, now, template, policy)
    current = trajectory
    messages: list[Message] = []
    timers: dict[str, TimerEffect] = {}
    audit: list[AuditEntry] = []
    for command in commands:
        outcome = apply(current, command, actor, now, template, policy)
        current = outcome.trajectory
        messages += outcome.messages
        timers.update({timer.timer_id: timer for timer in outcome.timers})
        audit += outcome.audit
    return Outcome(
        trajectory=current, messages=_one_each(messages), timers=list(timers.values()), audit=audit
    )


def _one_each(messages: list[Message]) -> list[Message]:
    """The same message to the same person once; the roles one person was given, in one."""
    kept: list[Message] = []
    seen: set[str] = set()
    assigned: dict[str, Message] = {}
    for message in messages:
        recipient = message.recipient.aad_object_id if message.recipient else ""
        if isinstance(message.body, RoleAssigned) and recipient:
            first = assigned.get(recipient)
            if first is not None and isinstance(first.body, RoleAssigned):
                roles = first.body.roles or [first.body.role]
                first.body = first.body.model_copy(update={"roles": [*roles, message.body.role]})
                continue
            assigned[recipient] = message
        key = message.model_dump_json()
        if key in seen:
            continue
        seen.add(key)
        kept.append(message)
    return kept


def _outcome(ctx: Ctx) -> Outcome:
    # a timer set twice in one command: the last word counts
    timers = list({timer.timer_id: timer for timer in ctx.timers}.values())
    return Outcome(trajectory=ctx.t, messages=ctx.messages, timers=timers, audit=ctx.audit)


def _audit_detail(command: c.Command) -> dict[str, Any]:
    """What the command said, without what people typed (fields marked as typed text) or names."""
    return redact(command, skip=frozenset({"kind", "expected_version"}))


def allowed_actions(
    trajectory: Trajectory, person: Person, now: datetime, template: Template
) -> frozenset[str]:
    """The command kinds this person may give now (as far as who and when go)."""
    return frozenset(
        kind
        for kind, rule_ in RULES.items()
        if not rule_.clock and refusal(rule_, trajectory, person, now, template) is None
    )


def manages(trajectory: Trajectory, person: Person, now: datetime, template: Template) -> bool:
    """Whether the person manages the trajectory (assigns roles, pauses, reminds, starts the
    next cycle): a holder of one of the template's managing roles."""
    return bool(trajectory.roles_of(person.aad_object_id, now) & set(template.managers))


def roles_for(kind: str, template: Template) -> list[str]:
    """The roles that may give a command somewhere in the wasstraat (for "this button is for
    …"); empty for the clock's commands and those any member may give."""
    if kind == NEXT_CYCLE:
        return list(template.managers)
    rule_ = RULES.get(kind)
    if rule_ is None or rule_.clock or rule_.member:
        return []
    if rule_.managers:
        return list(template.managers)
    allowed: set[str] = set()
    for _step, roles in rule_.places(template, None) if rule_.places else []:
        allowed |= roles
    return [role.id for role in template.roles if role.id in allowed]


# -- creating trajectories -------------------------------------------------------------------------

PRODUCT_MAX_LENGTH = 200
NEXT_CYCLE = "start_next_cycle"  # not a command on a trajectory: it starts the next one


def start_trajectory(
    *,
    trajectory_id: str,
    product: str,
    binding: Binding,
    project_leader: Person,
    template: Template,
    now: datetime,
    previous: Trajectory | None = None,
    policy: TimePolicy = DEFAULT_POLICY,
    starter: Person | None = None,
) -> Outcome:
    """A new trajectory with ``project_leader`` as projectleider and the first steps active.

    With ``previous`` (a finished trajectory), it is the next cycle, started by ``starter`` (who
    must manage the finished one; by default the project leader): the project group and the
    KPIs (with their last measurement as the new baseline) are carried over.
    """
    starter = starter or project_leader
    product = " ".join(product.split())
    if not product:
        raise InvalidInput("product_missing")
    if len(product) > PRODUCT_MAX_LENGTH:
        raise InvalidInput("product_too_long")
    roles: dict[str, list[Person]] = {PROJECT_LEADER: [project_leader]}
    kpis = []
    if previous is not None:
        # the next cycle is started by who manages the finished one
        if not previous.roles_of(starter.aad_object_id, now):
            raise NotAllowed("not_a_member", kind=NEXT_CYCLE)
        if not manages(previous, starter, now, template):
            raise NotAllowed("not_allowed", kind=NEXT_CYCLE)
        if previous.status is not TrajectoryStatus.FINISHED:
            raise NotNow("previous_not_finished")
        roles = {**previous.roles, PROJECT_LEADER: [project_leader]}
        for kpi in previous.kpis:
            baseline = kpi.measurements[-1].value if kpi.measurements else kpi.baseline
            kpis.append(kpi.model_copy(update={"baseline": baseline, "measurements": []}))
    trajectory = Trajectory(
        id=trajectory_id,
        template_id=template.key,
        product=product,
        binding=binding,
        roles=roles,
        steps={step.id: StepState() for step in template.steps},
        created_at=now,
        previous_cycle=previous.id if previous else None,
        kpis=kpis,
    )
    ctx = Ctx(t=trajectory, template=template, actor=project_leader, now=now, policy=policy)
    ctx.record("start", product=product, previous_cycle=trajectory.previous_cycle)
    ctx.activate_ready_steps()
    _follow_up(ctx)
    ctx.t.version = 1
    return _outcome(ctx)


# -- roles ---------------------------------------------------------------------------------------


def _known_role(ctx: Ctx, role_id: str) -> None:
    try:
        role = ctx.template.role(role_id)
    except KeyError:
        raise InvalidInput("unknown_role", role=role_id) from None
    if not role.teams_user:
        raise InvalidInput("role_not_assignable", role=role_id)


def _checking_roles(template: Template) -> set[str]:
    """Roles that approve, check support or review: chosen by someone else, never oneself."""
    roles: set[str] = set()
    for step in template.steps:
        roles.update(step.kind.checks(template))
        for role, parts in step.may.items():
            if Section.SUPPORT in parts:
                roles.add(role)
    return roles


@rule("assign_role", managers=True)
def _assign_role(ctx: Ctx, cmd: c.AssignRole) -> None:
    _known_role(ctx, cmd.role)
    people = list({p.aad_object_id: p for p in cmd.people}.values())
    if cmd.role in _checking_roles(ctx.template):
        if any(p.aad_object_id == ctx.actor.aad_object_id for p in people):
            # separation of duties: who approves or reviews is chosen by someone else
            raise NotAllowed("self_assignment", role=cmd.role)
    if len(people) > 1 and not ctx.template.role(cmd.role).several:
        raise InvalidInput("one_person_only", role=cmd.role)
    before = {p.aad_object_id for p in ctx.t.holders(cmd.role)}
    ctx.t.roles[cmd.role] = people
    added = [p for p in people if p.aad_object_id not in before]
    ctx.record(
        "assign_role",
        role=cmd.role,
        holders=[p.aad_object_id for p in people],
        removed=sorted(before - {p.aad_object_id for p in people}),
        reason=redact(cmd)["reason"],
    )
    running = [s for s in ctx.template.steps if ctx.active(s)]
    for person in added:
        ctx.tell(person, RoleAssigned(role=cmd.role))
        # someone who joins a running step is asked what the step asks of them
        for step in running:
            BEHAVIOURS[step.kind.type].joined(ctx, step, person, cmd.role)
    for step in running:
        if ctx.active(step):
            BEHAVIOURS[step.kind.type].recheck(ctx, step)


@rule("substitute", managers=True)
def _substitute(ctx: Ctx, cmd: c.Substitute) -> None:
    _known_role(ctx, cmd.role)
    if not any(p.aad_object_id == cmd.absent.aad_object_id for p in ctx.t.holders(cmd.role)):
        raise InvalidInput("not_a_holder", role=cmd.role)
    if cmd.until is not None and cmd.until <= ctx.now:
        raise InvalidInput("until_in_past")
    ctx.t.substitutes.setdefault(cmd.role, []).append(
        Substitution(
            absent=cmd.absent, substitute=cmd.substitute, reason=cmd.reason, until=cmd.until
        )
    )
    ctx.tell(
        cmd.substitute,
        SubstituteAssigned(role=cmd.role, absent=cmd.absent.name, until=iso(cmd.until)),
    )


@rule("end_substitution", managers=True)
def _end_substitution(ctx: Ctx, cmd: c.EndSubstitution) -> None:
    current = ctx.t.substitutes.get(cmd.role, [])
    kept = [s for s in current if s.substitute.aad_object_id != cmd.substitute.aad_object_id]
    if len(kept) == len(current):
        raise InvalidInput("not_a_substitute", role=cmd.role)
    ctx.t.substitutes[cmd.role] = kept


# -- deadlines -------------------------------------------------------------------------------------


def _deadline_places(
    template: Template, command: c.Base | None
) -> list[tuple[Step, frozenset[str]]]:
    return [(s, frozenset()) for s in template.steps if s.deadline_days is not None]


@rule("deadline_passed", clock=True, places=_deadline_places)
def _deadline_passed(ctx: Ctx, cmd: c.DeadlinePassed) -> None:
    try:
        step = ctx.template.step(cmd.step)
    except KeyError:
        raise NotNow("step_not_active", step=cmd.step) from None
    if not ctx.active(step):
        raise NotNow("step_not_active", step=cmd.step)
    BEHAVIOURS[step.kind.type].deadline(ctx, step)


# -- follow-up of open tasks: reminders, escalation, "herinner nu" ---------------------------------

FOLLOW_UP_SLOT = "tasks"
FOLLOW_UP_KIND: Final = "follow_up"


def _reminder_due(f: FollowUp, policy: TimePolicy) -> datetime:
    if f.reminded_at is None:
        return policy.working.add_working_days(f.since, policy.remind_after_working_days)
    return policy.working.add_working_days(f.reminded_at, policy.remind_every_working_days)


def _escalation_due(f: FollowUp, t: Trajectory, policy: TimePolicy) -> datetime | None:
    """Tasks of a step with its own deadline close by that step's rule instead."""
    state = t.steps.get(f.step)
    if f.escalated_at is not None or (state is not None and state.deadline is not None):
        return None
    return policy.working.add_working_days(f.since, policy.escalate_after_working_days)


def next_follow_up(t: Trajectory, policy: TimePolicy) -> datetime | None:
    """When the next reminder or escalation of this trajectory is due."""
    moments = [_reminder_due(f, policy) for f in t.follow_ups.values()]
    moments += [
        due for f in t.follow_ups.values() if (due := _escalation_due(f, t, policy)) is not None
    ]
    return min(moments, default=None)


def _follow_up(ctx: Ctx) -> None:
    """Keep the open-task list in step with who the trajectory waits on, and its timer."""
    t = ctx.t
    current = {
        follow_up_key(w.step, w.what, w.person.aad_object_id): w
        for w in waiting_on(t, ctx.template)
    }
    for key in [k for k in t.follow_ups if k not in current]:
        del t.follow_ups[key]
    for key, waiting in current.items():
        if key not in t.follow_ups:
            t.follow_ups[key] = FollowUp(
                person=waiting.person, step=waiting.step, what=waiting.what, since=ctx.now
            )
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
    _follow_up(ctx)  # the list as it stands
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


# -- pausing, cancelling ------------------------------------------------------------------------


@rule("pause", managers=True)
def _pause(ctx: Ctx, cmd: c.Pause) -> None:
    ctx.t.status = TrajectoryStatus.PAUSED
    ctx.t.paused_at = ctx.now
    ctx.tell(None, TrajectoryPaused())


@rule("resume", managers=True, while_paused=True)
def _resume(ctx: Ctx, cmd: c.Resume) -> None:
    if ctx.t.status is not TrajectoryStatus.PAUSED:
        raise NotNow("not_paused")
    ctx.t.status = TrajectoryStatus.RUNNING
    # the pause does not eat into anyone's time: deadlines move on by its length
    paused_for = ctx.now - (ctx.t.paused_at or ctx.now)
    ctx.t.paused_at = None
    for step_id in ctx.t.active_steps(ctx.template):
        step = ctx.template.step(step_id)
        state = ctx.t.steps[step_id]
        if state.deadline is not None:
            state.deadline = ctx.policy.working.next_working_moment(
                max(state.deadline + paused_for, ctx.now)
            )
            ctx.set_timer(step_id, DEADLINE_TIMER, state.deadline)
        BEHAVIOURS[step.kind.type].resumed(ctx, step)
    ctx.tell(None, TrajectoryResumed())


@rule("cancel", managers=True, while_paused=True)
def _cancel(ctx: Ctx, cmd: c.Cancel) -> None:
    ctx.t.status = TrajectoryStatus.CANCELLED
    for step in ctx.template.steps:
        ctx.cancel_timer(step.id, DEADLINE_TIMER)
        BEHAVIOURS[step.kind.type].cancelled(ctx, step)
    ctx.tell(None, TrajectoryCancelled())


# -- queries -----------------------------------------------------------------------------------


class Waiting(BaseModel):
    """Someone the trajectory is waiting on: who, for what, in which step, by when."""

    person: Person
    step: str
    what: str  # "approve" | "check" | "review" | "complete" | "evaluate"
    deadline: datetime | None = None

    def overdue(self, now: datetime) -> bool:
        return self.deadline is not None and now > self.deadline


def waiting_on(trajectory: Trajectory, template: Template) -> list[Waiting]:
    """Who the trajectory is waiting on now, per active step, following each step's kind."""
    t = trajectory
    if t.status is not TrajectoryStatus.RUNNING:
        return []
    result: list[Waiting] = []
    for step_id in t.active_steps(template):
        step = template.step(step_id)
        deadline = t.steps[step_id].deadline
        result.extend(
            Waiting(person=person, step=step_id, what=what, deadline=deadline)
            for person, what in BEHAVIOURS[step.kind.type].waiting(t, step, template)
        )
    return result


def open_tasks(trajectory: Trajectory, person_id: str, template: Template) -> list[Waiting]:
    """What this trajectory waits on from one person."""
    return [w for w in waiting_on(trajectory, template) if w.person.aad_object_id == person_id]
