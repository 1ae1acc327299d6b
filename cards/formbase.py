"""What every form is made of: the view it is drawn in, its inputs, how a part of a step's
work is drawn and read, and the constants cards share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

from cards.base import Element, paragraph
from cards.catalogue import Language, text
from cards.evidence import review_lines
from cards.formats import parse_number
from wasstraat import commands as c
from wasstraat.model import (
    Improvement,
    Person,
    Trajectory,
    Verdict,
)
from wasstraat.template import (
    Section,
    Step,
    Template,
)

SUBMIT_FORM = "form.submit"
STEP_FORM = "step"
REVIEW_FORM = "review"
EVALUATION_FORM = "evaluation"
KPI_ROWS = 3
# a card must stay under 28 KB however much a trajectory holds: lists show a page, texts a part
PAGE = 12
# improvements offered for rewording and splitting on one card (each carries its whole text)
REVISE_PER_CARD = 5
REVIEWS_PER_CARD = 8
EVALUATION_HOUR = time(9, 0)
UTC_ZONE = ZoneInfo("UTC")  # a form drawn without the municipality's zone (a test's)
COMPLETE = "complete"  # the toggle of whoever may mark a step done (not a part of the template)
OPEN_REASON = "open_reason"  # what is left undone, and why, when such a step is marked done


@dataclass(frozen=True, slots=True)
class FormView:
    trajectory: Trajectory
    template: Template
    language: Language
    step: Step
    viewer: Person | None = None
    zone: ZoneInfo = UTC_ZONE
    roles: frozenset[str] = frozenset()  # the viewer's roles at the step

    def t(self, key: str, **values: object) -> str:
        return text(key, self.language, **values)

    def keeps(self, section: Section) -> bool:
        """The viewer holds this part of the step's work by a role (not only as an owner)."""
        return section in self.step.parts_for(set(self.roles))

    def name(self, person: Person) -> str:
        """A person as the viewer reads them in a sentence: "you" for themselves."""
        if self.viewer is not None and person.aad_object_id == self.viewer.aad_object_id:
            return self.t("form.you")
        return person.name


@dataclass(frozen=True, slots=True)
class Form:
    body: list[Element]
    actions: list[Element]
    submitted: bool = False  # it says what was put up, by whom and when (no "saved" needed)


Inputs = Mapping[str, Any]
# what a form gives: typed commands (pydantic's ValidationError for a value that does not fit)
Commands = list[c.Command]
ItemKind = Literal["training", "documentation", "other"]
# a part's reader: the inputs, read for the trajectory and step as they are, with the zone and
# the language of the person who submitted them (a typed number is read as they write it)
Reader = Callable[[Inputs, Trajectory, Step, Template, ZoneInfo, Language], Commands]


@dataclass(frozen=True, slots=True)
class Part:
    """One part of a step form: its inputs (or its one button), and how they are read."""

    build: Callable[[FormView], list[Element]]
    read: Reader
    button: str | None = None  # a part that is one button: its title's catalogue key
    done: Callable[[FormView], str | None] | None = None  # what it did, once it is done


def text_input(
    id_: str, label: str, *, multiline: bool = False, value: str = "", max_length: int = 2000
) -> Element:
    element: Element = {"type": "Input.Text", "id": id_, "label": label, "maxLength": max_length}
    if multiline:
        element["isMultiline"] = True
    if value:
        element["value"] = value
    return element


def number_input(id_: str, label: str, value: float | None = None) -> Element:
    element: Element = {"type": "Input.Number", "id": id_, "label": label}
    if value is not None:
        element["value"] = value
    return element


def choice(
    id_: str,
    label: str,
    choices: list[tuple[str, str]],
    value: str | None = None,
    *,
    expanded: bool = False,
) -> Element:
    element: Element = {
        "type": "Input.ChoiceSet",
        "id": id_,
        "label": label,
        "choices": [{"title": title, "value": v} for v, title in choices],
    }
    if expanded:  # a drop-down (compact) is a choice set's default
        element["style"] = "expanded"
    if value is not None:
        element["value"] = value
    return element


def toggle_input(id_: str, title: str, value: bool = False) -> Element:
    return {
        "type": "Input.Toggle",
        "id": id_,
        "title": title,
        "value": "true" if value else "false",
        "valueOn": "true",
        "valueOff": "false",
    }


def date_input(id_: str, label: str, value: date | None = None) -> Element:
    element: Element = {"type": "Input.Date", "id": id_, "label": label}
    if value is not None:
        element["value"] = value.isoformat()
    return element


def is_on(value: object) -> bool:
    return value is True or value == "true"


def text_of(inputs: Inputs, key: str) -> str:
    value = inputs.get(key)
    return value.strip() if isinstance(value, str) else ""


def number_of(inputs: Inputs, key: str, language: Language) -> float | None:
    """A number as the person typed it ('6,8' or '6.8'); ValueError (the form says "invalid"
    and nothing changes) for what is not one number beyond doubt."""
    return parse_number(inputs.get(key), language)


def list_item(value: str) -> Element:
    """An improvement or an action above its inputs, by its text: the id it has is for the bot
    (it names the inputs), not for the person reading."""
    return {**paragraph(value, spacing="Medium"), "weight": "Bolder"}


def questioned(improvement: Improvement) -> bool:
    """A specialist disagreed or set a condition (on any version of its text)."""
    return any(r.verdict is not Verdict.AKKOORD for r in improvement.reviews)


def feedback(view: FormView, improvement: Improvement) -> list[str]:
    return review_lines(improvement, view.template, view.language)


def more(view: FormView, shown: int, total: int) -> list[Element]:
    if total <= shown:
        return []
    return [paragraph(view.t("form.more", count=total - shown), subtle=True)]


def nothing(view: FormView) -> list[Element]:
    return []


def one(command: Callable[[], c.Command]) -> Reader:
    return lambda inputs, t, step, tpl, zone, language: [command()]


def none(
    inputs: Inputs, t: Trajectory, step: Step, tpl: Template, zone: ZoneInfo, language: Language
) -> Commands:
    return []
