"""What every rule of the engine works with: the errors, the effects, the context one command
runs in, the step life cycle, and the rule registry with its one permission check.

Which steps there are, who acts in them and what kind of step each is come from the template;
nothing here names a step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from wasstraat import commands as c
from wasstraat.effects import (
    Body,
    Message,
    StepDone,
    StepStarted,
    Task,
    TimerEffect,
    TimerKind,
)
from wasstraat.model import (
    FINISHED_STEP,
    SYSTEM,
    AuditEntry,
    Person,
    StepState,
    StepStatus,
    Trajectory,
    TrajectoryStatus,
    Typed,
)
from wasstraat.template import (
    PROJECT_LEADER,
    Check,
    Evaluation,
    Reviews,
    Section,
    Step,
    Template,
)
from wasstraat.worktime import DEFAULT_POLICY, TimePolicy

# -- errors ----------------------------------------------------------------------------------


class EngineError(Exception):
    """A command that changes nothing; ``code`` names the reason for the message catalogue."""

    def __init__(self, code: str, **detail: Any) -> None:
        super().__init__(code)
        self.code = code
        self.detail = detail


class NotAllowed(EngineError):
    """The actor does not hold a role that may give this command (``not_a_member``: the actor
    is not in the project group at all)."""


class NotNow(EngineError):
    """The command does not fit the trajectory's current state (step not active, paused …)."""


class InvalidInput(EngineError):
    """The command's input is not acceptable."""


class AlreadyDecided(EngineError):
    """The command was given on a stale version, or decides what is already decided."""


# -- effects ---------------------------------------------------------------------------------


def timer_id(trajectory_id: str, step: str, kind: str) -> str:
    return f"{trajectory_id}:{step}:{kind}"


DEADLINE_TIMER: Final = "deadline"


