"""Chaos, bounded in time and on loopback: the delivering process killed with SIGKILL again and
again, the database unreachable for 30 seconds mid-traffic, and an activity redelivered after a
crash between the commit and the HTTP answer. Nothing is lost; nothing is decided twice."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sys
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import make_url

from bot.app import RUNTIME, create_app
from bot.settings import Settings
from storage import Store, open_database
from tests.chaos.proxy import TcpProxy
from tests.conftest import BotClient, FixedClock, payload
from tests.fakes import FakeConnector
from tests.replicas.seeding import people, seed_messages
from tests.scenario.driving import as_person
from tests.scenario.test_time_in_chat import LEADER, channel_trajectory, waiting_on_megan
from tests.tools.readers import ReadingStore
from wasstraat import limits
from wasstraat.samples import waiting_for_kpi_decision

ROOT = Path(__file__).resolve().parents[2]
MESSAGES = 300
PEOPLE = 30
KILLS_WANTED = 10
CLAIM_LIMIT = 50  # what one delivery round claims (tests/replicas/worker.py)
SENDS_BEFORE_KILL = 12  # 10 × (12 + 16 in flight) < 300: every kill falls inside the delivery


async def test_killing_the_dispatcher_again_and_again_loses_no_message(
    database_url: str, connector: FakeConnector
):
    rng = random.Random(20261128)
    database = await open_database(database_url)
    store = ReadingStore(Store(database))
    [trajectory] = waiting_for_kpi_decision(1)
    recipients = people(PEOPLE)
    now = datetime.now(UTC)
    await seed_messages(store, trajectory, recipients, MESSAGES, service_url=connector.url, now=now)

    async def pending() -> int:
        rows = await store.outbox_messages()
        return sum(1 for m in rows if m["sent_at"] is None and m["dead_at"] is None)

    # Each worker is killed by progress, not by the clock: when Teams has accepted a chosen
    # number of its sends (1 to SENDS_BEFORE_KILL), at the moment the last of them is still
    # unanswered — a crash between the send and marking it sent. A killed worker has delivered at
    # most that many plus what was in flight (the dispatcher's concurrency), so the ten kills
    # always fall inside the delivery, however fast the machine.
    kills = 0
    worker: asyncio.subprocess.Process | None = None
    sends_left = 0

    def count_send() -> None:
        nonlocal sends_left, kills
        if worker is None or worker.returncode is not None or kills >= KILLS_WANTED:
            return
        sends_left -= 1
        if sends_left == 0:
            worker.send_signal(signal.SIGKILL)
            kills += 1

    connector.on_send = count_send
    lives = 0
    while await pending():
        lives += 1
        assert lives <= KILLS_WANTED + 20, "the delivery does not finish"
        sends_left = rng.randint(1, SENDS_BEFORE_KILL)
        worker = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.replicas.worker",
            database_url,
            "2",  # a dead worker's claims return after 2 s
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        await asyncio.wait_for(worker.communicate(), 180)
    connector.on_send = None
    outbox = await store.outbox_messages()
    await database.dispose()

    assert kills == KILLS_WANTED
    assert all(m["sent_at"] is not None for m in outbox)  # 0 lost
    delivered = Counter(activity["text"] for _, activity in connector.delivered())
    per_person = Counter(conversation for conversation, _ in connector.delivered())
    assert set(per_person) == {f"a:personal-{p.aad_object_id}" for p in recipients}
    duplicates = sum(per_person.values()) - MESSAGES
    assert 0 <= duplicates <= kills * CLAIM_LIMIT
    assert min(per_person.values()) >= MESSAGES // PEOPLE
    assert delivered  # the fake saw real activities
    print(f"\nchaos: {kills} kills, 0 lost, {duplicates} duplicates over {MESSAGES} messages")


async def test_an_activity_redelivered_after_a_crash_before_the_answer_changes_state_once(
    bot: BotClient, settings: Settings, connector: FakeConnector, clock: FixedClock, monkeypatch
):
    trajectory_id = await channel_trajectory(bot)
    await waiting_on_megan(bot, trajectory_id)
    before = await bot.store.trajectory(trajectory_id)
    activity = as_person(
        payload("message_text_personal", connector, text="idee Formulier korter maken"), LEADER
    )
    runtime = bot.http.server.app[RUNTIME]

    def crash(*_args, **_kwargs):
        raise ConnectionResetError("the process died after the commit")

    # the turn has committed the idea and its inbox key; the answer never leaves
    monkeypatch.setattr(runtime.dispatcher, "wake", crash)
    response = await bot.post(activity)
    assert response.status == 500  # Teams saw no answer and will send it again
    monkeypatch.undo()

    # a fresh process on the same database gets the redelivery
    restarted = TestClient(TestServer(create_app(settings, clock=clock), host="127.0.0.1"))
    await restarted.start_server()
    try:
        again = await restarted.post("/api/messages", json=activity)
        assert again.status == 200
        after = await restarted.server.app[RUNTIME].services.store.trajectory(trajectory_id)
    finally:
        await restarted.close()
    assert [i.text for i in after.improvements] == ["Formulier korter maken"]
    assert after.version == before.version + 1


async def test_the_database_away_for_30_seconds_leaves_no_partial_state_and_loses_nothing(
    database_url: str, connector: FakeConnector, monkeypatch
):
    if not database_url.startswith("postgresql"):
        pytest.skip("the database as a server that can become unreachable: PostgreSQL")
    # twelve ideas from one person in well under a minute: the flood limit is not tested here
    monkeypatch.setattr(limits, "IDEAS_PER_PERSON_PER_MINUTE", 100)
    url = make_url(database_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    proxied = url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=proxied,
        deliver_in_background=True,
        delivery_interval_seconds=0.2,
        delivery_lease_seconds=2,
        run_timers=False,
        working_time_only=False,  # real time, any hour: nothing waits for the morning
    )
    # real time: leases and retries must run out while the test waits for the recovery
    client = TestClient(TestServer(create_app(settings), host="127.0.0.1"))
    await client.start_server()
    bot = BotClient(client, connector)
    try:
        trajectory_id = await channel_trajectory(bot)
        await waiting_on_megan(bot, trajectory_id)
        trajectory = await bot.store.trajectory(trajectory_id)
        assert trajectory is not None
        recipients = people(10)
        await seed_messages(
            bot.store,
            trajectory,
            recipients,
            100,
            service_url=connector.url,
            now=datetime.now(UTC),
            insert=False,
        )
        ideas = [f"idee nummer {n}" for n in range(12)]
        activities = [
            as_person(payload("message_text_personal", connector, text=idea), LEADER)
            for idea in ideas
        ]
        failed = []
        for n, activity in enumerate(activities):
            if n == 4:
                proxy.cut()  # the database is gone …
                outage = time.monotonic()
            if n == 8:
                await asyncio.sleep(max(0.0, 30 - (time.monotonic() - outage)))
                proxy.restore()  # … and back after 30 seconds
            response = await bot.post(activity)
            if response.status >= 500:
                failed.append(activity)  # Teams sends these again
            else:
                assert response.status in (200, 201)
        # the four during the outage failed (a first request on a dead pooled connection may too)
        assert activities[4:8] == failed[:4] or all(a in failed for a in activities[4:8])
        for activity in failed:
            assert (await bot.post(activity)).status in (200, 201)

        for _ in range(300):  # the dispatcher catches up by itself
            rows = await bot.store.outbox_messages()
            if all(m["sent_at"] or m["dead_at"] for m in rows):
                break
            await asyncio.sleep(0.2)
        after = await bot.store.trajectory(trajectory_id)
        assert after is not None
        texts = [i.text for i in after.improvements]
        assert sorted(texts) == sorted(idea.removeprefix("idee ") for idea in ideas)
        assert after.version == trajectory.version + len(ideas)
        rows = await bot.store.outbox_messages()
        assert all(m["sent_at"] is not None for m in rows)
        per_person = Counter(c for c, _ in connector.delivered() if c.startswith("a:personal-p"))
        assert set(per_person) == {f"a:personal-{p.aad_object_id}" for p in recipients}
        assert min(per_person.values()) >= 10  # at least once; a send cut off may come twice
    finally:
        proxy.restore()
        await client.close()
        await proxy.close()
