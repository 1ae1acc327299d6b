"""Three bot replicas on one PostgreSQL: timers fire once, the outbox is delivered once, and a
decision clicked on several replicas at the same moment is taken once.

Replicas are real processes for sweeps and delivery; for card actions, three applications with
their own connection pools serve the same database. PostgreSQL only: SQLite is one process's.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from storage import Store, open_database
from tests.conftest import BotClient, FixedClock, payload
from tests.fakes import FakeConnector
from tests.replicas.seeding import (
    approve_kpis,
    people,
    seed_due_follow_ups,
    seed_messages,
)
from tests.scenario.driving import MEGAN, as_person
from tests.tools.readers import ReadingStore
from wasstraat.samples import waiting_for_kpi_decision

ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 3
TIMERS = 1000
MESSAGES = 300
PEOPLE = 30


@pytest.fixture
def postgres_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("replicas share a PostgreSQL database (set WASSTRAAT_TEST_POSTGRES)")
    return database_url


async def run_replicas(module: str, *args: str) -> list[list[str]]:
    """Start REPLICAS processes of ``module``; once every one has said ``ready`` (set up, imports
    done), tell them all to go, so that how fast one process starts decides nothing. Their
    output lines after ``ready``, per process."""
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            module,
            *args,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT), "WASSTRAAT_START_ON_GO": "1"},
        )
        for _ in range(REPLICAS)
    ]
    for process in processes:
        assert process.stdout is not None
        first = await asyncio.wait_for(process.stdout.readline(), 60)
        assert first == b"ready\n", first
    outputs = await asyncio.wait_for(
        asyncio.gather(*(process.communicate(b"go\n") for process in processes)), timeout=240
    )
    assert [process.returncode for process in processes] == [0] * REPLICAS
    return [out.decode().splitlines() for out, _ in outputs]


async def test_a_thousand_timers_due_in_the_same_second_each_fire_once(postgres_url: str):
    due = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    database = await open_database(postgres_url)
    store = ReadingStore(Store(database))
    await seed_due_follow_ups(store, waiting_for_kpi_decision(TIMERS), due)
    moment = (due + timedelta(days=30)).isoformat()
    outputs = await run_replicas("tests.scenario.sweeper", postgres_url, moment)

    fired = [sum(line == "fired" for line in lines) for lines in outputs]
    assert sum(fired) == TIMERS
    assert sum(1 for n in fired if n) >= 2, fired  # the replicas shared the work
    audit = await store.audit_entries()
    firings = Counter(e["trajectory_id"] for e in audit if e["action"] == "follow_up_due")
    assert set(firings.values()) == {1} and len(firings) == TIMERS
    reminders = Counter(
        (e["trajectory_id"], e["detail"]["person"]) for e in audit if e["action"] == "reminder.sent"
    )
    assert set(reminders.values()) == {1}
    await database.dispose()


async def test_three_hundred_messages_are_each_delivered_once(postgres_url: str):
    connector = FakeConnector()
    await connector.start()
    database = await open_database(postgres_url)
    store = ReadingStore(Store(database))
    now = datetime.now(UTC)
    [trajectory] = waiting_for_kpi_decision(1)
    recipients = people(PEOPLE)
    await seed_messages(store, trajectory, recipients, MESSAGES, service_url=connector.url, now=now)
    try:
        outputs = await run_replicas("tests.replicas.worker", postgres_url)
    finally:
        await connector.close()

    sends = [
        sum(int(line.split()[1]) for line in lines if line.startswith("sent")) for lines in outputs
    ]
    assert sum(sends) == MESSAGES
    assert sum(1 for n in sends if n) >= 2, sends
    delivered = Counter(conversation for conversation, _ in connector.delivered())
    assert delivered == {f"a:personal-{p.aad_object_id}": MESSAGES // PEOPLE for p in recipients}
    outbox = await store.outbox_messages()
    assert all(m["sent_at"] is not None for m in outbox)
    await database.dispose()


async def test_one_decision_clicked_on_three_replicas_at_once_is_taken_once(
    postgres_url: str, connector: FakeConnector, clock: FixedClock
):
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=postgres_url, deliver_in_background=False, run_timers=False
    )
    clients = [
        TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
        for _ in range(REPLICAS)
    ]
    for client in clients:
        await client.start_server()
    try:
        first = BotClient(clients[0], connector)
        services = clients[0].server.app[RUNTIME].services
        [trajectory] = waiting_for_kpi_decision(1)
        trajectory = trajectory.model_copy(
            update={"roles": {**trajectory.roles, "proceseigenaar": [MEGAN]}}
        )
        async with services.store.transaction(now=clock.now) as tx:
            await tx.insert_trajectory(trajectory, now=clock.now)
        clicks = []
        for n, client in enumerate(clients):
            activity = as_person(payload("invoke_adaptiveCard_action_execute", connector), MEGAN)
            activity["id"] = f"click-{n}"  # a click on each of her devices
            approve_kpis(activity, trajectory)
            clicks.append(client.post("/api/messages", json=activity))
        responses = await asyncio.gather(*clicks)
        assert [r.status for r in responses] == [200] * REPLICAS
        stored = await first.store.trajectory(trajectory.id)
        decisions = [a for a in stored.approvals if a.subject == "kpis"]
        assert len(decisions) == 1
        assert stored.version == trajectory.version + 1
        audit = await ReadingStore(first.store).audit_entries(trajectory_id=trajectory.id)
        assert sum(1 for e in audit if e["action"] == "decide_kpis") == 1
    finally:
        for client in clients:
            await client.close()
