"""Benchmark: how fast the timer sweep fires due timers, and how soon after a restart a moment
missed while the bot was down fires.

- Sweep: 1,000 follow-up timers due at once, each on its own trajectory waiting for a KPI
  decision, fired by one ``Ticker.fire_due`` (claim, engine, commit, mark). Baseline in the same
  run: the same 1,000 commands applied through ``Workflow.execute`` directly (load, engine,
  commit), i.e. without the claim and mark around each firing.
- Catch-up: the bot process is started on a database with an evaluation moment that passed
  while it was down; measured from process start and from ``/healthz`` answering to the
  evaluation card being queued.

Run: ``make bench`` (or ``python -m bench.timers``); SQLite, in a temporary folder.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from bench import harness
from bot.services import Services
from bot.settings import Settings
from bot.ticker import Ticker
from bot.workflow import Workflow
from storage import Store, open_database, schema
from tests.replicas.seeding import seed_due_follow_ups
from wasstraat import commands as c
from wasstraat.engine import timer_id
from wasstraat.model import SYSTEM
from wasstraat.samples import TEMPLATE, Run, to_step, waiting_for_kpi_decision

TIMERS = 1000
ROOT = Path(__file__).resolve().parents[1]


async def _seed(url: str, count: int, due: datetime) -> tuple[Store, list[str]]:
    database = await open_database(url)
    store = Store(database)
    trajectories = waiting_for_kpi_decision(count, prefix="bench")
    await seed_due_follow_ups(store, trajectories, due)
    return store, [t.id for t in trajectories]


def _services(store: Store, now: datetime) -> Services:
    return Services(
        settings=Settings(_env_file=None),  # type: ignore[call-arg]
        store=store,
        template=TEMPLATE,
        clock=lambda: now,
    )


async def sweep(folder: Path) -> dict[str, float]:
    due = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday morning
    now = due + timedelta(days=30)
    store, _ = await _seed(f"sqlite:///{folder / 'sweep.db'}", TIMERS, due)
    started = time.perf_counter()
    stats = await Ticker(_services(store, now)).fire_due()
    swept = time.perf_counter() - started
    assert stats.fired == TIMERS, (stats.fired, stats.skipped, stats.failed)
    await store.database.dispose()

    store, ids = await _seed(f"sqlite:///{folder / 'direct.db'}", TIMERS, due)
    workflow = Workflow(_services(store, now))
    started = time.perf_counter()
    for trajectory_id in ids:
        await workflow.execute(trajectory_id, c.FollowUpDue(), SYSTEM)
    direct = time.perf_counter() - started
    await store.database.dispose()
    return {
        "timers": TIMERS,
        "sweep_s": round(swept, 2),
        "timers_per_s": round(TIMERS / swept, 1),
        "baseline_direct_s": round(direct, 2),
        "ratio_sweep_to_direct": round(swept / direct, 2),
    }


def catch_up(folder: Path) -> dict[str, float]:
    url = f"sqlite:///{folder / 'catchup.db'}"
    missed = datetime.now(UTC) - timedelta(days=3)

    async def prepare() -> None:
        run = Run(now=missed - timedelta(days=200))
        to_step(run, "evaluatie")
        database = await open_database(url)
        store = Store(database)
        async with store.transaction(now=missed) as tx:
            await tx.insert_trajectory(run.t, now=missed)
            await tx.set_timer(
                timer_id=timer_id(run.t.id, "evaluatie", "evaluation"),
                kind="evaluation",
                due_at=missed,
                trajectory_id=run.t.id,
                now=missed,
            )
        await database.dispose()

    asyncio.run(prepare())
    port = "3991"
    env = {
        **os.environ,
        "WASSTRAAT_DATABASE_URL": url,
        "WASSTRAAT_PORT": port,
        "WASSTRAAT_DELIVER_IN_BACKGROUND": "false",
        "MICROSOFT_APP_ID": "",
    }
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    ready = queued = None
    try:
        while queued is None and time.perf_counter() - started < 60:
            if ready is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1):
                        ready = time.perf_counter()
                except OSError:
                    pass
            if ready is not None and asyncio.run(_evaluation_queued(url)):
                queued = time.perf_counter()
            time.sleep(0.02)
    finally:
        process.terminate()
        process.wait(timeout=30)
    assert ready is not None and queued is not None, "the missed evaluation did not fire"
    return {
        "start_to_fired_s": round(queued - started, 2),
        "ready_to_fired_s": round(max(queued - ready, 0.0), 2),
    }


async def _evaluation_queued(url: str) -> bool:
    database = await open_database(url, migrate=False)
    query = select(func.count()).where(schema.outbox.c.kind == "evaluation_request")
    try:
        async with database.connect() as conn:
            return bool(await conn.scalar(query))
    finally:
        await database.dispose()


def measure() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        return {**asyncio.run(sweep(Path(folder))), **catch_up(Path(folder))}


def rows(result: dict[str, float]) -> list[harness.Row]:
    return [
        (
            "timers: sweep of 1,000 due",
            f"{result['timers_per_s']} timers/s",
            "",
            f"{result['ratio_sweep_to_direct']}× the same commands applied directly (SQLite)",
        ),
        (
            "timers: catch-up after a restart",
            f"{result['ready_to_fired_s']} s",
            "",
            f"after /healthz first answered; {result['start_to_fired_s']} s after the start",
        ),
    ]


def main() -> None:
    result = measure()
    print(harness.table(rows(result)))
    harness.write_latest({"timers": result})


if __name__ == "__main__":
    main()
