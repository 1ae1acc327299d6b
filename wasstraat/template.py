"""The wasstraat as data: steps, roles, dependencies, what kind of step each is and what each
role may do in it.

The default template lives in ``default_template.json``; a municipality runs its own variant by
pointing ``WASSTRAAT_TEMPLATE`` at a file of the same shape. Each step declares its *kind* of
behaviour (finished by a role, an approval, a check by a group, reviews by specialists, the
evaluation) with that kind's parameters; the engine picks its code by the kind, never by the
step's id. ``may`` names, per role, the parts of the step's work that role may do (its card shows
exactly those): the engine's permissions and the cards are both read from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, ClassVar, Literal, Self, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    model_validator,
)

PROJECT_LEADER = "projectleider"  # who starts a trajectory: every template has this role


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# What a template may hold, so that every card drawn from it stays under Teams' 28 KB for an
# Adaptive Card: a file beyond these is refused at load, with the field named.
NAME_LENGTH = 80  # a step's, a role's, a P's or a serviceformule's name
ASK_LENGTH = 600  # what a step asks of a role
MAX_STEPS = 30
MAX_ROLES = 30
MAX_NAMED = 12  # Ps, serviceformules


class Text(Frozen):
    """A user-facing text in Dutch and English: what a step asks of a role."""

    nl: str = Field(min_length=1, max_length=ASK_LENGTH)
    en: str = Field(min_length=1, max_length=ASK_LENGTH)

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.nl


class Name(Text):
    """A name in Dutch and English, as cards show it in a line or a list."""

    nl: str = Field(min_length=1, max_length=NAME_LENGTH)
    en: str = Field(min_length=1, max_length=NAME_LENGTH)


class Role(Frozen):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    name: Name
    several: bool = False
    teams_user: bool = True
    specialist: bool = False


class Section(StrEnum):
    """A part of a step's work that a role may be given. What each part lets a person do (the
    commands) is the engine's; which roles get which part at which step is the template's."""

    SUPPORT = "support"  # confirm support for the trajectory
    KICKOFF = "kickoff"  # record the kick-off meeting
    KPIS = "kpis"  # propose the KPIs
    PROCESS_MAP = "process_map"  # link the process description
    SESSION = "session"  # plan and record working sessions
    SEND_CHECK = "send_check"  # send the check of a check step
    CLOSE_CHECK = "close_check"  # close a check early
    MERGE_CHECK = "merge_check"  # merge a check step into the step before it
    SEND_BACK = "send_back"  # send what a closed check found back to the step it checks
    KLANTREIS = "klantreis"  # record the customer journey
    SERVICEFORMULE = "serviceformule"  # choose the serviceformule
    ASSESS_P = "assess_p"  # assess the Ps of the serviceformule
    PLAN = "plan"  # choose, classify and revise improvements
    FINALISE = "finalise"  # put the plan up for approval
    PRIORITIES = "priorities"  # order the improvements, with owners and dates
    IMPLEMENTATION = "implementation"  # implementation actions and their progress
    PLAN_EVALUATION = "plan_evaluation"  # choose the evaluation moment
    ESTIMATES = "estimates"  # a reviewer who also estimates cost and lead time


class Requirement(StrEnum):
    """What must be there before a step finished by a role can be marked done."""

    PROCESS_MAP = "process_map"
    KLANTREIS = "klantreis"
    SERVICEFORMULE = "serviceformule"
    P_ASSESSMENT = "p_assessment"
    PLAN_READY = "plan_ready"
    IMPLEMENTATION_DONE = "implementation_done"


class Subject(StrEnum):
    """What an approval step decides on."""

    KPIS = "kpis"
    PLAN = "plan"
    PRIORITIES = "priorities"


@dataclass(frozen=True, slots=True)
class SubjectRules:
    """How a subject of approval is put up and decided: the command that decides it, the
    trajectory's field that counts its rounds, the part that puts it up, and the parts whose
    work it is (a card with those parts shows that it was put up)."""

    decide: str
    round: str
    puts_up: Section
    edits: tuple[Section, ...]


# the one table of what is approved, and how
SUBJECTS: dict[Subject, SubjectRules] = {
    Subject.KPIS: SubjectRules("decide_kpis", "kpis_round", Section.KPIS, (Section.KPIS,)),
    Subject.PLAN: SubjectRules(
        "decide_plan", "plan_round", Section.FINALISE, (Section.PLAN, Section.FINALISE)
    ),
    Subject.PRIORITIES: SubjectRules(
        "decide_priorities", "priorities_round", Section.PRIORITIES, (Section.PRIORITIES,)
    ),
}


class Kind(Frozen):
    """A kind of step: its parameters, as the template gives them, and what they mean for the
    template (which roles it names, who acts by it, what makes a template using it invalid).
    A kind registers itself by its ``type`` (:func:`kind`); what it does in a running trajectory
    is its behaviour, registered by the same name in the engine."""

    type: str
    # at most one step of the template may be of this kind (the check, the reviews …)
    unique: ClassVar[bool] = False

    def named(self) -> tuple[str, ...]:
        """Every role the kind's parameters name (each must be a role of the template)."""
        return ()

    def roles(self, template: Template) -> tuple[str, ...]:
        """The roles the kind names as acting: who finishes, approves, is checked, reviews …"""
        return self.named()

    def checks(self, template: Template) -> tuple[str, ...]:
        """The roles that judge others' work here (chosen by someone else, never oneself)."""
        return ()

    def decides(self) -> Subject | None:
        """The subject of approval the step decides on, if it is one."""
        return None

    def needs_roles(self) -> tuple[str, ...]:
        """Roles that must have a holder before the step can be done (the group it forms)."""
        return ()

    def requires_done_actions(self) -> bool:
        """Whether the step waits for the implementation's actions (closing over open ones
        takes a reason)."""
        return False

    def validate_in(self, step: Step, earlier: set[str]) -> None:
        """Raise :class:`TemplateError` (naming the field) when the step cannot run so."""

    def diagram(self, template: Template, language: str) -> str:
        """How the step is done, as the template's diagram reads it."""
        return self.type


