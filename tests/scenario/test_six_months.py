"""Half a year and more of injected time on one database: people answer late (at night, in the
weekend, not at all), the bot crashes and restarts at random moments, a sweep in a process of
its own is killed with SIGKILL halfway. Every reminder and every evaluation fires exactly once,
none is lost, and what reaches people does so in working time.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import signal
import sys
from collections import Counter, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bot.services import Services
from bot.settings import Settings
from bot.ticker import Ticker
from bot.workflow import Workflow
from storage import Database, Store, open_database
from tests.tools.readers import ReadingStore
from wasstraat import commands as c
from wasstraat import engine
from wasstraat.model import Binding, Person, TrajectoryStatus
from wasstraat.samples import PE, PL, SYSTEM, T0, TEMPLATE, Run, to_step
from wasstraat.worktime import DEFAULT_POLICY

WORKING = DEFAULT_POLICY.working
ROOT = Path(__file__).resolve().parents[2]
SWEEP_EVERY = timedelta(hours=3)
TRAJECTORIES = 5
KILLS_WANTED = 3
SEED = 20261128


class RecordingRun(Run):
    """The happy path, recorded as (actor, command) to replay at moments of our choosing."""

    def __init__(self) -> None:
        super().__init__()
        self.script: list[tuple[Person, c.Base]] = []

    def do(self, actor, command, *, after=timedelta(hours=1)):  # type: ignore[override]
        self.script.append((actor, command))
        return super().do(actor, command, after=after)


def happy_path() -> list[tuple[Person, c.Base]]:
    run = RecordingRun()
    to_step(run, "evaluatie")
    return [*run.script, (PE, c.RecordEvaluation(measurements={"Doorlooptijd": 4}))]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class BotProcess:
    """What one bot process holds: its own connection pool and its own ticker."""

    database: Database
    services: Services
    ticker: Ticker

    @classmethod
    async def start(cls, url: str, clock: Clock) -> BotProcess:
        database = await open_database(url)
        services = Services(
            settings=Settings(_env_file=None, database_url=url),  # type: ignore[call-arg]
            store=Store(database),
            template=TEMPLATE,
            clock=clock,
        )
        return cls(database, services, Ticker(services))

    async def crash(self) -> None:
        """Gone without a goodbye: no sweep finished, no lease given back."""
        await self.database.dispose()


async def kill_during_a_sweep(url: str, now: datetime) -> bool:
    """Run a sweep in a process of its own and SIGKILL it once a first timer has fired."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.scenario.sweeper",
        url,
        now.isoformat(),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert process.stdout is not None
    killed = False
    while line := (await asyncio.wait_for(process.stdout.readline(), 60)).decode():
        if line.startswith("fired"):
            process.send_signal(signal.SIGKILL)
            killed = True
            break
    await process.wait()
    return killed and process.returncode == -signal.SIGKILL


