"""Every command a person (or the clock) can give a trajectory, as typed data."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from wasstraat import limits
from wasstraat.model import (
    TYPED,
    ContactMoment,
    Decision,
    Horizon,
    ImplementationStatus,
    KlantreisMethod,
    Kpi,
    Level,
    Person,
    RemarkOutcome,
    Verdict,
)

Remark = Annotated[str, TYPED, Field(max_length=2000)]
Reason = Annotated[str, TYPED, Field(min_length=1, max_length=500)]


class Base(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    kind: str  # each command names its kind (its rule in the engine)
    # the trajectory version the sender saw (cards carry it); a stale one is "already decided"
    expected_version: int | None = None


# -- roles (any step) ----------------------------------------------------------------------


class AssignRole(Base):
    kind: Literal["assign_role"] = "assign_role"
    role: str
    people: list[Person] = Field(min_length=1, max_length=500)
    reason: Remark = ""


class Substitute(Base):
    """Someone acts in a role for a holder (e.g. during leave), with a reason."""

    kind: Literal["substitute"] = "substitute"
    role: str
    absent: Person
    substitute: Person
    reason: Reason
    until: AwareDatetime | None = None


class EndSubstitution(Base):
    kind: Literal["end_substitution"] = "end_substitution"
    role: str
    substitute: Person


# -- step 1 --------------------------------------------------------------------------------


class ConfirmSupport(Base):
    kind: Literal["confirm_support"] = "confirm_support"


class RecordKickoff(Base):
    kind: Literal["record_kickoff"] = "record_kickoff"
    held_on: date


# -- step 2 --------------------------------------------------------------------------------


class ProposeKpis(Base):
    kind: Literal["propose_kpis"] = "propose_kpis"
    kpis: list[Kpi] = Field(min_length=1, max_length=20)


class DecideKpis(Base):
    kind: Literal["decide_kpis"] = "decide_kpis"
    decision: Decision
    remark: Remark = ""
    round: int | None = None  # the round the card was made for (None: the current one)


# -- step 3a / 3b / 5 sessions -------------------------------------------------------------


class RecordSession(Base):
    kind: Literal["record_session"] = "record_session"
    step: str
    held_on: date
    notes: Remark = ""


class SetProcessMap(Base):
    kind: Literal["set_process_map"] = "set_process_map"
    link: str = Field(min_length=1, max_length=2000)


class SendCheck(Base):
    kind: Literal["send_check"] = "send_check"
    deadline: AwareDatetime


class AnswerCheck(Base):
    kind: Literal["answer_check"] = "answer_check"
    agrees: bool
    remark: Remark = ""
    round: int | None = None  # the round the card was made for (None: the current one)


class CloseCheck(Base):
    kind: Literal["close_check"] = "close_check"


class SendBackCheck(Base):
    """From the check's summary: the work goes back to the step the check checks; when that
    is done again, a new round of the check starts."""

    kind: Literal["send_back_check"] = "send_back_check"
    round: int | None = None  # the round whose summary it came from (None: the current one)


class ResolveRemark(Base):
    """What becomes of one "klopt niet" of the check (``of``: its writer's object id): handled
    (in the description, or no change needed) or kept for the plan, with why."""

    kind: Literal["resolve_remark"] = "resolve_remark"
    round: int | None = None
    of: str = Field(min_length=1, max_length=64)
    outcome: Literal[RemarkOutcome.HANDLED, RemarkOutcome.LATER]
    reason: Remark = ""


class MergeCheck(Base):
    """3b is merged into 3a (simple processes): it counts as done with 3a."""

    kind: Literal["merge_check"] = "merge_check"


# -- step 4 --------------------------------------------------------------------------------


class RecordKlantreis(Base):
    kind: Literal["record_klantreis"] = "record_klantreis"
    method: KlantreisMethod
    link: str | None = Field(default=None, max_length=2000)
    findings: Annotated[str, TYPED] = Field(default="", max_length=5000)
    contact_moments: list[ContactMoment] = Field(
        default_factory=list, max_length=limits.CONTACT_MOMENTS
    )
    pain_points: Annotated[list[Annotated[str, Field(max_length=500)]], TYPED] = Field(
        default_factory=list, max_length=50
    )


# -- step 5 --------------------------------------------------------------------------------


class ChooseServiceformule(Base):
    kind: Literal["choose_serviceformule"] = "choose_serviceformule"
    formule: str


class AssessP(Base):
    kind: Literal["assess_p"] = "assess_p"
    p: str
    matches: bool
    note: Remark = ""


# -- improvements (any time) and step 6 ------------------------------------------------------


class AddImprovement(Base):
    """An idea, at any moment of a running trajectory; ``step``: the card it was sent from,
    whatever step that is (else the step the sender acts in now)."""

    kind: Literal["add_improvement"] = "add_improvement"
    text: Annotated[str, TYPED] = Field(min_length=1, max_length=2000)
    p: str | None = None
    step: str | None = None


class ClassifyImprovement(Base):
    kind: Literal["classify_improvement"] = "classify_improvement"
    improvement_id: str
    horizon: Horizon
    p: str | None = None


class RateImprovement(Base):
    """Impact and effort of an improvement, for the PICK chart."""

    kind: Literal["rate_improvement"] = "rate_improvement"
    improvement_id: str
    impact: Level
    effort: Level


class SelectImprovement(Base):
    kind: Literal["select_improvement"] = "select_improvement"
    improvement_id: str
    selected: bool


class ReviseImprovement(Base):
    kind: Literal["revise_improvement"] = "revise_improvement"
    improvement_id: str
    text: Annotated[str, TYPED] = Field(min_length=1, max_length=2000)


class SplitImprovement(Base):
    """Part of an improvement becomes an improvement of its own (same horizon and P, chosen)."""

    kind: Literal["split_improvement"] = "split_improvement"
    improvement_id: str
    text: Annotated[str, TYPED] = Field(min_length=1, max_length=2000)


# -- step 7 --------------------------------------------------------------------------------


class SubmitReview(Base):
    kind: Literal["submit_review"] = "submit_review"
    improvement_id: str
    verdict: Verdict
    role: str | None = None  # the reviewing role it is given in (None: the first still open)
    remark: Remark = ""
    cost_estimate: Annotated[str | None, TYPED] = Field(default=None, max_length=200)
    lead_time: Annotated[str | None, TYPED] = Field(default=None, max_length=200)
    revision: int | None = None  # the text's revision the card showed (None: the current one)


# -- step 8 --------------------------------------------------------------------------------


class FinalisePlan(Base):
    kind: Literal["finalise_plan"] = "finalise_plan"


class DecidePlan(Base):
    kind: Literal["decide_plan"] = "decide_plan"
    decision: Decision
    remark: Remark = ""
    round: int | None = None  # the round the card was made for (None: the current one)


# -- step 9 --------------------------------------------------------------------------------


class Priority(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    improvement_id: str
    owner: Person | None = None
    target_date: date | None = None


class SetPriorities(Base):
    """The order of the selected improvements (first = highest), with owner and target date."""

    kind: Literal["set_priorities"] = "set_priorities"
    order: list[Priority] = Field(min_length=1, max_length=200)


class DecidePriorities(Base):
    kind: Literal["decide_priorities"] = "decide_priorities"
    decision: Decision
    remark: Remark = ""
    round: int | None = None  # the round the card was made for (None: the current one)


# -- step 10 and the evaluation ------------------------------------------------------------


class AddImplementationItem(Base):
    kind: Literal["add_implementation_item"] = "add_implementation_item"
    text: Annotated[str, TYPED] = Field(min_length=1, max_length=2000)
    item_kind: Literal["training", "documentation", "other"] = "other"
    owner: Person | None = None
    target_date: date | None = None


class UpdateImplementationItem(Base):
    kind: Literal["update_implementation_item"] = "update_implementation_item"
    item_id: str
    status: ImplementationStatus


class PlanEvaluation(Base):
    kind: Literal["plan_evaluation"] = "plan_evaluation"
    on: date
    at: AwareDatetime  # the moment the evaluation card goes out (a working-day morning)


class RecordEvaluation(Base):
    kind: Literal["record_evaluation"] = "record_evaluation"
    measurements: dict[str, float] = Field(default_factory=dict)
    went_well: Remark = ""
    could_be_better: Remark = ""


class EvaluationDue(Base):
    """From the clock: the evaluation moment has come."""

    kind: Literal["evaluation_due"] = "evaluation_due"


# -- any step ------------------------------------------------------------------------------


class CompleteStep(Base):
    """The responsible role marks a step done (steps completed by marking)."""

    kind: Literal["complete_step"] = "complete_step"
    step: str
    # what is left undone, and why (a step that requires its actions done closes with it)
    open_reason: Annotated[str, TYPED, Field(max_length=500)] = ""


class DeadlinePassed(Base):
    """From the clock: the deadline of a step (3b, 7) has passed."""

    kind: Literal["deadline_passed"] = "deadline_passed"
    step: str


class FollowUpDue(Base):
    """From the clock: reminders or escalations of open tasks are due."""

    kind: Literal["follow_up_due"] = "follow_up_due"


class Nudge(Base):
    """ "Herinner nu": remind everyone the trajectory waits on, now."""

    kind: Literal["nudge"] = "nudge"


class PlanSession(Base):
    """Plan a working session (3a, 3b, 5); with the calendar on, the actors get an invitation."""

    kind: Literal["plan_session"] = "plan_session"
    step: str
    at: AwareDatetime
    minutes: int = Field(default=120, ge=15, le=8 * 60)
    place: Annotated[str, TYPED, Field(max_length=200)] = ""  # a room or an address


class Pause(Base):
    kind: Literal["pause"] = "pause"
    reason: Remark = ""


class Resume(Base):
    kind: Literal["resume"] = "resume"


class Cancel(Base):
    kind: Literal["cancel"] = "cancel"
    reason: Reason


_PRODUCT = Annotated[
    AssignRole
    | Substitute
    | EndSubstitution
    | ConfirmSupport
    | RecordKickoff
    | ProposeKpis
    | DecideKpis
    | RecordSession
    | SetProcessMap
    | SendCheck
    | AnswerCheck
    | CloseCheck
    | SendBackCheck
    | MergeCheck
    | ResolveRemark
    | RecordKlantreis
    | ChooseServiceformule
    | AssessP
    | AddImprovement
    | ClassifyImprovement
    | SelectImprovement
    | RateImprovement
    | ReviseImprovement
    | SplitImprovement
    | SubmitReview
    | FinalisePlan
    | DecidePlan
    | SetPriorities
    | DecidePriorities
    | AddImplementationItem
    | UpdateImplementationItem
    | PlanEvaluation
    | RecordEvaluation
    | EvaluationDue
    | CompleteStep
    | DeadlinePassed
    | FollowUpDue
    | Nudge
    | PlanSession
    | Pause
    | Resume
    | Cancel,
    Field(discriminator="kind"),
]


# a command, of the product's kinds above or of one a new kind of step registered
Command = Base


def _kinds() -> dict[str, type[Base]]:
    union = get_args(_PRODUCT)[0]
    return {cls.model_fields["kind"].default: cls for cls in get_args(union)}


COMMAND_TYPES: dict[str, type[Base]] = _kinds()

C = TypeVar("C", bound=Base)


def command(cls: type[C]) -> type[C]:
    """Register a command a new kind of step brings along (the product's are all above)."""
    name = cls.model_fields["kind"].default
    if not isinstance(name, str) or name in COMMAND_TYPES:
        raise ValueError(f"a command needs a kind of its own ({name!r})")
    COMMAND_TYPES[name] = cls
    return cls


def parse_command(kind: str, fields: dict[str, Any]) -> Command:
    """Build a command of ``kind`` from untrusted fields (e.g. card data); unknown keys are
    ignored, wrong values raise pydantic's ValidationError."""
    model = COMMAND_TYPES[kind]
    accepted = set(model.model_fields) - {"kind", "expected_version"}
    return model.model_validate({k: v for k, v in fields.items() if k in accepted})
