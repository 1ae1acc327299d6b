"""Benchmark P1: approve turns per second against two floors, and P3: the cost of ``status``.

P1. Three servers on loopback get the same load (CONCURRENCY requests in flight, aiohttp client):
- ``wasstraat``: real decisions. Each request approves the KPIs of its own trajectory
  (HTTP in, load, engine, commit state + outbox + inbox, invoke response with the card).
- ``sdk_echo``: a bare botbuilder 4.17.1 bot (CloudAdapter, ActivityHandler) echoing a message,
  its reply posted to a loopback connector: the SDK's own floor.
- ``aiohttp_echo``: the same echo against the Bot Framework protocol with plain aiohttp and one
  pooled client session: the physical floor on this machine.

P3. ``status`` for one channel with 10,000 trajectories stored (in other channels) against 10.

P4. Resident memory of ``python -m bot`` with 10,000 trajectories stored against 10.

Run: ``make bench`` (or ``python -m bench.turns``); SQLite, in a temporary folder.
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from aiohttp import web
from botbuilder.core import ActivityHandler, MessageFactory, TurnContext
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from sqlalchemy.engine import make_url

from bot.app import RUNTIME, _auth_configuration, create_app
from bot.settings import Settings
from storage import Store, open_database
from tests.fakes import FakeConnector
from tests.replicas.seeding import approve_kpis
from wasstraat.model import Binding, Person
from wasstraat.samples import waiting_for_kpi_decision

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "playground"
TURNS = 600
CONCURRENCY = 20
OUT = Path(__file__).with_name("latest.json")
CLICKER = Person(aad_object_id="00000000-0000-0000-0000-0000000000020", name="Alex Wilber")


def fixture(name: str) -> dict[str, Any]:
    return json.loads((FIXTURES / f"{name}.json").read_text("utf-8"))


async def load(url: str, bodies: list[dict[str, Any]]) -> dict[str, float]:
    """POST every body with CONCURRENCY in flight; throughput and latency percentiles."""
    latencies: list[float] = []
    slots = asyncio.Semaphore(CONCURRENCY)
    async with aiohttp.ClientSession() as session:

        async def one(body: dict[str, Any]) -> None:
            async with slots:
                started = time.perf_counter()
                async with session.post(url, json=body) as response:
                    await response.read()
                    assert response.status < 300, response.status
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one(body) for body in bodies))
        elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "turns_per_s": round(len(bodies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1),
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1),
    }


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/api/messages"


def echo_bodies(connector: FakeConnector) -> list[dict[str, Any]]:
    base = fixture("message_text_personal")
    base["serviceUrl"] = connector.url
    bodies = []
    for n in range(TURNS):
        body = copy.deepcopy(base)
        body["id"] = uuid.uuid4().hex
        body["text"] = f"hallo {n}"
        bodies.append(body)
    return bodies


def sdk_echo_app() -> web.Application:
    adapter = CloudAdapter(
        ConfigurationBotFrameworkAuthentication(_auth_configuration(Settings(_env_file=None)))  # type: ignore[call-arg]
    )

    class Echo(ActivityHandler):
        async def on_message_activity(self, turn_context: TurnContext) -> None:
            await turn_context.send_activity(MessageFactory.text(turn_context.activity.text))

    bot = Echo()

    async def messages(request: web.Request) -> web.Response:
        response = await adapter.process(request, bot)
        return response or web.Response(status=201)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    return app


def aiohttp_echo_app() -> web.Application:
    app = web.Application()
    sessions: list[aiohttp.ClientSession] = []

    async def messages(request: web.Request) -> web.Response:
        if not sessions:
            sessions.append(aiohttp.ClientSession())
        activity = await request.json()
        reply = {
            "type": "message",
            "text": activity.get("text", ""),
            "from": activity["recipient"],
            "recipient": activity["from"],
            "conversation": activity["conversation"],
            "replyToId": activity["id"],
        }
        url = (
            f"{activity['serviceUrl'].rstrip('/')}/v3/conversations/"
            f"{activity['conversation']['id']}/activities/{activity['id']}"
        )
        async with sessions[0].post(url, json=reply) as response:
            await response.read()
        return web.Response(status=201)

    async def close(_app: web.Application) -> None:
        for session in sessions:
            await session.close()

    app.on_cleanup.append(close)
    app.router.add_post("/api/messages", messages)
    return app


async def wasstraat_approvals(
    folder: Path, connector: FakeConnector, url_db: str | None = None
) -> dict[str, float]:
    url_db = url_db or f"sqlite+aiosqlite:///{folder / 'turns.db'}"
    now = datetime.now(UTC)
    database = await open_database(url_db)
    store = Store(database)
    bodies = []
    base = fixture("invoke_adaptiveCard_action_execute")
    base["serviceUrl"] = connector.url
    async with store.transaction(now=now) as tx:
        for trajectory in waiting_for_kpi_decision(TURNS, prefix="p1"):
            trajectory = trajectory.model_copy(
                update={
                    "roles": {**trajectory.roles, "proceseigenaar": [CLICKER]},
                    "binding": Binding(conversation_id=f"chan-{trajectory.id}"),
                }
            )
            await tx.insert_trajectory(trajectory, now=now)
            body = copy.deepcopy(base)
            body["id"] = uuid.uuid4().hex
            bodies.append(approve_kpis(body, trajectory))
    await database.dispose()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, database_url=url_db, deliver_in_background=False, run_timers=False
    )
    app = create_app(settings)
    runner, url = await serve(app)
    try:
        result = await load(url, bodies)
        decided = sum(
            1
            for t in await app[RUNTIME].services.store.trajectories_of(
                CLICKER.aad_object_id, limit=TURNS
            )
            if t.approvals
        )
    finally:
        await runner.cleanup()
    assert decided == TURNS, decided  # every request was a real decision
    return result


async def measure(
    make: Callable[[], web.Application], connector: FakeConnector
) -> dict[str, float]:
    runner, url = await serve(make())
    try:
        await load(url, echo_bodies(connector)[:50])  # warm up
        return await load(url, echo_bodies(connector))
    finally:
        await runner.cleanup()


async def status_cost(folder: Path, stored: int, url_db: str | None = None) -> float:
    """Seconds per `status` in a channel with 3 trajectories, `stored` in all."""
    url_db = url_db or f"sqlite+aiosqlite:///{folder / f'status-{stored}.db'}"
    now = datetime.now(UTC)
    database = await open_database(url_db)
    store = Store(database)
    async with store.transaction(now=now) as tx:
        for n, trajectory in enumerate(waiting_for_kpi_decision(stored, prefix=f"s{stored}")):
            channel = "19:bench@thread.tacv2" if n < 3 else f"19:other-{n}@thread.tacv2"
            binding = Binding(conversation_id=channel, channel_id=channel, team_id="team")
            await tx.insert_trajectory(trajectory.model_copy(update={"binding": binding}), now=now)
    runs = []
    for _ in range(30):
        started = time.perf_counter()
        await store.trajectories_in_channel("19:bench@thread.tacv2", limit=20)
        runs.append(time.perf_counter() - started)
    await database.dispose()
    return statistics.median(runs)


Runner = Callable[[], Awaitable[dict[str, Any]]]


async def resident_memory(folder: Path, stored: int, connector: FakeConnector) -> int:
    """RSS in kB of ``python -m bot`` on a database with ``stored`` trajectories, after
    twenty ``status`` turns and a metrics scrape."""
    url_db = f"sqlite+aiosqlite:///{folder / f'rss-{stored}.db'}"
    now = datetime.now(UTC)
    database = await open_database(url_db)
    store = Store(database)
    async with store.transaction(now=now) as tx:
        for trajectory in waiting_for_kpi_decision(stored, prefix=f"r{stored}"):
            await tx.insert_trajectory(trajectory, now=now)
    await database.dispose()
    port = 3990 + stored % 7
    env = {
        **os.environ,
        "WASSTRAAT_DATABASE_URL": url_db,
        "WASSTRAAT_PORT": str(port),
        "WASSTRAAT_LOG_LEVEL": "WARNING",
        "MICROSOFT_APP_ID": "",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(200):
                try:
                    async with session.get(f"{base}/healthz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
            body = fixture("message_text_personal")
            body["serviceUrl"] = connector.url
            for _ in range(20):
                body = {**body, "id": uuid.uuid4().hex, "text": "status"}
                async with session.post(f"{base}/api/messages", json=body) as response:
                    assert response.status < 300, response.status
            async with session.get(f"{base}/metrics") as response:
                await response.read()
        status = await asyncio.to_thread(Path(f"/proc/{process.pid}/status").read_text)
        return int(
            next(line.split()[1] for line in status.splitlines() if line.startswith("VmRSS"))
        )
    finally:
        process.terminate()
        await process.wait()


PG_ADMIN = "WASSTRAAT_BENCH_POSTGRES"  # an admin URL (``make bench`` sets it when it can)


async def fresh_postgres_database() -> str:
    url = make_url(os.environ[PG_ADMIN])
    name = f"wasstraat_bench_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(url.set(drivername="postgresql").render_as_string(False))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return url.set(database=name).render_as_string(hide_password=False)


async def postgres_figures(connector: FakeConnector) -> dict[str, Any]:
    """P1 and P3 again on PostgreSQL (each in a fresh database)."""
    connector_free = FakeConnector(enforce_limits=False)
    await connector_free.start()
    try:
        ours = await wasstraat_approvals(Path("."), connector_free, await fresh_postgres_database())
        small = await status_cost(Path("."), 10, await fresh_postgres_database())
        large = await status_cost(Path("."), 10_000, await fresh_postgres_database())
    finally:
        await connector_free.close()
    return {
        "pg_p1_wasstraat_approvals": ours,
        "pg_p3_status_ms_10": round(small * 1000, 3),
        "pg_p3_status_ms_10000": round(large * 1000, 3),
        "pg_p3_ratio": round(large / small, 2),
    }


async def main_async() -> dict[str, Any]:
    connector = FakeConnector(enforce_limits=False)
    await connector.start()
    try:
        with tempfile.TemporaryDirectory() as name:
            folder = Path(name)
            ours = await wasstraat_approvals(folder, connector)
            sdk = await measure(sdk_echo_app, connector)
            floor = await measure(aiohttp_echo_app, connector)
            small = await status_cost(folder, 10)
            large = await status_cost(folder, 10_000)
            rss_small = await resident_memory(folder, 10, connector)
            rss_large = await resident_memory(folder, 10_000, connector)
    finally:
        await connector.close()
    postgres = await postgres_figures(connector) if os.environ.get(PG_ADMIN) else {}
    return {
        **postgres,
        "p1_wasstraat_approvals": ours,
        "p1_sdk_echo": sdk,
        "p1_aiohttp_echo": floor,
        "p1_ratio_vs_sdk_echo": round(ours["turns_per_s"] / sdk["turns_per_s"], 2),
        "p1_ratio_vs_aiohttp_echo": round(ours["turns_per_s"] / floor["turns_per_s"], 3),
        "p3_status_ms_10": round(small * 1000, 3),
        "p3_status_ms_10000": round(large * 1000, 3),
        "p3_ratio": round(large / small, 2),
        "p4_rss_kb_10": rss_small,
        "p4_rss_kb_10000": rss_large,
        "p4_ratio": round(rss_large / rss_small, 2),
    }


def main() -> None:
    result = asyncio.run(main_async())
    print(f"turn benchmark (SQLite, {TURNS} turns, {CONCURRENCY} in flight)")
    for key, value in result.items():
        print(f"  {key:28} {value}")
    existing = json.loads(OUT.read_text()) if OUT.exists() else {}
    existing["turns"] = result
    OUT.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
