"""P1: throughput of approve turns against the SDK's own floor and the machine's.

Each approve turn is a real decision: an ``adaptiveCard/action`` invoke by the proceseigenaar on
the KPI approval card of a trajectory waiting for it; the bot authenticates (off, as for the
baselines), dedupes, loads the trajectory, runs the engine, commits state + outbox + audit +
inbox in one transaction and answers with the card that replaces the clicked one. Every request
hits a different trajectory, prepared in bulk beforehand. The outbox dispatcher and the timer
sweep are off (delivering is P2's figure).

Baselines under the same load generator (``harness.load``, closed loop, CONCURRENCY clients) in
the same run: a bare botbuilder echo bot and an echo written with plain aiohttp, both replying
to the loopback connector (``bench.baselines``); for information also the SDK echo bot with its
connector clients reused as ours are (not a goal). An approve turn answers in its invoke response,
as Teams expects for Action.Execute, so it makes no connector call of its own.

Run alone: ``python -m bench.turns``. ``--profile`` runs the bot (on the first database) under
pyinstrument and writes ``bench/profile-turns.txt`` (BENCH_PROFILE_OPTIONS adds options, e.g.
``-p flat=true -p show_all=true``); ``--cprofile`` under cProfile, writing
``bench/profile-turns.prof`` (time per function of the main thread, for ``pstats``).
"""

from __future__ import annotations

import asyncio
import copy
import json
import os
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench import harness
from bench.seed import Placement, Prototype, kpis_proposed, person_in, seed
from storage import open_database, schema
from wasstraat.samples import PE

CONCURRENCY = 20
SECONDS = 8.0
WARMUP = 200
TRAJECTORIES = 6000  # enough for the warm-up and SECONDS at well over 600 turns/s
FIXTURES = harness.ROOT / "tests" / "fixtures" / "playground"
PROFILE = Path(__file__).with_name("profile-turns.txt")
CPROFILE = Path(__file__).with_name("profile-turns.prof")
PROFILERS = {
    "--profile": [
        "-m",
        "pyinstrument",
        *os.environ.get("BENCH_PROFILE_OPTIONS", "").split(),
        "-o",
        str(PROFILE),
    ],
    "--cprofile": ["-m", "cProfile", "-o", str(CPROFILE)],
}


def fixture(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / f"{name}.json").read_text("utf-8")))


def echo_bodies(service_url: str, count: int) -> harness.Numbered:
    activity = fixture("message_text_personal")
    activity.update(serviceUrl=service_url, text="hallo")
    return harness.Numbered(activity, count)


def approve_bodies(service_url: str, seeded: list[Any], prototype: Prototype) -> list[bytes]:
    base = fixture("invoke_adaptiveCard_action_execute")
    bodies = []
    for trajectory in seeded:
        owner = person_in(PE, trajectory.group)
        activity = copy.deepcopy(base)
        activity.update(
            id=str(uuid.uuid4()),
            serviceUrl=service_url,
            replyToId=f"1:{trajectory.id}",
            value={
                "action": {
                    "type": "Action.Execute",
                    "verb": "decide_kpis",
                    "data": {
                        "action": "decide_kpis",
                        "decision": "approve",
                        "trajectory": trajectory.id,
                        "version": prototype.version,
                        "step": "2",
                        "round": 1,
                    },
                }
            },
        )
        activity["from"] = {
            "id": f"29:{owner.aad_object_id}",
            "name": owner.name,
            "aadObjectId": owner.aad_object_id,
        }
        activity["conversation"]["id"] = f"a:personal-{owner.aad_object_id}"
        bodies.append(harness.encode(activity))
    return bodies


async def decided(url: str, version: int) -> int:
    """How many trajectories moved past the version their approval card was made for."""
    database = await open_database(url, migrate=False)
    async with database.connect() as conn:
        count = await conn.scalar(
            select(func.count())
            .select_from(schema.trajectories)
            .where(schema.trajectories.c.version > version)
        )
    await database.dispose()
    return int(count or 0)


async def echo(kind: str, connector: harness.Server) -> harness.LoadResult:
    port = harness.free_port()
    async with harness.running(["-m", "bench.baselines", kind, str(port)], port=port) as server:
        bodies = echo_bodies(connector.url, 1_000_000)
        return await harness.load(
            server,
            bodies,
            concurrency=CONCURRENCY,
            seconds=SECONDS,
            warmup=WARMUP,
        )