KINDS: dict[str, type[Kind]] = {}


K = TypeVar("K", bound=Kind)


def kind(cls: type[K]) -> type[K]:
    """Register a kind of step by its ``type``; a template names it by that."""
    name = cls.model_fields["type"].default
    if not isinstance(name, str) or name in KINDS:
        raise ValueError(f"a kind of step needs a type of its own ({name!r})")
    KINDS[name] = cls
    return cls


def _names(template: Template, roles: tuple[str, ...], joiner: str, language: str) -> str:
    return joiner.join(template.role(r).name.get(language) for r in roles)


@kind
class FinishedBy(Kind):
    """Done when one of ``by`` marks it done (once what it ``requires`` is there)."""

    type: Literal["finished_by"] = "finished_by"
    by: tuple[str, ...] = Field(min_length=1)
    requires: tuple[Requirement, ...] = ()
    requires_roles: tuple[str, ...] = ()  # roles that must have a holder
    requires_support_from: tuple[str, ...] = ()  # roles whose holder must confirm support

    def named(self) -> tuple[str, ...]:
        return (*self.by, *self.requires_roles, *self.requires_support_from)

    def roles(self, template: Template) -> tuple[str, ...]:
        return self.by

    def needs_roles(self) -> tuple[str, ...]:
        return self.requires_roles

    def requires_done_actions(self) -> bool:
        return Requirement.IMPLEMENTATION_DONE in self.requires

    def diagram(self, template: Template, language: str) -> str:
        return f"afgerond door {_names(template, self.by[:1], '', language)}"


