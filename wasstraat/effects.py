"""What a command asks the world to do, typed: messages (one model per kind, a discriminated
union), timers, and the outcome that carries them with the new state and its audit entries.

A message's body is what the outbox keeps as its payload (:meth:`Body.payload`, JSON-ready)
and what the dispatcher reads back (:func:`read_payload`): a row that does not fit its kind is
refused there, not drawn half."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from wasstraat.model import AuditEntry, Person, Trajectory


class MessageBody(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: str  # each body names its kind (the outbox keeps it in a column of its own)
    # the role the person is told in (their card is drawn for it); None: to the channel, or
    # to someone whatever their role
    role: str | None = None

    def payload(self) -> dict[str, Any]:
        """The body as the outbox keeps it (without its kind, which has a column)."""
        return self.model_dump(mode="json", exclude={"kind"}, exclude_none=True)


# -- what a step asks of someone (also what a reminder repeats) --------------------------------


class StepStarted(MessageBody):
    kind: Literal["step_started"] = "step_started"
    step: str


class ApprovalRequest(MessageBody):
    kind: Literal["approval_request"] = "approval_request"
    subject: str
    round: int


class CheckRequest(MessageBody):
    kind: Literal["check_request"] = "check_request"
    step: str
    deadline: str | None = None
    link: str | None = None
    round: int | None = None


class ReviewRequest(MessageBody):
    kind: Literal["review_request"] = "review_request"
    step: str
    roles: list[str] | None = None  # every reviewing role asked of the person, one section each
    improvements: list[str]
    deadline: str | None = None


class EvaluationRequest(MessageBody):
    kind: Literal["evaluation_request"] = "evaluation_request"
    step: str


# -- news -------------------------------------------------------------------------------------


class StepDone(MessageBody):
    kind: Literal["step_done"] = "step_done"
    step: str
    merged: bool | None = None


class MergePlanned(MessageBody):
    """The check is merged into the step it checks, which still runs: done with it."""

    kind: Literal["merge_planned"] = "merge_planned"
    step: str
    into: str


class RoleAssigned(MessageBody):
    kind: Literal["role_assigned"] = "role_assigned"
    role: str
    roles: list[str] | None = None  # several given at once: all of them, in one message


class SubstituteAssigned(MessageBody):
    kind: Literal["substitute_assigned"] = "substitute_assigned"
    role: str
    absent: str
    until: str | None = None


class Rejected(MessageBody):
    kind: Literal["rejected"] = "rejected"
    subject: str
    remark: str
    by: str
    step: str | None = None  # the step whose form goes with it (messages before: none)


class CheckProgress(MessageBody):
    kind: Literal["check_progress"] = "check_progress"
    answered: int
    asked: int


class CheckSummary(MessageBody):
    kind: Literal["check_summary"] = "check_summary"
    reason: str
    agree: int
    disagree: int
    missing: list[str]
    final: bool
    round: int | None = None  # the remarks of this round are on the card, from the trajectory


# a task the follow-up of open work sends again (a reminder) or its card is drawn from
Task = Annotated[
    StepStarted | ApprovalRequest | CheckRequest | CheckSummary | ReviewRequest | EvaluationRequest,
    Field(discriminator="kind"),
]


class RemarkDecided(MessageBody):
    """To whoever wrote a "klopt niet": what was decided about it, by whom, and why."""

    kind: Literal["remark_decided"] = "remark_decided"
    outcome: str  # a RemarkOutcome
    reason: str = ""
    by: str
    round: int


class CheckHeld(MessageBody):
    """To the project leader: everyone answered (or the deadline passed), but the check waits
    on a decision about its open remarks."""

    kind: Literal["check_held"] = "check_held"
    reason: str  # "all_answered" | "deadline"
    open: int
    deciders: list[str]


class PlanSentBack(MessageBody):
    kind: Literal["plan_sent_back"] = "plan_sent_back"
    improvements: list[str]


class ReviewsSummary(MessageBody):
    kind: Literal["reviews_summary"] = "reviews_summary"
    reason: str
    missing: list[str]


class SupportConfirmed(MessageBody):
    kind: Literal["support_confirmed"] = "support_confirmed"
    by: str


class SessionPlanned(MessageBody):
    kind: Literal["session_planned"] = "session_planned"
    step: str
    at: str
    minutes: int
    place: str | None = None
    by: str | None = None  # who planned it


class CalendarEvent(MessageBody):
    kind: Literal["calendar_event"] = "calendar_event"
    step: str
    session: str
    at: str
    minutes: int
    attendees: list[str]
    place: str | None = None


class ImplementationAssigned(MessageBody):
    kind: Literal["implementation_assigned"] = "implementation_assigned"
    items: list[str]


class EvaluationPlanned(MessageBody):
    kind: Literal["evaluation_planned"] = "evaluation_planned"
    on: str


class KpiResult(BaseModel):
    """One KPI at the evaluation: where it started, where it was to go, where it is now."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    name: str
    unit: str = ""
    baseline: float | None = None
    target: float | None = None
    measured: float | None = None  # None: not measured at this evaluation
    lower_is_better: bool | None = None  # None: the direction cannot be told
    met: bool | None = None  # None: nothing to judge (no target, no measurement, no direction)


