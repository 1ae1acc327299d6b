"""P2: delivering a step start to 200 people through a Bot Connector that enforces Teams' limits.

A trajectory in a team channel gets 200 people in one role (one command, 200 ``role_assigned``
messages, each to a person without a 1:1 chat yet). The outbox dispatcher delivers them: it
finds each person in the team, creates the chat, sends the card and marks the row, paced per
conversation and per tenant. The loopback connector (``tests.fakes.FakeConnector``) answers
every send as Teams would, with a 429 for any send over 7/s per conversation or 50/s per tenant,
counted at its arrival.

Measured twice: for people the bot has never written to (each is looked up in the team and
a 1:1 chat is created before the card goes out: three connector calls a person) and for people
whose chats it knows (one call).

The figure is the time from the command's commit to the last delivery, divided by the floor
Teams' limits set: 200 sends at 50 per second, 4 s. Goal ≤ 1.1, with 0 lost and 0 sends over
the limit. Three runs per database; the median is reported.

Run alone: ``python -m bench.fanout``.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
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
from bot.workflow import Workflow
from tests.conftest import BotClient
from tests.fakes import FakeConnector
from tests.scenario.test_delivery import LEADER, channel_trajectory
from wasstraat import commands as c
from wasstraat.model import Person

PEOPLE = 200
FLOOR_S = PEOPLE / 50
RUNS = 3


async def once(url: str, *, known_chats: bool = False) -> dict[str, Any]:
    """One fan-out; ``known_chats``: the people's 1:1 chats exist already (the usual case after
    their first message), else each is found in the team and the chat created first."""
    connector = FakeConnector(enforce_limits=True)
    await connector.start()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        database_url=url,
        deliver_in_background=False,
        run_timers=False,
        working_time_only=False,
    )
    app = create_app(settings)
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    try:
        bot = BotClient(client, connector)
        trajectory_id = await channel_trajectory(bot)
        staff = [
            Person(aad_object_id=f"staff-{n:03}", name=f"Medewerker {n}") for n in range(PEOPLE)
        ]
        for person in staff:
            connector.add_member(person.aad_object_id, person.name)
        store = app[RUNTIME].services.store
        for person in staff if known_chats else []:
            conversation = f"a:personal-29:{person.aad_object_id}"
            await store.references.save(
                conversation_id=conversation,
                conversation_type="personal",
                reference={
                    "conversation": {"id": conversation},
                    "serviceUrl": connector.url,
                    "channelId": "msteams",
                    "bot": {"id": "28:bot"},
                    "user": {"id": f"29:{person.aad_object_id}"},
                },
                aad_object_id=person.aad_object_id,
                now=datetime.now(UTC),
            )
        services = app[RUNTIME].services
        dispatcher = Dispatcher(services, app[RUNTIME].adapter)
        await dispatcher.deliver_due(limit=1000)  # what the start itself queued
        # the start's own replies (turn answers, which the pacer does not see) leave the
        # connector's one-second window before the fan-out begins
        await asyncio.sleep(1.1)
        started = time.perf_counter()
        await Workflow(services).execute(
            trajectory_id, c.AssignRole(role="vakinhoudelijk_medewerker", people=staff), LEADER
        )
        deadline = started + 60
        while time.perf_counter() < deadline:
            stats = await dispatcher.deliver_due(limit=1000)
            state = await services.store.operational_state(services.clock())
            if not state["outbox_pending"]:
                break
            if not stats.sent:
                await asyncio.sleep(0.05)  # a retry waits for its moment
        seconds = time.perf_counter() - started
        reached = {
            conversation
            for conversation, _ in connector.delivered()
            if conversation.startswith("a:personal-29:staff-")
        }
        return {
            "seconds": seconds,
            "delivered": len(reached),
            "violations": connector.violations,
        }
    finally:
        await client.close()
        await connector.close()


async def measure_async() -> dict[str, Any]:
    result: dict[str, Any] = {"people": PEOPLE, "floor_s": FLOOR_S}
    with tempfile.TemporaryDirectory(prefix="wasstraat-fanout-") as directory:
        for dialect, known in itertools.product(harness.dialects(), (False, True)):
            runs = []
            for _ in range(RUNS):
                async with harness.fresh_database(dialect, Path(directory)) as url:
                    runs.append(await once(url, known_chats=known))
            seconds = statistics.median(run["seconds"] for run in runs)
            result[f"{dialect}_known_chats" if known else dialect] = {
                "seconds": round(seconds, 2),
                "runs_s": [round(run["seconds"], 2) for run in runs],
                "ratio": round(seconds / FLOOR_S, 3),
                "lost": sum(PEOPLE - run["delivered"] for run in runs),
                "over_limit": sum(run["violations"] for run in runs),
            }
    return result


def measure() -> dict[str, Any]:
    return asyncio.run(measure_async())


def rows(result: dict[str, Any]) -> list[harness.Row]:
    out = []
    for key, label in (
        ("sqlite", "sqlite, new chats"),
        ("sqlite_known_chats", "sqlite, known chats"),
        ("postgresql", "postgresql, new chats"),
        ("postgresql_known_chats", "postgresql, known chats"),
    ):
        r = result.get(key)
        if r is None:
            continue
        out.append(
            (
                f"P2 fan-out to {result['people']} ({label})",
                f"{r['ratio']:.2f}",
                "≤ 1.1",
                f"{'ok' if r['ratio'] <= 1.1 and not r['lost'] else 'MISSED'}: "
                f"{r['seconds']} s ÷ {result['floor_s']} s floor (runs {r['runs_s']}); "
                f"{r['lost']} lost, {r['over_limit']} over Teams' limits",
            )
        )
    return out


def main() -> None:
    result = measure()
    print(harness.table(rows(result)))
    harness.write_latest({"fanout": result})


if __name__ == "__main__":
    main()