def redact(model: BaseModel, *, skip: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A model as the audit keeps it: every field marked :data:`~wasstraat.model.TYPED` (text a
    person typed) replaced by its length, a person by their object id, the rest as JSON."""
    result: dict[str, Any] = {}
    for name, field_info in type(model).model_fields.items():
        if name in skip:
            continue
        value = getattr(model, name)
        if any(isinstance(marker, Typed) for marker in field_info.metadata):
            typed = "".join(value) if isinstance(value, list) else value
            result[name] = f"<{len(str(typed))} chars>" if typed else typed
        else:
            result[name] = _redacted(value)
    return result


def _redacted(value: Any) -> Any:
    if isinstance(value, Person):
        return value.aad_object_id
    if isinstance(value, BaseModel):
        return redact(value)
    if isinstance(value, list | tuple):
        return [_redacted(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _redacted(item) for key, item in value.items()}
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def iso(moment: datetime | date | None) -> str | None:
    return None if moment is None else moment.isoformat()


# -- step kinds ------------------------------------------------------------------------------


class Behaviour:
    """What a kind of step does in a running trajectory: at its start, whom it waits on, what
    it asks (again), and what its deadline, a resume and a cancel mean for it. A kind overrides
    what it needs; the rest does nothing."""

    def start(self, ctx: Ctx, step: Step) -> None:
        ctx.tell_actors(step)

    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        return []

    def task(self, ctx: Ctx, step: Step, person: Person, what: str) -> Task:
        return StepStarted(step=step.id, role=acting_role(ctx, person, step))

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        """Someone got ``role`` while the step runs: ask of them what the step asks."""

    def recheck(self, ctx: Ctx, step: Step) -> None:
        """The people changed: the step may be complete now."""

    def deadline(self, ctx: Ctx, step: Step) -> None:
        """The step's deadline passed."""
        raise NotNow("no_deadline_rule", step=step.id)

    def resumed(self, ctx: Ctx, step: Step) -> None:
        """The trajectory runs again after a pause (the step's deadline has moved already)."""

    def cancelled(self, ctx: Ctx, step: Step) -> None:
        """The trajectory was cancelled: the step's own timers go."""

    def ahead(self, t: Trajectory, step: Step) -> datetime | None:
        """The moment the running step waits for, while it is still ahead (nobody is late
        before it)."""
        return None


BEHAVIOURS: dict[str, Behaviour] = {}


def behaviour(kind: str) -> Callable[[type[Behaviour]], type[Behaviour]]:
    """Register what a kind of step does, by the ``type`` its template model registered."""

    def register(cls: type[Behaviour]) -> type[Behaviour]:
        if kind in BEHAVIOURS:
            raise ValueError(f"two behaviours for the kind {kind!r}")
        BEHAVIOURS[kind] = cls()
        return cls

    return register


M = TypeVar("M", bound=BaseModel)


def kept(t: Trajectory, step: Step, model: type[M]) -> M:
    """What the step's kind keeps of the step's current round, read as its own ``model``."""
    state = t.steps.get(step.id)
    return model.model_validate(state.kept if state is not None else {})


def acting_role(ctx: Ctx, person: Person, step: Step) -> str:
    """The role a person acts in at a step (an actor role first), for the card they get."""
    roles = ctx.t.roles_of(person.aad_object_id, ctx.now)
    actor_role = next((r for r in step.actors if r in roles), None)
    return actor_role or (sorted(roles) or ["?"])[0]


# -- the context one command runs in -------------------------------------------------------------


@dataclass
class Ctx:
    t: Trajectory  # a private deep copy, changed in place
    template: Template
    actor: Person
    now: datetime
    policy: TimePolicy = DEFAULT_POLICY
    messages: list[Message] = field(default_factory=list)
    timers: list[TimerEffect] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)

    def tell(self, person: Person | None, body: Body) -> None:
        self.messages.append(Message(recipient=person, body=body))

    def tell_role(self, role: str, body: Body) -> None:
        """Everyone who holds the role, each told in that role."""
        for person in self.t.holders(role):
            self.tell(person, body.model_copy(update={"role": role}))

    def tell_leader(self, body: Body) -> None:
        self.tell_role(PROJECT_LEADER, body)

    def tell_roles(self, roles: Iterable[str], body: Body, *, skip: str | None = None) -> None:
        """Everyone who holds one of the roles, once each, told in the first of them (but the
        person ``skip`` names)."""
        told: set[str] = {skip} if skip else set()
        for role in roles:
            for person in self.t.holders(role):
                if person.aad_object_id not in told:
                    told.add(person.aad_object_id)
                    self.tell(person, body.model_copy(update={"role": role}))

    def record(self, action: str, **detail: Any) -> None:
        """An audit entry: ids, numbers and choices only (a command's typed text goes through
        :func:`redact`)."""
        self.audit.append(
            AuditEntry(at=self.now, actor=self.actor.aad_object_id, action=action, detail=detail)
        )

    def set_timer(self, step: str, kind: TimerKind, due_at: datetime | None) -> None:
        """Set the step's timer of that kind (``due_at`` None: cancel it)."""
        self.timers.append(
            TimerEffect(
                timer_id=timer_id(self.t.id, step, kind),
                kind=kind,
                due_at=due_at,
                trajectory_id=self.t.id,
                step=step,
            )
        )

    def cancel_timer(self, step: str, kind: TimerKind) -> None:
        self.set_timer(step, kind, None)

    def active(self, step: Step | str | None) -> bool:
        if step is None:
            return False
        step_id = step if isinstance(step, str) else step.id
        return self.t.status_of(step_id) is StepStatus.ACTIVE

    def keep(self, step: Step, value: BaseModel) -> None:
        """Keep what the step's kind needs of this round of the step (see :func:`kept`)."""
        self.t.steps[step.id].kept = value.model_dump(mode="json")

    def already_an_actor(self, step: Step, person: Person, role: str) -> bool:
        """Whether the person already acts in the step in another role (and so has its card)."""
        others = self.t.roles_of(person.aad_object_id, self.now) - {role}
        return bool(others & set(step.actors))

    def holds_any(self, roles: Iterable[str]) -> bool:
        return any(self.t.holds(self.actor.aad_object_id, role, self.now) for role in roles)

    # -- step life cycle ----------------------------------------------------------------------

    def complete(self, step: Step, **detail: Any) -> None:
        state = self.t.steps[step.id]
        state.status = StepStatus.DONE
        state.done_at = self.now
        state.deadline = None
        self.record("step.done", step=step.id, **detail)
        self.tell(None, StepDone(step=step.id))
        self.activate_ready_steps()

    def activate_ready_steps(self) -> None:
        """Start every waiting step whose dependencies are finished; loop for merged steps."""
        started = True
        while started:
            started = False
            for step in self.template.steps:
                state = self.t.steps.get(step.id)
                if state is None:
                    state = self.t.steps[step.id] = StepState()
                if state.status is not StepStatus.WAITING:
                    continue
                if all(self.t.status_of(dep) in FINISHED_STEP for dep in step.depends_on):
                    if self.t.check_merged and step.kind.type == "check":
                        mark_merged(self, step, activate=False)
                    else:
                        self.start_step(step)
                    started = True
        if all(self.t.status_of(step.id) in FINISHED_STEP for step in self.template.steps):
            self.t.status = TrajectoryStatus.FINISHED
            self.record("trajectory.finished")

    def start_step(self, step: Step) -> None:
        state = self.t.steps[step.id]
        state.status = StepStatus.ACTIVE
        state.started_at = self.now
        state.done_at = None
        state.rounds += 1
        if step.deadline_days:
            # deadlines count working days: a check sent on Friday is not due on Wednesday
            state.deadline = self.policy.working.add_working_days(self.now, step.deadline_days)
            self.set_timer(step.id, DEADLINE_TIMER, state.deadline)
        self.record("step.started", step=step.id)
        self.tell(None, StepStarted(step=step.id))
        BEHAVIOURS[step.kind.type].start(self, step)

    def tell_actors(self, step: Step) -> None:
        """Each actor of the step gets its card once, in the first of their roles it names."""
        told: set[str] = set()
        for role in step.actors:
            for person in self.t.holders(role):
                if person.aad_object_id not in told:
                    told.add(person.aad_object_id)
                    self.tell(person, StepStarted(step=step.id, role=role))

    def reopen(self, step: Step) -> None:
        self.t.steps[step.id] = StepState(
            status=StepStatus.WAITING, rounds=self.t.steps[step.id].rounds
        )