async def test_half_a_year_with_restarts_and_kills_loses_and_repeats_nothing(database_url):
    rng = random.Random(SEED)
    clock = Clock(T0)
    bot = await BotProcess.start(database_url, clock)
    script = happy_path()
    queues: dict[str, deque[tuple[Person, c.Base]]] = {}
    next_move: dict[str, datetime] = {}
    for n in range(TRAJECTORIES):
        outcome = await Workflow(bot.services).start(
            product=f"Product {n}", binding=Binding(conversation_id="chan"), project_leader=PL
        )
        queues[outcome.trajectory.id] = deque(script)
        next_move[outcome.trajectory.id] = clock.now
    end = T0 + timedelta(days=500)
    down_until: datetime | None = None
    restarts = kills = refused = 0
    while clock.now < end and any(queues.values()):
        clock.now += SWEEP_EVERY + timedelta(minutes=rng.randint(0, 59))
        if down_until is not None:
            if clock.now < down_until:
                continue  # down: nobody gets through, no sweep runs
            bot = await BotProcess.start(database_url, clock)
            down_until = None
            restarts += 1
            if kills < KILLS_WANTED and (await bot.services.store.timers.next_due() or end) < (
                clock.now
            ):
                kills += await kill_during_a_sweep(database_url, clock.now)
        # people answer whenever they like: some at once, some after days, at any hour
        for tid, queue in queues.items():
            while queue and next_move[tid] <= clock.now:
                actor, command = queue[0]
                try:
                    await Workflow(bot.services).execute(tid, command, actor)
                except engine.NotNow as refusal:
                    if refusal.code == "evaluation_not_due":
                        next_move[tid] = clock.now + timedelta(days=7)
                        break  # the proceseigenaar waits for the evaluation card
                    refused += 1  # too late: the step closed by its deadline meanwhile
                except engine.EngineError:
                    refused += 1
                queue.popleft()
                next_move[tid] += timedelta(hours=rng.choice([0, 1, 4, 20, 50, 90, 160]))
        if rng.random() < 0.04:
            await bot.crash()
            down_until = clock.now + timedelta(hours=rng.choice([2, 14, 60, 200]))
            continue
        await bot.ticker.fire_due()
    if down_until is not None:
        bot = await BotProcess.start(database_url, clock)
    await bot.ticker.fire_due()
    clock.now += timedelta(minutes=10)  # past any lease a killed sweep left behind
    await bot.ticker.fire_due()

    store = ReadingStore(bot.services.store)
    assert restarts >= 5 and kills >= KILLS_WANTED, (restarts, kills)
    trajectories = [await store.trajectory(tid) for tid in queues]
    assert all(t is not None and t.status is TrajectoryStatus.FINISHED for t in trajectories)
    audit = await store.audit_entries()
    outbox = await store.outbox_messages()

    # the evaluation: once per trajectory, late rather than never, to the whole group once
    due = [e for e in audit if e["action"] == "evaluation_due"]
    assert Counter(e["trajectory_id"] for e in due) == dict.fromkeys(queues, 1)
    for trajectory in trajectories:
        assert trajectory is not None
        assert trajectory.evaluation.requested_at >= trajectory.evaluation.planned_at
        asked = [
            m["recipient"]["aad_object_id"]
            for m in outbox
            if m["kind"] == "evaluation_request" and m["trajectory_id"] == trajectory.id
        ]
        assert sorted(asked) == sorted(p.aad_object_id for p in trajectory.members())

    # every reminder once: no (person, task, count) twice; and there were plenty
    reminders = [
        (e["trajectory_id"], e["detail"]["person"], e["detail"]["step"], e["detail"]["count"])
        for e in audit
        if e["action"] == "reminder.sent"
    ]
    assert len(reminders) > 20
    assert [r for r, n in Counter(reminders).items() if n > 1] == []
    # … and never sooner than the cadence: a week of working days after the one before
    series: dict[tuple[str, str, str], list[datetime]] = {}
    for e in audit:
        if e["action"] == "reminder.sent" and not e["detail"]["nudged"]:
            key = (e["trajectory_id"], e["detail"]["person"], e["detail"]["step"])
            series.setdefault(key, []).append(e["at"])
    for moments in series.values():
        for before, after in itertools.pairwise(moments):
            assert after >= WORKING.add_working_days(before, 5)
    escalations = [
        (e["trajectory_id"], e["detail"]["person"], e["detail"]["step"])
        for e in audit
        if e["action"] == "task.escalated"
    ]
    assert escalations and [r for r, n in Counter(escalations).items() if n > 1] == []
    deadlines = [
        (e["trajectory_id"], e["detail"].get("step"))
        for e in audit
        if e["action"] == "deadline_passed"
    ]
    assert [r for r, n in Counter(deadlines).items() if n > 1] == []

    # prompts reach people in working time only, however late at night the timer caught up
    prompts = [m for m in outbox if m["kind"] in ("reminder", "task_overdue", "evaluation_request")]
    assert prompts and all(WORKING.is_working_time(m["not_before"]) for m in prompts)

    # nothing left behind: no due timer unfired, no open task without its follow-up
    assert [
        t for t in await store.timer_rows() if t["fired_at"] is None and t["due_at"] <= clock.now
    ] == []
    assert all(not t.follow_ups for t in trajectories if t is not None)
    assert SYSTEM.aad_object_id in {e["actor"] for e in audit}
    await bot.database.dispose()
