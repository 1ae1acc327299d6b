"""What one trajectory adds to the municipality's portfolio: where it is, since when it is late,
how long its finished steps took, whether its targets were met and which improvements were
implemented. A query of the trajectory's state (the storage keeps it beside the trajectory so the
portfolio can be filtered and summed in the database); it decides nothing.

The counts are additive: the portfolio's totals are the sums of every trajectory's counts, so a
change to one trajectory changes the totals by the difference of its counts only.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from wasstraat.kinds.evaluation import kpi_results
from wasstraat.model import (
    ImplementationStatus,
    StepStatus,
    Trajectory,
    TrajectoryStatus,
    quadrant,
)
from wasstraat.progress import overdue_from

# bump when what ``facts`` counts changes: stored facts of an older version are computed again
FACTS_VERSION = 2  # 2: the improvements by PICK quadrant

DAY_SECONDS = 86_400

# metrics (the first part of a count's key)
TRAJECTORIES = "trajectories"  # bucket: its status
STEP_DAYS = "days"  # f"days:{step}" → bucket: whole days the step took
TARGETS = "targets"  # bucket: "met" | "missed"
HORIZON = "horizon"  # bucket: f"{horizon}:{implemented|open}"
QUADRANT = "quadrant"  # bucket: f"{PICK quadrant}:{implemented|open}"
P = "p"  # bucket: f"{p}:{implemented|open}"
IMPLEMENTED = "implemented"
OPEN = "open"


class Facts(BaseModel):
    """One trajectory's place in the portfolio."""

    model_config = ConfigDict(frozen=True)

    team_id: str  # "" for a trajectory started in a chat
    team_name: str
    year: int  # the year it started
    step: str  # its first running step; "" when none runs
    status: str  # TrajectoryStatus
    overdue_at: datetime | None  # from this moment on it counts as overdue (while running)
    started_at: datetime
    evaluated_at: datetime | None
    lessons: str  # what went well and what could be better, for searching ("" before)
    counts: dict[tuple[str, str], int]  # (metric, bucket) → how many


def step_metric(step_id: str) -> str:
    return f"{STEP_DAYS}:{step_id}"


def _step_days(t: Trajectory) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    for step_id, state in t.steps.items():
        if state.status is not StepStatus.DONE or state.started_at is None:
            continue
        if state.done_at is None or state.done_at < state.started_at:
            continue
        days = int((state.done_at - state.started_at).total_seconds() // DAY_SECONDS)
        counts[(step_metric(step_id), str(days))] += 1
    return counts


def _targets(t: Trajectory) -> Counter[tuple[str, str]]:
    counts: Counter[tuple[str, str]] = Counter()
    if t.evaluation.recorded_at is None:
        return counts
    for result in kpi_results(t):
        if result.met is not None:
            counts[(TARGETS, "met" if result.met else "missed")] += 1
    return counts


def _improvements(t: Trajectory) -> Counter[tuple[str, str]]:
    """The improvements the finished plan chose, by horizon, by P and by PICK quadrant,
    implemented or not."""
    counts: Counter[tuple[str, str]] = Counter()
    if t.plan_finalised_at is None:
        return counts
    done = {
        item.improvement_id
        for item in t.implementation
        if item.improvement_id and item.status is ImplementationStatus.DONE
    }
    for improvement in t.improvements:
        if not improvement.selected:
            continue
        state = IMPLEMENTED if improvement.id in done else OPEN
        if improvement.horizon is not None:
            counts[(HORIZON, f"{improvement.horizon.value}:{state}")] += 1
        if improvement.p:
            counts[(P, f"{improvement.p}:{state}")] += 1
        where = quadrant(improvement)
        if where is not None:
            counts[(QUADRANT, f"{where.value}:{state}")] += 1
    return counts


def first_running(t: Trajectory) -> str:
    """The first running step in the template's order (the steps are kept in that order)."""
    return next((sid for sid, s in t.steps.items() if s.status is StepStatus.ACTIVE), "")


def overdue_at(t: Trajectory) -> datetime | None:
    """From when the trajectory counts as overdue: its earliest running step's moment."""
    if t.status is not TrajectoryStatus.RUNNING:
        return None
    moments = [
        moment
        for sid, state in t.steps.items()
        if state.status is StepStatus.ACTIVE and (moment := overdue_from(t, sid)) is not None
    ]
    return min(moments, default=None)


def facts(t: Trajectory) -> Facts:
    evaluation = t.evaluation
    lessons = "\n".join(
        part for part in (evaluation.went_well, evaluation.could_be_better) if part.strip()
    )
    counts = _step_days(t) + _targets(t) + _improvements(t)
    counts[(TRAJECTORIES, t.status.value)] += 1
    return Facts(
        team_id=t.binding.team_id or "",
        team_name=t.binding.team_name or "",
        year=t.created_at.year,
        step=first_running(t),
        status=t.status.value,
        overdue_at=overdue_at(t),
        started_at=t.created_at,
        evaluated_at=evaluation.recorded_at,
        lessons=lessons if evaluation.recorded_at is not None else "",
        counts=dict(counts),
    )


def quantiles(histogram: dict[int, int]) -> tuple[int, float, float, float, int, int] | None:
    """Count, median, first and third quartile, minimum and maximum of whole-day durations
    given as day → how many; None for an empty histogram. Quartiles interpolate between the
    neighbouring values, as the usual "linear" method does."""
    total = sum(n for n in histogram.values() if n > 0)
    if total == 0:
        return None
    days = sorted(d for d, n in histogram.items() if n > 0)

    def at(position: float) -> float:
        """The value at a 0-based position in the sorted durations."""
        low = int(position)
        frac = position - low
        return _nth(low) + frac * (_nth(min(low + 1, total - 1)) - _nth(low))

    def _nth(index: int) -> int:
        seen = 0
        for d in days:
            seen += histogram[d]
            if index < seen:
                return d
        return days[-1]

    last = total - 1
    return total, at(last * 0.5), at(last * 0.25), at(last * 0.75), days[0], days[-1]
