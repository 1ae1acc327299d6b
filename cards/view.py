"""What every message renderer draws with: the view of one message for its recipient, the
table of renderers by kind of body, and the task card's frame."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from cards.base import Element, card, heading, paragraph
from cards.catalogue import Language, text
from cards.formats import format_date, format_datetime, in_sentence
from cards.status import step_label
from wasstraat.effects import (
    Body,
    CalendarEvent,
    MessageBody,
)
from wasstraat.model import Person, Trajectory
from wasstraat.template import (
    SUBJECTS,
    Step,
    Template,
)

# card action ids that map onto engine commands
DECIDE = {subject.value: rules.decide for subject, rules in SUBJECTS.items()}
ANSWER_CHECK = "answer_check"
CLOSE_CHECK = "close_check"
SEND_BACK_CHECK = "send_back_check"
RESOLVE_REMARKS = "resolve_remarks"  # the decisions about the check's remarks, in one click
NUDGE = "nudge"
NEXT_CYCLE = "start_next_cycle"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message as its recipient sees it: a card, a short text, or nothing (about a step the
    trajectory's wasstraat does not have)."""

    text: str | None = None
    card: Element | None = None

    @property
    def empty(self) -> bool:
        return self.card is None and not self.text


NOTHING = Rendered()


@dataclass(frozen=True, slots=True)
class View:
    """Everything a renderer may look at."""

    body: Body
    trajectory: Trajectory
    language: Language
    template: Template
    zone: ZoneInfo
    viewer: Person | None = None  # who the card is for (None: as the message's role sees it)
    now: datetime | None = None
    # what happened, on top of the card drawn again for the person who acted: a text, and
    # whether it asks for attention (what to correct)
    notices: tuple[tuple[str, bool], ...] = ()
    saved: bool = False  # drawn again after the person saved it

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    @property
    def roles(self) -> set[str]:
        """The roles the card is drawn for: the viewer's, or else the message's role."""
        if self.viewer is not None:
            return self.trajectory.roles_of(self.viewer.aad_object_id, self.now)
        role = self.body.role
        return {role} if role else set()

    def roles_at(self, step: Step) -> list[str]:
        """The viewer's roles the step names, in the step's order; else the message's role (a
        card drawn without a viewer), else any role the viewer holds."""
        roles = self.roles
        named = [*step.actors, *step.may, *self.template.kind_roles(step)]
        found = [r for r in dict.fromkeys(named) if r in roles]
        if found:
            return found
        role = self.body.role
        if role and (self.viewer is None or role in roles):
            return [role]
        return [min(roles)] if roles else []

    def role_line(self, step: Step) -> Element | None:
        roles = self.roles_at(step)
        if not roles:
            return None
        if len(roles) == 1:
            return paragraph(self.t("task.your_role", role=self.role(roles[0])), subtle=True)
        names = ", ".join(self.role(r) for r in roles)
        return paragraph(self.t("task.your_roles", roles=names), subtle=True)

    @property
    def product(self) -> str:
        return self.trajectory.product

    def due(self, step_id: str) -> datetime | None:
        """By when the viewer is asked to do their part of the step: the earliest date of their
        open tasks there (the step's deadline, else when the first reminder would go); for a
        card drawn without a viewer, the step's deadline."""
        if self.viewer is None:
            return (
                self.trajectory.steps[step_id].deadline
                if step_id in self.trajectory.steps
                else None
            )
        dates = [
            f.due
            for f in self.trajectory.follow_ups.values()
            if f.step == step_id
            and f.person.aad_object_id == self.viewer.aad_object_id
            and f.due is not None
        ]
        return min(dates, default=None)

    def due_line(self, step_id: str) -> list[Element]:
        """'Graag vóór …' when the viewer is asked something by a date."""
        due = self.due(step_id)
        return [] if due is None else [paragraph(self.t("task.deadline", date=self.date(due)))]

    def step(self, step_id: str) -> str:
        return step_label(self.template, step_id, self.language)

    def role(self, role_id: str) -> str:
        return self.template.role(role_id).name.get(self.language)

    def role_in_sentence(self, role_id: str) -> str:
        return in_sentence(self.role(role_id))

    def date(self, value: object) -> str | None:
        """The day of a moment or a date (or its ISO text in the message's data), as people
        write it; None when there is none."""
        when = _when(value)
        return None if when is None else format_date(when, self.language, self.zone)

    def moment(self, value: object) -> str | None:
        """A moment's day and time on the municipality's clock; None when there is none."""
        when = _when(value)
        if not isinstance(when, datetime):
            return None
        return format_datetime(when, self.language, self.zone)

    def ref(self, action: str, **extra: Any) -> dict[str, Any]:
        """The data a card action carries: which trajectory (and step, round …) it was made
        for (what a click decides is checked against the trajectory as it is)."""
        return {"trajectory": self.trajectory.id, **extra}


def _when(value: object) -> date | datetime | None:
    """A date or a moment from a message's data: an ISO date ('2027-09-01') is a calendar day,
    anything longer a moment."""
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return datetime.fromisoformat(value)


B = TypeVar("B", bound=MessageBody)
Renderer = Callable[[View, Any], Rendered]
# one renderer per kind of body; a test keeps it complete for every kind but the silent ones
RENDERERS: dict[str, Renderer] = {}
# kinds nobody reads as a message: a calendar event becomes an Outlook invitation
SILENT = frozenset({CalendarEvent.model_fields["kind"].default})


def renders(
    *bodies: type[B],
) -> Callable[[Callable[[View, B], Rendered]], Callable[[View, B], Rendered]]:
    def register(renderer: Callable[[View, B], Rendered]) -> Callable[[View, B], Rendered]:
        for body in bodies:
            RENDERERS[body.model_fields["kind"].default] = renderer
        return renderer

    return register


def task_card(view: View, body: list[Element], actions: list[Element] | None, step: str) -> Element:
    """A task's card: its title, what happened (when drawn again for who acted), its body."""
    title = view.t("task.title", product=view.product, step=view.step(step))
    notices = [
        {**paragraph(line), "color": "Attention", "weight": "Bolder"}
        if attention
        else paragraph(line, spacing="Small")
        for line, attention in view.notices
    ]
    return card([heading(title), *notices, *body], actions)
