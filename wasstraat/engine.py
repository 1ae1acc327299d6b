"""The pure engine: ``apply(trajectory, command, actor, now)`` → new trajectory and its effects.

No I/O and no clock inside: "now" is an argument, so months can pass in a test. Every rule of the
ten steps lives here, in one table of command → (who may, in which step, what it does).
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from wasstraat import commands as c
from wasstraat.model import (
    FINISHED_STEP,
    SYSTEM,
    Approval,
    AuditEntry,
    Binding,
    CheckAnswer,
    Decision,
    FollowUp,
    ImplementationItem,
    ImplementationStatus,
    Improvement,
    Klantreis,
    Measurement,
    PAssessment,
    Person,
    PlannedSession,
    Review,
    Session,
    StepState,
    StepStatus,
    Substitution,
    Trajectory,
    TrajectoryStatus,
    Verdict,
    follow_up_key,
)
from wasstraat.template import Completion, Template
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

# -- errors ----------------------------------------------------------------------------------


class EngineError(Exception):
    """A command that changes nothing; ``code`` names the reason for the message catalogue."""

    def __init__(self, code: str, **detail: Any) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


class NotAllowed(EngineError):
    """The actor does not hold a role that may give this command."""


class NotNow(EngineError):
    """The command does not fit the trajectory's current state (step not active, paused …)."""


class InvalidInput(EngineError):
    """The command's input is not acceptable."""


class AlreadyDecided(EngineError):
    """The command was given on a stale version, or decides what is already decided."""


# -- effects ---------------------------------------------------------------------------------


class Message(BaseModel):
    """Something to tell someone: a person (1:1) or, with ``recipient`` None, the channel."""

    recipient: Person | None
    kind: str
    data: dict[str, Any] = Field(default_factory=dict)


class TimerEffect(BaseModel):
    """Set (``due_at``) or cancel (``due_at`` None) the timer with a deterministic id."""

    timer_id: str
    kind: str
    due_at: datetime | None
    data: dict[str, Any] = Field(default_factory=dict)


class Outcome(BaseModel):
    trajectory: Trajectory
    messages: list[Message] = Field(default_factory=list)
    timers: list[TimerEffect] = Field(default_factory=list)
    audit: list[AuditEntry] = Field(default_factory=list)


def timer_id(trajectory_id: str, step: str, kind: str) -> str:
    return f"{trajectory_id}:{step}:{kind}"


# -- the context one command runs in -------------------------------------------------------------


@dataclass
class _Ctx:
    t: Trajectory  # a private deep copy, changed in place
    template: Template
    actor: Person
    now: datetime
    policy: TimePolicy = DEFAULT_POLICY
    messages: list[Message] = field(default_factory=list)
    timers: list[TimerEffect] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)

    def tell(self, person: Person | None, kind: str, **data: Any) -> None:
        self.messages.append(Message(recipient=person, kind=kind, data=data))

    def tell_role(self, role: str, kind: str, **data: Any) -> None:
        for person in self.t.holders(role):
            self.tell(person, kind, role=role, **data)

    def record(self, action: str, **detail: Any) -> None:
        self.audit.append(
            AuditEntry(
                at=self.now, actor=self.actor.aad_object_id, action=action, detail=scrub(detail)
            )
        )

    def set_timer(self, step: str, kind: str, due_at: datetime, **data: Any) -> None:
        self.timers.append(
            TimerEffect(
                timer_id=timer_id(self.t.id, step, kind),
                kind=kind,
                due_at=due_at,
                data={"trajectory_id": self.t.id, "step": step, **data},
            )
        )

    def cancel_timer(self, step: str, kind: str) -> None:
        self.timers.append(
            TimerEffect(timer_id=timer_id(self.t.id, step, kind), kind=kind, due_at=None)
        )

    def active(self, step_id: str) -> bool:
        return self.t.status_of(step_id) is StepStatus.ACTIVE

    # -- step life cycle ----------------------------------------------------------------------

    def complete(self, step_id: str, **detail: Any) -> None:
        state = self.t.steps[step_id]
        state.status = StepStatus.DONE
        state.done_at = self.now
        state.deadline = None
        self.record("step.done", step=step_id, **detail)
        self.tell(None, "step_done", step=step_id)
        self.activate_ready_steps()

    def activate_ready_steps(self) -> None:
        """Start every waiting step whose dependencies are finished; loop for merged steps."""
        started = True
        while started:
            started = False
            for step in self.template.steps:
                state = self.t.steps.setdefault(step.id, StepState())
                if state.status is not StepStatus.WAITING:
                    continue
                if all(self.t.status_of(dep) in FINISHED_STEP for dep in step.depends_on):
                    if step.id == "3b" and self.t.merge_3b:
                        _mark_merged(self, activate=False)
                    else:
                        self.start_step(step.id)
                    started = True
        if all(self.t.status_of(step.id) in FINISHED_STEP for step in self.template.steps):
            self.t.status = TrajectoryStatus.FINISHED
            self.record("trajectory.finished")

    def start_step(self, step_id: str) -> None:
        step = self.template.step(step_id)
        state = self.t.steps[step_id]
        state.status = StepStatus.ACTIVE
        state.started_at = self.now
        state.done_at = None
        state.rounds += 1
        if step.deadline_days:
            # deadlines count working days: a check sent on Friday is not due on Wednesday
            state.deadline = self.policy.working.add_working_days(self.now, step.deadline_days)
            self.set_timer(step_id, "deadline", state.deadline)
        self.record("step.started", step=step_id)
        self.tell(None, "step_started", step=step_id)
        hook = _ON_START.get(step_id)
        if step_id in _OWN_REQUESTS:
            # the actors get the step's own request (the 3b check, the reviews) instead
            if hook is not None:
                hook(self)
            return
        told: set[str] = set()
        for role in step.actors:
            for person in self.t.holders(role):
                if person.aad_object_id not in told:
                    told.add(person.aad_object_id)
                    self.tell(person, "step_started", step=step_id, role=role)
        if hook is not None:
            hook(self)

    def reopen(self, step_id: str) -> None:
        self.t.steps[step_id] = StepState(
            status=StepStatus.WAITING, rounds=self.t.steps[step_id].rounds
        )


# -- the rule table -----------------------------------------------------------------------------

ANY_MEMBER = frozenset({"*"})
CLOCK = frozenset({"@clock"})
SPECIALISTS = frozenset({"@specialist"})
LEADERS = frozenset({"projectleider", "proceseigenaar"})

Handler = Callable[[_Ctx, Any], None]


@dataclass(frozen=True)
class Rule:
    roles: frozenset[str]  # who may; ANY_MEMBER, CLOCK, or role ids
    steps: frozenset[str] = frozenset()  # one of these steps must be active (empty: any time)
    handler: Handler = lambda ctx, cmd: None
    while_paused: bool = False


RULES: dict[str, Rule] = {}


def rule(
    kind: str,
    roles: frozenset[str] | set[str],
    steps: set[str] | None = None,
    *,
    while_paused: bool = False,
) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if kind in RULES:
            raise ValueError(f"two rules for {kind}")
        RULES[kind] = Rule(frozenset(roles), frozenset(steps or ()), handler, while_paused)
        return handler

    return register


