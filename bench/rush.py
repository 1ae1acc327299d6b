"""P6: the morning rush. At the start of working time 3,000 people each get their digest (their
reminders in two trajectories, one card), while 20 people click cards and type to the bot.

The outbox holds two due reminders for each of 3,000 people (their 1:1 chats known), written
as the follow-up timers write them. The dispatcher delivers them through the loopback Bot
Connector (``tests.fakes.FakeConnector``), which answers 429 to any send over Teams' limits
(50/s per tenant, 7/s per conversation …), counted at its arrival. Meanwhile 20 people each
ask "mijn taken" five times, at random moments: every answer is a reply through the same
connector, so it shares the tenant's budget with the digests.

Figures: the digests' time from the first to the last delivery, divided by the floor Teams'
limits set (3,000 sends at 50/s: 60 s), goal ≤ 1.1; the answers' p99 (HTTP in to the reply
sent), goal < 500 ms; 0 lost; 0 sends over the limits.

Run alone: ``python -m bench rush``.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp.test_utils import TestClient, TestServer

from bench import harness
from bot.app import RUNTIME, create_app
from bot.delivery.worker import Dispatcher
from bot.settings import Settings
from storage import Outgoing, ToPerson
from tests.conftest import BotClient, payload
from tests.fakes import FakeConnector
from tests.scenario.test_delivery import channel_trajectory
from wasstraat.effects import Reminder, StepStarted

PEOPLE = 3000
CLICKERS = 20
CLICKS_EACH = 5
FLOOR_S = PEOPLE / 50
GOAL_RATIO = 1.1
GOAL_P99_MS = 500.0


async def _seed(bot: BotClient, app: Any, connector: FakeConnector) -> list[str]:
    """Two trajectories in a channel, and two due reminders for every person."""
    first = await channel_trajectory(bot)
    await bot.say("<at>Test Bot</at> start Afvalpas", fixture="message_channel_mention_api")
    trajectories = [t.id for t in await bot.store.trajectories_in_channel("team-id")]
    assert first in trajectories and len(trajectories) == 2
    store = app[RUNTIME].services.store
    now = datetime.now(UTC)
    people = [f"staff-{n:04}" for n in range(PEOPLE)]
    rows: list[Outgoing] = []
    for person in people:
        conversation = f"a:personal-29:{person}"
        await store.references.save(
            conversation_id=conversation,
            conversation_type="personal",
            reference={
                "conversation": {"id": conversation},
                "serviceUrl": connector.url,
                "channelId": "msteams",
                "bot": {"id": "28:bot"},
                "user": {"id": f"29:{person}"},
            },
            tenant_id=None,
            aad_object_id=person,
            now=now,
        )
        for trajectory_id in trajectories:
            body = Reminder(
                task=StepStarted(step="1", role="projectleider"),
                what="complete",
                since=now.isoformat(),
                count=1,
            )
            rows.append(
                Outgoing(
                    recipient=ToPerson(aad_object_id=person, name=f"Medewerker {person}"),
                    body=body,
                    trajectory_id=trajectory_id,
                    version=1,
                    not_before=now,
                )
            )
    async with store.transaction(now=now) as tx:
        await tx.add_outbox(rows, now=now)
    return people


async def _clicker(bot: BotClient, n: int, stop_at: float, latencies: list[float]) -> None:
    rng = random.Random(n)
    person = f"clicker-{n:02}"
    for _ in range(CLICKS_EACH):
        await asyncio.sleep(rng.uniform(0.5, (stop_at - time.perf_counter()) / CLICKS_EACH))
        activity = payload("message_text_personal", bot.connector, text="mijn taken")
        activity["from"] = {"id": f"29:{person}", "name": f"Klikker {n}", "aadObjectId": person}
        activity["conversation"] = {**activity["conversation"], "id": f"a:chat-{person}"}
        started = time.perf_counter()
        response = await bot.post(activity)
        await response.read()
        latencies.append(time.perf_counter() - started)
        assert response.status < 300, response.status


async def once(url: str) -> dict[str, Any]:
    connector = FakeConnector(enforce_limits=True)
    await connector.start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        deliver_in_background=False,
        run_timers=False,
        working_time_only=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        bot = BotClient(client, connector)
        people = await _seed(bot, app, connector)
        services = app[RUNTIME].services
        dispatcher = Dispatcher(services, app[RUNTIME].adapter)
        await asyncio.sleep(1.1)  # the set-up's own replies leave the tenant's window
        connector.calls.clear()
        latencies: list[float] = []
        started = time.perf_counter()
        clicks = asyncio.gather(
            *(_clicker(bot, n, started + FLOOR_S * 0.9, latencies) for n in range(CLICKERS))
        )
        digests = 0
        deadline = started + FLOOR_S * 3
        while time.perf_counter() < deadline:
            stats = await dispatcher.deliver_due(limit=1000)
            digests += stats.digests
            state = await services.store.operational_state(services.clock())
            if not state["outbox_pending"]:
                break
            if not stats.sent:
                await asyncio.sleep(0.05)  # a retry waits for its moment
        await clicks
        to_people = [
            call.at
            for call in connector.calls
            if call.status < 300 and call.method == "POST" and "/a:personal-29:staff-" in call.path
        ]
        reached = {
            conversation
            for conversation, _ in connector.delivered()
            if conversation.startswith("a:personal-29:staff-")
        }
        ordered = sorted(latencies)
        return {
            "seconds": round(max(to_people) - min(to_people), 2) if to_people else None,
            "sends": len(to_people),
            "digests": digests,
            "lost": len(people) - len(reached),
            "violations": connector.violations,
            "answers": len(latencies),
            "p50_ms": round(ordered[len(ordered) // 2] * 1000, 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1000, 1),
            "max_ms": round(ordered[-1] * 1000, 1),
        }
    finally:
        await client.close()
        await connector.close()


async def measure_async() -> dict[str, Any]:
    result: dict[str, Any] = {"people": PEOPLE, "clickers": CLICKERS, "floor_s": FLOOR_S}
    with tempfile.TemporaryDirectory(prefix="wasstraat-rush-") as directory:
        for dialect in harness.dialects():
            async with harness.fresh_database(dialect, Path(directory)) as url:
                run = await once(url)
            run["ratio"] = round(run["seconds"] / FLOOR_S, 3) if run["seconds"] else None
            result[dialect] = run
    return result


def measure() -> dict[str, Any]:
    return asyncio.run(measure_async())


def rows(result: dict[str, Any]) -> list[harness.Row]:
    out = []
    for dialect in ("sqlite", "postgresql"):
        r = result.get(dialect)
        if r is None:
            continue
        met = (
            r["ratio"] is not None
            and r["ratio"] <= GOAL_RATIO
            and r["p99_ms"] < GOAL_P99_MS
            and not r["lost"]
            and not r["violations"]
        )
        out.append(
            (
                f"P6 morning rush: digests to {result['people']}, {result['clickers']} people "
                f"clicking ({dialect})",
                f"{r['ratio']:.2f}",
                f"≤ {GOAL_RATIO}, p99 < {GOAL_P99_MS:.0f} ms",
                f"{'ok' if met else 'MISSED'}: {r['seconds']} s ÷ {result['floor_s']} s floor "
                f"({r['digests']} digests); answers p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms "
                f"({r['answers']}); {r['lost']} lost, {r['violations']} over Teams' limits",
            )
        )
    return out


def main() -> None:
    result = measure()
    print(harness.table(rows(result)))
    harness.write_latest({"rush": result})


if __name__ == "__main__":
    main()