@kind
class Approval(Kind):
    """Done when the ``approvers`` approve what was put up (``all`` seats, or ``any`` one);
    a rejection sends it back with the remark, and a new proposal is a new round."""

    type: Literal["approval"] = "approval"
    subject: Subject
    approvers: tuple[str, ...] = Field(min_length=1)
    rule: Literal["all", "any"] = "all"

    def named(self) -> tuple[str, ...]:
        return self.approvers

    def checks(self, template: Template) -> tuple[str, ...]:
        return self.approvers

    def decides(self) -> Subject | None:
        return self.subject

    def validate_in(self, step: Step, earlier: set[str]) -> None:
        proposing = SUBJECTS[self.subject].puts_up
        if not any(proposing in sections for sections in step.may.values()):
            raise TemplateError(
                f"steps[{step.id}].may: no role may put up the {self.subject.value}"
                f" (give one the '{proposing.value}' part)"
            )

    def diagram(self, template: Template, language: str) -> str:
        joiner = " + " if self.rule == "all" else " of "
        return f"akkoord van {_names(template, self.approvers, joiner, language)}"


@kind
class Check(Kind):
    """Done when every member of ``group`` who was asked has answered, at the step's deadline,
    or when closed early; ``merge_into`` names the step it may be merged into. The summary,
    with every remark and who wrote it, goes to the roles in ``summary_to``; from it, a role
    given the ``send_back`` part may send the work back to ``send_back_to`` (the step the check
    checks), and when that step is done again a new round of the check starts. A "klopt niet"
    keeps the check open until that role decides about it (sent back, handled, or kept for the
    plan); ``close_with_open_remarks`` lets the deadline or an early close end it regardless."""

    type: Literal["check"] = "check"
    unique: ClassVar[bool] = True
    group: str
    merge_into: str | None = None
    summary_to: tuple[str, ...] = Field(default=(PROJECT_LEADER,), min_length=1)
    send_back_to: str | None = None
    close_with_open_remarks: bool = False

    def named(self) -> tuple[str, ...]:
        return (self.group, *self.summary_to)

    def roles(self, template: Template) -> tuple[str, ...]:
        return (self.group,)

    def validate_in(self, step: Step, earlier: set[str]) -> None:
        where = f"steps[{step.id}]"
        if step.deadline_days is None:
            raise TemplateError(f"{where}.deadline_days: a check needs a deadline")
        for name, target in (("merge_into", self.merge_into), ("send_back_to", self.send_back_to)):
            if target is not None and target not in step.depends_on:
                raise TemplateError(f"{where}.kind.{name}: '{target}' is not a step it depends on")
        sending_back = any(Section.SEND_BACK in parts for parts in step.may.values())
        if sending_back and self.send_back_to is None:
            raise TemplateError(
                f"{where}.kind.send_back_to: a role may send the check back"
                " ('send_back'), but not to which step"
            )

    def diagram(self, template: Template, language: str) -> str:
        return "alle checks binnen of deadline"


@kind
class Reviews(Kind):
    """Done when every reviewer has reviewed every chosen improvement (or at the deadline); a
    "niet akkoord" sends the plan back to ``send_back_to``. No ``reviewers``: every specialist."""

    type: Literal["reviews"] = "reviews"
    unique: ClassVar[bool] = True
    reviewers: tuple[str, ...] = ()
    send_back_to: str

    def named(self) -> tuple[str, ...]:
        return self.reviewers

    def roles(self, template: Template) -> tuple[str, ...]:
        return self.reviewers or template.specialist_roles

    def checks(self, template: Template) -> tuple[str, ...]:
        return self.roles(template)

    def validate_in(self, step: Step, earlier: set[str]) -> None:
        if self.send_back_to not in earlier:
            raise TemplateError(
                f"steps[{step.id}].kind.send_back_to: '{self.send_back_to}' is not an earlier step"
            )

    def diagram(self, template: Template, language: str) -> str:
        return "alle toetsen binnen"