def _permitted(
    rule_: Rule, t: Trajectory, actor: Person, now: datetime, template: Template
) -> str | None:
    """None when the actor may give the command now, else the refusal code."""
    if rule_.roles == CLOCK:
        if actor.aad_object_id != SYSTEM.aad_object_id:
            return "not_allowed"
    elif rule_.roles == ANY_MEMBER:
        if not t.roles_of(actor.aad_object_id, now):
            return "not_allowed"
    else:
        roles = template.specialist_roles if rule_.roles == SPECIALISTS else rule_.roles
        if not any(t.holds(actor.aad_object_id, role, now) for role in roles):
            return "not_allowed"
    if t.status in (TrajectoryStatus.CANCELLED, TrajectoryStatus.FINISHED):
        return "closed"
    if t.status is TrajectoryStatus.PAUSED and not rule_.while_paused:
        return "paused"
    if rule_.steps and not any(t.status_of(s) is StepStatus.ACTIVE for s in rule_.steps):
        return "step_not_active"
    return None


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
    """Apply one command. Raises an :class:`EngineError` and changes nothing when refused."""
    if command.expected_version is not None and command.expected_version != trajectory.version:
        raise AlreadyDecided("stale_version", version=trajectory.version)
    rule_ = RULES[command.kind]
    refusal = _permitted(rule_, trajectory, actor, now, template)
    if refusal == "not_allowed":
        raise NotAllowed(refusal, kind=command.kind)
    if refusal is not None:
        raise NotNow(refusal, kind=command.kind)
    ctx = _Ctx(t=_private_copy(trajectory), template=template, actor=actor, now=now, policy=policy)
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
    ctx.t.audit.extend(ctx.audit)
    ctx.t.version = trajectory.version + 1
    return _outcome(ctx)


def _outcome(ctx: _Ctx) -> Outcome:
    # a timer set twice in one command: the last word counts
    timers = list({timer.timer_id: timer for timer in ctx.timers}.values())
    return Outcome(trajectory=ctx.t, messages=ctx.messages, timers=timers, audit=ctx.audit)


FREE_TEXT = frozenset(
    {
        "remark",
        "notes",
        "findings",
        "text",
        "went_well",
        "could_be_better",
        "reason",
        "pain_points",
        "note",
        "cost_estimate",
        "lead_time",
        "contact_moments",
    }
)


def scrub(value: Any) -> Any:
    """Audit details keep ids, enums and numbers; free text is replaced by its length and a
    person by their object id, so the audit trail holds no personal data beyond who acted."""
    if isinstance(value, dict):
        if "aad_object_id" in value:
            return value["aad_object_id"]
        return {
            key: (f"<{len(str(item))} chars>" if key in FREE_TEXT and item else scrub(item))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [scrub(item) for item in value]
    return value


def _audit_detail(command: c.Command) -> dict[str, Any]:
    """What the command said, without free text or names."""
    detail: dict[str, Any] = scrub(
        command.model_dump(mode="json", exclude={"kind", "expected_version"})
    )
    return detail


def allowed_actions(
    trajectory: Trajectory, person: Person, now: datetime, template: Template
) -> frozenset[str]:
    """The command kinds this person may give now (for the buttons a card shows)."""
    return frozenset(
        kind
        for kind, rule_ in RULES.items()
        if rule_.roles != CLOCK and _permitted(rule_, trajectory, person, now, template) is None
    )


# -- creating trajectories -------------------------------------------------------------------------

PRODUCT_MAX_LENGTH = 200


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
) -> Outcome:
    """A new trajectory with the starter as projectleider and the first steps active.

    With ``previous`` (a finished trajectory), it is the next cycle: the project group and the
    KPIs (with their last measurement as the new baseline) are carried over.
    """
    product = " ".join(product.split())
    if not product:
        raise InvalidInput("product_missing")
    if len(product) > PRODUCT_MAX_LENGTH:
        raise InvalidInput("product_too_long")
    roles: dict[str, list[Person]] = {"projectleider": [project_leader]}
    kpis = []
    if previous is not None:
        if previous.status is not TrajectoryStatus.FINISHED:
            raise NotNow("previous_not_finished")
        roles = {**previous.roles, "projectleider": [project_leader]}
        for kpi in previous.kpis:
            baseline = kpi.measurements[-1].value if kpi.measurements else kpi.baseline
            kpis.append(kpi.model_copy(update={"baseline": baseline, "measurements": []}))
    trajectory = Trajectory(
        id=trajectory_id,
        template_id=template.id,
        product=product,
        binding=binding,
        roles=roles,
        steps={step.id: StepState() for step in template.steps},
        created_at=now,
        previous_cycle=previous.id if previous else None,
        kpis=kpis,
    )
    ctx = _Ctx(t=trajectory, template=template, actor=project_leader, now=now, policy=policy)
    ctx.record("start", product=product, previous_cycle=trajectory.previous_cycle)
    ctx.activate_ready_steps()
    _follow_up(ctx)
    ctx.t.audit.extend(ctx.audit)
    ctx.t.version = 1
    return _outcome(ctx)


# -- roles ---------------------------------------------------------------------------------------


def _known_role(ctx: _Ctx, role_id: str) -> None:
    try:
        role = ctx.template.role(role_id)
    except KeyError:
        raise InvalidInput("unknown_role", role=role_id) from None
    if not role.teams_user:
        raise InvalidInput("role_not_assignable", role=role_id)


@rule("assign_role", LEADERS)
def _assign_role(ctx: _Ctx, cmd: c.AssignRole) -> None:
    _known_role(ctx, cmd.role)
    if (
        cmd.role == "projectleider"
        and not ctx.t.holds(ctx.actor.aad_object_id, "proceseigenaar", ctx.now)
        and not ctx.t.holds(ctx.actor.aad_object_id, "projectleider", ctx.now)
    ):
        raise NotAllowed("not_allowed")
    people = list({p.aad_object_id: p for p in cmd.people}.values())
    if cmd.role in CHECKING_ROLES or ctx.template.role(cmd.role).specialist:
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
        reason=cmd.reason,
    )
    for person in added:
        ctx.tell(person, "role_assigned", role=cmd.role)
        # someone who joins a running step gets that step's card too
        for step in ctx.template.steps:
            if cmd.role in step.actors and ctx.active(step.id) and step.id not in _OWN_REQUESTS:
                ctx.tell(person, "step_started", step=step.id, role=cmd.role)
        if cmd.role == "vakinhoudelijk_medewerker" and _check_open(ctx.t):
            ctx.t.check.asked.append(person)
            ctx.tell(
                person,
                "check_request",
                step="3b",
                role=cmd.role,
                deadline=_iso(ctx.t.check.deadline),
            )
        if ctx.template.role(cmd.role).specialist and ctx.active("7"):
            pending = [i.id for i in _selected(ctx.t) if not _reviewed(i, person)]
            ctx.tell(
                person,
                "review_request",
                step="7",
                role=cmd.role,
                improvements=pending,
                deadline=_iso(ctx.t.steps["7"].deadline),
            )
        if (
            cmd.role in ("proceseigenaar", "teammanager")
            and ctx.active("8")
            and ctx.t.plan_finalised_at is not None
        ):
            ctx.tell(
                person, "approval_request", subject="plan", role=cmd.role, round=ctx.t.plan_round
            )
    _recheck_completion(ctx)


