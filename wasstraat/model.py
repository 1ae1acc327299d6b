"""The trajectory: one run of the wasstraat for one product or service."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from wasstraat.template import Template


class Person(BaseModel):
    """A person, identified by their Entra (AAD) object id; the name is for display only."""

    model_config = ConfigDict(frozen=True)

    aad_object_id: str = Field(min_length=1)
    name: str = ""


class Binding(BaseModel):
    """Where the trajectory lives in Teams: its tenant and the channel (or chat) it started in."""

    model_config = ConfigDict(frozen=True)

    tenant_id: str | None = None
    conversation_id: str
    team_id: str | None = None
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


class StepState(BaseModel):
    status: StepStatus = StepStatus.WAITING
    started_at: datetime | None = None
    done_at: datetime | None = None
    deadline: datetime | None = None


class TrajectoryStatus(StrEnum):
    RUNNING = "running"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    FINISHED = "finished"


class Trajectory(BaseModel):
    id: str
    template_id: str
    product: str = Field(min_length=1, max_length=200)
    binding: Binding
    status: TrajectoryStatus = TrajectoryStatus.RUNNING
    roles: dict[str, list[Person]] = Field(default_factory=dict)
    steps: dict[str, StepState] = Field(default_factory=dict)
    created_at: datetime
    version: int = 0

    def holders(self, role_id: str) -> list[Person]:
        return self.roles.get(role_id, [])

    def active_steps(self, template: Template) -> list[str]:
        """The active steps in template order."""
        return [
            step.id
            for step in template.steps
            if self.steps.get(step.id, StepState()).status is StepStatus.ACTIVE
        ]