async def approvals(
    dialect: str, connector: harness.Server, workdir: Path, *, profiler: list[str] | None = None
) -> harness.LoadResult:
    now = datetime.now(UTC)
    prototype = Prototype.of(kpis_proposed(), now=now, history=False)
    async with harness.fresh_database(dialect, workdir) as url:
        seeded = await seed(
            url,
            TRAJECTORIES,
            prototypes=[prototype],
            placement=lambda i: Placement(f"19:approve-{i}@thread.tacv2", i),
            now=now,
        )
        bodies = approve_bodies(connector.url, seeded, prototype)
        port = harness.free_port()
        args = ["-m", "bot"]
        if profiler:
            args = [*profiler, *args]
        async with harness.running(
            args,
            port=port,
            env=harness.bot_environment(url, port, background=False),
            ready_path="/healthz",
        ) as bot:
            result = await harness.load(
                bot,
                bodies,
                concurrency=CONCURRENCY,
                seconds=SECONDS,
                warmup=WARMUP,
            )
        made = await decided(url, prototype.version)
    answered = WARMUP + result.requests - result.failures
    if made != answered:
        raise RuntimeError(f"{answered} approvals answered but {made} trajectories decided")
    return result


async def measure(*, profiler: list[str] | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="wasstraat-bench-") as directory:
        workdir = Path(directory)
        port = harness.free_port()
        async with harness.running(
            ["-m", "bench.baselines", "connector", str(port)], port=port
        ) as connector:
            sdk = await echo("sdk-echo", connector)
            reused = await echo("sdk-echo-reused", connector)
            plain = await echo("plain-echo", connector)
            result: dict[str, Any] = {
                "concurrency": CONCURRENCY,
                "seconds": SECONDS,
                "sdk_echo": sdk.summary(),
                "sdk_echo_reused_connectors": reused.summary(),
                "plain_echo": plain.summary(),
            }
            for dialect in harness.dialects():
                bot = await approvals(dialect, connector, workdir, profiler=profiler)
                result[f"approve_{dialect}"] = {
                    **bot.summary(),
                    "x_sdk_echo": round(bot.per_second / sdk.per_second, 2),
                    "x_plain_echo": round(bot.per_second / plain.per_second, 3),
                    # the same ratios by the servers' CPU per turn (what other load on the
                    # machine changes least)
                    "x_sdk_echo_by_cpu": round(sdk.cpu_ms_per_turn / bot.cpu_ms_per_turn, 2),
                    "x_plain_echo_by_cpu": round(plain.cpu_ms_per_turn / bot.cpu_ms_per_turn, 3),
                }
                profiler = None  # one profile (the first database) is enough
    return result


def rows(result: dict[str, Any]) -> list[harness.Row]:
    """(figure, value, goal, note) rows for the table."""
    out = []
    for name, label in (
        ("sdk_echo", "SDK echo bot"),
        ("sdk_echo_reused_connectors", "SDK echo, connectors reused"),
        ("plain_echo", "plain aiohttp echo"),
    ):
        r = result[name]
        out.append(
            (
                f"P1 baseline: {label}",
                f"{r['turns_per_s']:.0f} turns/s",
                "",
                f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms; "
                f"CPU {r['server_cpu_ms_per_turn']} ms/turn",
            )
        )
    for key, r in result.items():
        if not key.startswith("approve_"):
            continue
        dialect = key.removeprefix("approve_")
        out.append(
            (
                f"P1 approve turns ({dialect})",
                f"{r['turns_per_s']:.0f} turns/s",
                "",
                f"p50 {r['p50_ms']} ms, p99 {r['p99_ms']} ms; "
                f"CPU {r['server_cpu_ms_per_turn']} ms/turn",
            )
        )
        out.append(
            (
                f"P1 ÷ SDK echo ({dialect})",
                f"{r['x_sdk_echo']:.2f}",
                "≥ 3",
                f"{'ok' if r['x_sdk_echo'] >= 3 else 'MISSED'} (by CPU per turn: "
                f"{r['x_sdk_echo_by_cpu']:.2f})",
            )
        )
        out.append(
            (
                f"P1 ÷ plain echo ({dialect})",
                f"{r['x_plain_echo']:.3f}",
                "≥ 0.25",
                f"{'ok' if r['x_plain_echo'] >= 0.25 else 'MISSED'} (by CPU per turn: "
                f"{r['x_plain_echo_by_cpu']:.3f})",
            )
        )
    return out


def main() -> None:
    chosen = [PROFILERS[flag] for flag in sys.argv[1:] if flag in PROFILERS]
    result = asyncio.run(measure(profiler=chosen[0] if chosen else None))
    print(harness.table(rows(result)))
    harness.write_latest({"turns": result})


if __name__ == "__main__":
    main()