def _recheck_completion(ctx: _Ctx) -> None:
    """After the people changed, a step waiting on them may be complete (or need them)."""
    if ctx.active("7") and not _reviews_missing(ctx):
        _finish_reviews(ctx, "all_reviewed")
    if (
        ctx.active("8")
        and ctx.t.plan_finalised_at is not None
        and not _plan_seats_open(ctx.t, ctx.now)
    ):
        ctx.complete("8")


@rule("substitute", LEADERS)
def _substitute(ctx: _Ctx, cmd: c.Substitute) -> None:
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
        "substitute_assigned",
        role=cmd.role,
        absent=cmd.absent.name,
        until=_iso(cmd.until),
    )


@rule("end_substitution", LEADERS)
def _end_substitution(ctx: _Ctx, cmd: c.EndSubstitution) -> None:
    current = ctx.t.substitutes.get(cmd.role, [])
    kept = [s for s in current if s.substitute.aad_object_id != cmd.substitute.aad_object_id]
    if len(kept) == len(current):
        raise InvalidInput("not_a_substitute", role=cmd.role)
    ctx.t.substitutes[cmd.role] = kept


# -- step 1 ----------------------------------------------------------------------------------------

CHECKING_ROLES = frozenset({"proceseigenaar", "teammanager", "sponsor"})

STEP1_ROLES = (
    "sponsor",
    "proceseigenaar",
    "procesadviseur",
    "klantreiscoach",
    "vakinhoudelijk_medewerker",
)


@rule("confirm_support", {"sponsor", "proceseigenaar"}, {"1"})
def _confirm_support(ctx: _Ctx, cmd: c.ConfirmSupport) -> None:
    if any(p.aad_object_id == ctx.actor.aad_object_id for p in ctx.t.support_confirmed_by):
        raise AlreadyDecided("already_confirmed")
    ctx.t.support_confirmed_by.append(ctx.actor)
    ctx.tell_role("projectleider", "support_confirmed", by=ctx.actor.name)


@rule("record_kickoff", {"projectleider"}, {"1"})
def _record_kickoff(ctx: _Ctx, cmd: c.RecordKickoff) -> None:
    ctx.t.kickoff_on = cmd.held_on


# -- step 2 ----------------------------------------------------------------------------------------


@rule("propose_kpis", {"projectleider", "procesadviseur"}, {"2"})
def _propose_kpis(ctx: _Ctx, cmd: c.ProposeKpis) -> None:
    names = [k.name.strip().lower() for k in cmd.kpis]
    if len(set(names)) != len(names):
        raise InvalidInput("duplicate_kpi")
    ctx.t.kpis = list(cmd.kpis)
    ctx.t.kpis_round += 1
    ctx.tell_role("proceseigenaar", "approval_request", subject="kpis", round=ctx.t.kpis_round)


def _decided(t: Trajectory, subject: str, round_: int, person_id: str) -> Approval | None:
    return next(
        (
            a
            for a in t.approvals
            if a.subject == subject and a.round == round_ and a.by.aad_object_id == person_id
        ),
        None,
    )


def _decide(
    ctx: _Ctx, subject: str, round_: int, role: str, decision: Decision, remark: str
) -> None:
    if round_ == 0:
        raise NotNow("nothing_to_decide", subject=subject)
    if _decided(ctx.t, subject, round_, ctx.actor.aad_object_id) is not None:
        raise AlreadyDecided("already_decided", subject=subject)
    if decision is Decision.REJECT and not remark.strip():
        raise InvalidInput("remark_required")
    ctx.t.approvals.append(
        Approval(
            subject=subject,
            by=ctx.actor,
            role=role,
            decision=decision,
            remark=remark,
            at=ctx.now,
            round=round_,
        )
    )


@rule("decide_kpis", {"proceseigenaar"}, {"2"})
def _decide_kpis(ctx: _Ctx, cmd: c.DecideKpis) -> None:
    _decide(ctx, "kpis", ctx.t.kpis_round, "proceseigenaar", cmd.decision, cmd.remark)
    if cmd.decision is Decision.APPROVE:
        ctx.complete("2")
    else:
        # back to the responsible role, with the remark; a new proposal starts a new round
        ctx.tell_role(
            "projectleider", "rejected", subject="kpis", remark=cmd.remark, by=ctx.actor.name
        )


# -- step 3a / 3b ----------------------------------------------------------------------------------


@rule("record_session", {"projectleider", "procesadviseur"}, {"3a", "3b", "5"})
def _record_session(ctx: _Ctx, cmd: c.RecordSession) -> None:
    if cmd.step not in ("3a", "3b", "5") or not ctx.active(cmd.step):
        raise NotNow("step_not_active", step=cmd.step)
    ctx.t.sessions.append(Session(step=cmd.step, held_on=cmd.held_on, notes=cmd.notes))


@rule("set_process_map", {"projectleider", "procesadviseur"}, {"3a", "3b"})
def _set_process_map(ctx: _Ctx, cmd: c.SetProcessMap) -> None:
    link = cmd.link.strip()
    if not link.lower().startswith("https://"):
        raise InvalidInput("link_not_https")
    if link not in ctx.t.process_maps:
        ctx.t.process_maps.append(link)


def _check_open(t: Trajectory) -> bool:
    return t.check.sent_at is not None and t.check.closed_at is None


def _send_check(ctx: _Ctx, deadline: datetime) -> None:
    if deadline <= ctx.now:
        raise InvalidInput("deadline_in_past")
    staff = ctx.t.holders("vakinhoudelijk_medewerker")
    if not staff:
        raise NotNow("no_staff")
    check = ctx.t.check
    check.sent_at = ctx.now
    check.deadline = deadline
    check.asked = list(staff)
    check.closed_at = None
    check.closed_reason = None
    ctx.t.steps["3b"].deadline = deadline
    ctx.set_timer("3b", "deadline", deadline)
    link = ctx.t.process_maps[-1] if ctx.t.process_maps else None
    for person in staff:
        if person.aad_object_id not in check.answers:
            ctx.tell(
                person,
                "check_request",
                step="3b",
                role="vakinhoudelijk_medewerker",
                deadline=_iso(deadline),
                link=link,
            )


def _on_start_3b(ctx: _Ctx) -> None:
    deadline = ctx.t.steps["3b"].deadline
    if deadline is not None and ctx.t.holders("vakinhoudelijk_medewerker"):
        _send_check(ctx, deadline)


@rule("send_check", {"projectleider", "procesadviseur"}, {"3b"})
def _send_check_command(ctx: _Ctx, cmd: c.SendCheck) -> None:
    _send_check(ctx, cmd.deadline)


