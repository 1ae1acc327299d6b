"""The wasstraat at a glance: each step of a trajectory's template, in order, marked done,
running, waiting or overdue, as the status and detail cards draw it. A query of the
trajectory's state; it decides nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from wasstraat import kinds as _kinds  # noqa: F401  (registers the kinds of step)
from wasstraat.context import BEHAVIOURS
from wasstraat.model import StepStatus, Trajectory, TrajectoryStatus
from wasstraat.template import Template

JUST_PAST = timedelta(microseconds=1)  # a deadline itself is still on time


class Mark(StrEnum):
    DONE = "done"
    RUNNING = "running"
    WAITING = "waiting"
    OVERDUE = "overdue"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class StepMark:
    """One step's place in the strip; ``planned_at`` is the evaluation moment still to come.
    (A plain value: the portfolio draws a dozen for every row of a page.)"""

    step: str
    mark: Mark
    deadline: datetime | None = None
    planned_at: datetime | None = None


def overdue_from(t: Trajectory, step_id: str) -> datetime | None:
    """The first moment the running step counts as overdue: just past its deadline, or when
    someone in it was reminded without an answer until the project leader was told (an
    escalated follow-up); None while neither applies."""
    moments: list[datetime] = []
    state = t.steps.get(step_id)
    if state is not None and state.deadline is not None:
        moments.append(state.deadline + JUST_PAST)
    moments.extend(
        f.escalated_at
        for f in t.follow_ups.values()
        if f.step == step_id and f.escalated_at is not None
    )
    return min(moments, default=None)


def _overdue(t: Trajectory, step_id: str, now: datetime) -> bool:
    if t.status is not TrajectoryStatus.RUNNING:
        return False  # a pause stops the clock
    since = overdue_from(t, step_id)
    return since is not None and since <= now


def progress(t: Trajectory, template: Template, now: datetime) -> list[StepMark]:
    """Every step of the template the trajectory follows, in the template's order."""
    marks: list[StepMark] = []
    for step in template.steps:
        status = t.status_of(step.id)
        planned = BEHAVIOURS[step.kind.type].ahead(t, step)
        deadline = t.steps[step.id].deadline if step.id in t.steps else None
        if status in (StepStatus.DONE, StepStatus.MERGED):
            mark = Mark.DONE
        elif status is StepStatus.SKIPPED:
            mark = Mark.SKIPPED
        elif status is StepStatus.ACTIVE and _overdue(t, step.id, now):
            mark = Mark.OVERDUE
        elif status is StepStatus.ACTIVE and (planned is None or planned <= now):
            mark = Mark.RUNNING
        else:  # not begun, or an evaluation waiting for its moment
            mark = Mark.WAITING
        marks.append(StepMark(step=step.id, mark=mark, deadline=deadline, planned_at=planned))
    return marks
