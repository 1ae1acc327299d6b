"""The wasstraat as data: steps, roles, dependencies and completion rules.

The default template lives in ``default_template.json`` so that a municipality can adapt it
without touching code; it is validated here when loaded.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(Frozen):
    """A user-facing text in Dutch and English."""

    nl: str
    en: str

    def get(self, language: str) -> str:
        return self.en if language == "en" else self.nl


class Completion(StrEnum):
    """How a step is done (WASSTRAAT.md, 'What done means')."""

    MARKED_DONE = "marked_done"  # the responsible role marks it done
    APPROVAL = "approval"  # approved by the approver roles
    ALL_CHECKS_OR_DEADLINE = "all_checks_or_deadline"  # 3b
    ALL_REVIEWS = "all_reviews"  # 7
    EVALUATION_RECORDED = "evaluation_recorded"


class Role(Frozen):
    id: str
    name: Text
    several: bool = False
    teams_user: bool = True
    specialist: bool = False


class Step(Frozen):
    id: str
    name: Text
    depends_on: tuple[str, ...] = ()
    responsible: str
    actors: tuple[str, ...]
    approvers: tuple[str, ...] = ()
    completion: Completion
    deadline_days: int | None = Field(default=None, ge=1, le=365)
    asks: dict[str, Text] = Field(default_factory=dict)


class Named(Frozen):
    """A configurable item with a Dutch and English name (a P, a serviceformule)."""

    id: str
    name: Text


class Template(Frozen):
    id: str
    roles: tuple[Role, ...]
    steps: tuple[Step, ...]
    ps: tuple[Named, ...]
    serviceformules: tuple[Named, ...]
    evaluation_months: int = Field(default=6, ge=1, le=60)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        role_ids = {role.id for role in self.roles}
        step_ids = [step.id for step in self.steps]
        if len(set(step_ids)) != len(step_ids):
            raise ValueError("step ids must be unique")
        if len(role_ids) != len(self.roles):
            raise ValueError("role ids must be unique")
        seen: set[str] = set()
        for step in self.steps:
            for dep in step.depends_on:
                if dep not in seen:
                    raise ValueError(
                        f"step {step.id} depends on {dep}, which is not an earlier step"
                    )
            for role in (step.responsible, *step.actors, *step.approvers, *step.asks):
                if role not in role_ids:
                    raise ValueError(f"step {step.id} names unknown role {role}")
            if step.completion is Completion.APPROVAL and not step.approvers:
                raise ValueError(f"step {step.id} is completed by approval but has no approvers")
            seen.add(step.id)
        return self

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    @property
    def specialist_roles(self) -> tuple[str, ...]:
        return tuple(role.id for role in self.roles if role.specialist)

    def role(self, role_id: str) -> Role:
        for role in self.roles:
            if role.id == role_id:
                return role
        raise KeyError(role_id)


@cache
def default_template() -> Template:
    """The municipality's default wasstraat, validated once per process."""
    raw = resources.files(__package__).joinpath("default_template.json").read_text("utf-8")
    return Template.model_validate_json(raw)