def _close_check(ctx: _Ctx, reason: str) -> None:
    check = ctx.t.check
    check.closed_at = ctx.now
    check.closed_reason = reason
    ctx.cancel_timer("3b", "deadline")
    ctx.tell_role(
        "projectleider",
        "check_summary",
        reason=reason,
        agree=sum(1 for a in check.answers.values() if a.agrees),
        disagree=sum(1 for a in check.answers.values() if not a.agrees),
        missing=[p.name for p in check.missing()],
        final=True,
    )
    ctx.complete("3b", reason=reason, missing=[p.aad_object_id for p in check.missing()])


@rule("answer_check", {"vakinhoudelijk_medewerker"}, {"3b"})
def _answer_check(ctx: _Ctx, cmd: c.AnswerCheck) -> None:
    check = ctx.t.check
    if not _check_open(ctx.t):
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
        _close_check(ctx, "all_answered")
    else:
        ctx.tell_role(
            "projectleider", "check_progress", answered=len(check.answers), asked=len(check.asked)
        )


@rule("close_check", LEADERS, {"3b"})
def _close_check_command(ctx: _Ctx, cmd: c.CloseCheck) -> None:
    if not _check_open(ctx.t):
        # the check was never sent: closing it still ends the step
        ctx.t.check.sent_at = ctx.t.check.sent_at or ctx.now
    _close_check(ctx, "closed_early")


@rule("merge_check", LEADERS, {"3a", "3b"})
def _merge_check(ctx: _Ctx, cmd: c.MergeCheck) -> None:
    if ctx.t.merge_3b:
        raise AlreadyDecided("already_merged")
    ctx.t.merge_3b = True
    if ctx.active("3a"):
        # 3b counts as done *with* 3a: it is marked merged when 3a is done
        ctx.tell(None, "merge_planned", step="3b")
        return
    _mark_merged(ctx)


def _mark_merged(ctx: _Ctx, *, activate: bool = True) -> None:
    state = ctx.t.steps["3b"]
    state.status = StepStatus.MERGED
    state.done_at = ctx.now
    state.deadline = None
    ctx.t.check.closed_reason = "merged"
    ctx.t.check.closed_at = ctx.now
    ctx.cancel_timer("3b", "deadline")
    ctx.tell(None, "step_done", step="3b", merged=True)
    if activate:
        ctx.activate_ready_steps()


# -- step 4 ----------------------------------------------------------------------------------------


@rule("record_klantreis", {"klantreiscoach", "projectleider"}, {"4"})
def _record_klantreis(ctx: _Ctx, cmd: c.RecordKlantreis) -> None:
    if cmd.method.value == "vng_klantreis" and not cmd.link:
        raise InvalidInput("link_required")
    if cmd.link and not cmd.link.lower().startswith("https://"):
        raise InvalidInput("link_not_https")
    ctx.t.klantreis = Klantreis(
        method=cmd.method,
        link=cmd.link,
        findings=cmd.findings,
        contact_moments=list(cmd.contact_moments),
        pain_points=list(cmd.pain_points),
        recorded_at=ctx.now,
        by=ctx.actor,
    )


# -- step 5 ----------------------------------------------------------------------------------------


@rule("choose_serviceformule", {"projectleider", "procesadviseur"}, {"5"})
def _choose_formule(ctx: _Ctx, cmd: c.ChooseServiceformule) -> None:
    if cmd.formule not in {f.id for f in ctx.template.serviceformules}:
        raise InvalidInput("unknown_serviceformule")
    ctx.t.serviceformule = cmd.formule


@rule("assess_p", {"projectleider", "procesadviseur", "vakinhoudelijk_medewerker"}, {"5"})
def _assess_p(ctx: _Ctx, cmd: c.AssessP) -> None:
    if cmd.p not in {p.id for p in ctx.template.ps}:
        raise InvalidInput("unknown_p")
    if not cmd.matches and not cmd.note.strip():
        raise InvalidInput("remark_required")
    ctx.t.assessment[cmd.p] = PAssessment(
        matches=cmd.matches, note=cmd.note, by=ctx.actor, at=ctx.now
    )


# -- improvements and step 6 -----------------------------------------------------------------------

PLAN_ROLES = frozenset({"projectleider", "procesadviseur", "klantreiscoach", "proceseigenaar"})


@rule("add_improvement", ANY_MEMBER)
def _add_improvement(ctx: _Ctx, cmd: c.AddImprovement) -> None:
    if cmd.p is not None and cmd.p not in {p.id for p in ctx.template.ps}:
        raise InvalidInput("unknown_p")
    active = ctx.t.active_steps(ctx.template)
    mine = [
        step_id
        for step_id in active
        if ctx.t.roles_of(ctx.actor.aad_object_id, ctx.now) & set(ctx.template.step(step_id).actors)
    ]
    source = mine[0] if mine else active[0] if active else None
    improvement = Improvement(
        id=f"v{len(ctx.t.improvements) + 1}",
        text=cmd.text.strip(),
        source_step=source,
        by=ctx.actor,
        at=ctx.now,
        p=cmd.p,
    )
    ctx.t.improvements.append(improvement)
    ctx.record("add_improvement", improvement=improvement.id, step=improvement.source_step)


def _improvement(ctx: _Ctx, improvement_id: str) -> Improvement:
    found = ctx.t.improvement(improvement_id)
    if found is None:
        raise InvalidInput("unknown_improvement", improvement=improvement_id)
    return found


def _plan_changed(ctx: _Ctx) -> None:
    """Adjusting the plan in step 8 ("Bijstellen") withdraws a plan put up for approval."""
    if ctx.active("8") and ctx.t.plan_finalised_at is not None:
        ctx.t.plan_finalised_at = None


@rule("classify_improvement", PLAN_ROLES, {"6", "8"})
def _classify(ctx: _Ctx, cmd: c.ClassifyImprovement) -> None:
    _plan_changed(ctx)
    improvement = _improvement(ctx, cmd.improvement_id)
    if cmd.p is not None and cmd.p not in {p.id for p in ctx.template.ps}:
        raise InvalidInput("unknown_p")
    improvement.horizon = cmd.horizon
    if cmd.p is not None:
        improvement.p = cmd.p


@rule("select_improvement", PLAN_ROLES, {"6", "8"})
def _select(ctx: _Ctx, cmd: c.SelectImprovement) -> None:
    _plan_changed(ctx)
    _improvement(ctx, cmd.improvement_id).selected = cmd.selected


@rule("revise_improvement", PLAN_ROLES, {"6", "8"})
def _revise(ctx: _Ctx, cmd: c.ReviseImprovement) -> None:
    _plan_changed(ctx)
    improvement = _improvement(ctx, cmd.improvement_id)
    improvement.text = cmd.text.strip()
    improvement.revision += 1


def _specialists(ctx: _Ctx) -> list[tuple[str, Person]]:
    return [
        (role, person) for role in ctx.template.specialist_roles for person in ctx.t.holders(role)
    ]