@kind
class Evaluation(Kind):
    """The evaluation moment, months after the step before it: ``recorders`` record it."""

    type: Literal["evaluation"] = "evaluation"
    unique: ClassVar[bool] = True
    recorders: tuple[str, ...] = Field(min_length=1)

    def named(self) -> tuple[str, ...]:
        return self.recorders

    def diagram(self, template: Template, language: str) -> str:
        return "evaluatie vastgelegd"


def _of_its_kind(value: object) -> object:
    """A step's kind, read as the kind its ``type`` names (a registered one)."""
    if isinstance(value, Kind) or not isinstance(value, dict):
        return value
    name = value.get("type")
    if name not in KINDS:
        known = ", ".join(sorted(KINDS))
        raise ValueError(f"unknown kind of step {name!r} (known: {known})")
    return KINDS[name].model_validate(value)


class Step(Frozen):
    id: str = Field(pattern=r"^[A-Za-z0-9_]{1,20}$")
    name: Name
    depends_on: tuple[str, ...] = ()
    responsible: str  # whom the step is on: the one told when others are late
    actors: tuple[str, ...]  # who get the step's card when it starts
    kind: Annotated[SerializeAsAny[Kind], BeforeValidator(_of_its_kind)]
    may: dict[str, tuple[Section, ...]] = Field(default_factory=dict)
    deadline_days: int | None = Field(default=None, ge=1, le=365)
    asks: dict[str, Text] = Field(default_factory=dict)

    def sections(self, role: str) -> tuple[Section, ...]:
        return self.may.get(role, ())

    def parts_for(self, roles: set[str]) -> tuple[Section, ...]:
        """The parts of this step's work these roles have, once each, in the template's order."""
        found: dict[Section, None] = {}
        for role, parts in self.may.items():
            if role in roles:
                for part in parts:
                    found.setdefault(part, None)
        return tuple(found)


class Named(Frozen):
    """A configurable item with a Dutch and English name (a P, a serviceformule)."""

    id: str = Field(min_length=1, max_length=40)
    name: Name


class Serviceformule(Named):
    """A serviceformule and, per P, what it promises the resident (the plate's "zekerheden"),
    as the municipality's own plates say it; a P without a promise is left out."""

    promises: dict[str, Text] = Field(default_factory=dict)

    def promise(self, p: str, language: str) -> str | None:
        said = self.promises.get(p)
        return said.get(language) if said is not None else None


def _channel(id_: str, nl: str, en: str) -> Named:
    return Named(id=id_, name=Name(nl=nl, en=en))


# the channels of a klantreis's contact moments, as the VNG method names them; a template may
# name its own (a municipality with a chat or an app adds it)
DEFAULT_CHANNELS = (
    _channel("website", "Website", "Website"),
    _channel("email", "E-mail", "E-mail"),
    _channel("telefoon", "Telefoon", "Phone"),
    _channel("balie", "Balie", "Desk"),
    _channel("post", "Brief", "Letter"),
    _channel("social", "Sociale media", "Social media"),
)


class TemplateError(ValueError):
    """A template that cannot run, with the field it is about."""


