"""A kind of step the product does not have, defined here the way a municipality's developer
would: everyone who holds a role acknowledges (for example that they read a new work
instruction). Its template model, its command and rule, its behaviour, the part of the step card
its people get and its texts, each registered with the registry that holds the product's own.

:func:`registered` adds it for a test and takes it out after; nothing in the product
names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from cards import catalogue
from cards.formbase import FormView, Part
from cards.forms import KIND_PARTS
from wasstraat import commands as c
from wasstraat.context import (
    BEHAVIOURS,
    RULES,
    AlreadyDecided,
    Behaviour,
    Ctx,
    InvalidInput,
    behaviour,
    kept,
    rule,
)
from wasstraat.effects import StepStarted
from wasstraat.model import Person, Trajectory
from wasstraat.template import KINDS, Kind, Step, Template, kind

TYPE = "acknowledgement"
WHAT = "acknowledge"  # what the trajectory waits on them for


class Acknowledgement(Kind):
    """Done when everyone who holds one of the roles ``by`` has acknowledged it."""

    type: Literal["acknowledgement"] = "acknowledgement"
    by: tuple[str, ...] = Field(min_length=1)

    def named(self) -> tuple[str, ...]:
        return self.by

    def diagram(self, template: Template, language: str) -> str:
        return "gezien door iedereen"


class Seen(BaseModel):
    """Who acknowledged the step in this round of it, and when (by object id)."""

    by: dict[str, datetime] = Field(default_factory=dict)


class Acknowledge(c.Base):
    kind: Literal["acknowledge"] = "acknowledge"
    step: str


def _open(t: Trajectory, step: Step, template: Template) -> list[Person]:
    seen = kept(t, step, Seen).by
    people = {p.aad_object_id: p for role in template.kind_roles(step) for p in t.holders(role)}
    return [p for key, p in people.items() if key not in seen]


class Acknowledging(Behaviour):
    def waiting(self, t: Trajectory, step: Step, template: Template) -> list[tuple[Person, str]]:
        return [(person, WHAT) for person in _open(t, step, template)]

    def joined(self, ctx: Ctx, step: Step, person: Person, role: str) -> None:
        if role in step.actors and not ctx.already_an_actor(step, person, role):
            ctx.tell(person, StepStarted(step=step.id, role=role))

    def recheck(self, ctx: Ctx, step: Step) -> None:
        if not _open(ctx.t, step, ctx.template):
            ctx.complete(step)


def _places(template: Template, command: c.Base | None) -> list[tuple[Step, frozenset[str]]]:
    return [
        (step, frozenset(template.kind_roles(step)))
        for step in template.steps
        if step.kind.type == TYPE
    ]


def _acknowledge(ctx: Ctx, cmd: Acknowledge) -> None:
    try:
        step = ctx.template.step(cmd.step)
    except KeyError:
        raise InvalidInput("unknown_step", step=cmd.step) from None
    if step.kind.type != TYPE or not ctx.active(step):
        raise InvalidInput("unknown_step", step=cmd.step)
    seen = kept(ctx.t, step, Seen)
    if ctx.actor.aad_object_id in seen.by:
        raise AlreadyDecided("already_acknowledged", step=step.id)
    seen.by[ctx.actor.aad_object_id] = ctx.now
    ctx.keep(step, seen)
    ctx.record(WHAT, step=step.id)
    if not _open(ctx.t, step, ctx.template):
        ctx.complete(step)


def _done(view: FormView) -> str | None:
    seen = kept(view.trajectory, view.step, Seen).by
    if view.viewer is None or view.viewer.aad_object_id not in seen:
        return None
    return view.t("acknowledgement.done")


TEXTS: dict[str, dict[catalogue.Language, str]] = {
    f"waiting.{WHAT}": {"nl": "kennisnemen", "en": "acknowledgement"},
    "acknowledgement.button": {"nl": "Gelezen en begrepen", "en": "Read and understood"},
    "acknowledgement.done": {
        "nl": "Je hebt laten weten dat je het gelezen hebt.",
        "en": "You let us know that you have read it.",
    },
    "error.already_acknowledged": {
        "nl": "Je had al laten weten dat je het gelezen hebt.",
        "en": "You had already let us know that you read it.",
    },
}


@contextmanager
def registered() -> Iterator[None]:
    """The kind added to every registry the product's kinds are in, and taken out again."""
    kind(Acknowledgement)
    c.command(Acknowledge)
    behaviour(TYPE)(Acknowledging)
    rule(WHAT, places=_places)(_acknowledge)
    KIND_PARTS[TYPE] = Part(
        build=lambda view: [],
        read=lambda inputs, t, step, tpl, zone, language: [Acknowledge(step=step.id)],
        button="acknowledgement.button",
        done=_done,
    )
    catalogue.add(TEXTS)
    try:
        yield
    finally:
        for registry, key in (
            (KINDS, TYPE),
            (c.COMMAND_TYPES, WHAT),
            (BEHAVIOURS, TYPE),
            (RULES, WHAT),
            (KIND_PARTS, TYPE),
        ):
            registry.pop(key)  # type: ignore[attr-defined]
        for key in TEXTS:
            catalogue.MESSAGES.pop(key)