def _on_start_7(ctx: _Ctx) -> None:
    if not _reviews_missing(ctx):
        # every chosen improvement was reviewed at its current text: nothing to ask again
        _finish_reviews(ctx, "all_reviewed")
        return
    for role, person in _specialists(ctx):
        pending = [i.id for i in _selected(ctx.t) if not _reviewed(i, person)]
        if pending:
            ctx.tell(
                person,
                "review_request",
                step="7",
                role=role,
                improvements=pending,
                deadline=_iso(ctx.t.steps["7"].deadline),
            )


# -- step 7 ----------------------------------------------------------------------------------------


def _selected(t: Trajectory) -> list[Improvement]:
    return [i for i in t.improvements if i.selected]


def _reviewed(improvement: Improvement, person: Person) -> Review | None:
    return next(
        (
            r
            for r in improvement.reviews
            if r.by.aad_object_id == person.aad_object_id and r.revision == improvement.revision
        ),
        None,
    )


def _reviews_missing(ctx: _Ctx) -> list[Person]:
    missing: dict[str, Person] = {}
    for _role, person in _specialists(ctx):
        if any(_reviewed(i, person) is None for i in _selected(ctx.t)):
            missing[person.aad_object_id] = person
    return list(missing.values())


def _rejected(t: Trajectory) -> list[str]:
    """Chosen improvements with a "niet akkoord" on their current text."""
    return [
        i.id
        for i in _selected(t)
        if any(r.verdict is Verdict.NIET_AKKOORD and r.revision == i.revision for r in i.reviews)
    ]


def _finish_reviews(ctx: _Ctx, reason: str) -> None:
    rejected = _rejected(ctx.t)
    missing = _reviews_missing(ctx)
    ctx.cancel_timer("7", "deadline")
    if rejected:
        # a "niet akkoord" sends the plan back to step 6
        ctx.reopen("7")
        ctx.t.steps["6"].status = StepStatus.WAITING
        ctx.record("plan.sent_back", improvements=rejected)
        ctx.tell_role("projectleider", "plan_sent_back", improvements=rejected)
        ctx.start_step("6")
        return
    ctx.tell_role(
        "projectleider", "reviews_summary", reason=reason, missing=[p.name for p in missing]
    )
    ctx.complete("7", reason=reason, missing=[p.aad_object_id for p in missing])


@rule("submit_review", SPECIALISTS, {"7"})
def _submit_review(ctx: _Ctx, cmd: c.SubmitReview) -> None:
    improvement = _improvement(ctx, cmd.improvement_id)
    if not improvement.selected:
        raise InvalidInput("improvement_not_selected")
    roles = [
        r for r in ctx.template.specialist_roles if ctx.t.holds(ctx.actor.aad_object_id, r, ctx.now)
    ]
    if _reviewed(improvement, ctx.actor) is not None:
        raise AlreadyDecided("already_reviewed")
    if cmd.verdict is not Verdict.AKKOORD and not cmd.remark.strip():
        raise InvalidInput("remark_required")
    improvement.reviews.append(
        Review(
            by=ctx.actor,
            role=roles[0],
            verdict=cmd.verdict,
            remark=cmd.remark,
            cost_estimate=cmd.cost_estimate,
            lead_time=cmd.lead_time,
            at=ctx.now,
            revision=improvement.revision,
        )
    )
    if not _reviews_missing(ctx):
        _finish_reviews(ctx, "all_reviewed")


@rule("deadline_passed", CLOCK, {"3b", "7"})
def _deadline_passed(ctx: _Ctx, cmd: c.DeadlinePassed) -> None:
    if not ctx.active(cmd.step):
        raise NotNow("step_not_active", step=cmd.step)
    if cmd.step == "3b":
        ctx.t.check.sent_at = ctx.t.check.sent_at or ctx.now
        _close_check(ctx, "deadline")
    else:
        _finish_reviews(ctx, "deadline")


# -- step 8 ----------------------------------------------------------------------------------------


def _plan_approvers(t: Trajectory) -> list[tuple[str, Person]]:
    return [(role, p) for role in ("proceseigenaar", "teammanager") for p in t.holders(role)]


@rule("finalise_plan", {"projectleider"}, {"8"})
def _finalise_plan(ctx: _Ctx, cmd: c.FinalisePlan) -> None:
    if ctx.t.plan_finalised_at is not None:
        raise AlreadyDecided("already_finalised")
    if not _selected(ctx.t):
        raise NotNow("nothing_selected")
    ctx.t.plan_round += 1
    ctx.t.plan_finalised_at = ctx.now
    for role, person in _plan_approvers(ctx.t):
        ctx.tell(person, "approval_request", subject="plan", role=role, round=ctx.t.plan_round)


@rule("decide_plan", {"proceseigenaar", "teammanager"}, {"8"})
def _decide_plan(ctx: _Ctx, cmd: c.DecidePlan) -> None:
    if ctx.t.plan_finalised_at is None:
        raise NotNow("nothing_to_decide", subject="plan")
    role = (
        "proceseigenaar"
        if ctx.t.holds(ctx.actor.aad_object_id, "proceseigenaar", ctx.now)
        else "teammanager"
    )
    _decide(ctx, "plan", ctx.t.plan_round, role, cmd.decision, cmd.remark)
    if cmd.decision is Decision.REJECT:
        ctx.t.plan_finalised_at = None
        ctx.tell_role(
            "projectleider", "rejected", subject="plan", remark=cmd.remark, by=ctx.actor.name
        )
        return
    if not _plan_seats_open(ctx.t, ctx.now):
        ctx.complete("8")


def _plan_seats_open(t: Trajectory, now: datetime | None) -> list[Person]:
    """Approvers of this plan round whose seat has no approval yet, from them or from
    someone standing in for them."""
    approved = {
        a.by.aad_object_id
        for a in t.approvals
        if a.subject == "plan" and a.round == t.plan_round and a.decision is Decision.APPROVE
    }
    open_seats = []
    for role, person in _plan_approvers(t):
        stand_ins = {
            sub.substitute.aad_object_id
            for sub in t.substitutes.get(role, [])
            if sub.absent.aad_object_id == person.aad_object_id
            and (now is None or sub.active_at(now))
        }
        if person.aad_object_id not in approved and not stand_ins & approved:
            open_seats.append(person)
    return open_seats


# -- step 9 ----------------------------------------------------------------------------------------


@rule("set_priorities", {"proceseigenaar", "projectleider"}, {"9"})
def _set_priorities(ctx: _Ctx, cmd: c.SetPriorities) -> None:
    ids = [p.improvement_id for p in cmd.order]
    if len(set(ids)) != len(ids):
        raise InvalidInput("duplicate_improvement")
    selected = {i.id for i in _selected(ctx.t)}
    if not set(ids) <= selected:
        raise InvalidInput("improvement_not_selected")
    for improvement in ctx.t.improvements:
        improvement.priority = None
    for rank, priority in enumerate(cmd.order, start=1):
        improvement = _improvement(ctx, priority.improvement_id)
        improvement.priority = rank
        improvement.owner = priority.owner
        improvement.target_date = priority.target_date
    ctx.t.priorities_round += 1  # a card made for earlier priorities is stale now
    if not ctx.t.holds(ctx.actor.aad_object_id, "proceseigenaar", ctx.now):
        ctx.tell_role(
            "proceseigenaar",
            "approval_request",
            subject="priorities",
            round=ctx.t.priorities_round,
        )