class EvaluationResult(MessageBody):
    """The evaluation as recorded, for the whole project group and the sponsor: per KPI its
    baseline, target and new measurement ("meten = weten")."""

    kind: Literal["evaluation_result"] = "evaluation_result"
    step: str
    kpis: list[KpiResult]


class NextCycleOffer(MessageBody):
    kind: Literal["next_cycle_offer"] = "next_cycle_offer"


class TaskOverdue(MessageBody):
    kind: Literal["task_overdue"] = "task_overdue"
    step: str
    what: str
    name: str
    since: str | None = None


class TrajectoryPaused(MessageBody):
    kind: Literal["trajectory_paused"] = "trajectory_paused"


class TrajectoryResumed(MessageBody):
    kind: Literal["trajectory_resumed"] = "trajectory_resumed"


class TrajectoryCancelled(MessageBody):
    kind: Literal["trajectory_cancelled"] = "trajectory_cancelled"


class Reminder(MessageBody):
    """The task's own card again, with the reminder on top. Kept flat in the outbox (the task's
    fields beside the reminder's, ``task`` naming its kind), as the card reads it."""

    kind: Literal["reminder"] = "reminder"
    task: Task
    what: str
    since: str | None = None
    count: int
    nudged: bool = False
    by: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _nest(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("task"), str):
            own = {"kind", "what", "since", "count", "nudged", "by"}
            task = {k: v for k, v in data.items() if k not in own and k != "task"}
            return {
                **{k: v for k, v in data.items() if k in own},
                "task": {**task, "kind": data["task"]},
            }
        return data

    def payload(self) -> dict[str, Any]:
        own = self.model_dump(mode="json", exclude={"kind", "task"}, exclude_none=True)
        return {**self.task.payload(), **own, "task": self.task.kind}


# -- made by the bot's delivery, not by a command ------------------------------------------------


class DeliveryFailed(MessageBody):
    kind: Literal["delivery_failed"] = "delivery_failed"
    name: str


class CalendarFailed(MessageBody):
    kind: Literal["calendar_failed"] = "calendar_failed"
    step: str | None = None


class CalendarUninvited(MessageBody):
    kind: Literal["calendar_uninvited"] = "calendar_uninvited"
    step: str | None = None
    names: list[str]


Body = Annotated[
    StepStarted
    | ApprovalRequest
    | CheckRequest
    | ReviewRequest
    | EvaluationRequest
    | StepDone
    | MergePlanned
    | RoleAssigned
    | SubstituteAssigned
    | Rejected
    | CheckProgress
    | CheckSummary
    | RemarkDecided
    | CheckHeld
    | PlanSentBack
    | ReviewsSummary
    | SupportConfirmed
    | SessionPlanned
    | CalendarEvent
    | ImplementationAssigned
    | EvaluationPlanned
    | EvaluationResult
    | NextCycleOffer
    | TaskOverdue
    | TrajectoryPaused
    | TrajectoryResumed
    | TrajectoryCancelled
    | Reminder
    | DeliveryFailed
    | CalendarFailed
    | CalendarUninvited,
    Field(discriminator="kind"),
]
BODY: TypeAdapter[Body] = TypeAdapter(Body)
# what the outbox adds around every body: which trajectory, at which version
ENVELOPE = ("trajectory_id", "version")


def read_payload(kind: str, payload: dict[str, Any]) -> Body:
    """An outbox row's payload as its typed body (pydantic's ValidationError when it does not
    fit its kind)."""
    fields = {k: v for k, v in payload.items() if k not in ENVELOPE}
    return BODY.validate_python({**fields, "kind": kind})


class Message(BaseModel):
    """Something to tell someone: a person (1:1) or, with ``recipient`` None, the channel."""

    recipient: Person | None
    body: Body

    @property
    def kind(self) -> str:
        return self.body.kind

    @property
    def data(self) -> dict[str, Any]:
        return self.body.payload()


TimerKind = Literal["deadline", "evaluation", "follow_up"]


class TimerEffect(BaseModel):
    """Set (``due_at``) or cancel (``due_at`` None) the timer with a deterministic id."""

    timer_id: str
    kind: TimerKind
    due_at: datetime | None
    trajectory_id: str
    step: str

    @property
    def data(self) -> dict[str, Any]:
        """The timer's payload as the timers table keeps it."""
        return {"trajectory_id": self.trajectory_id, "step": self.step}


class Outcome(BaseModel):
    trajectory: Trajectory
    messages: list[Message] = Field(default_factory=list)
    timers: list[TimerEffect] = Field(default_factory=list)
    audit: list[AuditEntry] = Field(default_factory=list)
