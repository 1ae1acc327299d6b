"""The alarm clock: fires due timers from the database through the engine.

Timers are rows (written in the same transaction as the state that set them). APScheduler's
AsyncIOScheduler only wakes us: a periodic sweep plus a date job at the next due timer, both
with fixed ids. Its own job store is not the source of truth (APScheduler 3 drops a date job
missed while the process was down); a timer whose moment passed while the bot was down fires
at the first sweep after start. A timer is claimed before it fires, so it fires once.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.logs import correlated, new_correlation_id
from bot.privacy import anonymize_expired
from bot.services import Services
from bot.workflow import TrajectoryNotFound, Workflow
from storage import AlreadyProcessed
from wasstraat import engine
from wasstraat.commands import Command, DeadlinePassed, EvaluationDue, FollowUpDue
from wasstraat.model import SYSTEM

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
RETENTION_EVERY = timedelta(hours=1)
BATCH = 200  # timers claimed at a time; a sweep goes on until none is due
SWEEP_JOB = "timers:sweep"
NEXT_JOB = "timers:next"


@dataclass
class TickStats:
    fired: int = 0
    skipped: int = 0
    failed: int = 0
    kinds: list[str] = field(default_factory=list)  # the kinds that fired, in order


def command_for(timer: dict[str, Any]) -> Command | None:
    """What a timer tells the engine when its moment comes."""
    if timer["kind"] == "deadline":
        return DeadlinePassed(step=str(timer["payload"].get("step")))
    if timer["kind"] == "evaluation":
        return EvaluationDue()
    if timer["kind"] == "follow_up":
        return FollowUpDue()
    return None


def firing_key(timer: dict[str, Any]) -> str:
    """The inbox key of one firing: the state change and this key commit together, so a
    firing repeated after a crash (between commit and marking the timer) changes nothing."""
    return f"timer:{timer['id']}:{timer['due_at'].isoformat()}"


class Ticker:
    def __init__(self, services: Services, *, worker: str | None = None) -> None:
        self._services = services
        self._worker = worker or uuid.uuid4().hex[:12]
        self._scheduler: AsyncIOScheduler | None = None
        self._next: datetime | None = None  # the due moment the date job wakes for
        self._retention_at: datetime | None = None
        self._ticking = asyncio.Lock()  # one sweep at a time; stop() waits for it

    async def fire_due(self) -> TickStats:
        """Fire every timer that is due now, each once (in batches, until none is left)."""
        stats = TickStats()
        now = self._services.clock()
        while True:
            timers = await self._services.store.timers.claim_due(
                worker=self._worker, now=now, lease=LEASE, limit=BATCH
            )
            for timer in timers:
                await self._fire(timer, stats)
            if len(timers) < BATCH:
                return stats

    async def _fire(self, timer: dict[str, Any], stats: TickStats) -> None:
        with correlated(f"timer-{timer['id']}"):
            await self._fire_timer(timer, stats)

    async def _fire_timer(self, timer: dict[str, Any], stats: TickStats) -> None:
        services = self._services
        command = command_for(timer)
        try:
            if command is not None and timer["trajectory_id"]:
                await Workflow(services).execute(
                    timer["trajectory_id"], command, SYSTEM, activity_id=firing_key(timer)
                )
                stats.fired += 1
                stats.kinds.append(timer["kind"])
            else:
                stats.skipped += 1
        except (engine.NotNow, engine.AlreadyDecided, TrajectoryNotFound) as refusal:
            # the moment passed for nothing (step already done, trajectory closed …)
            log.info("timer %s needed no action (%s)", timer["kind"], refusal.code)
            stats.skipped += 1
        except AlreadyProcessed:
            log.info("timer %s had fired before a restart", timer["kind"])
            stats.skipped += 1
        except Exception:
            log.exception("timer %s failed; it is tried again", timer["kind"])
            await services.store.timers.release(timer["id"], worker=self._worker)
            stats.failed += 1
            return
        await services.store.timers.mark_fired(
            timer["id"], worker=self._worker, due_at=timer["due_at"], now=services.clock()
        )

    # -- the alarm clock ---------------------------------------------------------------------

    def start(self, *, sweep_seconds: float) -> None:
        """Wake for due timers: every ``sweep_seconds``, and at the next due one (a timer set by
        a command of this process moves that moment forward at once, see :meth:`timer_set`)."""
        scheduler = AsyncIOScheduler(timezone="UTC")
        scheduler.add_job(
            self._tick,
            "interval",
            seconds=sweep_seconds,
            id=SWEEP_JOB,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            next_run_time=self._scheduler_now(),
        )
        scheduler.start()
        self._scheduler = scheduler
        self._services.alarm.listen(self.timer_set)

    def timer_set(self, due: datetime) -> None:
        """A command of this process set a timer: wake for it if it comes before the moment
        planned (a later one waits for that moment's sweep, which plans again)."""
        if self._scheduler is None or (self._next is not None and self._next <= due):
            return
        self._plan(due)

    async def plan_next(self) -> None:
        """Set the date job at the next due timer in the database (replacing the one before)."""
        if self._scheduler is None:
            return
        due = await self._services.store.timers.next_due()
        if due is None:
            self._next = None
            if self._scheduler.get_job(NEXT_JOB):
                self._scheduler.remove_job(NEXT_JOB)
            return
        self._plan(due)

    def _plan(self, due: datetime) -> None:
        assert self._scheduler is not None
        self._next = due
        now = self._services.clock()
        speed = self._services.settings.clock_speed
        if speed == 1:
            run_date = max(due, now)
        else:  # the scheduler keeps real time, the bot's clock runs fast (demos)
            wait = max(0.0, (due - now).total_seconds()) / speed
            run_date = datetime.now(UTC) + timedelta(seconds=wait)
        self._scheduler.add_job(
            self._tick,
            "date",
            run_date=run_date,
            id=NEXT_JOB,
            replace_existing=True,
            misfire_grace_time=None,
        )

    def _scheduler_now(self) -> datetime:
        """Now for the scheduler, which keeps real time: the bot's clock, unless that runs fast
        (demos; it is then hours ahead as soon as the bot has started)."""
        if self._services.settings.clock_speed == 1:
            return self._services.clock()
        return datetime.now(UTC)

    async def _tick(self) -> None:
        if self._scheduler is None:
            return
        async with self._ticking:
            with correlated(new_correlation_id("sweep")):
                await self._sweep()

    async def _sweep(self) -> None:
        try:
            await self.fire_due()
            await self.plan_next()
            await self._retention()
        except Exception:
            log.exception("timer sweep failed; the next sweep tries again")

    async def _retention(self) -> None:
        """At most hourly: anonymise closed trajectories past the retention period."""
        now = self._services.clock()
        if self._retention_at is not None and now - self._retention_at < RETENTION_EVERY:
            return
        self._retention_at = now
        await anonymize_expired(self._services)

    async def stop(self) -> None:
        """Stop the alarm clock and let a sweep under way finish (before the database closes)."""
        if self._scheduler is not None:
            self._services.alarm.listen(None)
            self._scheduler.shutdown(wait=False)
            self._scheduler = None
        async with self._ticking:
            pass