class Template(Frozen):
    id: str = Field(min_length=1, max_length=64)
    version: int = Field(default=1, ge=1)
    managers: tuple[str, ...] = ("projectleider", "proceseigenaar")
    roles: tuple[Role, ...] = Field(max_length=MAX_ROLES)
    steps: tuple[Step, ...] = Field(min_length=1, max_length=MAX_STEPS)
    ps: tuple[Named, ...] = Field(max_length=MAX_NAMED)
    serviceformules: tuple[Serviceformule, ...] = Field(max_length=MAX_NAMED)
    evaluation_months: int = Field(default=6, ge=1, le=60)
    # the klantreis's contact moments (the journey's hartslag): asked on the step's card unless
    # switched off, each through one of these channels
    contact_moments: bool = True
    channels: tuple[Named, ...] = Field(
        default=DEFAULT_CHANNELS, min_length=1, max_length=MAX_NAMED
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        role_ids = {role.id for role in self.roles}
        if len(role_ids) != len(self.roles):
            raise TemplateError("roles: role ids must be unique")
        step_ids = [step.id for step in self.steps]
        if len(set(step_ids)) != len(step_ids):
            raise TemplateError("steps: step ids must be unique")
        if PROJECT_LEADER not in role_ids:
            raise TemplateError(
                "roles: the role 'projectleider' (who starts a trajectory) is missing"
            )
        for manager in self.managers:
            if manager not in role_ids:
                raise TemplateError(f"managers: unknown role '{manager}'")
        if len({c.id for c in self.channels}) != len(self.channels):
            raise TemplateError("channels: channel ids must be unique")
        p_ids = {p.id for p in self.ps}
        for n, formule in enumerate(self.serviceformules):
            unknown = sorted(set(formule.promises) - p_ids)
            if unknown:
                raise TemplateError(f"serviceformules[{n}].promises: unknown P '{unknown[0]}'")
        seen: set[str] = set()
        kinds: dict[str, str] = {}
        subjects: set[Subject] = set()
        for step in self.steps:
            where = f"steps[{step.id}]"
            for dep in step.depends_on:
                if dep not in seen:
                    raise TemplateError(f"{where}.depends_on: '{dep}' is not an earlier step")
            kind = step.kind
            for role in (step.responsible, *step.actors, *step.asks, *step.may, *kind.named()):
                if role not in role_ids:
                    raise TemplateError(f"{where}: unknown role '{role}'")
            if type(kind).unique:
                if kind.type in kinds:
                    raise TemplateError(
                        f"{where}.kind: only one step may be of kind '{kind.type}'"
                        f" (step {kinds[kind.type]} is already)"
                    )
                kinds[kind.type] = step.id
            kind.validate_in(step, seen)
            subject = kind.decides()
            if subject is not None:
                if subject in subjects:
                    raise TemplateError(
                        f"{where}.kind.subject: '{subject}' is approved in two steps"
                    )
                subjects.add(subject)
            seen.add(step.id)
        return self

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def steps_of(self, kind: type[Kind]) -> list[Step]:
        """The steps of a kind, by the type it registered."""
        name = kind.model_fields["type"].default
        return [step for step in self.steps if step.kind.type == name]

    def approval_step(self, subject: Subject | str) -> Step | None:
        return next((step for step in self.steps if step.kind.decides() == subject), None)

    def one(self, kind: type[Kind]) -> Step | None:
        """The step of a kind that occurs at most once (the check, the reviews, the evaluation)."""
        found = self.steps_of(kind)
        return found[0] if found else None

    def channel(self, channel_id: str) -> Named | None:
        return next((c for c in self.channels if c.id == channel_id), None)

    @property
    def specialist_roles(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles if role.specialist)

    def kind_roles(self, step: Step) -> tuple[str, ...]:
        """The roles the step's kind names: who finishes it, approves, is checked, reviews or
        records the evaluation."""
        return step.kind.roles(self)

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)

    def has_role(self, role_id: str) -> bool:
        return any(role.id == role_id for role in self.roles)

    @property
    def key(self) -> str:
        """The template and its version, as a running trajectory names what it started with."""
        return f"{self.id}@{self.version}"


@cache
def default_template() -> Template:
    """The municipality's default wasstraat, validated once per process."""
    raw = resources.files(__package__).joinpath("default_template.json").read_text("utf-8")
    return Template.model_validate_json(raw)


def load_template(path: str | Path) -> Template:
    """A template from a file, validated; raises ``ValueError`` naming the field at fault."""
    try:
        return Template.model_validate_json(Path(path).read_text("utf-8"))
    except ValidationError as error:
        problems = [
            f"{'.'.join(str(part) for part in problem['loc']) or 'template'}: {problem['msg']}"
            for problem in error.errors(include_url=False, include_input=False)
        ]
        raise TemplateError("; ".join(problems)) from None
