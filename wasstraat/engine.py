"""The pure engine: ``apply(trajectory, command, actor, now)`` → new trajectory and its effects.

No I/O and no clock inside: "now" is an argument, so months can pass in a test. What the steps
are, who acts in them and what kind of step each is come from the template; the code for each
kind of step lives in :mod:`wasstraat.kinds`, the work inside steps in :mod:`wasstraat.work`.
This module holds what is not about one step: roles, follow-up, pausing, and the queries the
cards ask ("who are we waiting on", "what may this person do now").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from wasstraat import commands as c
from wasstraat import kinds as _kinds  # noqa: F401  (registers the kinds of step)
from wasstraat import roles as _roles  # noqa: F401  (registers the rules of roles)
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
    redact,
    refusal,
    rule,
    timer_id,
)
from wasstraat.effects import (
    Message,
    Outcome,
    RoleAssigned,
    TimerEffect,
    TrajectoryCancelled,
    TrajectoryPaused,
    TrajectoryResumed,
)
from wasstraat.follow_up import follow_up, next_follow_up, nudged
from wasstraat.kinds.evaluation import add_months
from wasstraat.model import (
    SYSTEM,
    AuditEntry,
    Binding,
    Person,
    StepState,
    StepStatus,
    Trajectory,
    TrajectoryStatus,
)
from wasstraat.template import (
    PROJECT_LEADER,
    Step,
    Template,
)
from wasstraat.waiting import Waiting, open_tasks, waiting_on
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
    follow_up(ctx)
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
    follow_up(ctx)
    ctx.t.version = 1
    return _outcome(ctx)


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
