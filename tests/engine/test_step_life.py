"""A step's life cycle as the engine records it: when it started, how often, its deadline and
the timer that keeps it, the news in the channel, and what merging a check does."""

from __future__ import annotations

from wasstraat import commands as c
from wasstraat.context import DEADLINE_TIMER, timer_id
from wasstraat.effects import StepDone, StepStarted
from wasstraat.model import StepStatus
from wasstraat.samples import TEMPLATE, Run, to_step
from wasstraat.template import Check, Section


def started(run: Run, step_id: str):
    """The outcome that started the step, and the time it was given."""
    for outcome, at in zip(run.outcomes, _times(run), strict=True):
        if any(
            m.recipient is None and m.body == StepStarted(step=step_id) for m in outcome.messages
        ):
            return outcome, at
    raise AssertionError(f"step {step_id} never started")


def _times(run: Run):
    return [outcome.audit[0].at for outcome in run.outcomes]


def test_a_step_with_a_deadline_starts_now_once_with_its_timer_set_at_the_deadline():
    step = next(s for s in TEMPLATE.steps if s.deadline_days)
    run = Run()
    to_step(run, step.id)
    outcome, at = started(run, step.id)
    state = run.t.steps[step.id]
    assert (state.status, state.started_at, state.rounds, state.done_at) == (
        StepStatus.ACTIVE,
        at,
        1,
        None,
    )
    assert state.deadline is not None and state.deadline > at
    [timer] = [t for t in outcome.timers if t.kind == DEADLINE_TIMER]
    assert (timer.timer_id, timer.step, timer.due_at) == (
        timer_id(run.t.id, step.id, DEADLINE_TIMER),
        step.id,
        state.deadline,
    )
    assert any(e.action == "step.started" and e.detail == {"step": step.id} for e in outcome.audit)


def test_a_step_without_a_deadline_sets_no_timer_for_it():
    step = next(s for s in TEMPLATE.steps[1:] if not s.deadline_days)
    run = Run()
    to_step(run, step.id)
    outcome, _at = started(run, step.id)
    assert run.t.steps[step.id].deadline is None
    assert not [t for t in outcome.timers if t.step == step.id and t.kind == DEADLINE_TIMER]


def test_merging_the_check_marks_it_merged_cancels_its_deadline_and_tells_the_channel():
    check = TEMPLATE.one(Check)
    assert check is not None
    merger = next(role for role, parts in check.may.items() if Section.MERGE_CHECK in parts)
    run = Run()
    to_step(run, check.id)
    outcome = run.do(run.t.holders(merger)[0], c.MergeCheck())
    state = run.t.steps[check.id]
    assert (state.status, state.deadline, state.done_at) == (StepStatus.MERGED, None, run.now)
    assert (run.t.check.closed_reason, run.t.check.closed_at) == ("merged", run.now)
    [timer] = [t for t in outcome.timers if t.step == check.id]
    assert (timer.kind, timer.due_at) == (DEADLINE_TIMER, None)
    assert any(m.body == StepDone(step=check.id, merged=True) for m in outcome.messages)