@rule("decide_priorities", {"proceseigenaar"}, {"9"})
def _decide_priorities(ctx: _Ctx, cmd: c.DecidePriorities) -> None:
    ranked = sorted(
        (i for i in ctx.t.improvements if i.priority is not None), key=lambda i: i.priority or 0
    )
    if not ranked:
        raise NotNow("nothing_to_decide", subject="priorities")
    _decide(ctx, "priorities", ctx.t.priorities_round, "proceseigenaar", cmd.decision, cmd.remark)
    if cmd.decision is Decision.REJECT:
        ctx.tell_role(
            "projectleider", "rejected", subject="priorities", remark=cmd.remark, by=ctx.actor.name
        )
        return
    ctx.t.implementation = [
        ImplementationItem(
            id=f"i{n}",
            text=i.text,
            improvement_id=i.id,
            kind="improvement",
            owner=i.owner,
            target_date=i.target_date,
        )
        for n, i in enumerate(ranked, start=1)
    ]
    for item in ctx.t.implementation:
        if item.owner is not None:
            ctx.tell(item.owner, "implementation_assigned", item=item.id)
    ctx.complete("9")


# -- step 10 and the evaluation --------------------------------------------------------------------

IMPLEMENTERS = frozenset({"proceseigenaar", "projectleider", "teammanager"})


@rule("add_implementation_item", IMPLEMENTERS, {"10"})
def _add_item(ctx: _Ctx, cmd: c.AddImplementationItem) -> None:
    item = ImplementationItem(
        id=f"i{len(ctx.t.implementation) + 1}",
        text=cmd.text.strip(),
        kind=cmd.item_kind,
        owner=cmd.owner,
        target_date=cmd.target_date,
    )
    ctx.t.implementation.append(item)
    if item.owner is not None:
        ctx.tell(item.owner, "implementation_assigned", item=item.id)


@rule("update_implementation_item", ANY_MEMBER, {"10"})
def _update_item(ctx: _Ctx, cmd: c.UpdateImplementationItem) -> None:
    item = next((i for i in ctx.t.implementation if i.id == cmd.item_id), None)
    if item is None:
        raise InvalidInput("unknown_item", item=cmd.item_id)
    is_owner = item.owner is not None and item.owner.aad_object_id == ctx.actor.aad_object_id
    if not is_owner and not any(
        ctx.t.holds(ctx.actor.aad_object_id, r, ctx.now) for r in IMPLEMENTERS
    ):
        raise NotAllowed("not_allowed", kind=cmd.kind)
    item.status = cmd.status
    item.updated_at = ctx.now


def _on_start_evaluatie(ctx: _Ctx) -> None:
    evaluation = ctx.t.evaluation
    if evaluation.planned_at is None:
        months = ctx.policy.evaluation_months or ctx.template.evaluation_months
        working = ctx.policy.working
        day = working.working_day_on_or_after(working.local(add_months(ctx.now, months)).date())
        evaluation.planned_on = day
        evaluation.planned_at = working.opening(day)
        ctx.tell_role("proceseigenaar", "evaluation_planned", on=day.isoformat())
        _invite_to_evaluation(ctx)
    # planned during step 10 or just now; a moment already past comes at once
    ctx.set_timer("evaluatie", "evaluation", max(evaluation.planned_at, ctx.now))


@rule("plan_evaluation", {"proceseigenaar"}, {"10", "evaluatie"})
def _plan_evaluation(ctx: _Ctx, cmd: c.PlanEvaluation) -> None:
    if cmd.at <= ctx.now:
        raise InvalidInput("date_in_past")
    _not_too_far(ctx, cmd.at)
    if ctx.t.evaluation.requested_at is not None:
        raise AlreadyDecided("evaluation_requested")
    # the evaluation card goes out in working time: a Saturday or Koningsdag moves on
    moment = ctx.policy.working.next_working_moment(cmd.at)
    on = ctx.policy.working.local(moment).date()
    ctx.t.evaluation.planned_on = on
    ctx.t.evaluation.planned_at = moment
    if ctx.active("evaluatie"):
        ctx.set_timer("evaluatie", "evaluation", moment)
    for person in ctx.t.members():
        ctx.tell(person, "evaluation_planned", on=on.isoformat())
    _invite_to_evaluation(ctx)


EVALUATION_MINUTES = 90
PLANNING_HORIZON_MONTHS = 36  # an evaluation or session further ahead is a typing error


def _not_too_far(ctx: _Ctx, moment: datetime) -> None:
    if moment > add_months(ctx.now, PLANNING_HORIZON_MONTHS):
        raise InvalidInput("date_too_far", months=PLANNING_HORIZON_MONTHS)


def _invite_to_evaluation(ctx: _Ctx) -> None:
    """The project group's evaluation meeting, in the proceseigenaar's calendar."""
    evaluation = ctx.t.evaluation
    owners = ctx.t.holders("proceseigenaar")
    if not owners or evaluation.planned_at is None or evaluation.planned_on is None:
        return
    _invite(
        ctx,
        owners[0],
        "evaluatie",
        f"evaluation-{evaluation.planned_on.isoformat()}",
        evaluation.planned_at,
        EVALUATION_MINUTES,
        ctx.t.members(),
    )


@rule("evaluation_due", CLOCK, {"evaluatie"})
def _evaluation_due(ctx: _Ctx, cmd: c.EvaluationDue) -> None:
    evaluation = ctx.t.evaluation
    if evaluation.requested_at is not None:
        raise AlreadyDecided("evaluation_requested")
    evaluation.requested_at = ctx.now
    step = ctx.template.step("evaluatie")
    # the whole project group gets the evaluation card; who may record it is the engine's call
    for person in ctx.t.members():
        ctx.tell(person, "evaluation_request", step=step.id, role=_role_in(ctx, person, step.id))


@rule("record_evaluation", {"proceseigenaar", "projectleider"}, {"evaluatie"})
def _record_evaluation(ctx: _Ctx, cmd: c.RecordEvaluation) -> None:
    if ctx.t.evaluation.requested_at is None:
        raise NotNow("evaluation_not_due")
    names = {k.name for k in ctx.t.kpis}
    unknown = set(cmd.measurements) - names
    if unknown:
        raise InvalidInput("unknown_kpi", kpis=sorted(unknown))
    for kpi in ctx.t.kpis:
        if kpi.name in cmd.measurements:
            kpi.measurements.append(
                Measurement(
                    value=cmd.measurements[kpi.name], at=ctx.now, by=ctx.actor.aad_object_id
                )
            )
    evaluation = ctx.t.evaluation
    evaluation.measurements = dict(cmd.measurements)
    evaluation.went_well = cmd.went_well
    evaluation.could_be_better = cmd.could_be_better
    evaluation.recorded_at = ctx.now
    evaluation.by = ctx.actor
    ctx.cancel_timer("evaluatie", "evaluation")
    ctx.complete("evaluatie")
    ctx.tell_role("proceseigenaar", "next_cycle_offer")


