"""The trajectory: one run of the wasstraat for one product or service."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, JsonValue

from wasstraat.template import Template


class Typed:
    """Marks a field as text a person typed: kept in the trajectory where the work needs it,
    never in the audit trail (which keeps its length only)."""

    def __repr__(self) -> str:
        return "Typed()"


TYPED = Typed()


class Person(BaseModel):
    """A person, identified by their Entra (AAD) object id; the name is for display only."""

    model_config = ConfigDict(frozen=True)

    aad_object_id: str = Field(min_length=1, max_length=64)
    name: str = Field(default="", max_length=200)


SYSTEM = Person(aad_object_id="system", name="Wasstraat")


class Binding(BaseModel):
    """Where the trajectory lives in Teams: its tenant and the channel (or chat) it started in."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str | None = None
    conversation_id: str
    team_id: str | None = None
    team_name: str | None = Field(default=None, max_length=200)  # as Teams named it at the start
    channel_id: str | None = None

    @property
    def channel_key(self) -> str:
        """The key under which a channel's (or chat's) trajectories are listed."""
        return self.channel_id or self.conversation_id


class StepStatus(StrEnum):
    WAITING = "waiting"
    ACTIVE = "active"
    DONE = "done"
    MERGED = "merged"
    SKIPPED = "skipped"


FINISHED_STEP = frozenset({StepStatus.DONE, StepStatus.MERGED, StepStatus.SKIPPED})


class StepState(BaseModel):
    status: StepStatus = StepStatus.WAITING
    started_at: datetime | None = None
    done_at: datetime | None = None
    deadline: datetime | None = None
    rounds: int = 0  # how often the step was (re)opened
    # what the step's kind keeps of this round of the step, as its own model dumps it
    kept: dict[str, JsonValue] = Field(default_factory=dict)


class TrajectoryStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class Decision(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


class Kpi(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=200)
    unit: str = Field(default="", max_length=50)
    baseline: float | None = None
    target: float | None = None
    how_measured: Annotated[str, TYPED] = Field(default="", max_length=1000)
    measurements: list[Measurement] = Field(default_factory=list)


class Measurement(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    value: float
    at: datetime
    by: str  # Entra object id


class Approval(BaseModel):
    """One decision on something that needs approval (KPIs, the plan, the priorities)."""

    subject: str  # "kpis" | "plan" | "priorities"
    by: Person
    role: str
    decision: Decision
    remark: str = ""
    at: datetime
    round: int


class Session(BaseModel):
    step: str
    held_on: date
    notes: str = ""


class PlannedSession(BaseModel):
    """A working session planned ahead (3a, 3b, 5); with the calendar on, an invitation."""

    number: int
    step: str
    at: datetime
    minutes: int
    organizer: Person
    attendees: list[Person] = Field(default_factory=list)
    place: Annotated[str, TYPED] = ""


class RemarkOutcome(StrEnum):
    """What became of a "klopt niet": decided by whoever may send the description back."""

    HANDLED = "handled"  # dealt with in the description, or needs no change (with why)
    LATER = "later"  # kept for the improvement plan: a candidate there (with why)
    SENT_BACK = "sent_back"  # the description went back with it


class Resolution(BaseModel):
    outcome: RemarkOutcome
    reason: str = Field(default="", max_length=2000)
    by: Person
    at: datetime


class CheckAnswer(BaseModel):
    by: Person
    agrees: bool
    remark: str = ""
    at: datetime
    round: int = 1
    resolution: Resolution | None = None  # a remark's: what was decided about it

    @property
    def open(self) -> bool:
        """A "klopt niet" nobody has decided about yet."""
        return not self.agrees and self.resolution is None


class CheckState(BaseModel):
    """Step 3b: the check of the process description, e-mail style in chat. Sent back to the
    step it checks, it starts again as a new round: the answers of earlier rounds are kept
    for the record (``earlier``) and no longer count."""

    round: int = 1
    sent_at: datetime | None = None
    deadline: datetime | None = None
    asked: list[Person] = Field(default_factory=list)
    answers: dict[str, CheckAnswer] = Field(default_factory=dict)  # by object id
    closed_at: datetime | None = None
    closed_reason: str | None = None  # "all_answered" | "deadline" | "closed_early" | "merged"
    expired_at: datetime | None = None  # the deadline passed while remarks were open
    earlier: list[CheckAnswer] = Field(default_factory=list)

    def missing(self) -> list[Person]:
        return [person for person in self.asked if person.aad_object_id not in self.answers]

    def open_remarks(self) -> list[CheckAnswer]:
        return [a for a in self.answers.values() if a.open]

    def answers_of(self, round_: int) -> list[CheckAnswer]:
        """The answers given in a round, the current one or an earlier one."""
        if round_ == self.round:
            return list(self.answers.values())
        return [a for a in self.earlier if a.round == round_]

    def next_round(self) -> None:
        """Start over: the answers so far are kept for the record, nobody is asked yet."""
        self.earlier += [a.model_copy(update={"round": self.round}) for a in self.answers.values()]
        self.round += 1
        self.answers = {}
        self.asked = []
        self.sent_at = self.deadline = self.closed_at = self.expired_at = None
        self.closed_reason = None


class Feeling(StrEnum):
    POSITIVE = "positive"
    NEUTRAL = "neutral"
    NEGATIVE = "negative"


class KlantreisMethod(StrEnum):
    OWN_INTERVIEWS = "own_interviews"
    VNG_KLANTREIS = "vng_klantreis"
    OTHER_FEEDBACK = "other_feedback"


class ContactMoment(BaseModel):
    """A moment of the customer's journey (the VNG klantreis): a phase, the channel it goes
    through, how it feels now and how it should feel, a short note; a card holds six with the
    rest of the klantreis, so the texts are short."""

    phase: Annotated[str, TYPED] = Field(default="", max_length=80)
    channel: str = Field(max_length=50)  # a channel of the template: website, balie …
    current: Feeling
    desired: Feeling | None = None
    note: Annotated[str, TYPED] = Field(default="", max_length=150)


class Klantreis(BaseModel):
    method: KlantreisMethod
    link: str | None = Field(default=None, max_length=2000)
    findings: str = Field(default="", max_length=5000)
    contact_moments: list[ContactMoment] = Field(default_factory=list)
    pain_points: list[str] = Field(default_factory=list)
    recorded_at: datetime
    by: Person


class PAssessment(BaseModel):
    matches: bool
    note: str = Field(default="", max_length=2000)
    by: Person
    at: datetime


class Horizon(StrEnum):
    QUICK_WIN = "quick_win"
    LONG_TERM = "long_term"


class Level(StrEnum):
    """An improvement's impact or effort as a LEAN team rates it for the PICK chart."""

    HIGH = "high"
    LOW = "low"


class Quadrant(StrEnum):
    """Where impact against effort puts an improvement (PICK): Possible (little of either),
    Implement (much impact, little effort), Challenge (much of both), Kill (little impact,
    much effort)."""

    POSSIBLE = "possible"
    IMPLEMENT = "implement"
    CHALLENGE = "challenge"
    KILL = "kill"


class Verdict(StrEnum):
    AKKOORD = "akkoord"
    ONDER_VOORWAARDEN = "akkoord_onder_voorwaarden"
    NIET_AKKOORD = "niet_akkoord"


class Review(BaseModel):
    by: Person
    role: str
    verdict: Verdict
    remark: str = Field(default="", max_length=2000)
    cost_estimate: str | None = Field(default=None, max_length=200)  # IV
    lead_time: str | None = Field(default=None, max_length=200)  # IV
    at: datetime
    revision: int  # the improvement's revision this review is about


class ImplementationStatus(StrEnum):
    TODO = "todo"
    DOING = "doing"
    DONE = "done"


class Origin(StrEnum):
    """Where a candidate improvement came from: someone's idea, or a finding of a step."""

    IDEA = "idea"
    KLANTREIS = "klantreis"  # a pain point or a contact moment felt as negative
    P = "p"  # a P that does not match the serviceformule
    CHECK = "check"  # a remark of the check the procesadviseur did not resolve
    REVIEW = "review"  # a specialist's condition


class Improvement(BaseModel):
    id: str
    text: str = Field(min_length=1, max_length=2000)
    source_step: str | None
    by: Person
    at: datetime
    p: str | None = None
    channel: str | None = None  # a klantreis finding's channel (balie, website …)
    origin: Origin = Origin.IDEA
    ref: str | None = None  # a finding's own key, so that recording it again updates it
    horizon: Horizon | None = None
    impact: Level | None = None  # the PICK chart's ratings (step 6)
    effort: Level | None = None
    selected: bool = False
    revision: int = 0
    reviews: list[Review] = Field(default_factory=list)
    priority: int | None = None
    owner: Person | None = None
    target_date: date | None = None


def quadrant(improvement: Improvement) -> Quadrant | None:
    """The improvement's place in the PICK chart, once both its impact and effort are rated."""
    if improvement.impact is None or improvement.effort is None:
        return None
    high_impact = improvement.impact is Level.HIGH
    if improvement.effort is Level.LOW:
        return Quadrant.IMPLEMENT if high_impact else Quadrant.POSSIBLE
    return Quadrant.CHALLENGE if high_impact else Quadrant.KILL


# what each quadrant proposes for the plan: a horizon, not chosen (Kill), or the project
# leader's choice (Possible: None); the project leader can still change it
PROPOSED_HORIZON: dict[Quadrant, Horizon | None] = {
    Quadrant.IMPLEMENT: Horizon.QUICK_WIN,
    Quadrant.CHALLENGE: Horizon.LONG_TERM,
    Quadrant.KILL: None,
    Quadrant.POSSIBLE: None,
}


class ImplementationItem(BaseModel):
    id: str
    text: str = Field(min_length=1, max_length=2000)
    improvement_id: str | None = None
    kind: str = "improvement"  # "improvement" | "training" | "documentation" | "other"
    owner: Person | None = None
    target_date: date | None = None
    status: ImplementationStatus = ImplementationStatus.TODO
    updated_at: datetime | None = None
    left_open: str | None = Field(default=None, max_length=500)  # why, when the step closed


class Evaluation(BaseModel):
    model_config = ConfigDict(allow_inf_nan=False)

    planned_on: date | None = None
    planned_at: datetime | None = None  # when the evaluation card goes out
    measurements: dict[str, float] = Field(default_factory=dict)  # KPI name → value
    went_well: str = ""
    could_be_better: str = ""
    requested_at: datetime | None = None  # when the evaluation card went out
    recorded_at: datetime | None = None
    by: Person | None = None


class Submission(BaseModel):
    """Who put something up for a decision (the KPIs, the plan, the priorities), and when: the
    round it started."""

    round: int
    by: Person
    at: datetime


IMPLEMENT = "implement"  # what an owner of an open action is waited on for


class FollowUp(BaseModel):
    """An open task someone is reminded of: since when it waits, and what was done about it."""

    person: Person
    step: str
    what: str  # as in ``engine.Waiting.what``
    since: datetime
    due: datetime | None = None  # by when it is asked: the step's deadline, else the first reminder
    # the task has a date of its own (an action's target date): reminded before it and, once
    # it has passed, the project leader told, rather than on the cadence from ``since``
    dated: bool = False
    reminded_at: datetime | None = None
    reminders: int = 0
    escalated_at: datetime | None = None

    @property
    def key(self) -> str:
        return follow_up_key(self.step, self.what, self.person.aad_object_id)


def follow_up_key(step: str, what: str, person_id: str) -> str:
    return f"{step}:{what}:{person_id}"


class AuditEntry(BaseModel):
    at: datetime
    actor: str  # Entra object id ("system" for timers)
    action: str
    detail: dict[str, Any] = Field(default_factory=dict)


class Trajectory(BaseModel):
    id: str
    template_id: str
    product: str = Field(min_length=1, max_length=200)
    binding: Binding
    status: TrajectoryStatus = TrajectoryStatus.RUNNING
    roles: dict[str, list[Person]] = Field(default_factory=dict)
    substitutes: dict[str, list[Substitution]] = Field(default_factory=dict)
    steps: dict[str, StepState] = Field(default_factory=dict)
    created_at: datetime
    previous_cycle: str | None = None
    support_confirmed_by: list[Person] = Field(default_factory=list)
    kickoff_on: date | None = None
    kpis: list[Kpi] = Field(default_factory=list)
    kpis_round: int = 0
    process_maps: list[str] = Field(default_factory=list)
    sessions: list[Session] = Field(default_factory=list)
    planned_sessions: list[PlannedSession] = Field(default_factory=list)
    check: CheckState = Field(default_factory=CheckState)
    # the check step is merged into the step before it (counts as done with it)
    check_merged: bool = Field(
        default=False, validation_alias=AliasChoices("check_merged", "merge_3b")
    )
    klantreis: Klantreis | None = None
    serviceformule: str | None = None
    assessment: dict[str, PAssessment] = Field(default_factory=dict)  # P id → assessment
    improvements: list[Improvement] = Field(default_factory=list)
    improvements_numbered: int = 0  # the highest number an improvement's id ever had
    plan_round: int = 0
    priorities_round: int = 0
    plan_finalised_at: datetime | None = None
    approvals: list[Approval] = Field(default_factory=list)
    submissions: dict[str, Submission] = Field(default_factory=dict)  # subject → the last one
    implementation: list[ImplementationItem] = Field(default_factory=list)
    evaluation: Evaluation = Field(default_factory=Evaluation)
    follow_ups: dict[str, FollowUp] = Field(default_factory=dict)  # key → open task
    paused_at: datetime | None = None
    anonymized_at: datetime | None = None  # closed and past retention: people replaced
    version: int = 0

    def holders(self, role_id: str) -> list[Person]:
        return self.roles.get(role_id, [])

    def holds(self, person_id: str, role_id: str, now: datetime | None = None) -> bool:
        """Whether the person holds the role (or substitutes for a holder) at ``now``."""
        if any(p.aad_object_id == person_id for p in self.roles.get(role_id, [])):
            return True
        return any(
            sub.substitute.aad_object_id == person_id and (now is None or sub.active_at(now))
            for sub in self.substitutes.get(role_id, [])
        )

    def roles_of(self, person_id: str, now: datetime | None = None) -> set[str]:
        names = set(self.roles) | set(self.substitutes)
        return {role for role in names if self.holds(person_id, role, now)}

    def members(self) -> list[Person]:
        """Everyone in the project group, once each."""
        seen: dict[str, Person] = {}
        for people in self.roles.values():
            for person in people:
                seen.setdefault(person.aad_object_id, person)
        return list(seen.values())

    def status_of(self, step_id: str) -> StepStatus:
        state = self.steps.get(step_id)
        return StepStatus.WAITING if state is None else state.status

    def active_steps(self, template: Template) -> list[str]:
        """The active steps in template order."""
        return [s.id for s in template.steps if self.status_of(s.id) is StepStatus.ACTIVE]

    def improvement(self, improvement_id: str) -> Improvement | None:
        return next((i for i in self.improvements if i.id == improvement_id), None)

    @property
    def check_round(self) -> int:
        """The round of the check (a card of an earlier round is stale)."""
        return self.check.round


class Substitution(BaseModel):
    """Someone acting in a role for a holder, e.g. during leave."""

    absent: Person
    substitute: Person
    reason: str = Field(min_length=1, max_length=500)
    until: datetime | None = None

    def active_at(self, now: datetime) -> bool:
        return self.until is None or now < self.until


Kpi.model_rebuild()
Trajectory.model_rebuild()
