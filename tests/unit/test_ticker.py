"""Timers fire through the engine, once each, also when their moment passed while down."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.services import Services, fast_clock
from bot.settings import Settings
from bot.ticker import NEXT_JOB, SWEEP_JOB, Ticker
from bot.workflow import Workflow
from storage import Store
from tests.tools.readers import ReadingStore
from wasstraat import commands as c
from wasstraat.model import Binding
from wasstraat.samples import PA, PE, PL, ROLES, TEMPLATE, VM1


@pytest.fixture
def services(store: Store, clock) -> Services:
    return Services(
        settings=Settings(_env_file=None),
        store=store,  # type: ignore[call-arg]
        template=TEMPLATE,
        clock=clock,
    )


async def trajectory_in_3b(services: Services) -> str:
    workflow = Workflow(services)
    outcome = await workflow.start(
        product="Paspoort", binding=Binding(conversation_id="chan"), project_leader=PL
    )
    tid = outcome.trajectory.id
    for role, people in ROLES.items():
        await workflow.execute(tid, c.AssignRole(role=role, people=people), PL)
    await workflow.execute(tid, c.ConfirmSupport(), PE)
    await workflow.execute(tid, c.CompleteStep(step="1"), PL)
    await workflow.execute(tid, c.ProposeKpis(kpis=[{"name": "Doorlooptijd"}]), PL)
    await workflow.execute(tid, c.DecideKpis(decision="approve"), PE)
    await workflow.execute(tid, c.SetProcessMap(link="https://x.example/p"), PA)
    await workflow.execute(tid, c.CompleteStep(step="3a"), PA)
    return tid


async def test_the_3b_deadline_fires_once_and_closes_the_check(services, clock):
    tid = await trajectory_in_3b(services)
    await Workflow(services).execute(tid, c.AnswerCheck(agrees=True), VM1)
    ticker = Ticker(services)
    assert (await ticker.fire_due()).fired == 0  # not due yet
    # five working days from Monday morning is the next Monday; the bot was down past it
    clock.now += timedelta(days=8)
    await ticker.fire_due()
    trajectory = await services.store.trajectory(tid)
    assert trajectory.status_of("3b").value == "done"
    assert trajectory.check.closed_reason == "deadline"
    assert (await ticker.fire_due()).fired == 0
    timers = await ReadingStore(services.store).timer_rows(trajectory_id=tid)
    assert [t for t in timers if t["kind"] == "deadline" and t["fired_at"] is None] == []
    closed = [
        e
        for e in await services.store.history(tid)
        if e.action == "step.done" and e.detail["step"] == "3b"
    ]
    assert len(closed) == 1


async def test_two_sweeps_at_once_fire_a_timer_once(services, clock):
    tid = await trajectory_in_3b(services)
    clock.now += timedelta(days=8)
    results = await asyncio.gather(Ticker(services).fire_due(), Ticker(services).fire_due())
    kinds = [kind for r in results for kind in r.kinds]
    assert sorted(kinds) == ["deadline", "follow_up"]  # each due timer once
    summaries = [
        m
        for m in await ReadingStore(services.store).outbox_messages(trajectory_id=tid)
        if m["kind"] == "check_summary"
    ]
    # once to each role the check's summary goes to (procesadviseur, projectleider)
    assert sorted(m["recipient"]["name"] for m in summaries) == ["Anna", "Petra"]


async def test_a_timer_for_a_step_already_done_needs_no_action(services, clock):
    tid = await trajectory_in_3b(services)
    await Workflow(services).execute(tid, c.CloseCheck(), PE)
    clock.now += timedelta(days=8)
    stats = await Ticker(services).fire_due()
    assert "deadline" not in stats.kinds
    assert not [e for e in await services.store.history(tid) if e.action == "deadline_passed"]


async def test_the_alarm_clock_is_set_for_the_next_due_timer(services, clock):
    await trajectory_in_3b(services)
    ticker = Ticker(services)
    ticker.start(sweep_seconds=3600)
    try:
        await ticker.plan_next()
        job = ticker._scheduler.get_job(NEXT_JOB)
        assert job is not None
        assert job.next_run_time == await services.store.timers.next_due()
    finally:
        await ticker.stop()


async def test_a_command_that_sets_an_earlier_timer_moves_the_alarm_without_a_query(
    services, clock, monkeypatch
):
    # a year ahead of real time, so that the alarm's moment is still to come when it is read
    clock.now = datetime.now(UTC) + timedelta(days=365)
    ticker = Ticker(services)
    ticker.start(sweep_seconds=3600)
    try:
        await ticker.plan_next()  # nothing due yet: no alarm
        assert ticker._scheduler.get_job(NEXT_JOB) is None
        asked = []
        real = services.store.timers.next_due

        async def counted():
            asked.append(1)
            return await real()

        monkeypatch.setattr(services.store.timers, "next_due", counted)
        tid = await trajectory_in_3b(services)  # the 3b check sets its deadline (and more)
        job = ticker._scheduler.get_job(NEXT_JOB)
        assert job is not None and asked == []  # set from the commands' outcomes
        assert job.next_run_time == await real()
        # a timer further away than the alarm leaves it where it is
        before = job.next_run_time
        await Workflow(services).execute(tid, c.AnswerCheck(agrees=True), VM1)
        assert ticker._scheduler.get_job(NEXT_JOB).next_run_time == before
    finally:
        await ticker.stop()
    assert not services.alarm._listener  # a stopped ticker hears of no more timers


async def test_with_a_fast_clock_the_alarm_rings_in_real_time_that_much_sooner(services, clock):
    await trajectory_in_3b(services)
    due = await services.store.timers.next_due()
    speed = (due - clock.now).total_seconds() / 2  # the next timer is two real seconds away
    fast = dataclasses.replace(
        services, settings=services.settings.model_copy(update={"clock_speed": speed})
    )
    ticker = Ticker(fast)
    ticker.start(sweep_seconds=3600)
    try:
        await ticker.plan_next()
        ringing = ticker._scheduler.get_job(NEXT_JOB).next_run_time
        assert abs((ringing - datetime.now(UTC)).total_seconds() - 2) < 1
    finally:
        await ticker.stop()


async def test_with_a_fast_clock_the_first_sweep_runs_at_once(services):
    # the bot's clock started with the process: by the time the alarm clock is set it runs
    # hours ahead of real time, in which the scheduler keeps its jobs
    ahead = dataclasses.replace(
        services,
        settings=services.settings.model_copy(update={"clock_speed": 86_400}),
        clock=lambda: datetime.now(UTC) + timedelta(hours=12),
    )
    ticker = Ticker(ahead)
    ticker.start(sweep_seconds=1)
    try:
        sweep = ticker._scheduler.get_job(SWEEP_JOB).next_run_time
        assert sweep <= datetime.now(UTC) + timedelta(seconds=1)
    finally:
        await ticker.stop()


def test_the_fast_clock_starts_now_and_runs_that_many_times_as_fast():
    real = [datetime(2026, 12, 2, 9, 0, tzinfo=UTC)]
    clock = fast_clock(2880, lambda: real[0])
    assert clock() == real[0]
    real[0] += timedelta(seconds=30)
    assert clock() == datetime(2026, 12, 3, 9, 0, tzinfo=UTC)  # a day in 30 seconds


def test_a_fast_clock_is_refused_with_an_app_id():
    assert Settings(_env_file=None, clock_speed=2880).startup_refusal() is None
    refusal = Settings(_env_file=None, clock_speed=2880, MICROSOFT_APP_ID="app").startup_refusal()
    assert refusal is not None and "WASSTRAAT_CLOCK_SPEED" in refusal


async def test_the_evaluation_moment_months_later_asks_for_the_measurements(services, clock):
    from wasstraat.samples import Run, to_step

    run = Run(now=clock.now)
    to_step(run, "evaluatie")
    [timer] = [t for o in run.outcomes for t in o.timers if t.kind == "evaluation"]
    async with services.store.transaction(now=clock.now) as tx:
        await tx.insert_trajectory(run.t, now=clock.now)
        await tx.set_timer(
            timer_id=timer.timer_id,
            kind=timer.kind,
            due_at=timer.due_at,
            trajectory_id=run.t.id,
            payload=timer.data,
            now=clock.now,
        )
    ticker = Ticker(services)
    clock.now = timer.due_at - timedelta(minutes=1)
    assert (await ticker.fire_due()).fired == 0
    clock.now = timer.due_at + timedelta(days=3)  # late rather than never
    assert (await ticker.fire_due()).fired == 1
    asked = [
        m["recipient"]["name"]
        for m in await ReadingStore(services.store).outbox_messages()
        if m["kind"] == "evaluation_request"
    ]
    assert "Erik" in asked and "Petra" in asked