# -- sessions --------------------------------------------------------------------------------------


@rule("plan_session", {"projectleider", "procesadviseur"}, {"3a", "3b", "5"})
def _plan_session(ctx: _Ctx, cmd: c.PlanSession) -> None:
    if cmd.step not in {"3a", "3b", "5"} or not ctx.active(cmd.step):
        raise NotNow("step_not_active", step=cmd.step)
    if cmd.at <= ctx.now:
        raise InvalidInput("date_in_past")
    _not_too_far(ctx, cmd.at)
    step = ctx.template.step(cmd.step)
    attendees: dict[str, Person] = {ctx.actor.aad_object_id: ctx.actor}
    for role in step.actors:
        for person in ctx.t.holders(role):
            attendees.setdefault(person.aad_object_id, person)
    number = len(ctx.t.planned_sessions) + 1
    ctx.t.planned_sessions.append(
        PlannedSession(
            number=number,
            step=cmd.step,
            at=cmd.at,
            minutes=cmd.minutes,
            organizer=ctx.actor,
            attendees=list(attendees.values()),
        )
    )
    for person in attendees.values():
        ctx.tell(person, "session_planned", step=cmd.step, at=_iso(cmd.at), minutes=cmd.minutes)
    _invite(ctx, ctx.actor, cmd.step, str(number), cmd.at, cmd.minutes, list(attendees.values()))


def _invite(
    ctx: _Ctx,
    organizer: Person,
    step: str,
    session: str,
    at: datetime,
    minutes: int,
    attendees: list[Person],
) -> None:
    """A calendar invitation from the organizer (sent only when the deployment has the
    calendar on); ``session`` names it, so planning it again gives the same event."""
    ctx.tell(
        organizer,
        "calendar_event",
        step=step,
        session=session,
        at=_iso(at),
        minutes=minutes,
        attendees=[p.aad_object_id for p in attendees],
    )


# -- follow-up of open tasks: reminders, escalation, "herinner nu" ---------------------------------

FOLLOW_UP_SLOT = "tasks"
FOLLOW_UP_KIND = "follow_up"


def _reminder_due(f: FollowUp, policy: TimePolicy) -> datetime:
    if f.reminded_at is None:
        return policy.working.add_working_days(f.since, policy.remind_after_working_days)
    return policy.working.add_working_days(f.reminded_at, policy.remind_every_working_days)


def _escalation_due(f: FollowUp, t: Trajectory, policy: TimePolicy) -> datetime | None:
    """Tasks of a step with its own deadline (3b, 7) close by that step's rule instead."""
    if f.escalated_at is not None or t.steps[f.step].deadline is not None:
        return None
    return policy.working.add_working_days(f.since, policy.escalate_after_working_days)


def next_follow_up(t: Trajectory, policy: TimePolicy) -> datetime | None:
    """When the next reminder or escalation of this trajectory is due."""
    moments = [_reminder_due(f, policy) for f in t.follow_ups.values()]
    moments += [
        due for f in t.follow_ups.values() if (due := _escalation_due(f, t, policy)) is not None
    ]
    return min(moments, default=None)


def _follow_up(ctx: _Ctx) -> None:
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


def _role_in(ctx: _Ctx, person: Person, step_id: str) -> str:
    """The role a person acts in at a step (an actor role first), for the card they get."""
    roles = ctx.t.roles_of(person.aad_object_id, ctx.now)
    actor_role = next((r for r in ctx.template.step(step_id).actors if r in roles), None)
    return actor_role or (sorted(roles) or ["?"])[0]


def _task_message(ctx: _Ctx, f: FollowUp) -> tuple[str, dict[str, Any]]:
    """The card that asked for this task in the first place (a reminder shows it again)."""
    t = ctx.t
    roles = t.roles_of(f.person.aad_object_id, ctx.now)
    role = _role_in(ctx, f.person, f.step)
    deadline = _iso(t.steps[f.step].deadline)
    if f.what == "approve":
        subject = {"2": "kpis", "8": "plan"}.get(f.step, "priorities")
        round_ = {"kpis": t.kpis_round, "plan": t.plan_round}.get(subject, t.priorities_round)
        return "approval_request", {"subject": subject, "role": role, "round": round_}
    if f.what == "check":
        link = t.process_maps[-1] if t.process_maps else None
        return "check_request", {"step": "3b", "role": role, "deadline": deadline, "link": link}
    if f.what == "review":
        role = next((r for r in ctx.template.specialist_roles if r in roles), role)
        pending = [i.id for i in _selected(t) if not _reviewed(i, f.person)]
        return "review_request", {
            "step": "7",
            "role": role,
            "improvements": pending,
            "deadline": deadline,
        }
    if f.what == "evaluate":
        return "evaluation_request", {"step": "evaluatie", "role": role}
    return "step_started", {"step": f.step, "role": role}


def _remind(ctx: _Ctx, f: FollowUp, *, nudged: bool, by: str = "") -> None:
    f.reminded_at = ctx.now
    f.reminders += 1
    kind, data = _task_message(ctx, f)
    ctx.tell(
        f.person,
        "reminder",
        task=kind,
        what=f.what,
        since=_iso(f.since),
        count=f.reminders,
        nudged=nudged,
        by=by,
        **data,
    )
    ctx.record(
        "reminder.sent",
        step=f.step,
        what=f.what,
        person=f.person.aad_object_id,
        count=f.reminders,
        nudged=nudged,
    )


def _escalate(ctx: _Ctx, f: FollowUp) -> None:
    """Tell the project leader (or, for the project leader's own task, the proceseigenaar)."""
    f.escalated_at = ctx.now
    waiting_for = f.person.aad_object_id
    leaders = [p for p in ctx.t.holders("projectleider") if p.aad_object_id != waiting_for]
    if not leaders:
        leaders = [p for p in ctx.t.holders("proceseigenaar") if p.aad_object_id != waiting_for]
    for leader in leaders:
        ctx.tell(
            leader,
            "task_overdue",
            step=f.step,
            what=f.what,
            name=f.person.name,
            since=_iso(f.since),
        )
    ctx.record(
        "task.escalated",
        step=f.step,
        what=f.what,
        person=waiting_for,
        to=[p.aad_object_id for p in leaders],
    )


@rule("follow_up_due", CLOCK)
def _follow_up_due(ctx: _Ctx, cmd: c.FollowUpDue) -> None:
    """Whatever is due now, once: after downtime a series of missed reminders is one reminder."""
    for f in list(ctx.t.follow_ups.values()):
        escalation = _escalation_due(f, ctx.t, ctx.policy)
        if escalation is not None and escalation <= ctx.now:
            _escalate(ctx, f)
        if _reminder_due(f, ctx.policy) <= ctx.now:
            _remind(ctx, f, nudged=False)