def mark_merged(ctx: Ctx, step: Step, *, activate: bool = True) -> None:
    """A check step merged into the step before it: done with it, nobody is asked."""
    state = ctx.t.steps[step.id]
    state.status = StepStatus.MERGED
    state.done_at = ctx.now
    state.deadline = None
    ctx.t.check.closed_reason = "merged"
    ctx.t.check.closed_at = ctx.now
    ctx.cancel_timer(step.id, DEADLINE_TIMER)
    ctx.tell(None, StepDone(step=step.id, merged=True))
    if activate:
        ctx.activate_ready_steps()


# -- who may: one check for every rule -------------------------------------------------------------

Handler = Callable[[Ctx, Any], None]
# the steps a command can be given in, each with the roles that may give it there
Places = Callable[[Template, c.Base | None], list[tuple[Step, frozenset[str]]]]


@dataclass(frozen=True)
class Rule:
    """Who may give a command: ``managers`` (the template's), any ``member``, the ``clock``, or
    the roles ``places`` names at steps (a command is then allowed only while such a step
    runs)."""

    handler: Handler
    places: Places | None = None
    managers: bool = False
    member: bool = False
    clock: bool = False
    while_paused: bool = False

    @property
    def anytime(self) -> bool:
        return self.places is None


RULES: dict[str, Rule] = {}


def rule(kind: str, **who: Any) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if kind in RULES:
            raise ValueError(f"two rules for {kind}")
        RULES[kind] = Rule(handler=handler, **who)
        return handler

    return register


def _step_of(template: Template, command: c.Base | None) -> Step | None:
    step_id = getattr(command, "step", None)
    if not isinstance(step_id, str):
        return None
    try:
        return template.step(step_id)
    except KeyError:
        return None


def section_places(section: Section) -> Places:
    """Wherever the template gives some role this part of a step's work."""

    def places(template: Template, command: c.Base | None) -> list[tuple[Step, frozenset[str]]]:
        named = _step_of(template, command)
        has = named is not None and any(section in parts for parts in named.may.values())
        steps = [named] if has and named is not None else template.steps
        return [
            (step, frozenset(role for role, parts in step.may.items() if section in parts))
            for step in steps
            if any(section in parts for parts in step.may.values())
        ]

    return places


def the_one(ctx: Ctx, kind: type[Check | Reviews | Evaluation]) -> Step:
    """The template's one step of this kind (the check, the reviews, the evaluation)."""
    step = ctx.template.one(kind)
    if step is None:
        raise NotNow("step_not_active")
    return step


def one_places(
    kind: type[Check | Reviews | Evaluation], roles: Callable[[Template, Step], Iterable[str]]
) -> Places:
    """The template's one step of this kind, with the roles that may act in it."""

    def places(template: Template, command: c.Base | None) -> list[tuple[Step, frozenset[str]]]:
        step = template.one(kind)
        return [] if step is None else [(step, frozenset(roles(template, step)))]

    return places


def refusal(
    rule_: Rule,
    t: Trajectory,
    actor: Person,
    now: datetime,
    template: Template,
    command: c.Base | None = None,
) -> str | None:
    """None when the actor may give the command now, else why not, in the gate's order: not in
    the group, not their role, the trajectory closed or paused, the step not running."""
    if rule_.clock:
        if actor.aad_object_id != SYSTEM.aad_object_id:
            return "not_allowed"
    else:
        roles = t.roles_of(actor.aad_object_id, now)
        if not roles:
            return "not_a_member"
        places: list[tuple[Step, frozenset[str]]] = []
        if rule_.managers:
            if not roles & set(template.managers):
                return "not_allowed"
        elif not rule_.member and rule_.places is not None:
            places = [
                (s, allowed) for s, allowed in rule_.places(template, command) if roles & allowed
            ]
            if not places:
                return "not_allowed"
    if t.status in (TrajectoryStatus.CANCELLED, TrajectoryStatus.FINISHED):
        return "closed"
    if t.status is TrajectoryStatus.PAUSED and not rule_.while_paused:
        return "paused"
    if rule_.places is not None:
        if rule_.clock or rule_.member:
            places = rule_.places(template, command)
        if not any(t.status_of(step.id) is StepStatus.ACTIVE for step, _ in places):
            return "step_not_active"
    return None
