"""Whom a trajectory waits on, for what, in which step and by when, as each step's kind
says."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from wasstraat import kinds as _kinds  # noqa: F401  (registers the kinds of step)
from wasstraat import work as _work  # noqa: F401  (registers the work inside steps)
from wasstraat.context import (
    BEHAVIOURS,
)
from wasstraat.model import (
    Person,
    Trajectory,
    TrajectoryStatus,
    follow_up_key,
)
from wasstraat.template import (
    Template,
)

# -- queries -----------------------------------------------------------------------------------


class Waiting(BaseModel):
    """Someone the trajectory is waiting on: who, for what, in which step, by when."""

    person: Person
    step: str
    what: str  # "approve" | "check" | "review" | "complete" | "implement" | "evaluate" | …
    deadline: datetime | None = None

    def overdue(self, now: datetime) -> bool:
        return self.deadline is not None and now > self.deadline


def waiting_on(trajectory: Trajectory, template: Template) -> list[Waiting]:
    """Who the trajectory is waiting on now, per active step, following each step's kind."""
    t = trajectory
    if t.status is not TrajectoryStatus.RUNNING:
        return []
    result: list[Waiting] = []
    for step_id in t.active_steps(template):
        step = template.step(step_id)
        deadline = t.steps[step_id].deadline
        for person, what in BEHAVIOURS[step.kind.type].waiting(t, step, template):
            task = t.follow_ups.get(follow_up_key(step_id, what, person.aad_object_id))
            due = deadline or (task.due if task is not None else None)
            result.append(Waiting(person=person, step=step_id, what=what, deadline=due))
    return result


def open_tasks(trajectory: Trajectory, person_id: str, template: Template) -> list[Waiting]:
    """What this trajectory waits on from one person."""
    return [w for w in waiting_on(trajectory, template) if w.person.aad_object_id == person_id]