@rule("nudge", LEADERS)
def _nudge(ctx: _Ctx, cmd: c.Nudge) -> None:
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


def nudged_now(t: Trajectory, now: datetime) -> tuple[list[str], list[str]]:
    """After a nudge at ``now``: the names reminded, and those skipped (reminded just before)."""
    nudges = [f for f in t.follow_ups.values() if f.reminded_at is not None]
    reminded = {f.person.name for f in nudges if f.reminded_at == now}
    earlier = {f.person.name for f in nudges if f.reminded_at != now}
    return sorted(reminded), sorted(earlier - reminded)


# -- marking a step done, pausing, cancelling ------------------------------------------------------


def _require_marked_step_ready(ctx: _Ctx, step_id: str) -> None:
    t = ctx.t
    if step_id == "1":
        missing = [r for r in STEP1_ROLES if not t.holders(r)]
        if missing:
            raise NotNow("roles_missing", roles=missing)
        if not any(t.holds(p.aad_object_id, "proceseigenaar") for p in t.support_confirmed_by):
            raise NotNow("support_missing")
    elif step_id == "3a" and not t.process_maps:
        raise NotNow("process_map_missing")
    elif step_id == "4" and t.klantreis is None:
        raise NotNow("klantreis_missing")
    elif step_id == "5":
        if t.serviceformule is None:
            raise NotNow("serviceformule_missing")
        missing = [p.id for p in ctx.template.ps if p.id not in t.assessment]
        if missing:
            raise NotNow("assessment_missing", ps=missing)
    elif step_id == "6":
        selected = _selected(t)
        if not selected:
            raise NotNow("nothing_selected")
        if any(i.horizon is None for i in selected):
            raise NotNow("unclassified")
        if not _specialists(ctx):
            raise NotNow("no_specialists")
        if _rejected(t):
            raise NotNow("unresolved_rejection", improvements=_rejected(t))
    elif step_id == "10":
        if not t.implementation:
            raise NotNow("no_implementation_items")
        if any(i.status is not ImplementationStatus.DONE for i in t.implementation):
            raise NotNow("implementation_open")


@rule("complete_step", {"projectleider", "procesadviseur", "klantreiscoach", "proceseigenaar"})
def _complete_step(ctx: _Ctx, cmd: c.CompleteStep) -> None:
    try:
        step = ctx.template.step(cmd.step)
    except KeyError:
        raise InvalidInput("unknown_step", step=cmd.step) from None
    if step.completion is not Completion.MARKED_DONE:
        raise NotNow("not_marked_done", step=cmd.step)
    if not ctx.active(step.id):
        raise NotNow("step_not_active", step=step.id)
    if not (
        ctx.t.holds(ctx.actor.aad_object_id, step.responsible, ctx.now)
        or ctx.t.holds(ctx.actor.aad_object_id, "projectleider", ctx.now)
    ):
        raise NotAllowed("not_allowed", kind=cmd.kind)
    _require_marked_step_ready(ctx, step.id)
    ctx.complete(step.id)


@rule("pause", LEADERS)
def _pause(ctx: _Ctx, cmd: c.Pause) -> None:
    ctx.t.status = TrajectoryStatus.PAUSED
    ctx.t.paused_at = ctx.now
    ctx.tell(None, "trajectory_paused")


@rule("resume", LEADERS, while_paused=True)
def _resume(ctx: _Ctx, cmd: c.Resume) -> None:
    if ctx.t.status is not TrajectoryStatus.PAUSED:
        raise NotNow("not_paused")
    ctx.t.status = TrajectoryStatus.RUNNING
    # the pause does not eat into anyone's time: deadlines move on by its length
    paused_for = ctx.now - (ctx.t.paused_at or ctx.now)
    ctx.t.paused_at = None
    for step_id in ctx.t.active_steps(ctx.template):
        state = ctx.t.steps[step_id]
        if state.deadline is not None:
            state.deadline = ctx.policy.working.next_working_moment(
                max(state.deadline + paused_for, ctx.now)
            )
            if step_id == "3b" and _check_open(ctx.t):
                ctx.t.check.deadline = state.deadline
            ctx.set_timer(step_id, "deadline", state.deadline)
    evaluation = ctx.t.evaluation
    if ctx.active("evaluatie") and evaluation.requested_at is None and evaluation.planned_at:
        # a moment that came during the pause comes now
        ctx.set_timer("evaluatie", "evaluation", max(evaluation.planned_at, ctx.now))
    ctx.tell(None, "trajectory_resumed")


@rule("cancel", LEADERS, while_paused=True)
def _cancel(ctx: _Ctx, cmd: c.Cancel) -> None:
    ctx.t.status = TrajectoryStatus.CANCELLED
    for step in ctx.template.steps:
        ctx.cancel_timer(step.id, "deadline")
    ctx.cancel_timer("evaluatie", "evaluation")
    ctx.tell(None, "trajectory_cancelled")


_OWN_REQUESTS = frozenset({"3b", "7", "evaluatie"})
_ON_START: dict[str, Callable[[_Ctx], None]] = {
    "3b": _on_start_3b,
    "7": _on_start_7,
    "evaluatie": _on_start_evaluatie,
}


# -- helpers ---------------------------------------------------------------------------------------


def _iso(moment: datetime | date | None) -> str | None:
    return None if moment is None else moment.isoformat()


def add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later (clamped to the month's last day)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


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
    """Who the trajectory is waiting on now, per active step, following each step's rule."""
    t = trajectory
    if t.status is not TrajectoryStatus.RUNNING:
        return []
    result: list[Waiting] = []
    for step_id in t.active_steps(template):
        step = template.step(step_id)
        deadline = t.steps[step_id].deadline

        def add(
            people: list[Person],
            what: str,
            step_id: str = step_id,
            deadline: datetime | None = deadline,
        ) -> None:
            result.extend(
                Waiting(person=p, step=step_id, what=what, deadline=deadline) for p in people
            )

        if step_id == "2" and t.kpis_round and not _decided_any(t, "kpis", t.kpis_round):
            add(t.holders("proceseigenaar"), "approve")
        elif step_id == "3b" and t.check.sent_at is not None:
            add(t.check.missing(), "check")
        elif step_id == "7":
            ctx = _Ctx(t=t, template=template, actor=SYSTEM, now=t.created_at)
            add(_reviews_missing(ctx), "review")
        elif step_id == "8" and t.plan_finalised_at is not None:
            add(_plan_seats_open(t, None), "approve")
        elif step_id == "evaluatie":
            if t.evaluation.requested_at is not None:  # before the moment, nobody is late
                add(t.holders("proceseigenaar"), "evaluate")
        else:
            add(t.holders(step.responsible) or t.holders("projectleider"), "complete")
    return result


def _decided_any(t: Trajectory, subject: str, round_: int) -> bool:
    return any(a.subject == subject and a.round == round_ for a in t.approvals)


def open_tasks(trajectory: Trajectory, person_id: str, template: Template) -> list[Waiting]:
    """What this trajectory waits on from one person."""
    return [w for w in waiting_on(trajectory, template) if w.person.aad_object_id == person_id]
